"""The HR roster: who works here, from a file export or a SCIM 2.0 server, as one `Roster` model.

`load()` is the one entry point commands use. It reads the source, checks the result against the previous
snapshot of the same source (the shrink guard: a partial HR pull must never make everyone look gone), remembers
the new snapshot, and returns the Roster with the identity settings of ownership.yaml attached.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from ownership.model import Person, Roster
from ownership.roster.errors import RosterError
from ownership.roster.identity import Resolver, parse_mailmap
from ownership.roster.settings import RosterSettings, is_url

__all__ = ["Person", "Resolver", "Roster", "RosterError", "RosterSettings", "is_url", "load", "parse_mailmap", "read"]


def read(source: str, settings: RosterSettings) -> Roster:
    """The roster at `source` with no shrink guard and no cache (for snapshots already trusted)."""
    from ownership import httpget
    from ownership.roster import files, scim
    notes: list[str] = []  # contact values left out (a warning for the user, never a failure)
    if is_url(source):
        people = scim.pull(source, settings.scim, notes=notes)
    else:
        people = files.read(source, settings.columns, notes, settings.scim)
    return Roster(tuple(people), source=httpget.redact_url(source) if is_url(source) else source,
                  aliases=settings.aliases, mailmap=_mailmap(settings.mailmap), team_map=settings.team_map,
                  notes=tuple(notes))


def load(source: str, settings: RosterSettings, *, today: dt.date, allow_shrink: bool = False,
         compare_with: Sequence[str] = (), strict: bool = False, expect_baseline: bool = False,
         warn: Callable[[str], None] = lambda _: None) -> Roster:
    """Read the roster at `source` (a file path or an http(s):// SCIM base URL) and guard against shrinkage.

    Raises RosterError (one clear line; the CLI exits 2) when the source cannot be read, when a SCIM pull is
    partial, or when the number of active people dropped by more than `roster_shrink_limit` compared with the
    previous snapshot (or is zero) and `allow_shrink` is False. `compare_with` names further snapshot files
    to compare against (e.g. the `roster pull --output` target). On success the snapshot cache is updated,
    unless its snapshot was damaged (guard.check: a warning, or with `strict` an error; `warn` says it).
    """
    from ownership.roster import guard

    scim = settings.scim
    attributes = tuple(a for a in (scim.slack_attribute, scim.pagerduty_attribute) if a)  # a saved ListResponse's
    fingerprint = guard.fingerprint(source, settings.columns, *attributes)
    recalled = guard.recall(source, fingerprint)
    if recalled is None:
        roster = read(source, settings)
    else:  # the file the last good load read, byte for byte: the same people (see guard.recall)
        roster = Roster(recalled[0], source, aliases=settings.aliases, mailmap=_mailmap(settings.mailmap),
                        team_map=settings.team_map, notes=recalled[1])
    roster = Roster(roster.people, roster.source, today, roster.aliases, roster.mailmap, roster.team_map,
                    roster.notes)
    baseline = guard.check(roster, source, today, limit=settings.shrink_limit, allow_shrink=allow_shrink,
                           compare_with=compare_with, same_as_cached=recalled is not None, strict=strict,
                           expect_baseline=expect_baseline, warn=warn)
    if recalled is None and baseline:
        guard.remember(roster, source, fingerprint)
    return roster


def _mailmap(path: str | None) -> dict[str, str]:
    if not path:
        return {}
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise RosterError(f"{path}: cannot read the mailmap ({exc.strerror or exc})") from exc
    return parse_mailmap(text)
