"""Catalog text inside Markdown that GitHub renders: the one escaping every Markdown producer uses.

Anyone who opens a catalog pull request writes names, descriptions and file names, and the report, the job
summary and `--format markdown` put them in front of readers and GitHub's processors. Catalog text therefore
must not start a line break, a table cell, an emphasis, raw HTML (`<img onerror=...>`, `<details>`), a link or
an image (`[x](https://evil)`, `![x](...)`), an autolink (`https://...`, `www.`, `<...>`, `a@b.test`), a
mention that notifies people (`@user`, `@org/team`) or an issue reference (`#123`). `text()` makes it plain
text; `code()` is for text inside a code span, where GitHub processes none of these. Both show control
characters spelled out (render/terminal.py's `visible()`), so a report.md read in a terminal obeys none.

A zero-width space (`&#8203;`, as Dependabot and Renovate do) after a mention's `@`, before the digits of
`#123` and inside `://` and `www.` keeps the text readable while no processor matches it. An e-mail address
(`alice@acme.test`: the `@` follows a letter) is no mention and stays as it is.
"""
from __future__ import annotations

import re
from typing import Any

from ownership.render.terminal import visible

ZWSP = "&#8203;"
_ESCAPE = str.maketrans({
    "\\": "\\\\", "|": "\\|", "`": "\\`", "*": "\\*", "_": "\\_", "[": "\\[", "]": "\\]", "~": "\\~",
    "!": "\\!", "&": "&amp;", "<": "&lt;", ">": "&gt;",
})
_AUTOLINKS = re.compile(r"(?<!\w)@(?=[\w-])|#(?=\d)|:(?=//)|(?<=www)\.", re.IGNORECASE)


def text(value: Any) -> str:
    """Catalog text for a Markdown line or table cell: one line, shown literally, nothing linked or pinged."""
    s = "" if value is None else str(value)
    s = visible(" ".join(s.split())).translate(_ESCAPE)
    return _AUTOLINKS.sub(lambda m: m.group() + ZWSP if m.group() in "@#:" else ZWSP + m.group(), s)


def code(value: Any) -> str:
    """Catalog text inside a `code span` of a table row: what would end the span or the row is replaced
    (backslashes would show inside the span)."""
    return visible(" ".join(str(value).split())).replace("`", "'").replace("|", "\\|")
