"""Blast radius as a ranking key and as the reason a finding's severity rises. Pure: no I/O.

A system matters by its own tier and by what breaks with it: every transitive dependent (edges point from a
system to what it depends on, so dependents are the graph's ancestors), how many of them are tier 1, how many
face customers.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

import networkx as nx

from ownership import graph
from ownership.memo import ByIdentity
from ownership.model import Catalog, Severity, System

MANY_DEPENDENTS = 5  # this many dependents (or one tier-1 dependent) make a gap as urgent as a tier-1 one
_LOWER: dict[str, Severity] = {"error": "warning", "warning": "info", "info": "info"}
_HIGHER: dict[str, Severity] = {"info": "warning", "warning": "error", "error": "error"}


class Dependents(Sequence[str]):
    """The transitive dependents of one system, sorted by name; the names are listed on first use only.

    `len()` and truth are known without listing: in one dependency cycle of N systems every system has the
    other N - 1 as dependents, and holding N such lists would take quadratic time and memory (issue 12).
    Compares equal to a tuple of the same names.
    """

    __slots__ = ("_count", "_make", "_names")

    def __init__(self, count: int, make: Callable[[], list[str]]) -> None:
        self._count = count
        self._make: Callable[[], list[str]] | None = make
        self._names: tuple[str, ...] | None = None

    def _listed(self) -> tuple[str, ...]:
        if self._names is None:
            assert self._make is not None
            self._names, self._make = tuple(self._make()), None
        return self._names

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self._listed()[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self._listed())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(other) == self._count and self._listed() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._listed())

    def __repr__(self) -> str:
        return repr(self._listed())

    def __deepcopy__(self, memo: dict[int, Any]) -> Dependents:
        return self  # immutable (dataclasses.asdict deep-copies fields)


@dataclass(frozen=True)
class Impact:
    dependents: Sequence[str]  # transitive dependents (what breaks when it breaks), by name
    tier1: int  # how many of them are tier 1
    customer_facing: int
    score: float  # tier x blast radius ranking key (higher = riskier)


def _weight(tier: int) -> int:
    """Tier 1 counts 8, tier 2 counts 4, tier 3 counts 2, tier 4 counts 1."""
    return 2 ** (4 - min(max(tier, 1), 4))


@dataclass(frozen=True)
class _Totals:
    """What a set of systems adds to a blast radius: how many, their tier weights, tier 1s, customer-facing."""

    count: int = 0
    weight: int = 0
    tier1: int = 0
    customer_facing: int = 0

    @classmethod
    def of(cls, systems: Iterable[System]) -> _Totals:
        n = w = t1 = cf = 0
        for s in systems:
            n, w, t1, cf = n + 1, w + _weight(s.tier), t1 + (s.tier == 1), cf + s.customer_facing
        return cls(n, w, t1, cf)


class _Impacts(Mapping[str, Impact]):
    """Impact per system, computed on first use: one walk of the component graph per system asked about, so
    an audit of a 10,000-system catalog pays only for the systems its findings and report actually rank.

    The walk is over strongly connected components (graph.condensation): every system of a cycle has the
    same systems upstream, so a catalog that is one big cycle costs one step per system, not N."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._graph = graph.build(catalog)
        self._done: dict[str, Impact] = {}
        self._totals: dict[int, _Totals] | None = None

    def __getitem__(self, name: str) -> Impact:
        hit = self._done.get(name)
        if hit is None:
            if name not in self._catalog.systems:
                raise KeyError(name)
            hit = self._done[name] = self._compute(name)
        return hit

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._catalog.systems))

    def __len__(self) -> int:
        return len(self._catalog.systems)

    def _compute(self, name: str) -> Impact:
        dag = graph.condensation(self._graph)
        systems = self._catalog.systems
        if self._totals is None:
            self._totals = {c: _Totals.of(systems[m] for m in dag.nodes[c]["members"]) for c in dag}
        mine = dag.graph["mapping"][name]
        # its own component too: the rest of its cycle depends on it (the system itself is taken out below)
        above = [mine, *nx.ancestors(dag, mine)]
        own = systems[name]
        total = [sum(getattr(self._totals[c], f) for c in above)
                 for f in ("count", "weight", "tier1", "customer_facing")]
        count, weight = total[0] - 1, total[1] - _weight(own.tier)
        tier1, cf = total[2] - (own.tier == 1), total[3] - own.customer_facing

        def names() -> list[str]:
            return sorted(m for c in above for m in dag.nodes[c]["members"] if m != name)

        score = _weight(own.tier) * (1 + weight / 8) + cf + (1 if own.customer_facing else 0)
        return Impact(Dependents(count, names), tier1, cf, round(score, 3))


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
