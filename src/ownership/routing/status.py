"""What the room tells everyone else: the messages for the read-only status channel (declared, update,
resolved) and a draft for a public status page. Pure: no I/O.

The status channel is internal and may name systems and people. The public draft names only what customers
know: the `capability` of each affected or impacted customer-facing system (never a system name, team or
person); a customer-facing system without one is counted, and a note says to add it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ownership.analysis.impact import Impact
from ownership.analysis.people import Contact
from ownership.model import Catalog, System
from ownership.routing.severity import Severity
from ownership.support.words import noun_for, plural

# how often the status channel hears from the room, by severity (SEV1 … SEV4)
CADENCE = {1: 30, 2: 60, 3: 120, 4: None}


@dataclass(frozen=True, slots=True)
class StatusMessages:
    declared: str
    update: str
    resolved: str
    public: str | None  # None: nothing customer-facing is affected or impacted
    public_note: str | None = None  # why there is no public draft, or what it could not name

    def to_json(self) -> dict[str, str | None]:
        return {"declared": self.declared, "update": self.update, "resolved": self.resolved,
                "public": self.public, "public_note": self.public_note}


def cadence(sev: int) -> str:
    minutes = CADENCE.get(sev)
    return f"every {minutes} minutes" if minutes else "when something changes"


def status_messages(catalog: Catalog, systems: Sequence[System], impact: Impact, sev: Severity,
                    commander: Contact | None, comms: Contact | None, people: Sequence[str],
                    talk_in: Sequence[str], when: str) -> StatusMessages:
    """`people`: the responders as the declaration names them ("Erin Kim (payments)"); `when`: the moment."""
    names = ", ".join(s.name for s in systems)
    talk = ", ".join(dict.fromkeys(talk_in)) or "the incident channel"
    lead = (commander.name or commander.label) if commander else "the first responder"
    reach = (f"{len(impact.hits)} dependent system{'s' if len(impact.hits) != 1 else ''}, "
             f"{impact.customer_facing} customer-facing") if impact.hits else "no dependent systems"
    declared = "\n".join([
        f"{sev.label} incident declared: {names} ({when})",
        f"Impact: {names} {'is' if len(systems) == 1 else 'are'} failing; {reach}.",
        f"Commander: {lead}" + (f" · Communications: {comms.name or comms.label}" if comms else ""),
        "Responders: " + (", ".join(people) or "nobody yet (see the page list)"),
        f"The work happens in {talk}; updates here {cadence(sev.level)}.",
    ])
    update = "\n".join([
        f"{sev.label} update: {names} ({when})",
        "Status: investigating | identified | monitoring",
        "What we know: <one or two sentences>",
        "What we are doing: <the current step>",
        f"Next update: {cadence(sev.level)}.",
    ])
    resolved = "\n".join([
        f"Resolved: {names} ({sev.label})",
        "Started: <time> · Resolved: <time> · Customer impact: <yes/no, how long>",
        "Cause (first read): <one sentence>",
        "Follow-up: a blameless review within 5 working days; its notes go to <link>.",
    ])
    public, note = _public(catalog, systems, impact)
    return StatusMessages(declared, update, resolved, public, note)


def _public(catalog: Catalog, systems: Sequence[System], impact: Impact) -> tuple[str | None, str | None]:
    facing = [s for s in systems if s.customer_facing]
    facing += [catalog.systems[h.name] for h in impact.hits if h.customer_facing]
    if not facing:
        return None, "no public status update: no customer-facing system is affected or impacted"
    named = list(dict.fromkeys(s.capability for s in facing if s.capability))
    unnamed = sorted({s.name for s in facing if not s.capability})
    what = _listed(named) if named else "some of our services"
    if named and unnamed:
        what += " and other services"
    note = (f"{plural(len(unnamed), 'customer-facing system')} {noun_for(len(unnamed), 'has')} no `capability:` in the catalog, so the draft "
            f"cannot name what customers see of them: {', '.join(unnamed[:5])}"
            + (" …" if len(unnamed) > 5 else "")) if unnamed else None
    draft = "\n".join([
        f"Investigating — {what[0].upper() + what[1:]}",
        f"We are investigating problems affecting {what}. Some customers may see errors or delays.",
        "We will post an update within 30 minutes.",
    ])
    return draft, note


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
