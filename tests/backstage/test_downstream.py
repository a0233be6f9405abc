"""Zero migration: the example org as Backstage descriptors gets the same audit and report as the native one."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership.cli import cli
from tests.conftest import isolate

TODAY = "2026-11-30"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo org and its Backstage export, made once for this module (the tests only add folders to it)."""
    out = tmp_path_factory.mktemp("downstream") / "demo"
    with pytest.MonkeyPatch.context() as mp:
        isolate(tmp_path_factory.mktemp("home"), mp)
        result = CliRunner().invoke(cli, ["demo", "--out", str(out), "--today", TODAY])
        assert result.exit_code == 0, result.output
        exported = CliRunner().invoke(cli, ["export", "backstage", "--catalog", str(out / "catalog"), "--out",
                                            str(out / "bs")])
        assert exported.exit_code == 0, exported.output
    return out


def _audit(demo: Path, catalog: str) -> set[tuple[str, str, str]]:
    result = CliRunner().invoke(cli, ["audit", "--catalog", str(demo / catalog), "--config",
                                      str(demo / "ownership.yaml"),
                                      "--format", "json", "--today", TODAY])
    assert result.exit_code == 1, result.output  # the example org has errors on purpose
    return {(f["rule"], f["subject"], f["message"]) for f in json.loads(result.stdout)["findings"]}


def test_audit_of_the_backstage_export_finds_exactly_what_the_native_catalog_does(demo: Path) -> None:
    native, backstage = _audit(demo, "catalog"), _audit(demo, "bs")
    assert backstage == native
    rules = {r for r, _, _ in native}
    assert {"orphaned", "dormant", "knowledge-loss", "bus-factor", "owner-left"} <= rules


def test_report_and_page_work_on_the_backstage_export(demo: Path) -> None:
    out = demo / "bs-report"
    result = CliRunner().invoke(cli, ["report", "--catalog", str(demo / "bs"), "--config", str(demo / "ownership.yaml"),
                                      "--out", str(out), "--today", TODAY])
    assert result.exit_code == 0, result.output
    native = json.loads((demo / "reports" / TODAY / "report.json").read_text())
    exported = json.loads((out / "report.json").read_text())
    assert exported["headline"] == native["headline"]
    page = CliRunner().invoke(cli, ["page", "payments-api", "--catalog", str(demo / "bs"),
                                    "--config", str(demo / "ownership.yaml"), "--format", "json",
                                    "--at", f"{TODAY}T03:00:00Z"])
    assert page.exit_code == 0, page.output
    skipped = {s["ref"]: s["reason"] for s in json.loads(page.stdout)["skipped"]}
    assert skipped["bob.martin@acme.test"] == "left on 2026-03-01"
