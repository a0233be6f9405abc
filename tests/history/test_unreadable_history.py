"""Issue 13 item 8, "blind but confident": repositories whose history cannot be read are reported with git's
own reason, their numbers are unknown (null / "unknown", never 0), and `scan` exits 2 when nothing was read.
The remotes are real and unreadable: a 127.0.0.1 port that refuses the connection, a folder that is missing."""
from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ownership.cli import cli
from tests.gitrepo import GitRepo

ROSTER = """id,firstName,lastName,workEmail,status,terminationDate,department
1,Alice,Nguyen,alice@acme.test,Active,,Payments
2,Bob,Martin,bob@acme.test,Inactive,2024-06-30,Payments
"""


def _refusing_port() -> int:
    """A 127.0.0.1 port nothing listens on (bound, then closed: the connection is refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _org(root: Path, readable: bool) -> None:
    port = _refusing_port()
    (root / "catalog").mkdir(parents=True)
    (root / "catalog" / "teams.yaml").write_text("teams:\n  - name: payments\n    members: [alice@acme.test]\n")
    extra = ""
    if readable:
        repo = GitRepo.init(root / "repos" / "ledger")
        repo.commit({"a.py": "1\n", "b.py": "1\n"}, author="Bob Martin <bob@acme.test>", date="2024-01-10")
        extra = "  - name: ledger\n    owner: payments\n    repos:\n      - url: ../repos/ledger\n"
    (root / "catalog" / "systems.yaml").write_text(f"""systems:
  - name: payments-api
    owner: payments
    tier: 1
    repos:
      - url: ssh://git@127.0.0.1:{port}/acme/payments.git
  - name: storefront
    owner: payments
    repos:
      - url: ../nowhere/storefront
{extra}""")
    (root / "ownership.yaml").write_text("history:\n  protocols: [ssh, file]\n  stall: 20\n")
    (root / "roster.csv").write_text(ROSTER)


def _scan(*args: str) -> Result:
    return CliRunner().invoke(cli, ["scan", "--catalog", "catalog", "--today", "2024-12-31", "--roster", "roster.csv",
                                    *args])


def test_scan_exits_2_when_no_repository_can_be_read_and_says_why(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _org(tmp_path, readable=False)
    monkeypatch.chdir(tmp_path)
    result = _scan()
    assert result.exit_code == 2, result.output
    out = result.stdout
    assert out.startswith("history read for 0 of 2 repositories")
    api = out.split("payments-api", 1)[1].split("\n\n", 1)[0]
    assert "HISTORY NOT READ" in api and "truck factor        unknown" in api
    assert "knowledge held by leavers  unknown" in api and "truck factor        0" not in out
    # ssh's own reason, not git's closing advice ("and the repository exists.")
    assert "Connection refused" in api and "Could not read from remote repository" in api
    assert "and the repository exists" not in out
    assert "no such folder" in out.split("storefront", 1)[1]
    assert "history read for 0 of 2 repositories" in result.stderr and "ownership: error:" in result.stderr


def test_scan_json_says_null_for_what_an_unread_history_would_say(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _org(tmp_path, readable=False)
    monkeypatch.chdir(tmp_path)
    result = _scan("--format", "json")
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert doc["repositories"] == {"read": 0, "named": 2}
    api = {s["name"]: s for s in doc["systems"]}["payments-api"]
    assert api["history_read"] is False
    for key in ("truck_factor", "truck_factor_pruned", "truck_factor_employed", "leavers_share", "files"):
        assert api[key] is None, key
    assert "Connection refused" in api["unread"][0]["reason"]


def test_one_unreadable_repository_of_several_is_listed_and_the_scan_still_succeeds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _org(tmp_path, readable=True)
    monkeypatch.chdir(tmp_path)
    result = _scan()
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("history read for 1 of 3 repositories (2 could not be read)")
    ledger = result.stdout.split("ledger", 1)[1].split("\n\n", 1)[0]
    assert "truck factor        1" in ledger and "knowledge held by leavers  100% of files" in ledger


def test_the_report_counts_only_systems_whose_history_was_read(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    _org(tmp_path, readable=False)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["report", "--today", "2024-12-31", "--roster", "roster.csv"])
    assert "Traceback" not in result.output
    folder = tmp_path / "reports" / "2024-12-31"
    doc = json.loads((folder / "report.json").read_text())
    assert doc["inputs"]["activity"] is True
    assert (doc["inputs"]["repositories"], doc["inputs"]["repositories_read"]) == (2, 0)
    head = doc["headline"]
    assert (head["history_read"], head["history_repositories"]) == (0, 2)
    for key in ("dormant", "drifting", "knowledge_loss", "bus_factor_1", "knowledge_held_by_leavers_pct"):
        assert head[key] is None, key
    found = [f for f in doc["findings"] if f["rule"] == "history-unavailable"]
    assert sorted(f["subject"] for f in found) == ["system:payments-api", "system:storefront"]
    api = next(f for f in found if f["subject"] == "system:payments-api")
    assert "Connection refused" in api["message"] and api["evidence"]["read"] == 0
    assert not [f for f in doc["findings"] if f["rule"] in ("dormant", "bus-factor", "knowledge-loss")]
    md = (folder / "report.md").read_text()
    assert md.index("History read for 0 of 2 repositories") < md.index("## Headline")
    assert "| Dormant systems | unknown |" in md
    html = (folder / "report.html").read_text()
    assert "History read for 0 of 2 repositories" in html


def test_the_site_shows_unknown_history_as_unknown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _org(tmp_path, readable=False)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["site", "--catalog", "catalog", "--at", "2024-12-31T12:00:00Z", "--roster",
                                      "roster.csv",
                                      "--out", "out"])
    assert result.exit_code == 0, result.output
    index = (tmp_path / "out" / "index.html").read_text()
    assert "History read for <strong>0</strong> of <strong>2</strong> repositories" in index
    assert 'dormant: <span class="warn-text">unknown</span>' in index
    page = (tmp_path / "out" / "systems" / "payments-api.html").read_text()
    assert "History not read" in page and "Connection refused" in page
