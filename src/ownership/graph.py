"""Every graph question, answered with networkx. Edges point from a system to what it depends on."""
from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from ownership.memo import ByIdentity
from ownership.model import Catalog

_GRAPHS: ByIdentity[nx.DiGraph] = ByIdentity()
_CONDENSED: ByIdentity[nx.DiGraph] = ByIdentity()


def build(catalog: Catalog) -> nx.DiGraph:
    """The dependency graph (system -> dependency); unknown targets are left out. Cached per catalog."""
    return _GRAPHS.get(catalog, make=lambda: _build(catalog))


def _build(catalog: Catalog) -> nx.DiGraph:
    g: nx.DiGraph = nx.DiGraph()
    systems = catalog.systems
    for name in sorted(systems):
        g.add_node(name)
    for name in sorted(systems):
        for dep in systems[name].depends_on:
            if dep in systems:
                g.add_edge(name, dep)
    return g


def cycles(g: nx.DiGraph) -> list[list[str]]:
    """One cycle per strongly connected component that has one, each starting at its smallest name.

    Listing every elementary cycle can be exponential; one representative per component is what a person
    needs to break it, and fixing it reveals the next.
    """
    found = []
    for comp in nx.strongly_connected_components(g):
        if len(comp) == 1:
            (node,) = comp
            if g.has_edge(node, node):
                found.append([node])
            continue
        sub = g.subgraph(comp)
        start = min(comp)
        edges = nx.find_cycle(sub, source=start)
        cycle = [u for u, _ in edges]
        i = cycle.index(min(cycle))
        found.append(cycle[i:] + cycle[:i])
    return sorted(found)


def condensation(g: nx.DiGraph) -> nx.DiGraph:
    """One node per strongly connected component (node attribute `members`; `graph["mapping"]`: system ->
    its component), edges as between their systems. A DAG, so questions about everything upstream are asked
    once per component instead of once per system of a cycle. Cached per graph."""
    return _CONDENSED.get(g, make=lambda: nx.condensation(g))


def dependents(g: nx.DiGraph, roots: Iterable[str], depth: int | None = None) -> dict[str, int]:
    """Blast radius: every system that (transitively) depends on one of `roots`, with its distance.

    Distance 1 is a direct dependent. `depth` stops the walk (None: all the way). The roots themselves are
    left out, even when a cycle leads back to them.
    """
    return _distances(g.reverse(copy=False), roots, depth)


def dependencies(g: nx.DiGraph, roots: Iterable[str], depth: int | None = None) -> dict[str, int]:
    """Suspects: every system one of `roots` (transitively) needs, with its distance (1 = direct)."""
    return _distances(g, roots, depth)


def _distances(g: nx.DiGraph, roots: Iterable[str], depth: int | None) -> dict[str, int]:
    sources = [r for r in roots if r in g]
    if not sources:
        return {}
    # one multi-source BFS: each node gets its distance to the nearest root
    found = dict(nx.multi_source_dijkstra_path_length(g, sources, cutoff=depth)) if len(sources) > 1 else \
        dict(nx.single_source_shortest_path_length(g, sources[0], cutoff=depth))
    for r in sources:
        found.pop(r, None)
    return {n: int(d) for n, d in found.items()}


def by_depth(distances: dict[str, int]) -> dict[int, list[str]]:
    """{distance: sorted names}, nearest first."""
    layers: dict[int, list[str]] = {}
    for name, d in distances.items():
        layers.setdefault(d, []).append(name)
    return {d: sorted(layers[d]) for d in sorted(layers)}
