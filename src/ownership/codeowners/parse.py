"""CODEOWNERS files → rules, and GitHub's matcher: gitignore-style patterns, the last matching line wins.

Semantics (as GitHub documents them, and as hmarr/codeowners implements them):
- a pattern without a slash, or with only a trailing one, matches at any depth (`*.js`, `apps/`);
- a leading or inner slash anchors the pattern at the repository root (`/docs/`, `docs/*`);
- `*` and `?` never cross a `/`; `**` matches any number of directories;
- a trailing `/` matches only what is inside that directory; a pattern whose last segment is literal also
  matches everything under a directory of that name; `docs/*` matches direct children only;
- a line with a pattern and no owners unowns the paths it matches (they stay matched, with no owners);
- `#` starts a comment (a whole line, or after the owners).
GitHub's CODEOWNERS has no `!` negation, no `[...]` ranges and no `\\#` escape: such lines are reported.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

# GitHub reads the first of these that exists
LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
_OWNER = re.compile(r"^(@[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9_.-]+)?|[^@\s]+@[^@\s]+\.[^@\s]+)$")


class PatternError(ValueError):
    """A pattern GitHub would not accept."""


@dataclass(frozen=True)
class Line:
    """One rule of a CODEOWNERS file: pattern, owners (possibly none), 1-based line number."""

    pattern: str
    owners: tuple[str, ...]
    line: int

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return compile_pattern(self.pattern)

    def matches(self, path: str) -> bool:
        return self.regex.match(path.lstrip("/")) is not None


@dataclass(frozen=True)
class CodeownersProblem:
    line: int
    message: str


@dataclass(frozen=True)
class Codeowners:
    lines: tuple[Line, ...]
    problems: tuple[CodeownersProblem, ...] = ()

    def match(self, path: str) -> Line | None:
        """The line that decides `path`'s owners (the last one matching), or None when none matches."""
        for line in reversed(self.lines):
            if line.matches(path):
                return line
        return None

    def owners(self, path: str) -> tuple[str, ...]:
        line = self.match(path)
        return line.owners if line else ()


def parse(text: str) -> Codeowners:
    """Every rule line, in file order; unparseable lines become problems (GitHub ignores them too)."""
    lines: list[Line] = []
    problems: list[CodeownersProblem] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        fields = _split(raw)
        if not fields:
            continue
        pattern, owners = fields[0], tuple(fields[1:])
        try:
            compile_pattern(pattern)
        except PatternError as exc:
            problems.append(CodeownersProblem(number, f"pattern {pattern!r}: {exc}"))
            continue
        bad = [o for o in owners if not _OWNER.match(o)]
        if bad:
            problems.append(CodeownersProblem(number, f"{', '.join(bad)} is not an @user, @org/team or email owner"))
            owners = tuple(o for o in owners if o not in bad)
        lines.append(Line(pattern, owners, number))
    return Codeowners(tuple(lines), tuple(problems))


def _split(raw: str) -> list[str]:
    """Whitespace-separated fields up to a comment: a field starting with `#` ends the line."""
    fields = []
    for field in raw.split():
        if field.startswith("#"):
            break
        fields.append(field)
    return fields


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """A regular expression matching repository-relative paths (no leading slash) the pattern covers."""
    if not pattern:
        raise PatternError("empty pattern")
    if pattern.startswith("!"):
        raise PatternError("negation (!) is not supported in CODEOWNERS")
    if "***" in pattern:
        raise PatternError("three consecutive asterisks")
    if "[" in pattern:
        raise PatternError("character ranges ([...]) are not supported in CODEOWNERS")
    if pattern == "/":
        return re.compile(r"(?!)")
    segs = pattern.split("/")
    if segs[0] == "":
        segs = segs[1:]  # a leading slash anchors at the root
    elif len(segs) == 1 or (len(segs) == 2 and segs[1] == ""):
        if segs[0] != "**":  # one segment (maybe with a trailing slash) matches at any depth
            segs = ["**", *segs]
    if len(segs) > 1 and segs[-1] == "":
        segs[-1] = "**"  # a trailing slash: everything inside
    out = [r"\A"]
    need_slash = False
    last = len(segs) - 1
    for i, seg in enumerate(segs):
        if seg == "**":
            if i == 0 and i == last:
                out.append(r".+")
            elif i == 0:
                out.append(r"(?:.+/)?")
                need_slash = False
            elif i == last:
                out.append(r"/.*")
            else:
                out.append(r"(?:/.+)?")
                need_slash = True
            continue
        if need_slash:
            out.append("/")
        if seg == "*":
            out.append(r"[^/]+")
        else:
            out.append(_segment(seg))
            if i == last:
                out.append(r"(?:/.*)?")  # a literal last segment also covers a directory of that name
        need_slash = True
    out.append(r"\Z")
    return re.compile("".join(out))


def _segment(seg: str) -> str:
    out: list[str] = []
    escape = False
    for ch in seg:
        if escape:
            out.append(re.escape(ch))
            escape = False
        elif ch == "\\":
            escape = True
        elif ch == "*":
            out.append(r"[^/]*")
        elif ch == "?":
            out.append(r"[^/]")
        else:
            out.append(re.escape(ch))
    return "".join(out)
