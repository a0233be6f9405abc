"""ownership.yaml: settings that live next to the catalog. Command-line flags override them.

```yaml
catalog: catalog/          # default catalog path for every command
exclude: [docs/**]         # files a catalog folder walk never reads
fail_on: error             # error | warning | never
rules:                     # per-rule settings, by slug
  unused-definition: {severity: warning}
  no-oncall: {enabled: false}
```
"""
from __future__ import annotations

import difflib
import importlib
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from ownership.catalog import CONFIG_NAMES, yamlnodes
from ownership.errors import OwnershipError
from ownership.model import SettingProblem
from ownership.roster import SOURCES as ROSTER_SOURCES



class Section(NamedTuple):
    """One top-level key of ownership.yaml: the function that checks its value, as "module:function" (imported
    on use, so reading ownership.yaml does not load every feature), what it is (for hints and docs), and the
    function that gives its JSON Schema (`ownership schema config`, ownership/configschema.py).
    Every check has the same shape: `check(value) -> list[SettingProblem]`, with key paths below the key."""

    check: str
    what: str
    schema: str


_S = "ownership.configschema:"
# the roster sources' own sections (roster_columns, scim), declared by each source (roster/source.py)
_ROSTER_SECTIONS = tuple(s.section for s in ROSTER_SOURCES if s.section is not None)
# The one table of ownership.yaml's sections; a key not in it is an error.
SECTIONS: dict[str, Section] = {
    "catalog": Section("ownership.config:check_catalog", "default catalog path", _S + "path"),
    "include": Section("ownership.config:check_globs", "globs of the files a catalog folder walk reads, each as "
                                                       "a catalog file (default: every YAML file)", _S + "globs"),
    "exclude": Section("ownership.config:check_globs", "globs of files a catalog folder walk never reads",
                       _S + "globs"),
    "fail_on": Section("ownership.config:check_fail_on", "error | warning | never", _S + "fail_on"),
    "rules": Section("ownership.rules:check_options", "per-rule settings: severity, enabled, options",
                     _S + "rules"),
    "roster": Section("ownership.config:check_roster", "roster source: a file or a SCIM base URL", _S + "path"),
    **{s.key: Section(s.check, s.what, s.schema) for s in _ROSTER_SECTIONS},  # each source's own section
    "roster_shrink_limit": Section("ownership.roster.settings:check_shrink_limit",
                                   "largest drop of active people from the previous roster, e.g. '10%' (the "
                                   "default)", _S + "shrink_limit"),
    "aliases": Section("ownership.roster.settings:check_aliases",
                       "identity aliases: {name or old email: roster email, username or id}", _S + "names"),
    "team_map": Section("ownership.roster.settings:check_team_map",
                        "HR team/department -> catalog team (default: the same name, case-insensitively)",
                        _S + "names"),
    "mailmap": Section("ownership.roster.settings:check_mailmap", "a .mailmap file mapping old emails to current ones",
                       _S + "path"),
    "pagerduty": Section("ownership.oncall.pagerduty:check", "PagerDuty client: token_env, base_url, timeout, "
                                                             "deadline, retries, backoff, wait", _S + "pagerduty"),
    "slack": Section("ownership.chat.slack:check", "Slack client for `incident --post`: token_env, base_url, "
                                                     "timeout, deadline, retries, max_retry_after", _S + "slack"),
    "history": Section("ownership.history.settings:check",
                       "git history scan: windows, bots, cache, jobs, rewrite (URL prefix -> URL or folder), "
                       "protocols, stall, deadline", _S + "history"),
    "codeowners": Section("ownership.codeowners.check:check_settings",
                          "GitHub handles of teams: {org: acme, team_handles: {payments: '@acme/payments-team'}}",
                          _S + "codeowners"),
    "site": Section("ownership.site.settings:check", "static site (ownership site): title, pagerduty_web, "
                                                     "offboard_limit", _S + "site"),
    "pictures": Section("ownership.render.pictures:check", "dependency pictures of the report and site: auto (Graphviz's "
                                                    "dot when installed) | dot | builtin", _S + "pictures"),
    "external_owners": Section("ownership.config:check_external_owners",
                               "teams defined outside the catalog files (Backstage refs such as group:billing)",
                               _S + "external_owners"),
}
FAIL_ON_CHOICES = ("error", "warning", "never")
# every `*_env` setting names the environment variable a secret is read from; only these may be named, so a
# config file cannot pick one of the runner's other secrets (GITHUB_TOKEN, AWS_*) and send it somewhere
TOKEN_ENV_PREFIX = "OWNERSHIP_"
_TOKEN_ENV = re.compile(r"OWNERSHIP_[A-Z0-9_]+")

# Settings a pull request must not change (docs/security.md): where requests go, which secrets are read,
# who is who, which rules run and what fails. `validate --base REF` takes each from REF's ownership.yaml and
# reports every change as `protected-setting-changed`. A key is a top-level key or `section.setting`.
PROTECTED: dict[str, str] = {
    "catalog": "which files the gate checks",
    "include": "which files the gate checks",
    "exclude": "which files the gate checks",
    "fail_on": "what fails the gate",
    "rules": "which rules run, their severities and options",
    "roster": "where the roster is requested from",
    **{s.key: s.protected for s in _ROSTER_SECTIONS},
    "roster_shrink_limit": "how far the roster may shrink",
    "pagerduty": "where the PagerDuty token goes and which variable holds it",
    "slack": "where the Slack token goes and which variable holds it",
    "aliases": "who is who",
    "team_map": "who is in which team",
    "mailmap": "a file read to decide who is who",
    "history.rewrite": "where git fetches repositories from (URLs or local folders)",
    "history.protocols": "which git transports run, and whether local folders are read",
    "history.stall": "how long a silent remote may hold the job",
    "history.deadline": "how long a remote may hold the job in all",
    "external_owners": "which missing owners are not reported",
}


class ConfigError(OwnershipError):
    """ownership.yaml cannot be used; the message gives file:line:col and the cause of every problem, one per
    line (exit code 2)."""


Position = tuple[int, int]  # line, column (1-based)


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    values: Mapping[str, Any] = field(default_factory=dict)
    # key path (("scim", "token_env")) -> where that key is written, for findings about the file
    positions: Mapping[tuple[str, ...], Position] = field(default_factory=dict)
    # the file's folder as an absolute path, taken once when the file is read: every relative path setting
    # (catalog, roster, mailmap, history.cache, history.rewrite) resolves against it (relative())
    folder: str = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "folder", os.path.abspath(self.path.parent if self.path else "."))

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    @property
    def rules(self) -> Mapping[str, Mapping[str, Any]]:
        """Per-rule settings by slug, as the rules read them: the `rules:` section, and `external_owners:`
        as the option of the reference rules (rules/catalog.py `external_owners`)."""
        rules: Mapping[str, Mapping[str, Any]] = self.values.get("rules") or {}
        external = self.values.get("external_owners")
        if not external:
            return rules
        slug = "dangling-reference"
        mine = rules.get(slug, {})
        names = [*mine.get("external_owners", ()), *(external_name(e) for e in external)]
        return {**rules, slug: {**mine, "external_owners": names}}

    def relative(self, value: str) -> str:
        """A path written in the config file, resolved against the file's folder: an absolute path, so it
        means the same folder whatever the working directory of whoever uses it (git runs inside the cache,
        a clone's target must not be read relative to that)."""
        if self.path is None or Path(value).is_absolute() or "://" in value:
            return value
        return os.path.normpath(os.path.join(self.folder, value))


def candidates(catalog_paths: list[str]) -> list[Path]:
    """Where ownership.yaml is looked for, in order: the catalog folder, next to it, the working directory."""
    folders: list[Path] = []
    for raw in catalog_paths[:1]:
        p = Path(raw)
        base = p if p.is_dir() else p.parent
        folders += [base, base.parent]
    folders.append(Path("."))
    return [folder / name for folder in folders for name in CONFIG_NAMES]


def find(catalog_paths: list[str]) -> Path | None:
    """The first of candidates() that exists."""
    return next((f for f in candidates(catalog_paths) if f.is_file()), None)


def load(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    return parse(data, path)


def parse(data: bytes, path: Path, name: str | None = None) -> Config:
    """The config in `data`, as the file `path` (relative settings resolve against it); messages say `name`
    (default: the path), e.g. `origin/main:ownership.yaml` for the copy in a git ref. Every problem of the
    file is reported at once, each with file:line:col."""
    shown = name or str(path)
    docs, problems = yamlnodes.parse(data)
    if problems:
        raise ConfigError("\n".join(f"{shown}:{p.line}:{p.column}: {p.rule}: {p.message}" for p in problems))
    if not docs:
        return Config(path, {})
    root = docs[0]
    if type(root) is not yamlnodes.Map:
        raise ConfigError(f"{shown}:{root.line}:{root.column}: the config must be a mapping")
    lines = data.decode("utf-8", "replace").splitlines()
    values: dict[str, Any] = {}
    positions = dict(_positions(root, ()))
    errors: list[tuple[Position, str]] = []
    for k, v in root.pairs:
        key = k.value if type(k) is yamlnodes.Scalar else ""
        if key not in SECTIONS:
            close = difflib.get_close_matches(key, list(SECTIONS), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(sorted(SECTIONS))}"
            errors.append(((k.line, k.column), f"unknown-field: unknown key '{key}'{hint}"))
            continue
        if key in values:
            errors.append(((k.line, k.column), f"duplicate-key: '{key}' appears twice"))
            continue
        values[key] = yamlnodes.to_python(v)
        for problem in section_check(key)(values[key]):
            at = _where((key, *problem.path), positions, lines, (v.line, v.column))
            errors.append((at, f"{problem.kind}: {problem.message}"))
    errors += _token_env_problems(root, ())
    if errors:
        raise ConfigError("\n".join(f"{shown}:{line}:{column}: {message}"
                                    for (line, column), message in sorted(errors, key=lambda e: e[0])))
    return Config(path, values, positions)


def section_check(key: str) -> Callable[[Any], list[SettingProblem]]:
    """The check of a top-level key, from SECTIONS."""
    module, name = SECTIONS[key].check.split(":")
    found: Callable[[Any], list[SettingProblem]] = getattr(importlib.import_module(module), name)
    return found


def _where(keys: tuple[str, ...], positions: Mapping[tuple[str, ...], Position], lines: list[str],
           value_at: Position) -> Position:
    """Where to point for a problem at `keys`: the deepest of its keys that opens a line of its own (a block
    mapping), else the value of the section key (a flow mapping `{a: 1}` or a scalar)."""
    for n in range(len(keys), 1, -1):
        at = positions.get(keys[:n])
        if at is not None and 0 < at[0] <= len(lines) and not lines[at[0] - 1][:at[1] - 1].strip(" -"):
            return at
    return value_at


def check_fail_on(value: Any) -> list[SettingProblem]:
    if value in FAIL_ON_CHOICES:
        return []
    return [SettingProblem((), f"fail_on must be one of {', '.join(FAIL_ON_CHOICES)}")]


def check_catalog(value: Any) -> list[SettingProblem]:
    return [] if isinstance(value, str) else [SettingProblem((), "catalog must be a path or URL string")]


def external_name(ref: str) -> str:
    """A team as `external_owners:` may write it (`billing`, `group:billing`, `group:finance/billing`) -> its
    catalog name (`billing`, `finance/billing`), as catalog/backstage.py `model_name` makes them."""
    ref = ref.strip()
    if ref.lower().startswith("group:"):
        ref = ref[len("group:"):]
    ns, _, name = ref.rpartition("/")
    return name.lower() if ns.lower() in ("", "default") else f"{ns.lower()}/{name.lower()}"


EXTERNAL_PATTERN = r"^(?:group:)?(?:[A-Za-z0-9][-A-Za-z0-9]*/)?[A-Za-z0-9][-A-Za-z0-9_.]*$"
_EXTERNAL = re.compile(EXTERNAL_PATTERN, re.IGNORECASE)


def check_external_owners(value: Any) -> list[SettingProblem]:
    if not isinstance(value, list):
        return [SettingProblem((), "external_owners must be a list of team names or group references")]
    return [SettingProblem((str(i),), f"external_owners[{i}] must be a team name such as 'billing' or "
                                      f"'group:finance/billing', got {v!r}")
            for i, v in enumerate(value) if not isinstance(v, str) or not _EXTERNAL.match(v.strip())]


def check_globs(value: Any) -> list[SettingProblem]:
    """`include:` / `exclude:`: a list of globs relative to the catalog folder (catalog/load.py Selection)."""
    if not isinstance(value, list):
        return [SettingProblem((), "must be a list of globs such as 'docs/**' or 'mkdocs.yml'")]
    return [SettingProblem((str(i),), f"entry {i + 1} must be a non-empty glob string, got {v!r}")
            for i, v in enumerate(value) if not isinstance(v, str) or not v.strip()]


def check_roster(value: Any) -> list[SettingProblem]:
    from ownership.roster import RosterError, source_for

    if not isinstance(value, str):
        return [SettingProblem((), "roster must be a path or URL string")]
    try:
        source_for(value)
    except RosterError as exc:
        return [SettingProblem((), f"roster: {exc}")]
    return []


def _positions(node: yamlnodes.Map, prefix: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Position]]:
    for k, v in node.pairs:
        if type(k) is not yamlnodes.Scalar:
            continue
        yield (*prefix, k.value), (k.line, k.column)
        if type(v) is yamlnodes.Map:
            yield from _positions(v, (*prefix, k.value))


def _token_env_problems(node: yamlnodes.Map, prefix: tuple[str, ...]) -> list[tuple[Position, str]]:
    """Every `*_env` setting, at any depth, names an OWNERSHIP_* variable (see TOKEN_ENV_PREFIX)."""
    out: list[tuple[Position, str]] = []
    for k, v in node.pairs:
        if type(k) is not yamlnodes.Scalar:
            continue
        if type(v) is yamlnodes.Map:
            out += _token_env_problems(v, (*prefix, k.value))
        elif k.value.endswith("_env"):
            value = yamlnodes.to_python(v)
            if not (isinstance(value, str) and _TOKEN_ENV.fullmatch(value)):
                # the value is not echoed: someone may have pasted the token itself here
                setting = ".".join((*prefix, k.value))
                out.append(((v.line, v.column), f"invalid-value: {setting} must name an environment variable "
                                                f"starting with {TOKEN_ENV_PREFIX} (upper case letters, digits, "
                                                "_); a config file may not choose which other secret is sent"))
    return out


class ProtectedChange(NamedTuple):
    """A protected setting that differs between two configs (see PROTECTED)."""

    setting: str  # dotted key path, down to the changed value: "rules.unknown-team.enabled"
    before: Any  # ABSENT when not set
    after: Any
    position: Position | None  # where the change is written in the newer file (its nearest key), if anywhere


class _Absent:
    def __repr__(self) -> str:
        return "not set"


ABSENT: Any = _Absent()


def protected_changes(before: Config, after: Config) -> list[ProtectedChange]:
    """Every protected setting `after` sets differently from `before`, down to the changed leaf."""
    out: list[ProtectedChange] = []
    for setting in PROTECTED:
        keys = tuple(setting.split("."))
        out += _diff(keys, _lookup(before.values, keys), _lookup(after.values, keys), after)
    return out


def with_protected(config: Config, trusted: Config) -> Config:
    """`config` with every protected setting as `trusted` has it (left out where `trusted` does not set it)."""
    values = dict(config.values)
    for setting in PROTECTED:
        keys = tuple(setting.split("."))
        _assign(values, keys, _lookup(trusted.values, keys))
    return Config(trusted.path or config.path, values, config.positions)


def _lookup(values: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    node: Any = values
    for key in keys:
        if not isinstance(node, Mapping) or key not in node:
            return ABSENT
        node = node[key]
    return node


def _assign(values: dict[str, Any], keys: tuple[str, ...], value: Any) -> None:
    head, rest = keys[0], keys[1:]
    if not rest:
        if value is ABSENT:
            values.pop(head, None)
        else:
            values[head] = value
        return
    inner = values.get(head)
    if not isinstance(inner, Mapping):
        if value is ABSENT:
            return
        inner = {}
    values[head] = dict(inner)
    _assign(values[head], rest, value)


def _diff(keys: tuple[str, ...], a: Any, b: Any, where: Config) -> Iterator[ProtectedChange]:
    a_map, b_map = isinstance(a, Mapping), isinstance(b, Mapping)
    if (a_map or a is ABSENT) and (b_map or b is ABSENT) and (a_map or b_map):
        for key in sorted({*(a if a_map else ()), *(b if b_map else ())}, key=str):
            yield from _diff((*keys, str(key)), a.get(key, ABSENT) if a_map else ABSENT,
                             b.get(key, ABSENT) if b_map else ABSENT, where)
        return
    if type(a) is type(b) and a == b:
        return
    found = next((where.positions[keys[:n]] for n in range(len(keys), 0, -1) if keys[:n] in where.positions),
                 None)
    yield ProtectedChange(".".join(keys), a, b, found)
