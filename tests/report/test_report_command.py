"""`ownership report` end to end on a small real org: real git repositories, the example roster, the CLI."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership.cli import cli
from tests.report.org import terminate, write_org


def _report(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["report", *args])
    assert "Traceback" not in result.output + result.stderr
    return result.exit_code, result.stdout, result.stderr


def _json(folder: Path) -> dict:
    return json.loads((folder / "report.json").read_text())


def test_report_writes_three_files_into_the_dated_folder_with_headline_numbers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_org(tmp_path)
    code, out, _ = _report(tmp_path, monkeypatch, "--today", "2026-11-30")
    assert code == 0, out
    folder = tmp_path / "reports" / "2026-11-30"
    assert sorted(p.name for p in folder.iterdir()) == ["report.html", "report.json", "report.md",
                                                        "roster-snapshot.json"]
    assert "report.html" in out
    doc = _json(folder)
    h = doc["headline"]
    assert (h["systems"], h["teams"], h["employed_owner"], h["employed_owner_pct"]) == (3, 2, 3, 100.0)
    assert h["leavers_owning"] == 2  # bob.martin (payments member) and hector.silva (billing-legacy maintainer)
    assert [p["label"] for p in doc["leavers"]] == ["bob.martin@acme.test", "hector.silva@acme.test"]
    hector = doc["leavers"][1]
    assert {"subject": "system:billing-legacy", "role": "maintainer"} in hector["owns"]
    assert hector["end_date"] == "2025-09-30"
    assert doc["changes"]["since"] is None
    assert doc["inputs"]["roster"] == "roster.csv" and doc["inputs"]["repositories"] == 2
    md = (folder / "report.md").read_text()
    assert md.startswith("# Ownership report 2026-11-30\n")
    assert "| Systems with an employed owner | 3 of 3 (100%) |" in md


def test_legacy_stewards_names_who_kept_the_deprecated_system_alive_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_org(tmp_path)
    assert _report(tmp_path, monkeypatch, "--today", "2026-11-30")[0] == 0
    doc = _json(tmp_path / "reports" / "2026-11-30")
    assert doc["stewards"]["window_days"] == 180
    first = doc["stewards"]["people"][0]
    assert first["label"] == "jamal.brooks@acme.test"
    assert first["systems"] == [{"system": "billing-legacy", "why": ["deprecated"], "commits": 2,
                                 "last_commit": "2026-11-02"}]
    # hector.silva wrote billing-legacy but left: people who left are facts, not stewards
    assert all(p["label"] != "hector.silva@acme.test" for p in doc["stewards"]["people"])
    assert "**Jamal Brooks** (jamal.brooks@acme.test, Billing): `billing-legacy` (deprecated; 2 commits" in \
        (tmp_path / "reports" / "2026-11-30" / "report.md").read_text()


def test_top_risks_rank_by_tier_times_blast_radius_with_evidence_and_successor(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_org(tmp_path)
    assert _report(tmp_path, monkeypatch, "--today", "2026-11-30")[0] == 0
    risks = _json(tmp_path / "reports" / "2026-11-30")["risks"]
    assert [r["system"] for r in risks][:2] == ["payments-api", "billing-legacy"]
    assert [r["score"] for r in risks] == sorted((r["score"] for r in risks), reverse=True)
    pay = risks[0]
    assert pay["dependents"] == 1 and pay["tier1_dependents"] == 1  # checkout depends on it
    assert pay["evidence"]["last_human_commit"] == "2026-11-10"
    legacy = risks[1]
    assert "owner-left" in [p["rule"] for p in legacy["problems"]]
    assert legacy["successor"]["label"] == "jamal.brooks@acme.test"


def test_same_inputs_give_byte_identical_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_org(tmp_path)
    assert _report(tmp_path, monkeypatch, "--today", "2026-11-30", "--out", "a", "--history", "none")[0] == 0
    assert _report(tmp_path, monkeypatch, "--today", "2026-11-30", "--out", "b", "--history", "none")[0] == 0
    for name in ("report.md", "report.json", "report.html"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_what_changed_compares_with_the_previous_report_after_a_roster_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_org(tmp_path)
    assert _report(tmp_path, monkeypatch, "--today", "2026-11-23")[0] == 0
    terminate(tmp_path / "roster.csv", "alice.nguyen@acme.test", "2026-11-27")
    assert _report(tmp_path, monkeypatch, "--today", "2026-11-30")[0] == 0
    doc = _json(tmp_path / "reports" / "2026-11-30")
    changes = doc["changes"]
    assert changes["since"] == "2026-11-23"
    assert [p["label"] for p in changes["new_leavers"]] == ["alice.nguyen@acme.test"]
    assert {"subject": "system:payments-api", "role": "maintainer"} in changes["new_leavers"][0]["owns"]
    assert changes["headline"]["leavers_owning"] == 1
    assert changes["headline"]["employed_owner"] == -2  # payments-api and checkout lost their last owner
    new = {(f["rule"], f["subject"]) for f in changes["new_findings"]}
    assert ("owner-left", "system:payments-api") in new
    # the report of a week ago is the first point of the health line
    assert [p["date"] for p in doc["health"]] == ["2026-11-23", "2026-11-30"]
    assert [p["employed_owner_pct"] for p in doc["health"]] == [100.0, pytest.approx(33.3)]
    md = (tmp_path / "reports" / "2026-11-30" / "report.md").read_text()
    assert "Compared with the report of 2026-11-23." in md
    assert "Alice Nguyen (alice.nguyen@acme.test, left 2026-11-27): maintainer of `system:payments-api`" in md


def test_what_changed_lists_orphaned_systems_that_are_new_and_resolved(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ownership.report.diff import changes

    before = {"date": "2026-11-23", "orphaned": ["a", "b"], "findings": [], "leavers": [], "headline": {}}
    now = {"orphaned": ["b", "c"], "findings": [], "leavers": [], "headline": {}}
    got = changes(now, before)
    assert (got["newly_orphaned"], got["resolved_orphans"]) == (["c"], ["a"])


def test_an_unreadable_earlier_report_is_skipped_with_a_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_org(tmp_path)
    bad = tmp_path / "reports" / "2026-11-16"
    bad.mkdir(parents=True)
    (bad / "report.json").write_text("{not json")
    code, _, err = _report(tmp_path, monkeypatch, "--today", "2026-11-30")
    assert code == 0
    assert "2026-11-16/report.json: skipped, not a readable report.json" in err
    assert _json(tmp_path / "reports" / "2026-11-30")["changes"]["since"] is None


def test_reports_from_today_or_later_are_not_last_week(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_org(tmp_path)
    assert _report(tmp_path, monkeypatch, "--today", "2026-12-07")[0] == 0
    assert _report(tmp_path, monkeypatch, "--today", "2026-11-30")[0] == 0
    doc = _json(tmp_path / "reports" / "2026-11-30")
    assert doc["changes"]["since"] is None and len(doc["health"]) == 1


def test_without_a_roster_the_report_says_what_it_cannot_tell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_org(tmp_path)
    (tmp_path / "ownership.yaml").write_text("catalog: catalog/\nhistory: {cache: .cache/, protocols: [file]}\n")
    code, _, err = _report(tmp_path, monkeypatch, "--today", "2026-11-30")
    assert code == 0
    assert "no roster" in err
    doc = _json(tmp_path / "reports" / "2026-11-30")
    assert doc["headline"]["employed_owner_pct"] is None and doc["inputs"]["roster"] is None
    assert (doc["stewards"]["window_days"], doc["stewards"]["people"]) == (None, [])
    md = (tmp_path / "reports" / "2026-11-30" / "report.md").read_text()
    assert "No HR roster was given" in md and "(n/a)" in md


def test_an_unwritable_out_folder_is_one_line_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_org(tmp_path)
    (tmp_path / "blocker").write_text("a file, not a folder")
    code, _, err = _report(tmp_path, monkeypatch, "--today", "2026-11-30", "--out", "blocker/week")
    assert code == 2
    assert err.startswith("ownership: error: blocker/week: cannot write the report")
    assert len(err.strip().splitlines()) == 1


def test_an_unreadable_roster_is_exit_2_and_no_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_org(tmp_path)
    code, _, err = _report(tmp_path, monkeypatch, "--today", "2026-11-30", "--roster", "missing.csv")
    assert code == 2 and "missing.csv" in err
    assert not (tmp_path / "reports" / "2026-11-30").exists()


def test_progress_lines_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    from ownership.commands.report import terminal_stage

    class Tty:
        def __init__(self, real: object, tty: bool) -> None:
            self.real, self.tty = real, tty

        def isatty(self) -> bool:
            return self.tty

        def __getattr__(self, name: str) -> object:
            return getattr(self.real, name)

    for var in ("CI", "GITHUB_ACTIONS", "BUILD_NUMBER", "GITLAB_CI"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(sys, "stderr", Tty(sys.stderr, False))
    terminal_stage()("auditing")
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(sys, "stderr", Tty(sys.stderr, True))
    terminal_stage()("auditing")
    assert capsys.readouterr().err == "ownership: auditing…\n"
    monkeypatch.setenv("CI", "true")
    terminal_stage()("auditing")
    assert capsys.readouterr().err == ""


def test_every_report_json_key_is_documented(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import ROOT

    write_org(tmp_path)
    assert _report(tmp_path, monkeypatch, "--today", "2026-11-23")[0] == 0
    terminate(tmp_path / "roster.csv", "alice.nguyen@acme.test", "2026-11-27")
    assert _report(tmp_path, monkeypatch, "--today", "2026-11-30")[0] == 0
    doc = _json(tmp_path / "reports" / "2026-11-30")
    keys: set[str] = set()

    def walk(value: object, inside_evidence: bool) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if not inside_evidence:
                    keys.add(k)
                walk(v, inside_evidence or k == "evidence" and isinstance(v, dict) and "truck_factor" not in v)
        elif isinstance(value, list):
            for v in value:
                walk(v, inside_evidence)

    # a finding's evidence is rule-specific (docs/rules.md); everything else is report.json's own
    walk({k: v for k, v in doc.items() if k != "findings"}, False)
    text = (ROOT / "docs" / "report.md").read_text()
    missing = sorted(k for k in keys if f"`{k}`" not in text)
    assert not missing, f"keys of report.json missing in docs/report.md: {missing}"


def test_the_report_names_a_roster_without_credentials_or_local_folders() -> None:
    from ownership.commands.report import roster_label
    from ownership.config import Config

    label = roster_label("https://svc:s3cr3t-token@hr.example.test/scim/v2", Config())
    assert label is not None and "s3cr3t-token" not in label and "hr.example.test/scim/v2" in label
    assert roster_label("/home/someone/private/roster.csv", Config()) == "roster.csv"
    assert roster_label(None, Config()) is None


def test_catalog_problems_land_in_catalog_hygiene_with_file_and_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = write_org(tmp_path)
    (catalog / "systems" / "broken.yaml").write_text("systems:\n  - name: x\n    owner: nobody-team\n")
    code, _, _ = _report(tmp_path, monkeypatch, "--today", "2026-11-30")
    assert code == 0  # a report, not a gate: the findings are in it
    doc = _json(tmp_path / "reports" / "2026-11-30")
    assert doc["headline"]["catalog_findings"] >= 1
    unknown = next(g for g in doc["hygiene"] if g["rule"] == "unknown-team")
    assert unknown["severity"] == "error" and unknown["findings"][0]["line"] == 3
    assert unknown["findings"][0]["file"].endswith("broken.yaml")
    md = (tmp_path / "reports" / "2026-11-30" / "report.md").read_text()
    assert "| `unknown-team` | error | 1 |" in md and "broken.yaml:3)" in md


def test_an_out_folder_named_for_another_day_is_refused_before_anything_is_scanned_or_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_org(tmp_path)
    code, _, err = _report(tmp_path, monkeypatch, "--out", "reports/2020-01-06/")  # no --today: today's date
    assert code == 2
    assert "reports/2020-01-06: the folder is named for 2020-01-06 but the report is of " in err
    assert "pass --today 2020-01-06" in err
    assert not (tmp_path / "reports").exists()
    code, _, err = _report(tmp_path, monkeypatch, "--out", "reports/2026-11-23", "--today", "2026-11-30")
    assert code == 2 and "--out reports/2026-11-30" in err


def test_an_out_folder_named_for_the_report_day_or_for_no_day_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_org(tmp_path)
    code, _, err = _report(tmp_path, monkeypatch, "--out", "reports/2026-11-30/", "--today", "2026-11-30")
    assert code == 0, err
    assert _json(tmp_path / "reports" / "2026-11-30")["date"] == "2026-11-30"
    code, _, err = _report(tmp_path, monkeypatch, "--out", "latest", "--today", "2026-11-30")
    assert code == 0, err
    assert _json(tmp_path / "latest")["date"] == "2026-11-30"


def test_an_earlier_report_with_a_key_of_the_wrong_type_is_skipped_naming_the_file_and_the_key(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Valid JSON of the right version and date, one key of the wrong type: skipped with a warning, never an
    internal error and never copied into the health trend (issue 25, point 1)."""
    write_org(tmp_path)
    assert _report(tmp_path, monkeypatch, "--today", "2026-11-02")[0] == 0
    good = _json(tmp_path / "reports" / "2026-11-02")
    damage = {"2026-11-09": ("headline", ["a list"]), "2026-11-10": ("orphaned", None),
              "2026-11-11": ("leavers", "bob"), "2026-11-12": ("headline.employed_owner_pct", "100"),
              "2026-11-13": ("findings", [{"rule": "orphaned", "evidence": []}]),
              "2026-11-16": ("headline.findings", {"error": "3"})}
    for day, (key, value) in damage.items():
        doc = json.loads(json.dumps(good))
        doc["date"] = day
        target = doc
        *parents, last = key.split(".")
        for part in parents:
            target = target[part]
        target[last] = value
        (tmp_path / "reports" / day).mkdir()
        (tmp_path / "reports" / day / "report.json").write_text(json.dumps(doc))
    code, _, err = _report(tmp_path, monkeypatch, "--today", "2026-11-30")
    assert code == 0, err
    for day, (key, _) in damage.items():
        shown = "findings" if key == "findings" else key
        assert f"{day}/report.json: skipped, `{shown}` has the wrong type" in err, err
    doc = _json(tmp_path / "reports" / "2026-11-30")
    assert doc["changes"]["since"] == "2026-11-02"  # the last good week is last week
    assert [p["date"] for p in doc["health"]] == ["2026-11-02", "2026-11-30"]
    assert all(isinstance(p["employed_owner_pct"], float | int) for p in doc["health"])
