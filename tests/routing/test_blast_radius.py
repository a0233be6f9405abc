"""Blast radius (transitive dependents by depth) and suspects (dependencies) from the networkx graph."""
from __future__ import annotations

from ownership import graph
from ownership.catalog.load import load_sources
from ownership.routing import blast_radius
from tests.routing import orgs


def test_dependents_by_depth_with_tier_customer_facing_and_owner() -> None:
    cat = orgs.catalog()
    impact = blast_radius(cat, graph.build(cat), ["payments-api"])
    assert [(h.name, h.depth, h.tier, h.customer_facing, h.owner) for h in impact.hits] == [
        ("checkout", 1, 1, True, "web"), ("reports", 1, 3, False, "ledger"), ("storefront", 2, 2, True, "web")]
    assert (impact.tier1, impact.customer_facing) == (1, 2)
    assert impact.summary() == "3 systems depend on payments-api: 1 tier-1, 2 customer-facing"


def test_depth_limit_stops_the_walk() -> None:
    cat = orgs.catalog()
    impact = blast_radius(cat, graph.build(cat), ["db"], depth=2)
    assert [(h.name, h.depth) for h in impact.hits] == [("ledger-api", 1), ("payments-api", 2)]
    assert impact.summary().endswith("within depth 2: 2 tier-1, 1 customer-facing")


def test_a_leaf_nobody_depends_on_has_an_empty_radius() -> None:
    cat = orgs.catalog()
    impact = blast_radius(cat, graph.build(cat), ["storefront"])
    assert impact.hits == () and impact.tier1 == 0


def test_each_system_counts_once_at_its_nearest_distance() -> None:
    cat = orgs.catalog()
    # db -> ledger-api -> payments-api; checkout is 3 hops from db, reports too
    distances = graph.dependents(graph.build(cat), ["db"])
    assert distances == {"ledger-api": 1, "payments-api": 2, "checkout": 3, "reports": 3, "storefront": 4}


def test_cycles_never_put_the_root_in_its_own_radius() -> None:
    text = """\
teams: [{name: t}]
systems:
  - {name: a, owner: t, depends_on: [b]}
  - {name: b, owner: t, depends_on: [c]}
  - {name: c, owner: t, depends_on: [a]}
"""
    cat, _ = load_sources([("c.yaml", text)])
    g = graph.build(cat)
    assert graph.dependents(g, ["a"]) == {"c": 1, "b": 2}
    assert graph.cycles(g) == [["a", "b", "c"]]  # the existing API still answers


def test_several_roots_share_one_radius() -> None:
    cat = orgs.catalog()
    impact = blast_radius(cat, graph.build(cat), ["auth", "ledger-api"])
    assert [h.name for h in impact.hits if h.depth == 1] == ["payments-api"]
    assert [r.name for r in impact.roots] == ["auth", "ledger-api"]


def test_suspects_are_dependencies_by_distance() -> None:
    cat = orgs.catalog()
    assert graph.dependencies(graph.build(cat), ["checkout"]) == {"payments-api": 1, "ledger-api": 2, "auth": 2,
                                                                  "db": 3}
    assert graph.by_depth({"b": 2, "a": 1, "c": 2}) == {1: ["a"], 2: ["b", "c"]}


def test_edges_for_drawing_point_one_layer_closer_to_the_root() -> None:
    cat = orgs.catalog()
    impact = blast_radius(cat, graph.build(cat), ["payments-api"], with_edges=True)
    assert impact.edges == (("checkout", "payments-api"), ("reports", "payments-api"), ("storefront", "checkout"))
