"""Successor ranking, the off-boarding simulation and blast radius, on records as the scanner produces them."""
from __future__ import annotations

import dataclasses

import pytest

from ownership.analysis.impact import escalate, impacts
from ownership.model import Activity, Snapshot, SystemActivity
from ownership.offboard import offboard
from ownership.analysis.successors import suggest
from tests.rules.test_health import ROSTER, TODAY, WINDOWS, activity, catalog, system, who


def snap(systems: str, acts: list[SystemActivity], teams: str = "") -> Snapshot:
    return Snapshot(catalog(systems, teams), TODAY, ROSTER, Activity(TODAY, WINDOWS, {a.system: a for a in acts}))


def test_recent_knowledge_outranks_old_knowledge() -> None:
    s = snap(system("s"), [activity("s", files=[("ann",), ("gus",)], people=[who("ann", last=800),
                                                                             who("gus", last=10)])])
    ranked = suggest(s, "s")
    assert [g.person for g in ranked] == ["gus", "ann"]
    assert ranked[0].score > ranked[1].score > 0


def test_team_membership_breaks_ties() -> None:
    # gus (no team) sorts before ann by name, and both know exactly as much: ann is in the owning team
    s = snap(system("s"), [activity("s", files=[("ann",), ("gus",)], people=[who("gus"), who("ann")])])
    ranked = suggest(s, "s")
    assert ranked[0].score == ranked[1].score
    assert [(g.person, g.evidence["in_team"]) for g in ranked] == [("ann", True), ("gus", False)]


def test_recent_commits_count_even_without_authorship() -> None:
    s = snap(system("s"), [activity("s", files=[("dee",)], people=[who("dee"), who("gus", recent=3)])])
    (g,) = suggest(s, "s")
    assert (g.person, g.score) == ("gus", 1.0)
    assert g.reason == "authors 0 % of files, 3 commits in the last 180 days"


def test_leavers_bots_maintainers_and_strangers_are_never_suggested() -> None:
    people = [who("dee", recent=5), who("ann", recent=1), who("renovate", recent=9, bot=True),
              dataclasses.replace(who("stranger", recent=9), person=None), who("gus", recent=2)]
    s = snap(system("s", maintainers="[ann@acme.test]"), [activity("s", files=[("dee",)], people=people)])
    assert [g.person for g in suggest(s, "s")] == ["gus"]


def test_the_reason_reads_like_the_evidence() -> None:
    s = snap(system("s"), [activity("s", files=[("ann",), ("ben",)], people=[who("ann", recent=3), who("ben")])])
    top = suggest(s, "s")[0]
    assert top.reason == "authors 50 % of files, 3 commits in the last 180 days, in team core"
    assert top.evidence["last_commit"] == "2026-06-20" and top.label == "ann@acme.test"


def test_a_bus_factor_gap_is_not_answered_with_the_person_the_knowledge_rests_on() -> None:
    from ownership.audit import audit

    # ann authors every file (employed truck factor 1); gus has recent commits: he is the one to spread it to
    s = snap(system("s"), [activity("s", files=[("ann",), ("ann",), ("ann",)],
                                    people=[who("ann", recent=6), who("gus", recent=2)])])
    assert [g.person for g in suggest(s, "s")][:1] == ["ann"]
    result = audit(s)
    assert {f.rule for f in result.findings if f.subject == "system:s"} == {"bus-factor"}
    assert [g.person for g in result.successors["s"]] == ["gus"]


def test_no_suggestions_without_a_roster_or_history() -> None:
    s = snap(system("s"), [])
    assert suggest(s, "s") == () and suggest(dataclasses.replace(s, roster=None), "s") == ()


# --------------------------------------------------------------------------- offboard


SYSTEMS = (system("api", tier=1, depends_on="[db]") + system("db", tier=2) + system("web", owner="quiet",
                                                                                   depends_on="[api]"))


def test_offboarding_a_whole_team_orphans_its_systems_and_shows_the_blast_radius() -> None:
    s = snap(SYSTEMS, [activity("api"), activity("db"), activity("web", files=[("cat",)])])
    r = offboard(s, ["ann@acme.test", "ben"])
    assert r.orphaned == ("api", "db")  # tier 1 first
    assert r.teams_emptied == ("core",)
    assert r.blast_radius == ("web",)
    db = next(c for c in r.changes if c.system == "db")
    assert (db.owners_before, db.owners_after, db.dependents, db.tier1_dependents) == (2, 0, ("api", "web"), 1)
    assert (db.truck_factor_before, db.truck_factor_after) == (2, 0)
    assert (db.knowledge_loss_before, db.knowledge_loss_after) == (0.0, 1.0)
    assert {(f.rule, f.subject) for f in r.new_findings} >= {("orphaned", "system:api"), ("orphaned", "system:db"),
                                                             ("knowledge-loss", "system:db")}
    assert ROSTER.people[0].active  # the real roster is untouched


def test_offboarding_one_author_lowers_the_truck_factor_without_orphaning() -> None:
    s = snap(SYSTEMS, [activity("api"), activity("db"), activity("web", files=[("cat",)])])
    r = offboard(s, ["ann@acme.test"])
    assert r.orphaned == () and r.blast_radius == ()
    api = next(c for c in r.changes if c.system == "api")
    assert (api.owners_before, api.owners_after, api.truck_factor_before, api.truck_factor_after) == (2, 1, 2, 1)
    assert {(f.rule, f.subject) for f in r.new_findings} == {
        ("bus-factor", "system:api"), ("bus-factor", "system:db"), ("owner-left", "team:core")}


def test_offboard_reports_unknown_and_already_gone_people() -> None:
    s = snap(SYSTEMS, [])
    r = offboard(s, ["nobody@acme.test", "dee@acme.test", "dee"])
    assert r.unknown == ("nobody@acme.test",) and r.people == ("dee",) and r.already_gone == ("dee",)
    with pytest.raises(ValueError):
        offboard(dataclasses.replace(s, roster=None), ["ann"])


# --------------------------------------------------------------------------- impact


def test_impact_counts_transitive_dependents_by_tier_and_customer_exposure() -> None:
    cat = catalog(system("db") + system("api", tier=1, depends_on="[db]", customer_facing="true")
                  + system("web", tier=4, depends_on="[api]", customer_facing="true"))
    imp = impacts(cat)
    assert imp["db"].dependents == ("api", "web") and imp["db"].tier1 == 1 and imp["db"].customer_facing == 2
    assert imp["db"].score > imp["web"].score
    assert imp["web"].dependents == () and imp["web"].score == 2.0  # weight 1, plus its own customer exposure
    assert escalate("warning", cat, "web") == ("info", {
        "tier": 4, "dependents": 0, "tier1_dependents": 0, "customer_facing_dependents": 0,
        "severity_reason": "lowered from warning: tier 4 and nothing depends on it"})
    assert escalate("error", cat, "web")[0] == "error"
