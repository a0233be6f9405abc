"""The game-day card of `ownership drill --scenario SYSTEM`: one Markdown page to run a drill from.

Built only from the Room and its Pages (routing/incident.py, routing/page.py) and the gaps routing/gameday.py
names: who is paged, who holds which role and the severity are routing's answers, shown as they are. Every
value from the catalog, the roster or an on-call provider goes through render.markdown.text, so a hostile catalog
string is shown as text and never becomes a link, a mention, raw HTML or a heading; headings, emphasis and
list marks are the card's own.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ownership.analysis.people import Contact
from ownership.analysis.rotation import shown, zone_name
from ownership.render import markdown as md
from ownership.render.routing import reach_line
from ownership.routing import Page, Room
from ownership.routing.gameday import RoomGap, gaps
from ownership.routing.incident import NOT_CONFIGURED
from ownership.routing.page import Level
from ownership.routing.status import cadence

__all__ = ["card"]
SHOW_HITS = 50  # blast-radius rows; `ownership blast-radius SYSTEM` lists them all
SHOW_SUSPECTS = 10

e = md.text
_MARKER = re.compile(r"^(?:[#+=-]|(\d+)([.)]))")


def _start(escaped: str) -> str:
    """Escaped text that begins a line or a list item: a leading `#`, `-`, `+`, `=` or `1.` would start a
    heading, a list or a setext underline there (md.text is made for text within a line)."""
    m = _MARKER.match(escaped)
    if m is None:
        return escaped
    if m.group(1):
        return f"{m.group(1)}\\{m.group(2)}{escaped[m.end():]}"
    return "\\" + escaped


def card(r: Room) -> str:
    """The whole card: scenario, blast radius, paging order, room and roles, status messages, what the drill
    found, and the checklist for the blameless review."""
    found = gaps(r)
    lines = [f"# Game-day card: {', '.join(e(s) for s in r.systems)}", "",
             "This is a drill: the failure below is simulated. Start every message you post with **DRILL** and "
             "change nothing in production.", ""]
    for part in (_scenario(r), _blast_radius(r), _paging(r), _room(r), _status(r), _found(found),
                 _review(r, found)):
        lines += [*part, ""]
    return "\n".join(lines).rstrip("\n") + "\n"


# --------------------------------------------------------------------------- people


def _who(c: Contact, web: Mapping[str, str]) -> str:
    """**Name** <email> — why · Slack · phone · on-call provider users, every value escaped."""
    head = f"**{e(c.name)}** {e('<' + c.label + '>')}" if c.name and c.name != c.label else f"**{e(c.label)}**"
    more = reach_line(c, web)
    return head + (f" ({e(c.note)})" if c.note else "") + f" — {e(c.why)}" + (f" · {e(more)}" if more else "")


def _short(c: Contact, web: Mapping[str, str]) -> tuple[str, str]:
    """(who, how to reach) for a table row."""
    who = f"{e(c.name)} {e('<' + c.label + '>')}" if c.name and c.name != c.label else e(c.label)
    return who, e(reach_line(c, web) or "email only")


# --------------------------------------------------------------------------- sections


def _scenario(r: Room) -> list[str]:
    lines = ["## The scenario", ""]
    for root in r.impact.roots:
        facts = [f"owned by {e(root.owned_by)}", f"tier {root.tier}"]
        facts += ["customer-facing"] if root.customer_facing else []
        lines.append(f"- **Simulated failure:** {e(root.name)} ({', '.join(facts)}) stops working at "
                     f"{shown(r.at, r.tz)}.")
    lines.append(f"- **Times** on this card are in {e(zone_name(r.tz))}.")
    if r.severity:
        lines.append(f"- **Severity:** {r.severity.label} — {e(r.severity.reason)}.")
    for p in r.pages:
        lines.append(f"- **Runbook** of {e(p.system)}: " + (e(p.runbook) if p.runbook else "none in the catalog"))
        for link in p.links:
            title = f"{link.title} " if link.title else ""
            lines.append(f"- **{e(link.type or 'link')}** of {e(p.system)}: {e(title + link.url)}")
    if r.notes:
        lines += ["", "What routing noted while working out this card:", ""]
        lines += [f"- {_start(e(n))}" for n in r.notes]
    return lines


def _blast_radius(r: Room) -> list[str]:
    lines = ["## Blast radius", "", e(r.impact.summary()) + ".", ""]
    if not r.impact.hits:
        return [*lines, "Nothing in the catalog depends on it: the failure stays where it is."]
    lines += ["| depth | system | tier | customer-facing | owned by |", "|---|---|---|---|---|"]
    for h in r.impact.hits[:SHOW_HITS]:
        tier = "**tier 1**" if h.tier == 1 else f"tier {h.tier}"
        facing = "**customer-facing**" if h.customer_facing else "no"
        lines.append(f"| {h.depth} | {e(h.name)} | {tier} | {facing} | {e(h.owned_by)} |")
    if len(r.impact.hits) > SHOW_HITS:
        lines += ["", f"… and {len(r.impact.hits) - SHOW_HITS} more: `ownership blast-radius` lists them all."]
    return lines


def _paging(r: Room) -> list[str]:
    lines = ["## Paging order", ""]
    for p in r.pages:
        if len(r.pages) > 1:
            lines += [f"### {e(p.system)}", ""]
        lines += _page(p)
    return lines


def _page(p: Page) -> list[str]:
    lines: list[str] = []
    if p.fallback is not None:
        team = f"team {e(p.team)}" if p.team else "the owning team"
        lines += [f"Nobody of {team} can be paged: **the org fallback is paged first**.", ""]
    levels: tuple[Level, ...] = ((p.fallback,) if p.fallback is not None else ()) + p.levels
    first = p.reach
    for step, lv in enumerate(levels, 1):
        name = "org fallback" if lv is p.fallback else lv.name
        head = f"{step}. **{e(name)}**" + (f" ({e(lv.source)})" if lv.source else "")
        if lv is first:
            head += " — **paged first**"
        lines.append(head)
        lines += [f"   - {_who(c, p.webs)}" for c in lv.contacts] or ["   - nobody"]
    channels = [f"{e(k)} {e(v)}" + (" (read-only)" if k == "status" else "") for k, v in p.channels.items()]
    lines += ["", "Channels: " + (" · ".join(channels) if channels else "none in the catalog")]
    if p.skipped:
        lines += ["", "Skipped (cannot be paged):", ""]
        for s in p.skipped:
            who = e(f"{s.name} <{s.ref}>" if s.name else s.ref)
            lines.append(f"- {_start(who)} ({e(s.level)}): {e(s.reason)}")
    if p.gap:
        lines += ["", f"**Nobody to page:** {e(p.gap)}"]
        if p.successor:
            lines.append(f"Suggested successor: {_who(p.successor, p.webs)}")
    return lines


def _room(r: Room) -> list[str]:
    lines = ["## The room and roles", "", "| role | who | how to reach | where they come from | note |",
             "|---|---|---|---|---|"]
    for role in r.roles:
        src = "not configured: add it to incident_roles: in the catalog" if role.source == NOT_CONFIGURED \
            else e(role.source)
        if role.contact is None:
            note = "gap: assign it before the real incident" + (f" ({e(role.note)})" if role.note else "")
            lines.append(f"| {role.title} | **unassigned** | — | {src} | {note} |")
            continue
        who, reach = _short(role.contact, r.webs)
        lines.append(f"| {role.title} | {who} | {reach} | {src} | {e(role.note or '')} |")
    lines += ["", "Where to talk:", ""]
    for ch in r.channels:
        status = f"status {e(ch.status)} (read-only)" if ch.status else "no status channel"
        lines.append(f"- {e(ch.system)}: incident {e(ch.incident or '(none)')} · {status}"
                     + (f" — {e(ch.note)}" if ch.note else ""))
    lines += ["", "Stakeholders:", ""]
    if not r.stakeholders:
        lines.append("- none for the affected or impacted customer-facing systems")
    for g in r.stakeholders:
        why = [f"for {', '.join(e(x) for x in g.because)}"] if g.because else []
        why += [f"when {e(g.condition)}"] if g.condition else []
        contacts = ", ".join(_short(c, r.webs)[0] for c in g.contacts) or "nobody who can be reached"
        lines.append(f"- {e(g.name)}" + (f" ({e(g.channel)})" if g.channel else "") + f": {contacts}"
                     + (f" — {'; '.join(why)}" if why else ""))
    if r.suspects:
        lines += ["", "Upstream suspects (what it depends on, direct first):", ""]
        for s in r.suspects[:SHOW_SUSPECTS]:
            people = ", ".join(_short(c, r.webs)[0] for c in s.contacts) or e(s.team_channel or "")
            lines.append(f"- {e(s.name)} (depth {s.depth}, tier {s.tier}, {e(s.owned_by)})"
                         + (f": {people}" if people else ""))
        if len(r.suspects) > SHOW_SUSPECTS:
            lines.append(f"- … and {len(r.suspects) - SHOW_SUSPECTS} more (`ownership incident --format json`)")
    return lines


def _status(r: Room) -> list[str]:
    lines = ["## Status messages to send", ""]
    if r.status is None:
        return [*lines, "No status messages were worked out."]
    where = ", ".join(e(c.status) for c in r.channels if c.status) or "the status channel (none in the catalog)"
    every = cadence(r.severity.level) if r.severity else "when something changes"
    steps = (("Declared", f"post in {where} as the room opens", r.status.declared),
             ("Update", f"post in {where} {every}", r.status.update),
             ("Resolved", f"post in {where} when it is over", r.status.resolved))
    for n, (title, when, text) in enumerate(steps, 1):
        lines += [f"### {n}. {title} — {when}", "", *_quoted(text), ""]
    lines.append("### 4. Public status page (draft)")
    lines.append("")
    if r.status.public:
        lines += [*_quoted(r.status.public), ""]
    if r.status.public_note:
        lines += [e(r.status.public_note) + ".", ""]
    return lines[:-1] if lines[-1] == "" else lines


def _quoted(text: str) -> list[str]:
    """A message as a block quote, line by line (a backslash ends each line with a hard break)."""
    rows = [_start(e(line)) for line in text.splitlines()]
    return [f"> {row}\\" for row in rows[:-1]] + [f"> {row}" for row in rows[-1:]]


def _found(found: Iterable[RoomGap]) -> list[str]:
    lines = ["## What this drill found", ""]
    rows = [f"- **{g.kind}**: {e(g.message)}" for g in found]
    return [*lines, *(rows or ["Nothing: every check of this card passed."])]


def _review(r: Room, found: tuple[RoomGap, ...]) -> list[str]:
    first = next((p.reach for p in r.pages if p.reach is not None), None)
    paged = ", ".join(e(c.name or c.label) for c in first.contacts) if first else "nobody"
    lines = ["## Checklist for the blameless review", "",
             "Ask what made the work easy or hard, never who was at fault: people acted on what they knew at the "
             "time, and every gap is a fact about the catalog, the tools or the process.", "",
             "Timeline (write the time next to each):", "",
             f"- [ ] {shown(r.at, r.tz)}: the failure of {', '.join(e(s) for s in r.systems)} is announced",
             f"- [ ] the first page went out ({paged}), and when it was acknowledged",
             "- [ ] each role had its person, and the incident channel was open",
             "- [ ] the declaration, each update and the resolution were posted in the status channel",
             "- [ ] the drill was called over", "",
             "What helped:", "",
             "- [ ] the runbook, dashboards and logs: which steps worked as written",
             "- [ ] the paging order and the contacts: who was reached, and how fast", "",
             "What got in the way:", "",
             "- [ ] steps that were missing, out of date or needed access nobody had",
             "- [ ] people or channels that could not be reached, and what was done instead", "",
             "Action items: one owner each (a team or a person who agreed to it) and a date:", "",
             "| action | owner | due |", "|---|---|---|"]
    lines += [f"| {e(g.message)} |  |  |" for g in found]
    lines += ["|  |  |  |", "",
              "- [ ] run `ownership drill --scenario` again after the fixes and compare what it finds"]
    return lines

