"""Scanning repositories: incremental per repository, several at once.

For each repository the cached state (cache.py) is reused when it is still valid:
- same head: nothing is read but a few `rev-parse` answers;
- the cached head is an ancestor of the current one: only the new commits are read and applied;
- anything else (no cache, a rewritten history, a changed .mailmap, a deepened shallow clone, a scope the
  cache does not have): one full scan.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import threading
import dataclasses
from dataclasses import dataclass
from typing import Any
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ownership.support import cachedir, collector, forked
from ownership.history import cache, git, gitlog, ranges, repos, shards
from ownership.history.repos import Source
from ownership.history.settings import HistorySettings
from ownership.history.settings import jobs as jobs_for
from ownership.history import activity
from ownership.history.state import FileRec, RepoScan, RepoState, Scope, anchored, normalise_paths
from ownership.model import Activity, Catalog, Roster

Warn = Callable[[str], None]
Progress = Callable[["RepoScan", int], None]  # (a repository just scanned, how many are scanned in all)


def scan_repo(source: Source, wanted: set[Scope], cache_dir: Path, warn: Warn,
              transport: git.Transport = git.Transport()) -> RepoScan:
    result = RepoScan(source)
    try:
        path = repos.materialise(source, cache_dir, warn, transport)
        # one git process for everything a cached state is checked against: the repository's kind, the head
        # commit and the .mailmap blob at it (--revs-only drops the two revisions when they do not exist: an
        # empty repository has neither, a repository without .mailmap has only the head)
        answer = git.run(path, "rev-parse", "--revs-only", "--absolute-git-dir", "--is-bare-repository",
                         "--is-shallow-repository", "--show-prefix", "HEAD^{commit}", "HEAD^{commit}:.mailmap")
        if len(answer.splitlines()) < 4:
            raise git.GitError(f"git rev-parse answered {answer.strip()!r}, not the repository's kind")
        _, bare, shallow, prefix, *revs = answer.splitlines()
    except git.GitMissing:
        raise
    except git.GitError as exc:
        result.mode, result.problem = "failed", f"cannot read {git.redact(source.url)}: {exc}"
        result.reason = git.redact(str(exc))
        return result
    result.shallow = shallow.strip() == "true"
    result.prefix = prefix.strip()
    result.scopes = {s: anchored(result.prefix, s) for s in wanted}
    scopes = set(result.scopes.values())
    if not revs:
        result.mode, result.problem = "empty", f"{source.url} has no commits yet"
        return result
    head = revs[0].strip()
    # "model": what the counters mean; 2 = scopes follow renames into them, other roots kept apart (issue 13)
    blob = revs[1].strip() if len(revs) > 1 else ""
    key = {"mailmap": _mailmap_key(blob, path, bare.strip() == "true", result.prefix), "shallow": result.shallow,
           "model": 2}
    result.depends = key
    # filed under the normalised remote URL (or a local repository's path), not this machine's clone path
    repo = repos.state_key(source)
    where = cache.file_for(cache_dir, repo)
    state = cache.load(where, repo, key, warn)
    if state is not None and scopes <= set(state.scopes):
        if state.head == head:
            result.state, result.mode = state, "cached"
            return result
        if state.head and git.succeeds(path, "merge-base", "--is-ancestor", state.head, head):
            result.mode = "incremental"
        else:
            warn(f"{source.url}: the history was rewritten since the last scan; scanning it again from the start")
    if result.mode != "incremental":
        state, result.mode = RepoState(sorted(scopes)), "full"
    assert state is not None
    since = state.head if result.mode == "incremental" else None
    lineage = state.lineage if since else []
    try:
        listing = git.output(path, "ls-tree", "-r", "-z", "--name-only", "--full-tree", head)
        tree = [gitlog.decode(p) for p in listing.split(b"\0") if p]
        # a shallow clone's cut-off commits look like roots: there is no telling other projects apart
        graph = None if result.shallow else gitlog.graph(path, head)
        foreign = graph.foreign() if graph else frozenset()
        state, fresh, live = _walk(path, state, tree, since, head, foreign, result, graph)
        if since and state.renamed_into_scope(live):
            # files renamed into a system's paths since the cached head: their older commits were counted
            # for the paths they had then, so this scope's cached counts are short; read it all again
            state, result.mode, since, result.new_commits = RepoState(sorted(scopes)), "full", None, 0
            state, fresh, live = _walk(path, state, tree, None, head, foreign, result, graph)
    except git.GitMissing:
        raise
    except git.GitError as exc:
        result.mode, result.problem = "failed", f"cannot read the history of {git.redact(source.url)}: {exc}"
        result.reason = git.redact(str(exc))
        return result
    state.finish(head, tree, fresh, live, state.files if since else None)
    state.lineage = [*lineage, head]
    cache.save(where, repo, key, state, warn, result.prefix)
    result.state = state
    return result


def _walk(path: Path, state: RepoState, tree: list[str], since: str | None, head: str, foreign: frozenset[str],
          result: RepoScan, graph: gitlog.Graph | None = None,
          ) -> tuple[RepoState, dict[str, FileRec], dict[str, FileRec]]:
    """Stream the commits of since..head into `state`; (the state, the records made for `tree`, the walk's live
    map). A full scan of a large history (`graph`) reads two commit ranges at once instead (ranges.py): then
    the state is a new one, equal to what this walk would have made."""
    # only whole-repository scopes: with a system narrowed to paths, renames across the split point make the
    # join fall back to a second full read more often than not (git/git narrowed: 80 s instead of 28 s)
    whole = all(not scope for scope in state.scopes) or not ranges.WHOLE_ONLY
    split = ranges.split_point(graph) if graph is not None and since is None and not state.commits and whole \
        else None
    joined = ranges.scan(path, list(state.scopes), tree, head, split, graph, foreign) if split and graph else None
    if joined is not None:
        state, fresh, live, result.new_commits = joined
        return state, fresh, live
    fresh = state.start(tree)
    live = dict(fresh)
    for commit in gitlog.log(path, since, head):
        state.apply(commit, live, commit.sha in foreign)
        result.new_commits += 1
    return state, fresh, live


def _mailmap_key(blob: str, path: Path, bare: bool, prefix: str) -> str:
    """What identifies the .mailmap in effect: the committed blob (HEAD:.mailmap), plus a work tree's own file."""
    if bare:
        return blob
    top = path.joinpath(*[".."] * len([p for p in prefix.split("/") if p]))
    try:
        local = hashlib.sha256((top / ".mailmap").read_bytes()).hexdigest()
    except OSError:
        local = ""
    return f"{blob}:{local}"


def scan_all(requests: Mapping[Source, set[Scope]], cache_dir: Path, jobs: int, warn: Warn,
             progress: Progress | None = None, transport: git.Transport = git.Transport(),
             ) -> dict[Source, RepoScan]:
    """Every requested repository scanned, `jobs` at a time (threads: the work is mostly git's)."""
    lock = threading.Lock()
    repos.sweep_partials(cache_dir)

    def safe_warn(message: str) -> None:
        with lock:
            warn(message)

    def one(source: Source) -> RepoScan:
        scanned = scan_repo(source, requests[source], cache_dir, safe_warn, transport)
        if progress is not None:
            with lock:
                progress(scanned, len(requests))
        return scanned

    order = sorted(requests)
    if jobs <= 1 or len(order) <= 1:
        return {s: one(s) for s in order}
    with ThreadPoolExecutor(max_workers=min(jobs, len(order))) as pool:
        return dict(zip(order, pool.map(one, order)))


def catalog_sources(catalog: Catalog, rewrite: Mapping[str, str]) -> dict[str, list[tuple[Source, Scope]]]:
    """Each system with repositories -> (where to read, which paths) for each of them."""
    out: dict[str, list[tuple[Source, Scope]]] = {}
    # where a repository is read depends on its URL and the file that writes it (a relative path): located
    # once for each, not once per system (2,000 systems over 500 repositories resolved 2,100 paths)
    located: dict[tuple[str, str | None], Source] = {}
    for system in catalog.systems.values():
        if not system.repos:
            continue
        # one repository listed twice by a system (say, for two sub-paths) is one scope: a commit touching
        # both paths is still one commit
        paths: dict[Source, list[str] | None] = {}
        for r in system.repos:
            origin = r.location or system.location
            key = (r.url, origin.file if origin else None)
            src = located.get(key)
            if src is None:
                src = located[key] = repos.locate(r, system, rewrite)
            whole = not r.paths or paths.get(src, []) is None
            paths[src] = None if whole else [*(paths.get(src) or []), *r.paths]
        out[system.name] = [(src, normalise_paths(p or ())) for src, p in paths.items()]
    return out


def scan_catalog(catalog: Catalog, settings: HistorySettings, today: dt.date, roster: Roster | None = None,
                 jobs: int | None = None, warn: Warn = lambda _: None,
                 progress: Progress | None = None, shard: shards.Shard | None = None,
                 given: Mapping[str, shards.Given] | None = None, state_out: Path | None = None,
                 ) -> tuple[Activity, dict[Source, RepoScan]]:
    """Scan every repository the catalog names (incrementally) and derive the activity of each system.

    `shard`: only the repositories of that shard, and only the systems whose repositories are all in it.
    `given`: states read from --state folders (shards.read); the repositories they answer are not scanned.
    `state_out`: write the states of the repositories there (shards.write_states, write_manifest), for --state.
    With enough work and two cores, half of it is done in a forked child (`split`, `_beside`): then the scans
    of the repositories it read come back without their states (they were used, and written, there)."""

    systems = catalog_sources(catalog, settings.rewrite)
    requests: dict[Source, set[Scope]] = {}
    for parts in systems.values():
        for source, scope in parts:
            requests.setdefault(source, set()).add(scope)
    cache_dir = settings.cache or cachedir.root()
    if shard is not None:
        mine = shards.select(requests, shard, cache_dir)
        requests = {source: wanted for source, wanted in requests.items() if source in mine}
        systems = {name: parts for name, parts in systems.items() if all(s in mine for s, _ in parts)}
    count = jobs_for(jobs, settings)
    work = _Work(systems, requests, given or {}, cache_dir, settings, today, roster, state_out)
    with collector.paused():  # states loaded and walked, then the systems' numbers: objects that all live on
        halves = split(systems, requests, cache_dir, given) if count >= 2 and forked.available() else None
        if halves is None:
            found, scans, written = work.part(frozenset(systems), frozenset(requests), count, warn, progress)
        else:
            found, scans, written = _beside(work, halves, count, warn, progress)
    if state_out is not None:
        shards.write_manifest(state_out, shard or shards.WHOLE, written)
    return found, scans


@dataclass(frozen=True)
class _Work:
    """What scan_catalog does, for a part of the systems: on one core the whole, on two a half each."""

    systems: Mapping[str, Sequence[tuple[Source, Scope]]]
    requests: Mapping[Source, set[Scope]]
    given: Mapping[str, shards.Given]
    cache_dir: Path
    settings: HistorySettings
    today: dt.date
    roster: Roster | None
    state_out: Path | None

    def part(self, names: Collection[str], sources: Collection[Source], at_once: int, warn: Warn,
             progress: Progress | None, total: int | None = None,
             ) -> tuple[Activity, dict[Source, RepoScan], shards.Entries]:
        """The activity of the systems `names` from the scans of `sources` (theirs, and in a shard the other
        repositories it holds), those scans, and the manifest entries of the states written to state_out.
        `total`: what progress says the scan reads in all (default: the repositories read here)."""
        wanted = {source: scopes for source, scopes in self.requests.items() if source in sources}
        reused = shards.reuse(self.given, wanted, warn) if self.given else {}
        rest = {source: scopes for source, scopes in wanted.items() if source not in reused}
        tick = progress
        if progress is not None and total is not None:
            def tick(scanned: RepoScan, _n: int) -> None:
                progress(scanned, total)
        scanned = scan_all(rest, self.cache_dir, at_once, warn, tick, self.settings.transport)
        scans = {source: reused.get(source) or scanned[source] for source in sorted(wanted)}
        written = shards.write_states(self.state_out, scans) if self.state_out is not None else []
        mine = {name: parts for name, parts in self.systems.items() if name in names}
        found = activity.build(mine, scans, self.today, self.settings.windows, self.settings.is_bot(), self.roster)
        return found, scans, written


# --------------------------------------------------------------------------- on two cores

# Below this much state to load (bytes of state files), a second process costs more than it saves: it sends its
# systems' numbers back pickled, and this process unpickles them.
SPLIT_MIN_BYTES = 4 << 20
SPLIT_MIN_COLD = 16  # or this many repositories to read from the start: a cold scan parses all their history
CHILD_SHARE = 0.45  # the child also pickles what it derived, this process unpickles it: it takes a bit less


@dataclass(frozen=True)
class Halves:
    """Systems and repositories split in two without cutting a system: each system's repositories all on one
    side, so each side derives its systems' numbers from its own scans, exactly as one process would."""

    here: frozenset[str]
    there: frozenset[str]  # the systems the forked child derives
    there_sources: frozenset[Source]


def split(systems: Mapping[str, Sequence[tuple[Source, Scope]]], requests: Mapping[Source, set[Scope]],
          cache_dir: Path, given: Mapping[str, shards.Given] | None = None,
          min_bytes: int | None = None, min_cold: int | None = None) -> Halves | None:
    """Two halves of the work, or None when it does not pay: too little to do, or no two groups of systems
    that share no repository (a monorepo read by every system stays in one process).

    The work of a repository is what its state costs to load and walk: the size of its state file (in a
    --state folder, else in the cache); a repository with none counts as the mean of those known, and when
    none is known (a first scan) as its history on disk (repos.history_size), or when some repository is
    remote (not cloned yet) as the scopes read from it. Worth it from `min_bytes` of state (default
    SPLIT_MIN_BYTES), or `min_cold` repositories without any (SPLIT_MIN_COLD)."""
    min_bytes = SPLIT_MIN_BYTES if min_bytes is None else min_bytes
    min_cold = SPLIT_MIN_COLD if min_cold is None else min_cold
    keys = {source: repos.state_key(source) for source in requests}
    weight: dict[Source, int | None] = {}
    for source, key in keys.items():
        known = given.get(key) if given else None
        if known is not None and known.size:
            weight[source] = known.size
            continue
        try:
            weight[source] = cache.file_for(cache_dir, key).stat().st_size
        except OSError:
            weight[source] = None
    sizes = [w for w in weight.values() if w is not None]
    if sum(sizes) < min_bytes and len(weight) - len(sizes) < min_cold:
        return None
    if sizes:
        guess = sum(sizes) // len(sizes)
        cost = {source: guess if w is None else w for source, w in weight.items()}
    else:  # a first scan: the history each local repository holds, else the scopes read from each
        history = repos.history_sizes(weight)
        cost = {source: (history[source] or 1) if history is not None else len(requests[source])
                for source in weight}
    # groups: systems joined through the repositories they share, and two spellings of one repository (one
    # state file) kept together (union-find over the sources)
    parent: dict[Source, Source] = {source: source for source in requests}

    def root(s: Source) -> Source:
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    def join(a: Source, b: Source) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[rb] = ra

    for parts in systems.values():
        for source, _ in parts[1:]:
            join(parts[0][0], source)
    same: dict[str, Source] = {}
    for source, key in keys.items():
        join(same.setdefault(key, source), source)
    groups: dict[Source, list[Source]] = {}
    for source in sorted(requests):
        groups.setdefault(root(source), []).append(source)
    if len(groups) < 2:
        return None
    order = sorted(groups.values(), key=lambda members: (-sum(cost[s] for s in members), members[0]))
    total = sum(cost.values())
    loads, there = [0, 0], set()
    shares = (1 - CHILD_SHARE, CHILD_SHARE)
    for members in order:
        side = 0 if loads[0] / shares[0] <= loads[1] / shares[1] else 1
        loads[side] += sum(cost[s] for s in members)
        if side:
            there.update(members)
    if loads[1] < total * CHILD_SHARE / 2:  # one group holds most of the work: a child would idle
        return None
    there_systems = frozenset(name for name, parts in systems.items() if parts[0][0] in there)
    return Halves(frozenset(systems) - there_systems, there_systems, frozenset(there))


def _beside(work: _Work, halves: Halves, count: int, warn: Warn, progress: Progress | None,
            ) -> tuple[Activity, dict[Source, RepoScan], shards.Entries]:
    """scan_catalog's work on two cores: a forked child does `work.part` for the systems and repositories of
    `halves.there` while this process does the rest; their answers joined are the answer of one process (each
    system is derived from the same scans, whichever process reads them). Warnings and progress ticks of the
    child reach `warn` and `progress` as they happen. The two together scan `count` repositories at once (the
    child half of them, rounded down; at least one each). The child sends back its scans without their states
    (it used them, and wrote them to state_out, itself); a child that dies is replaced by doing its half here."""
    lock = threading.Lock()
    here_sources = frozenset(work.requests) - halves.there_sources
    theirs_at_once = max(1, count // 2)
    # what the bar counts: every repository but those a --state folder answers (as one process counts them)
    total = sum(1 for source in work.requests if not _given_answers(work, source))

    def said(message: str) -> None:
        with lock:
            warn(message)

    def ticked(scanned: RepoScan, _n: int) -> None:
        if progress is not None:
            with lock:
                progress(scanned, total)

    def heard(message: tuple[str, Any]) -> None:
        kind, payload = message
        if kind == "warn":
            said(payload)
        else:
            ticked(payload, total)

    def there(send: forked.Send) -> tuple[Activity, dict[Source, RepoScan], shards.Entries]:
        def tick(scanned: RepoScan, _n: int) -> None:
            send(("tick", dataclasses.replace(scanned, state=None)))

        found, scans, written = work.part(halves.there, halves.there_sources, theirs_at_once,
                                          lambda m: send(("warn", m)), tick if progress is not None else None)
        return found, {source: dataclasses.replace(r, state=None) for source, r in scans.items()}, written

    child = forked.start(there, heard)
    try:
        here, scans, written = work.part(halves.here, here_sources, max(1, count - theirs_at_once), said, ticked,
                                         total)
        try:
            theirs, their_scans, their_written = child.result()
        except forked.Died as exc:
            said(f"{exc}; reading its repositories here instead")
            theirs, their_scans, their_written = work.part(halves.there, halves.there_sources, theirs_at_once,
                                                           said, ticked, total)
    finally:
        child.stop()
    derived = {**here.systems, **theirs.systems}
    everything = {**scans, **their_scans}
    found = dataclasses.replace(here, systems={name: derived[name] for name in work.systems})
    return found, {source: everything[source] for source in sorted(work.requests)}, written + their_written


def _given_answers(work: _Work, source: Source) -> bool:
    """Whether a --state folder holds `source` (then it is not scanned, unless its state lacks a scope)."""
    return bool(work.given) and repos.state_key(source) in work.given
