"""Repository rules: what a catalog's `repos:` entries would make git do, checked in the pull request."""
from __future__ import annotations

from collections.abc import Iterator

from ownership.support import cachedir
from ownership.history import git, repos
from ownership.model import Snapshot
from ownership.rules.registry import Hit, Rule, rule


@rule("unsafe-repository-url", "error", "catalog")
def unsafe_repository_url(snap: Snapshot) -> Iterator[Hit]:
    """A repository URL git would not treat as a plain address: it starts with `-` (git would read
    `--upload-pack=...` as an option) or names a transport helper such as `ext::` or `fd::` (which run
    commands). The scan never passes such a URL to git; write the repository's https or ssh URL.
    """
    for s in snap.catalog.systems.values():
        for i, r in enumerate(s.repos):
            why = git.check_url(r.url)
            if why:
                yield Hit(f"system:{s.name}", f"{s.label} lists repository URL '{git.redact(r.url)}': {why}",
                          s.locations.get(f"repos[{i}].url") or r.location or s.location, {"url": git.redact(r.url)})


@rule("untrusted-repository", "error", "catalog")
def untrusted_repository(snap: Snapshot) -> Iterator[Hit]:
    """A local repository path the scan refuses to read, because its git configuration is not trusted.

    Two cases: a repository inside the catalog's own tree (a pull request can commit a whole bare
    repository as plain files, with a `config` whose `uploadpack` or hooks run commands), and a partial
    clone (`extensions.partialClone`, `remote.*.promisor`) that `ownership` did not make in its cache folder
    (git would fetch missing objects from wherever that config says). `scan`, `audit`, `report` and `site`
    show the same reason for the system's unreadable history. Name the repository's remote URL instead.
    In `validate --base` this finding always fails the check, even when the base already had it: the
    planted files may be exactly what the pull request adds.
    """
    own_cache = cachedir.root()
    for s in snap.catalog.systems.values():
        for i, r in enumerate(s.repos):
            source = repos.locate(r, s, {})
            if source.remote or git.check_url(r.url):
                continue
            why = repos.untrusted(source, own_cache)
            if why:
                yield Hit(f"system:{s.name}", f"{s.label} lists {why.removeprefix(repos.UNTRUSTED + ': ')}",
                          s.locations.get(f"repos[{i}].url") or r.location or s.location, {"url": r.url})


RULES: tuple[Rule, ...] = (unsafe_repository_url, untrusted_repository)
