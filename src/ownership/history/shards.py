"""Sharded scans and portable scan state: which repositories a shard scans, what it hands over, the merge.

`ownership scan --shard I/N --state-out DIR` scans the repositories assigned to shard I and writes
`DIR/manifest.json` (every repository of the shard: scanned, empty or failed, with git's reason) and one state
file per scanned repository under `DIR/repos/`, in the cache's own format (cache.py), so a state folder can
also be copied into a cache folder. `--state DIR` (repeatable) reads such folders back: a repository whose
state is given is not scanned again; one in two states keeps the state whose head descends from the other's
(each state lists the heads it was built through, so no git is needed to tell).
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ownership import collector
from ownership.errors import OwnershipError
from ownership.history import cache, repos
from ownership.history.repos import Source
from ownership.history.state import RepoScan, RepoState, Scope, anchored

FORMAT = "ownership-scan-state"
VERSION = 1
MANIFEST = "manifest.json"
REPOS = "repos"


class StateError(OwnershipError):
    """A bad --shard, or a --state folder that cannot be used (missing, corrupt, two unrelated heads)."""


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


WHOLE = Shard(1, 1)


def parse(text: str) -> Shard:
    """`I/N` (1 <= I <= N) as a Shard; raises StateError with what is wrong."""
    index, slash, count = text.strip().partition("/")
    if slash and index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count):
        return Shard(int(index), int(count))
    raise StateError(f"--shard must be I/N with 1 <= I <= N (shard I of N, e.g. 2/3), got {text!r}")


# --------------------------------------------------------------------------- which repositories a shard scans


def assign(costs: Mapping[str, int | None], count: int, readers: Mapping[str, int] | None = None) -> dict[str, int]:
    """Each state key -> its shard (1-based): largest cost first into the least-loaded shard. The order is
    fixed by the cost, then a hash of the key, ties go to the lowest shard, so every shard of a matrix
    computes the same assignment from the same cache and catalog. An unknown cost counts as the mean of the
    known ones. When no cost is known at all (the first run: no state anywhere), a repository weighs as many
    as the systems' scopes that read it (`readers`, from the catalog alone, the same on every runner): the
    monorepo thirty systems narrow to their folders is the one to start first and keep apart."""
    known = [c for c in costs.values() if c is not None]
    guess = max(1, round(sum(known) / len(known))) if known else 1
    if known or not readers:
        weight = {k: max(1, c if c is not None else guess) for k, c in costs.items()}
    else:
        weight = {k: max(1, readers.get(k, 1)) for k in costs}
    order = sorted(weight, key=lambda k: (-weight[k], hashlib.sha256(k.encode("utf-8", "surrogateescape"))
                                          .hexdigest(), k))
    loads = [0] * count
    out: dict[str, int] = {}
    for key in order:
        least = min(range(count), key=lambda i: (loads[i], i))
        out[key] = least + 1
        loads[least] += weight[key]
    return out


def select(requests: Mapping[Source, Collection[Scope]], shard: Shard, cache_dir: Path) -> set[Source]:
    """The sources of `shard`; costs are the commits of each repository's cached state, when there is one;
    with no state at all, the bytes of history of each repository when all are local (repos.history_size),
    else how many scopes the catalog reads each through."""
    keys = {source: repos.state_key(source) for source in requests}
    costs: dict[str, int | None] = {key: cache.commits(cache.file_for(cache_dir, key), key)
                                    for key in set(keys.values())}
    readers: dict[str, int] = {}
    for source, scopes in requests.items():
        readers[keys[source]] = readers.get(keys[source], 0) + len(scopes)
    if all(cost is None for cost in costs.values()):
        # a first run: local repositories weigh what their history weighs on disk (as every runner sees it
        # from the same checkout); with any remote repository, nothing is cloned yet: the readers decide
        sizes = repos.history_sizes(requests)
        if sizes is not None:
            costs = {keys[source]: size for source, size in sizes.items()}
    shards = assign(costs, shard.count, readers)
    return {source for source, key in keys.items() if shards[key] == shard.index}


# --------------------------------------------------------------------------- writing a shard's state


def status(scanned: RepoScan) -> str:
    if scanned.mode in ("failed", "empty"):
        return scanned.mode
    return "scanned" if scanned.state is not None else "failed"


Entries = list[tuple[Source, str, dict[str, Any]]]  # (source, its state key, its manifest entry), in source order


def write_states(folder: Path, scans: Mapping[Source, RepoScan]) -> Entries:
    """DIR/repos/*.json for the scanned repositories of `scans`; their manifest entries, for write_manifest.
    (A scan on two cores writes each half's states where they are, history/scan.py.) Raises StateError."""
    out: Entries = []
    try:
        for source in sorted(scans):
            scanned = scans[source]
            key = repos.state_key(source)
            entry: dict[str, Any] = {"status": status(scanned), "reason": scanned.reason, "problem": scanned.problem,
                                     "head": None, "commits": None, "file": None}
            if scanned.state is not None:
                name = cache.name_for(key)
                cache.write(folder / REPOS / name,
                            cache.payload(key, scanned.depends, scanned.state, scanned.prefix))
                entry.update(head=scanned.state.head, commits=scanned.state.commits, file=f"{REPOS}/{name}")
            out.append((source, key, entry))
    except OSError as exc:
        raise StateError(f"--state-out {folder}: cannot write the scan state ({exc.strerror or exc})") from exc
    return out


def write_manifest(folder: Path, shard: Shard, written: Entries) -> Path:
    """DIR/manifest.json listing the entries write_states made (one per state key: the first source's)."""
    entries: dict[str, dict[str, Any]] = {}
    for _, key, entry in sorted(written, key=lambda e: e[0]):
        entries.setdefault(key, entry)
    manifest = {"format": FORMAT, "version": VERSION, "shard": str(shard), "repositories": entries}
    try:
        cache.write(folder / MANIFEST, manifest)
    except OSError as exc:
        raise StateError(f"--state-out {folder}: cannot write the scan state ({exc.strerror or exc})") from exc
    return folder / MANIFEST


# --------------------------------------------------------------------------- reading and merging states


@dataclass
class Given:
    """One repository as a --state folder has it. The state file itself is read when first needed (`load`):
    on two cores each process reads only the states of its own half (history/scan.py)."""

    repo: str  # state key
    status: str  # scanned | empty | failed
    origin: str  # the --state folder it came from
    problem: str | None = None
    reason: str | None = None
    state: RepoState | None = None
    depends: dict[str, Any] = field(default_factory=dict)
    prefix: str = ""
    size: int = 0  # bytes of its state file: what loading and walking it costs (scan.split)
    file: Path | None = None  # the state file, until load() has read it

    def load(self) -> RepoState | None:
        """The state (read from its file the first time); raises StateError naming the folder and the cause."""
        if self.state is None and self.file is not None:
            path, self.file = self.file, None
            where = f"--state {self.origin}"
            try:
                payload = cache.read(path)
                state = cache.state_of(payload)
            except FileNotFoundError as exc:
                raise StateError(f"{where}: the state of {self.repo} ({path}) is missing") from exc
            except OSError as exc:
                raise StateError(f"{where}: cannot read {path} ({exc.strerror or exc})") from exc
            except cache.Unusable as exc:
                raise StateError(f"{where}: the state of {self.repo} ({path}) is {exc}") from exc
            if payload.get("repo") != self.repo or not isinstance(payload.get("key"), dict):
                raise StateError(f"{where}: the state of {self.repo} ({path}) is not that repository's")
            self.state, self.depends, self.prefix = state, payload["key"], str(payload.get("prefix") or "")
        return self.state

    def scan(self, source: Source, wanted: set[Scope]) -> RepoScan | None:
        """This state as the scan of `source`, or None when it lacks a scope asked for (then it is scanned)."""
        if self.status != "scanned":
            return RepoScan(source, problem=self.problem, reason=self.reason, mode=self.status,
                            depends=self.depends)
        state = self.load()
        assert state is not None
        scopes = {s: anchored(self.prefix, s) for s in wanted}
        if not set(scopes.values()) <= set(state.scopes):
            return None
        return RepoScan(source, state, shallow=bool(self.depends.get("shallow")), prefix=self.prefix,
                        mode="cached", scopes=scopes, depends=self.depends)


def read(folders: Sequence[str]) -> dict[str, Given]:
    """The repositories of every --state folder, merged; raises StateError naming the folder and the cause.
    The manifests are read here; each state file when a scan needs it (Given.load), and here only for a
    repository that two folders hold."""
    merged: dict[str, Given] = {}
    with collector.paused():  # hundreds of states: the objects of all of them live on
        for folder in folders:
            for key, given in _read_one(Path(folder)).items():
                merged[key] = merge(merged[key], given) if key in merged else given
    return merged


def merge(a: Given, b: Given) -> Given:
    """The state of one repository that two folders hold: a scanned one beats a failed one; of two scanned,
    the one whose head descends from the other's; two unrelated heads are a StateError."""
    mine, theirs = a.load(), b.load()
    if mine is None or theirs is None:
        return b if mine is None and theirs is not None else a
    if mine.head == theirs.head:
        return b if len(theirs.scopes) > len(mine.scopes) else a
    if theirs.head in mine.lineage:
        return a
    if mine.head in theirs.lineage:
        return b
    raise StateError(f"--state: {a.repo} has two unrelated heads, {mine.head} (in {a.origin}) and "
                     f"{theirs.head} (in {b.origin}); neither was scanned from the other (a rewritten history, "
                     "or states of different repositories): give only one of them")


def _read_one(folder: Path) -> dict[str, Given]:
    where = f"--state {folder}"
    if not folder.is_dir():
        raise StateError(f"{where}: no such folder" if not folder.exists() else f"{where}: not a folder")
    manifest = folder / MANIFEST
    try:
        data = json.loads(manifest.read_bytes())
    except FileNotFoundError as exc:
        raise StateError(f"{where}: {manifest} is missing (not a folder written by `ownership scan "
                         "--state-out`)") from exc
    except OSError as exc:
        raise StateError(f"{where}: cannot read {manifest} ({exc.strerror or exc})") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise StateError(f"{where}: {manifest} is corrupt (not JSON)") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION \
            or not isinstance(data.get("repositories"), dict):
        raise StateError(f"{where}: {manifest} is not a scan state of this version ({FORMAT} {VERSION})")
    out: dict[str, Given] = {}
    for key, entry in data["repositories"].items():
        if not isinstance(entry, dict) or entry.get("status") not in ("scanned", "empty", "failed"):
            raise StateError(f"{where}: {manifest} is corrupt (the entry of {key})")
        given = Given(str(key), entry["status"], str(folder), _text(entry.get("problem")),
                      _text(entry.get("reason")))
        if given.status == "scanned":
            given.file = folder / REPOS / cache.name_for(given.repo)
            try:
                given.size = given.file.stat().st_size
            except FileNotFoundError as exc:
                raise StateError(f"{where}: the state of {key} ({given.file}) is missing") from exc
            except OSError as exc:
                raise StateError(f"{where}: cannot read {given.file} ({exc.strerror or exc})") from exc
        out[given.repo] = given
    return out


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def reuse(given: Mapping[str, Given], requests: Mapping[Source, set[Scope]]) -> dict[Source, RepoScan]:
    """The requested repositories that a given state answers, without git."""
    out: dict[Source, RepoScan] = {}
    for source, wanted in requests.items():
        found = given.get(repos.state_key(source))
        scanned = found.scan(source, wanted) if found is not None else None
        if scanned is not None:
            out[source] = scanned
    return out
