"""CODEOWNERS against the catalog: drift, owners who left, system paths nobody reviews. Pure: no I/O.

The command (commands/codeowners.py) reads the repository into a `RepoView`; everything here works on it.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ownership.codeowners.parse import LOCATIONS, Codeowners, Line
from ownership.history import repos
from ownership.model import Catalog, Finding, Location, Person, Repo, SettingProblem, System
from ownership.roster.identity import Resolver
from ownership.support.words import noun_for, plural

EXAMPLES = 3


class HandleError(ValueError):
    """The `codeowners:` settings in ownership.yaml are unusable."""


def check_settings(value: Any) -> list[SettingProblem]:
    """Every problem of the `codeowners:` section of ownership.yaml (checked when config loads)."""
    if not isinstance(value, dict):
        return [SettingProblem((), "codeowners must be a mapping with org: and/or team_handles:")]
    out = [SettingProblem((str(key),), f"codeowners: unknown key '{key}' (known: org, team_handles)", "unknown-field")
           for key in sorted(set(value) - {"org", "team_handles"}, key=str)]
    org, handles = value.get("org"), value.get("team_handles") or {}
    if org is not None and not isinstance(org, str):
        out.append(SettingProblem(("org",), "codeowners.org must be a GitHub organisation name"))
    if not isinstance(handles, dict) or not all(
            isinstance(v, str) and re.match(r"^@[^/\s]+/[^/\s]+$", v) for v in handles.values()):
        out.append(SettingProblem(("team_handles",), 'codeowners.team_handles must map team names to "@org/team" '
                                                     "handles"))
    return out


@dataclass(frozen=True)
class Handles:
    """GitHub handles of catalog teams: `codeowners.team_handles`, else `@ORG/TEAM` with `codeowners.org`."""

    org: str | None = None
    team_handles: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_values(cls, value: Any, relative: Callable[[str], str] | None = None) -> Handles:
        """Handles from the `codeowners` value (None: none); raises HandleError when it is unusable."""
        if value is None:
            return cls()
        problems = check_settings(value)
        if problems:
            raise HandleError(problems[0].message)
        org = value.get("org")
        handles = value.get("team_handles") or {}
        return cls(org.lstrip("@") if org else None, {str(k): v for k, v in handles.items()})

    def team(self, name: str) -> str | None:
        if name in self.team_handles:
            return self.team_handles[name]
        return f"@{self.org}/{name}" if self.org else None

    def team_of(self, owner: str) -> str | None:
        """The catalog team an `@org/team` owner stands for, or None."""
        low = owner.lower()
        for team, handle in self.team_handles.items():
            if handle.lower() == low:
                return team
        m = re.match(r"^@([^/]+)/(.+)$", low)
        if m is None:
            return None
        if self.org is None or m.group(1) == self.org.lower():
            return m.group(2)  # without a mapping, @any-org/NAME stands for team NAME
        return None


@dataclass(frozen=True)
class RepoView:
    """What the check needs of one repository."""

    root: str  # as the user named it; findings show CODEOWNERS as root/<path>
    files: tuple[str, ...]
    codeowners_path: str | None  # repository-relative, None when there is none
    codeowners: Codeowners | None
    refused: str | None = None  # why the CODEOWNERS file at codeowners_path was not read (codeowners is None)

    def location(self, line: int = 0) -> Location | None:
        if self.codeowners_path is None:
            return None
        return Location(os.path.join(self.root, self.codeowners_path), line, 1 if line else 0)


# --------------------------------------------------------------------------- which systems live here


def normalize_url(url: str) -> str:
    """git@host:org/repo.git, https://host/org/repo, ssh://git@host/org/repo.git → host/org/repo."""
    u = url.strip().rstrip("/")
    u = re.sub(r"\.git$", "", u)
    m = re.match(r"^[A-Za-z0-9._-]+@([^:/]+):(.+)$", u)
    if m:
        return f"{m.group(1).lower()}/{m.group(2)}".lower()
    m = re.match(r"^[a-z][a-z0-9+.-]*://(?:[^@/]+@)?([^/:]+)(?::\d+)?/(.+)$", u)
    if m:
        return f"{m.group(1).lower()}/{m.group(2)}".lower()
    return u


def systems_in(catalog: Catalog, root: str, urls: Iterable[str],
               rewrite: Mapping[str, str] | None = None) -> list[tuple[System, int, Repo]]:
    """(system, repo index, repo) for every catalog repo entry that is this repository: its URL is one of the
    repository's remotes, or it is read from this repository where the scan reads it (history/repos.py's
    `locate`: a local path relative to the catalog file, or where `history.rewrite` maps the URL)."""
    wanted = {normalize_url(u) for u in urls}
    real_root = os.path.realpath(root)
    out = []
    for s in catalog.systems.values():
        for i, r in enumerate(s.repos):
            where = repos.locate(r, s, rewrite or {})
            same = (repos.is_remote(r.url) and normalize_url(r.url) in wanted) or (
                normalize_url(where.where) in wanted if where.remote else os.path.realpath(where.where) == real_root)
            if same:
                out.append((s, i, r))
    return out


def files_under(files: Iterable[str], path: str) -> list[str]:
    prefix = path.strip("/")
    if not prefix:
        return list(files)
    return [f for f in files if f == prefix or f.startswith(prefix + "/")]


# --------------------------------------------------------------------------- the check


def check(catalog: Catalog, view: RepoView, systems: list[tuple[System, int, Repo]], handles: Handles,
          resolver: Resolver | None, today: dt.date) -> list[Finding]:
    findings: list[Finding] = []
    co = view.codeowners
    if view.refused is not None:
        findings.append(Finding("codeowners-outside-repo", "error", f"file:{view.codeowners_path}",
                                f"CODEOWNERS file {view.codeowners_path} was not read: {view.refused}; make it a "
                                "regular file in the repository", view.location()))
    if co is not None:
        for p in co.problems:
            findings.append(Finding("invalid-value", "error", f"file:{view.codeowners_path}",
                                    f"CODEOWNERS line {p.line}: {p.message}; GitHub ignores this line",
                                    view.location(p.line)))
    if co is None and view.refused is None:
        findings.extend(_no_codeowners(view, systems))
        return findings
    for system, idx, repo in systems:
        for path in repo.paths or ("",):
            findings.extend(_system_path(catalog, view, system, idx, repo, path, handles, resolver))
    if co is not None and resolver is not None:
        findings.extend(_left(view, co, resolver, today))
    return findings


def _no_codeowners(view: RepoView, systems: list[tuple[System, int, Repo]]) -> list[Finding]:
    """A repository without a CODEOWNERS file: one warning for all its system paths, not one per path."""
    unowned = list(dict.fromkeys(f for _, _, repo in systems for path in repo.paths or ("",)
                                 for f in files_under(view.files, path)))
    if not unowned:
        return []
    names = list(dict.fromkeys(s.name for s, _, _ in systems))
    first, idx, repo = systems[0]
    shown = ", ".join(names[:EXAMPLES]) + (f" and {len(names) - EXAMPLES} more" if len(names) > EXAMPLES else "")
    return [Finding("codeowners-unowned", "warning", "file:CODEOWNERS",
                    f"the repository {view.root} has no CODEOWNERS file ({', '.join(LOCATIONS[:-1])} or "
                    f"{LOCATIONS[-1]}): {plural(len(unowned), 'file')} of {plural(len(names), 'system')} ({shown}) "
                    f"{noun_for(len(unowned), 'has')} no code "
                    f"owner; `ownership export codeowners` writes one from the catalog (e.g. "
                    f"{', '.join(unowned[:EXAMPLES])})", repo.location or first.loc(f"repos[{idx}]"),
                    {"files": len(unowned), "systems": names, "examples": unowned[:EXAMPLES]})]


def _shown(path: str) -> str:
    return path or "the whole repository"


def _system_path(catalog: Catalog, view: RepoView, system: System, idx: int, repo: Repo, path: str,
                 handles: Handles, resolver: Resolver | None) -> list[Finding]:
    files = files_under(view.files, path)
    subject = f"system:{system.name}"
    by_line: dict[int, tuple[Line, list[str]]] = {}
    unowned: list[str] = []
    unowning: Line | None = None
    for f in files:
        line = view.codeowners.match(f) if view.codeowners is not None else None
        if line is None or not line.owners:
            unowned.append(f)
            unowning = unowning or line
        else:
            by_line.setdefault(line.line, (line, []))[1].append(f)
    out: list[Finding] = []
    if unowned:
        eg = ", ".join(unowned[:EXAMPLES])
        if view.refused is not None:
            why = f"its CODEOWNERS file {view.codeowners_path} was not read (codeowners-outside-repo)"
        elif unowning is not None:
            why = f"CODEOWNERS line {unowning.line} ({unowning.pattern}) removes their owners"
        else:
            why = "no CODEOWNERS line covers them"
        loc = view.location(unowning.line) if unowning else repo.location or system.loc(f"repos[{idx}]")
        out.append(Finding("codeowners-unowned", "warning", subject,
                           f"{len(unowned)} of {plural(len(files), 'file')} under {_shown(path)} of {system.label} "
                           f"{noun_for(len(unowned), 'has')} no code owner: {why} (e.g. {eg})", loc,
                           {"path": path, "files": len(unowned), "examples": unowned[:EXAMPLES]}))
    team = catalog.teams.get(system.owner)
    expected = handles.team(system.owner)
    people = [*(team.members if team else ()), *system.maintainers]
    for line, covered in by_line.values():
        if _agrees(line.owners, system.owner, people, handles, resolver):
            continue
        want = f"team '{system.owner}'" + (f" ({expected})" if expected else "")
        out.append(Finding("codeowners-drift", "error", subject,
                           f"CODEOWNERS line {line.line} ({line.pattern}) gives {plural(len(covered), 'file')} under "
                           f"{_shown(path)} of {system.label} to {' '.join(line.owners)}, but the catalog "
                           f"says {want} owns it", view.location(line.line),
                           {"path": path, "files": len(covered), "owners": list(line.owners),
                            "expected": expected or system.owner, "examples": covered[:EXAMPLES]}))
    return out


def _agrees(owners: tuple[str, ...], team: str, people: list[str], handles: Handles,
            resolver: Resolver | None) -> bool:
    """One owner is the owning team, a member of it, or a maintainer of the system."""
    known = {p.lower() for p in people}
    ids = set()
    if resolver is not None:
        ids = {p.id for p in (resolver.resolve(ref) for ref in people) if p is not None}
    for owner in owners:
        if "/" in owner:
            if handles.team_of(owner) == team:
                return True
            continue
        if owner.lower() in known or owner.lower().lstrip("@") in known:
            return True
        person = resolver.resolve(owner) if resolver is not None else None
        if person is not None and person.id in ids:
            return True
    return False


def _left(view: RepoView, co: Codeowners, resolver: Resolver, today: dt.date) -> list[Finding]:
    out = []
    for line in co.lines:
        gone: list[tuple[str, Person]] = []
        for owner in line.owners:
            if "/" in owner and owner.startswith("@"):
                continue  # a team handle
            person = resolver.resolve(owner)
            if person is not None and not person.employed_on(today):
                gone.append((owner, person))
        if not gone:
            continue
        nobody = len(gone) == len(line.owners)
        for owner, person in gone:
            when = f" on {person.end_date.isoformat()}" if person.end_date else ""
            effect = (f"so {line.pattern} has no required reviewer" if nobody
                      else "the line's other owners still review")
            out.append(Finding("codeowners-left", "error", f"person:{person.label}",
                               f"CODEOWNERS line {line.line} ({line.pattern}) names {owner}, who left{when}; GitHub "
                               f"silently ignores that owner, {effect}", view.location(line.line),
                               {"owner": owner, "pattern": line.pattern, "no_reviewer": nobody}))
    return out
