"""Every ```console block of README.md and docs/*.md works as written, after Quickstart line 1.

The user has run `pip install -e . && ownership demo` at the repository root, so ./ownership-demo/ holds the
example org. Each block starts there (the root, with the repository's catalog/ and examples/) and runs its
`$ ` lines in order: `$ cd DIR` moves the block, every other line runs in bash with NO_COLOR=1 and no
terminal. The lines under a command are its expected output (stdout and stderr as a person sees them): shown
lines must appear as shown, contiguous; a line `...` (indented or not) stands for any number of lines left out. Without a
leading (trailing) `...` the output starts (ends) with what is shown.

A comment on the line before the fence says what a block needs (the conventions are in docs/cli.md):
  <!-- doc-commands: exit 0 1 -->       the exit code of each command in turn (default: all 0)
  <!-- doc-commands: skip REASON -->    not run: the demo lacks what it needs (counted, and the reason shown)
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

TODAY = "2026-11-30"  # the day the blocks' --today / --at are written for
MARKER = re.compile(r"<!--\s*doc-commands:\s*(.*?)\s*-->")
FENCE = re.compile(r"^```console\n(.*?)^```", re.S | re.M)
ELIDED = "..."


@dataclass(frozen=True)
class Command:
    line: str
    expected: tuple[str, ...]
    exit: int


@dataclass(frozen=True)
class Block:
    where: str  # README.md:34
    commands: tuple[Command, ...]
    skip: str | None


def _blocks(path: Path) -> list[Block]:
    text = path.read_text(encoding="utf-8")
    found = []
    for m in FENCE.finditer(text):
        before = text[:m.start()].rstrip("\n").rsplit("\n", 1)[-1]
        marker = MARKER.search(before)
        words = marker.group(1).split() if marker else []
        skip = " ".join(words[1:]) or "no reason" if words[:1] == ["skip"] else None
        exits = [int(w) for w in words[1:]] if words[:1] == ["exit"] else []
        lines: list[tuple[str, list[str]]] = []
        for line in m.group(1).splitlines():
            if line.startswith("$ "):
                lines.append((line[2:], []))
            elif lines:
                lines[-1][1].append(line.rstrip())
        if not lines:
            continue
        commands = tuple(Command(cmd, tuple(shown), exits[i] if i < len(exits) else 0)
                         for i, (cmd, shown) in enumerate(lines))
        found.append(Block(f"{path.relative_to(ROOT)}:{text[:m.start()].count(chr(10)) + 1}", commands, skip))
    return found


BLOCKS = [b for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))] for b in _blocks(doc)]


def _shows(output: list[str], expected: tuple[str, ...]) -> bool:
    """`expected` (with `...` elisions) matches `output`: each shown run of lines appears contiguously, in order;
    the first run at the start unless `...` comes first, the last at the end unless `...` comes last."""
    while expected and not expected[-1]:
        expected = expected[:-1]
    runs: list[list[str]] = [[]]
    for line in expected:
        if line.strip() == ELIDED:
            runs.append([])
        else:
            runs[-1].append(line)
    at = 0
    for i, run in enumerate(runs):
        if not run:
            continue
        anchored_start, anchored_end = i == 0, i == len(runs) - 1
        starts = [at] if anchored_start else range(at, len(output) - len(run) + 1)
        for s in starts:
            if output[s:s + len(run)] == run and (not anchored_end or s + len(run) == len(output)):
                at = s + len(run)
                break
        else:
            return False
    return True


@pytest.fixture(scope="session")
def start(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The repository root as the user has it after Quickstart line 1: ownership-demo/ beside catalog/ and
    examples/, an `ownership` on PATH that runs this tree's source, and a private HOME."""
    top = tmp_path_factory.mktemp("root")
    for name in ("catalog", "examples"):  # copies: a block may write there (`ownership schema > catalog/...`)
        shutil.copytree(ROOT / name, top / name)
    bin_dir, home = top.parent / f"{top.name}-bin", top.parent / f"{top.name}-home"
    bin_dir.mkdir()
    home.mkdir()
    shim = bin_dir / "ownership"
    shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m ownership "$@"\n')
    shim.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "OWNERSHIP_", "GITHUB_"))}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", PYTHONPATH=str(ROOT / "src"), HOME=str(home),
               XDG_CACHE_HOME=str(home / ".cache"), XDG_CONFIG_HOME=str(home / ".config"), NO_COLOR="1",
               TERM="dumb", PYTHONUNBUFFERED="1", GIT_CONFIG_NOSYSTEM="1", COLUMNS="100")
    env.pop("CI", None)
    demo = subprocess.run([sys.executable, "-m", "ownership", "demo", "--today", TODAY], cwd=top, env=env,
                          capture_output=True, text=True, timeout=600)
    assert demo.returncode == 0, demo.stderr
    return top, env


def _run(block: Block, top: Path, env: dict[str, str]) -> None:
    cwd = top
    for c in block.commands:
        words = shlex.split(c.line)
        if words[:1] == ["cd"]:
            cwd = (cwd / words[1]).resolve()
            assert cwd.is_dir(), f"{block.where}: `{c.line}`: no such folder"
            continue
        done = subprocess.run(["bash", "-c", c.line], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
        output = [line.rstrip() for line in done.stdout.splitlines()]
        assert done.returncode == c.exit, (f"{block.where}: `{c.line}` exited {done.returncode}, the block says "
                                           f"{c.exit}:\n{done.stdout}")
        assert _shows(output, c.expected), (f"{block.where}: `{c.line}` printed:\n{done.stdout}\n"
                                            f"the block shows:\n" + "\n".join(c.expected))


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.skip is None], ids=lambda b: b.where)
def test_console_block_runs_as_written_after_the_demo(block: Block, start: tuple[Path, dict[str, str]]) -> None:
    before = {p for name in ("catalog", "examples") for p in (ROOT / name).rglob("*")}
    _run(block, *start)
    after = {p for name in ("catalog", "examples") for p in (ROOT / name).rglob("*")}
    assert after == before, f"{block.where} wrote into the repository: {sorted(map(str, after - before))}"


def test_console_blocks_are_counted_and_skips_give_a_reason() -> None:
    ran = [b for b in BLOCKS if b.skip is None]
    skipped = [b for b in BLOCKS if b.skip is not None]
    print(f"{len(ran)} console blocks run, {len(skipped)} skipped: "
          + "; ".join(f"{b.where} ({b.skip})" for b in skipped))
    assert len(ran) + len(skipped) == len(BLOCKS)
    assert len(ran) >= 10
    assert all(b.skip and b.skip != "no reason" for b in skipped)


@pytest.mark.parametrize(("output", "expected", "ok"), [
    (["a", "b", "c"], ("a", "b", "c"), True),
    (["a", "b", "c"], ("a", "b"), False),  # the last shown line is the last printed unless `...` follows
    (["a", "b", "c"], ("a", "..."), True),
    (["a", "b", "c"], ("...", "c"), True),
    (["a", "b", "c"], ("a", "...", "c"), True),
    (["a", "b", "c"], ("b", "..."), False),  # the first shown line is the first printed unless `...` leads
    (["a", "b", "c"], ("a", "c"), False),  # shown lines are contiguous
    (["a", "b", "c"], ("...", "c", "b"), False),
    ([], (), True),
])
def test_shown_output_matches_with_elision_marker(output: list[str], expected: tuple[str, ...], ok: bool) -> None:
    assert _shows(output, expected) is ok
