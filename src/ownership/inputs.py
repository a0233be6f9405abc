"""The one place a command gathers its inputs: paths + ownership.yaml + flags → a Snapshot or a routing context.

Commands call these functions and never each other's helpers:
- `prepare` (audit, suggest, offboard, report, site): catalog + roster + scanned git activity → Snapshot.
- `load_catalog`, `load_people`, `ask_pagerduty`, `activity_for` (page, incident, blast-radius): what routing
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
from ownership.routing import PagerDutyAnswer, last_commits
from ownership.words import plural

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


def pagerduty_ids(catalog: Catalog, systems: Iterable[System], teams: Iterable[str] = ()) -> tuple[set[str], set[str]]:
    """(escalation policies, services) of PagerDuty that reach `systems` (their own on-call and their owning
    teams', Catalog.oncalls) and `teams` (those the org fallback or the incident roles name): what `page`,
    `incident` and `drill` ask PagerDuty about."""
    setups = [oc for s in systems for _, oc in catalog.oncalls(s)]
    setups += [t.oncall for name in teams if (t := catalog.teams.get(name)) is not None and t.oncall is not None]
    policies = {oc.pagerduty_escalation_policy for oc in setups if oc.pagerduty_escalation_policy}
    services = {oc.pagerduty_service for oc in setups if oc.pagerduty_service}
    return policies, services


def ask_pagerduty(catalog: Catalog, systems: Iterable[System], at: dt.datetime | None, config: Config,
                  base_url: str | None, env: Mapping[str, str] | None = None,
                  wait: float | None = None, teams: Iterable[str] = ()) -> PagerDutyAnswer | None:
    """One look-up for every PagerDuty service and escalation policy that reaches `systems` (their own on-call
    and their owning teams', Catalog.oncalls) and `teams` (those the org fallback or the incident roles name):
    each service's policy, then one /oncalls query for all the policies. None if none has PagerDuty.

    PagerDuty never blocks the answer: the whole look-up (service look-ups, /oncalls pages, retries) gets
    `pagerduty.wait` seconds (`wait`, from --pagerduty-wait, wins). It runs in a daemon thread; one that has
    not finished by then is left behind (nothing joins it, so the command still ends at once) and the answer
    is an error, which routing turns into the catalog rotation with a note. On a terminal, stderr says
    "asking PagerDuty…" meanwhile."""
    policies, services = pagerduty_ids(catalog, systems, teams)
    if not policies and not services:
        return None
    from ownership.oncall import pagerduty

    settings = pagerduty.PagerDutySettings.from_values(config.get("pagerduty"), config.relative, base_url, wait)
    environ = env if env is not None else os.environ
    try:
        found = _within(settings.wait, "asking PagerDuty…",
                        lambda: pagerduty.lookup(policies, services, at, settings, env=environ))
    except pagerduty.PagerDutyError as exc:
        return PagerDutyAnswer(error=str(exc))
    if found is None:
        return PagerDutyAnswer(error=f"PagerDuty did not answer within {settings.wait:g} s")
    grouped: dict[str, list[pagerduty.OnCallEntry]] = {}
    for e in found.entries:
        grouped.setdefault(e.policy, []).append(e)
    return PagerDutyAnswer({k: tuple(v) for k, v in grouped.items()}, services=found.services,
                           unknown_services=found.unknown_services)


def pagerduty_web(config: Config) -> str:
    """Where PagerDuty user and escalation-policy links point: `site.pagerduty_web`, else app.pagerduty.com."""
    from ownership.site import settings

    return settings.from_values(config.get("site")).pagerduty_web


def _within(seconds: float, note: str, call: Callable[[], T]) -> T | None:
    """What `call` returns (it must not return None), or None when it has not returned within `seconds`;
    what it raises is raised here. It runs in a daemon thread, so one that is left behind never holds up
    the interpreter's exit. `note` is on stderr meanwhile, on a terminal only, and erased (carriage return,
    erase line) before this returns, so the answer prints on a clean line."""
    import threading

    from ownership.history.progress import on_terminal
    from ownership.render import terminal

    done: list[tuple[T | None, BaseException | None]] = []

    def run() -> None:
        try:
            done.append((call(), None))
        except BaseException as exc:  # raised in the caller's thread, as if called there
            done.append((None, exc))

    thread = threading.Thread(target=run, name="ownership-pagerduty", daemon=True)
    shown = on_terminal()
    if shown:
        terminal.transient(note)
    try:
        thread.start()
        thread.join(seconds)
    finally:
        if shown:
            terminal.erase()
    if not done:
        return None
    value, error = done[0]
    if error is not None:
        raise error
    return value


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
