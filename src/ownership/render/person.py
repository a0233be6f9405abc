"""`suggest`, `offboard` and `roster show` as text and JSON (render.SUGGEST, render.OFFBOARD, render.PERSON):
pure functions of the commands' results."""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ownership.analysis.successors import WINDOW, Suggested
from ownership.offboard import OffboardResult, SystemChange
from ownership.render import colour as colours
from ownership.render.terminal import visible
from ownership.support.words import noun_for, plural

# --------------------------------------------------------------------------- suggest


def suggest_text(o: Suggested) -> str:
    """The suggestions best first, with score and reason; what --write did."""
    if not o.suggestions:
        return (f"{o.system}: nobody to suggest: no employed person authors its files or has committed to it "
                f"in the last {WINDOW} days (owning team: {o.owner})\n")
    lines = [f"Suggested owners for {o.system} (team {o.owner}), best first:"]
    for i, g in enumerate(o.suggestions, 1):
        who = f"{g.name} <{g.label}>" if g.name else g.label
        lines.append(f"  {i}. {who}  score {g.score:.2f}: {g.reason}")
    if o.written:
        top = o.suggestions[0].label
        lines.append(f"{top} is already a maintainer of {o.system} in {o.written}" if o.already else
                     f"added {top} as a maintainer of {o.system} in {o.written}")
    return "\n".join(lines) + "\n"


def suggest_json(o: Suggested) -> str:
    """`{"version": 1, "system", "owner", "suggestions": [...], "written"}`."""
    return json.dumps({"version": 1, "system": o.system, "owner": o.owner,
                       "suggestions": [g.to_json() for g in o.suggestions], "written": o.written}, indent=2) + "\n"


# --------------------------------------------------------------------------- offboard


def _share(v: float | None) -> str:
    return "-" if v is None else f"{v:.0%}"


def _line(c: SystemChange) -> list[str]:
    head = f"  {c.system} (tier {c.tier})"
    out = []
    if c.orphaned:
        tail = (f"; blast radius {plural(len(c.dependents), 'system')}, {c.tier1_dependents} tier 1" if c.dependents
                else "")
        out.append(f"{head}: becomes ORPHANED (no employed owner){tail}")
    elif c.lost_last_maintainer:
        out.append(f"{head}: loses its last employed maintainer ({', '.join(c.maintainers_before)}); "
                   f"{plural(c.owners_after, 'owner')} {noun_for(c.owners_after, 'remains')} in the team")
    else:
        out.append(f"{head}: active owners {c.owners_before} -> {c.owners_after}")
    if c.truck_factor_before != c.truck_factor_after:
        out.append(f"      truck factor (employed) {c.truck_factor_before} -> {c.truck_factor_after}")
    if c.knowledge_loss_before != c.knowledge_loss_after:
        out.append(f"      files held only by leavers {_share(c.knowledge_loss_before)} -> "
                   f"{_share(c.knowledge_loss_after)}")
    return out


def offboard_text(r: OffboardResult, colour: bool = False) -> str:
    """What changes per system, emptied teams, the blast radius and new findings; severity words in colour."""
    who = ", ".join(r.labels[p] for p in r.people)
    lines = [f"If {who} left (simulation; nothing is written):"]
    if r.already_gone:
        lines.append(f"  note: {', '.join(r.labels[p] for p in r.already_gone)} already left per the roster")
    if not r.changes:
        lines.append("  nothing changes: no system they own or know would lose an owner or knowledge")
    for c in r.changes:
        lines += _line(c)
    if r.teams_emptied:
        lines.append(f"Teams left with no employed member: {', '.join(r.teams_emptied)}")
    if r.blast_radius:
        lines.append(f"Blast radius of what becomes orphaned: {plural(len(r.blast_radius), 'system')}: "
                     f"{', '.join(r.blast_radius)}")
    if r.new_findings:
        lines.append(f"New audit findings ({len(r.new_findings)}):")
    # every control character in the data is shown before a severity word is coloured (render/terminal.py)
    lines = [visible(line) for line in lines]
    lines += [f"  {colours.severity(f.severity, colour)} {visible(f'{f.rule} {f.subject}: {f.message}')}"
              for f in r.new_findings]
    return "\n".join(lines) + "\n"


def offboard_json(r: OffboardResult, colour: bool = False) -> str:
    """`{"version": 1, "people", "already_gone", "orphaned", ..., "new_findings"}`; never coloured."""
    doc = {"version": 1, "people": [r.labels[p] for p in r.people],
           "already_gone": [r.labels[p] for p in r.already_gone],
           "orphaned": list(r.orphaned), "teams_emptied": list(r.teams_emptied),
           "blast_radius": list(r.blast_radius), "systems": [c.to_json() for c in r.changes],
           "new_findings": [f.to_json() for f in r.new_findings]}
    return json.dumps(doc, indent=2, default=str) + "\n"


# --------------------------------------------------------------------------- roster show


def person_text(info: Mapping[str, Any]) -> str:
    """`roster show` as aligned text; empty facts are left out."""
    from ownership.oncall import PROVIDERS
    from ownership.reach import HANDLE_KINDS

    labels = [("name", "Name"), ("emails", "Emails"), ("usernames", "Usernames"), ("slack", "Slack"),
              ("phone", "Phone"), *((k, PROVIDERS[k].title) for k in HANDLE_KINDS), ("id", "Roster id"),
              ("title", "Title"), ("status", "Status"), ("hr_team", "HR team"), ("catalog_team", "Catalog team"),
              ("manager", "Manager"), ("reports", "Reports"), ("teams", "Member of"), ("manages", "Manages"),
              ("maintains", "Maintains"), ("systems_via_team", "Owns via team"),
              ("stakeholder_groups", "Stakeholder of"), ("rotations", "Rotations")]
    lines = []
    for key, label in labels:
        value = info.get(key)
        if value in (None, [], ""):
            continue
        text = ", ".join(value) if isinstance(value, list) else str(value)
        lines.append(f"{label + ':':<16}{text}")
    if not (info["teams"] or info["manages"] or info["maintains"] or info["stakeholder_groups"]
            or info["rotations"]):
        lines.append(f"{'Owns:':<16}nothing in the catalog")
    return "\n".join(lines) + "\n"


def person_json(info: Mapping[str, Any]) -> str:
    """`roster show` as JSON: the facts as `describe` gives them."""
    return json.dumps(info, indent=2) + "\n"
