"""Issue 24, point 7: every system's blast-radius totals come from one pass over the component graph
(`impact._upstream`), not one walk per system, and they are the answer a walk gives: on generated graphs
(chains, trees, diamonds, cycles, self-loops, independent systems) the audit's impact equals `blast_radius`,
and the site is byte-identical to the one built with the per-system walk."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownership.analysis import impact
from ownership.analysis.impact import blast_radius, build_graph, impacts
from ownership.catalog.load import load_sources
from ownership.commands import site
from ownership.config import Config
from ownership.model import System

AT = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.timezone.utc)


def _walked(dag: nx.DiGraph, systems: Mapping[str, System]) -> dict[int, impact._Totals]:
    """The oracle: what impact.py computed before, a walk (nx.ancestors) per component."""
    own = {}
    for c in dag:
        members = [systems[m] for m in dag.nodes[c]["members"]]
        own[c] = [len(members), sum(impact._weight(s.tier) for s in members),
                  sum(s.tier == 1 for s in members), sum(s.customer_facing for s in members)]
    out = {}
    for c in dag:
        above = [c, *nx.ancestors(dag, c)]
        out[c] = impact._Totals(*(sum(own[a][i] for a in above) for i in range(4)))
    return out


def _yaml(n: int, deps: Mapping[int, set[int]], tiers: list[int], facing: list[bool]) -> str:
    lines = ["teams: [{name: t}]", "systems:"]
    for i in range(n):
        on = ", ".join(f"s{j:02d}" for j in sorted(deps.get(i, ())))
        lines.append(f"  - {{name: s{i:02d}, owner: t, tier: {tiers[i]}, customer_facing: "
                     f"{str(facing[i]).lower()}, depends_on: [{on}]}}")
    return "\n".join(lines) + "\n"


@st.composite
def _catalogs(draw: st.DrawFn) -> str:
    n = draw(st.integers(1, 14))
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))
    deps: dict[int, set[int]] = {}
    for a, b in edges:
        deps.setdefault(a, set()).add(b)
    tiers = draw(st.lists(st.integers(1, 4), min_size=n, max_size=n))
    facing = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return _yaml(n, deps, tiers, facing)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_catalogs())
def test_every_systems_impact_is_the_walked_blast_radius_on_generated_graphs(text: str) -> None:
    cat, _ = load_sources([("gen.yaml", text)])
    g = build_graph(cat)
    dag = impact.condensation(g)
    assert impact._upstream(dag, cat.systems) == _walked(dag, cat.systems)
    for name in cat.systems:
        assert impacts(cat)[name] == blast_radius(cat, g, [name]), name


def _shape(shape: str, n: int) -> dict[int, set[int]]:
    if shape == "chain":
        return {i: {i + 1} for i in range(n - 1)}
    if shape == "tree":  # each system is needed by two others: a binary tree of dependents
        return {i: {(i - 1) // 2} for i in range(1, n)}
    if shape == "diamonds":
        return {i: {i + 1, i + 2} for i in range(0, n - 2, 2)} | {i: {i + 1} for i in range(1, n - 1, 2)}
    if shape == "cycles":
        return {i: {i + 1 if i % 5 != 4 else i - 4, (i * 7) % n} for i in range(n)}
    return {}


@pytest.mark.parametrize("shape", ["chain", "tree", "diamonds", "cycles", "independent"])
def test_the_site_is_byte_identical_to_the_one_built_with_a_walk_per_system(
        shape: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    n = 24
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    (catalog / "catalog.yaml").write_text(_yaml(n, _shape(shape, n), [i % 4 + 1 for i in range(n)],
                                                [i % 3 == 0 for i in range(n)]))

    def build(out: str) -> dict[str, bytes]:
        site.run(site.Request([str(catalog)], Config(), str(tmp_path / out), at=AT, roster_source=None, scan=False,
                              warn=lambda line: None))
        root = tmp_path / out
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    ours = build("ours")
    monkeypatch.setattr(impact, "_upstream", _walked)
    monkeypatch.setattr(impact, "_IMPACTS", impact.ByIdentity())  # nothing computed the new way is reused
    walked = build("walked")
    assert ours.keys() == walked.keys() and len(ours) > n
    assert [name for name in ours if ours[name] != walked[name]] == []
