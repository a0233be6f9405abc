"""Severities in colour on a terminal, plain everywhere else (issue 17): NO_COLOR, --color, --no-color, pipes,
machine formats and -o files."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ownership.render import colour
from tests.conftest import ROOT
from tests.terminal import on_terminal

RED, YELLOW, BLUE = "\x1b[1;31m", "\x1b[1;33m", "\x1b[1;34m"
# one error (unknown team), one warning (a stakeholder nobody can reach), one info (a rotation no team uses)
CATALOG = """\
teams:
  - name: payments
stakeholders:
  - name: legal
rotations:
  - name: spare
    members: [alice.nguyen@acme.test]
    start: 2026-01-05
systems:
  - name: payments-api
    owner: paymnets
    stakeholders: [legal]
"""


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    folder = tmp_path / "catalog"
    folder.mkdir()
    (folder / "catalog.yaml").write_text(CATALOG)
    return folder


def env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return {**base, "PYTHONPATH": str(ROOT / "src"), "TERM": "xterm", **extra}


def test_on_a_terminal_each_severity_is_in_its_colour(catalog: Path) -> None:
    out, code = on_terminal(["validate", "--catalog", str(catalog)], env())
    text = out.decode()
    assert code == 1
    assert f": {RED}error{colour.RESET} unknown-team" in text
    assert f": {YELLOW}warning{colour.RESET} " in text and f": {BLUE}info{colour.RESET} " in text
    assert "1 error(s), 1 warning(s), 1 info" in text  # the summary line's contract stays plain


@pytest.mark.parametrize("args, extra", [
    (["validate", "--catalog", "{c}"], {"NO_COLOR": "1"}),
    (["--no-color", "validate", "--catalog", "{c}"], {}),
    (["--color=never", "validate", "--catalog", "{c}"], {"FORCE_COLOR": "1"}),
    (["validate", "--catalog", "{c}", "--format", "json"], {}),
    (["validate", "--catalog", "{c}", "--format", "markdown"], {}),
], ids=["NO_COLOR", "--no-color", "--color=never", "json", "markdown"])
def test_on_a_terminal_colour_is_off_when_asked_or_for_machine_formats(catalog: Path, args: list[str],
                                                                      extra: dict[str, str]) -> None:
    out, code = on_terminal([a.format(c=catalog) for a in args], env(**extra))
    assert code == 1 and b"payments-api" in out
    assert b"\x1b[" not in out


def test_an_error_on_stderr_at_a_terminal_is_red(tmp_path: Path) -> None:
    out, code = on_terminal(["validate", "--catalog", str(tmp_path / "missing")], env())
    assert code == 2 and f"ownership: {RED}error{colour.RESET}: ".encode() in out


def test_piped_output_is_plain_and_color_always_colours_it(catalog: Path) -> None:
    def run(*args: str, **extra: str) -> str:
        return subprocess.run([sys.executable, "-m", "ownership", *args], capture_output=True, text=True,
                              env=env(**extra), stdin=subprocess.DEVNULL, timeout=60).stdout

    assert "\x1b[" not in run("validate", "--catalog", str(catalog))
    assert f"{RED}error{colour.RESET}" in run("--color=always", "validate", "--catalog", str(catalog), "--format", "text")
    assert f"{RED}error{colour.RESET}" in run("validate", "--catalog", str(catalog), FORCE_COLOR="1")
    assert "\x1b[" not in run("validate", "--catalog", str(catalog), FORCE_COLOR="1", NO_COLOR="1")


def test_a_file_written_with_o_is_plain_even_with_color_always(catalog: Path, tmp_path: Path) -> None:
    written = tmp_path / "out.txt"
    subprocess.run([sys.executable, "-m", "ownership", "--color=always", "validate", "--catalog", str(catalog), "-o",
                    str(written)], env=env(), stdin=subprocess.DEVNULL, timeout=60, capture_output=True)
    assert "unknown-team" in written.read_text() and "\x1b[" not in written.read_text()


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("mode, environ, tty, want", [
    ("auto", {}, True, True), ("auto", {}, False, False), ("auto", {"NO_COLOR": "1"}, True, False),
    ("auto", {"NO_COLOR": ""}, True, True), ("auto", {"FORCE_COLOR": "1"}, False, True),
    ("auto", {"FORCE_COLOR": "0"}, False, False), ("auto", {"TERM": "dumb"}, True, False),
    ("always", {"NO_COLOR": "1"}, False, True), ("never", {"FORCE_COLOR": "1"}, True, False),
])
def test_who_decides_colour(mode: str, environ: dict[str, str], tty: bool, want: bool) -> None:
    stream = _Tty() if tty else io.StringIO()
    assert colour.wanted(mode, stream, environ) is want
