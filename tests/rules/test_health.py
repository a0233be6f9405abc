"""Health rules at their thresholds (day 89/90/91, exactly half, one commit either side), on a catalog written
here and activity records as the scanner produces them."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from ownership.catalog.load import load_sources
from ownership.config import ConfigError
from ownership.config import load as load_config
from ownership.model import (Activity, CommitRef, Contributor, FileAuthorship, Finding, Person, Roster, Snapshot,
                             SystemActivity)
from ownership.rules import engine

TODAY = dt.date(2026, 6, 30)
WINDOWS = (90, 180, 365)


def person(pid: str, *, left: str | None = None, team: str | None = None) -> Person:
    end = dt.date.fromisoformat(left) if left else None
    return Person(pid, emails=(f"{pid}@acme.test",), active=left is None, end_date=end, team=team)


ROSTER = Roster((person("ann"), person("ben"), person("cat"), person("dee", left="2026-01-01"),
                 person("eve", left="2025-06-01"), person("gus"), person("out")))


def catalog(systems: str, teams: str = "") -> Any:
    text = ("teams:\n"
            "  - name: core\n    members: [ann@acme.test, ben@acme.test]\n"
            "    oncall: {pagerduty: {escalation_policy: PCORE}}\n"
            "  - name: quiet\n    members: [cat@acme.test, dee@acme.test]\n" + teams + "systems:\n" + systems)
    cat, problems = load_sources([("c.yaml", text)])
    assert problems == [], problems
    return cat


def system(name: str, owner: str = "core", tier: int = 3, **fields: str) -> str:
    lines = [f"  - name: {name}", f"    owner: {owner}", f"    tier: {tier}",
             "    repos: [{url: 'https://git.acme.test/x.git'}]"]
    lines += [f"    {k}: {v}" for k, v in fields.items()]
    return "\n".join(lines) + "\n"


def at(days_ago: int) -> dt.datetime:
    return dt.datetime.combine(TODAY - dt.timedelta(days=days_ago), dt.time(12), tzinfo=dt.timezone.utc)


def who(pid: str, recent: int = 0, last: int = 10, bot: bool = False) -> Contributor:
    """A contributor with `recent` commits in the last 180 days and their last commit `last` days ago."""
    commits = {w: (recent if w >= 180 else 0) for w in WINDOWS}
    return Contributor(key=pid, name=pid, emails=(f"{pid}@acme.test",), person=None if bot else pid,
                       bot=bot, commits=commits, total_commits=max(recent, 1), last_commit=at(last))


def activity(name: str, *, last_human: int | None = 10, files: Sequence[Sequence[str]] = (("ann",), ("ben",)),
             people: Sequence[Contributor] = (), last_bot: int | None = None) -> SystemActivity:
    ref = (lambda d, bot=False: CommitRef("x", "0" * 40, at(d), "n", "e@acme.test", bot))
    human = ref(last_human) if last_human is not None else None
    last = ref(last_bot, True) if last_bot is not None and (last_human is None or last_bot < last_human) else human
    people = tuple(people) or tuple(who(k) for k in sorted({k for f in files for k in f}))
    return SystemActivity(name, ("x",), last, human, people,
                          tuple(FileAuthorship("x", f"f{i}", tuple(a)) for i, a in enumerate(files)))


def run(cat: Any, acts: Sequence[SystemActivity], roster: Roster | None = ROSTER,
        options: Mapping[str, Mapping[str, Any]] | None = None) -> list[Finding]:
    act = Activity(TODAY, WINDOWS, {a.system: a for a in acts}, roster_used=roster is not None)
    snap = Snapshot(cat, TODAY, roster, act, options or {})
    return engine.run(snap, ("activity",))


def fired(findings: Sequence[Finding], rule: str) -> list[str]:
    return sorted(f.subject.removeprefix("system:") for f in findings if f.rule == rule)


# --------------------------------------------------------------------------- dormant


def test_dormant_fires_on_day_91_for_tier_1_not_on_day_89_or_90() -> None:
    cat = catalog(system("d89", tier=1) + system("d90", tier=1) + system("d91", tier=1))
    found = run(cat, [activity("d89", last_human=89), activity("d90", last_human=90),
                      activity("d91", last_human=91)])
    assert fired(found, "dormant") == ["d91"]
    (f,) = [f for f in found if f.rule == "dormant"]
    assert (f.evidence["days"], f.evidence["limit_days"], f.severity) == (91, 90, "error")


@pytest.mark.parametrize(("tier", "limit"), [(2, 180), (3, 365), (4, 730)])
def test_dormant_limits_per_tier(tier: int, limit: int) -> None:
    cat = catalog(system("at", tier=tier) + system("over", tier=tier))
    found = run(cat, [activity("at", last_human=limit), activity("over", last_human=limit + 1)])
    assert fired(found, "dormant") == ["over"]


def test_dormant_limits_are_configurable() -> None:
    cat = catalog(system("s", tier=1))
    assert fired(run(cat, [activity("s", last_human=31)], options={"dormant": {"tier1_days": 30}}),
                 "dormant") == ["s"]
    assert fired(run(cat, [activity("s", last_human=31)]), "dormant") == []


def test_bot_commits_do_not_keep_a_system_alive() -> None:
    cat = catalog(system("botty") + system("nobody"))
    found = run(cat, [activity("botty", last_human=400, last_bot=2), activity("nobody", last_human=None,
                                                                              last_bot=2)])
    assert fired(found, "dormant") == ["botty", "nobody"]
    assert "only bots have committed" in [f for f in found if f.subject == "system:nobody"][0].message


def test_deprecated_systems_are_exempt_unless_production_depends_on_them() -> None:
    cat = catalog(system("old", lifecycle="deprecated") + system("used", lifecycle="deprecated")
                  + system("app", depends_on="[used]") + system("lab", lifecycle="experimental",
                                                                depends_on="[old]"))
    found = run(cat, [activity("old", last_human=999), activity("used", last_human=999), activity("app"),
                      activity("lab")])
    assert fired(found, "dormant") == ["used"]
    assert fired(found, "deprecated-dependency") == ["app"]


def test_a_system_whose_history_cannot_be_read_is_not_called_dormant() -> None:
    cat = catalog(system("broken"))
    sa = SystemActivity("broken", ("x",), problems=("cannot read x",))
    assert fired(run(cat, [sa]), "dormant") == []


# --------------------------------------------------------------------------- knowledge-loss, bus-factor


def test_knowledge_loss_fires_above_half_not_at_exactly_half() -> None:
    cat = catalog(system("half") + system("more"))
    found = run(cat, [activity("half", files=[("dee",), ("eve",), ("ann",), ("ben",)]),
                      activity("more", files=[("dee",), ("eve",), ("ann", "dee"), ("ben",), ("eve", "dee")])])
    assert fired(found, "knowledge-loss") == ["more"]
    (f,) = [f for f in found if f.rule == "knowledge-loss"]
    assert (f.evidence["files_held"], f.evidence["files"], f.evidence["share"]) == (3, 5, 0.6)
    assert f.evidence["leavers"] == ["dee@acme.test", "eve@acme.test"]


def test_knowledge_loss_threshold_is_configurable() -> None:
    cat = catalog(system("s"))
    acts = [activity("s", files=[("dee",), ("ann",), ("ben",)])]
    assert fired(run(cat, acts), "knowledge-loss") == []
    assert fired(run(cat, acts, options={"knowledge-loss": {"threshold": 0.3}}), "knowledge-loss") == ["s"]


def test_bus_factor_one_is_a_warning_and_an_error_for_tier_1() -> None:
    cat = catalog(system("one") + system("two") + system("crit", tier=1))
    found = run(cat, [activity("one", files=[("ann",), ("ann",), ("ben",)]), activity("two"),
                      activity("crit", files=[("ann",), ("ann",), ("ann", "ben")])])
    assert fired(found, "bus-factor") == ["crit", "one"]
    sev = {f.subject: f.severity for f in found if f.rule == "bus-factor"}
    assert sev == {"system:one": "warning", "system:crit": "error"}


def test_bus_factor_counts_only_employed_authors() -> None:
    cat = catalog(system("s"))
    # ann and dee each author half; dee left, so one employed person holds it all
    found = run(cat, [activity("s", files=[("ann",), ("dee",)])])
    assert fired(found, "bus-factor") == ["s"]
    assert [f.evidence["person"] for f in found if f.rule == "bus-factor"] == ["ann@acme.test"]


# --------------------------------------------------------------------------- ownership-drift


def _drift(outside: int, inside: int, options: Any = None) -> list[str]:
    cat = catalog(system("s"))
    people = [who("out", recent=outside), who("ann", recent=inside)]
    return fired(run(cat, [activity("s", people=people)], options=options), "ownership-drift")


def test_drift_needs_more_than_half_of_recent_commits_from_outside() -> None:
    assert _drift(3, 3) == []
    assert _drift(4, 3) == ["s"]


def test_drift_needs_enough_commits_to_say_anything() -> None:
    assert _drift(4, 0) == []  # 4 commits < min_commits 5
    assert _drift(5, 0) == ["s"]
    assert _drift(4, 0, {"ownership-drift": {"min_commits": 4}}) == ["s"]


def test_maintainers_count_as_owners_for_drift() -> None:
    cat = catalog(system("s", maintainers="[out@acme.test]"))
    found = run(cat, [activity("s", people=[who("out", recent=6), who("ann", recent=1)])])
    assert fired(found, "ownership-drift") == []


# --------------------------------------------------------------------------- orphaned


def test_orphaned_when_no_team_member_or_maintainer_is_employed() -> None:
    teams = "  - name: gone\n    members: [eve@acme.test]\n"
    cat = catalog(system("lost", owner="gone") + system("saved", owner="gone", maintainers="[ann@acme.test]"),
                  teams)
    found = run(cat, [activity("lost"), activity("saved")])
    assert fired(found, "orphaned") == ["lost"]
    (f,) = [f for f in found if f.rule == "orphaned"]
    assert "since 2025-06-01" in f.message and f.evidence["owners"] == {"eve@acme.test": "left on 2025-06-01"}


@pytest.mark.parametrize(("last", "idle"), [(364, False), (365, False), (366, True)])
def test_a_maintainer_in_no_team_is_idle_after_365_days_without_a_commit(last: int, idle: bool) -> None:
    teams = "  - name: gone\n    members: [eve@acme.test]\n"
    cat = catalog(system("s", owner="gone", maintainers="[gus@acme.test]"), teams)
    found = run(cat, [activity("s", people=[who("gus", last=last)], files=[("gus",)])])
    assert fired(found, "orphaned") == (["s"] if idle else [])
    people_findings = engine.run(Snapshot(cat, TODAY, ROSTER, Activity(TODAY, WINDOWS, {
        "s": activity("s", people=[who("gus", last=last)], files=[("gus",)])})), ("people",))
    assert [f.rule for f in people_findings if f.subject == "system:s"] == (["owner-left"] if idle else [])


def test_idle_maintainers_can_be_switched_off() -> None:
    teams = "  - name: gone\n    members: [eve@acme.test]\n"
    cat = catalog(system("s", owner="gone", maintainers="[gus@acme.test]"), teams)
    acts = [activity("s", people=[who("ann")], files=[("ann",)])]  # gus never committed
    assert fired(run(cat, acts), "orphaned") == ["s"]
    assert fired(run(cat, acts, options={"orphaned": {"idle_maintainers": False}}), "orphaned") == []


def test_without_activity_a_named_employed_maintainer_is_an_owner() -> None:
    teams = "  - name: gone\n    members: [eve@acme.test]\n"
    cat = catalog(system("s", owner="gone", maintainers="[gus@acme.test]"), teams)
    snap = Snapshot(cat, TODAY, ROSTER, None)
    assert fired(engine.run(snap, ("activity", "people")), "orphaned") == []


# --------------------------------------------------------------------------- no-oncall, severity


def test_no_oncall_for_tiers_1_and_2_only() -> None:
    cat = catalog(system("t1", owner="quiet", tier=1) + system("t2", owner="quiet", tier=2)
                  + system("t3", owner="quiet", tier=3) + system("paged", owner="core", tier=1))
    found = run(cat, [])
    assert fired(found, "no-oncall") == ["t1", "t2"]
    assert {f.subject: f.severity for f in found if f.rule == "no-oncall"} == {"system:t1": "error",
                                                                                "system:t2": "warning"}


def test_severity_rises_with_the_number_of_dependents() -> None:
    dependents = "".join(system(f"app{i}", owner="quiet", depends_on="[db]") for i in range(5))
    cat = catalog(system("db", owner="quiet", tier=2) + dependents)
    (f,) = [f for f in run(cat, []) if f.subject == "system:db"]
    assert f.severity == "error"
    assert f.evidence["dependents"] == 5 and f.evidence["severity_reason"] == "raised from warning: 5 systems " \
        "depend on it"


def test_configured_severity_wins_over_escalation() -> None:
    cat = catalog(system("t1", owner="quiet", tier=1))
    found = run(cat, [], options={"no-oncall": {"severity": "info"}})
    assert [f.severity for f in found if f.rule == "no-oncall"] == ["info"]


# --------------------------------------------------------------------------- options in ownership.yaml


@pytest.mark.parametrize(("rules", "message"), [
    ("dormant: {tier1_days: soon}", "rules.dormant.tier1_days must be a whole number of days > 0, got 'soon'"),
    ("knowledge-loss: {threshold: 50}", "rules.knowledge-loss.threshold must be a number from 0 to 1"),
    ("dormant: {tier5_days: 3}", "unknown option 'tier5_days' of rule 'dormant'"),
])
def test_bad_rule_options_are_reported_with_file_and_line(tmp_path: Path, rules: str, message: str) -> None:
    cfg = tmp_path / "ownership.yaml"
    cfg.write_text(f"fail_on: error\nrules:\n  {rules}\n")
    with pytest.raises(ConfigError) as exc:
        load_config(cfg)
    assert f"{cfg}:3:" in str(exc.value) and message in str(exc.value)
