"""`ownership demo`: the example org's story (catalog/README.md, demo/history.py) comes out of the report."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ownership.cli import cli
from tests.conftest import isolate

TODAY = "2026-11-30"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Any], str]]:
    """One demo run for the story tests (it takes a couple of seconds)."""
    out = tmp_path_factory.mktemp("demo") / "ownership-demo"
    with pytest.MonkeyPatch.context() as mp:  # the autouse isolation fixture is per test; do the same here
        isolate(tmp_path_factory.mktemp("home"), mp)
        result = CliRunner().invoke(cli, ["demo", "--out", str(out), "--today", TODAY])
    assert result.exit_code == 0, result.output + result.stderr
    doc = json.loads((out / "reports" / TODAY / "report.json").read_text())
    yield out, doc, result.stdout


def _rules(doc: dict[str, Any], system: str) -> set[str]:
    return {f["rule"] for f in doc["findings"] if f["subject"] == f"system:{system}"}


def test_demo_materialises_the_org_and_prints_where_report_html_is(demo: tuple[Path, dict[str, Any], str]) -> None:
    out, _, stdout = demo
    for rel in ("catalog/teams.yaml", "roster.csv", "ownership.yaml", "repos/monorepo/.git",
                f"reports/{TODAY}/report.md", f"reports/{TODAY}/report.json"):
        assert (out / rel).exists(), rel
    html = (out / "reports" / TODAY / "report.html").resolve()
    assert f"\nreport: {html}\ntry next:\n" in stdout


def test_demo_headline_tells_the_story_of_the_example_org(demo: tuple[Path, dict[str, Any], str]) -> None:
    _, doc, _ = demo
    h = doc["headline"]
    assert (h["systems"], h["teams"]) == (30, 8)
    assert doc["orphaned"] == ["partner-ftp-sync"]  # will.johnson, its only owner, left in 2024
    assert h["employed_owner"] == 29 and h["employed_owner_pct"] == pytest.approx(96.7)
    assert h["dormant"] >= 1 and "dormant" in _rules(doc, "docs-portal")
    assert "ownership-drift" in _rules(doc, "reporting-api")  # the work comes from frontend
    assert {"knowledge-loss"} <= _rules(doc, "billing-legacy")  # hector.silva wrote it all, then left
    assert {"owner-left", "bus-factor"} <= _rules(doc, "kafka")  # nina.rossi left; quinn.adams holds it now
    assert h["catalog_findings"] == 0  # the bundled catalog is valid (`ownership validate catalog/`)
    assert [p["label"].split("@")[0] for p in doc["leavers"]] == [
        "bob.martin", "hector.silva", "nina.rossi", "will.johnson"]
    assert [p["label"].split("@")[0] for p in doc["leaving_soon"]] == ["kate.olsen"]


def test_demo_credits_jamal_brooks_as_the_steward_of_billing_legacy(demo: tuple[Path, dict[str, Any], str]) -> None:
    _, doc, _ = demo
    first = doc["stewards"]["people"][0]
    assert first["label"] == "jamal.brooks@acme.test"
    assert [s["system"] for s in first["systems"]] == ["billing-legacy"]
    assert first["systems"][0]["why"] == ["deprecated"]


def test_demo_top_risk_is_the_most_depended_on_system_with_a_gap(demo: tuple[Path, dict[str, Any], str]) -> None:
    _, doc, _ = demo
    top = doc["risks"][0]
    assert top["system"] == "kafka" and top["tier"] == 1 and top["dependents"] >= 10
    payments = next(r for r in doc["risks"] if r["system"] == "payments-api")
    assert payments["successor"] is not None and payments["successor"]["label"].endswith("@acme.test")


def test_demo_twice_into_the_default_folder_recreates_the_repositories_and_compares_weeks(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the Quickstart: `ownership demo` with the default, relative --out
    out = tmp_path / "ownership-demo"
    first = CliRunner().invoke(cli, ["demo", "--today", "2026-11-23"])
    assert first.exit_code == 0, first.output + first.stderr
    assert first.stderr == ""  # every repository was found and read
    (out / "repos" / "kafka-stray-file").write_text("left over from an earlier run")
    again = CliRunner().invoke(cli, ["demo", "--today", "2026-11-30"])
    assert again.exit_code == 0, again.output + again.stderr
    assert again.stderr == ""  # no "history was rewritten": a fresh scan cache with the fresh repositories
    assert not (out / "repos" / "kafka-stray-file").exists()
    doc = json.loads((out / "reports" / "2026-11-30" / "report.json").read_text())
    assert doc["orphaned"] == ["partner-ftp-sync"] and doc["headline"]["dormant"] >= 1
    assert doc["changes"]["since"] == "2026-11-23"
    # the second run rewrote the 12 weeks up to 2026-11-30; 2026-09-07 is the first run's oldest week
    assert [p["date"] for p in doc["health"]][:2] == ["2026-09-07", "2026-09-14"]
    assert len(doc["health"]) == 13


def test_demo_without_the_example_org_installed_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ownership

    monkeypatch.setattr(ownership, "__file__", str(tmp_path / "site-packages" / "ownership" / "__init__.py"))
    result = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path / "d"), "--today", TODAY])
    assert result.exit_code == 2
    assert "the example org is not installed" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "d").exists()


def test_demo_repositories_are_the_same_for_the_same_day(demo: tuple[Path, dict[str, Any], str],
                                                         tmp_path: Path) -> None:
    from ownership.catalog.load import load_paths
    from ownership.demo.history import write_repos
    from ownership.history import git

    out = demo[0]
    catalog, _ = load_paths([str(out / "catalog")])
    again = write_repos(catalog, tmp_path, dt.date.fromisoformat(TODAY))
    assert len(again) >= 10
    for name, path in again.items():
        assert git.run(path, "rev-parse", "HEAD") == git.run(out / "repos" / name, "rev-parse", "HEAD"), name


def test_demo_never_replaces_folders_it_did_not_create(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    (checkout / "catalog").mkdir(parents=True)
    (checkout / "catalog" / "teams.yaml").write_text("teams: []\n")
    result = CliRunner().invoke(cli, ["demo", "--out", str(checkout), "--today", TODAY])
    assert result.exit_code == 2
    assert "not empty and not an earlier demo folder" in result.stderr
    assert (checkout / "catalog" / "teams.yaml").read_text() == "teams: []\n"


def test_demo_writes_twelve_weekly_reports_so_the_last_has_a_trend_and_what_changed(
        demo: tuple[Path, dict[str, Any], str]) -> None:
    out, doc, _ = demo
    days = sorted(p.name for p in (out / "reports").iterdir())
    assert days == [(dt.date.fromisoformat(TODAY) - dt.timedelta(weeks=k)).isoformat() for k in range(11, -1, -1)]
    assert [p["date"] for p in doc["health"]] == days  # 12 points on the health chart
    changes = doc["changes"]
    assert changes["since"] == days[-2]
    assert changes["new_findings"] or changes["fixed_findings"] or changes["newly_orphaned"]
    html = (out / "reports" / TODAY / "report.html").read_text(encoding="utf-8")
    assert "What changed" in html or "what changed" in html.lower()
    first = json.loads((out / "reports" / days[0] / "report.json").read_text())
    assert first["date"] == days[0] and first["changes"]["since"] is None
    # each week is reported as of its own day: nothing of a later day is in an earlier report
    for week in days:
        text = (out / "reports" / week / "report.json").read_text()
        later = [d for d in days if d > week]
        assert not any(f'"last_commit": "{d}' in text for d in later), week


def test_demo_ends_with_three_next_commands_that_run_as_printed(demo: tuple[Path, dict[str, Any], str]) -> None:
    import os
    import subprocess
    import sysconfig

    out, _, stdout = demo
    lines = stdout.splitlines()
    commands = [line.strip() for line in lines[lines.index("try next:") + 1:]]
    assert len(commands) == 3 and all(c.startswith(f"cd {out} && ownership ") for c in commands)
    env = {**os.environ, "PATH": f"{sysconfig.get_path('scripts')}{os.pathsep}{os.environ['PATH']}"}
    expected = {"page": "Page for payments-api (team payments)", "offboard": "If alice.nguyen@acme.test left",
                "codeowners": "has no CODEOWNERS file"}
    for command in commands:
        done = subprocess.run(command, shell=True, cwd=out.parent, env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, command + done.stdout + done.stderr
        word = command.split(" && ownership ")[1].split()[0]
        assert expected[word] in done.stdout, command + done.stdout
        assert "Traceback" not in done.stderr and "clone" not in done.stderr
