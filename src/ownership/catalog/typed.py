"""Typed values at the door and at every writer (issue 24, point 1).

Every field of the catalog has a type (catalog/schema.py declares which: name, person, channel, path, URL,
text, free text…). Below every type lies one rule about characters, checked here:

- No control character in any string of any field, native or Backstage: C0 (NUL … US, ESC among them), DEL
  and C1 (U+0080 … U+009F). Free text (a `description`) may hold line breaks and tabs, nothing else of these;
  every other value is one line and holds none at all. YAML already turns a literal line break inside a quoted
  or block scalar into LF, so a CR, an ESC or a NUL only arrives through an escape (`"\\r"`, `"\\e"`, `"\\0"`),
  which is never needed in a catalog.

The loader reports a value that breaks this rule as `invalid-value` at its line and keeps it out of the model
(catalog/characters.py walks every scalar). Writers do not trust that: each one passes the values it puts into
a line-structured file through `one_line` / `token` below, which raise UnsafeValue (exit 2, naming where the
value came from) for a value that would change the structure of what is written.
"""
from __future__ import annotations

import re
import unicodedata

from ownership.errors import OwnershipError

# the characters classes, also folded into the JSON Schema patterns of catalog/schema.py
CONTROL_CLASS = r"\x00-\x1f\x7f-\x9f"
TEXT_CONTROL_CLASS = r"\x00-\x08\x0b-\x1f\x7f-\x9f"  # free text keeps TAB (U+0009) and LF (U+000A)
_CONTROL = re.compile(f"[{CONTROL_CLASS}]")
_TEXT_CONTROL = re.compile(f"[{TEXT_CONTROL_CLASS}]")
# what a writer of a line-based file also counts as a line break (YAML 1.1 and some editors do)
_LINE_BREAKS = re.compile(f"[{CONTROL_CLASS}\u2028\u2029]")
_WHITESPACE = re.compile(r"\s")

_NAMES = {0x00: "NULL", 0x09: "CHARACTER TABULATION", 0x0A: "LINE FEED", 0x0B: "LINE TABULATION",
          0x0C: "FORM FEED", 0x0D: "CARRIAGE RETURN", 0x1B: "ESCAPE", 0x7F: "DELETE", 0x85: "NEXT LINE",
          0x9B: "CONTROL SEQUENCE INTRODUCER", 0x2028: "LINE SEPARATOR", 0x2029: "PARAGRAPH SEPARATOR"}


def describe(ch: str) -> str:
    """`U+000A LINE FEED` (unicodedata has no names for control characters)."""
    cp = ord(ch)
    return f"U+{cp:04X} {_NAMES.get(cp) or unicodedata.name(ch, 'CONTROL CHARACTER')}"


def control_character(value: str, *, free_text: bool = False) -> tuple[int, str] | None:
    """(index, `U+001B ESCAPE`) of the first control character `value` may not hold, or None. Cheap: a
    printable string (nearly every value) is answered by one C-level call."""
    if value.isprintable():
        return None
    m = (_TEXT_CONTROL if free_text else _CONTROL).search(value)
    return None if m is None else (m.start(), describe(m.group()))


class UnsafeValue(OwnershipError):
    """A writer was handed a value that would change the structure of what it writes (exit 2)."""


def one_line(value: str, what: str, origin: object) -> str:
    """`value`, if it cannot end or split the line it is written on (no control character, no Unicode line or
    paragraph separator); else UnsafeValue naming `what` it is and `origin` (a Location or a description)."""
    m = _LINE_BREAKS.search(value)
    if m is not None:
        raise UnsafeValue(f"{origin}: {what} {value[:60]!r} contains {describe(m.group())}; refusing to write it "
                          "(it would change the structure of what is written)")
    return value


_SPLITS_LINES = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")  # what str.splitlines() splits at


def no_line_break(value: str, what: str, origin: object) -> str:
    """`value`, if no reader of a line-based text (Markdown, str.splitlines) would see a new line start in it;
    other control characters are left to the text's own escaping. Else UnsafeValue."""
    m = _SPLITS_LINES.search(value)
    if m is not None:
        raise UnsafeValue(f"{origin}: {what} {value[:60]!r} contains {describe(m.group())}; refusing to write it "
                          "(it would start a new line of what is written)")
    return value


def token(value: str, what: str, origin: object) -> str:
    """`value`, if it is one whitespace-free token of a line (a CODEOWNERS pattern or owner, one path of an
    `ownership.dev/repos` line); else UnsafeValue."""
    one_line(value, what, origin)
    m = _WHITESPACE.search(value)
    if m is not None or not value:
        why = f"contains whitespace ({describe(m.group())})" if m is not None else "is empty"
        raise UnsafeValue(f"{origin}: {what} {value[:60]!r} {why}; refusing to write it (it would change the "
                          "structure of what is written)")
    return value
