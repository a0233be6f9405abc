"""Legacy stewards are thanked for real work: the thresholds of report/document.py, at their edges, on a real
git history of the deprecated billing-legacy (tests/report/org.py) and the CLI's report.json."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership.cli import cli
from ownership.report.document import STEWARD_MIN_COMMITS, STEWARD_SHARE, STEWARD_SHARE_MIN
from tests.gitrepo import GitRepo
from tests.report.org import ALICE, JAMAL, write_org

ERIN = "Erin Kim <erin.kim@acme.test>"  # employed in the example roster, like Jamal and Alice


def _stewards(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, commits: list[tuple[str, str]]) -> dict[str, int]:
    """Thanked label -> commits, after `commits` ((author, day)) are added to billing-legacy's repository
    (which already has Jamal's two commits of 2026-08-15 and 2026-11-02 in the 180-day period)."""
    write_org(tmp_path)
    bill = GitRepo(tmp_path / "repos" / "billing")
    for i, (who, day) in enumerate(commits):
        bill.commit({f"app/extra{i}.py": f"v{i}\n"}, author=who, date=day)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["report", "--today", "2026-11-30"])
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "reports" / "2026-11-30" / "report.json").read_text())
    return {p["label"]: p["commits"] for p in doc["stewards"]["people"]}


def test_the_documented_thresholds_are_three_commits_or_half_and_two() -> None:
    assert (STEWARD_MIN_COMMITS, STEWARD_SHARE, STEWARD_SHARE_MIN) == (3, 0.5, 2)


def test_two_commits_and_less_than_half_of_a_legacy_systems_commits_are_not_thanked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Jamal 2 of 5 (40%): below both thresholds
    found = _stewards(tmp_path, monkeypatch, [(ERIN, "2026-09-01"), (ERIN, "2026-10-01"), (ERIN, "2026-11-01")])
    assert found == {"erin.kim@acme.test": 3}


def test_two_commits_that_are_exactly_half_of_a_legacy_systems_commits_are_thanked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Jamal 2 of 4 (50%, and 2): thanked; Erin 2 of 4 likewise
    found = _stewards(tmp_path, monkeypatch, [(ERIN, "2026-09-01"), (ERIN, "2026-10-01")])
    assert found == {"erin.kim@acme.test": 2, "jamal.brooks@acme.test": 2}


def test_three_commits_are_thanked_whatever_their_share(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Jamal 3 of 8 (37.5%): at the commit threshold; Erin 4; Alice's one commit is not stewardship
    found = _stewards(tmp_path, monkeypatch, [(JAMAL, "2026-11-20"), *[(ERIN, f"2026-10-0{d}") for d in range(1, 5)],
                                              (ALICE, "2026-11-21")])
    assert found == {"erin.kim@acme.test": 4, "jamal.brooks@acme.test": 3}


def test_the_only_commit_of_a_legacy_system_is_not_enough(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_org(tmp_path)
    # billing-legacy with one human commit in the period: 100% of it, but below STEWARD_SHARE_MIN
    bill = GitRepo.init(tmp_path / "repos" / "billing-one")
    bill.commit({"a.py": "1\n"}, author=ERIN, date="2026-11-01")
    systems = tmp_path / "catalog" / "systems" / "all.yaml"
    systems.write_text(systems.read_text().replace(f"{(tmp_path / 'repos').as_posix()}/billing\n",
                                                   f"{(tmp_path / 'repos').as_posix()}/billing-one\n"))
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["report", "--today", "2026-11-30"]).exit_code == 0
    doc = json.loads((tmp_path / "reports" / "2026-11-30" / "report.json").read_text())
    assert doc["stewards"]["people"] == []
    md = (tmp_path / "reports" / "2026-11-30" / "report.md").read_text()
    assert "at least 3 commits, or 50% of its commits and at least 2" in md


def test_work_on_a_tier1_production_system_is_not_stewardship(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Alice has 2 of payments-api's 2 commits in the period (tier 1, production): not a legacy system
    found = _stewards(tmp_path, monkeypatch, [])
    assert "alice.nguyen@acme.test" not in found and found == {"jamal.brooks@acme.test": 2}


def test_commits_older_than_the_period_do_not_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 2026-06-03 is 180 days before 2026-11-30: outside the 180-day period (2026-06-04 is the first day in it)
    found = _stewards(tmp_path, monkeypatch, [(ERIN, "2026-06-03"), (ERIN, "2026-06-03"), (ERIN, "2026-06-04"),
                                              (ERIN, "2026-06-04")])
    # Erin: 2 in the period of 4 (50%) -> thanked with 2, not 4
    assert found == {"erin.kim@acme.test": 2, "jamal.brooks@acme.test": 2}
