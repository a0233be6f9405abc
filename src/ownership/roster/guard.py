"""The shrink guard: a partial HR pull must never make the company look gone.

Every successful load remembers its roster in a cache file per source
(`$XDG_CACHE_HOME/ownership/roster-<hash of the source>.json`, default `~/.cache/...`). The next load of the
same source compares its number of active people with that snapshot (and with any `compare_with` snapshot,
such as the existing `roster pull --output` file, or the `roster-snapshot.json` that `report` keeps next to each
weekly report, so a fresh CI runner with an empty cache is guarded too). Both counts are taken as of the same
day, so people whose end date simply passed do not count as a drop. A drop larger than the limit, or a roster with no active people,
is refused unless the caller allows it (`--allow-roster-shrink`).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Sequence
from itertools import chain
from pathlib import Path
from typing import Any

from ownership.support import cachedir
from ownership import reach
from ownership.model import Location, Person, Reach, Roster
from ownership.roster.errors import RosterError

ALLOW_FLAG = "--allow-roster-shrink"
REPORT_SNAPSHOT = "roster-snapshot.json"  # the roster a report used, in its folder (see commands/report.py)


def cache_path(key: str) -> Path:
    """Where the last good roster of a source is remembered (one file per source). `key`: the source's own
    `key(source)` (roster/source.py: a file's absolute path, a URL without credentials), so the guard treats
    every source alike."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return cachedir.root() / f"roster-{digest}.json"


def check(roster: Roster, key: str, today: dt.date, *, limit: float, allow_shrink: bool,
          compare_with: Sequence[str] = (), same_as_cached: bool = False, strict: bool = False,
          expect_baseline: bool = False, warn: Callable[[str], None] = lambda _: None) -> bool:
    """Raise RosterError when the roster looks partial; see the module docstring. `key`: the source's key
    (cache_path). `same_as_cached`: the
    roster is the cached snapshot's people themselves (recall()), so comparing with that snapshot is skipped
    (it could find no drop); every other comparison still runs.

    A damaged baseline (the cached snapshot does not parse) is never silently skipped: it is a warning, and
    this roster, which nothing checked, does not replace it. A missing baseline where one was expected
    (`expect_baseline`: the weekly history has earlier reports) is a warning too; with no cache and nothing
    expected it is a first run, and this roster becomes the baseline. With `strict` (--strict-roster, the
    weekly workflow) a damaged or an expected-but-missing baseline is an error.
    Returns whether the roster may be remembered as the new baseline."""
    if allow_shrink:
        return True  # the operator accepts this roster, and with it a new baseline
    now = roster.active_count(today)
    if now == 0:
        what = "is empty" if not roster.people else f"has no active people ({len(roster.people)} records)"
        raise RosterError(f"the roster from {roster.source or key} {what}; refusing to use it, since every "
                          f"owner would look gone. If this is really so, rerun with {ALLOW_FLAG}")
    baselines, damaged = _previous(key, compare_with, same_as_cached)
    for label, before_roster in baselines:
        before = before_roster.active_count(today)
        if before and (before - now) / before > limit:
            drop = (before - now) / before
            raise RosterError(
                f"the roster from {roster.source or key} has {now} active people, {drop:.0%} fewer than "
                f"the {before} in {label} (limit {limit:.0%}, roster_shrink_limit); a partial HR export or "
                f"pull would make owners look gone, so nothing was used or saved. If the drop is real, rerun "
                f"with {ALLOW_FLAG}")
    if damaged:
        line = (f"the shrink guard's previous snapshot of {roster.source or key} is damaged ({damaged}); "
                f"this roster was not compared with it and does not replace it. If this roster is complete, "
                f"rerun with {ALLOW_FLAG} to make it the new baseline")
        if strict:
            raise RosterError(line)
        warn(line)
        return False
    if not baselines and not same_as_cached and expect_baseline:
        line = (f"no earlier snapshot of the roster from {roster.source or key} to compare with, although "
                f"earlier weekly reports exist (was roster-snapshot.json removed from the history?), so the "
                f"shrink guard did not check it")
        if strict:
            raise RosterError(f"{line}. If this roster is complete, rerun with {ALLOW_FLAG}")
        warn(f"{line}; it becomes the baseline of the next run")
    return True


def _previous(key: str, compare_with: Sequence[str],
              same_as_cached: bool = False) -> tuple[list[tuple[str, Roster]], str | None]:
    """The snapshots to compare with, and what is wrong with the cached one when it cannot be read."""
    from ownership.roster import files

    found: list[tuple[str, Roster]] = []
    damaged = None
    cached = cache_path(key)
    if not same_as_cached and cached.is_file():
        try:
            people = files.read_path(str(cached))
        except RosterError as exc:
            damaged = str(exc)
        else:
            when = files.snapshot_date(str(cached))
            found.append((f"the previous snapshot{f' of {when}' if when else ''} ({cached})", Roster(tuple(people))))
    for path in compare_with:
        if Path(path).is_file():
            try:
                people = files.read_path(path)
            except RosterError as exc:
                raise RosterError(f"{path} exists but is not a readable roster snapshot, so it is not "
                                  f"overwritten ({exc})") from exc
            found.append((str(path), Roster(tuple(people))))
    return found, damaged


def remember(roster: Roster, key: str, fingerprint: str | None = None) -> Path | None:
    """Save the roster as the previous snapshot of the source with this `key`; None when the cache cannot be
    written (the guard then compares with the older snapshot next time, which is still safe). With the
    source's `fingerprint`, its people are also kept for recall()."""
    from ownership.roster import files

    target = cache_path(key)
    try:
        files.write_snapshot(roster, target)
        if fingerprint is not None:
            _write_recall(target, fingerprint, roster)
    except OSError:
        return None
    return target


# --------------------------------------------------------------------------- an unchanged roster source
# Reading a 6,000-person export and rewriting its snapshot took about half a second of every `page`. When a
# source's fingerprint (roster/source.py; for a file: its bytes and the column mapping) is what the last good
# load read, its people are those of that load:
# recall() returns them (kept beside the snapshot), and the snapshot, which holds the same people, is neither
# compared with nor rewritten. Anything that differs (the file, the mapping, the snapshot file itself) is a
# plain read. The entry is JSON, read as data only and checked field by field (the cache folder may be restored
# by CI or written by someone else): one that cannot be used is ignored with a warning, never believed.
_RECALL_FORMAT = "ownership-roster-recall"
_RECALL_VERSION = 4  # 3 and before: a pickle (roster-*.people.pickle, never read again); 4: JSON


def _recall_path(snapshot: Path) -> Path:
    return snapshot.with_suffix(".people.json")


def _stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def _write_recall(snapshot: Path, fingerprint: str, roster: Roster) -> None:
    import tempfile

    entry = {"format": _RECALL_FORMAT, "version": _RECALL_VERSION, "fingerprint": fingerprint,
             "stamp": _stamp(snapshot), "people": _people_columns(roster.people),
             "notes": list(roster.notes)}
    try:
        blob = cachedir.json_bytes(entry)
    except ValueError:  # a lone surrogate in a value: not kept, the file is read each time
        _recall_path(snapshot).unlink(missing_ok=True)
        return
    fd, tmp = tempfile.mkstemp(prefix=f".{snapshot.name}.", suffix=".tmp", dir=snapshot.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, _recall_path(snapshot))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def recall(key: str, fingerprint: str | None) -> tuple[tuple[Person, ...], tuple[str, ...]] | None:
    """(the people, the notes) of the last good load of the source with this `key` when it read exactly this
    `fingerprint` and its snapshot is unchanged since; else None (always for a source without a fingerprint)."""
    if fingerprint is None:
        return None
    snapshot = cache_path(key)
    entry_path = _recall_path(snapshot)
    try:
        stamp = _stamp(snapshot)
    except OSError:
        return None  # no snapshot: a plain read
    try:
        blob = cachedir.read_entry(entry_path, _RECALL_MAX)
        if blob is None:
            return None  # no entry: a plain read
        if len(blob) > _RECALL_MAX:
            raise _Unusable("far too large")
        entry = cachedir.read_json(blob, _Unusable)
        if type(entry) is not dict or entry.get("format") != _RECALL_FORMAT:
            raise _Unusable("not a roster recall entry")
        if entry.get("version") != _RECALL_VERSION:
            raise _Unusable("written by another version")
        if entry.get("fingerprint") != fingerprint or entry.get("stamp") != stamp:
            return None  # kept for another file, mapping or snapshot
        people = _people(entry.get("people"))
        notes = tuple(_rows(entry.get("notes")))
        if not all(type(n) is str for n in notes):
            raise _Unusable("a note that is not text")
    except (_Unusable, cachedir.NotRegular) as exc:
        cachedir.ignored(entry_path, str(exc))
        return None
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError, UnicodeDecodeError):
        cachedir.ignored(entry_path, "malformed")
        return None
    except OSError:
        return None
    return people, notes


_RECALL_MAX = 1 << 30  # a roster of millions of people is below; past it, an entry is not read into memory


class _Unusable(ValueError):
    """A recall entry that is not what this version writes."""


def _rows(value: object) -> list[Any]:
    if type(value) is not list:
        raise ValueError("malformed")
    return value


_COLUMNS = ("id", "emails", "usernames", "name", "active", "end_date", "team", "manager", "title", "location",
            "reach")


def _people_columns(people: Sequence[Person]) -> dict[str, list[Any]]:
    """The people as one list per field (read back a field at a time, in C: 6,000 people in a few ms)."""
    return {
        "id": [p.id for p in people], "emails": [list(p.emails) for p in people],
        "usernames": [list(p.usernames) for p in people], "name": [p.name for p in people],
        "active": [p.active for p in people],
        "end_date": [p.end_date.isoformat() if p.end_date is not None else None for p in people],
        "team": [p.team for p in people], "manager": [p.manager for p in people],
        "title": [p.title for p in people],
        "location": [None if p.location is None else [p.location.file, p.location.line, p.location.column]
                     for p in people],
        "reach": [None if p.reach is None else [reach.value(p.reach, k) for k in reach.KINDS] for p in people]}


def _people(columns: object) -> tuple[Person, ...]:
    """The Persons of _people_columns; ValueError or TypeError when a field is not of its type."""
    if type(columns) is not dict or tuple(columns) != _COLUMNS:
        raise ValueError("malformed")
    ids, emails, usernames, names, active, ends, teams, managers, titles, where, reach = columns.values()
    if not set(map(type, columns.values())) <= {list} or len(set(map(len, columns.values()))) > 1:
        raise ValueError("malformed")
    "".join(ids)  # TypeError unless all strings
    for many in (emails, usernames):
        if not set(map(type, many)) <= {list}:
            raise ValueError("malformed")
        "".join(chain.from_iterable(many))
    if not set(map(type, chain(names, teams, managers, titles, ends))) <= _TEXT_OR_NONE:
        raise ValueError("malformed")
    if not set(map(type, active)) <= {bool}:
        raise ValueError("malformed")
    days = {text: dt.date.fromisoformat(text) for text in set(ends) if text is not None}
    return tuple(map(Person, ids, map(tuple, emails), map(tuple, usernames), names, active, map(days.get, ends),
                     teams, managers, titles, map(_location, where), map(_reach, reach)))


def _location(value: object) -> Location | None:
    if value is None:
        return None
    file, line, column = _rows(value)
    if type(file) is not str or type(line) is not int or type(column) is not int:
        raise ValueError("malformed")
    return Location(file, line, column)


def _reach(value: object) -> Reach | None:
    if value is None:
        return None
    rows = _rows(value)
    if len(rows) != len(reach.KINDS) or not set(map(type, rows)) <= _TEXT_OR_NONE:
        raise ValueError("malformed")
    return reach.of(dict(zip(reach.KINDS, rows)))


_TEXT_OR_NONE = {str, type(None)}
