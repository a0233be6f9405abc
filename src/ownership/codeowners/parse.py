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
Patterns are matched by glob.py, in time linear in the path (no regular expression, no backtracking).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from ownership.codeowners.glob import Glob, PatternError, Subject, compile_pattern

__all__ = ["LOCATIONS", "Codeowners", "CodeownersProblem", "Line", "PatternError", "compile_pattern", "parse"]

# GitHub reads the first of these that exists
LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
_OWNER = re.compile(r"^(@[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9_.-]+)?|[^@\s]+@[^@\s]+\.[^@\s]+)$")


@dataclass(frozen=True)
class Line:
    """One rule of a CODEOWNERS file: pattern, owners (possibly none), 1-based line number."""

    pattern: str
    owners: tuple[str, ...]
    line: int

    @cached_property
    def glob(self) -> Glob:
        return compile_pattern(self.pattern)

    def matches(self, path: str) -> bool:
        """Whether the line covers `path` (a leading slash is ignored)."""
        return self.glob.match(path.lstrip("/"))


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
        subject = Subject(path.lstrip("/"))
        for glob, line in self._last_first:
            if glob.covers(subject):
                return line
        return None

    @cached_property
    def _last_first(self) -> list[tuple[Glob, Line]]:
        return [(line.glob, line) for line in reversed(self.lines)]

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
