"""Blast radius: what breaks when a system breaks. Pure: a Catalog and its networkx graph in, data out."""
from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ownership.errors import OwnershipError
from ownership.model import Catalog, System

if TYPE_CHECKING:  # networkx is imported when a graph is used: `ownership page` never needs it
    import networkx as nx


class UnknownSystem(OwnershipError, LookupError):
    """A system name the catalog does not have; the message suggests the closest names."""


def find_system(catalog: Catalog, name: str) -> System:
    system = catalog.systems.get(name)
    if system is not None:
        return system
    close = difflib.get_close_matches(name, list(catalog.systems), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise UnknownSystem(f"no system '{name}' in the catalog ({len(catalog.systems)} systems){hint}")


@dataclass(frozen=True, slots=True)
class Hit:
    """One system in the radius; depth 0 is an affected system itself."""

    name: str
    depth: int
    tier: int
    customer_facing: bool
    owner: str
    lifecycle: str

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "depth": self.depth, "tier": self.tier,
                "customer_facing": self.customer_facing, "owner": self.owner, "lifecycle": self.lifecycle}


@dataclass(frozen=True)
class Impact:
    roots: tuple[Hit, ...]
    hits: tuple[Hit, ...]  # transitive dependents, nearest first, then by tier and name
    depth_limit: int | None
    edges: tuple[tuple[str, str], ...]  # (dependent, dependency) among roots and hits, for drawing

    @property
    def tier1(self) -> int:
        return sum(1 for h in self.hits if h.tier == 1)

    @property
    def customer_facing(self) -> int:
        return sum(1 for h in self.hits if h.customer_facing)

    def layers(self) -> dict[int, list[Hit]]:
        out: dict[int, list[Hit]] = {0: list(self.roots)}
        for h in self.hits:
            out.setdefault(h.depth, []).append(h)
        return out

    def summary(self) -> str:
        n = len(self.hits)
        names = ", ".join(h.name for h in self.roots)
        return (f"{n} system{'s' if n != 1 else ''} depend on {names}"
                f"{'' if self.depth_limit is None else f' within depth {self.depth_limit}'}: "
                f"{self.tier1} tier-1, {self.customer_facing} customer-facing")

    def to_json(self) -> dict[str, object]:
        return {"roots": [h.to_json() for h in self.roots], "depth_limit": self.depth_limit,
                "dependents": [h.to_json() for h in self.hits],
                "counts": {"dependents": len(self.hits), "tier1": self.tier1,
                           "customer_facing": self.customer_facing}}


def _hit(system: System, depth: int) -> Hit:
    return Hit(system.name, depth, system.tier, system.customer_facing, system.owner, system.lifecycle)


def blast_radius(catalog: Catalog, g: nx.DiGraph, roots: Sequence[str], depth: int | None = None,
                 with_edges: bool = False) -> Impact:
    """Transitive dependents of `roots` (the systems that break too), each at its nearest distance."""
    from ownership import graph

    distances = graph.dependents(g, roots, depth)
    systems = catalog.systems
    hits = sorted((_hit(systems[n], d) for n, d in distances.items()), key=lambda h: (h.depth, h.tier, h.name))
    edges: tuple[tuple[str, str], ...] = ()
    if with_edges:
        inside = set(distances) | set(roots)
        # only edges that point one layer closer to the roots: the picture shows how the break travels
        level = {**distances, **{r: 0 for r in roots}}
        edges = tuple(sorted((u, v) for u, v in g.subgraph(inside).edges() if level[u] == level[v] + 1))
    return Impact(tuple(_hit(systems[r], 0) for r in roots), tuple(hits), depth, edges)
