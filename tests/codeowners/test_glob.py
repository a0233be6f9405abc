"""Issue 24, point 7: CODEOWNERS patterns match in linear time (codeowners/glob.py), and exactly as the
regular expressions they replace: those are kept here, as the oracle, and generated patterns and paths must
get the same answer from both."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ownership.codeowners.glob import Op, Subject
from ownership.codeowners.parse import PatternError, compile_pattern, parse
from tests.conftest import ROOT
from tests.gitrepo import GitRepo


def _oracle(pattern: str) -> re.Pattern[str]:
    """parse.py's compile_pattern before issue 24: a regex, which `re` matches by backtracking."""
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
        segs = segs[1:]
    elif len(segs) == 1 or (len(segs) == 2 and segs[1] == ""):
        if segs[0] != "**":
            segs = ["**", *segs]
    if len(segs) > 1 and segs[-1] == "":
        segs[-1] = "**"
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
            out.append(_oracle_segment(seg))
            if i == last:
                out.append(r"(?:/.*)?")
        need_slash = True
    out.append(r"\Z")
    return re.compile("".join(out))


def _oracle_segment(seg: str) -> str:
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


def _same(pattern: str, path: str) -> None:
    try:
        expected = _oracle(pattern).match(path) is not None
    except PatternError:
        with pytest.raises(PatternError):
            compile_pattern(pattern)
        return
    assert compile_pattern(pattern).match(path) is expected, (pattern, path)


# few letters, so that patterns and paths meet; `**` and `***` come from repeated `*`; few stars per pattern
# keep the oracle's backtracking short
_PATTERN = st.lists(st.sampled_from(["a", "b", ".", "*", "*", "?", "/", "/", "**", "\\", "\\*", "[", "!"]),
                    min_size=1, max_size=9).map("".join)
_PATH = st.text(alphabet=st.sampled_from(["a", "b", ".", "/", "/", "*", "?", "\n", "\\"]), max_size=14)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_PATTERN, st.lists(_PATH, min_size=1, max_size=8))
@example("**/", ["/a", "a//b", "a/b"])
@example("**", ["", "a", "\n", "a\nb"])
@example("a/**/b", ["a/b", "a//b", "a/\n/b", "a/x/y/b", "ab"])
@example("/a/**", ["a/", "a", "a/\n", "a/b/c"])
@example("a\\", ["a", "a\\"])
@example("*a*a*a*b", ["aaab", "aaaa", "xaxaxab/c", "a/a/a/b"])
def test_generated_patterns_match_generated_paths_as_the_regex_did(pattern: str, paths: list[str]) -> None:
    for path in paths:
        _same(pattern, path)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["docs", "src", "*", "**", "*.py", "a?c", "x*y", ""]), min_size=1, max_size=5),
       st.lists(st.sampled_from(["docs", "src", "a.py", "abc", "xzy", "x", "y", ""]), min_size=1, max_size=6))
def test_generated_directory_patterns_match_as_the_regex_did(segments: list[str], parts: list[str]) -> None:
    pattern, path = "/".join(segments), "/".join(parts)
    for p in (pattern, "/" + pattern, pattern + "/", "/" + pattern + "/"):
        _same(p, path)


def test_a_path_is_measured_once_for_every_line_of_the_file() -> None:
    co = parse("* @a\n/docs/ @b\n*.md @c\n")
    subject = Subject("docs/a.md")
    assert [line.glob.covers(subject) for line in co.lines] == [True, True, True]
    assert set(subject.found) == {"docs", ".md"}  # literal positions, looked up once per literal


class _Counted(Subject):
    steps = 0

    def step(self, reached: int, op: Op, text: str) -> int:
        self.steps += 1
        return super().step(reached, op, text)


@pytest.mark.parametrize("path", ["src/b/" + "a" * 48, "a" * 4800 + "/b", "a/" * 2000 + "b", "b" * 300])
def test_a_match_runs_each_step_of_the_pattern_once_whatever_the_path(path: str) -> None:
    """No backtracking by construction: the matcher never goes back to an earlier step."""
    for pattern in ("*a" * 16 + "*b", "**/" + "*a*/" * 8 + "**/b", "a/**/" * 6 + "b", "?*?*?*?*?*?*?*?*b"):
        glob = compile_pattern(pattern)
        subject = _Counted(path)
        glob.covers(subject)
        assert subject.steps <= len(glob.steps) <= len(pattern) + 2


CODEOWNERS_17 = "*a" * 16 + "*b @acme/evil\n"  # 17 stars
NAME = "a" * 48  # no b: every way of spreading the a's over the stars is tried, and fails


def test_codeowners_check_with_a_17_star_line_and_a_48_character_name_finishes(tmp_path: Path) -> None:
    """The regex took more than 50 s with 9 stars on this name (the base commit's CLI is still running at
    100 s with 17). Linear matching answers at once; the command gets a minute and takes about two seconds."""
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "catalog.yaml").write_text(
        "teams:\n  - name: core\n    members: [a@acme.test]\nsystems:\n  - name: svc\n    owner: core\n"
        "    repos:\n      - url: ../repo\n        paths: [src/]\n")
    repo = GitRepo.init(tmp_path / "repo")
    # under src/b/: the line's every literal is in the path, so the matcher cannot rule it out early
    repo.commit({f"src/b/{NAME}": "x", ".github/CODEOWNERS": "/src/ @acme/core\n" + CODEOWNERS_17},
                date="2026-01-10")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-m", "ownership", "codeowners", "check", "--catalog", "catalog",
                           "--repo", "repo", "--format", "json", "--today", "2026-06-01"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    # the /src/ line gives the file to its team; the 17-star line, last, would have won had it matched
    assert json.loads(done.stdout)["findings"] == []
