"""Slack Block Kit messages: `message()` builds one from a title and (heading, lines) sections, within Slack's
limits, with every value escaped; `room_sections()` and `declaration()` say what the incident room and the
status channel's declaration contain (`ownership incident --format slack` and `--post`).

Slack's limits (Block Kit reference): a header's plain_text at most 150 characters, a section's text at most
3000, a message at most 50 blocks. A longer section is split into several (its heading repeated, "continued");
sections beyond the block limit are summarised in one last section that names them.

Catalog text is attacker input. In mrkdwn, Slack reads `<!channel>`, `<@U123>`, `<#C123>` and `<https://x|y>`
as mentions and links, so `&`, `<` and `>` are escaped (`&amp;` `&lt;` `&gt;`, as Slack's formatting guide
asks), and every text object is `verbatim`, so Slack does not turn bare URLs, #channel names or @here into
links or mentions either. The header is plain_text, which Slack never parses (and `emoji: false`).
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ownership.routing import Room

HEADER_MAX = 150
SECTION_MAX = 3000
BLOCKS_MAX = 50
TEXT_MAX = 3000  # the notification fallback: Slack truncates `text` far later, but nobody reads that much
FALLBACK_SECTIONS = 3
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})

Section = tuple[str, Sequence[str]]


def escape(value: Any) -> str:
    """Text for Slack mrkdwn, shown as written: one line, nothing Slack would read as a mention or a link."""
    return " ".join(("" if value is None else str(value)).split()).translate(_ESCAPE)


def message(title: str, sections: Sequence[Section], context: str | None = None) -> dict[str, Any]:
    """{"text": fallback, "blocks": [header, section..., context]} for chat.postMessage. Headings and lines are
    plain values (escaped here); each line becomes a bullet under its bold heading."""
    head = _clip(" ".join(title.split()), HEADER_MAX)
    bodies: list[str] = []
    for heading, lines in sections:
        bodies += _split(escape(heading), [escape(line) for line in lines])
    room = BLOCKS_MAX - 1 - (1 if context else 0)
    if len(bodies) > room:
        rest = bodies[room - 1:]
        names = ", ".join(dict.fromkeys(b.split("\n", 1)[0].strip("*") for b in rest))
        bodies = bodies[:room - 1] + [_clip(f"… and {len(rest)} more section{'s' if len(rest) != 1 else ''} not "
                                            f"shown (Slack allows {BLOCKS_MAX} blocks): {names}", SECTION_MAX)]
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": head or "-",
                                                                 "emoji": False}}]
    blocks += [{"type": "section", "text": _mrkdwn(b)} for b in bodies]
    if context:
        blocks.append({"type": "context", "elements": [_mrkdwn(_clip(escape(context), SECTION_MAX))]})
    # the notification and screen-reader text: the title and the first line of the first sections
    fallback = escape(head) + "".join(
        (f" · {escape(h)}: {escape(lines[0])}" if h else f" · {escape(lines[0])}") if lines else f" · {escape(h)}"
        for h, lines in sections[:FALLBACK_SECTIONS] if h or lines)
    return {"text": _clip(fallback, TEXT_MAX), "blocks": blocks}


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _split(heading: str, lines: Sequence[str]) -> list[str]:
    """One section's mrkdwn, as several texts of at most SECTION_MAX characters when it is longer."""
    out: list[str] = []
    first = f"*{heading}*" if heading else ""
    more = f"*{heading} (continued)*" if heading else ""
    current = first
    for line in lines:
        item = _clip("• " + line, SECTION_MAX - len(more) - 1)
        candidate = f"{current}\n{item}" if current else item
        if len(candidate) <= SECTION_MAX:
            current = candidate
            continue
        out.append(current)
        current = f"{more}\n{item}" if more else item
    if current or not out:
        out.append(current or first or " ")
    return out


def _clip(text: str, n: int) -> str:
    """At most n characters; an entity (`&amp;`) is never cut in half."""
    if len(text) <= n:
        return text
    cut = text[: n - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


# --------------------------------------------------------------------------- the incident's messages


def messages(room: Room) -> dict[str, Any]:
    """The room message and the status messages, as Block Kit payloads (`--format slack`, and `--post`)."""
    return {"room": room_message(room), "status": status_messages(room)}


def room_slack(room: Room) -> str:
    """`incident --format slack`: `messages()` as JSON, for pasting into Block Kit Builder or a bot."""
    return json.dumps(messages(room), indent=2, ensure_ascii=False) + "\n"


def room_message(room: Room) -> dict[str, Any]:
    """The room (render.routing.room_sections, the sections every format shows) as one Block Kit message."""
    from ownership.render.routing import room_sections

    title, sections = room_sections(room)
    parts: list[Section] = [(sec.heading, ([sec.inline] if sec.inline else []) + sec.lines) for sec in sections]
    return message(f"{title} — {_at(room)}", parts, f"ownership incident {' '.join(room.systems)}")


def status_messages(room: Room) -> dict[str, dict[str, Any]]:
    """The status channel's messages (declared, update, resolved) and the public status page draft, each as
    its own Block Kit message: the texts of routing/status.py, their first line the title."""
    out: dict[str, dict[str, Any]] = {}
    texts = room.status.to_json() if room.status else {}
    for name in ("declared", "update", "resolved", "public"):
        text = texts.get(name)
        if not text:
            continue
        first, *rest = text.splitlines()
        out[name] = message(first, [("", rest)] if rest else [], f"{name} · {_at(room)}")
    return out


def declaration(room: Room) -> dict[str, Any]:
    """The status channel's first message (the `declared` one)."""
    return status_messages(room)["declared"]


def _at(room: Room) -> str:
    from ownership.analysis.rotation import shown

    return shown(room.at, room.tz)
