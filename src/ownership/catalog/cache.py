"""The per-file parse cache: each catalog file's Parsed part, reused while the file's content is unchanged.

Only what one file yields on its own is stored (catalog/load.py `Parsed`: its entities with every location,
its findings, its Backstage records). Everything that looks across files (Location targets, references,
duplicate names, the assembled Catalog) is computed by `load_sources` on every load, so a cached load is the
plain load, only without parsing the files that did not change.

One entry per file path, in `$XDG_CACHE_HOME/ownership/catalog-files/` (default `~/.cache`, mode 0700): the
key is the file's display path and absolute path, the entry holds its size and the SHA-256 of its content, and
is used only when both match what was read just now (an edit, even within the same second, is a miss). A file
holding a credential (a URL's user:token@, a token's value; see redact.py) is never stored.

The folder may be restored by CI or written by someone else: an entry is JSON that only data is read from
(catalog/cachefmt.py), never a pickle. One that cannot be used (garbage, another version, a value of the wrong
type) is ignored with a warning (cachedir.ignored) and the file parsed and stored again.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ownership import __version__
from ownership.support import cachedir, collector
from ownership.catalog import cachefmt
from ownership.catalog.load import Parsed, parse_file
from ownership.support.pickled import dumps

FORMAT = cachefmt.VERSION  # in every entry's name: another version's entries are not even opened
SUFFIX = ".json"


def folder() -> Path:
    return cachedir.root() / "catalog-files"


class FileCache:
    """`parse` for load_sources: the cached Parsed of a file when its content is unchanged, else parse_file's
    (then stored). Counts hits and misses, for the bench and the tests."""

    def __init__(self, where: Path | None = None) -> None:
        self.folder = where or folder()
        self.hits = 0
        self.misses = 0
        self._made = False
        self._ready: dict[tuple[str, bytes], Parsed] = {}  # prefetch()ed parts, by (path, content digest)

    def parse(self, path: str, data: bytes | str) -> Parsed:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        digest = hashlib.sha256(raw).digest()
        ready = self._ready.pop((path, digest), None)
        if ready is not None:
            return ready
        entry = self.folder / f"{_key(path)}{SUFFIX}"
        found = _read(entry, len(raw), digest)
        if found is not None:
            self.hits += 1
            return found
        self.misses += 1
        parsed = parse_file(path, data)
        if not _holds_credential(raw):
            self._write(entry, len(raw), digest, parsed)
        return parsed

    def prefetch(self, sources: Sequence[tuple[str, bytes | str]],
                 meanwhile: Callable[[], None] | None = None) -> None:
        """Parse the files whose entries miss on two cores: a forked child parses part of them while this
        process parses the rest (a 10,000-system catalog with an empty cache parses in about half the time).

        Only parse_file runs in the child, one file at a time; its Parsed parts come back whole and are what
        parse() then returns for those files, so load_sources assembles exactly what a serial load would.
        `meanwhile` (e.g. reading the roster) runs exactly once: while the child parses, else afterwards.
        """
        with collector.paused():  # like load_sources: unpickling makes hundreds of thousands of objects
            self._prefetch(sources, meanwhile)

    def _prefetch(self, sources: Sequence[tuple[str, bytes | str]], meanwhile: Callable[[], None] | None) -> None:
        misses: list[tuple[str, bytes | str, bytes]] = []
        for path, data in sources:
            raw = data.encode("utf-8") if isinstance(data, str) else data
            digest = hashlib.sha256(raw).digest()
            found = _read(self.folder / f"{_key(path)}{SUFFIX}", len(raw), digest)
            if found is not None:
                self.hits += 1
                self._ready[(path, digest)] = found
            else:
                misses.append((path, data, digest))
        if not misses:
            if meanwhile is not None:
                meanwhile()
            return
        # the child's share is larger when this process also has `meanwhile` to do
        theirs = _split(misses, 0.45 if meanwhile is None else 0.6) if _can_fork() else []
        taken = {id(m) for m in theirs}
        mine = [m for m in misses if id(m) not in taken]
        parsed: dict[tuple[str, bytes], Parsed] = {}
        if theirs:
            import multiprocessing as mp  # here, not at the top: a warm load never starts a process
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(1, mp_context=mp.get_context("fork")) as pool:
                later = pool.submit(_parse_pickled, [(p, d) for p, d, _ in theirs])
                if meanwhile is not None:
                    meanwhile()
                for path, data, digest in mine:
                    parsed[(path, digest)] = parse_file(path, data)
                for (path, _, digest), part in zip(theirs, pickle.loads(later.result()), strict=True):
                    parsed[(path, digest)] = part
        else:
            for path, data, digest in mine:
                parsed[(path, digest)] = parse_file(path, data)
            if meanwhile is not None:
                meanwhile()
        for path, data, digest in misses:
            part = parsed[(path, digest)]
            self.misses += 1
            self._ready[(path, digest)] = part
            raw = data.encode("utf-8") if isinstance(data, str) else data
            if not _holds_credential(raw):
                self._write(self.folder / f"{_key(path)}{SUFFIX}", len(raw), digest, part)

    def _write(self, entry: Path, size: int, digest: bytes, parsed: Parsed) -> None:
        try:
            blob = cachefmt.encode(size, digest, parsed)
        except cachefmt.Unstorable:
            return  # a value the format does not hold: this file is parsed each time, the answer is the same
        try:
            if not self._made:
                self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
                self._made = True
            tmp = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
            tmp.write_bytes(blob)
            os.replace(tmp, entry)
        except OSError:
            pass  # no cache this time: the answer is the same, only slower


PARALLEL_MIN_BYTES = 1 << 20  # below ~1 MiB of files to parse, starting a second process costs more than it saves


def _can_fork() -> bool:
    import multiprocessing as mp

    return (os.cpu_count() or 1) >= 2 and "fork" in mp.get_all_start_methods()


def _split(misses: list[tuple[str, bytes | str, bytes]], share: float = 0.45) -> list[tuple[str, bytes | str, bytes]]:
    """The share of the misses a child parses: about `share` of the bytes (the child also pickles its parts, and
    this process unpickles them), none when there is too little to parse."""
    total = sum(len(d) for _, d, _ in misses)
    if total < PARALLEL_MIN_BYTES or len(misses) < 2:
        return []
    theirs, size = [], 0
    for m in sorted(misses, key=lambda m: -len(m[1])):
        if size + len(m[1]) <= total * share:
            theirs.append(m)
            size += len(m[1])
    return theirs


def _parse_pickled(sources: list[tuple[str, bytes | str]]) -> bytes:
    return dumps([parse_file(path, data) for path, data in sources])


def _key(path: str) -> str:
    ident = f"{FORMAT}|{__version__}|{sys.version_info[:2]}|{path}|{os.path.abspath(path)}"
    return hashlib.sha256(ident.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def _read(entry: Path, size: int, digest: bytes) -> Parsed | None:
    """The Parsed stored for content of this size and digest; None when there is none. An entry that cannot be
    used is ignored with a warning (and rewritten after the parse), never believed and never an error."""
    limit = MAX_ENTRY + 64 * size  # far larger than what the format writes for a file this size: not read
    try:
        blob = cachedir.read_entry(entry, limit)
        if blob is None:
            return None
        if len(blob) > limit:
            raise cachefmt.UnusableEntry("far too large for its file")
        return cachefmt.decode(blob, size, digest)
    except OSError:
        return None
    except (cachefmt.UnusableEntry, cachedir.NotRegular) as exc:
        cachedir.ignored(entry, str(exc))
        return None


MAX_ENTRY = 1 << 20


def _holds_credential(raw: bytes) -> bool:
    from ownership.support import redact

    text = raw.decode("utf-8", "replace")
    return redact.text(text) != text
