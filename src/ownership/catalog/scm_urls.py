"""Where Backstage annotations say the code is: a clone URL and paths inside the repository. Pure functions.

`backstage.io/source-location` (`url:` and the web address of a folder or file), `github.com/project-slug`
(`org/repo`) and `backstage.io/techdocs-ref` (`dir:PATH` or `url:...`). Web addresses of these shapes are
understood, each turned into the repository's https clone URL and the path below it:

- GitHub and GitHub Enterprise, any host: `/org/repo/tree/REF/PATH`, `/org/repo/blob/REF/FILE`;
- GitLab, with subgroups: `/group/sub/repo/-/tree/REF/PATH` (`-/blob/` too);
- Bitbucket Cloud: `bitbucket.org/workspace/repo/src/REF/PATH`;
- Bitbucket Server / Data Center: `/projects/KEY/repos/repo/browse/PATH` → `/scm/key/repo.git`
  (`/users/NAME/repos/...` → `/scm/~name/...`), below a context path too;
- Azure DevOps: `dev.azure.com/org/project/_git/repo?path=/PATH&version=GBmain` (and `org.visualstudio.com`).

Any other https address is the repository itself. The result is always `https://HOST/...` (or an ssh address
given as one, `git@host:org/repo.git`, `ssh://...`): never `ext::`, `file://`, a local path or anything that
starts with `-`. A value that cannot be made one gives None, and the caller says so.
"""
from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

_HOST = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?$")
_SEGMENT = re.compile(r"^[^\s\\:@]+$")  # one path segment of a repository: no blanks, no ':' or '@' tricks
_SCP = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*@(?P<host>[A-Za-z0-9][A-Za-z0-9.-]*):(?P<path>[A-Za-z0-9_~][^\s:]*)$")
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9_.][A-Za-z0-9_.-]*$")


class CodeLocation(NamedTuple):
    """A repository's clone URL and the paths of it that belong to the entity (() = the whole repository)."""

    url: str
    paths: tuple[str, ...] = ()


def source_location(value: str) -> CodeLocation | None:
    """`backstage.io/source-location`: `url:ADDRESS` (or a bare address). `dir:` names a folder next to the
    descriptor, not a repository: None, as for anything that is not a repository address."""
    target = _target(value, allow_dir=False)
    return None if target is None else repository(target)


def project_slug(value: str) -> CodeLocation | None:
    """`github.com/project-slug`: `org/repo` on github.com."""
    slug = value.strip().strip("/")
    if slug.endswith(".git"):
        slug = slug[:-4]
    return CodeLocation(f"https://github.com/{slug}") if _SLUG.match(slug) and ".." not in slug.split("/") else None


def techdocs_ref(value: str) -> CodeLocation | str | None:
    """`backstage.io/techdocs-ref`: the docs folder `dir:PATH` (relative to the descriptor; returned as the
    path, `.` for the descriptor's own folder) or `url:ADDRESS` (a CodeLocation); None when it is neither."""
    kind, _, rest = value.strip().partition(":")
    if kind == "dir":
        path = rest.strip()
        return path if path and not path.startswith(("/", "-")) and "\\" not in path else None
    target = _target(value, allow_dir=False)
    return None if target is None else repository(target)


def repository(address: str) -> CodeLocation | None:
    """The repository and path a web or clone address names (the shapes in the module docstring)."""
    address = address.strip()
    scp = _SCP.match(address)
    if scp:
        return CodeLocation(address) if _segments(scp.group("path").split("/")) else None
    parts = urlsplit(address)
    if parts.scheme not in ("https", "ssh") or not _HOST.match(parts.netloc.rpartition("@")[2] or "-"):
        return None
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if not _segments(segments):
        return None
    root = f"{parts.scheme}://{parts.netloc}"
    if parts.scheme == "ssh":
        return CodeLocation(f"{root}/{'/'.join(segments)}") if segments else None
    for shape in (_gitlab, _azure, _bitbucket_server, _bitbucket_cloud, _tree):
        try:
            found = shape(root, parts.netloc.lower(), segments, parse_qs(parts.query))
        except _Unsafe:
            return None
        if found is not None:
            if found.paths and shape is not _azure and parts.path.endswith("/"):
                return CodeLocation(found.url, (found.paths[0] + "/",))  # a folder stays written as one
            return found
    if len(segments) < 2:
        return None  # a host or an organisation is not a repository
    return CodeLocation(_clean(root, segments))


def _target(value: str, allow_dir: bool) -> str | None:
    kind, _, rest = value.strip().partition(":")
    if kind == "url":
        return rest.strip() or None
    if kind == "dir":
        return rest.strip() if allow_dir else None
    return value.strip() or None  # a bare address, as some catalogs write it


class _Unsafe(Exception):
    """A shape matched, but a part of it (a path in the query) is not one ownership would use."""


def _segments(segments: list[str]) -> bool:
    """Plain path segments: no `.`/`..`, none that reads as an option (GitLab's lone `-` separator aside)."""
    return all(_SEGMENT.match(s) and s not in (".", "..") and (s == "-" or not s.startswith("-"))
               for s in segments)


def _clean(root: str, segments: list[str]) -> str:
    """`root/seg/...` with a trailing `.git` dropped (so a web address and a clone address are one repository)."""
    path = "/".join(segments)
    return f"{root}/{path[:-4] if path.endswith('.git') else path}"


def _sub(segments: list[str]) -> tuple[str, ...]:
    """The path below a repository, as written (a folder keeps no trailing slash of ours): () when empty."""
    return ("/".join(segments),) if segments else ()


Query = dict[str, list[str]]


def _gitlab(root: str, host: str, seg: list[str], query: Query) -> CodeLocation | None:
    if "-" not in seg:
        return None
    at = seg.index("-")
    repo, rest = seg[:at], seg[at + 1:]
    if len(repo) < 2:
        return None
    path = rest[2:] if len(rest) >= 2 and rest[0] in ("tree", "blob") else []
    return CodeLocation(_clean(root, repo), _sub(path))


def _azure(root: str, host: str, seg: list[str], query: Query) -> CodeLocation | None:
    if "_git" not in seg:
        return None
    at = seg.index("_git")
    if at + 1 >= len(seg) or at == 0:
        return None
    path = (query.get("path") or [""])[0].strip("/")
    if path and not _segments(path.split("/")):
        raise _Unsafe(path)
    return CodeLocation(f"{root}/{'/'.join(seg[:at + 2])}", (path,) if path else ())


def _bitbucket_server(root: str, host: str, seg: list[str], query: Query) -> CodeLocation | None:
    for i in range(len(seg) - 3):
        if seg[i] in ("projects", "users") and seg[i + 2] == "repos":
            owner = seg[i + 1].lower() if seg[i] == "projects" else "~" + seg[i + 1].lower()
            repo = seg[i + 3].removesuffix(".git")
            rest = seg[i + 4:]
            path = rest[1:] if rest[:1] == ["browse"] else []
            return CodeLocation(f"{root}/{'/'.join([*seg[:i], 'scm', owner, repo])}.git", _sub(path))
    return None


def _bitbucket_cloud(root: str, host: str, seg: list[str], query: Query) -> CodeLocation | None:
    if host != "bitbucket.org" or len(seg) < 2:
        return None
    path = seg[4:] if len(seg) >= 4 and seg[2] == "src" else []
    return CodeLocation(_clean(root, seg[:2]), _sub(path))


def _tree(root: str, host: str, seg: list[str], query: Query) -> CodeLocation | None:
    """GitHub's shape on any host: exactly `org/repo` before `tree|blob/REF`."""
    if len(seg) >= 4 and seg[2] in ("tree", "blob"):
        return CodeLocation(_clean(root, seg[:2]), _sub(seg[4:]))
    return None
