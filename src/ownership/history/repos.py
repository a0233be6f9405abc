"""Where a catalog repository is read from.

A local path (relative to the catalog file that names it) or a bare repository is read in place. A remote URL
is cloned once into the cache folder as a bare, blobless partial clone (commits and trees only, which is all
`git log --name-status` needs) and fetched on later runs. `history.rewrite` maps URL prefixes to other URLs or
to local folders first, like git's `url.<base>.insteadOf`, so a catalog's real URLs can point at mirrors.

The catalog is written by whoever opens a pull request, so what it names is checked before git touches it
(issue 12): a local path written in the catalog is read only when the operator allows `file` in
`history.protocols`; a repository planted inside the catalog's own tree, or a partial clone `ownership` did
not make, is refused (`untrusted-repository`); option-looking and `ext::` URLs are never passed to git. Each
clone has a lock (two scans at once wait for each other instead of cloning into the same folder). A cached
clone whose configuration is not as we wrote it (clonecheck.py: the cache folder is attacker input) is removed
and cloned again before anything fetches into it.
"""
from __future__ import annotations

import contextlib
import functools
import fcntl
import hashlib
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ownership.history import clonecheck, git
from ownership.model import Repo, System

_SCP = re.compile(r"^[\w.-]+@[\w.-]+:")  # git@github.com:acme/x.git


@dataclass(frozen=True, order=True)
class Source:
    """One repository to scan: `where` is what is read or cloned (and what makes two sources the same),
    `url` how the catalog writes it (two spellings of one repository are scanned once)."""

    where: str
    remote: bool
    url: str = field(compare=False)
    # the catalog file that writes this local path (None: the operator's rewrite, or not a local path)
    written_in: str | None = field(default=None, compare=False)


def is_remote(url: str) -> bool:
    return "://" in url or bool(_SCP.match(url))


# the ports a scheme uses when none is written: `ssh://host:22/x` and `git@host:x` are one repository
_DEFAULT_PORTS = {"ssh": 22, "git+ssh": 22, "https": 443, "http": 80, "git": 9418}


def normalised_url(url: str) -> str:
    """One spelling of a remote URL, the same on every machine: `host/org/x` (host in lower case, no user,
    password, query or fragment, no trailing `.git` or `/`), so `git@GitHub.com:org/x.git`,
    `https://token@github.com/org/x/` and `ssh://git@github.com/org/x` all give `github.com/org/x`. A
    `file://` URL stays `file://` + its path (it names a folder of this machine only)."""
    if "://" not in url and _SCP.match(url):
        host, _, path = url.split("@", 1)[1].partition(":")
        where = host.lower()
    else:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        path = parts.path
        if scheme == "file":
            where = "file://"
            path = "/" + path.lstrip("/")
        else:
            host = parts.netloc.rpartition("@")[2].lower()
            try:
                port = parts.port
            except ValueError:
                port = None
            if port is not None and port == _DEFAULT_PORTS.get(scheme):
                host = host.rsplit(":", 1)[0]
            where = host
    path = path.rstrip("/")
    while path.endswith(".git"):
        path = path[:-4].rstrip("/")
    if where == "file://":
        return where + path
    return f"{where}/{path.lstrip('/')}" if path.strip("/") else where


def state_key(source: Source) -> str:
    """What a repository's scan state is filed under: the normalised remote URL (the same on any machine,
    never a credential), or a local repository's resolved path."""
    return normalised_url(source.where) if source.remote else source.where


def rewrite(url: str, rules: Mapping[str, str]) -> str:
    """The longest matching prefix is replaced, as git does with insteadOf."""
    best = max((p for p in rules if url.startswith(p)), key=len, default=None)
    if best is None:
        return url
    target = rules[best]
    rest = url[len(best):]
    if not is_remote(target):
        if rest.endswith(".git") and not rest.endswith("/.git"):
            # https://host/acme/payments.git -> <folder>/payments when that is what exists (a work tree)
            plain = Path(target) / rest[:-4]
            if plain.exists():
                return str(plain)
        return str(Path(target) / rest)
    return target + rest


def locate(repo: Repo, system: System, rules: Mapping[str, str]) -> Source:
    url = rewrite(repo.url, rules)
    if is_remote(url):
        return Source(url, True, repo.url)
    path = Path(url).expanduser()
    if not path.is_absolute() and url == repo.url:
        # a path written in the catalog is relative to the file that writes it
        origin = (repo.location or system.location)
        base = Path(origin.file).parent if origin and origin.file else Path(".")
        path = base / path
    written_in = None
    if url == repo.url:
        origin = repo.location or system.location
        written_in = origin.file if origin and origin.file else ""
    return Source(str(path.resolve()), False, repo.url, written_in)


UNTRUSTED = "untrusted-repository"


def catalog_tree(catalog_file: str) -> Path:
    """What a pull request to the catalog can write: the work tree holding the catalog file (else its folder)."""
    start = Path(catalog_file).resolve().parent if catalog_file else Path.cwd()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def _is_repository(folder: Path) -> bool:
    """A work tree (.git inside) or what git would open as a bare repository."""
    return (folder / ".git").exists() or ((folder / "HEAD").is_file() and (folder / "objects").is_dir()
                                          and (folder / "refs").is_dir())


def planted(path: Path, catalog_file: str) -> Path | None:
    """The repository inside the catalog's own tree that `path` would read (committed as plain files by a
    pull request, its config chosen by the PR), or None. The tree's own repository is not planted."""
    tree = catalog_tree(catalog_file)
    path = path.resolve()
    if path == tree or tree not in path.parents:
        return None
    folder = path
    while folder != tree:
        if _is_repository(folder):
            return folder
        folder = folder.parent
    return None


PARTIAL_CLONE_KEYS = r"^(extensions\.partialclone|remote\..*\.promisor)$"


def foreign_partial_clone(path: Path, cache_dir: Path | None) -> bool:
    """Whether `path` is a partial clone (extensions.partialClone, remote.*.promisor) that is not one of
    ours in the cache folder: git would fetch missing objects from wherever its config says.

    git's own answer (`git config`), except where the repository's configuration file can be read here and
    names neither key: then only the operator's configuration (`_operator_partial_clone`, asked once) can
    make it one. A re-scan of 500 repositories started 500 git processes for this question alone."""
    if cache_dir is not None and (cache_dir / "clones").resolve() in path.resolve().parents:
        return False
    local = _local_config(path)
    if local is not None:
        lowered = local.lower()
        # a key is spelt in the file (git has no escapes in key names), so without these words none is set
        # there; include/includeIf and extensions.worktreeConfig bring other files in: asked of git instead
        if not any(word in lowered for word in (b"partialclone", b"promisor", b"include", b"worktreeconfig")):
            return _operator_partial_clone()
    return _partial_clone_keys(git.try_run(path, "config", "-z", "--get-regexp", PARTIAL_CLONE_KEYS))


def _partial_clone_keys(found: str | None) -> bool:
    """Whether `git config -z --get-regexp` output names a partial clone."""
    if not found:
        return False
    for entry in found.split("\0"):
        key, _, value = entry.partition("\n")
        if key == "extensions.partialclone" or (key and value.strip().lower() not in ("false", "no", "off", "0")):
            return True
    return False


def _local_config(path: Path) -> bytes | None:
    """The repository configuration git reads for `path`, when it can be named without git: a work tree's
    `.git/config`, or a bare repository's `config` (b"" when it has none). None for every other shape (a
    `.git` file: a linked work tree or submodule; a common dir; a folder inside a repository; a HEAD git
    would not accept), and when it cannot be read: then git answers."""
    gitdir = _git_dir(path)
    if gitdir is None or os.path.lexists(gitdir / "commondir"):
        return None
    try:
        return (gitdir / "config").read_bytes()
    except FileNotFoundError:
        return b""
    except OSError:
        return None


def _git_dir(path: Path) -> Path | None:
    """The git directory of `path` when it can be named without git: a work tree's `.git` folder, or `path`
    itself when git opens it as a bare repository; None for every other shape."""
    dot = path / ".git"
    if dot.is_dir() and not dot.is_symlink():
        return dot
    if not os.path.lexists(dot) and _bare_as_git_sees_it(path):
        return path
    return None


_HEAD = re.compile(rb"^(ref: refs/\S+|[0-9a-f]{40}|[0-9a-f]{64})\s*$")


def _bare_as_git_sees_it(folder: Path) -> bool:
    """A folder git opens as a bare repository: objects/ and refs/ folders and a HEAD it accepts (a symbolic
    ref under refs/, or an object id), as git's own is_git_directory checks."""
    head = folder / "HEAD"
    if head.is_symlink() or not head.is_file() or not (folder / "objects").is_dir() or not (folder / "refs").is_dir():
        return False
    try:
        return _HEAD.match(head.read_bytes()) is not None
    except OSError:
        return False


def history_size(source: Source) -> int | None:
    """Bytes of a local repository's objects on disk (its packs; its loose objects when it has no pack), a
    measure of how much history a first scan reads, without starting git; None for a remote repository (not
    cloned yet) and for shapes `_git_dir` cannot name. For balancing work only, never for an answer."""
    gitdir = None if source.remote else _git_dir(Path(source.where))
    if gitdir is None:
        return None
    objects = gitdir / "objects"
    try:
        packs = [entry.stat().st_size for entry in os.scandir(objects / "pack") if entry.name.endswith(".pack")]
    except OSError:
        packs = []
    if packs:
        return sum(packs)
    total = 0
    try:
        for fan in os.scandir(objects):
            if len(fan.name) == 2 and fan.is_dir():
                total += sum(entry.stat().st_size for entry in os.scandir(fan.path))
    except OSError:
        return None
    return total


def history_sizes(sources: Iterable[Source]) -> dict[Source, int] | None:
    """history_size of each source, or None unless every one is measured (any remote repository): a first
    run weighs repositories by it only when all of them have it (shards.select, scan.split)."""
    sizes = {source: history_size(source) for source in sources}
    if not sizes or any(size is None for size in sizes.values()):
        return None
    return {source: size or 0 for source, size in sizes.items()}


def _operator_partial_clone() -> bool:
    """Whether the operator's own configuration (system, global, the command line) sets a promisor remote
    for every repository; asked of git once per environment."""
    key = tuple(os.environ.get(k, "") for k in ("HOME", "XDG_CONFIG_HOME", "GIT_CONFIG_NOSYSTEM"))
    return _operator_partial_cached(key)


@functools.lru_cache(maxsize=8)
def _operator_partial_cached(_key: tuple[str, ...]) -> bool:
    found = git.try_run(os.path.abspath(os.sep), "config", "-z", "--show-scope", "--get-regexp",
                        PARTIAL_CLONE_KEYS)
    parts = (found or "").split("\0")  # -z --show-scope: scope NUL key LF value NUL, for each entry
    kept = [entry for scope, entry in zip(parts[::2], parts[1::2])
            if scope not in ("local", "worktree")]  # "/" inside a repository: those are not the operator's
    return _partial_clone_keys("\0".join(kept))


def untrusted(source: Source, cache_dir: Path | None) -> str | None:
    """Why the local repository of `source` must not be read, or None."""
    path = Path(source.where)
    if source.written_in is not None:
        inside = planted(path, source.written_in)
        if inside is not None:
            return (f"{UNTRUSTED}: {source.url} is a repository inside the catalog's own tree ({inside}); a pull "
                    "request can commit one, with its own git config, so it is never read")
    if path.is_dir() and foreign_partial_clone(path, cache_dir):
        return (f"{UNTRUSTED}: {source.url} is a partial clone that ownership did not make; git would fetch "
                "from wherever its config says, so it is never read (scan its remote URL instead)")
    return None


def clone_dir(cache_dir: Path, url: str) -> Path:
    name = re.sub(r"[^\w.-]+", "-", url.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]).strip("-.")
    name = name[:-4] if name.endswith(".git") else name
    digest = hashlib.sha256(url.encode()).hexdigest()[:12]
    return cache_dir / "clones" / f"{name or 'repo'}-{digest}.git"


def materialise(source: Source, cache_dir: Path, warn: Callable[[str], None],
                transport: git.Transport = git.Transport()) -> Path:
    """A local folder git can read for `source`: the path itself, or the cached clone (created or fetched)."""
    if not source.remote:
        path = Path(source.where)
        if source.written_in is not None and "file" not in transport.protocols:
            raise git.GitError("the catalog names a local folder, and local repositories are read only when "
                               "history.protocols in ownership.yaml includes 'file'")
        if not path.is_dir():
            raise git.GitError(f"no such folder ({path})" if not path.exists() else f"not a folder ({path})")
        why = untrusted(source, cache_dir)
        if why:
            raise git.GitError(why)
        return path
    why = git.check_url(source.where)
    if why:
        raise git.GitError(f"unsafe-repository-url: {git.redact(source.url)}: {why}")
    dest = clone_dir(cache_dir, source.where)
    transport = git.with_origin(transport, source.where)
    with clone_lock(dest):
        if dest.exists() or dest.is_symlink():
            changed = clonecheck.tampered(dest, source.where)
            if changed is None:
                git.own_clone(dest, transport)
                try:
                    git.fetch(dest, transport)
                except git.GitStopped:
                    raise  # the remote held the job: history-unavailable, with the setting that stopped it
                except git.GitError as exc:
                    warn(f"{git.redact(source.url)}: cannot fetch ({exc}); scanning the cached clone as it is")
                return dest
            warn(git.redact(f"{source.url}: the cached clone {dest} is not as ownership made it ({changed}); "
                            "it is never used: removed and cloned again"))
            try:
                clonecheck.remove(dest)
            except OSError as exc:
                raise git.GitError(f"the cached clone {dest} is not as ownership made it ({changed}) and "
                                   f"cannot be removed ({exc.strerror or exc}); remove it") from None
        git.clone_blobless(source.where, dest, transport)
        unknown = clonecheck.tampered(dest, source.where)
        if unknown:  # a git that writes a setting clonecheck does not know: every scan would clone again
            warn(git.redact(f"{source.url}: the new clone {dest} does not pass ownership's own check ({unknown}); "
                            "it is used now but will be cloned again on each scan: please report this"))
    git.own_clone(dest, transport)
    return dest


@contextlib.contextmanager
def clone_lock(dest: Path) -> Iterator[None]:
    """Held while a clone is created or fetched: a second scan waits, then fetches the finished clone."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(dest.with_name(dest.name + ".lock"), "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def sweep_partials(cache_dir: Path) -> None:
    """Remove `.partial` folders a killed scan left behind (those no running scan holds the lock of)."""
    clones = cache_dir / "clones"
    if not clones.is_dir():
        return
    for tmp in clones.glob("*.partial"):
        lock = clones / (tmp.name[:-len(".partial")] + ".lock")
        with open(lock, "a+b") as fh:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # another scan is cloning it right now
            try:
                shutil.rmtree(tmp, ignore_errors=True)
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
