"""Is a cached clone still as `ownership` made it? Asked before each fetch (issue 24).

The clones live in the cache folder, which CI may restore (`actions/cache`) and another user may write: a
clone's config that gained `credential.helper = !cmd`, `core.askPass`, `core.fsmonitor`, `core.sshCommand`,
`include.path`, a filter or diff driver, `protocol.*.allow` or `url.*.insteadOf` would run a command or send
git elsewhere on the next fetch. Every git command already overrides the settings that run commands
(git.hardening, gitlogin), but a URL rewrite or a URL-scoped setting cannot be overridden, so the clone's
configuration is compared with the few settings `git clone --bare --filter=blob:none` and clone_blobless
write, value by value; anything else, or a file that brings other repositories' objects or configuration in
(`commondir`, `objects/info/alternates`), and the clone is not used: repos.materialise removes it and clones
again, with a warning naming what was found.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from ownership.history import git, gitlogin

_BOOL = ("true", "yes", "on", "1", "false", "no", "off", "0", "")
_TRUE = ("true", "yes", "on", "1", "")

# each setting a clone of ours may hold, once, with the values it may have (the remote's URL: see expected())
_ALLOWED: dict[str, tuple[str, ...]] = {
    "core.repositoryformatversion": ("0", "1"),
    "core.filemode": _BOOL,
    "core.bare": _TRUE,
    "core.logallrefupdates": _BOOL,
    "core.ignorecase": _BOOL,
    "core.precomposeunicode": _BOOL,
    "core.symlinks": _BOOL,
    "remote.origin.fetch": (git.FETCH_REFSPEC,),
    "remote.origin.tagopt": ("--no-tags",),
    "remote.origin.promisor": _TRUE,
    "remote.origin.partialclonefilter": ("blob:none",),
    "extensions.partialclone": ("origin",),
    "extensions.objectformat": ("sha1", "sha256"),
    "extensions.refstorage": ("files", "reftable"),
}

# files of a git directory that make git read another repository's objects or configuration
_FOREIGN = ("commondir", "objects/info/alternates", "objects/info/http-alternates")


def tampered(dest: Path, url: str) -> str | None:
    """Why the clone of `url` at `dest` is not as ownership made it, or None."""
    if dest.is_symlink() or not dest.is_dir():
        return "it is not a folder" if not dest.is_symlink() else "it is a symbolic link"
    config = dest / "config"
    if config.is_symlink() or not config.is_file():
        return "its config is not a file"
    for name in _FOREIGN:
        if os.path.lexists(dest / name):
            return f"it has {name}, which makes git read another repository"
    try:
        listing = git.run(os.path.abspath(os.sep), "config", "--file", str(config), "--no-includes", "-z",
                          "--list")
    except git.GitError as exc:
        return f"its config cannot be read ({exc})"
    allowed = {**_ALLOWED, "remote.origin.url": (gitlogin.plain_url(url),)}
    seen: set[str] = set()
    for entry in listing.split("\0"):
        if not entry:
            continue
        key, newline, value = entry.partition("\n")
        if key not in allowed:
            return f"its config sets {key}"
        if key in seen:
            return f"its config sets {key} twice"
        seen.add(key)
        if (value if newline else "").lower() not in (v.lower() for v in allowed[key]):
            return f"its config sets {key} to another value"
    if "remote.origin.url" not in seen:
        return "its config names no remote.origin.url"
    return None


def remove(dest: Path) -> None:
    """Remove a clone that is not as we made it (a symbolic link itself, never what it points to)."""
    if dest.is_symlink() or not dest.is_dir():
        dest.unlink(missing_ok=True)
    else:
        shutil.rmtree(dest)
