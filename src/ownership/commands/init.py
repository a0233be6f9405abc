"""`ownership init [DIR]`: a starter catalog that passes `ownership validate`, with its editor schemas, a CI
workflow and a pre-commit configuration. Never overwrites a file: one that exists is skipped and listed.

The files come from the templates in ownership/data/init/; `@team@`, `@system@`, `@catalog@`, `@version@`,
`@catalog_schema@` and `@files@` are filled in. The two JSON Schemas are `ownership schema` and `ownership
schema config`, written beside the files they describe so the `# yaml-language-server: $schema=` line of
each file works offline.
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

from ownership import __version__
from ownership.catalog.schema import NAME_PATTERN, NAME_RE
from ownership.errors import OwnershipError

CATALOG_SCHEMA = "catalog.schema.json"  # in the catalog folder
CONFIG_SCHEMA = "ownership-config.schema.json"  # beside ownership.yaml
DEFAULT_TEAM = "platform"
DEFAULT_SYSTEM = "my-service"
DEFAULT_CATALOG = "catalog"


class InitError(OwnershipError):
    """init cannot write (exit code 2): a bad name or folder, or a path it cannot create."""


def schema_text(which: str) -> str:
    """`ownership schema` (the catalog file) or `ownership schema config` (ownership.yaml), as written."""
    if which == "config":
        from ownership.configschema import json_schema as config_schema

        schema: dict[str, Any] = config_schema()
    else:
        from ownership.catalog.schema import json_schema

        schema = json_schema()
    return json.dumps(schema, indent=2) + "\n"


@dataclass(frozen=True)
class Answers:
    team: str = DEFAULT_TEAM
    system: str = DEFAULT_SYSTEM
    catalog: str = DEFAULT_CATALOG  # relative to DIR, `/`-separated


def check_name(value: str, what: str) -> str:
    """`value` as a catalog name (catalog/schema.py NAME_PATTERN), or InitError saying what a name is."""
    value = value.strip()
    if not NAME_RE.match(value):
        raise InitError(f"{what} {value!r} is not a catalog name: lower case letters, digits and . _ - "
                        f"(starting and ending with a letter or digit, at most 63; {NAME_PATTERN})")
    return value


def check_folder(value: str) -> str:
    """The catalog folder as a relative path inside DIR (`catalog`, `ops/catalog`), or InitError."""
    raw = value.strip().replace("\\", "/").strip("/")
    parts = PurePosixPath(raw).parts if raw else ()
    if (not parts or value.strip().startswith("/") or any(p in (".", "..") or p.startswith(".") for p in parts)
            or not all(re.fullmatch(r"[\w.-]+", p) for p in parts)):
        raise InitError(f"catalog folder {value!r} must be a folder inside the target, such as 'catalog' or "
                        "'ops/catalog' (letters, digits, . _ -; no '..', no hidden or absolute path)")
    return "/".join(parts)


def default_system(target: Path) -> str:
    """The first system's suggested name: the target folder's name when it is a catalog name."""
    name = re.sub(r"[^a-z0-9._-]+", "-", target.resolve().name.lower()).strip("-._")
    return name if NAME_RE.match(name) else DEFAULT_SYSTEM


def hook_files(catalog: str) -> str:
    """The `files:` regex of the pre-commit hook for a catalog in `catalog`: its YAML files and ownership.yaml
    (pre-commit matches it with re.search against each changed path, relative to the repository)."""
    return rf"^{re.escape(catalog)}/.*\.ya?ml$|(^|/)(ownership\.ya?ml|\.ownership\.yaml)$"


def planned(answers: Answers) -> list[dict[str, str]]:
    """Relative path -> content of every file init writes, in the order it writes them, in groups that are
    written together or not at all: teams.yaml and the system (a system whose team is missing would not
    validate), then each other file on its own."""
    cat = answers.catalog
    fills = {"team": answers.team, "system": answers.system, "catalog": cat, "version": __version__,
             "files": hook_files(cat)}

    def fill(template: str, **extra: str) -> str:
        text = (resources.files("ownership") / "data" / "init" / template).read_text(encoding="utf-8")
        return re.sub(r"@(\w+)@", lambda m: {**fills, **extra}[m.group(1)], text)

    return [
        {f"{cat}/teams.yaml": fill("teams.yaml", catalog_schema=f"./{CATALOG_SCHEMA}"),
         f"{cat}/systems/{answers.system}.yaml": fill("system.yaml", catalog_schema=f"../{CATALOG_SCHEMA}")},
        {f"{cat}/{CATALOG_SCHEMA}": schema_text("catalog")},
        {"ownership.yaml": fill("ownership.yaml")},
        {CONFIG_SCHEMA: schema_text("config")},
        {".github/workflows/catalog-check.yml": fill("catalog-check.yml")},
        {".pre-commit-config.yaml": fill("pre-commit-config.yaml")},
    ]


@dataclass(frozen=True)
class Outcome:
    written: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]  # (path, why): there already, or written only with one that is


def write(target: Path, answers: Answers) -> Outcome:
    """Write every planned group none of whose files exists yet (each file created exclusively: an existing
    file, or a link, is never replaced); the others are skipped, every file of them listed."""
    if target.exists() and not target.is_dir():
        raise InitError(f"{target}: not a folder")
    written: list[str] = []
    skipped: list[tuple[str, str]] = []
    for group in planned(answers):
        there = [rel for rel in group if os.path.lexists(target / rel)]
        if there:
            skipped += [(rel, "exists" if rel in there else f"written only with {there[0]}, which exists")
                        for rel in group]
            continue
        for rel, text in group.items():
            path = target / rel
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                with open(path, "x", encoding="utf-8") as fh:
                    fh.write(text)
            except FileExistsError:  # made since the look above
                skipped.append((rel, "exists"))
                continue
            except OSError as exc:
                raise InitError(f"{path}: cannot write ({exc.strerror or exc})") from exc
            written.append(rel)
    return Outcome(tuple(written), tuple(skipped))


Ask = Callable[[str, str, Callable[[str], str]], str]


def gather(target: Path, team: str | None, system: str | None, catalog: str | None, ask: Ask | None) -> Answers:
    """The answers from the flags, asking (`ask(question, default, check)`) for each one not given when `ask`
    is set; without it the defaults stand. Every value is checked (InitError)."""
    defaults = Answers(system=default_system(target))

    def one(given: str | None, question: str, default: str, check: Callable[[str], str]) -> str:
        if given is not None:
            return check(given)
        return ask(question, default, check) if ask is not None else check(default)

    return Answers(
        team=one(team, "Team that owns the first system", defaults.team, lambda v: check_name(v, "team")),
        system=one(system, "First system", defaults.system, lambda v: check_name(v, "system")),
        catalog=one(catalog, "Catalog folder", defaults.catalog, check_folder),
    )


def summary(target: Path, outcome: Outcome) -> list[str]:
    """What init says it did, one line each, and what to run next."""
    shown = "." if target == Path(".") else str(target)
    lines = [f"wrote {os.path.join(shown, rel)}" for rel in outcome.written]
    lines += [f"skipped {os.path.join(shown, rel)} ({why}; nothing replaced)" for rel, why in outcome.skipped]
    if not outcome.written:
        lines.append("nothing written: every file already exists")
    lines += ["next: " + (f"cd {shown} && " if shown != "." else "") + "ownership validate",
              "      then add people to the team and fill in the system; `pre-commit install` runs the check "
              "before each commit"]
    return lines
