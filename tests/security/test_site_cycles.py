"""Issue 12, hole 5: `site` stays sub-quadratic on dependency cycles.

Blast radius is answered per strongly connected component (analysis/impact.py's condensation), and a system's dependents
are listed only when asked, so one cycle through the whole catalog costs what an acyclic catalog does.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ownership.analysis import impact
from ownership.catalog.load import load_sources
from ownership.model import Catalog
from tests.conftest import ROOT

SYSTEMS = 20_000
LIMIT = 120.0  # seconds; linear rendering takes 30-50 s here, the quadratic audit it replaces ~20 min


def _cycle_catalog(folder: Path, n: int) -> None:
    folder.mkdir()
    (folder / "teams.yaml").write_text("teams:\n  - name: core\n    members: [a@acme.test]\n")
    per_file = 1000
    for start in range(0, n, per_file):
        lines = ["systems:"]
        for i in range(start, min(start + per_file, n)):
            lines += [f"  - name: s{i:05d}", "    owner: core", f"    tier: {i % 4 + 1}",
                      f"    customer_facing: {'true' if i % 3 == 0 else 'false'}",
                      f"    depends_on: [s{(i + 1) % n:05d}]"]
        (folder / f"systems-{start // per_file:02d}.yaml").write_text("\n".join(lines) + "\n")


@pytest.mark.slow
def test_a_site_of_20000_systems_in_one_cycle_builds_in_bounded_time(tmp_path: Path) -> None:
    _cycle_catalog(tmp_path / "catalog", SYSTEMS)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "ownership", "site", "--catalog", "catalog", "--out", "site",
                           "--no-scan",
                           "--at", "2026-06-01T09:00:00+00:00"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=LIMIT * 2)
    took = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-2000:]
    assert took < LIMIT, f"site took {took:.1f} s"
    page = (tmp_path / "site" / "systems" / "s00000.html").read_text()
    assert f"<strong>{SYSTEMS - 1}</strong> system(s) break with it" in page


MIXED = """\
teams: [{name: t}]
systems:
  - {name: a, owner: t, tier: 1, customer_facing: true, depends_on: [b]}
  - {name: b, owner: t, tier: 2, depends_on: [c, d]}
  - {name: c, owner: t, tier: 3, depends_on: [b, e]}
  - {name: d, owner: t, tier: 4, customer_facing: true, depends_on: [e]}
  - {name: e, owner: t, tier: 1, depends_on: [e]}
  - {name: f, owner: t, tier: 2, customer_facing: true, depends_on: [a, d]}
  - {name: g, owner: t, tier: 3}
"""


def _naive(catalog: Catalog, name: str) -> impact.Impact:
    """The blast radius as it was computed before: one walk of the whole graph per system."""
    distances = impact.dependents(impact.build_graph(catalog), [name])
    systems = [catalog.systems[d] for d in sorted(distances)]
    own = catalog.systems[name]
    w = impact._weight
    score = w(own.tier) * (1 + sum(w(s.tier) for s in systems) / 8) \
        + sum(1 for s in systems if s.customer_facing) + (1 if own.customer_facing else 0)
    # issue 13: one Impact record; the hits are Dependent records, nearest first, then by tier and name
    hits = sorted((impact.Dependent.of(catalog.systems[n], d) for n, d in distances.items()),
                  key=lambda h: (h.depth, h.tier, h.name))
    return impact.Impact((impact.Dependent.of(own, 0),), tuple(hits), None, (),
                         sum(1 for s in systems if s.tier == 1), sum(1 for s in systems if s.customer_facing),
                         round(score, 3))


def test_component_answers_equal_the_walk_per_system_with_and_without_cycles() -> None:
    catalog, findings = load_sources([("mixed.yaml", MIXED)])
    assert findings == [] and impact.cycles(impact.build_graph(catalog)) == [["b", "c"], ["e"]]
    got = impact.impacts(catalog)
    for name in catalog.systems:
        assert got[name] == _naive(catalog, name), name
        assert len(got[name].dependents) == len(_naive(catalog, name).dependents)
    assert got["e"].dependents == ("a", "b", "c", "d", "f")  # its self-loop does not count itself
    assert got["b"].dependents == ("a", "c", "f")  # the rest of its cycle, and what depends on that


def test_dependents_are_counted_without_being_listed() -> None:
    catalog, _ = load_sources([("ring.yaml", "teams: [{name: t}]\nsystems:\n" + "".join(
        f"  - {{name: s{i}, owner: t, depends_on: [s{(i + 1) % 50}]}}\n" for i in range(50)))])
    deps = impact.impacts(catalog)["s0"].dependents
    # issue 13: the lazy list is the generic impact.Listed (its items are `_items`), shared by hits
    assert len(deps) == 49 and deps._items is None  # type: ignore[attr-defined]
    assert list(deps)[:2] == ["s1", "s10"] and deps[-1] == "s9"
