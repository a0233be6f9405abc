"""Every rule, listed explicitly. Each module's RULES tuple names its rules in documentation order."""
from __future__ import annotations

import difflib
from typing import Any

from ownership.model import SettingProblem
from ownership.rules import activity, backstage, catalog, codeowners, files, health, repos, roster, settings
from ownership.rules.registry import COMMON, Hit, Rule, rule

RULES: dict[str, Rule] = {r.slug: r for r in (*catalog.RULES, *backstage.RULES, *files.RULES, *roster.RULES,
                                                   *repos.RULES, *codeowners.RULES, *activity.RULES,
                                                   *health.RULES, *settings.RULES)}

__all__ = ["RULES", "Hit", "Rule", "check_options", "rule"]


def check_options(value: Any) -> list[SettingProblem]:
    """Every problem of the `rules:` section: unknown rules, settings that are not a mapping, unknown options
    and bad values, for every rule alike (config.py adds file:line:col)."""
    if not isinstance(value, dict):
        return [SettingProblem((), "rules must map rule slugs to settings")]
    problems: list[SettingProblem] = []
    for slug, opts in value.items():
        found = RULES.get(str(slug))
        if found is None:
            close = difflib.get_close_matches(str(slug), list(RULES), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(SettingProblem((str(slug),), f"no rule '{slug}'{hint}", "unknown-field"))
            continue
        if not isinstance(opts, dict):
            problems.append(SettingProblem((str(slug),), f"settings of rule '{slug}' must be a mapping"))
            continue
        known = {**COMMON, **found.options}
        for key, v in opts.items():
            where = (str(slug), str(key))
            option = known.get(str(key))
            if option is None:
                close = difflib.get_close_matches(str(key), list(known), n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                problems.append(SettingProblem(where, f"unknown option '{key}' of rule '{slug}'; {hint}known: "
                                                      f"{', '.join(sorted(known))}", "unknown-field"))
            elif not option.accepts(v):
                problems.append(SettingProblem(where, f"rules.{slug}.{key} must be {option.what}, got {v!r}"))
    return problems
