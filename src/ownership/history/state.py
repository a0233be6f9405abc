"""What one scan of one repository keeps: raw counters only, so a later scan can add new commits to them.

Nothing here knows the roster, the bot patterns or "today": those are applied afterwards (history/activity.py),
so the cached state stays valid when they change. Memory grows with files and authors, not with commits:

- per author (after .mailmap): an integer id;
- per file alive at the last scanned head: its creator, how many changes (modifications and renames) it
  had, and how many of those each author made;
- per scope (a set of path prefixes a system narrows a repository to): per author, the last commit touching
  the scope and the number of such commits per day (UTC) — enough for any activity window later.
"""
from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ownership.history.gitlog import Commit
from ownership.history.schema import Malformed, ints as _ints, kind as _kind, need as _need, strings as _strings
from ownership.history.repos import Source

Scope = tuple[str, ...]  # normalised path prefixes; () is the whole repository
DAY = 86400
NOBODY = -1  # creator of a file whose creation was not seen (merge resolution, shallow boundary)


def normalise_paths(paths: Iterable[str]) -> Scope:
    """Catalog paths as a Scope: no leading './' or '/', no trailing '/', sorted, unique; '.' means everything."""
    out = set()
    for raw in paths:
        p = raw.strip().replace("\\", "/")
        while p.startswith("./"):
            p = p[2:]
        p = p.strip("/")
        if p in ("", "."):
            return ()
        out.add(p)
    return tuple(sorted(out))


def anchored(prefix: str, scope: Scope) -> Scope:
    """A scope relative to a sub-folder (`prefix`, as `git rev-parse --show-prefix` says it), as a scope
    relative to the repository root."""
    if not prefix:
        return scope
    return normalise_paths([prefix + p for p in scope] if scope else [prefix])


def scoped(paths: Iterable[str], scope: Scope) -> list[str]:
    """The paths `in_scope`, in order: the scope's prefixes worked out once, not once per path (a re-scan of
    500 repositories asked in_scope 1.8 million times)."""
    if not scope:
        return list(paths)
    exact = frozenset(scope)
    dirs = tuple(p + "/" for p in scope)
    return [p for p in paths if p in exact or p.startswith(dirs)]


class TreeIndex:
    """One tree's paths sorted, with their positions, for `scoped` over many scopes of the same large tree
    (a monorepo read by many systems): each in O(log n + matches) instead of a pass over the whole tree.
    `index.scoped(scope) == scoped(paths, scope)` for unique paths (a git tree's), tested on random trees."""

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths = paths
        self.order = sorted(range(len(paths)), key=paths.__getitem__)
        self.keys = [paths[i] for i in self.order]

    def scoped(self, scope: Scope) -> list[str]:
        if not scope:
            return list(self.paths)
        keys, order, n = self.keys, self.order, len(self.keys)
        hits: set[int] = set()
        for p in scope:
            i = bisect.bisect_left(keys, p)
            if i < n and keys[i] == p:
                hits.add(order[i])
            d = p + "/"
            j = bisect.bisect_left(keys, d, i)
            while j < n and keys[j].startswith(d):
                hits.add(order[j])
                j += 1
        return [self.paths[i] for i in sorted(hits)]


def in_scope(path: str, scope: Scope) -> bool:
    """Whether a repository path is the scope's file or lies under one of its folders."""
    if not scope:
        return True
    return path in scope or path.startswith(tuple(p + "/" for p in scope))


@dataclass
class ScopeStats:
    # author id -> [time of the author's last commit here, its sha, {day number: commits that day}]
    authors: dict[int, list[Any]] = field(default_factory=dict)
    # the newest rename that moved files out of the scope: (time, sha, new path); explains a missing path
    moved: tuple[int, str, str] | None = None


class FileRec:
    """Counters of one file (following renames) for Degree-of-Authorship; `head` is its path at HEAD."""

    __slots__ = ("creator", "changes", "deliveries", "head")

    def __init__(self, creator: int = NOBODY, head: str = "") -> None:
        self.head = head
        self.creator = creator
        self.changes = 0  # modifications + renames, by anyone
        self.deliveries: dict[int, int] = {}  # author id -> modifications + renames by them

    def absorb(self, older: FileRec) -> None:
        """Add the counters of the same file's earlier history (an incremental scan meets the cached part)."""
        self.creator = older.creator
        self.changes += older.changes
        for aid, n in older.deliveries.items():
            self.deliveries[aid] = self.deliveries.get(aid, 0) + n


class RepoState:
    """Counters of one repository as of `head`.

    Commits arrive newest first (git's own order, which streams at once). Files are followed backwards from
    the tree at the new head: `live` maps the name a file has at the point the walk has reached to its
    record; a rename maps the record to the old name, an add is the file's creation and ends its walk.
    Files that existed before the cached head meet their cached record in `merge_older`.

    A commit touches a narrowed scope when it changes a path under it, or a file that is under it at HEAD by
    an older name (files renamed into a system's paths bring their history, and their authors, with them).

    Histories with several roots (a subtree merge brings another project's history, with its own `Makefile`
    at its own root): commits that do not descend from the first-parent root are `foreign`. Their paths name
    files of the other project, so they never touch a file the main line created; they are kept aside and
    applied at the end of the walk only to files whose creation the main line never showed (a history merged
    in at the same paths), as `git log --follow` on the main line would.
    """

    def __init__(self, scopes: Iterable[Scope] = ()) -> None:
        self.head: str | None = None
        self.authors: list[tuple[str, str]] = []
        self.author_ids: dict[tuple[str, str], int] = {}
        self.files: dict[str, FileRec] = {}  # path at head -> record
        self.scopes: dict[Scope, ScopeStats] = {s: ScopeStats() for s in scopes}
        self.tree: list[str] = []  # every file at `head`
        self.commits = 0  # non-merge commits with changes, over the state's whole life
        self.lineage: list[str] = []  # the heads this state was built through, oldest first (shards.py merges)
        self._matchers = self._compile()
        self._foreign: list[tuple[Commit, int]] = []  # foreign commits of the current walk, newest first

    def _compile(self) -> list[tuple[ScopeStats, bool, frozenset[str], tuple[str, ...]]]:
        return [(stats, not scope, frozenset(scope), tuple(p + "/" for p in scope))
                for scope, stats in self.scopes.items()]

    def author_id(self, name: str, email: str) -> int:
        key = (name, email)
        aid = self.author_ids.get(key)
        if aid is None:
            aid = self.author_ids[key] = len(self.authors)
            self.authors.append(key)
        return aid

    def start(self, tree: list[str]) -> dict[str, FileRec]:
        """Begin a walk back from a head whose files are `tree`; returns the `live` map to pass to apply()."""
        self._foreign = []
        return {path: FileRec(head=path) for path in tree}

    def apply(self, commit: Commit, live: dict[str, FileRec], foreign: bool = False) -> None:
        """Count one commit, the walk being at the state just after it (`foreign`: see the class)."""
        if not commit.changes:
            return
        self.commits += 1
        aid = self.author_id(commit.name, commit.email)
        if foreign:
            self._foreign.append((commit, aid))
            return
        self._count(commit, aid, _follow(commit, aid, live), by_path=True)

    def _count(self, commit: Commit, aid: int, heads: list[str], by_path: bool) -> None:
        """Count `commit` for every scope it touches: by its paths (`by_path`), or by `heads`, the paths at
        HEAD of the files it changed."""
        when = commit.time
        day = when // DAY
        for stats, whole, exact, dirs in self._matchers:
            hit = whole or any(h in exact or h.startswith(dirs) for h in heads)
            if not whole and by_path:
                for status, path, old in commit.changes:
                    if path in exact or path.startswith(dirs):
                        hit = True
                    elif status == "R" and old is not None and (old in exact or old.startswith(dirs)):
                        hit = True  # renamed out of the scope: remember where the newest such move went
                        move = (when, commit.sha, path)
                        if stats.moved is None or move > stats.moved:
                            stats.moved = move
            if not hit:
                continue
            entry = stats.authors.get(aid)
            if entry is None:
                stats.authors[aid] = [when, commit.sha, {day: 1}]
                continue
            # the newest commit wins; equal times go to the greater sha, so the order commits arrive in
            # (a full scan or an incremental one) never changes the answer
            if when > entry[0] or (when == entry[0] and commit.sha > entry[1]):
                entry[0], entry[1] = when, commit.sha
            days = entry[2]
            days[day] = days.get(day, 0) + 1

    def finish(self, head: str, tree: list[str], fresh: dict[str, FileRec], live: dict[str, FileRec],
               older: dict[str, FileRec] | None = None) -> None:
        """End a walk: `fresh` are the records start() made for `tree`; files the walk did not see created
        (still in `live`, under their name at the old head) take over their records from `older`."""
        if older:
            for name, rec in live.items():
                before = older.get(name)
                if before is not None:
                    rec.absorb(before)
        if self._foreign:
            unborn = {name: rec for name, rec in live.items() if rec.creator == NOBODY}
            for commit, aid in self._foreign:
                self._count(commit, aid, _follow(commit, aid, unborn), by_path=False)
            self._foreign = []
        self.head = head
        self.tree = tree
        self.files = fresh

    def absorb(self, older: RepoState, pairs: Iterable[tuple[FileRec, FileRec]]) -> dict[int, int]:
        """Add the counters of a walk of an older commit range (history/ranges.py) to this walk of the newer
        one: authors, commits, per-scope stats, the foreign commits it kept aside, and for each (record here,
        its record there) pair the file's earlier history. Returns older author id -> id here."""
        ids = {aid: self.author_id(*key) for aid, key in enumerate(older.authors)}
        self.commits += older.commits
        for rec, before in pairs:
            before.creator = ids.get(before.creator, NOBODY)
            before.deliveries = {ids[a]: n for a, n in before.deliveries.items()}
            rec.absorb(before)
        for scope, theirs in older.scopes.items():
            ours = self.scopes[scope]
            for aid, (when, sha, days) in theirs.authors.items():
                entry = ours.authors.get(ids[aid])
                if entry is None:
                    ours.authors[ids[aid]] = [when, sha, dict(days)]
                    continue
                if when > entry[0] or (when == entry[0] and sha > entry[1]):
                    entry[0], entry[1] = when, sha
                for day, n in days.items():
                    entry[2][day] = entry[2].get(day, 0) + n
            if theirs.moved is not None and (ours.moved is None or theirs.moved > ours.moved):
                ours.moved = theirs.moved
        self._foreign += [(commit, ids[aid]) for commit, aid in older._foreign]
        return ids

    def keep_aside(self, foreign: list[tuple[Commit, int]]) -> list[tuple[Commit, int]]:
        """Replace the foreign commits kept aside for finish() (history/ranges.py puts those of two ranges in
        one walk's order); returns the previous ones."""
        previous, self._foreign = self._foreign, foreign
        return previous

    def renumber(self, order: list[int], records: Iterable[FileRec]) -> None:
        """Give author `order[i]` the id i in the state, the foreign commits kept aside and `records` (two
        ranges joined: the ids a single walk would have given)."""
        new = {old: i for i, old in enumerate(order)}
        self.authors = [self.authors[old] for old in order]
        self.author_ids = {key: i for i, key in enumerate(self.authors)}
        self._foreign = [(commit, new[aid]) for commit, aid in self._foreign]
        for rec in records:
            rec.creator = new.get(rec.creator, NOBODY)
            rec.deliveries = {new[a]: n for a, n in rec.deliveries.items()}
        for stats in self.scopes.values():
            stats.authors = {new[a]: e for a, e in stats.authors.items()}

    def renamed_into_scope(self, live: dict[str, FileRec]) -> bool:
        """Whether a walk that stopped at an older head (`live`: name there -> record) moved a file into a scope
        it was not in: the cached counts of that scope lack the file's older commits, so only a full scan
        gives the answer a full scan gives."""
        for name, rec in live.items():
            if name == rec.head:
                continue
            for scope in self.scopes:
                if scope and in_scope(rec.head, scope) and not in_scope(name, scope):
                    return True
        return False

    # ----------------------------------------------------------------------- serialisation (cache.py)

    def to_json(self) -> dict[str, Any]:
        files = {}
        for path, r in self.files.items():
            flat = [x for pair in sorted(r.deliveries.items()) for x in pair]
            files[path] = [r.creator, r.changes, flat]
        scopes = []
        for scope, stats in self.scopes.items():
            authors = {str(aid): [e[0], e[1], [x for pair in sorted(e[2].items()) for x in pair]]
                       for aid, e in sorted(stats.authors.items())}
            scopes.append({"paths": list(scope), "authors": authors,
                           "moved": list(stats.moved) if stats.moved else None})
        return {"head": self.head, "commits": self.commits, "lineage": list(self.lineage),
                "authors": [list(a) for a in self.authors],
                "files": files, "tree": self.tree, "scopes": scopes}

    @classmethod
    def from_json(cls, data: Any) -> RepoState:
        """The state saved by to_json, every value of the type to_json writes (a list is a list, a string a
        string, an integer an integer: nothing is converted, so a `tree` written as a string is no list of
        characters); raises Malformed naming the key otherwise. One pass over the values, as loading needs."""
        _need(data, dict, "the state")
        state = cls()
        state.head = _need(data.get("head"), str, "'head'")
        state.commits = _need(data.get("commits"), int, "'commits'")
        state.lineage = _strings(data.get("lineage"), "'lineage'")
        for entry in _need(data.get("authors"), list, "'authors'"):
            if type(entry) is not list or len(entry) != 2 or type(entry[0]) is not str or type(entry[1]) is not str:
                raise Malformed(f"an entry of 'authors' is {_kind(entry)}, not a list of a name and an email")
            state.author_id(entry[0], entry[1])
        n = len(state.authors)
        files = state.files
        flats: list[list[Any]] = []  # the values of every [author, n, ...], checked at once below
        for path, entry in _need(data.get("files"), dict, "'files'").items():
            if type(entry) is not list or len(entry) != 3 or type(entry[0]) is not int \
                    or type(entry[1]) is not int or type(entry[2]) is not list or len(entry[2]) % 2:
                raise Malformed(f"'files' of {path!r} is {_kind(entry)}, not [creator, changes, [author, n, ...]]")
            rec = FileRec(entry[0], path)
            rec.changes = entry[1]
            pairs = iter(entry[2])
            rec.deliveries = dict(zip(pairs, pairs))
            flats.append(entry[2])
            files[path] = rec
        # the lists have even lengths, so their keys stay at even places when joined
        ids = _ints(flats, "'files'")[0::2]
        creators = [rec.creator for rec in files.values()]
        if ids and (min(ids) < 0 or max(ids) >= n) or creators and (min(creators) < NOBODY or max(creators) >= n):
            raise Malformed(f"'files' names an author id out of range (there are {n} authors)")
        state.tree = _strings(data.get("tree"), "'tree'")
        days: list[list[Any]] = []
        for entry in _need(data.get("scopes"), list, "'scopes'"):
            _need(entry, dict, "an entry of 'scopes'")
            paths = tuple(_strings(entry.get("paths"), "'paths' of a scope"))
            stats = ScopeStats()
            authors = stats.authors
            for aid, last in _need(entry.get("authors"), dict, f"'authors' of scope {list(paths)}").items():
                if type(last) is not list or len(last) != 3 or type(last[0]) is not int \
                        or type(last[1]) is not str or type(last[2]) is not list or len(last[2]) % 2:
                    raise Malformed(f"'authors' of scope {list(paths)} has {_kind(last)} for author {aid!r}, "
                                    "not [time, sha, [day, n, ...]]")
                if not (aid.isascii() and aid.isdigit() and len(aid) < 10):
                    raise Malformed(f"'authors' of scope {list(paths)} has the author id {aid!r}")
                pairs = iter(last[2])
                authors[_aid(int(aid), n)] = [last[0], last[1], dict(zip(pairs, pairs))]
                days.append(last[2])
            moved = entry.get("moved")
            if moved is not None and (type(moved) is not list or len(moved) != 3 or type(moved[0]) is not int
                                      or type(moved[1]) is not str or type(moved[2]) is not str):
                raise Malformed(f"'moved' of scope {list(paths)} is {_kind(moved)}, not null or [time, sha, path]")
            stats.moved = (moved[0], moved[1], moved[2]) if moved else None
            state.scopes[paths] = stats
        _ints(days, "the days of 'scopes'")
        state._matchers = state._compile()
        return state

    def counters(self, scopes: Iterable[Scope]) -> dict[str, Any]:
        """Everything the numbers of `scopes` are derived from, with authors as (name, email) instead of ids:
        equal for two states of one head however they were scanned (full, incremental, in two ranges), so
        shards.merge can tell two states of one head that disagree."""
        who, wanted = self.authors, set(scopes)
        files = {path: (who[r.creator] if r.creator != NOBODY else None, r.changes,
                        sorted((who[a], n) for a, n in r.deliveries.items())) for path, r in self.files.items()}
        by_scope = {scope: (sorted((who[a], e[0], e[1], sorted(e[2].items())) for a, e in stats.authors.items()),
                            stats.moved)
                    for scope, stats in self.scopes.items() if scope in wanted}
        return {"head": self.head, "commits": self.commits, "tree": self.tree, "files": files, "scopes": by_scope}


def _follow(commit: Commit, aid: int, live: dict[str, FileRec]) -> list[str]:
    """Apply one commit's changes to the files of `live` (name at this point of the walk -> record); returns
    the paths at HEAD of the files it changed."""
    heads: list[str] = []
    moved: list[tuple[str, FileRec]] | None = None
    for status, path, old in commit.changes:
        if status == "M" or status == "T":
            rec = live.get(path)
            if rec is not None:
                rec.changes += 1
                rec.deliveries[aid] = rec.deliveries.get(aid, 0) + 1
                heads.append(rec.head)
        elif status == "A" or status == "C":
            rec = live.pop(path, None)
            if rec is not None:
                rec.creator = aid
                heads.append(rec.head)
        elif status == "R":
            rec = live.pop(path, None)
            if rec is not None:
                rec.changes += 1  # a rename is a change by the renamer, as in the reference algorithm
                rec.deliveries[aid] = rec.deliveries.get(aid, 0) + 1
                heads.append(rec.head)
                # re-attached after the whole commit: renames within one commit may swap names
                (moved := moved or []).append((old or "", rec))
    if moved:
        for old, rec in moved:
            live[old] = rec
    return heads


def _aid(value: int, n: int) -> int:
    if not 0 <= value < n:
        raise Malformed(f"author id {value} out of range")
    return value


@dataclass
class RepoScan:
    source: Source
    state: RepoState | None = None  # None: the repository could not be read, or has no commits yet
    shallow: bool = False
    prefix: str = ""  # the catalog's path is this sub-folder of a work tree
    problem: str | None = None
    reason: str | None = None  # mode "failed": git's own reason, without our "cannot read X" framing
    mode: str = ""  # full | incremental | cached | empty | failed
    new_commits: int = 0
    scopes: dict[Scope, Scope] = field(default_factory=dict)  # requested scope -> scope in the state
    depends: dict[str, Any] = field(default_factory=dict)  # what the numbers depend on (scan.py's cache key)

    def scope(self, requested: Scope) -> Scope:
        return self.scopes.get(requested, requested)
