"""A large repository's history read as two commit ranges at once, joined as an incremental scan joins.

The split point S is a commit of the head's first-parent line with about 60 % of the history below it. One walk
reads `S..HEAD` back from the tree at HEAD, the other reads everything reachable from S back from the tree
at S, each with its own `git log` (two git processes: git's diffing is most of a scan's time; the parsing
in this process is light enough for threads). The newer walk then absorbs the older one by the names files
have at S, as an incremental scan absorbs its cached state (RepoState.absorb).

A single walk meets the commits of both ranges interleaved (side branches that fork before S and merge
after it are in the newer range but dated among the older commits). Modifications commute, so that only
matters where the two ranges add, copy or rename the same name in another order than a single walk would
meet them, or where a name's record differs between the ranges (a file the newer range keeps under a name
that the tree at S lacks, a file renamed across S into or out of a system's paths, a rename in the older
range that lands on a file the newer range still follows). The walks note what they did to each name, at
which position of the single walk's order (`git rev-list`, the order git log uses); when any of these
occurs, or git's order of a range meets an add, copy or rename of a name and another change of it the other way
round than the single walk (clock skew), the ranges are dropped and the history is read
in one walk. Otherwise the joined state is the single walk's, author ids included.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ownership.history import git, gitlog
from ownership.history.gitlog import Graph
from ownership.history.state import FileRec, RepoState, Scope, in_scope

MIN_COMMITS = 20_000  # below this one walk is quick enough, and a second git process would not pay
ENABLED = True  # bench/scan.py switches it off to time one walk beside two
# split only repositories every system reads whole: with paths, renames across the split point make the join
# fall back to a second full read more often than not (git/git narrowed to three folders: 80 s instead of 28 s)
WHOLE_ONLY = True
# the newer range's share of the commits: newer commits cost git more (larger trees; on git/git about twice
# as much each), so the two walks end together when the newer range has fewer of them
NEWER_SHARE = 0.38


@dataclass
class Walk:
    """One range's walk and what it did to each name, by positions in the single walk's order."""

    state: RepoState
    fresh: dict[str, FileRec]
    live: dict[str, FileRec]
    touched: dict[str, int] = field(default_factory=dict)  # name -> last position of a change to it (any kind)
    moved: dict[str, int] = field(default_factory=dict)  # name -> last position of an add, copy or rename of it
    touched_first: dict[str, int] = field(default_factory=dict)  # ... and the first positions
    moved_first: dict[str, int] = field(default_factory=dict)
    renamed: set[str] = field(default_factory=set)  # names a rename left (walking back)
    # (record moved, record it replaced) by their names at the range's start: a rename onto a followed name
    clashes: list[tuple[str, str]] = field(default_factory=list)
    first: dict[tuple[str, str], int] = field(default_factory=dict)  # author -> position of their first commit
    commits: int = 0
    # git met an add, copy or rename of a name and another change of it in the other order than a single walk
    inverted: bool = False


def split_point(graph: Graph) -> str | None:
    """The first-parent commit nearest to NEWER_SHARE of the single walk's order, or None: too small to split."""
    if not ENABLED or (os.cpu_count() or 1) < 2 or len(graph.order) < MIN_COMMITS:
        return None
    pos = {sha: i for i, sha in enumerate(graph.order)}
    line = graph.first_parents()[1:-1]
    if not line:
        return None
    return min(line, key=lambda sha: abs(pos[sha] - int(len(graph.order) * NEWER_SHARE)))


def scan(path: Path, scopes: list[Scope], tree: list[str], head: str, split: str, graph: Graph,
         foreign: frozenset[str]) -> tuple[RepoState, dict[str, FileRec], dict[str, FileRec], int] | None:
    """Both ranges read at once and joined: (state, fresh, live, commits read) as a single walk leaves them
    before finish(); None when the join would not equal the single walk."""
    pos = {sha: i for i, sha in enumerate(graph.order)}
    listing = git.output(path, "ls-tree", "-r", "-z", "--name-only", "--full-tree", split)
    at_split = [gitlog.decode(p) for p in listing.split(b"\0") if p]
    with ThreadPoolExecutor(max_workers=2) as pool:
        newer = pool.submit(_walk, path, scopes, tree, split, head, foreign, pos)
        older = pool.submit(_walk, path, scopes, at_split, None, split, foreign, pos)
        n, o = newer.result(), older.result()
    if not _joinable(n, o, set(at_split)):
        return None
    state = n.state
    pairs = [(rec, o.fresh[name]) for name, rec in n.live.items() if name in o.fresh]
    absorbed = {id(before): rec for rec, before in pairs}
    state.absorb(o.state, pairs)
    # where a single walk would leave each file: the older walk's names for files it went on with, the newer
    # walk's for the rest (files the tree at S lacks: no older commit touches those names, _joinable says)
    live = {name: absorbed[id(rec)] for name, rec in o.live.items() if id(rec) in absorbed}
    live.update((name, rec) for name, rec in n.live.items() if name not in o.fresh)
    state.keep_aside(sorted(state.keep_aside([]), key=lambda kept: pos[kept[0].sha]))
    first = {**o.first, **{k: p for k, p in n.first.items() if p < o.first.get(k, len(pos))}}
    state.renumber(sorted(range(len(state.authors)), key=lambda aid: first[state.authors[aid]]),
                   n.fresh.values())
    return state, n.fresh, live, n.commits + o.commits


def _walk(path: Path, scopes: list[Scope], tree: list[str], since: str | None, head: str,
          foreign: frozenset[str], pos: dict[str, int]) -> Walk:
    state = RepoState(scopes)
    fresh = state.start(tree)
    walk = Walk(state, fresh, dict(fresh))
    live, touched, moved, first = walk.live, walk.touched, walk.moved, walk.first
    touched_first, moved_first = walk.touched_first, walk.moved_first
    for commit in gitlog.log(path, since, head):
        at = pos.get(commit.sha, -1)
        walk.commits += 1
        if commit.changes and first.get((commit.name, commit.email), at) >= at:
            first[commit.name, commit.email] = at
        other = commit.sha in foreign
        if not other:
            for status, name, old in commit.changes:
                if status not in "AMTRC":  # D changes no record; U X B are ignored
                    continue
                names = (name,) if status != "R" or old is None else (name, old)
                for each in names:
                    if status == "M" or status == "T":
                        if moved.get(each, -1) > at:
                            walk.inverted = True
                    else:
                        if touched.get(each, -1) > at:
                            walk.inverted = True
                        if moved.get(each, -1) < at:
                            moved[each] = at
                        if moved_first.get(each, at) >= at:
                            moved_first[each] = at
                    if touched.get(each, -1) < at:
                        touched[each] = at
                    if touched_first.get(each, at) >= at:
                        touched_first[each] = at
                if status == "R" and old is not None:
                    walk.renamed.add(name)
                    rec, there = live.get(name), live.get(old)
                    if rec is not None and there is not None and \
                            not any(c.path == old for c in commit.changes if c.status in "ARC"):
                        walk.clashes.append((rec.head, there.head))
        state.apply(commit, live, other)
    return walk


def _joinable(n: Walk, o: Walk, at_split: set[str]) -> bool:
    """Whether joining the walks gives what one walk gives (the module's docstring says when it does not)."""
    if n.inverted or o.inverted:
        return False
    for name, at in o.moved_first.items():  # the older range adds or renames a name the newer changes later
        if n.touched.get(name, -1) > at:
            return False
    for name, at in n.moved.items():  # ... or the newer adds or renames a name after the older changed it
        if o.touched_first.get(name, at) < at:
            return False
    for name in n.live:
        if name not in at_split and name in o.touched:
            return False
    if any(moved not in n.live and there in n.live for moved, there in o.clashes):
        return False
    narrowed = [s for s in n.state.scopes if s]
    if narrowed:
        for name, rec in n.live.items():  # renamed across S into or out of a system's paths
            if name in at_split and any(in_scope(name, s) != in_scope(rec.head, s) for s in narrowed):
                return False
        for name in o.renamed:  # a file gone by HEAD, renamed before S: its older commits were counted for it
            if name in at_split and name not in n.live and any(in_scope(name, s) for s in narrowed):
                return False
    return True
