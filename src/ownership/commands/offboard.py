"""`ownership offboard PERSON...`: what ownership would look like if these people left. Nothing is written."""
from __future__ import annotations

import json
from collections.abc import Sequence

from ownership.analysis.people import person_of
from ownership.errors import OwnershipError
from ownership.model import Snapshot
from ownership.offboard import OffboardResult, SystemChange, offboard
from ownership.render import colour as colours
from ownership.render.terminal import visible
from ownership.words import noun_for, plural


class OffboardError(OwnershipError):
    """The simulation cannot run (exit code 2)."""


def check(snap: Snapshot, people: Sequence[str]) -> None:
    """What can be refused before the git history is read: no roster, people the roster does not know."""
    if snap.roster is None:
        raise OffboardError("offboard needs a roster: pass --roster SOURCE or set roster: in ownership.yaml")
    unknown = [ref for ref in people if person_of(snap, ref) is None]
    if unknown:
        raise OffboardError(f"not in the roster: {', '.join(unknown)} (use an email, username, roster id or alias)")


def run(snap: Snapshot, people: Sequence[str]) -> OffboardResult:
    check(snap, people)
    return offboard(snap, people)


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


def render_text(r: OffboardResult, colour: bool = False) -> str:
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


def render_json(r: OffboardResult) -> str:
    doc = {"version": 1, "people": [r.labels[p] for p in r.people],
           "already_gone": [r.labels[p] for p in r.already_gone],
           "orphaned": list(r.orphaned), "teams_emptied": list(r.teams_emptied),
           "blast_radius": list(r.blast_radius), "systems": [c.to_json() for c in r.changes],
           "new_findings": [f.to_json() for f in r.new_findings]}
    return json.dumps(doc, indent=2, default=str) + "\n"
