"""Level 1 of a page list: who is on call for a system. Pure: reads the catalog's on-call set-ups and each on-call
provider's answer (ownership.oncall.provider.OnCallAnswer, whatever the provider), never a provider by name.

Each set-up that reaches the system (Catalog.oncalls: its own, then its team's) is tried in turn: each of its
providers' targets in the provider's order (`asks`), then its catalog rotation. A provider that could not be
asked, or a target it does not know, is a note, and the rotation answers; what a set-up names that cannot be
asked (an Opsgenie team, an integration key) is a note from the provider (`notes`).
"""
from __future__ import annotations

from collections.abc import Iterator

from ownership.analysis import rotation as rot
from ownership.analysis.people import Contact
from ownership.model import OnCall, System, Team
from ownership.oncall import PROVIDERS
from ownership.oncall.provider import OnCallAnswer, OnCallEntry, OnCallProvider
from ownership.routing.context import Collector, Context


def level_one(ctx: Context, system: System, team: Team | None, col: Collector,
              notes: list[str]) -> tuple[str | None, list[Contact]]:
    """Each on-call set-up that reaches the system in turn, until one has someone who can be paged."""
    setups = ctx.catalog.oncalls(system)
    if not setups:
        if team is not None:
            notes.append(f"team {team.name} has no on-call (no on-call provider or catalog rotation)")
        return None, []
    source: str | None = None
    for i, (whose, oc) in enumerate(setups):
        then = f"trying the on-call of {setups[i + 1][0]}" if i + 1 < len(setups) else None
        found, contacts = setup(ctx, whose, oc, col, notes, then)
        if contacts:
            return found, contacts
        source = source or found
    return source, []


def setup(ctx: Context, whose: str, oc: OnCall, col: Collector, notes: list[str],
          then: str | None) -> tuple[str | None, list[Contact]]:
    """Who one on-call set-up says is on call: each provider's targets, then its rotation."""
    notes += shown(whose, oc)
    rest = f"using the catalog rotation {oc.rotation}" if oc.rotation else then
    for provider, asked, answer in _asked(ctx, oc):
        if isinstance(answer, str):
            notes.append(f"{provider.title} unavailable ({answer}); "
                         f"{rest or 'no catalog rotation to fall back on'}")
            continue
        for target in asked:
            said = answer.targets.get(target)
            if said is None or said.error is not None:
                why = said.error if said is not None else "not asked"
                notes.append(f"on-call of {whose} unknown ({why})" + (f"; {rest}" if rest else ""))
                continue
            contacts = [c for e in said.entries if (c := _contact(e, provider.title, col))]
            if contacts:
                return f"{provider.title} {said.label}", contacts
            nobody = "nobody employed is" if said.entries else "nobody is"
            notes.append(f"{provider.title} says {nobody} on call for {said.label}" + (f"; {rest}" if rest else ""))
    if not oc.rotation:
        return None, []
    return _rotation(ctx, oc.rotation, col, notes, whose)


def _asked(ctx: Context, oc: OnCall) -> Iterator[tuple[OnCallProvider, tuple[str, ...], OnCallAnswer | str]]:
    """(provider, the targets it was asked, its answer or why it has none) for each provider an on-call set-up
    names that asks something."""
    for name, targets in oc.providers.items():
        provider = PROVIDERS.get(name)
        asked = provider.asks(targets) if provider is not None else ()
        if provider is None or not asked:
            continue
        answer = ctx.oncall.get(name)
        if answer is None or answer.error is not None:
            yield provider, asked, (answer.error if answer is not None else None) or "not asked"
        else:
            yield provider, asked, answer


def shown(whose: str, oc: OnCall) -> list[str]:
    """What an on-call set-up names that ownership cannot ask, one line each (each provider's `notes`)."""
    return [n for name, targets in oc.providers.items() if (p := PROVIDERS.get(name)) is not None
            for n in p.notes(whose, targets)]


def _contact(entry: OnCallEntry, title: str, col: Collector) -> Contact | None:
    ref = entry.person or entry.name or entry.handle or f"unknown {title} user"
    why = f"on call in {title} (escalation level {entry.level}"
    why += f", {entry.schedule})" if entry.schedule else ")"
    contact = col.consider(ref, "on-call", why, listed_elsewhere=True)
    if contact is not None and contact.name is None and entry.name:
        contact = contact.but(name=entry.name)
    return contact


def _rotation(ctx: Context, name: str, col: Collector, notes: list[str], whose: str) -> tuple[str | None,
                                                                                              list[Contact]]:
    rotation = ctx.catalog.rotations.get(name)
    if rotation is None:
        notes.append(f"{whose} names rotation '{name}', which is not in the catalog")
        return None, []
    current = rot.shift_at(rotation, ctx.at)
    if current is None:
        notes.append(f"rotation {name} has no members")
        return None, []
    if isinstance(current, rot.NotStarted):
        notes.append(f"rotation {name} has not started (first shift begins {ctx.when(current.starts)})")
        return None, []
    source = f"rotation {name}"
    for k, shift in enumerate(rot.upcoming(rotation, ctx.at)):
        if k == 0:
            why = f"on call until {ctx.when(shift.end)}"
        else:
            why = f"next in rotation {name} (shift from {ctx.when(shift.start)}), covering for {current.member}"
        contact = col.consider(shift.member, "on-call", why)
        if contact is not None:
            if k:
                notes.append(f"the scheduled on-call {current.member} cannot be paged; "
                             f"{shift.member} is next in rotation {name}")
            return source, [contact]
    notes.append(f"nobody in rotation {name} can be paged")
    return source, []


def cannot_say(ctx: Context, system: System) -> tuple[str, str] | None:
    """(provider title, why) when a provider would have said who is on call for `system` but could not
    (unavailable, or a target it does not know): then the on-call is unknown, which a gap must not call "no
    one on call"."""
    for whose, oc in ctx.catalog.oncalls(system):
        for provider, asked, answer in _asked(ctx, oc):
            if isinstance(answer, str):
                return provider.title, f"{provider.title} unavailable for {whose} ({answer})"
            for target in asked:
                said = answer.targets.get(target)
                if said is not None and said.error is not None:
                    return provider.title, f"on-call of {whose} unknown ({said.error})"
    return None


def oncall_unknown(ctx: Context, system: System) -> str | None:
    """Why a provider could not say who is on call for `system` (`cannot_say`), else None."""
    found = cannot_say(ctx, system)
    return found[1] if found is not None else None
