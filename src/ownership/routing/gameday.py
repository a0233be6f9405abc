"""What a game-day drill of one system finds in its room: the gaps to fix before the real incident. Pure.

Read only from the Room and its Pages (routing/incident.py, routing/page.py), which already decided who is
paged, who holds each role and the severity; this module names what they left open, blamelessly (a gap is
a fact about the catalog or the roster, never a fault of a person):

- `nobody-to-page`: an affected system's own page has nobody (its gap, with the org fallback when it answers);
- `unassigned-role`: an incident role nobody holds; `doubled-role`: a person holding two roles;
- `no-runbook`, `no-status-channel`, `no-incident-channel`: what the catalog does not say for the system;
- `stakeholder-without-contacts`: a group pulled in that has nobody who can be reached;
- `cannot-be-paged`: someone the catalog still lists (a page level, a rotation, a stakeholder group) who left,
  is inactive in HR or moved team;
- `public-draft-incomplete`: the public status draft cannot name what customers see of a system.
"""
from __future__ import annotations

from dataclasses import dataclass

from ownership.analysis.people import Skip
from ownership.routing.incident import NOT_CONFIGURED, Room
from ownership.routing.page import LEVEL_NAMES
from ownership.roster.identity import normalize

KINDS = ("nobody-to-page", "unassigned-role", "doubled-role", "no-runbook", "no-status-channel",
         "no-incident-channel", "stakeholder-without-contacts", "cannot-be-paged", "public-draft-incomplete")


@dataclass(frozen=True, slots=True)
class RoomGap:
    """One gap of the room, in the shape of every problem record (analysis/problems.py Problem)."""

    kind: str  # one of KINDS
    subject: str  # the system, role, group or person it is about
    message: str  # one blameless sentence saying what to fix

    @property
    def when(self) -> None:
        """A game-day gap holds at the rehearsed moment (the card's `--at`): no stretch of its own."""
        return None

    @property
    def evidence(self) -> dict[str, str]:
        """Nothing besides the subject and the message (the room it came from holds the rest)."""
        return {}


def gaps(r: Room) -> tuple[RoomGap, ...]:
    """Every gap of the room, in the order of KINDS."""
    out: list[RoomGap] = []
    for x in r.responders:
        if x.gap:
            out.append(RoomGap("nobody-to-page", x.system, x.gap))
    for role in r.roles:
        if role.contact is None:
            why = role.note or (NOT_CONFIGURED if role.source == NOT_CONFIGURED else f"from {role.source}")
            out.append(RoomGap("unassigned-role", role.title, f"nobody holds the {role.title} role ({why})"))
        elif role.note and role.note.startswith("also "):
            out.append(RoomGap("doubled-role", role.title,
                           f"{role.contact.name or role.contact.label} holds the {role.title} role and is {role.note}"))
    for p in r.pages:
        if not p.runbook:
            out.append(RoomGap("no-runbook", p.system, f"{p.system} has no runbook in the catalog (runbook:)"))
    for c in r.channels:
        if not c.status:
            out.append(RoomGap("no-status-channel", c.system,
                           f"{c.system} has no status channel in the catalog (channels: status:): the status "
                           "messages have nowhere read-only to go"))
        if c.note:
            out.append(RoomGap("no-incident-channel", c.system, f"{c.system}: {c.note}"))
    for g in r.stakeholders:
        if not g.contacts:
            out.append(RoomGap("stakeholder-without-contacts", g.name,
                           f"stakeholder group {g.name} is pulled in but has no contact who can be reached"
                           + (f" (only its channel {g.channel})" if g.channel else "")))
    for where, sk in skipped(r):
        who = f"{sk.name} <{sk.ref}>" if sk.name else sk.ref
        out.append(RoomGap("cannot-be-paged", sk.ref, f"{where} still lists {who}, who cannot be paged: {sk.reason}"))
    if r.status is not None and r.status.public is not None and r.status.public_note:
        out.append(RoomGap("public-draft-incomplete", ", ".join(r.systems), r.status.public_note))
    return tuple(sorted(out, key=lambda g: KINDS.index(g.kind)))  # stable: each kind keeps its order


def skipped(r: Room) -> list[tuple[str, Skip]]:
    """Everyone skipped on the pages and in the room, once per place that lists them, with that place
    ("payments-api's maintainers level", "rotation incident-commander", "stakeholder legal")."""
    seen: set[tuple[str, str]] = set()
    out: list[tuple[str, Skip]] = []
    for where, sk in [*((_place(s.level, p.system), s) for p in r.pages for s in p.skipped),
                      *((_place(s.level, None), s) for s in r.skipped)]:
        key = (normalize(sk.ref), sk.level)
        if key not in seen:
            seen.add(key)
            out.append((where, sk))
    return out


def _place(level: str, system: str | None) -> str:
    if level == "fallback":
        return "the org fallback (fallback:)"
    if level in LEVEL_NAMES:
        return f"{system}'s {level} level" if system else f"the {level} level"
    return level
