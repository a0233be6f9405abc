"""Renderers for `page`, `blast-radius` and `incident`: pure functions from routing results to text.

Formats are contracts (add, never rename): page text|json; blast-radius text|json|dot|svg; incident
text|markdown|json. JSON documents carry `"version": 1`. `svg` is a built-in layered layout (depth columns);
ownership/render/pictures.py draws the `dot` text with Graphviz instead when it is installed.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple


from ownership.analysis.impact import Impact
from ownership.analysis.rotation import shown as shown_at, zone_name
from ownership.render import markdown as md
from ownership.analysis.people import Contact, Skip
from ownership.model import Link
from ownership.oncall import PROVIDERS
from ownership.routing import Page, Room
from ownership.routing.incident import NOT_CONFIGURED
from ownership.routing.page import Level

__all__ = ["dot", "impact_json", "impact_text", "page_json", "page_text", "room_json", "room_markdown",
           "room_text", "svg"]
SHOW = 10  # rows per list in text and markdown; JSON has everything


def _person(c: Contact) -> str:
    who = f"{c.name} <{c.label}>" if c.name and c.name != c.label else c.label
    return who + (f" ({c.note})" if c.note else "")


def reach_line(c: Contact, webs: Mapping[str, str]) -> str | None:
    """How else to reach `c`: "Slack @erin (U024BE7LH) · phone +1 555 0100 · <Provider> https://…/users/P1":
    each on-call provider's user as its title and its link (the provider's `user_link`, at `webs[provider]`)."""
    r = c.reach
    if not r:
        return None
    parts = []
    if r.slack:
        parts.append(f"Slack {r.slack}")
    if r.phone:
        parts.append(f"phone {r.phone}")
    for name, handle in r.handles.items():
        if (provider := PROVIDERS.get(name)) is not None:
            parts.append(f"{provider.title} {provider.user_link(handle, webs.get(name) or provider.web({}))}")
    return " · ".join(parts)


def _zone(tz: dt.tzinfo) -> str:
    return f" (times in {zone_name(tz)})" if zone_name(tz) != "UTC" else ""


def _links(runbook: str | None, links: Iterable[Link]) -> list[str]:
    out = [f"runbook: {runbook}"] if runbook else ["runbook: none in the catalog"]
    out += [f"{link.type or 'link'}: " + (f"{link.title} " if link.title else "") + link.url for link in links
            if link.url != runbook]
    return out


def _dump(data: dict[str, Any]) -> str:
    return json.dumps({"version": 1, **data}, indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- page


def page_text(p: Page) -> str:
    """Who to page, level by level, then who was skipped and why; times in the asked zone."""
    head = f"Page for {p.system}" + (f" (team {p.team})" if p.team else "") + f" at {shown_at(p.at, p.tz)}" + _zone(p.tz)
    lines = [head, ""]
    if p.fallback is not None and p.fallback.contacts:
        lines += ["NOBODY OF THE OWNING TEAM CAN BE PAGED: page the org fallback first", ""]
    levels = ((p.fallback,) if p.fallback is not None else ()) + p.levels
    for lv in levels:
        title = f"{lv.number}. {lv.name}" + (f" — {lv.source}" if lv.source else "")
        lines.append(title)
        if not lv.contacts:
            lines.append("   (nobody)")
        for c in lv.contacts:
            lines.append(f"   {_person(c)} — {c.why}")
            if (more := reach_line(c, p.webs)) is not None:
                lines.append(f"      {more}")
    lines += ["", *_links(p.runbook, p.links)]
    where = [f"{k} {v}" + (" (read-only)" if k == "status" else "") for k, v in p.channels.items()]
    lines.append("channels: " + (" · ".join(where) if where else "none in the catalog"))
    lines += _skipped_text(p.skipped)
    if p.notes:
        lines += ["", "notes:", *(f"   {n}" for n in p.notes)]
    if p.gap:
        lines += ["", f"NOBODY TO PAGE: {p.gap}"]
        if p.successor:
            lines.append(f"   suggested successor: {_person(p.successor)}")
    return "\n".join(lines) + "\n"


def _skipped_text(skipped: Iterable[Skip]) -> list[str]:
    rows = [f"   {s.name + ' <' + s.ref + '>' if s.name else s.ref} ({s.level}): {s.reason}" for s in skipped]
    return ["", "skipped:", *rows] if rows else []


def page_json(p: Page) -> str:
    """`{"version": 1, "system", "levels": [...], "skipped": [...], ...}`: everything, unshortened."""
    return _dump(_page_data(p))


def _level(lv: Level) -> dict[str, Any]:
    return {"level": lv.number, "name": lv.name, "source": lv.source, "people": [c.to_json() for c in lv.contacts]}


def _page_data(p: Page) -> dict[str, Any]:
    return {
        "system": p.system, "team": p.team, "at": p.at.isoformat(), "time_zone": zone_name(p.tz),
        "roster_checked": p.roster_checked,
        "levels": [_level(lv) for lv in p.levels],
        "fallback": _level(p.fallback) if p.fallback is not None else None,
        "skipped": [s.to_json() for s in p.skipped], "notes": list(p.notes), "gap": p.gap,
        "suggested_successor": p.successor.to_json() if p.successor else None,
        "runbook": p.runbook, "links": [{"url": x.url, "title": x.title, "type": x.type} for x in p.links],
        "channels": dict(p.channels),
    }


# --------------------------------------------------------------------------- blast radius


def impact_text(impact: Impact) -> str:
    """The systems hit, by depth, with tier, customer-facing flag and owning team, then the counts."""
    roots = ", ".join(f"{r.name} (tier {r.tier}, {r.owned_by})" for r in impact.roots)
    lines = [f"Blast radius of {roots}", impact.summary(), ""]
    if not impact.hits:
        lines.append("Nothing in the catalog depends on it.")
    width = max((len(h.name) for h in impact.hits), default=0)
    for depth, hits in impact.layers().items():
        if depth == 0:
            continue
        lines.append(f"depth {depth}" + (" (direct dependents)" if depth == 1 else ""))
        for h in hits:
            flags = "customer-facing" if h.customer_facing else ""
            lines.append(f"   {h.name:<{width}}  tier {h.tier}  {flags:<15}  {h.owned_by}".rstrip())
    return "\n".join(lines) + "\n"


def impact_json(impact: Impact) -> str:
    """The blast radius as data: `{"version": 1, ...}` (Impact.to_json)."""
    return _dump(impact.to_json())


# --------------------------------------------------------------------------- incident room


def room_json(r: Room) -> str:
    """`{"version": 1, ...}`: the whole room, every list in full."""
    def contact(c: Contact | None) -> dict[str, Any] | None:
        return c.to_json() if c else None

    return _dump({
        "systems": list(r.systems), "at": r.at.isoformat(), "time_zone": zone_name(r.tz),
        "roster_checked": r.roster_checked,
        "severity": {"level": r.severity.level, "label": r.severity.label, "reason": r.severity.reason,
                     "source": r.severity.source} if r.severity else None,
        "commander": contact(r.commander), "backup_commander": contact(r.backup),
        "roles": [{"role": x.role, "title": x.title, "person": contact(x.contact), "source": x.source,
                   "note": x.note} for x in r.roles],
        "status_messages": r.status.to_json() if r.status else None,
        "runbooks": {p.system: {"runbook": p.runbook,
                                "links": [{"url": x.url, "title": x.title, "type": x.type} for x in p.links]}
                     for p in r.pages},
        "responders": [{"system": x.system, "team": x.team, "level": x.level.name if x.level else None,
                        "source": x.level.source if x.level else None, "gap": x.gap,
                        "people": [c.to_json() for c in x.level.contacts] if x.level else []}
                       for x in r.responders],
        "suspects": [{"system": s.name, "depth": s.depth, "tier": s.tier, "team": s.owner, "owner_person": s.owner_person,
                      "team_channel": s.team_channel, "people": [c.to_json() for c in s.contacts]}
                     for s in r.suspects],
        "stakeholders": [{"name": g.name, "channel": g.channel, "because": list(g.because),
                          "condition": g.condition, "people": [c.to_json() for c in g.contacts]}
                         for g in r.stakeholders],
        "channels": [{"system": c.system, "incident": c.incident, "status": c.status, "note": c.note}
                     for c in r.channels],
        "impact": r.impact.to_json(),
        "skipped": [s.to_json() for s in r.skipped], "notes": list(r.notes),
    })


class RoomSection(NamedTuple):
    """One part of the room as every format shows it: `heading`, an `inline` value on the heading's line,
    and `lines` (bullets). Values are escaped with the writer's `e` when the section is made."""

    heading: str
    inline: str | None
    lines: list[str]


def room_sections(r: Room, e: Callable[[Any], str] = str) -> tuple[str, list[RoomSection]]:
    """(title, sections) of the room: the one list of what the room says, which text, markdown and Slack
    (render/slack.py) write each in their own way. `e` writes each catalog, roster or on-call provider value."""

    def who(c: Contact) -> str:
        more = reach_line(c, r.webs)
        return e(_person(c)) + (f" [{e(more)}]" if more else "")

    title = f"Incident: {', '.join(e(s) for s in r.systems)}"
    out: list[RoomSection] = []
    if r.severity:
        out.append(RoomSection("Severity", f"{r.severity.label} — {e(r.severity.reason)}", []))
    if r.commander:
        lead = who(r.commander) + (f"; backup {who(r.backup)}" if r.backup else "")
    else:
        lead = "none from a rotation: the first responder leads"
    out.append(RoomSection("Incident commander", lead, []))
    if r.roles:
        rows = []
        for role in r.roles:
            holder = who(role.contact) if role.contact else "unassigned"
            src = role.source if role.source == NOT_CONFIGURED else f"from {role.source}"
            rows.append(f"{role.title}: {holder} — {e(src)}" + (f" ({e(role.note)})" if role.note else ""))
        out.append(RoomSection("Roles", None, rows))
    rows = []
    for ch in r.channels:
        where = f"incident {e(ch.incident or '(none)')} · " + (f"status {e(ch.status)} (read-only)" if ch.status
                                                              else "no status channel")
        rows.append(f"{e(ch.system)}: {where}" + (f" — {e(ch.note)}" if ch.note else ""))
    rows += [f"{e(p.system)} {e(line)}" for p in r.pages for line in _links(p.runbook, p.links)]
    out.append(RoomSection("Where to talk", None, rows))
    rows = []
    for x in r.responders:
        if x.level is None:
            rows.append(f"{e(x.system)}: NOBODY TO PAGE — {e(x.gap)}")
        elif x.level.name == "fallback":
            rows.append(f"{e(x.system)}: nobody of team {e(x.team or '?')} can be paged; org fallback: "
                        + ", ".join(who(c) for c in x.level.contacts))
        else:
            src = x.level.name + (f", {x.level.source}" if x.level.source and x.level.source != x.team else "")
            rows.append(f"{e(x.system)} (team {e(x.team or '?')}, {e(src)}): "
                        + ", ".join(who(c) for c in x.level.contacts))
    out.append(RoomSection("Responders", None, rows))
    rows = [] if r.suspects else ["none: the affected systems depend on nothing in the catalog"]
    for sus in r.suspects[:SHOW]:
        contacts = ", ".join(who(c) for c in sus.contacts) or e(sus.team_channel or "")
        rows.append(f"{e(sus.name)} (depth {sus.depth}, tier {sus.tier}, {e(sus.owned_by)})"
                    + (f": {contacts}" if contacts else ""))
    if len(r.suspects) > SHOW:
        rows.append(f"… and {len(r.suspects) - SHOW} more (see --format json)")
    out.append(RoomSection("Suspects (upstream, direct first)", None, rows))
    rows = [] if r.stakeholders else ["none listed for the affected or impacted customer-facing systems"]
    for g in r.stakeholders:
        contacts = ", ".join(who(c) for c in g.contacts) or "no employed contact"
        why = [f"for {', '.join(e(x) for x in g.because)}"] if g.because else []
        why += [f"when {e(g.condition)}"] if g.condition else []
        rows.append(f"{e(g.name)}" + (f" ({e(g.channel)})" if g.channel else "") + f": {contacts} — {'; '.join(why)}")
    out.append(RoomSection("Stakeholders", None, rows))
    rows = []
    for depth, hits in r.impact.layers().items():
        if depth == 0 or not hits:
            continue
        names = ", ".join(e(h.name) + (" (tier 1)" if h.tier == 1 else "") + (" ★" if h.customer_facing else "")
                          for h in hits[:SHOW])
        rows.append(f"depth {depth}: {names}" + (f" … and {len(hits) - SHOW} more" if len(hits) > SHOW else ""))
    if any(h.customer_facing for h in r.impact.hits):
        rows.append("★ = customer-facing")
    out.append(RoomSection("Impact", e(r.impact.summary()), rows))
    if r.skipped:
        out.append(RoomSection("Skipped (cannot be paged)", None, [
            f"{e(sk.name + ' <' + sk.ref + '>' if sk.name else sk.ref)} ({e(sk.level)}): {e(sk.reason)}"
            for sk in r.skipped]))
    if r.status:
        rows = []
        for name, text in (("declared", r.status.declared), ("update", r.status.update),
                           ("resolved", r.status.resolved)):
            rows.append(f"{name}: " + " / ".join(e(t) for t in text.splitlines()))
        out.append(RoomSection("Status channel messages", None, rows))
        rows = [e(t) for t in r.status.public.splitlines()] if r.status.public else []
        rows += [e(r.status.public_note)] if r.status.public_note else []
        out.append(RoomSection("Public status page (draft)", None, rows))
    if r.notes:
        out.append(RoomSection("Notes", None, [e(n) for n in r.notes]))
    return title, out


def _room_lines(r: Room, bold: str, bullet: str, e: Callable[[Any], str] = str) -> list[str]:
    """Text and markdown: `bold` wraps headings (markdown reads *x* as emphasis), `bullet` starts each line."""
    b = (lambda s: f"{bold}{s}{bold}") if bold else (lambda s: s)
    title, sections = room_sections(r, e)
    lines = [b(title) + f" — {shown_at(r.at, r.tz)}{_zone(r.tz)}"]
    for sec in sections:
        lines.append("")
        lines.append(b(f"{sec.heading}:") + (f" {sec.inline}" if sec.inline else ""))
        lines += [f"{bullet}{line}" for line in sec.lines]
    return lines


def room_text(r: Room) -> str:
    """The room as plain text: severity, roles, responders, suspects, stakeholders, status messages."""
    return "\n".join(_room_lines(r, "", "   ")) + "\n"


def room_markdown(r: Room) -> str:
    """Every value from the catalog, the roster or an on-call provider is escaped (render.markdown.text): no mention,
    issue reference, raw HTML or link comes from them."""
    return "\n".join(_room_lines(r, "*", "- ", md.text)) + "\n"


# --------------------------------------------------------------------------- dot and svg

_TIER_FILL = {1: "#f8d0d0", 2: "#fbe3c4", 3: "#fdf5c9", 4: "#e8e8e8"}


_LINE_BREAK = re.compile(r"\r\n|[\r\n\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _dot_id(text: str) -> str:
    """A DOT quoted string of `text`: backslash and double quote escaped, a line break as DOT's `\\n`, other
    control characters as spaces (XML cannot carry them). Catalog text can never end the string, add an
    attribute, or use a label escape such as `\\N`: every backslash is doubled."""
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + _CONTROL.sub(" ", _LINE_BREAK.sub(r"\\n", out)) + '"'


def dot(impact: Impact) -> str:
    """Graphviz text: one column per depth, arrows from a system to what breaks because of it. Nodes in the
    blast radius's order (roots, then by depth), edges in its order: the same input gives the same text."""
    lines = ["digraph blast_radius {", "  rankdir=LR;", '  node [shape=box, style="rounded,filled", '
             'fontname="Helvetica"];', f"  label={_dot_id(impact.summary())};", "  labelloc=t;"]
    for h in (*impact.roots, *impact.hits):
        label = f"{h.name}\ntier {h.tier} · {h.owner_label}" + ("\ncustomer-facing" if h.customer_facing else "")
        extra = ", penwidth=3" if h.depth == 0 else (", penwidth=2" if h.customer_facing else "")
        lines.append(f'  {_dot_id(h.name)} [label={_dot_id(label)}, '
                     f'fillcolor="{_TIER_FILL.get(h.tier, "#ffffff")}"{extra}];')
    for dependent, dependency in impact.edges:
        lines.append(f"  {_dot_id(dependency)} -> {_dot_id(dependent)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


BOX_W, BOX_H, COL_GAP, ROW_GAP, MARGIN, HEAD = 220, 40, 80, 14, 20, 50
MAX_PER_COLUMN = 60  # a column this long is unreadable anyway; the rest is summarised in one box


def svg(impact: Impact) -> str:
    """A self-contained SVG: depth columns left to right, boxes coloured by tier, customer-facing outlined."""
    from xml.sax.saxutils import escape, quoteattr  # here: it imports urllib.request, ~30 ms for every command

    layers = impact.layers()
    pos: dict[str, tuple[int, int]] = {}
    boxes: list[str] = []
    tallest = 0
    for col, (depth, hits) in enumerate(sorted(layers.items())):
        x = MARGIN + col * (BOX_W + COL_GAP)
        title = "affected" if depth == 0 else f"depth {depth}"
        boxes.append(f'<text x="{x}" y="{HEAD - 12}" class="col">{escape(title)}</text>')
        shown = hits[:MAX_PER_COLUMN]
        for row, h in enumerate(shown):
            y = HEAD + row * (BOX_H + ROW_GAP)
            pos[h.name] = (x, y)
            cls = "root" if depth == 0 else ("cf" if h.customer_facing else "node")
            sub = f"tier {h.tier} · {h.owner_label}" + (" · customer-facing" if h.customer_facing else "")
            boxes.append(
                f'<g class="{cls}"><title>{escape(h.name)}: {escape(sub)}</title>'
                f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" '
                f'fill="{_TIER_FILL.get(h.tier, "#ffffff")}"/>'
                f'<text x="{x + 8}" y="{y + 17}" class="name">{escape(_clip(h.name, 30))}</text>'
                f'<text x="{x + 8}" y="{y + 32}" class="sub">{escape(_clip(sub, 38))}</text></g>')
        rows = len(shown)
        if len(hits) > MAX_PER_COLUMN:
            y = HEAD + rows * (BOX_H + ROW_GAP)
            boxes.append(f'<text x="{x + 8}" y="{y + 20}" class="sub">… and {len(hits) - MAX_PER_COLUMN} '
                         f'more (see --format json)</text>')
            rows += 1
        tallest = max(tallest, rows)
    lines = []
    for dependent, dependency in impact.edges:
        if dependent in pos and dependency in pos:
            (x1, y1), (x2, y2) = pos[dependency], pos[dependent]
            lines.append(f'<line x1="{x1 + BOX_W}" y1="{y1 + BOX_H // 2}" x2="{x2}" y2="{y2 + BOX_H // 2}" '
                         f'marker-end="url(#arrow)"/>')
    width = MARGIN * 2 + len(layers) * BOX_W + (len(layers) - 1) * COL_GAP
    height = HEAD + max(tallest, 1) * (BOX_H + ROW_GAP) + MARGIN + 20
    legend = ("fill: tier 1 red, 2 orange, 3 yellow, 4 grey · red outline: customer-facing · "
              "arrows: the break spreads to")
    summary = impact.summary()
    return "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" role="img" '
        f'aria-label={quoteattr(summary)}>',
        f"<title>{escape(summary)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#666"/></marker></defs>',
        "<style>.col{font-size:13px;font-weight:bold;fill:#333}.name{font-size:13px;font-weight:bold}"
        ".sub{font-size:11px;fill:#444}rect{stroke:#888;stroke-width:1}.root rect{stroke:#000;stroke-width:3}"
        ".cf rect{stroke:#b00;stroke-width:2}line{stroke:#999;stroke-width:1}</style>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff" stroke="none"/>',
        f'<text x="{MARGIN}" y="{HEAD - 32}" class="name">{escape(summary)}</text>',
        *lines, *boxes,
        f'<text x="{MARGIN}" y="{height - MARGIN + 4}" class="sub">{escape(legend)}</text>', "</svg>", ""])


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
