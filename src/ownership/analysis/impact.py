"""Blast radius: what breaks when a system breaks, answered in this one place. Pure: a Catalog in, data out.

Edges point from a system to what it depends on, so a system's dependents are its ancestors in the graph.
One record, `Impact`, answers every question about it: the affected systems (`roots`), what breaks with them
(`hits`, each a `Dependent` at its nearest distance), how many of those are tier 1 and face customers, and a
ranking `score`.

- `blast_radius()`: some systems breaking together, to a depth, with the edges to draw (blast-radius,
  incident, the site's and the report's pictures);
- `impacts()`: every system on its own, computed lazily per strongly connected component (audit, report,
  site, offboard), so a catalog that is one big cycle costs what an acyclic one does (issue 12);
- `escalate()`: a finding's severity from its system's tier and blast radius (rules);
- the graph questions under both: `build_graph`, `cycles`, `condensation`, `dependents`, `dependencies`.

networkx is imported on first use: `ownership page` only needs `find_system` and never pays for it.
"""
from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar, overload

from ownership.support.bits import bitset
from ownership.errors import OwnershipError
from ownership.support.memo import ByIdentity
from ownership.model import Catalog, Severity, System, owned_by
from ownership.support.words import noun_for, plural

if TYPE_CHECKING:
    import networkx as nx

MANY_DEPENDENTS = 5  # this many dependents (or one tier-1 dependent) make a gap as urgent as a tier-1 one
_LOWER: dict[str, Severity] = {"error": "warning", "warning": "info", "info": "info"}
_HIGHER: dict[str, Severity] = {"info": "warning", "warning": "error", "error": "error"}
T = TypeVar("T")


class UnknownSystem(OwnershipError, LookupError):
    """A system name the catalog does not have; the message suggests the closest names."""


def find_system(catalog: Catalog, name: str) -> System:
    system = catalog.systems.get(name)
    if system is not None:
        return system
    close = difflib.get_close_matches(name, list(catalog.systems), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise UnknownSystem(f"no system '{name}' in the catalog ({len(catalog.systems)} systems){hint}")


# -- the graph ------------------------------------------------------------------------------------------------

_GRAPHS: ByIdentity[nx.DiGraph] = ByIdentity()
_CONDENSED: ByIdentity[nx.DiGraph] = ByIdentity()


class Edge(NamedTuple):
    """One dependency: `source` breaks when `target` breaks; `field` is where `source` says so."""

    source: str
    target: str
    field: str  # "depends_on[2]", "consumes_apis[0]" (through an API `target` provides), "subcomponent_of"


def edges(catalog: Catalog) -> Iterator[Edge]:
    """Every dependency between the catalog's systems, the one definition of them (unknown targets are left
    out), in catalog order:

    - `depends_on` (native `depends_on`, Backstage `spec.dependsOn`): the system needs the target;
    - API consumption: a system that consumes an API (`spec.consumesApis`) depends on every system that
      provides it (`spec.providesApis`), as Backstage's consumesApi/apiProvidedBy relations chain;
    - `subcomponentOf`: the part's failure reaches the whole (Backstage's partOf/hasPart: the parent is made
      of its subcomponents), so the parent depends on each subcomponent; a subcomponent does not depend on
      its parent, whose other parts may fail without touching it.
    """
    systems = catalog.systems
    providers: dict[str, list[str]] = {}
    for s in systems.values():
        for api in s.provides_apis:
            providers.setdefault(api, []).append(s.name)
    for s in systems.values():
        for i, dep in enumerate(s.depends_on):
            if dep in systems:
                yield Edge(s.name, dep, f"depends_on[{i}]")
        for i, api in enumerate(s.consumes_apis):
            for provider in providers.get(api, ()):
                if provider != s.name:
                    yield Edge(s.name, provider, f"consumes_apis[{i}]")
        parent = s.subcomponent_of
        if parent is not None and parent in systems and parent != s.name:
            yield Edge(parent, s.name, "subcomponent_of")


def edge_field(catalog: Catalog, source: str, target: str) -> str:
    """Where `source` says it depends on `target` (the field of the first such edge), for findings."""
    return next((e.field for e in edges(catalog) if e.source == source and e.target == target), "name")


def direct_dependents(catalog: Catalog, name: str) -> list[str]:
    """The systems that break directly when `name` breaks, sorted."""
    g = build_graph(catalog)
    return sorted(g.predecessors(name)) if name in g else []


def build_graph(catalog: Catalog) -> nx.DiGraph:
    """The dependency graph (system -> dependency); unknown targets are left out. Cached per catalog."""
    return _GRAPHS.get(catalog, make=lambda: _build(catalog))


def _build(catalog: Catalog) -> nx.DiGraph:
    import networkx as nx

    g: nx.DiGraph = nx.DiGraph()
    systems = catalog.systems
    for name in sorted(systems):
        g.add_node(name)
    g.add_edges_from(sorted((e.source, e.target) for e in edges(catalog)))
    return g


def cycles(g: nx.DiGraph) -> list[list[str]]:
    """One cycle per strongly connected component that has one, each starting at its smallest name.

    Listing every elementary cycle can be exponential; one representative per component is what a person
    needs to break it, and fixing it reveals the next.
    """
    import networkx as nx

    found = []
    for comp in nx.strongly_connected_components(g):
        if len(comp) == 1:
            (node,) = comp
            if g.has_edge(node, node):
                found.append([node])
            continue
        edges = nx.find_cycle(g.subgraph(comp), source=min(comp))
        cycle = [u for u, _ in edges]
        i = cycle.index(min(cycle))
        found.append(cycle[i:] + cycle[:i])
    return sorted(found)


def condensation(g: nx.DiGraph) -> nx.DiGraph:
    """One node per strongly connected component (node attribute `members`; `graph["mapping"]`: system ->
    its component), edges as between their systems. A DAG, so questions about everything upstream are asked
    once per component instead of once per system of a cycle. Cached per graph."""
    import networkx as nx

    return _CONDENSED.get(g, make=lambda: nx.condensation(g))


def dependents(g: nx.DiGraph, roots: Iterable[str], depth: int | None = None) -> dict[str, int]:
    """Every system that (transitively) depends on one of `roots`, with its distance.

    Distance 1 is a direct dependent. `depth` stops the walk (None: all the way). The roots themselves are
    left out, even when a cycle leads back to them.
    """
    return _distances(g.reverse(copy=False), roots, depth)


def dependencies(g: nx.DiGraph, roots: Iterable[str], depth: int | None = None) -> dict[str, int]:
    """Suspects: every system one of `roots` (transitively) needs, with its distance (1 = direct)."""
    return _distances(g, roots, depth)


def _distances(g: nx.DiGraph, roots: Iterable[str], depth: int | None) -> dict[str, int]:
    import networkx as nx

    sources = [r for r in roots if r in g]
    if not sources:
        return {}
    # one multi-source BFS: each node gets its distance to the nearest root
    found = dict(nx.multi_source_dijkstra_path_length(g, sources, cutoff=depth)) if len(sources) > 1 else \
        dict(nx.single_source_shortest_path_length(g, sources[0], cutoff=depth))
    for r in sources:
        found.pop(r, None)
    return {n: int(d) for n, d in found.items()}


# -- the record -----------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Dependent:
    """One system in a blast radius; depth 0 is an affected system itself."""

    name: str
    depth: int
    tier: int
    customer_facing: bool
    owner: str
    lifecycle: str
    owner_person: str | None = None  # a Backstage User owns it (System.owner_person)
    kind: str = "system"

    @classmethod
    def of(cls, system: System, depth: int) -> Dependent:
        return cls(system.name, depth, system.tier, system.customer_facing, system.owner, system.lifecycle,
                   system.owner_person, system.kind)

    @property
    def owned_by(self) -> str:
        return owned_by(self.owner, self.owner_person)

    @property
    def owner_label(self) -> str:
        """The team, else the person who owns it (the pictures' short form)."""
        return self.owner or self.owner_person or ""

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "depth": self.depth, "tier": self.tier,
                "customer_facing": self.customer_facing, "owner": self.owner, "lifecycle": self.lifecycle,
                "owner_person": self.owner_person, "kind": self.kind}


class Listed(Sequence[T], Generic[T]):
    """A sequence whose length is known up front and whose items are listed on first use only.

    In one dependency cycle of N systems every system has the other N - 1 as dependents, and holding N such
    lists would take quadratic time and memory (issue 12). Compares equal to a tuple of the same items.
    """

    __slots__ = ("_count", "_items", "_make")

    def __init__(self, count: int, make: Callable[[], Iterable[T]]) -> None:
        self._count = count
        self._make: Callable[[], Iterable[T]] | None = make
        self._items: tuple[T, ...] | None = None

    def _listed(self) -> tuple[T, ...]:
        if self._items is None:
            assert self._make is not None
            self._items, self._make = tuple(self._make()), None
        return self._items

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...

    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        return self._listed()[index]

    def __iter__(self) -> Iterator[T]:
        return iter(self._listed())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(other) == self._count and self._listed() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._listed())

    def __repr__(self) -> str:
        return repr(self._listed())

    def __deepcopy__(self, memo: dict[int, Any]) -> Listed[T]:
        return self  # immutable (dataclasses.asdict deep-copies fields)


@dataclass(frozen=True)
class Impact:
    """What breaks when `roots` break."""

    roots: tuple[Dependent, ...]
    hits: Sequence[Dependent]  # transitive dependents, nearest first, then by tier and name
    depth_limit: int | None
    edges: tuple[tuple[str, str], ...]  # (dependent, dependency) among roots and hits, for drawing
    tier1: int  # how many hits are tier 1
    customer_facing: int  # how many hits face customers
    score: float  # tier x blast radius ranking key (higher = riskier)

    @cached_property
    def dependents(self) -> Sequence[str]:
        """The hits' names, sorted; counted without listing them."""
        hits = self.hits
        return Listed(len(hits), lambda: sorted(h.name for h in hits))

    def layers(self) -> dict[int, list[Dependent]]:
        out: dict[int, list[Dependent]] = {0: list(self.roots)}
        for h in self.hits:
            out.setdefault(h.depth, []).append(h)
        return out

    def summary(self) -> str:
        n = len(self.hits)
        names = ", ".join(h.name for h in self.roots)
        return (f"{plural(n, 'system')} {noun_for(n, 'depends')} on {names}"
                f"{'' if self.depth_limit is None else f' within depth {self.depth_limit}'}: "
                f"{self.tier1} tier-1, {self.customer_facing} customer-facing")

    def to_json(self) -> dict[str, object]:
        return {"roots": [h.to_json() for h in self.roots], "depth_limit": self.depth_limit,
                "dependents": [h.to_json() for h in self.hits],
                "counts": {"dependents": len(self.hits), "tier1": self.tier1,
                           "customer_facing": self.customer_facing}}


NO_IMPACT = Impact((), (), None, (), 0, 0, 0.0)


def _weight(tier: int) -> int:
    """Tier 1 counts 8, tier 2 counts 4, tier 3 counts 2, tier 4 counts 1."""
    return 2 ** (4 - min(max(tier, 1), 4))


def _score(roots: Sequence[System], weight: int, customer_facing: int) -> float:
    """The ranking key from the heaviest root's tier, the hits' summed tier weights and customer-facing hits."""
    own = max((_weight(r.tier) for r in roots), default=0)
    return round(own * (1 + weight / 8) + customer_facing + (1 if any(r.customer_facing for r in roots) else 0), 3)


def _ordered(catalog: Catalog, distances: Mapping[str, int]) -> list[Dependent]:
    systems = catalog.systems
    return sorted((Dependent.of(systems[n], d) for n, d in distances.items()),
                  key=lambda h: (h.depth, h.tier, h.name))


def blast_radius(catalog: Catalog, g: nx.DiGraph, roots: Sequence[str], depth: int | None = None,
                 with_edges: bool = False) -> Impact:
    """Transitive dependents of `roots` (the systems that break too), each at its nearest distance."""
    distances = dependents(g, roots, depth)
    hits = _ordered(catalog, distances)
    edges: tuple[tuple[str, str], ...] = ()
    if with_edges:
        inside = set(distances) | set(roots)
        # only edges that point one layer closer to the roots: the picture shows how the break travels
        level = {**distances, **{r: 0 for r in roots}}
        edges = tuple(sorted((u, v) for u, v in g.subgraph(inside).edges() if level[u] == level[v] + 1))
    systems = [catalog.systems[r] for r in roots]
    cf = sum(1 for h in hits if h.customer_facing)
    return Impact(tuple(Dependent.of(s, 0) for s in systems), tuple(hits), depth, edges,
                  sum(1 for h in hits if h.tier == 1), cf, _score(systems, sum(_weight(h.tier) for h in hits), cf))


@dataclass(frozen=True)
class _Totals:
    """What a set of systems adds to a blast radius: how many, their tier weights, tier 1s, customer-facing."""

    count: int = 0
    weight: int = 0
    tier1: int = 0
    customer_facing: int = 0


class _Impacts(Mapping[str, Impact]):
    """The Impact of each system on its own, computed on first use; its dependents are listed (one walk of the
    graph) only for the systems whose hits someone reads, as an audit reads only those its findings rank.

    The counts are over strongly connected components (condensation): every system of a cycle has the same
    systems upstream, so a catalog that is one big cycle costs one step per system, not N. They are computed
    for every component at once, on first use (`_upstream`), so a 4,000-system chain does not walk 4,000
    times (issue 24). The hits are listed (one walk of the graph) only when someone reads them; each equals
    `blast_radius(.., [name])`."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._graph = build_graph(catalog)
        self._done: dict[str, Impact] = {}
        self._totals: dict[int, _Totals] | None = None

    def __getitem__(self, name: str) -> Impact:
        found = self._done.get(name)
        if found is None:
            if name not in self._catalog.systems:
                raise KeyError(name)
            found = self._done[name] = self._compute(name)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._catalog.systems))

    def __len__(self) -> int:
        return len(self._catalog.systems)

    def _compute(self, name: str) -> Impact:
        dag = condensation(self._graph)
        catalog, g = self._catalog, self._graph
        systems = catalog.systems
        if self._totals is None:
            self._totals = _upstream(dag, systems)
        # its own component too: the rest of its cycle depends on it (the system itself is taken out below)
        total = self._totals[dag.graph["mapping"][name]]
        own = systems[name]
        count, weight = total.count - 1, total.weight - _weight(own.tier)
        tier1, cf = total.tier1 - (own.tier == 1), total.customer_facing - own.customer_facing
        hits = Listed(count, lambda: _ordered(catalog, dependents(g, [name])))
        return Impact((Dependent.of(own, 0),), hits, None, (), tier1, cf, _score([own], weight, cf))


def _upstream(dag: nx.DiGraph, systems: Mapping[str, System]) -> dict[int, _Totals]:
    """For each component of the condensation: the totals of its systems and of every system upstream of it
    (each counted once, however many paths lead there).

    One pass in topological order, dependents first: a component's upstream set is its members plus the
    upstream sets of the components that depend on it, held as bitsets over the systems (unions and bit
    counts run in C), each dropped as soon as the last component that needs it is done, so a chain holds
    one set at a time. What `nx.ancestors` per system gave, without walking the graph once per system."""
    import networkx as nx

    size = len(systems)
    index = {name: i for i, name in enumerate(systems)}
    weights: dict[int, list[int]] = {}
    for i, s in enumerate(systems.values()):
        weights.setdefault(_weight(s.tier), []).append(i)
    by_weight = {w: bitset(ids, size) for w, ids in weights.items()}
    tier1 = bitset((i for i, s in enumerate(systems.values()) if s.tier == 1), size)
    customer_facing = bitset((i for i, s in enumerate(systems.values()) if s.customer_facing), size)
    waiting = {c: dag.out_degree(c) for c in dag}  # components below c that still need c's upstream set
    live: dict[int, int] = {}
    totals: dict[int, _Totals] = {}
    for c in nx.topological_sort(dag):
        upstream = bitset((index[m] for m in dag.nodes[c]["members"]), size)
        for d in dag.predecessors(c):
            upstream |= live[d]
            waiting[d] -= 1
            if not waiting[d]:
                del live[d]
        if waiting[c]:
            live[c] = upstream
        totals[c] = _Totals(upstream.bit_count(), sum(w * (upstream & m).bit_count() for w, m in by_weight.items()),
                            (upstream & tier1).bit_count(), (upstream & customer_facing).bit_count())
    return totals


_IMPACTS: ByIdentity[_Impacts] = ByIdentity()


def impacts(catalog: Catalog) -> Mapping[str, Impact]:
    """The Impact of every system of the catalog, computed lazily (cached per catalog object)."""
    return _IMPACTS.get(catalog, make=lambda: _Impacts(catalog))


def _of(catalog: Catalog, system: str) -> Impact:
    return impacts(catalog).get(system) or NO_IMPACT


def escalate(base: Severity, catalog: Catalog, system: str,
             known: Mapping[str, Impact] | None = None) -> tuple[Severity, dict[str, Any]]:
    """The severity of a finding about `system`, from the rule's default, and the evidence that explains it.
    `known`: the blast radius to judge by (an Assessment's); default: the catalog's own.

    Rises one level (warning -> error) for a tier-1 system, or one that a tier-1 system depends on, or one
    with at least MANY_DEPENDENTS dependents. Drops one level (warning -> info) for a tier-4 system nothing
    depends on. Errors stay errors.
    """
    s = catalog.systems.get(system)
    tier = s.tier if s else 3
    imp = (known.get(system) or NO_IMPACT) if known is not None else _of(catalog, system)
    evidence: dict[str, Any] = {"tier": tier, "dependents": len(imp.hits), "tier1_dependents": imp.tier1,
                                "customer_facing_dependents": imp.customer_facing}
    why, severity = None, base
    if base != "error":
        if tier == 1:
            why = "tier 1"
        elif imp.tier1:
            why = f"{plural(imp.tier1, 'tier-1 system')} {noun_for(imp.tier1, 'depends')} on it"
        elif len(imp.hits) >= MANY_DEPENDENTS:
            why = f"{plural(len(imp.hits), 'system')} {noun_for(len(imp.hits), 'depends')} on it"
        if why:
            severity = _HIGHER[base]
            evidence["severity_reason"] = f"raised from {base}: {why}"
        elif tier == 4 and not imp.hits:
            severity = _LOWER[base]
            evidence["severity_reason"] = f"lowered from {base}: tier 4 and nothing depends on it"
    return severity, evidence
