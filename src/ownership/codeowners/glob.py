"""CODEOWNERS patterns matched in linear time: no backtracking, whatever the pattern and the path.

A pattern was a Python regular expression, and `re` backtracks: one line with 17 `*` held `codeowners check`
for more than 40 s on a 48-character file name (issue 24, point 7). Here a pattern compiles to a short
program of steps (parse.py's module docstring says what patterns mean), and a path is matched by running the
program once over the set of positions in the path reached so far, held as the bits of one integer: a
literal keeps the positions where it occurs and moves them past it, `*` spreads each position to the end of
its run of non-`/` characters with one addition (the carry runs along the run). Each step is a few integer
operations on (len(path) + 1)-bit numbers, so matching costs steps x path length / word size, never more.

The program is exactly the regular expression parse.py used to build (kept in tests/codeowners/
test_glob.py as the oracle, which generated patterns and paths are checked against); `.` in it did not match
a newline, so `**` does not cross one either, while `*` and `?` do.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class PatternError(ValueError):
    """A pattern GitHub would not accept."""


class Op(Enum):
    LITERAL = "literal"  # the text, as is
    ONE = "?"  # one character that is not /
    STAR = "*"  # any run of characters that are not /, maybe empty
    SEGMENT = "segment*"  # a whole segment: one or more characters that are not /
    EVERYTHING = "**"  # the pattern `**` alone: one or more characters
    LEADING = "**/"  # nothing, or one or more characters and a /  (a leading `**/`)
    TRAILING = "/**"  # a / and anything  (a trailing `/**`, or a trailing slash)
    INNER = "/**/"  # nothing, or a / and one or more characters  (an inner `/**`)
    INSIDE = "(/...)"  # nothing, or a / and anything: a literal last segment also covers a directory


@dataclass(frozen=True)
class Glob:
    """A compiled pattern: `match(path)` for repository-relative paths (no leading slash)."""

    pattern: str
    steps: tuple[tuple[Op, str], ...]
    never: bool = False  # the pattern `/` matches nothing
    literals: tuple[str, ...] = ()  # every one must occur in a path it matches: most lines stop here

    def match(self, path: str) -> bool:
        return self.covers(Subject(path))

    def covers(self, subject: Subject) -> bool:
        """`match()` for a path already measured (one Subject serves every line of a file)."""
        if self.never:
            return False
        for literal in self.literals:
            if literal not in subject.text:
                return False
        reached = 1  # position 0
        for op, text in self.steps:
            reached = subject.step(reached, op, text)
            if not reached:
                return False
        return bool(reached >> subject.length & 1)


@dataclass
class Subject:
    """A path as bit masks over its characters (bit i: character i), computed once for every line."""

    text: str
    length: int = 0
    slash: int = 0  # characters that are /
    other: int = 0  # characters that are not /
    dot: int = 0  # characters that are not a newline (what a regex `.` matched)
    found: dict[str, int] = field(default_factory=dict)  # literal -> positions where it starts

    def __post_init__(self) -> None:
        text, self.length = self.text, len(self.text)
        everything = (1 << self.length) - 1
        self.slash = _positions(text, "/")
        self.other = everything & ~self.slash
        self.dot = everything & ~_positions(text, "\n")

    def starts(self, literal: str) -> int:
        bits = self.found.get(literal)
        if bits is None:
            bits = self.found[literal] = _positions(self.text, literal)
        return bits

    def step(self, reached: int, op: Op, text: str) -> int:
        """The positions reached after `op`, from the positions `reached` before it."""
        if op is Op.LITERAL:
            return (reached & self.starts(text)) << len(text)
        if op is Op.ONE:
            return (reached & self.other) << 1
        if op is Op.STAR:
            return _spread(reached, self.other)
        if op is Op.SEGMENT:
            return _spread((reached & self.other) << 1, self.other)
        if op is Op.EVERYTHING:
            return _spread((reached & self.dot) << 1, self.dot)
        if op is Op.LEADING:
            return reached | (_spread((reached & self.dot) << 1, self.dot) & self.slash) << 1
        if op is Op.TRAILING:
            return _spread((reached & self.slash) << 1, self.dot)
        if op is Op.INNER:
            return reached | _spread((((reached & self.slash) << 1) & self.dot) << 1, self.dot)
        return reached | _spread((reached & self.slash) << 1, self.dot)  # Op.INSIDE


def _positions(text: str, literal: str) -> int:
    """Bit i set where `literal` starts at character i (overlapping occurrences too)."""
    bits, at = 0, text.find(literal)
    while at >= 0:
        bits |= 1 << at
        at = text.find(literal, at + 1)
    return bits


def _spread(reached: int, run: int) -> int:
    """Every position reachable from `reached` moving right over characters in `run` (bit i: character i may
    be crossed from position i to i + 1). Adding the reached positions to `run` carries a 1 from each of them
    to the end of its run; the bits the carry flipped are the positions it passed."""
    moving = reached & run
    return ((moving + run) ^ run) | reached


def compile_pattern(pattern: str) -> Glob:
    """The program for `pattern`, or PatternError for what GitHub does not accept."""
    if not pattern:
        raise PatternError("empty pattern")
    if pattern.startswith("!"):
        raise PatternError("negation (!) is not supported in CODEOWNERS")
    if "***" in pattern:
        raise PatternError("three consecutive asterisks")
    if "[" in pattern:
        raise PatternError("character ranges ([...]) are not supported in CODEOWNERS")
    if pattern == "/":
        return Glob(pattern, (), never=True)
    segs = pattern.split("/")
    if segs[0] == "":
        segs = segs[1:]  # a leading slash anchors at the root
    elif len(segs) == 1 or (len(segs) == 2 and segs[1] == ""):
        if segs[0] != "**":  # one segment (maybe with a trailing slash) matches at any depth
            segs = ["**", *segs]
    if len(segs) > 1 and segs[-1] == "":
        segs[-1] = "**"  # a trailing slash: everything inside
    steps: list[tuple[Op, str]] = []
    need_slash = False
    last = len(segs) - 1
    for i, seg in enumerate(segs):
        if seg == "**":
            if i == 0 and i == last:
                steps.append((Op.EVERYTHING, ""))
            elif i == 0:
                steps.append((Op.LEADING, ""))
                need_slash = False
            elif i == last:
                steps.append((Op.TRAILING, ""))
            else:
                steps.append((Op.INNER, ""))
                need_slash = True
            continue
        if need_slash:
            steps.append((Op.LITERAL, "/"))
        if seg == "*":
            steps.append((Op.SEGMENT, ""))
        else:
            steps.extend(_segment(seg))
            if i == last:
                steps.append((Op.INSIDE, ""))
        need_slash = True
    joined = tuple(_joined(steps))
    return Glob(pattern, joined, literals=tuple(dict.fromkeys(t for op, t in joined if op is Op.LITERAL)))


def _segment(seg: str) -> list[tuple[Op, str]]:
    out: list[tuple[Op, str]] = []
    escape = False
    for ch in seg:
        if escape:
            out.append((Op.LITERAL, ch))
            escape = False
        elif ch == "\\":
            escape = True  # a backslash at the end of a segment is dropped
        elif ch == "*":
            out.append((Op.STAR, ""))
        elif ch == "?":
            out.append((Op.ONE, ""))
        else:
            out.append((Op.LITERAL, ch))
    return out


def _joined(steps: list[tuple[Op, str]]) -> list[tuple[Op, str]]:
    """Adjacent literals as one, and `**` inside a segment as one `*` (the same strings either way)."""
    out: list[tuple[Op, str]] = []
    for op, text in steps:
        if out and op is Op.LITERAL and out[-1][0] is Op.LITERAL:
            out[-1] = (Op.LITERAL, out[-1][1] + text)
        elif out and op is Op.STAR and out[-1][0] is Op.STAR:
            continue
        else:
            out.append((op, text))
    return out
