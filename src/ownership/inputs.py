"""The one place a command gathers its inputs: paths + ownership.yaml + flags → a Snapshot or a routing context.

Commands call these functions and never each other's helpers:
- `prepare` (audit, suggest, offboard, report, site): catalog + roster + scanned git activity → Snapshot.
- `load_catalog`, `load_people`, `ask_oncall`, `activity_for` (page, incident, drill, blast-radius): what routing
  needs, where a source that cannot be used becomes a warning rather than a failure (at 3 a.m. a page list
  from the catalog alone, saying so, beats no page list).
- `source_of`, `load_roster`: which roster a command uses, and reading it through the shrink guard.

Every catalog is loaded by catalog/load.py's `load_sources`; the routing commands pass the per-file parse
cache (catalog/cache.py), which yields the same model.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from ownership.catalog.load import load_paths, load_sources, read_catalog
from ownership.config import Config
from ownership.model import Catalog, Finding, Roster, Snapshot, System
from ownership.analysis.people import People
from ownership.oncall.provider import OnCallAnswer, OnCallProvider
from ownership.routing import last_commits
from ownership.support.words import plural

if TYPE_CHECKING:  # history.scan pulls in git, which routing without --history never needs
    from ownership.history.scan import Progress

Warn = Callable[[str], None]
T = TypeVar("T")
AUDIT_WINDOW = 180  # ownership-drift and successors count commits of the last 180 days


# --------------------------------------------------------------------------- the roster


def source_of(flag: str | None, config: Config) -> str | None:
    """--roster wins; else `roster:` in ownership.yaml, relative to that file."""
    if flag:
        return flag
    configured = config.get("roster")
    return config.relative(configured) if configured else None


def load_roster(flag: str | None, config: Config, today: dt.date, allow_shrink: bool = False,
                compare_with: Sequence[str] = (), *, warn: Warn = lambda _: None, strict: bool = False,
                expect_baseline: bool = False) -> Roster | None:
    """The roster for a command that can use one, or None when none is configured. Raises RosterError.
    `compare_with`: further snapshots the shrink guard compares with (the last weekly report's); `warn`
    hears the guard's notices (a damaged or missing baseline), which `strict` turns into errors
    (roster/guard.py check)."""
    from ownership.roster import RosterSettings, load

    source = source_of(flag, config)
    if not source:
        return None
    return load(source, RosterSettings.from_values(config.values, config.relative), today=today,
                allow_shrink=allow_shrink, compare_with=compare_with, warn=warn, strict=strict,
                expect_baseline=expect_baseline)


def read_roster(config: Config, roster_source: str | None, day: dt.date, allow_shrink: bool = False,
                warn: Warn = lambda _: None) -> tuple[Roster | None, str | None]:
    """(the roster, None) when one is configured and usable; else (None, why not) or (None, None)."""
    from ownership.roster import RosterError

    try:
        return load_roster(roster_source, config, day, allow_shrink, warn=warn), None
    except RosterError as exc:
        return None, f"the roster could not be used: {exc}"


def load_people(catalog: Catalog, config: Config, roster_source: str | None, day: dt.date,
                allow_shrink: bool = False, read: tuple[Roster | None, str | None] | None = None,
                warn: Warn = lambda _: None) -> People:
    """People with the roster when one is configured and usable; else "not checked", with the reason.
    `read`: what read_roster() already returned for these arguments (read while the catalog was parsed)."""
    roster, problem = read if read is not None else read_roster(config, roster_source, day, allow_shrink, warn)
    return People(catalog, roster, day, roster_problem=problem)


# --------------------------------------------------------------------------- the Snapshot


def prepare(paths: Sequence[str], config: Config, *, today: dt.date, roster_source: str | None,
            allow_roster_shrink: bool = False, jobs: int | None = None, scan: bool = True,
            warn: Warn = lambda _: None, progress: Progress | None = None,
            before_scan: Callable[[Snapshot], None] | None = None, roster_compare_with: Sequence[str] = (),
            states: Sequence[str] = (), strict_roster: bool = False, expect_roster_baseline: bool = False,
            ) -> tuple[Snapshot, list[Finding]]:
    """The catalog (+ loader findings), the roster when a source is given or configured, and the git activity
    through the incremental scan (windows always include 180 days).

    `before_scan` sees the snapshot without activity first, so a command can refuse bad arguments (an
    unknown person, no roster) before any repository is read. `roster_compare_with`: snapshots the roster
    shrink guard compares with besides its cache (for `report`: the newest earlier report's);
    `strict_roster`, `expect_roster_baseline`: see roster/guard.py check. `states`:
    --state folders of earlier (sharded) scans, read and merged before anything else; the repositories they
    hold are not scanned (history/shards.py).

    Raises StateError (a --state folder that cannot be used), CatalogError (unreadable catalog path),
    RosterError (roster cannot be read) and GitError (git missing): the CLI turns each into one line and
    exit code 2.
    """
    from ownership.history import settings as history_settings
    from ownership.history.scan import catalog_sources, scan_catalog
    from ownership.history import shards

    given = shards.read(states, warn) if states else None
    catalog, loaded = load_paths(paths)
    roster = load_roster(roster_source, config, today, allow_roster_shrink, roster_compare_with, warn=warn,
                         strict=strict_roster, expect_baseline=expect_roster_baseline)
    if before_scan is not None:
        before_scan(Snapshot(catalog=catalog, today=today, roster=roster, options=config.rules))
    activity = None
    if scan:
        hs = history_settings.from_values(config.get("history"), config.relative)
        hs = dataclasses.replace(hs, windows=tuple(sorted({*hs.windows, AUDIT_WINDOW})))
        if catalog_sources(catalog, hs.rewrite):
            activity, scans = scan_catalog(catalog, hs, today, roster, jobs, warn, progress, given=given)
            for scanned in scans.values():
                if scanned.problem:
                    warn(scanned.problem)
    snap = Snapshot(catalog=catalog, today=today, roster=roster, activity=activity, options=config.rules)
    return snap, loaded


# --------------------------------------------------------------------------- routing


@dataclass(frozen=True)
class RoutingCatalog:
    catalog: Catalog
    warnings: tuple[str, ...]  # for stderr: problems that make the answer less certain


def load_catalog(paths: Sequence[str], cache: bool = True,
                 meanwhile: Callable[[], None] | None = None) -> RoutingCatalog:
    """The catalog for routing; its errors do not stop routing (a page list from a half-broken catalog still
    helps), they become one warning. The model is the plain load's: the cache only skips parsing the files
    that did not change (a 10,000-system catalog parses in ~2 s, its cached parts load in a fraction).
    `meanwhile` runs once, while a second process parses what the cache did not have (FileCache.prefetch)."""
    from ownership.catalog.cache import FileCache

    sources, _ = read_catalog(paths)  # files-skipped is an info line: routing shows errors only
    if cache:
        files = FileCache()
        files.prefetch(sources, meanwhile)
        catalog, findings = load_sources(sources, files.parse, roots=paths)
    else:
        catalog, findings = load_sources(sources, roots=paths)
        if meanwhile is not None:
            meanwhile()
    errors = [f for f in findings if f.severity == "error"]
    warnings: tuple[str, ...] = ()
    if errors:
        first = errors[0]
        warnings = (f"the catalog has {plural(len(errors), 'error')}, answers may be incomplete; first: "
                    f"{first.location or ''} {first.message} (run `ownership validate`)",)
    return RoutingCatalog(catalog, warnings)


def oncall_targets(catalog: Catalog, systems: Iterable[System], teams: Iterable[str] = ()) -> dict[str, list[str]]:
    """What to ask each on-call provider, by provider name: the targets it can answer for (`asks`) of every
    on-call set-up that reaches `systems` (their own and their owning teams', Catalog.oncalls) and `teams`
    (those the org fallback or the incident roles name). A provider with nothing to ask is left out."""
    from ownership.oncall import PROVIDERS

    setups = [oc for s in systems for _, oc in catalog.oncalls(s)]
    setups += [t.oncall for name in teams if (t := catalog.teams.get(name)) is not None and t.oncall is not None]
    out: dict[str, dict[str, None]] = {}
    for oc in setups:
        for name, targets in oc.providers.items():
            provider = PROVIDERS.get(name)
            for target in provider.asks(targets) if provider is not None else ():
                out.setdefault(name, {})[target] = None
    return {name: list(targets) for name, targets in out.items()}


def ask_oncall(catalog: Catalog, systems: Iterable[System], at: dt.datetime | None, config: Config,
               overrides: Mapping[str, Mapping[str, object]] | None = None, env: Mapping[str, str] | None = None,
               teams: Iterable[str] = (), until: dt.datetime | None = None) -> dict[str, OnCallAnswer]:
    """Every on-call provider that reaches `systems` and `teams` (oncall_targets), asked at once about `at`
    (None: now), or about every on-call from `at` to `until` (`drill`). By provider name; empty when none does.

    No provider blocks the answer: each has its `wait` (its ownership.yaml section's, or `overrides`, the
    command-line flags), counted from one common start; all run at once in daemon threads,
    and one that has not answered by its wait is left behind (nothing joins it, so the command still ends at
    once) and its answer is an error, which routing turns into the catalog rotation with a note. On a
    terminal, stderr says "asking " and the providers' titles meanwhile."""
    from ownership.oncall import PROVIDERS

    asked = oncall_targets(catalog, systems, teams)
    if not asked:
        return {}
    environ = env if env is not None else os.environ
    calls: dict[str, tuple[float, Callable[[], OnCallAnswer]]] = {}
    for name, targets in asked.items():
        provider = PROVIDERS[name]
        settings = provider.settings(config.get(name), (overrides or {}).get(name) or {})
        calls[name] = (provider.wait(settings), _ask(provider, targets, at, until, settings, environ))
    found = _within(calls, "asking " + ", ".join(PROVIDERS[n].title for n in calls) + "…")
    return {name: found[name] if name in found else
            OnCallAnswer(name, PROVIDERS[name].title,
                         error=f"{PROVIDERS[name].title} did not answer within {calls[name][0]:g} s")
            for name in calls}


def _ask(provider: OnCallProvider, targets: list[str], at: dt.datetime | None, until: dt.datetime | None,
         settings: object, env: Mapping[str, str]) -> Callable[[], OnCallAnswer]:
    return lambda: provider.lookup(targets, at, until, settings, env)


def oncall_webs(config: Config) -> dict[str, str]:
    """Where each on-call provider's web links point, by provider name (each reads its own ownership.yaml
    keys, a contract: see each provider's `web`)."""
    from ownership.oncall import PROVIDERS

    return {name: p.web(config.values) for name, p in PROVIDERS.items()}


def _within(calls: Mapping[str, tuple[float, Callable[[], T]]], note: str) -> dict[str, T]:
    """What each call returns, by name, for the calls that returned within their own seconds, all counted from
    one start; what one raises is raised here. Each runs in a daemon thread, so one that is left behind never
    holds up the interpreter's exit. `note` is on stderr meanwhile, on a terminal only, and erased (carriage
    return, erase line) before this returns, so the answer prints on a clean line."""
    import threading
    import time

    from ownership.history.progress import on_terminal
    from ownership.render import terminal

    done: dict[str, tuple[T | None, BaseException | None]] = {}

    def run(name: str, call: Callable[[], T]) -> None:
        try:
            done[name] = (call(), None)
        except BaseException as exc:  # raised in the caller's thread, as if called there
            done[name] = (None, exc)

    threads = {name: threading.Thread(target=run, args=(name, call), name=f"ownership-oncall-{name}", daemon=True)
               for name, (_, call) in calls.items()}
    shown = on_terminal()
    if shown:
        terminal.transient(note)
    start = time.monotonic()
    try:
        for thread in threads.values():
            thread.start()
        for name, (seconds, _) in sorted(calls.items(), key=lambda kv: kv[1][0]):
            threads[name].join(max(0.0, start + seconds - time.monotonic()))
    finally:
        if shown:
            terminal.erase()
    out: dict[str, T] = {}
    for name, (seconds, _) in calls.items():
        if name not in done:
            continue
        value, error = done[name]
        if error is not None:
            raise error
        out[name] = value  # type: ignore[assignment]  # a call that did not raise returned its value
    return out


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
        hs = history_settings.from_values(config.get("history"), config.relative)
        activity, _ = scan_catalog(dataclasses.replace(catalog, systems=systems), hs, people.day, people.roster,
                                   warn=warnings.append)
    except (GitError, OSError) as exc:
        warnings.append(f"git history not used: {exc}")
        return None
    return last_commits(activity)
