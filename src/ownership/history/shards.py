"""Sharded scans and portable scan state: which repositories a shard scans, what it hands over, the merge.

`ownership scan --shard I/N --state-out DIR` scans the repositories assigned to shard I and writes
`DIR/manifest.json` (every repository of the shard: scanned, empty or failed, with git's reason) and one state
file per scanned repository under `DIR/repos/`, in the cache's own format (cache.py), so a state folder can
also be copied into a cache folder. `--state DIR` (repeatable) reads such folders back: a repository whose
state is given is not scanned again; one in two states keeps the state whose head descends from the other's
(each state lists the heads it was built through, so no git is needed to tell).

Both kinds of file are sealed with a checksum and every value is checked for its type when read (cache.decode,
RepoState.from_json). A damaged manifest stops the command (which repositories the folder holds is unknown); a
damaged state file, or one an older version wrote, makes its repository's history unavailable, with a warning
naming the file and the reason in the `history-unavailable` finding.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ownership.support import collector
from ownership.errors import OwnershipError
from ownership.history import cache, repos
from ownership.history.repos import Source
from ownership.history.schema import Malformed, need, text
from ownership.history.state import RepoScan, RepoState, Scope, anchored

FORMAT = "ownership-scan-state"
VERSION = 2  # 2: sealed with a checksum (issue 25)
RERUN = "re-run `ownership scan --state-out` to write it again"
MANIFEST = "manifest.json"
REPOS = "repos"

Warn = Callable[[str], None]


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
    head: str | None = None  # what the manifest says the state file holds
    commits: int | None = None

    def load(self, warn: Warn) -> RepoState | None:
        """The state (read from its file the first time). A file that is damaged, of an older version or not
        the one the manifest lists is a warning naming it, and the repository's history is unavailable
        (status "failed", the cause as its reason); raises StateError only when the file cannot be read."""
        if self.state is None and self.file is not None:
            path, self.file = self.file, None
            where = f"--state {self.origin}"
            try:
                payload = cache.read(path)
                state = cache.state_of(payload)
                if payload["repo"] != self.repo:
                    raise cache.Unusable("damaged", "is not that repository's")
                if (state.head, state.commits) != (self.head, self.commits):
                    raise cache.Unusable("damaged", f"does not hold what {MANIFEST} lists (head {self.head}, "
                                                    f"{self.commits} commits)")
            except FileNotFoundError as exc:
                raise StateError(f"{where}: the state of {self.repo} ({path}) is missing") from exc
            except OSError as exc:
                raise StateError(f"{where}: cannot read {path} ({exc.strerror or exc})") from exc
            except cache.Unusable as exc:
                what = f"{exc}: {RERUN}" if exc.kind == "older" else str(exc)
                warn(f"{where}: the state of {self.repo} ({path}) {what}; its history is not used")
                self.status, self.problem, self.reason = "failed", None, f"its state {path} {what}"
                return None
            self.state, self.depends, self.prefix = state, payload["key"], payload["prefix"]
        return self.state

    def scan(self, source: Source, wanted: set[Scope], warn: Warn) -> RepoScan | None:
        """This state as the scan of `source`, or None when it lacks a scope asked for (then it is scanned)."""
        state = self.load(warn) if self.status == "scanned" else None
        if self.status != "scanned":
            return RepoScan(source, problem=self.problem, reason=self.reason, mode=self.status,
                            depends=self.depends)
        assert state is not None
        scopes = {s: anchored(self.prefix, s) for s in wanted}
        if not set(scopes.values()) <= set(state.scopes):
            return None
        return RepoScan(source, state, shallow=bool(self.depends.get("shallow")), prefix=self.prefix,
                        mode="cached", scopes=scopes, depends=self.depends)


def read(folders: Sequence[str], warn: Warn) -> dict[str, Given]:
    """The repositories of every --state folder, merged; raises StateError naming the folder and the cause.
    The manifests are read here; each state file when a scan needs it (Given.load), and here only for a
    repository that two folders hold."""
    merged: dict[str, Given] = {}
    with collector.paused():  # hundreds of states: the objects of all of them live on
        for folder in folders:
            for key, given in _read_one(Path(folder), warn).items():
                merged[key] = merge(merged[key], given, warn) if key in merged else given
    return merged


_RANK = {"scanned": 2, "empty": 1, "failed": 0}


def merge(a: Given, b: Given, warn: Warn) -> Given:
    """The state of one repository that two folders hold, whichever order they are given in: a scanned one
    beats an empty one, which beats a failed (or damaged) one; of two scanned, the one whose head descends
    from the other's. Two unrelated heads, or two states of one head whose numbers differ, are a StateError
    naming both folders. Of equal ones, the one with more scopes (then more lineage, then the folder's name)."""
    mine, theirs = a.load(warn) if a.status == "scanned" else None, b.load(warn) if b.status == "scanned" else None
    if mine is None or theirs is None:
        return max(a, b, key=lambda g: (_RANK[g.status], g.origin))
    if mine.head == theirs.head:
        _same_numbers(a, mine, b, theirs)
        return max(a, b, key=lambda g: _fullness(g, mine if g is a else theirs))
    if theirs.head in mine.lineage:
        return a
    if mine.head in theirs.lineage:
        return b
    first, second = sorted(((a, mine), (b, theirs)), key=lambda pair: pair[0].origin)
    raise StateError(f"--state: {a.repo} has two unrelated heads, {first[1].head} (in {first[0].origin}) and "
                     f"{second[1].head} (in {second[0].origin}); neither was scanned from the other (a rewritten "
                     "history, or states of different repositories): give only one of them")


def _fullness(given: Given, state: RepoState) -> tuple[Any, ...]:
    return (len(state.scopes), sorted(state.scopes), len(state.lineage), state.lineage, given.origin)


def _same_numbers(a: Given, mine: RepoState, b: Given, theirs: RepoState) -> None:
    """Raise StateError unless two states of one head give the same numbers for every scope both hold."""
    common = set(mine.scopes) & set(theirs.scopes)
    differs = [what for what, x, y in (
        ("shallowness", bool(a.depends.get("shallow")), bool(b.depends.get("shallow"))),
        ("sub-folder", a.prefix, b.prefix),
    ) if x != y]
    if not differs:
        ours, other = mine.counters(common), theirs.counters(common)
        differs = [key for key in ours if ours[key] != other[key]]
    if differs:
        first, second = sorted((a.origin, b.origin))
        raise StateError(f"--state: {a.repo} has two states of the same head {mine.head} that disagree "
                         f"({', '.join(differs)} differ), in {first} and in {second}: one was read through another "
                         "`.mailmap` or clone, or edited; give only one of them")


def _read_one(folder: Path, warn: Warn) -> dict[str, Given]:
    where = f"--state {folder}"
    if not folder.is_dir():
        raise StateError(f"{where}: no such folder" if not folder.exists() else f"{where}: not a folder")
    manifest = folder / MANIFEST
    try:
        raw = manifest.read_bytes()
        data = cache.decode(raw, FORMAT, VERSION)
    except FileNotFoundError as exc:
        raise StateError(f"{where}: {manifest} is missing (not a folder written by `ownership scan "
                         "--state-out`)") from exc
    except OSError as exc:
        raise StateError(f"{where}: cannot read {manifest} ({exc.strerror or exc})") from exc
    except cache.Unusable as exc:
        if exc.kind != "older":
            raise StateError(f"{where}: {manifest} {exc}") from exc
        return _older(folder, manifest, json.loads(raw), warn)
    try:
        need(data.get("shard"), str, "'shard'")
        entries = need(data.get("repositories"), dict, "'repositories'")
        out = {key: _given(folder, key, entry) for key, entry in entries.items()}
    except Malformed as exc:
        raise StateError(f"{where}: {manifest} is corrupt ({exc})") from exc
    for given in out.values():
        if given.file is None:
            continue
        try:
            given.size = given.file.stat().st_size
        except FileNotFoundError as exc:
            raise StateError(f"{where}: the state of {given.repo} ({given.file}) is missing") from exc
        except OSError as exc:
            raise StateError(f"{where}: cannot read {given.file} ({exc.strerror or exc})") from exc
    return out


def _given(folder: Path, key: str, entry: Any) -> Given:
    """One entry of a manifest, every value of the type write_states writes; raises Malformed."""
    about = f"the entry of {key}"
    need(entry, dict, about)
    status = entry.get("status")
    if status not in ("scanned", "empty", "failed"):
        raise Malformed(f"{about} has the status {status!r}")
    given = Given(key, status, str(folder), text(entry.get("problem"), f"'problem' of {about}"),
                  text(entry.get("reason"), f"'reason' of {about}"))
    head, commits, file = entry.get("head"), entry.get("commits"), entry.get("file")
    if status == "scanned":
        given.head = need(head, str, f"'head' of {about}")
        given.commits = need(commits, int, f"'commits' of {about}")
        given.file = folder / REPOS / cache.name_for(key)
        if file != f"{REPOS}/{given.file.name}":
            raise Malformed(f"'file' of {about} is {file!r}, not {REPOS}/{given.file.name}")
    elif (head, commits, file) != (None, None, None):
        raise Malformed(f"{about} is {status} but names a state")
    return given


def _older(folder: Path, manifest: Path, data: dict[str, Any], warn: Warn) -> dict[str, Given]:
    """A folder an older version wrote: nothing in it can be verified, so each repository it lists is unavailable
    (not scanned here either: the folder was given to stand for them), with a warning naming it."""
    entries = data.get("repositories")
    if not isinstance(entries, dict):
        raise StateError(f"--state {folder}: {manifest} is corrupt (no 'repositories')")
    warn(f"--state {folder}: {manifest} {cache.OLDER}; the history of its {len(entries)} repositories is not "
         f"used: {RERUN}")
    why = f"its state in {folder} {cache.OLDER}: {RERUN}"
    return {str(key): Given(str(key), "failed", str(folder), None, why) for key in entries}


def reuse(given: Mapping[str, Given], requests: Mapping[Source, set[Scope]], warn: Warn) -> dict[Source, RepoScan]:
    """The requested repositories that a given state answers, without git (a damaged state: as unavailable)."""
    out: dict[Source, RepoScan] = {}
    for source, wanted in requests.items():
        found = given.get(repos.state_key(source))
        scanned = found.scan(source, wanted, warn) if found is not None else None
        if scanned is not None:
            out[source] = scanned
    return out
