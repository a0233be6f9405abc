"""`ownership roster pull` and `ownership roster show` (the roster loading every command shares is in inputs.py)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ownership.config import Config
from ownership.analysis.people import People, reach
from ownership.inputs import source_of
from ownership.model import Catalog, Roster
from ownership.reach import HANDLE_KINDS
from ownership.roster import RosterError, RosterSettings, files, load
from ownership.roster.identity import catalog_team, resolver_for

NO_SOURCE = "no roster: pass --roster SOURCE (a file or an http(s):// SCIM base URL) or set roster: in ownership.yaml"
NOTES_SHOWN = 5  # contact values left out, spelled out one a line on stderr; the rest are counted


def warnings(roster: Roster) -> list[str]:
    """The roster's notes (contact values its loader left out) as warning lines: the first few and a count."""
    notes = list(roster.notes)
    lines = notes[:NOTES_SHOWN]
    if len(notes) > NOTES_SHOWN:
        lines.append(f"and {len(notes) - NOTES_SHOWN} more contact values of the roster left out")
    return lines


@dataclass(frozen=True)
class Pulled:
    out: Path
    people: int
    active: int
    source: str
    warnings: tuple[str, ...] = ()  # contact values left out (warnings())


def pull(flag: str | None, config: Config, today: dt.date, out: str, allow_shrink: bool = False, *,
         strict: bool = False, warn: Callable[[str], None] = lambda _: None) -> Pulled:
    """Read the roster and save it as a JSON snapshot at `out`; nothing is written unless all of it is good.

    An existing `out` is one more snapshot the shrink guard compares with; `strict`, `warn`: see
    roster/guard.py check.
    """
    source = source_of(flag, config)
    if not source:
        raise RosterError(NO_SOURCE)
    roster = load(source, RosterSettings.from_values(config.values, config.relative), today=today,
                  allow_shrink=allow_shrink, compare_with=[out], strict=strict, warn=warn)
    try:
        files.write_snapshot(roster, out)
    except OSError as exc:
        raise RosterError(f"{out}: cannot write the snapshot ({exc.strerror or exc})") from exc
    return Pulled(Path(out), len(roster.people), roster.active_count(today), roster.source,
                  tuple(warnings(roster)))


# --------------------------------------------------------------------------- show


def describe(who: str, roster: Roster, catalog: Catalog, today: dt.date) -> dict[str, Any]:
    """One person and what they own, as data (`show` prints it as text or JSON). Raises RosterError."""
    resolver = resolver_for(roster)
    p = resolver.resolve(who)
    if p is None:
        raise RosterError(f"nobody in the roster matches '{who}' (an email, username, GitHub noreply address, "
                          "roster id or alias)")
    mine: dict[str, dict[str, None]] = {}  # role -> names in catalog order
    for r in catalog.person_refs():
        found = resolver.resolve(r.ref)
        if found is not None and found.id == p.id:
            mine.setdefault(r.role, {})[r.name] = None
    teams = list(mine.get("member", ()))
    manager = resolver.person(p.manager) if p.manager else None
    now = People(catalog, roster, today).now(p)  # transferred when HR moved a catalog member (issue 13)
    contacts = reach(catalog, who, p)  # the roster's, each missing one from the catalog (as a page shows them)
    return {
        "id": p.id, "name": p.name, "emails": list(p.emails), "usernames": list(p.usernames),
        "slack": contacts.slack if contacts else None, "phone": contacts.phone if contacts else None,
        **{k: contacts.handles.get(k) if contacts else None for k in HANDLE_KINDS}, "title": p.title,
        "status": now.phrase if now else "unknown", "end_date": p.end_date.isoformat() if p.end_date else None,
        "hr_team": p.team, "catalog_team": catalog_team(p.team, catalog.teams, roster.team_map),
        "manager": manager.label if manager else p.manager,
        "reports": sorted(q.label for q in roster.people if q.manager == p.id and q.employed_on(today)),
        "teams": teams, "manages": list(mine.get("manager", ())), "maintains": sorted(mine.get("maintainer", ())),
        "systems_via_team": sorted({s for t in teams for s in catalog.owned_by(t)}),
        "stakeholder_groups": sorted(mine.get("contact", ())), "rotations": sorted(mine.get("rotation member", ())),
    }


def catalog_for_show(paths: Sequence[str]) -> Catalog:
    from ownership.catalog.load import load_paths

    catalog, _ = load_paths(paths)  # problems in the catalog are `validate`'s job; show what is readable
    return catalog
