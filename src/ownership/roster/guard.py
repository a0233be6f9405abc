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
from pathlib import Path

from ownership import cachedir
from ownership.model import Person, Roster
from ownership.roster.errors import RosterError

ALLOW_FLAG = "--allow-roster-shrink"
REPORT_SNAPSHOT = "roster-snapshot.json"  # the roster a report used, in its folder (see commands/report.py)


def cache_path(source: str) -> Path:
    """Where the last good roster of `source` is remembered (one file per source)."""
    from ownership.roster.settings import is_url
    from ownership import redact  # not httpget: `page` reads a roster file without loading requests

    key = redact.url(source.rstrip("/"), keep_userinfo_mask=False) if is_url(source) else str(Path(source).resolve())
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return cachedir.root() / f"roster-{digest}.json"


def check(roster: Roster, source: str, today: dt.date, *, limit: float, allow_shrink: bool,
          compare_with: Sequence[str] = (), same_as_cached: bool = False, strict: bool = False,
          expect_baseline: bool = False, warn: Callable[[str], None] = lambda _: None) -> bool:
    """Raise RosterError when the roster looks partial; see the module docstring. `same_as_cached`: the
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
        raise RosterError(f"the roster from {roster.source or source} {what}; refusing to use it, since every "
                          f"owner would look gone. If this is really so, rerun with {ALLOW_FLAG}")
    baselines, damaged = _previous(source, compare_with, same_as_cached)
    for label, before_roster in baselines:
        before = before_roster.active_count(today)
        if before and (before - now) / before > limit:
            drop = (before - now) / before
            raise RosterError(
                f"the roster from {roster.source or source} has {now} active people, {drop:.0%} fewer than "
                f"the {before} in {label} (limit {limit:.0%}, roster_shrink_limit); a partial HR export or "
                f"pull would make owners look gone, so nothing was used or saved. If the drop is real, rerun "
                f"with {ALLOW_FLAG}")
    if damaged:
        line = (f"the shrink guard's previous snapshot of {roster.source or source} is damaged ({damaged}); "
                f"this roster was not compared with it and does not replace it. If this roster is complete, "
                f"rerun with {ALLOW_FLAG} to make it the new baseline")
        if strict:
            raise RosterError(line)
        warn(line)
        return False
    if not baselines and not same_as_cached and expect_baseline:
        line = (f"no earlier snapshot of the roster from {roster.source or source} to compare with, although "
                f"earlier weekly reports exist (was roster-snapshot.json removed from the history?), so the "
                f"shrink guard did not check it")
        if strict:
            raise RosterError(f"{line}. If this roster is complete, rerun with {ALLOW_FLAG}")
        warn(f"{line}; it becomes the baseline of the next run")
    return True


def _previous(source: str, compare_with: Sequence[str],
              same_as_cached: bool = False) -> tuple[list[tuple[str, Roster]], str | None]:
    """The snapshots to compare with, and what is wrong with the cached one when it cannot be read."""
    from ownership.roster import files

    found: list[tuple[str, Roster]] = []
    damaged = None
    cached = cache_path(source)
    if not same_as_cached and cached.is_file():
        try:
            people = files.read(str(cached))
        except RosterError as exc:
            damaged = str(exc)
        else:
            when = files.snapshot_date(str(cached))
            found.append((f"the previous snapshot{f' of {when}' if when else ''} ({cached})", Roster(tuple(people))))
    for path in compare_with:
        if Path(path).is_file():
            try:
                people = files.read(path)
            except RosterError as exc:
                raise RosterError(f"{path} exists but is not a readable roster snapshot, so it is not "
                                  f"overwritten ({exc})") from exc
            found.append((str(path), Roster(tuple(people))))
    return found, damaged


def remember(roster: Roster, source: str, fingerprint: str | None = None) -> Path | None:
    """Save the roster as the previous snapshot of `source`; None when the cache cannot be written (the
    guard then compares with the older snapshot next time, which is still safe). With the `fingerprint` of a
    file source, its people are also kept for recall()."""
    from ownership.roster import files

    target = cache_path(source)
    try:
        files.write_snapshot(roster, target)
        if fingerprint is not None:
            _write_recall(target, fingerprint, roster)
    except OSError:
        return None
    return target


# --------------------------------------------------------------------------- an unchanged roster file
# Reading a 6,000-person export and rewriting its snapshot took about half a second of every `page`. When the
# file's bytes and the column mapping are what the last good load read, its people are those of that load:
# recall() returns them (kept beside the snapshot), and the snapshot, which holds the same people, is neither
# compared with nor rewritten. Anything that differs (the file, the mapping, the snapshot file itself, a
# damaged entry) is a plain read.
_RECALL_FORMAT = 3  # 3: with the roster's notes (contact values left out), which a recall repeats


def fingerprint(source: str, columns: object, *more: object) -> str | None:
    """What a roster file's people depend on (its bytes, the column mapping, `more` settings such as the SCIM
    contact attributes); None for SCIM or an unreadable file (always read, so its error is the reader's)."""
    from ownership.roster.settings import is_url

    if is_url(source):
        return None
    try:
        data = Path(source).read_bytes()
    except OSError:
        return None
    settings = repr(columns) + (repr(more) if more else "")
    return hashlib.sha256(settings.encode("utf-8") + b"\0" + data).hexdigest()


def _recall_path(snapshot: Path) -> Path:
    return snapshot.with_suffix(".people.pickle")


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def _write_recall(snapshot: Path, fingerprint: str, roster: Roster) -> None:
    import tempfile

    from ownership.pickled import dumps

    fd, tmp = tempfile.mkstemp(prefix=f".{snapshot.name}.", suffix=".tmp", dir=snapshot.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(dumps((_RECALL_FORMAT, fingerprint, _stamp(snapshot), roster.people, roster.notes)))
        os.replace(tmp, _recall_path(snapshot))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def recall(source: str, fingerprint: str | None) -> tuple[tuple[Person, ...], tuple[str, ...]] | None:
    """(the people, the notes) of the last good load of `source` when it read exactly this `fingerprint` and
    its snapshot is unchanged since; else None."""
    import pickle

    if fingerprint is None:
        return None
    snapshot = cache_path(source)
    try:
        with open(_recall_path(snapshot), "rb") as fh:
            fmt, got, stamp, people, notes = pickle.load(fh)
        if fmt != _RECALL_FORMAT or got != fingerprint or stamp != _stamp(snapshot):
            return None
    except Exception:  # noqa: BLE001 - a missing or damaged entry is a plain read, never an error
        return None
    if not isinstance(people, tuple) or not all(type(p) is Person for p in people):
        return None
    if not isinstance(notes, tuple) or not all(type(n) is str for n in notes):
        return None
    return people, notes
