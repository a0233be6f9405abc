"""Whether text output is coloured, and the one way a severity word is coloured (issue 17).

`--color=auto|always|never` on the `ownership` group (as git and ls spell it; `--no-color` is
`--color=never`). `auto`, the default: colour when the stream is a terminal, unless `NO_COLOR` is set to
anything non-empty (no-color.org); `FORCE_COLOR` set non-empty (and not `0`) colours a pipe too, and
NO_COLOR wins over it. `always` and `never` win over both variables. Only text output to a stream is ever
coloured: json, sarif, github and markdown formats and files written with -o are plain.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TextIO

MODES = ("auto", "always", "never")
RESET = "\x1b[0m"
# error red, warning yellow, info blue (SGR 31, 33, 34), bold so they stand out of a long line
SEVERITY_SGR = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "info": "\x1b[1;34m"}


def wanted(mode: str, stream: TextIO, env: Mapping[str, str] | None = None) -> bool:
    """Whether output written to `stream` is coloured under `mode` (one of MODES) and the environment."""
    if mode == "always":
        return True
    if mode == "never":
        return False
    environ = os.environ if env is None else env
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    if environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def severity(word: str, on: bool) -> str:
    """A severity word (error, warning, info) in its colour when `on`, else as it is."""
    sgr = SEVERITY_SGR.get(word) if on else None
    return f"{sgr}{word}{RESET}" if sgr else word
