"""The off-boarding simulation only re-judges what a departure can touch; prove that it misses nothing.

For every person of the example org (real git history, real roster), the scoped simulation must give exactly
what re-running every rule over the whole catalog gives: the same changed systems and the same new findings.
"""
from __future__ import annotations

import pytest

from ownership import offboard as ob
from ownership.analysis.assessment import Assessment
from ownership.analysis.people import person_of
from ownership.audit import GROUPS
from ownership.catalog.load import load_paths
from ownership.inputs import prepare
from ownership.config import load as load_config
from ownership.demo.history import ANCHOR, write_repos
from ownership.model import Snapshot
from ownership.rules import engine
from tests.conftest import ROOT, isolate


@pytest.fixture(scope="module")
def snap(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    root = tmp_path_factory.mktemp("example")
    catalog, _ = load_paths([ROOT / "catalog"])
    write_repos(catalog, root / "repos", ANCHOR)
    config_file = root / "ownership.yaml"
    config_file.write_text("history:\n  rewrite: {'https://git.acme.test/acme/': 'repos/'}\n  cache: cache/\n")
    with pytest.MonkeyPatch.context() as mp:  # module-wide, so isolated here like every test (conftest)
        isolate(tmp_path_factory.mktemp("home"), mp)
        snapshot, _ = prepare([str(ROOT / "catalog")], load_config(config_file), today=ANCHOR,
                              roster_source=str(ROOT / "examples" / "roster.csv"), allow_roster_shrink=True)
    return snapshot


def _reference(snap: Snapshot, ids: list[str]) -> tuple[set[str], set[tuple[str, str, str]]]:
    """The slow, obviously complete answer: every system, every rule, the whole catalog."""
    after = ob.without(snap, ids)
    facts, facts_after = Assessment(snap), Assessment(after)
    changed = {s.name for s in snap.catalog.systems.values() if ob._change(facts, facts_after, s) is not None}
    before = {f.identity for f in engine.run(snap, GROUPS)}
    new = {f.identity for f in engine.run(after, GROUPS) if f.identity not in before}
    return changed, new


def test_every_single_departure_matches_the_whole_catalog_answer(snap: Snapshot) -> None:
    assert snap.roster is not None and snap.activity is not None
    people = [p.id for p in snap.roster.people if p.employed_on(snap.today)]
    assert len(people) >= 20
    nonempty = 0
    for pid in people:
        result = ob.offboard(snap, [pid])
        changed, new = _reference(snap, [pid])
        assert {c.system for c in result.changes} == changed, pid
        assert {f.identity for f in result.new_findings} == new, pid
        nonempty += bool(new)
    assert nonempty >= 10  # the comparison is about real differences, not empty sets


def test_a_whole_team_leaving_matches_the_whole_catalog_answer(snap: Snapshot) -> None:
    team = snap.catalog.teams["platform"]
    ids = [p.id for ref in (*team.members, team.manager or "")
           if (p := person_of(snap, ref)) is not None]
    result = ob.offboard(snap, ids)
    changed, new = _reference(snap, ids)
    assert {c.system for c in result.changes} == changed
    assert {f.identity for f in result.new_findings} == new
    assert {"kafka", "postgres-main"} <= set(result.orphaned)
