"""A finding's evidence written as sentences (render/evidence.py), the one phrasing of report.html and the site."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership.cli import cli
from ownership.render.evidence import sentences
from tests.report.org import terminate, write_org


def test_a_person_who_left_reads_as_one_sentence_not_key_value_pairs() -> None:
    said = sentences({"person": "bob@acme.test", "person_id": "4", "role": "maintainer", "active": False,
                      "end_date": "2026-03-01", "hr_team": "Payments", "only_owner": False})
    assert said == ["bob@acme.test, maintainer: inactive in HR, end date 2026-03-01, HR team Payments, roster id 4.",
                    "Other owners are named too."]


def test_impact_shares_lists_and_unknown_keys_are_phrased() -> None:
    said = sentences({"tier": 2, "dependents": 1, "tier1_dependents": 0, "customer_facing_dependents": 1,
                      "outside_share": 0.875, "outside": [{"person": "x@acme.test", "commits": 12}],
                      "partial": True, "empty": None, "severity_reason": "raised from warning: tier 1"})
    assert said == ["Tier 2; 1 system depends on it (0 tier 1, 1 customer-facing).",
                    "Outside: x@acme.test (commits 12).", "Outside share: 87.5%.", "Partial: yes.",
                    "Severity raised from warning: tier 1."]
    assert sentences({}) == [] and sentences(None) == []


def test_report_html_writes_new_findings_evidence_as_sentences(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    write_org(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["report", "--today", "2026-11-23"]).exit_code == 0
    terminate(tmp_path / "roster.csv", "alice.nguyen@acme.test", "2026-11-27")
    assert CliRunner().invoke(cli, ["report", "--today", "2026-11-30"]).exit_code == 0
    folder = tmp_path / "reports" / "2026-11-30"
    page = (folder / "report.html").read_text()
    new = page.split("New findings", 1)[1].split("</details>", 1)[0]
    assert "alice.nguyen@acme.test, maintainer: inactive in HR, end date 2026-11-27" in new
    assert "active False" not in page and "only_owner" not in page
    doc = json.loads((folder / "report.json").read_text())
    left = next(f for f in doc["findings"] if f["rule"] == "owner-left")
    assert left["evidence"]["active"] is False and "only_owner" in left["evidence"]  # the data is unchanged
