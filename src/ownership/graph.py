"""Every graph question, answered with networkx. Edges point from a system to what it depends on."""
from __future__ import annotations

import networkx as nx

from ownership.model import Catalog

_CACHE: dict[int, tuple[Catalog, nx.DiGraph]] = {}


def build(catalog: Catalog) -> nx.DiGraph:
    """The dependency graph (system -> dependency); unknown targets are left out. Cached per catalog."""
    hit = _CACHE.get(id(catalog))
    if hit is not None and hit[0] is catalog:
        return hit[1]
    g: nx.DiGraph = nx.DiGraph()
    systems = catalog.systems
    for name in sorted(systems):
        g.add_node(name)
    for name in sorted(systems):
        for dep in systems[name].depends_on:
            if dep in systems:
                g.add_edge(name, dep)
    if len(_CACHE) > 8:
        _CACHE.clear()
    _CACHE[id(catalog)] = (catalog, g)
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
