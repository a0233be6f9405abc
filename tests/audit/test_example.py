"""`ownership audit` over the bundled example (catalog/, examples/roster.csv, the demo's generated git
history) produces the realistic mix of findings README.md documents, and the README's numbers stay true."""
from __future__ import annotations

import collections
import datetime as dt
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership.catalog.load import load_paths
from ownership.cli import cli
from ownership.demo.history import ANCHOR, write_repos
from tests.conftest import ROOT, isolate


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, object]]:
    root = tmp_path_factory.mktemp("example")
    catalog, _ = load_paths([ROOT / "catalog"])
    write_repos(catalog, root / "repos", ANCHOR)
    config = root / "ownership.yaml"
    config.write_text("history:\n  rewrite: {'https://git.acme.test/acme/': 'repos/'}\n  cache: cache/\n")
    with pytest.MonkeyPatch.context() as mp:  # module-wide, so isolated here like every test (conftest)
        isolate(tmp_path_factory.mktemp("home"), mp)
        r = CliRunner().invoke(cli, ["audit", "--catalog", str(ROOT / "catalog"), "--roster",
                                     str(ROOT / "examples" / "roster.csv"),
                                     "--config", str(config), "--today", ANCHOR.isoformat(), "--format", "json"])
    assert r.exit_code == 1, r.output
    return json.loads(r.stdout)["findings"]  # type: ignore[no-any-return]


def _pairs(findings: list[dict[str, object]], rule: str) -> set[str]:
    return {str(f["subject"]).split(":", 1)[1] for f in findings if f["rule"] == rule}


def test_the_stale_facts_of_the_example_become_findings(findings: list[dict[str, object]]) -> None:
    assert _pairs(findings, "orphaned") == {"partner-ftp-sync"}
    assert _pairs(findings, "knowledge-loss") == {"billing-legacy", "oracle-billing-db", "partner-ftp-sync"}
    assert _pairs(findings, "ownership-drift") == {"reporting-api"}
    assert _pairs(findings, "dormant") == {"docs-portal"}  # deprecated oracle-billing-db is exempt
    assert _pairs(findings, "deprecated-dependency") == {"invoicing"}
    assert _pairs(findings, "no-oncall") == {"event-pipeline", "reporting-api", "fraud-scoring", "invoicing"}
    assert {"fraud-scoring", "payments-api", "kafka"} <= _pairs(findings, "bus-factor")
    drift = next(f for f in findings if f["rule"] == "ownership-drift")
    assert "xena.costa@acme.test" in str(drift["message"]) and "team frontend" in str(drift["message"])
    legacy = next(f for f in findings if f["rule"] == "knowledge-loss" and f["subject"] == "system:billing-legacy")
    assert "suggested: jamal.brooks@acme.test" in str(legacy["message"])


def test_readme_documents_the_same_mix(findings: list[dict[str, object]]) -> None:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Audit", 1)[1].split("\n## ", 1)[0]
    counts = collections.Counter(str(f["rule"]) for f in findings)
    table = {m.group(1): int(m.group(2)) for m in re.finditer(r"^\| `([a-z-]+)` \| (\d+) \|", section, re.M)}
    assert table == dict(counts)
    sev = collections.Counter(str(f["severity"]) for f in findings)
    assert f"{sev['error']} error(s), {sev['warning']} warning(s), {sev['info']} info" in section


def test_the_example_history_is_anchored_so_the_readme_date_is_right() -> None:
    assert ANCHOR == dt.date(2026, 11, 30)
    assert "--today 2026-11-30" in (ROOT / "README.md").read_text().split("## Audit", 1)[1]
    assert Path(ROOT / "examples" / "roster.csv").is_file()
