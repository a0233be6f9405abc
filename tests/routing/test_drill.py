"""`ownership drill`: every gap kind found on a real catalog and gone once fixed, the fast path equal to the
plain one on catalogs of several shapes, the CLI's exit codes and formats, PagerDuty over the window."""
from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership.catalog.load import load_paths
from ownership.cli import cli
from ownership.model import Catalog, Person, Roster
from ownership.oncall import OnCallAnswer
from ownership.routing.drill import KINDS, Drill, drill
from ownership.oncall.pagerduty import OnCallRow
from tests.oncall.pdanswer import pd_answer
from tests.oncall import pdserver

UTC = dt.timezone.utc
START = dt.datetime(2026, 3, 2, tzinfo=UTC)  # a Monday
END = START + dt.timedelta(weeks=4)

BASE = """\
teams:
  - name: payments
    members: [alice@acme.test, bob@acme.test, erin@acme.test]
    manager: carol@acme.test
    oncall: {rotation: payments-primary}
  - name: web
    members: [wes@acme.test]
    manager: walt@acme.test
stakeholders:
  - name: cs
    contacts: [dana@acme.test]
rotations:
  - name: incident-commander
    members: [vera@acme.test, walt@acme.test]
    shift: 7d
    start: 2026-01-05
  - name: payments-primary
    members: [alice@acme.test, erin@acme.test]
    shift: 7d
    start: 2026-01-05T09:00:00Z
systems:
  - name: payments-api
    owner: payments
    maintainers: [alice@acme.test]
    tier: 1
    runbook: https://wiki/pay
    channels: {status: "#status-pay"}
    stakeholders: [cs]
  - name: storefront
    owner: web
    tier: 2
"""


def roster(*extra: Person) -> Roster:
    names = ["alice", "bob", "erin", "carol", "wes", "walt", "vera", "dana", "sre1", "sre2", "one"]
    base = {n: Person(n, (f"{n}@acme.test",), name=n.title()) for n in names}
    for p in extra:
        base[p.id] = p
    return Roster(tuple(base.values()))


def left(name: str, day: str, active: bool = False) -> Person:
    return Person(name, (f"{name}@acme.test",), name=name.title(), active=active, end_date=dt.date.fromisoformat(day))


def load(tmp_path: Path, text: str, name: str = "catalog") -> Catalog:
    folder = tmp_path / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "catalog.yaml").write_text(textwrap.dedent(text))
    catalog, findings = load_paths([folder])
    assert not [f for f in findings if f.severity == "error"], findings
    return catalog


def kinds(d: Drill) -> set[str]:
    return {g.kind for g in d.gaps}


def test_a_covered_org_has_no_gaps(tmp_path: Path) -> None:
    d = drill(load(tmp_path, BASE), roster(), START, END)
    assert d.gaps == ()
    assert d.hand_overs >= 8  # two weekly rotations at different hours


def test_nobody_reachable_is_found_with_and_without_the_fallback_and_gone_when_fixed(tmp_path: Path) -> None:
    gone = roster(left("wes", "2025-01-01"), left("walt", "2025-01-01"))
    d = drill(load(tmp_path, BASE, "a"), gone, START, END)
    nobody = [g for g in d.gaps if g.kind == "nobody-reachable"]
    assert [(g.systems, g.fallback, g.start, g.end) for g in nobody] == [(("storefront",), False, START, END)]
    with_fallback = BASE.replace("systems:", "fallback:\n  - rotation: incident-commander\nsystems:", 1)
    d = drill(load(tmp_path, with_fallback, "b"), gone, START, END)
    covered = [g for g in d.gaps if g.kind == "nobody-reachable"]
    assert covered and all(g.fallback and g.people == ("vera@acme.test",) for g in covered)
    assert "nobody-reachable" not in kinds(drill(load(tmp_path, BASE, "c"), roster(), START, END))


def test_a_leaver_mid_window_opens_the_gap_on_their_last_day(tmp_path: Path) -> None:
    d = drill(load(tmp_path, BASE), roster(left("wes", "2026-03-10", True), left("walt", "2026-03-12", True)),
              START, END)
    nobody = [g for g in d.gaps if g.kind == "nobody-reachable"]
    assert [(g.start, g.end) for g in nobody] == [(dt.datetime(2026, 3, 12, tzinfo=UTC), END)]
    leaving = [g for g in d.gaps if g.kind == "rotation-leaver"]
    assert [(g.rotation, g.people, g.start) for g in leaving] == [
        ("incident-commander", ("walt@acme.test",), dt.datetime(2026, 3, 12, tzinfo=UTC))]


def test_level_all_left_names_a_level_whose_people_left_or_transferred(tmp_path: Path) -> None:
    text = BASE.replace("maintainers: [alice@acme.test]", "maintainers: [bob@acme.test]")
    d = drill(load(tmp_path, text, "a"), roster(left("bob", "2025-06-30")), START, END)
    found = [g for g in d.gaps if g.kind == "level-all-left"]
    assert [(g.systems, g.people) for g in found] == [(("payments-api",), ("bob@acme.test",))]
    assert "left on 2025-06-30" in found[0].message
    # a level whose people are merely listed earlier is no gap (alice is on call and a maintainer)
    assert "level-all-left" not in kinds(drill(load(tmp_path, BASE, "b"), roster(left("bob", "2025-06-30")),
                                               START, END))


def test_commander_who_is_also_the_responder_is_found(tmp_path: Path) -> None:
    text = BASE.replace("members: [vera@acme.test, walt@acme.test]", "members: [wes@acme.test]")
    d = drill(load(tmp_path, text), roster(), START, END)
    found = [g for g in d.gaps if g.kind == "commander-is-responder"]
    assert [(g.systems, g.people) for g in found] == [(("storefront",), ("wes@acme.test",))]
    assert "commander-is-responder" not in kinds(drill(load(tmp_path, BASE, "b"), roster(), START, END))


def test_sole_responder_for_many_tier1_systems_respects_the_threshold(tmp_path: Path) -> None:
    systems = "".join(f"  - name: solo-{i}\n    owner: solo\n    tier: 1\n    runbook: https://wiki/r\n"
                      f"    channels: {{status: '#s'}}\n" for i in range(3))
    text = BASE.replace("stakeholders:", "  - name: solo\n    members: [one@acme.test]\nstakeholders:", 1) + systems
    catalog = load(tmp_path, text)
    found = [g for g in drill(catalog, roster(), START, END).gaps if g.kind == "sole-responder"]
    assert [(g.people, g.systems, g.start, g.end) for g in found] == [
        (("one@acme.test",), ("solo-0", "solo-1", "solo-2"), START, END)]
    assert "sole-responder" not in kinds(drill(catalog, roster(), START, END, threshold=4))


def test_stakeholders_and_tier1_runbook_and_status_channel(tmp_path: Path) -> None:
    text = BASE.replace("    runbook: https://wiki/pay\n    channels: {status: \"#status-pay\"}\n", "")
    d = drill(load(tmp_path, text), roster(left("dana", "2026-03-20", True)), START, END)
    assert {"tier1-no-runbook", "tier1-no-status-channel", "stakeholder-no-contact"} <= kinds(d)
    cs = next(g for g in d.gaps if g.kind == "stakeholder-no-contact")
    assert (cs.stakeholder, cs.start, cs.systems) == ("cs", dt.datetime(2026, 3, 20, tzinfo=UTC), ("payments-api",))
    assert not kinds(drill(load(tmp_path, BASE, "b"), roster(), START, END)) & {
        "tier1-no-runbook", "tier1-no-status-channel", "stakeholder-no-contact"}


def test_tier_limits_the_scope(tmp_path: Path) -> None:
    gone = roster(left("wes", "2025-01-01"), left("walt", "2025-01-01"))
    d = drill(load(tmp_path, BASE), gone, START, END, tier=1)
    assert d.systems == 1 and "nobody-reachable" not in kinds(d)


def test_team_limits_the_scope_to_the_systems_it_owns(tmp_path: Path) -> None:
    gone = roster(left("wes", "2025-01-01"), left("walt", "2025-01-01"))
    catalog = load(tmp_path, BASE)
    web = drill(catalog, gone, START, END, team="web")
    assert web.systems == 1 and web.team == "web"
    assert {g.systems for g in web.gaps if g.kind == "nobody-reachable"} == {("storefront",)}
    payments = drill(catalog, gone, START, END, team="payments")
    assert payments.systems == 1 and "nobody-reachable" not in kinds(payments)
    assert drill(catalog, gone, START, END, team="web", tier=1).systems == 0  # both filters apply


def test_cli_team_narrows_the_drill_and_an_unknown_team_is_exit_2(tmp_path: Path) -> None:
    bad = write_org(tmp_path / "bad", BASE, ROSTER_CSV.replace("wes@acme.test,Wes,true,", "wes@acme.test,Wes,false,2025-01-01")
                    .replace("walt@acme.test,Walt,true,", "walt@acme.test,Walt,false,2025-01-01"))
    code, out, _ = invoke(bad, "--team", "payments", "--format", "json")
    doc = json.loads(out)
    assert doc["team"] == "payments" and doc["systems"] == 1
    assert "storefront" not in {s for g in doc["gaps"] for s in g["systems"]}
    code, out, _ = invoke(bad, "--team", "web")
    assert code == 1 and "(all tiers, team web)" in out and "storefront" in out
    code, _, err = invoke(bad, "--team", "paymnts")
    assert code == 2 and "no team 'paymnts' in the catalog (2 teams); did you mean 'payments'?" in err


def test_pagerduty_unavailable_is_unknown_never_fine(tmp_path: Path) -> None:
    text = BASE.replace("oncall: {rotation: payments-primary}",
                        "oncall: {pagerduty: {escalation_policy: PPAY}, rotation: payments-primary}")
    d = drill(load(tmp_path, text), roster(), START, END, oncall=pd_answer(error="cannot connect"))
    found = [g for g in d.gaps if g.kind == "oncall-unknown"]
    assert [g.systems for g in found] == [("payments-api",)] and "cannot connect" in found[0].message


# --------------------------------------------------------------------------- fast == plain

PD_SHAPE = BASE.replace("oncall: {rotation: payments-primary}",
                        "oncall: {pagerduty: {escalation_policy: PPAY}, rotation: payments-primary}")
FALLBACK_SHAPE = BASE.replace("systems:", "fallback:\n  - rotation: sre\n  - rotation: incident-commander\n"
                              "incident_roles:\n  scribe: {team: payments}\n  communications: {stakeholder: cs}\n"
                              "systems:", 1).replace(
    "rotations:", "rotations:\n  - name: sre\n    members: [sre1@acme.test, wes@acme.test, sre2@acme.test]\n"
                  "    shift: 1d\n    start: 2026-03-04T18:00:00Z", 1)
NOT_STARTED = BASE.replace("start: 2026-01-05T09:00:00Z", "start: 2026-03-18T09:00:00Z")
BACKSTAGE = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: payments}
spec: {type: team, children: [], members: [alice, bob], parent: eng}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: eng}
spec: {type: department, children: [payments], members: [carol]}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: alice}
spec: {profile: {email: alice@acme.test}, memberOf: [payments]}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: bob}
spec: {profile: {email: bob@acme.test}, memberOf: [payments]}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: carol}
spec: {profile: {email: carol@acme.test}, memberOf: [eng]}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: payments-api, annotations: {pagerduty.com/service-id: SPAY}}
spec: {type: service, lifecycle: production, owner: payments}
"""


def pd_window() -> dict[str, OnCallAnswer]:
    def entry(email: str, start: str, end: str | None) -> OnCallRow:
        return OnCallRow("PPAY", 1, email, email.split("@")[0], f"U{email}", "pay", end, start)
    return pd_answer(entry("erin@acme.test", "2026-02-27T17:00:00Z", "2026-03-06T17:00:00Z"),
                     entry("bob@acme.test", "2026-03-06T17:00:00Z", "2026-03-13T17:00:00Z"),
                     entry("alice@acme.test", "2026-03-13T17:00:00Z", None), services={"SPAY": "PPAY"})


SHAPES = {
    "pagerduty and rotation": (PD_SHAPE, "yaml", roster(left("bob", "2026-03-09", True),
                                                        left("alice", "2026-03-16", True)), pd_window()),
    "fallback and roles": (FALLBACK_SHAPE, "yaml", roster(left("wes", "2026-03-05", True),
                                                          left("walt", "2026-03-16", True)), None),
    "leavers mid-window": (BASE, "yaml", roster(left("alice", "2026-03-11", True), left("erin", "2026-03-20", True),
                                                left("dana", "2026-03-15", True)), None),
    "rotation not started": (NOT_STARTED, "yaml", roster(left("carol", "2026-03-03", True)), None),
    "backstage": (BACKSTAGE, "backstage", roster(left("alice", "2026-03-10", True), left("bob", "2026-03-12", True)),
                  pd_window()),
    "pagerduty down": (PD_SHAPE, "yaml", roster(), pd_answer(error="HTTP 503")),
    "no roster": (FALLBACK_SHAPE, "yaml", None, None),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_the_fast_path_answers_as_page_at_every_hand_over(tmp_path: Path, shape: str) -> None:
    text, kind, people, window = SHAPES[shape]
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / ("catalog-info.yaml" if kind == "backstage" else "catalog.yaml")).write_text(textwrap.dedent(text))
    catalog, _ = load_paths([folder])
    for start in (START, START + dt.timedelta(hours=13)):
        fast = drill(catalog, people, start, start + dt.timedelta(weeks=3), oncall=window)
        plain = drill(catalog, people, start, start + dt.timedelta(weeks=3), oncall=window, plain=True)
        assert fast.gaps == plain.gaps
        assert fast.asked <= plain.asked
    assert fast.gaps or shape == "no roster"  # each shape has something to find


def test_every_kind_is_documented() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "drill.md").read_text()
    assert all(f"`{k}`" in doc for k in KINDS)


# --------------------------------------------------------------------------- the command


def write_org(tmp_path: Path, text: str, people: str) -> Path:
    (tmp_path / "catalog").mkdir(parents=True)
    (tmp_path / "catalog" / "catalog.yaml").write_text(text)
    (tmp_path / "roster.csv").write_text(people)
    return tmp_path


ROSTER_CSV = "email,name,active,end_date\n" + "".join(
    f"{n}@acme.test,{n.title()},true,\n" for n in ["alice", "bob", "erin", "carol", "wes", "walt", "vera", "dana"])


def invoke(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["drill", "--catalog", str(root / "catalog"), "--roster",
                                      str(root / "roster.csv"), "--from", "2026-03-02", *args],
                                catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_cli_exit_codes_and_formats(tmp_path: Path) -> None:
    ok = write_org(tmp_path / "ok", BASE, ROSTER_CSV)
    code, out, _ = invoke(ok)
    assert code == 0 and "every shift is covered" in out
    bad = write_org(tmp_path / "bad", BASE, ROSTER_CSV.replace("wes@acme.test,Wes,true,", "wes@acme.test,Wes,false,2025-01-01")
                    .replace("walt@acme.test,Walt,true,", "walt@acme.test,Walt,false,2025-01-01"))
    code, out, _ = invoke(bad, "--format", "json", "--tz", "Europe/Berlin")
    doc = json.loads(out)
    assert code == 1 and doc["version"] == 1 and doc["time_zone"] == "Europe/Berlin"
    assert {g["kind"] for g in doc["gaps"]} >= {"nobody-reachable", "rotation-leaver"}
    code, out, _ = invoke(bad, "--format", "markdown")
    assert code == 1 and "| `nobody-reachable` |" in out
    code, out, _ = invoke(bad, "--tz", "Europe/Berlin")
    assert "CET" in out and "nobody-reachable" in out
    code, _, err = invoke(bad, "--from", "yesterday")
    assert code == 2 and "ownership: error:" in err
    code, _, err = invoke(bad, "--roster", str(tmp_path / "missing.csv"))
    assert code == 2 and "missing.csv" in err


def test_cli_asks_pagerduty_over_the_window(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_org(tmp_path, PD_SHAPE, ROSTER_CSV)
    state = pdserver.State(oncalls=[{**pdserver.oncall("PPAY", 1, "erin@acme.test", "Erin"),
                                     "start": "2026-02-27T00:00:00Z", "end": "2026-04-01T00:00:00Z"}])
    monkeypatch.setenv("OWNERSHIP_PAGERDUTY_TOKEN", pdserver.TOKEN)
    with pdserver.serve(state) as url:
        code, out, _ = invoke(root, "--pagerduty-url", url, "--format", "json")
    asked = [r["query"] for r in state.requests if r["path"] == "/oncalls"]
    assert asked and asked[0]["since"] == ["2026-03-02T00:00:00Z"] and asked[0]["until"] == ["2026-03-30T00:00:00Z"]
    assert code == 0, out
    with pdserver.serve(pdserver.State(faults=[503] * 10)) as url:
        code, out, _ = invoke(root, "--pagerduty-url", url, "--format", "json")
    doc = json.loads(out)
    assert code == 1 and [g["kind"] for g in doc["gaps"]] == ["oncall-unknown"]
    assert "HTTP 503" in doc["gaps"][0]["message"] and pdserver.TOKEN not in out


def test_the_example_org_gives_the_gaps_it_really_has(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Checked by hand against catalog/ and examples/roster.csv: bob.martin (inactive since 2026-03-01) is in
    payments-primary, nina.rossi (left 2026-06-15) in platform-primary and incident-commander; partner-ftp-sync's
    only engineer will.johnson left, so the org fallback (platform-primary, then the incident commander) is
    paged, and the room gives the commander role to the next commander rather than to that fallback person
    (no commander-is-responder gap); hector.silva, billing-legacy's only
    maintainer, left; without a token PagerDuty cannot say who is on call for ledger, identity, platform."""
    from tests.conftest import ROOT

    monkeypatch.delenv("OWNERSHIP_PAGERDUTY_TOKEN", raising=False)
    (tmp_path / "ownership.yaml").write_text("{}\n")
    result = CliRunner().invoke(cli, ["drill", "--catalog", str(ROOT / "catalog"), "--roster",
                                      str(ROOT / "examples" / "roster.csv"), "--from", "2026-12-01", "--format",
                                      "json", "--config", str(tmp_path / "ownership.yaml")])
    assert result.exit_code == 1, result.output
    gaps = json.loads(result.stdout)["gaps"]
    leavers = {(g["rotation"], g["people"][0]) for g in gaps if g["kind"] == "rotation-leaver"}
    assert leavers == {("payments-primary", "bob.martin@acme.test"), ("platform-primary", "nina.rossi@acme.test"),
                       ("incident-commander", "nina.rossi@acme.test")}
    nobody = [g for g in gaps if g["kind"] == "nobody-reachable"]
    assert {tuple(g["systems"]) for g in nobody} == {("partner-ftp-sync",)} and all(g["fallback"] for g in nobody)
    assert not [g for g in gaps if g["kind"] == "commander-is-responder"]
    levels = {(g["systems"][0], g["people"][0]) for g in gaps if g["kind"] == "level-all-left"}
    assert {("billing-legacy", "hector.silva@acme.test"), ("partner-ftp-sync", "will.johnson@acme.test")} <= levels
    unknown = {s for g in gaps if g["kind"] == "oncall-unknown" for s in g["systems"]}
    assert {"ledger-service", "auth-service", "kafka"} <= unknown
