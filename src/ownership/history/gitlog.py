"""One streaming `git log` per repository, parsed as it arrives.

The log is read in chunks and split on NUL; memory holds one chunk and one commit at a time, never the whole
history. What is asked of git, and why:

- `--name-status -z -M`: which files each commit added, modified, deleted or renamed (no line counts: the
  authorship model does not need them, and `--numstat` is several times slower).
- `--no-merges`: a merge's changes already belong to the commits it brings in, so a change is counted once,
  by the person who wrote it, never again for whoever pressed "merge".
- git's own order, newest first: output starts at once (`--reverse`/`--topo-order` would make git walk the
  whole history before printing a line, ~10 % slower); state.py follows files backwards from HEAD.
- `%aN`/`%aE`: the author after `.mailmap`; `-c mailmap.blob=HEAD:.mailmap` makes bare repositories and
  cached clones honour the committed .mailmap too (a work tree's own .mailmap is read as usual).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from ownership.history import git

# \x01 starts a commit; it can never start a status token ("A", "M", "R100"...), which is where it is looked for
FORMAT = "%x01%H%x00%at%x00%aN%x00%aE"
OPTIONS = ("--no-merges", "-M", "--name-status", "-z", "--no-color",
           "--no-show-signature", "--encoding=UTF-8", "--use-mailmap", f"--format={FORMAT}")


class Change(NamedTuple):
    status: str  # A M D T R C (U X B: ignored by the scanner)
    path: str  # the path after the change; git's bytes decoded as UTF-8 with surrogateescape
    old: str | None = None  # R and C: the path before


class Commit(NamedTuple):
    sha: str
    time: int  # author time, seconds since the epoch
    name: str  # author name after .mailmap
    email: str  # author email after .mailmap
    changes: list[Change]


def log(repo: Path | str, since: str | None = None, head: str = "HEAD") -> Iterator[Commit]:
    """Commits reachable from `head` (and not from `since`), newest first (git's default order)."""
    rev = f"{since}..{head}" if since else head
    args = ["-c", "mailmap.blob=HEAD:.mailmap", "log", *OPTIONS, rev, "--"]
    return parse(git.stream(repo, *args))


def foreign(repo: Path | str, head: str = "HEAD") -> frozenset[str]:
    """Commits reachable from `head` that do not descend from the root its first-parent line starts at: the
    histories of other projects brought in by subtree merges (git/git has 7 roots). Empty for the usual
    history with a single root."""
    return graph(repo, head).foreign()


class Graph(NamedTuple):
    """The commits reachable from a head, from one `git rev-list --parents`: `order` is git log's own order
    (newest first, the order a walk meets them), `parents` each commit's parents (first parent first)."""

    order: list[str]
    parents: dict[str, list[str]]

    def first_parents(self) -> list[str]:
        """The head's first-parent line, newest first, down to its root."""
        line, sha = [], self.order[0] if self.order else None
        while sha is not None:
            line.append(sha)
            up = self.parents.get(sha)
            sha = up[0] if up else None
        return line

    def foreign(self) -> frozenset[str]:
        """See foreign(): the commits that are no descendants of the first-parent line's root."""
        if sum(1 for ps in self.parents.values() if not ps) <= 1:
            return frozenset()
        children: dict[str, list[str]] = {}
        for sha, ps in self.parents.items():
            for p in ps:
                children.setdefault(p, []).append(sha)
        lineage, todo = set(), [self.first_parents()[-1]]
        while todo:
            sha = todo.pop()
            if sha not in lineage:
                lineage.add(sha)
                todo.extend(children.get(sha, ()))
        return frozenset(sha for sha in self.order if sha not in lineage)


def graph(repo: Path | str, head: str = "HEAD") -> Graph:
    """The commit graph below `head` (one git process; a few MB for git/git's 82k commits)."""
    order: list[str] = []
    parents: dict[str, list[str]] = {}
    for line in git.run(repo, "rev-list", "--parents", head).splitlines():
        sha, *ps = line.split()
        order.append(sha)
        parents[sha] = ps
    return Graph(order, parents)


def decode(raw: bytes) -> str:
    """Paths and names as text without losing bytes that are not UTF-8 (they round-trip via surrogates)."""
    return raw.decode("utf-8", "surrogateescape")


def parse(chunks: Iterable[bytes]) -> Iterator[Commit]:
    """Commits from the raw output of `git log` run with OPTIONS, whatever the chunk boundaries."""
    rest = b""
    pending: list[str] = []
    commit: Commit | None = None
    changes: list[Change] = []
    for chunk in chunks:
        data = rest + chunk if rest else chunk
        cut = data.rfind(b"\0")
        if cut < 0:
            rest = data
            continue
        rest = data[cut + 1:]
        tokens = data[:cut].decode("utf-8", "surrogateescape").split("\0")
        if pending:
            tokens = pending + tokens
        i, n = 0, len(tokens)
        while i < n:
            tok = tokens[i]
            if tok and tok[0] == "\x01":
                if i + 4 > n:
                    break
                if commit is not None:
                    yield commit
                changes = []
                commit = Commit(tok[1:], int(tokens[i + 1] or 0), tokens[i + 2], tokens[i + 3], changes)
                i += 4
                continue
            if tok and tok[0] == "\n":  # git puts a newline between a commit's header and its file list
                tok = tok[1:]
            if not tok:
                i += 1
                continue
            kind = tok[0]
            if kind == "R" or kind == "C":
                if i + 3 > n:
                    break
                changes.append(Change(kind, tokens[i + 2], tokens[i + 1]))
                i += 3
            else:
                if i + 2 > n:
                    break
                changes.append(Change(kind, tokens[i + 1]))
                i += 2
        pending = tokens[i:]
    # the stream ends with a NUL, so everything but an incomplete trailing record has been consumed
    tail = [*pending, *([decode(rest)] if rest else [])]
    if tail and tail[0] and tail[0][0] == "\x01" and len(tail) >= 4:
        if commit is not None:
            yield commit
        commit = Commit(tail[0][1:], int(tail[1] or 0), tail[2], tail[3], [])
    if commit is not None:
        yield commit
