"""ownership.yaml: settings that live next to the catalog. Command-line flags override them.

```yaml
catalog: catalog/          # default catalog path for every command
fail_on: error             # error | warning | never
rules:                     # per-rule settings, by slug
  unused-definition: {severity: warning}
  no-oncall: {enabled: false}
```
"""
from __future__ import annotations

import difflib
import importlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from ownership.catalog import yamlnodes
from ownership.catalog.load import CONFIG_NAMES

# top-level key -> what it is (later features add their keys here)
KNOWN_KEYS: dict[str, str] = {
    "catalog": "default catalog path",
    "fail_on": "error | warning | never",
    "rules": "per-rule settings: severity, enabled, options",
    "roster": "roster source: a file or a SCIM base URL",
    "roster_columns": "roster CSV/JSON/YAML columns: a preset (bamboohr | workday | native) or {field: column}",
    "roster_shrink_limit": "largest drop of active people from the previous roster, e.g. '10%' (the default)",
    "scim": "SCIM client: token_env, page_size, timeout, retries, backoff, max_retry_after, sort_by, allow_http",
    "aliases": "identity aliases: {name or old email: roster email, username or id}",
    "team_map": "HR team/department -> catalog team (default: the same name, case-insensitively)",
    "mailmap": "a .mailmap file mapping old emails to current ones",
    "pagerduty": "PagerDuty client: token_env, base_url, timeout, retries, backoff",
    "history": "git history scan: windows, bots, cache, jobs, rewrite (URL prefix -> URL or folder), protocols, stall",
    "codeowners": "GitHub handles of teams: {org: acme, team_handles: {payments: '@acme/payments-team'}}",
    "site": "static site (ownership site): title, pagerduty_web, offboard_limit",
}
SEVERITY_CHOICES = ("error", "warning", "info")
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
    "fail_on": "what fails the gate",
    "rules": "which rules run, their severities and options",
    "roster": "where the roster is requested from",
    "roster_columns": "who counts as employed",
    "roster_shrink_limit": "how far the roster may shrink",
    "scim": "where the SCIM token goes, which variable holds it, plain http",
    "pagerduty": "where the PagerDuty token goes and which variable holds it",
    "aliases": "who is who",
    "team_map": "who is in which team",
    "mailmap": "a file read to decide who is who",
    "history.rewrite": "where git fetches repositories from (URLs or local folders)",
    "history.protocols": "which git transports run, and whether local folders are read",
    "history.stall": "how long a silent remote may hold the job",
}


class ConfigError(Exception):
    """ownership.yaml cannot be used; the message gives file:line and the cause (exit code 2)."""


Position = tuple[int, int]  # line, column (1-based)


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    values: Mapping[str, Any] = field(default_factory=dict)
    # key path (("scim", "token_env")) -> where that key is written, for findings about the file
    positions: Mapping[tuple[str, ...], Position] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    @property
    def rules(self) -> Mapping[str, Mapping[str, Any]]:
        return self.values.get("rules") or {}

    def relative(self, value: str) -> str:
        """A path written in the config file, resolved against the file's folder."""
        if self.path is None or Path(value).is_absolute() or "://" in value:
            return value
        return str(self.path.parent / value)


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
    (default: the path), e.g. `origin/main:ownership.yaml` for the copy in a git ref."""
    shown = name or str(path)
    docs, problems = yamlnodes.parse(data)
    if problems:
        p = problems[0]
        raise ConfigError(f"{shown}:{p.line}:{p.column}: {p.rule}: {p.message}")
    if not docs:
        return Config(path, {})
    root = docs[0]
    if type(root) is not yamlnodes.Map:
        raise ConfigError(f"{shown}:{root.line}:{root.column}: the config must be a mapping")
    values: dict[str, Any] = {}
    positions = dict(_positions(root, ()))
    for k, v in root.pairs:
        key = k.value if type(k) is yamlnodes.Scalar else ""
        where = f"{shown}:{k.line}:{k.column}"
        if key not in KNOWN_KEYS:
            close = difflib.get_close_matches(key, list(KNOWN_KEYS), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(sorted(KNOWN_KEYS))}"
            raise ConfigError(f"{where}: unknown-field: unknown key '{key}'{hint}")
        if key in values:
            raise ConfigError(f"{where}: duplicate-key: '{key}' appears twice")
        values[key] = yamlnodes.to_python(v)
        _check(key, values[key], f"{shown}:{v.line}:{v.column}")
    _check_token_envs(root, (), shown)
    return Config(path, values, positions)


def _positions(node: yamlnodes.Map, prefix: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Position]]:
    for k, v in node.pairs:
        if type(k) is not yamlnodes.Scalar:
            continue
        yield (*prefix, k.value), (k.line, k.column)
        if type(v) is yamlnodes.Map:
            yield from _positions(v, (*prefix, k.value))


def _check_token_envs(node: yamlnodes.Map, prefix: tuple[str, ...], shown: str) -> None:
    """Every `*_env` setting, at any depth, names an OWNERSHIP_* variable (see TOKEN_ENV_PREFIX)."""
    for k, v in node.pairs:
        if type(k) is not yamlnodes.Scalar:
            continue
        if type(v) is yamlnodes.Map:
            _check_token_envs(v, (*prefix, k.value), shown)
        elif k.value.endswith("_env"):
            value = yamlnodes.to_python(v)
            if not (isinstance(value, str) and _TOKEN_ENV.fullmatch(value)):
                # the value is not echoed: someone may have pasted the token itself here
                setting = ".".join((*prefix, k.value))
                raise ConfigError(f"{shown}:{v.line}:{v.column}: invalid-value: {setting} must name an "
                                  f"environment variable starting with {TOKEN_ENV_PREFIX} (upper case "
                                  "letters, digits, _); a config file may not choose which other secret is sent")


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


# settings sections each feature checks itself: key -> (module, function(value) -> why not, or None);
# imported on use, so reading ownership.yaml does not load every feature
_SECTIONS: dict[str, tuple[str, str]] = {
    "history": ("ownership.history.settings", "check"),
    "site": ("ownership.site.settings", "problem"),
    "pagerduty": ("ownership.oncall.pagerduty", "problem"),
}
_ROSTER_KEYS = ("roster_columns", "roster_shrink_limit", "scim", "aliases", "team_map", "mailmap")


def _section_problem(key: str, value: Any) -> str | None:
    if key in _ROSTER_KEYS:
        from ownership.roster.settings import problem

        return problem(key, value)
    if key not in _SECTIONS:
        return None
    module, name = _SECTIONS[key]
    check: Any = getattr(importlib.import_module(module), name)
    return check(value)  # type: ignore[no-any-return]


def _check(key: str, value: Any, where: str) -> None:
    if key == "fail_on" and value not in FAIL_ON_CHOICES:
        raise ConfigError(f"{where}: invalid-value: fail_on must be one of {', '.join(FAIL_ON_CHOICES)}")
    if key in ("catalog", "roster") and not isinstance(value, str):
        raise ConfigError(f"{where}: invalid-value: {key} must be a path or URL string")
    message = _section_problem(key, value)
    if message:
        raise ConfigError(f"{where}: invalid-value: {message}")
    if key == "rules":
        from ownership.rules import RULES

        if not isinstance(value, dict):
            raise ConfigError(f"{where}: invalid-value: rules must map rule slugs to settings")
        for slug, opts in value.items():
            if slug not in RULES:
                close = difflib.get_close_matches(str(slug), list(RULES), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise ConfigError(f"{where}: unknown-field: no rule '{slug}'{hint}")
            if not isinstance(opts, dict):
                raise ConfigError(f"{where}: invalid-value: settings of rule '{slug}' must be a mapping")
            sev = opts.get("severity")
            if sev is not None and sev not in SEVERITY_CHOICES:
                raise ConfigError(f"{where}: invalid-value: severity of '{slug}' must be one of "
                                  f"{', '.join(SEVERITY_CHOICES)}")
            if "enabled" in opts and not isinstance(opts["enabled"], bool):
                raise ConfigError(f"{where}: invalid-value: enabled of '{slug}' must be true or false")
            from ownership.rules.health import option_problem

            message = option_problem(str(slug), opts)
            if message:
                raise ConfigError(f"{where}: invalid-value: {message}")
