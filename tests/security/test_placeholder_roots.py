"""Issue 24, point 6: `$text` / `$json` / `$yaml` placeholders and the site read nothing outside the catalog.

The attack: a merged `description: {$text: ../weekly/<day>/roster-snapshot.json}` published the HR snapshot on
the Pages site, because placeholders could read anywhere in the git work tree and site.yml checked the reports
branch out inside it. Placeholders now resolve inside the catalog paths given (a folder as it is, a single
file by its folder) or beside the file holding them; the site copies its weekly report only from inside the
--report folder. (The workflows' side, the reports checkout outside the work tree, is in test_workflows.py.)
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

HEAD = "apiVersion: backstage.io/v1alpha1\n"
GROUP = HEAD + "kind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n"
SNAPSHOT = '{"people": [{"name": "Dana Leaver", "email": "dana.leaver@acme.test", "end": "2026-12-31"}]}\n'
HR = ("Dana Leaver", "dana.leaver@acme.test")


@pytest.fixture(autouse=True)
def _bounded() -> Iterator[None]:
    signal.alarm(120)
    yield
    signal.alarm(0)


def component(name: str, placeholder: str) -> str:
    return (HEAD + f"kind: Component\nmetadata:\n  name: {name}\n  description: {{$text: {placeholder}}}\n"
            "spec:\n  type: service\n  owner: team-a\n  lifecycle: production\n")


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """A git work tree as site.yml used to leave it: catalog/, and the reports branch checked out at weekly/
    with last week's HR roster snapshot in it."""
    root = tmp_path / "repo"
    (root / "catalog" / "apis").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True, timeout=30, capture_output=True)
    (root / "weekly" / "2026-11-30").mkdir(parents=True)
    (root / "weekly" / "2026-11-30" / "roster-snapshot.json").write_text(SNAPSHOT)
    (root / "catalog" / "apis" / "web.md").write_text("The web API.\n")
    return root


def _ownership(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ownership", *args], cwd=root, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, timeout=90)


def _validate(root: Path, catalog: str = "catalog") -> list[tuple[str, str, int, str]]:
    done = _ownership(root, "validate", "--catalog", catalog, "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    assert not any(secret in done.stdout + done.stderr for secret in HR)
    return [(f["rule"], f["severity"], f["line"], f["message"]) for f in json.loads(done.stdout)["findings"]]


def test_a_placeholder_reaching_the_reports_checkout_is_an_error_at_its_line_and_the_site_shows_nothing_of_it(
        repo: Path) -> None:
    (repo / "catalog" / "catalog-info.yaml").write_text(
        GROUP + "---\n" + component("web", "../weekly/2026-11-30/roster-snapshot.json"))
    findings = _validate(repo)
    assert [(rule, severity, line) for rule, severity, line, _ in findings] == [
        ("placeholder-outside-root", "error", 10)]  # the line of `description: {$text: ...}`
    message = findings[0][3]
    assert "../weekly/2026-11-30/roster-snapshot.json" in message and "outside the catalog folders" in message
    assert str((repo / "catalog").resolve()) in message and "it was not read" in message
    done = _ownership(repo, "site", "--catalog", "catalog", "--out", "_site", "--no-scan", "--at", "2026-12-07")
    assert done.returncode == 0, done.stderr
    published = [p for p in (repo / "_site").rglob("*") if p.is_file()]
    assert any(p.name == "web.html" for p in published)
    for page in published:
        text = page.read_text(errors="replace")
        assert not any(secret in text for secret in HR), page


def test_a_symlink_in_the_catalog_resolving_outside_it_counts_as_outside(repo: Path) -> None:
    (repo / "catalog" / "notes.md").symlink_to(repo / "weekly" / "2026-11-30" / "roster-snapshot.json")
    (repo / "catalog" / "linked").symlink_to(repo / "weekly", target_is_directory=True)
    (repo / "catalog" / "catalog-info.yaml").write_text(
        GROUP + "---\n" + component("web", "./notes.md") + "---\n"
        + component("api", "./linked/2026-11-30/roster-snapshot.json"))
    findings = _validate(repo)
    assert [(rule, line) for rule, _, line, _ in findings] == [("placeholder-outside-root", 10),
                                                              ("placeholder-outside-root", 20)]
    assert all("leaves the root ('..' or a symlink)" in message for *_, message in findings)


def test_a_single_catalog_file_given_makes_its_folder_the_root(repo: Path) -> None:
    (repo / "README.md").write_text("Dana Leaver, dana.leaver@acme.test\n")
    (repo / "catalog" / "catalog-info.yaml").write_text(
        GROUP + "---\n" + component("web", "./apis/web.md") + "---\n" + component("api", "../README.md"))
    findings = _validate(repo, "catalog/catalog-info.yaml")
    assert [(rule, line) for rule, _, line, _ in findings] == [("placeholder-outside-root", 20)]
    # the same file, given as the folder holding it, reads the same: inside is inside
    assert [(rule, line) for rule, _, line, _ in _validate(repo)] == [("placeholder-outside-root", 20)]


def test_a_file_a_location_brings_in_from_elsewhere_reads_beside_itself_and_no_further(repo: Path) -> None:
    """Monorepo layout (docs/backstage.md): catalog/ names services/*/catalog-info.yaml with a Location; each
    service's descriptor reads its own openapi file, but cannot climb to the reports checkout."""
    (repo / "services" / "web").mkdir(parents=True)
    (repo / "services" / "web" / "openapi.md").write_text("The web API.\n")
    (repo / "services" / "web" / "catalog-info.yaml").write_text(
        component("web", "./openapi.md") + "---\n"
        + component("api", "../../weekly/2026-11-30/roster-snapshot.json"))
    (repo / "catalog" / "catalog-info.yaml").write_text(
        GROUP + "---\n" + HEAD + "kind: Location\nmetadata: {name: services}\nspec:\n"
        "  targets: [../services/*/catalog-info.yaml]\n")
    findings = _validate(repo)
    assert [(rule, f"{line}") for rule, _, line, _ in findings] == [("placeholder-outside-root", "15")]
    assert "services/web/catalog-info.yaml" in findings[0][3]


def test_the_site_copies_no_weekly_report_file_that_resolves_out_of_the_report_folder(repo: Path) -> None:
    """The default --report folder, reports/, is in the catalog's repository: a merged symlink there must not
    publish a file from elsewhere on the runner."""
    (repo / "catalog" / "catalog-info.yaml").write_text(GROUP)
    day = repo / "reports" / "2026-12-07"
    day.mkdir(parents=True)
    (day / "report.md").symlink_to(repo / "weekly" / "2026-11-30" / "roster-snapshot.json")
    done = _ownership(repo, "site", "--catalog", "catalog", "--out", "_site", "--no-scan", "--at", "2026-12-07")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "resolves outside" in done.stderr and "report.md" in done.stderr
    assert "Traceback" not in done.stderr and not any(secret in done.stderr for secret in HR)
    assert not (repo / "_site").exists()
