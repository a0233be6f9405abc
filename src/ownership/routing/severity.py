"""How bad an incident is (SEV1–SEV4), and the one test of a catalog `Condition`. Pure: no I/O.

The severity comes from, in order: `--sev N` for this incident; the most severe `severity:` field of an
affected system; the catalog's `severity:` rules; else the default rules below. Rules are tried in order and
the first whose condition holds wins; none holding is SEV4. The same `holds()` decides when a stakeholder
group's `when:` pulls it in (docs/incident.md).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ownership.analysis.impact import Impact
from ownership.model import Catalog, Condition, SeverityRule, System

LOWEST = 4

# The documented default (docs/incident.md prints this table from here).
DEFAULT_RULES: tuple[SeverityRule, ...] = (
    SeverityRule(1, Condition(tier=1, customer_facing=True)),
    SeverityRule(1, Condition(hits_customer_facing=5, hits_tier1=3)),
    SeverityRule(2, Condition(tier=1)),
    SeverityRule(2, Condition(customer_facing=True)),
    SeverityRule(2, Condition(hits_customer_facing=1, hits_tier1=1)),
    SeverityRule(3, Condition(tier=2)),
    SeverityRule(3, Condition(hits_tier1=1)),
    SeverityRule(3, Condition(hits_customer_facing=1)),
)


@dataclass(frozen=True, slots=True)
class Severity:
    level: int  # 1 (worst) .. 4
    reason: str  # why: "payments-api is tier 1 and customer-facing (default rule 1)"
    source: str  # override | system | catalog | default

    @property
    def label(self) -> str:
        return f"SEV{self.level}"


def holds(cond: Condition, systems: Sequence[System], impact: Impact | None, sev: int | None = None) -> bool:
    """Whether every key of `cond` holds for an incident on `systems` with this blast radius (and severity)."""
    if cond.tier is not None and not any(s.tier <= cond.tier for s in systems):
        return False
    if cond.customer_facing is not None and any(s.customer_facing for s in systems) != cond.customer_facing:
        return False
    if cond.lifecycle is not None and not any(s.lifecycle == cond.lifecycle for s in systems):
        return False
    if cond.systems and not any(s.name in cond.systems for s in systems):
        return False
    hits = impact.hits if impact is not None else ()
    if cond.hits_customer_facing is not None and (
            sum(1 for s in systems if s.customer_facing) + sum(1 for h in hits if h.customer_facing)
            < cond.hits_customer_facing):
        return False
    if cond.hits_tier1 is not None and (sum(1 for s in systems if s.tier == 1) + sum(1 for h in hits if h.tier == 1)
                                        < cond.hits_tier1):
        return False
    if cond.dependents is not None and len(hits) < cond.dependents:
        return False
    if cond.severity is not None and (sev is None or sev > cond.severity):
        return False
    return True


def severity(catalog: Catalog, systems: Sequence[System], impact: Impact | None,
             override: int | None = None) -> Severity:
    names = ", ".join(s.name for s in systems)
    if override is not None:
        return Severity(override, "set for this incident (--sev)", "override")
    fixed = [s for s in systems if s.severity is not None]
    if fixed:
        worst = min(fixed, key=lambda s: (s.severity or LOWEST, s.name))
        return Severity(worst.severity or LOWEST, f"{worst.name} has severity: {worst.severity} in the catalog",
                        "system")
    rules, source = (catalog.incident.severity, "catalog") if catalog.incident.severity else (DEFAULT_RULES,
                                                                                            "default")
    for i, rule in enumerate(rules, 1):
        if holds(rule.when, systems, impact):
            where = f"catalog severity rule {rule.number or i}" if source == "catalog" else f"default rule {i}"
            return Severity(rule.sev, f"{rule.when.describe()} ({where})", source)
    return Severity(LOWEST, f"no {'catalog ' if source == 'catalog' else ''}severity rule matches {names}",
                    source)


def rules_table() -> str:
    """The default rules as the Markdown table docs/incident.md shows."""
    rows = ["| rule | severity | when |", "|---|---|---|"]
    rows += [f"| {i} | SEV{r.sev} | {r.when.describe()} |" for i, r in enumerate(DEFAULT_RULES, 1)]
    rows.append(f"| — | SEV{LOWEST} | no rule matches |")
    return "\n".join(rows)
