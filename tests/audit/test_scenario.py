"""The labelled scenario: a generated org of 44 systems whose expected findings are written down by hand.
The audit must produce exactly that set of (rule, subject) pairs: no false positives, no misses."""
from __future__ import annotations

import pytest

from ownership.audit import AuditResult, audit
from ownership.inputs import prepare
from ownership.config import load as load_config
from ownership.model import Finding
from tests.audit import org
from tests.conftest import isolate

EXPECTED = {
    # people: the roster against the catalog
    ("owner-left", "team:gamma"),  # g1 left; g2 and g3 remain
    ("owner-left", "team:delta"),  # d1 left; nobody remains
    ("team-without-active-members", "team:delta"),
    ("owner-transferred", "team:epsilon"),  # e2 works in alpha now
    ("owner-transferred", "system:eps-maint"),  # ... and is still eps-maint's maintainer
    ("owner-left", "team:zeta"),  # z2 leaves on 2026-12-31
    ("owner-left", "system:maint-left"),  # y1 left; zeta still owns it
    ("owner-left", "system:orph-ghost"),  # x1: employed, in no team, never committed to it
    # ownerless
    ("orphaned", "system:orph-delta"),
    ("orphaned", "system:orph-ghost"),
    ("knowledge-loss", "system:orph-delta"),  # 2 of 3 files only by d1
    ("knowledge-loss", "system:orph-ghost"),  # 2 of 2
    ("knowledge-loss", "system:kl-high"),  # 2 of 3 (kl-half, exactly 2 of 4, is not)
    # dormant: over the tier limit (dormant-t1-90 and fresh-t4 are exactly at or under it)
    ("dormant", "system:dormant-t1-91"),
    ("dormant", "system:dormant-t2"),
    ("dormant", "system:dormant-t3"),
    ("dormant", "system:dormant-t4"),
    ("dormant", "system:bots-only"),  # only dependabot in the last 425 days
    ("dormant", "system:deprecated-used"),  # deprecated, but production still depends on it
    ("deprecated-dependency", "system:prod-on-deprecated"),
    ("ownership-drift", "system:drift"),
    # one employed person holds the knowledge
    ("bus-factor", "system:bus-one"),
    ("bus-factor", "system:kept-by-x"),
    ("bus-factor", "system:kl-half"),  # g2 authors exactly half the files
    # issue 13 item 11: employed truck factor 0 (worse than 1) is a bus-factor too
    ("bus-factor", "system:orph-delta"),
    ("bus-factor", "system:orph-ghost"),
    ("bus-factor", "system:kl-high"),
    # tiers 1 and 2 of a team without on-call
    ("no-oncall", "system:gamma-t1"),
    ("no-oncall", "system:gamma-t2"),
}


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> AuditResult:
    paths = org.write(tmp_path_factory.mktemp("org"))
    config = load_config(paths["config"])
    warnings: list[str] = []
    with pytest.MonkeyPatch.context() as mp:  # module-wide, so isolated here like every test (conftest)
        isolate(tmp_path_factory.mktemp("home"), mp)
        snap, loaded = prepare([str(paths["catalog"])], config, today=org.TODAY, roster_source=str(paths["roster"]),
                               warn=warnings.append)
    assert warnings == [] and loaded == []
    return audit(snap, loaded)


def test_the_org_is_big_enough() -> None:
    assert len(org.SYSTEMS) >= 40 and len(org.TEAMS) >= 5


def test_the_audit_finds_exactly_the_labelled_pairs(result: AuditResult) -> None:
    got = {(f.rule, f.subject) for f in result.findings}
    assert got - EXPECTED == set(), "false positives"
    assert EXPECTED - got == set(), "misses"
    assert len(result.findings) == len(EXPECTED)  # one finding per pair


def _one(result: AuditResult, rule: str, subject: str) -> Finding:
    (f,) = [f for f in result.findings if (f.rule, f.subject) == (rule, subject)]
    return f


def test_orphaned_names_the_date_and_suggests_the_employed_author(result: AuditResult) -> None:
    f = _one(result, "orphaned", "system:orph-delta")
    assert f.severity == "error"
    assert "orph-delta has no employed owner since 2025-12-31" in f.message
    assert f.evidence["successors"][0]["person"] == "a2@org.test"
    assert "authors 33 % of files, 2 commits in the last 180 days, in team alpha" in f.message
    ghost = _one(result, "orphaned", "system:orph-ghost")
    assert ghost.evidence["idle_maintainers"] == ["x1@org.test"]


def test_dormant_evidence_is_checkable_by_hand(result: AuditResult) -> None:
    f = _one(result, "dormant", "system:dormant-t1-91")
    assert f.evidence["days"] == 91 and f.evidence["limit_days"] == 90
    assert f.evidence["last_human_commit"] == org.ago(91)
    assert f.severity == "error" and f.evidence["severity_reason"] == "raised from warning: tier 1"
    assert _one(result, "dormant", "system:dormant-t4").severity == "info"  # tier 4, nothing depends on it
    assert _one(result, "dormant", "system:bots-only").evidence["days"] == 425


def test_severity_rises_with_blast_radius(result: AuditResult) -> None:
    f = _one(result, "knowledge-loss", "system:kl-high")  # tier 3, but tier-1 alpha-0 depends on it
    assert f.severity == "error"
    assert (f.evidence["tier"], f.evidence["dependents"], f.evidence["tier1_dependents"]) == (3, 1, 1)
    assert result.impact["alpha-2"].dependents == ("alpha-0", "alpha-1")
    assert result.impact["alpha-2"].tier1 == 1


def test_drift_names_the_people_who_know_the_system(result: AuditResult) -> None:
    f = _one(result, "ownership-drift", "system:drift")
    assert f.evidence["outside"] == [{"person": "a1@org.test", "commits": 4, "team": "alpha"}]
    assert (f.evidence["commits"], f.evidence["outside_commits"]) == (6, 4)


def test_successors_are_ranked_for_the_systems_that_need_one(result: AuditResult) -> None:
    assert result.successors["orph-delta"][0].label == "a2@org.test"
    assert result.successors["orph-ghost"] == ()  # only d1 ever worked on it
    assert "drift" in result.successors and result.successors["drift"][0].label == "a1@org.test"
