"""Blast radius as a ranking key and as the reason a finding's severity rises. Pure: no I/O.

A system matters by its own tier and by what breaks with it: every transitive dependent (edges point from a
system to what it depends on, so dependents are the graph's ancestors), how many of them are tier 1, how many
face customers.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ownership import graph
from ownership.memo import ByIdentity
from ownership.model import Catalog, Severity

MANY_DEPENDENTS = 5  # this many dependents (or one tier-1 dependent) make a gap as urgent as a tier-1 one
_LOWER: dict[str, Severity] = {"error": "warning", "warning": "info", "info": "info"}
_HIGHER: dict[str, Severity] = {"info": "warning", "warning": "error", "error": "error"}


@dataclass(frozen=True)
class Impact:
    dependents: tuple[str, ...]  # transitive dependents (what breaks when it breaks)
    tier1: int  # how many of them are tier 1
    customer_facing: int
    score: float  # tier x blast radius ranking key (higher = riskier)


def _weight(tier: int) -> int:
    """Tier 1 counts 8, tier 2 counts 4, tier 3 counts 2, tier 4 counts 1."""
    return 2 ** (4 - min(max(tier, 1), 4))


class _Impacts(Mapping[str, Impact]):
    """Impact per system, computed on first use: one graph walk per system asked about, so an audit of a
    10,000-system catalog pays only for the systems its findings and report actually rank."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._graph = graph.build(catalog)
        self._done: dict[str, Impact] = {}

    def __getitem__(self, name: str) -> Impact:
        hit = self._done.get(name)
        if hit is None:
            if name not in self._catalog.systems:
                raise KeyError(name)
            hit = self._done[name] = _compute(self._catalog, self._graph, name)
        return hit

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._catalog.systems))

    def __len__(self) -> int:
        return len(self._catalog.systems)


def _compute(catalog: Catalog, g: Any, name: str) -> Impact:
    deps = sorted(graph.dependents(g, [name]))
    systems = [catalog.systems[d] for d in deps]
    own = catalog.systems[name]
    score = _weight(own.tier) * (1 + sum(_weight(s.tier) for s in systems) / 8) \
        + sum(1 for s in systems if s.customer_facing) + (1 if own.customer_facing else 0)
    return Impact(tuple(deps), sum(1 for s in systems if s.tier == 1),
                  sum(1 for s in systems if s.customer_facing), round(score, 3))


_IMPACTS: ByIdentity[_Impacts] = ByIdentity()


def impacts(catalog: Catalog) -> Mapping[str, Impact]:
    """The Impact of every system of the catalog, computed lazily (cached per catalog object)."""
    return _IMPACTS.get(catalog, make=lambda: _Impacts(catalog))


def share_impacts(full: Catalog, part: Catalog) -> None:
    """Let `part`, a catalog narrowed to some of `full`'s systems, answer blast-radius questions as `full`."""
    _IMPACTS.put(part, value=_IMPACTS.get(full, make=lambda: _Impacts(full)))


def of(catalog: Catalog, system: str) -> Impact:
    return impacts(catalog).get(system) or Impact((), 0, 0, 0.0)


def escalate(base: Severity, catalog: Catalog, system: str) -> tuple[Severity, dict[str, Any]]:
    """The severity of a finding about `system`, from the rule's default, and the evidence that explains it.

    Rises one level (warning -> error) for a tier-1 system, or one that a tier-1 system depends on, or one
    with at least MANY_DEPENDENTS dependents. Drops one level (warning -> info) for a tier-4 system nothing
    depends on. Errors stay errors.
    """
    s = catalog.systems.get(system)
    tier = s.tier if s else 3
    imp = of(catalog, system)
    evidence: dict[str, Any] = {"tier": tier, "dependents": len(imp.dependents), "tier1_dependents": imp.tier1,
                                "customer_facing_dependents": imp.customer_facing}
    why, severity = None, base
    if base != "error":
        if tier == 1:
            why = "tier 1"
        elif imp.tier1:
            why = f"{imp.tier1} tier-1 system(s) depend on it"
        elif len(imp.dependents) >= MANY_DEPENDENTS:
            why = f"{len(imp.dependents)} systems depend on it"
        if why:
            severity = _HIGHER[base]
            evidence["severity_reason"] = f"raised from {base}: {why}"
        elif tier == 4 and not imp.dependents:
            severity = _LOWER[base]
            evidence["severity_reason"] = f"lowered from {base}: tier 4 and nothing depends on it"
    return severity, evidence
