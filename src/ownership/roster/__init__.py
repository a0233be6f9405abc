"""The HR roster: who works here, from a file export, a SCIM 2.0 server or any other source in SOURCES, as one
`Roster` model.

`load()` is the one entry point commands use. It picks the source that reads the source string (SOURCES),
reads it, checks the result against the previous snapshot of the same source (the shrink guard: a partial HR
pull must never make everyone look gone), remembers the new snapshot, and returns the Roster with the identity
settings of ownership.yaml attached. All of that is the same for every source.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from ownership.model import Person, Roster
from ownership.roster import files, scim
from ownership.roster.errors import RosterError
from ownership.roster.identity import Resolver, parse_mailmap
from ownership.roster.settings import RosterSettings, is_url
from ownership.roster.source import RosterSource, SourceSection

__all__ = ["SOURCES", "Person", "Resolver", "Roster", "RosterError", "RosterSettings", "RosterSource",
           "SourceSection", "is_url", "load", "parse_mailmap", "read", "source_for"]

# Every roster source, in the order they are asked; the first that accepts a source string reads it. `files`
# takes every string without a URL scheme, so it stays last. A new source: one module, one line here
# (roster/source.py says what the module holds).
SOURCES: tuple[RosterSource, ...] = (scim, files)


def source_for(source: str) -> RosterSource:
    """The registered source that reads `source`; RosterError naming what is known when none does."""
    for candidate in SOURCES:
        if candidate.accepts(source):
            return candidate
    known = ", ".join(s.name for s in SOURCES)
    scheme = source.split("://", 1)[0] if "://" in source else source
    raise RosterError(f"no roster source reads '{scheme}://' addresses (known sources: {known}; a file path "
                      "or an http(s):// SCIM base URL)")


def read(source: str, settings: RosterSettings) -> Roster:
    """The roster at `source` with no shrink guard and no cache (for snapshots already trusted)."""
    return _read(source_for(source), source, settings)


def _read(reader: RosterSource, source: str, settings: RosterSettings, today: dt.date | None = None) -> Roster:
    notes: list[str] = []  # contact values left out (a warning for the user, never a failure)
    people = reader.read(source, settings, notes)
    return _roster(tuple(people), reader.shown(source), settings, tuple(notes), today)


def _roster(people: tuple[Person, ...], shown: str, settings: RosterSettings, notes: tuple[str, ...],
            today: dt.date | None = None) -> Roster:
    """The people with the identity settings every source shares (aliases, mailmap, team_map)."""
    return Roster(people, shown, today, aliases=settings.aliases, mailmap=_mailmap(settings.mailmap),
                  team_map=settings.team_map, notes=notes)


def load(source: str, settings: RosterSettings, *, today: dt.date, allow_shrink: bool = False,
         compare_with: Sequence[str] = (), strict: bool = False, expect_baseline: bool = False,
         warn: Callable[[str], None] = lambda _: None) -> Roster:
    """Read the roster at `source` (any source in SOURCES: a file path, an http(s):// SCIM base URL) and guard
    against shrinkage.

    Raises RosterError (one clear line; the CLI exits 2) when no source reads `source`, when it cannot be
    read, when a pull is partial, or when the number of active people dropped by more than
    `roster_shrink_limit` compared with the previous snapshot (or is zero) and `allow_shrink` is False.
    `compare_with` names further snapshot files to compare against (e.g. the `roster pull --output` target).
    On success the snapshot cache is updated, unless its snapshot was damaged (guard.check: a warning, or with
    `strict` an error; `warn` says it). A source whose `fingerprint` is unchanged since the last good load is
    not read again: that load's people are recalled (guard.recall).
    """
    from ownership.roster import guard

    reader = source_for(source)
    key = reader.key(source)
    fingerprint = reader.fingerprint(source, settings)
    recalled = guard.recall(key, fingerprint)
    if recalled is None:
        roster = _read(reader, source, settings, today)
    else:  # what the last good load read, byte for byte: the same people (see guard.recall)
        roster = _roster(recalled[0], reader.shown(source), settings, recalled[1], today)
    baseline = guard.check(roster, key, today, limit=settings.shrink_limit, allow_shrink=allow_shrink,
                           compare_with=compare_with, same_as_cached=recalled is not None, strict=strict,
                           expect_baseline=expect_baseline, warn=warn)
    if recalled is None and baseline:
        guard.remember(roster, key, fingerprint)
    return roster


def _mailmap(path: str | None) -> dict[str, str]:
    if not path:
        return {}
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise RosterError(f"{path}: cannot read the mailmap ({exc.strerror or exc})") from exc
    return parse_mailmap(text)
