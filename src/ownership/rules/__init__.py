"""Every rule, listed explicitly. Each module's RULES tuple names its rules in documentation order."""
from __future__ import annotations

from ownership.rules import activity, backstage, catalog, codeowners, health, repos, roster, settings
from ownership.rules.registry import Hit, Rule, rule

RULES: dict[str, Rule] = {r.slug: r for r in (*catalog.RULES, *backstage.RULES, *roster.RULES,
                                                   *repos.RULES, *codeowners.RULES, *activity.RULES,
                                                   *health.RULES, *settings.RULES)}

__all__ = ["RULES", "Hit", "Rule", "rule"]
