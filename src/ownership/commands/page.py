"""`ownership page SYSTEM`: load what routing needs (catalog, roster, PagerDuty) and build the page list.

The I/O side of routing. Nothing here decides who is paged; it gathers inputs, and turns a source that cannot
be used into a note on the output rather than a failure: at 3 a.m. a page list from the catalog alone, saying
so, beats no page list. Only a catalog that cannot be read, or an unknown system, stops the command.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import multiprocessing as mp
import os
import pickle
import sys
from concurrent.futures import ProcessPoolExecutor
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ownership import __version__
from ownership.catalog.load import discover, load_sources, read_sources
from ownership.config import Config
from ownership.model import Catalog, Finding, Roster, System
from ownership.oncall import pagerduty
from ownership.analysis.impact import find_system
from ownership.routing import Context, Page, PagerDutyAnswer, People, last_commits
from ownership.routing import page as build_page

CACHE_FORMAT = 3  # bump when Catalog's shape or the cache layout changes
CACHE_KEEP = 4  # catalogs cached at once (e.g. main and a PR branch)


@dataclass(frozen=True)
class Inputs:
    catalog: Catalog
    warnings: tuple[str, ...]  # for stderr: problems that make the answer less certain


def load_catalog(paths: Sequence[str], cache: bool = True, meanwhile: Callable[[], None] | None = None) -> Inputs:
    """The catalog; its errors do not stop routing (a page list from a half-broken catalog still helps).

    A 10,000-system catalog takes ~2 s to load with locations and every check; routing needs neither, so a
    stripped copy is cached per set of files (path, size, mtime) and read back in ~0.15 s next time.
    `meanwhile` runs while a second process parses (e.g. reading the roster), or after a cache hit.
    """
    files = discover(paths)
    key = _cache_key(files) if cache else None
    hit = _cache_read(key) if key else None
    if hit is not None:
        if meanwhile is not None:
            meanwhile()
        return hit
    parts: list[bytes] = []
    catalog, findings = load_stripped(files, meanwhile, parts)
    errors = [f for f in findings if f.severity == "error"]
    warnings: tuple[str, ...] = ()
    if errors:
        first = errors[0]
        warnings = (f"the catalog has {len(errors)} error(s), answers may be incomplete; first: "
                    f"{first.location or ''} {first.message} (run `ownership validate`)",)
    inputs = Inputs(catalog, warnings)
    if key:
        _cache_write(key, warnings, parts)
    return inputs


PARALLEL_MIN_FILES = 16  # below this, starting a second process costs more than it saves


def load_stripped(files: Sequence[Path], meanwhile: Callable[[], None] | None = None,
                  parts: list[bytes] | None = None) -> tuple[Catalog, list[Finding]]:
    """load_sources over `files`, without field locations (see _strip); with two cores or more, a forked
    child reads the second half meanwhile. `parts` receives the stripped catalog(s) pickled, for the cache
    (the child pickles its half anyway to send it, so the cache costs the parent only its own half).

    At 3 a.m. the first query after a catalog change pays for parsing it (~1.5 s for 10,000 systems on one
    core). Duplicate names across the halves are found when merging, so the answer is the serial one.
    """
    if len(files) < PARALLEL_MIN_FILES or (os.cpu_count() or 1) < 2 or "fork" not in mp.get_all_start_methods():
        loaded = _load_part(list(files))
        if meanwhile is not None:
            meanwhile()
        if parts is not None:
            parts.append(pickle.dumps(loaded[0], protocol=pickle.HIGHEST_PROTOCOL))
        return loaded
    # the parent also runs `meanwhile`, so the child takes the larger share
    half = len(files) * 2 // 5 if meanwhile is not None else len(files) // 2
    with ProcessPoolExecutor(1, mp_context=mp.get_context("fork")) as pool:
        later = pool.submit(_load_part_pickled, list(files[half:]))
        first, found = _load_part(list(files[:half]))
        if meanwhile is not None:
            meanwhile()
        if parts is not None:
            parts.append(pickle.dumps(first, protocol=pickle.HIGHEST_PROTOCOL))
        blob, more = later.result()
    if parts is not None:
        parts.append(blob)
    return _merge(first, pickle.loads(blob), found + more)


def _load_part_pickled(files: list[Path]) -> tuple[bytes, list[Finding]]:
    catalog, findings = _load_part(files)
    return pickle.dumps(catalog, protocol=pickle.HIGHEST_PROTOCOL), findings


def _load_part(files: list[Path]) -> tuple[Catalog, list[Finding]]:
    catalog, findings = load_sources(read_sources(files))
    return _strip(catalog), findings  # locations are most of what would cross the pipe


def _merge(first: Catalog, second: Catalog, findings: list[Finding]) -> tuple[Catalog, list[Finding]]:
    merged: dict[str, dict[str, Any]] = {}
    for kind, singular in (("teams", "team"), ("systems", "system"), ("stakeholders", "stakeholder"),
                           ("rotations", "rotation")):
        out = dict(getattr(first, kind))
        for name, entity in getattr(second, kind).items():
            if name in out:  # as load_sources says it when both files are in one load
                findings.append(Finding(
                    "duplicate-name", "error", f"{singular}:{name}",
                    f"{singular} '{name}' is defined more than once; names must be unique across the catalog",
                    entity.location))
                continue
            out[name] = entity
        merged[kind] = out
    return Catalog(files=first.files + second.files, **merged), findings


def _strip(catalog: Catalog) -> Catalog:
    """The catalog without per-field locations: routing never points at lines, and they are most of its size.
    Each entity keeps its own location (repository paths in the catalog are relative to their file)."""
    def bare(entries: Mapping[str, Any]) -> dict[str, Any]:
        return {k: dataclasses.replace(v, locations={}) for k, v in entries.items()}

    return dataclasses.replace(catalog, teams=bare(catalog.teams), systems=bare(catalog.systems),
                               stakeholders=bare(catalog.stakeholders), rotations=bare(catalog.rotations))


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ownership" / "catalogs"


def _cache_key(files: Sequence[Path]) -> str | None:
    h = hashlib.sha256(f"{__version__}|{sys.version_info[:2]}|{CACHE_FORMAT}".encode())
    try:
        for f in files:
            st = f.stat()
            h.update(f"{f.resolve()}|{st.st_size}|{st.st_mtime_ns}|{st.st_ino}\n".encode())
    except OSError:
        return None
    return h.hexdigest()[:32]


def _cache_read(key: str) -> Inputs | None:
    # The cache is the user's own (~/.cache, mode 0700) and written only by this function's twin; anything
    # unexpected in it is treated as a miss, never an error.
    try:
        warnings, parts = pickle.loads((_cache_dir() / f"{key}.pickle").read_bytes())
        catalogs = [pickle.loads(p) for p in parts]
        if not catalogs or not all(isinstance(c, Catalog) for c in catalogs):
            return None
        catalog = catalogs[0]
        for more in catalogs[1:]:  # duplicates across parts are in the cached warning already
            catalog, _ = _merge(catalog, more, [])
    except Exception:  # noqa: BLE001 (a corrupt or foreign cache file is simply a miss)
        return None
    return Inputs(catalog, tuple(warnings))


def _cache_write(key: str, warnings: tuple[str, ...], parts: list[bytes]) -> None:
    from ownership import redact

    if any(redact.text(p.decode("latin-1")) != p.decode("latin-1") for p in parts):
        return  # a catalog holding a credential (a URL's user:token@, a token's value) is never cached
    folder = _cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = folder / f".{key}.{os.getpid()}.tmp"
        tmp.write_bytes(pickle.dumps((warnings, parts), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, folder / f"{key}.pickle")
        old = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)[CACHE_KEEP:]
        for stale in old:
            stale.unlink(missing_ok=True)
    except OSError:
        pass  # no cache this time: the answer is the same, only slower


def load_people(catalog: Catalog, config: Config, roster_source: str | None, day: dt.date,
                allow_shrink: bool = False) -> People:
    """People with the roster when one is configured and usable; else "not checked", with the reason."""
    roster, problem = read_roster(config, roster_source, day, allow_shrink)
    return People(catalog, roster, day, roster_problem=problem)


def read_roster(config: Config, roster_source: str | None, day: dt.date,
                allow_shrink: bool = False) -> tuple[Roster | None, str | None]:
    """(the roster, None) when one is configured and usable; else (None, why not) or (None, None)."""
    from ownership.commands.roster import load_roster
    from ownership.roster import RosterError

    try:
        return load_roster(roster_source, config, day, allow_shrink), None
    except RosterError as exc:
        return None, f"the roster could not be used: {exc}"


def ask_pagerduty(catalog: Catalog, systems: Iterable[System], at: dt.datetime | None, config: Config,
                  base_url: str | None, env: Mapping[str, str] | None = None) -> PagerDutyAnswer | None:
    """One /oncalls query for every escalation policy of the owning teams of `systems`; None if none has one."""
    policies = set()
    for s in systems:
        team = catalog.teams.get(s.owner)
        if team and team.oncall and team.oncall.pagerduty_escalation_policy:
            policies.add(team.oncall.pagerduty_escalation_policy)
    if not policies:
        return None
    try:
        settings = pagerduty.PagerDutySettings.from_config(config, base_url)
        entries = pagerduty.oncalls(policies, at, settings, env=env if env is not None else os.environ)
    except pagerduty.PagerDutyError as exc:
        return PagerDutyAnswer(error=str(exc))
    grouped: dict[str, list[pagerduty.OnCallEntry]] = {}
    for e in entries:
        grouped.setdefault(e.policy, []).append(e)
    return PagerDutyAnswer({k: tuple(v) for k, v in grouped.items()})


def activity_for(catalog: Catalog, config: Config, names: Iterable[str], people: People,
                 warnings: list[str]) -> Mapping[str, Mapping[str, dt.datetime]] | None:
    """Last commit per person for the systems `names`, from their repositories' git history (the scanner of
    `ownership scan`: incremental and cached, so a repeat costs a `git log` of the new commits). None when no
    system has repositories or the history cannot be read (the reason goes to `warnings`)."""
    systems = {n: catalog.systems[n] for n in names if catalog.systems[n].repos}
    if not systems:
        return None
    from ownership.history import settings as history_settings
    from ownership.history.git import GitError
    from ownership.history.scan import scan_catalog

    try:
        hs = history_settings.from_config(config.get("history"), config.relative)
        activity, _ = scan_catalog(dataclasses.replace(catalog, systems=systems), hs, people.day, people.roster,
                                   warn=warnings.append)
    except (GitError, OSError) as exc:
        warnings.append(f"git history not used: {exc}")
        return None
    return last_commits(activity)


def run(paths: Sequence[str], config: Config, name: str, at: dt.datetime, roster_source: str | None = None,
        pagerduty_url: str | None = None, asked_at: bool = False, allow_shrink: bool = False,
        history: bool = False) -> tuple[Page, tuple[str, ...]]:
    """The page list for system `name` at `at`. Raises UnknownSystem (exit 2) or CatalogError."""
    roster: list[tuple[Roster | None, str | None]] = []
    inputs = load_catalog(paths, meanwhile=lambda: roster.append(read_roster(config, roster_source, at.date(),
                                                                              allow_shrink)))
    system = find_system(inputs.catalog, name)
    people = People(inputs.catalog, roster[0][0], at.date(), roster_problem=roster[0][1])
    answer = ask_pagerduty(inputs.catalog, [system], at if asked_at else None, config, pagerduty_url)
    warnings = list(inputs.warnings)
    activity = activity_for(inputs.catalog, config, [system.name], people, warnings) if history else None
    ctx = Context(inputs.catalog, at, people, answer, activity)
    return build_page(ctx, system), tuple(warnings)
