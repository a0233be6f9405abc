"""Blast radius (transitive dependents by depth) and suspects (dependencies) from the networkx graph; the
audit's per-system impact and `blast-radius` are one record with one answer."""
from __future__ import annotations

import pytest

from ownership.analysis.impact import (UnknownSystem, blast_radius, build_graph, cycles, dependencies,
                                       dependents, find_system, impacts)
from ownership.catalog.load import load_sources
from tests.routing import orgs
from tests.security.test_site_cycles import MIXED  # a catalog with cycles, self-loops and isolated systems


def test_dependents_by_depth_with_tier_customer_facing_and_owner() -> None:
    cat = orgs.catalog()
    impact = blast_radius(cat, build_graph(cat), ["payments-api"])
    assert [(h.name, h.depth, h.tier, h.customer_facing, h.owner) for h in impact.hits] == [
        ("checkout", 1, 1, True, "web"), ("reports", 1, 3, False, "ledger"), ("storefront", 2, 2, True, "web")]
    assert (impact.tier1, impact.customer_facing) == (1, 2)
    assert impact.summary() == "3 systems depend on payments-api: 1 tier-1, 2 customer-facing"


def test_depth_limit_stops_the_walk() -> None:
    cat = orgs.catalog()
    impact = blast_radius(cat, build_graph(cat), ["db"], depth=2)
    assert [(h.name, h.depth) for h in impact.hits] == [("ledger-api", 1), ("payments-api", 2)]
    assert impact.summary().endswith("within depth 2: 2 tier-1, 1 customer-facing")


def test_a_leaf_nobody_depends_on_has_an_empty_radius() -> None:
    cat = orgs.catalog()
    impact = blast_radius(cat, build_graph(cat), ["storefront"])
    assert impact.hits == () and impact.tier1 == 0


def test_each_system_counts_once_at_its_nearest_distance() -> None:
    cat = orgs.catalog()
    # db -> ledger-api -> payments-api; checkout is 3 hops from db, reports too
    distances = dependents(build_graph(cat), ["db"])
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
    g = build_graph(cat)
    assert dependents(g, ["a"]) == {"c": 1, "b": 2}
    assert cycles(g) == [["a", "b", "c"]]  # the existing API still answers


def test_several_roots_share_one_radius() -> None:
    cat = orgs.catalog()
    impact = blast_radius(cat, build_graph(cat), ["auth", "ledger-api"])
    assert [h.name for h in impact.hits if h.depth == 1] == ["payments-api"]
    assert [r.name for r in impact.roots] == ["auth", "ledger-api"]


def test_suspects_are_dependencies_by_distance() -> None:
    cat = orgs.catalog()
    assert dependencies(build_graph(cat), ["checkout"]) == {"payments-api": 1, "ledger-api": 2, "auth": 2,
                                                                  "db": 3}


def test_edges_for_drawing_point_one_layer_closer_to_the_root() -> None:
    cat = orgs.catalog()
    impact = blast_radius(cat, build_graph(cat), ["payments-api"], with_edges=True)
    assert impact.edges == (("checkout", "payments-api"), ("reports", "payments-api"), ("storefront", "checkout"))


def test_the_audit_and_blast_radius_give_one_answer_for_every_system() -> None:
    # issue 13: the audit's per-system impact (per component) and `blast-radius` (one walk) are one record
    cat, _ = load_sources([("mixed.yaml", MIXED)])
    g = build_graph(cat)
    for name in cat.systems:
        assert impacts(cat)[name] == blast_radius(cat, g, [name]), name


def test_the_audit_impact_lists_its_dependents_nearest_first_only_when_asked() -> None:
    cat, _ = load_sources([("mixed.yaml", MIXED)])
    imp = impacts(cat)["e"]
    assert len(imp.hits) == 5 and imp.hits._items is None  # type: ignore[attr-defined]
    assert [(h.name, h.depth) for h in imp.hits] == [("c", 1), ("d", 1), ("b", 2), ("f", 2), ("a", 3)]
    assert imp.dependents == ("a", "b", "c", "d", "f") and imp.summary() == \
        "5 systems depend on e: 1 tier-1, 3 customer-facing"


def test_several_roots_rank_by_the_heaviest_root() -> None:
    cat, _ = load_sources([("mixed.yaml", MIXED)])
    g = build_graph(cat)
    both = blast_radius(cat, g, ["a", "g"])
    assert both.hits == blast_radius(cat, g, ["a"]).hits
    assert both.score == blast_radius(cat, g, ["a"]).score  # a is tier 1 and customer-facing, g adds nothing


def test_an_unknown_system_is_refused_with_the_closest_names() -> None:
    cat = orgs.catalog()
    with pytest.raises(UnknownSystem, match=r"no system 'payments-ap' in the catalog \(\d+ systems\); did you "
                                            r"mean 'payments-api'\?"):
        find_system(cat, "payments-ap")
    assert find_system(cat, "payments-api").name == "payments-api"
