"""The one writer of everything ownership prints (issue 24, point 2): what reaches a terminal is shown, never
obeyed.

Catalog fields, commit author names and e-mails, roster names and file names are attacker input, and a
terminal obeys the control characters inside them: an OSC 8 link that shows one URL and opens another, an
OSC 52 write to the clipboard, a cursor movement or line erase that hides an error line, a title change.
Every command therefore prints through `out()` (standard output) and `err()` (standard error), which show
every control character as text instead of sending it:

- C0 controls (ESC, BEL, backspace, carriage return, ...) as `\\xNN` (`\\x1b`), except a line feed, a tab
  and a carriage return right before a line feed (a CRLF line end moves nothing);
- DEL, the C1 controls (U+0080-U+009F: a single-character CSI or OSC) and the bidirectional embeddings,
  overrides and isolates (U+202A-U+202E, U+2066-U+2069) as `\\uNNNN`. A JSON body never holds a raw C0
  control, and `\\uNNNN` is JSON's own escape, so a JSON body stays valid JSON with the same meaning.

Our own styling is the one exception: with `colour=True` the exact SGR sequences of render/colour.py (the
severity colours and their reset) pass; every other escape sequence is still shown. A renderer that colours
(findings text, offboard text, the `ownership: error:` line) escapes its data with `visible()` before it adds
the colour, so data cannot smuggle even our own sequences.

tests/security/test_terminal_output.py runs each command that prints data through a real pty;
`test_nothing_prints_around_the_one_writer` there keeps every other module from printing by itself.
"""
from __future__ import annotations

import functools
import re

import click

from ownership.render import colour as colours

# one character class, so the regex engine scans clean text fast; _spelled looks at what follows a match
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_OURS = tuple(sorted({*colours.SEVERITY_SGR.values(), colours.RESET}))


def _spelled(match: re.Match[str], ours: tuple[str, ...] = ()) -> str:
    found, text = match.group(), match.string
    if found == "\x1b" and ours and text.startswith(ours, match.start()):
        return found  # the start of one of our own colour sequences (the rest of it is printable)
    if found == "\r" and text.startswith("\n", match.end()):
        return found  # a CRLF line end moves nothing
    code = ord(found)
    return f"\\x{code:02x}" if code < 0x20 else f"\\u{code:04x}"


def visible(text: str, *, colour: bool = False) -> str:
    """`text` with every control character spelled out (see the module docstring); with `colour`, our own
    severity colours kept."""
    if _CONTROLS.search(text) is None:
        return text
    return _CONTROLS.sub(functools.partial(_spelled, ours=_OURS if colour else ()), text)


def out(body: str, *, nl: bool = True, colour: bool = False) -> None:
    """Print `body` on standard output, every control character shown (`colour`: our colours kept)."""
    click.echo(visible(body, colour=colour), nl=nl, color=colour or None)  # click strips colour from a pipe


def err(line: str, *, nl: bool = True, colour: bool = False) -> None:
    """Print `line` on standard error, every control character shown (`colour`: our colours kept)."""
    click.echo(visible(line, colour=colour), nl=nl, err=True, color=colour or None)


def transient(note: str) -> None:
    """A note on standard error that `erase()` takes back (a terminal only: the caller checks)."""
    click.echo(visible(note), nl=False, err=True)


def erase() -> None:
    """Take back a `transient()` note: carriage return and erase the line, our own control sequence."""
    click.echo("\r\x1b[K", nl=False, err=True, color=True)
