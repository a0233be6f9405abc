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

TODAY = "2026-11-30"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Any], str]]:
    """One demo run for the story tests (it takes a couple of seconds)."""
    out = tmp_path_factory.mktemp("demo") / "ownership-demo"
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp:  # the autouse isolation fixture is per test; do the same here
        mp.setenv("HOME", str(home))
        mp.setenv("XDG_CACHE_HOME", str(home / ".cache"))
        mp.setenv("GIT_CONFIG_NOSYSTEM", "1")
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
    assert stdout.strip().splitlines()[-1] == f"report: {html}"


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
    assert [p["date"] for p in doc["health"]] == ["2026-11-23", "2026-11-30"]


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
