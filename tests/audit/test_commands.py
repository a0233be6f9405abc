"""`ownership audit`, `suggest` and `offboard` end to end through the CLI, on a small org written here with a
real git repository, a roster CSV and catalog files full of comments and odd formatting."""
from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ownership.cli import cli
from tests.gitrepo import GitRepo

TODAY = "2026-06-30"
TEAMS = """\
# Teams of the small org.
teams:
  - name: pay          # money in
    members: [ann@acme.test, bob@acme.test]
    oncall: {pagerduty: {escalation_policy: PPAY}}
  - name: legacy
    members:
      - lee@acme.test   # left last year
"""
SYSTEMS = """\
# Payment systems. Keep this file tidy: reviewers read it.
systems:
  - name: pay-api
    owner: pay
    maintainers: [bob@acme.test]   # bob knows the retry logic
    tier: 1
    repos:
      - url: https://git.acme.test/pay.git
    depends_on: [old-gateway]

  # The gateway nobody wants to touch.
  - name: old-gateway
    owner: legacy
    tier: 2
    lifecycle: production
    repos:
      - {url: "https://git.acme.test/gateway.git"}
    runbook: https://wiki.acme.test/old-gateway   # still accurate
"""
ROSTER = """\
id,email,name,active,end_date,team
ann,ann@acme.test,Ann A,active,,Pay
bob,bob@acme.test,Bob B,active,,Pay
lee,lee@acme.test,Lee L,inactive,2025-03-31,Legacy
cy,cy@acme.test,Cy C,active,,Pay
"""


@pytest.fixture()
def org(tmp_path: Path) -> Path:
    (tmp_path / "catalog" / "systems").mkdir(parents=True)
    (tmp_path / "catalog" / "teams.yaml").write_text(TEAMS)
    (tmp_path / "catalog" / "systems" / "pay.yaml").write_text(SYSTEMS)
    (tmp_path / "roster.csv").write_text(ROSTER)
    (tmp_path / "ownership.yaml").write_text(
        "history:\n  rewrite: {'https://git.acme.test/': 'repos/'}\n  cache: cache/\n")
    pay = GitRepo.init(tmp_path / "repos" / "pay")
    pay.commit({"api.py": "1\n", "retry.py": "1\n"}, author="Bob B <bob@acme.test>", date="2026-01-10")
    pay.commit({"api.py": "2\n"}, author="Ann A <ann@acme.test>", date="2026-05-01")
    gw = GitRepo.init(tmp_path / "repos" / "gateway")
    gw.commit({"gw.c": "1\n", "conf.c": "1\n", "util.c": "1\n"}, author="Lee L <lee@acme.test>",
              date="2024-06-01")
    for day in ("2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01", "2026-06-01"):
        gw.commit({"conf.c": day}, author="Cy C <cy@acme.test>", date=day)
    return tmp_path


def invoke(org: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--config", str(org / "ownership.yaml"), "--today", TODAY])


def catalog_args(org: Path) -> list[str]:
    return ["--catalog", str(org / "catalog"), "--roster", str(org / "roster.csv")]


def test_suggest_ranks_employed_people_with_their_evidence(org: Path) -> None:
    r = invoke(org, "suggest", "old-gateway", *catalog_args(org))
    assert r.exit_code == 0, r.output
    assert "1. Cy C <cy@acme.test>" in r.output
    assert "authors 33 % of files, 5 commits in the last 180 days" in r.output
    doc = json.loads(invoke(org, "suggest", "old-gateway", *catalog_args(org), "--format", "json").output)
    top = doc["suggestions"][0]
    assert top["label"] == "cy@acme.test" and top["evidence"]["commits_180d"] == 5
    assert top["evidence"]["in_team"] is False and top["evidence"]["files_share"] == 0.333


def test_suggest_write_changes_only_the_maintainers_line(org: Path) -> None:
    path = org / "catalog" / "systems" / "pay.yaml"
    before = path.read_text()
    r = invoke(org, "suggest", "old-gateway", "--write", *catalog_args(org))
    assert r.exit_code == 0, r.output
    assert f"added cy@acme.test as a maintainer of old-gateway in {path}" in r.output
    after = path.read_text()
    diff = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert diff == ["+    maintainers: [cy@acme.test]"]
    assert after.splitlines()[12:14] == ["    owner: legacy", "    maintainers: [cy@acme.test]"]
    # and the written catalog now makes the gateway owned: a second audit has no `orphaned`
    audit = invoke(org, "audit", "--catalog", str(org / "catalog"), "--roster", str(org / "roster.csv"), "--format",
                   "json")
    assert "orphaned" not in {f["rule"] for f in json.loads(audit.output)["findings"]}


def test_suggest_refuses_unknown_systems_and_missing_rosters(org: Path) -> None:
    r = invoke(org, "suggest", "nope", *catalog_args(org))
    assert r.exit_code == 2 and "no system 'nope' in the catalog" in r.output
    r = invoke(org, "suggest", "pay-api", "--catalog", str(org / "catalog"))
    assert r.exit_code == 2 and "suggest needs a roster" in r.output


def test_audit_json_reports_the_gaps_and_exits_1(org: Path) -> None:
    r = invoke(org, "audit", "--catalog", str(org / "catalog"), "--roster", str(org / "roster.csv"), "--format", "json")
    assert r.exit_code == 1, r.output
    doc = json.loads(r.output)
    pairs = {(f["rule"], f["subject"]) for f in doc["findings"]}
    assert pairs == {
        ("orphaned", "system:old-gateway"), ("knowledge-loss", "system:old-gateway"),
        ("owner-left", "team:legacy"), ("team-without-active-members", "team:legacy"),
        ("no-oncall", "system:old-gateway"), ("ownership-drift", "system:old-gateway"),
        ("bus-factor", "system:old-gateway"),  # issue 13 item 11: employed truck factor 0 fires too
    }
    orphaned = next(f for f in doc["findings"] if f["rule"] == "orphaned")
    assert orphaned["file"].endswith("pay.yaml") and orphaned["line"] == 13
    assert orphaned["evidence"]["tier1_dependents"] == 1 and orphaned["evidence"]["successors"][0]["person"] == \
        "cy@acme.test"
    assert doc["counts"]["error"] >= 3


@pytest.mark.parametrize("fmt", ["text", "github", "sarif", "markdown"])
def test_audit_speaks_every_validate_format(org: Path, fmt: str) -> None:
    r = invoke(org, "audit", "--catalog", str(org / "catalog"), "--roster", str(org / "roster.csv"), "--format", fmt)
    assert r.exit_code == 1
    assert "orphaned" in r.output and "Traceback" not in r.output
    if fmt == "sarif":
        rules = {res["ruleId"] for res in json.loads(r.output)["runs"][0]["results"]}
        assert {"orphaned", "knowledge-loss", "ownership-drift"} <= rules


def test_audit_fail_on_never_exits_0_and_no_roster_still_checks_activity(org: Path) -> None:
    r = invoke(org, "audit", "--catalog", str(org / "catalog"), "--format", "json", "--fail-on", "never")
    assert r.exit_code == 0
    rules = {f["rule"] for f in json.loads(r.stdout)["findings"]}
    assert rules == {"ownership-drift", "no-oncall"}  # nothing that needs to know who is employed
    assert "no roster" in r.stderr


def test_audit_cannot_run_without_a_readable_roster(org: Path) -> None:
    r = invoke(org, "audit", "--catalog", str(org / "catalog"), "--roster", str(org / "missing.csv"))
    assert r.exit_code == 2
    assert r.output.startswith("ownership: error: ") and "missing.csv" in r.output and "Traceback" not in r.output


def test_offboard_shows_what_becomes_orphaned_and_writes_nothing(org: Path) -> None:
    files = {p: p.read_bytes() for p in (org / "catalog").rglob("*.yaml")}
    r = invoke(org, "offboard", "cy@acme.test", *catalog_args(org), "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    gw = next(s for s in doc["systems"] if s["system"] == "old-gateway")
    assert gw["knowledge_loss_before"] == 0.667 and gw["knowledge_loss_after"] == 1.0
    assert gw["orphaned"] is False  # cy was never an owner, only the one who knew it
    r = invoke(org, "offboard", "ann@acme.test", "bob", *catalog_args(org))
    assert r.exit_code == 0, r.output
    assert "pay-api (tier 1): becomes ORPHANED (no employed owner)" in r.output
    assert "loses" not in r.output.split("pay-api")[0]
    assert "Teams left with no employed member: pay" in r.output
    assert {p: p.read_bytes() for p in (org / "catalog").rglob("*.yaml")} == files


def test_offboard_of_someone_the_roster_does_not_know_cannot_run(org: Path) -> None:
    r = invoke(org, "offboard", "zed@acme.test", *catalog_args(org))
    assert r.exit_code == 2 and "not in the roster: zed@acme.test" in r.output


def test_suggest_write_with_nobody_to_suggest_exits_1_and_leaves_the_file_alone(org: Path) -> None:
    gone = ROSTER.replace("cy,cy@acme.test,Cy C,active,,Pay", "cy,cy@acme.test,Cy C,inactive,2026-06-15,Pay")
    (org / "gone.csv").write_text(gone)
    path = org / "catalog" / "systems" / "pay.yaml"
    before = path.read_bytes()
    r = invoke(org, "suggest", "old-gateway", "--write", "--catalog", str(org / "catalog"), "--roster",
               str(org / "gone.csv"))
    assert r.exit_code == 1
    assert "old-gateway: nobody to suggest" in r.output
    assert path.read_bytes() == before


@pytest.mark.parametrize("args", [("offboard", "zed@acme.test"), ("suggest", "nope"), ("suggest", "pay-api")])
def test_bad_arguments_are_refused_before_any_repository_is_read(org: Path, args: tuple[str, ...]) -> None:
    cache = org / "cache"
    roster = () if args == ("suggest", "pay-api") else ("--roster", str(org / "roster.csv"))
    r = invoke(org, *args, "--catalog", str(org / "catalog"), *roster)
    assert r.exit_code == 2, r.output
    assert not cache.exists() or not any(cache.rglob("*.json"))  # the scan never started
