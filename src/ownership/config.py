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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    "history": "git history scan: windows, bots, cache, jobs, rewrite (URL prefix -> URL or folder)",
    "codeowners": "GitHub handles of teams: {org: acme, team_handles: {payments: '@acme/payments-team'}}",
    "site": "static site (ownership site): title, pagerduty_web, offboard_limit",
}
SEVERITY_CHOICES = ("error", "warning", "info")
FAIL_ON_CHOICES = ("error", "warning", "never")


class ConfigError(Exception):
    """ownership.yaml cannot be used; the message gives file:line and the cause (exit code 2)."""


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    values: Mapping[str, Any] = field(default_factory=dict)

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


def find(catalog_paths: list[str]) -> Path | None:
    """ownership.yaml in the catalog folder, next to it, or in the working directory."""
    candidates: list[Path] = []
    for raw in catalog_paths[:1]:
        p = Path(raw)
        base = p if p.is_dir() else p.parent
        candidates += [base, base.parent]
    candidates.append(Path("."))
    for folder in candidates:
        for name in CONFIG_NAMES:
            f = folder / name
            if f.is_file():
                return f
    return None


def load(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    docs, problems = yamlnodes.parse(data)
    if problems:
        p = problems[0]
        raise ConfigError(f"{path}:{p.line}:{p.column}: {p.rule}: {p.message}")
    if not docs:
        return Config(path, {})
    root = docs[0]
    if type(root) is not yamlnodes.Map:
        raise ConfigError(f"{path}:{root.line}:{root.column}: the config must be a mapping")
    values: dict[str, Any] = {}
    for k, v in root.pairs:
        key = k.value if type(k) is yamlnodes.Scalar else ""
        where = f"{path}:{k.line}:{k.column}"
        if key not in KNOWN_KEYS:
            close = difflib.get_close_matches(key, list(KNOWN_KEYS), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(sorted(KNOWN_KEYS))}"
            raise ConfigError(f"{where}: unknown-field: unknown key '{key}'{hint}")
        if key in values:
            raise ConfigError(f"{where}: duplicate-key: '{key}' appears twice")
        values[key] = yamlnodes.to_python(v)
        _check(key, values[key], f"{path}:{v.line}:{v.column}")
    return Config(path, values)


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
