"""Findings link to the catalog line to change: the blob URL of the file at HEAD with `#L<line>`, derived from
a real git repository's `origin` (GitHub- or GitLab-like hosts only); no link when it is not known."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership.cli import cli
from ownership.history.weblinks import blob_urls, line_url, web_base
from tests.gitrepo import GitRepo
from tests.report.org import terminate, write_org


def _catalog_repo(root: Path, remote: str) -> str:
    """The org in a git repository whose origin is `remote` (never fetched); returns the HEAD commit."""
    write_org(root)
    repo = GitRepo.init(root)
    repo.git("remote", "add", "origin", remote)
    repo.git("add", "catalog")
    repo.git("commit", "-q", "-m", "catalog", date="2026-11-01")
    return repo.git("rev-parse", "HEAD").strip()


@pytest.mark.parametrize(("remote", "web"), [
    ("git@github.com:acme/catalog.git", ("https://github.com/acme/catalog", "blob")),
    ("https://token:x-oauth@github.com/acme/catalog.git", ("https://github.com/acme/catalog", "blob")),
    ("ssh://git@github.acme.test:2222/acme/catalog", ("https://github.acme.test/acme/catalog", "blob")),
    ("https://gitlab.com/acme/platform/catalog.git", ("https://gitlab.com/acme/platform/catalog", "-/blob")),
    ("https://git.acme.test/acme/catalog.git", None),  # a host we cannot tell the web shape of: no link
    ("/srv/git/catalog.git", None),
    ("ext::sh -c touch% /tmp/pwned", None),
])
def test_web_base_knows_github_and_gitlab_remotes_only(remote: str, web: tuple[str, str] | None) -> None:
    assert web_base(remote) == web


def test_report_findings_link_to_their_line_at_head(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sha = _catalog_repo(tmp_path, "git@github.com:acme/catalog.git")
    terminate(tmp_path / "roster.csv", "alice.nguyen@acme.test", "2026-11-27")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["report", "--today", "2026-11-30"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "reports" / "2026-11-30"
    doc = json.loads((folder / "report.json").read_text())
    page = (folder / "report.html").read_text()
    finding = next(f for f in doc["findings"] if f["rule"] == "orphaned")
    rel = Path(finding["file"]).resolve().relative_to(tmp_path.resolve()).as_posix()
    url = f"https://github.com/acme/catalog/blob/{sha}/{rel}#L{finding['line']}"
    assert f'href="{url}"' in page
    assert "blob/" not in (folder / "report.json").read_text()  # report.json's data is unchanged
    links = re.findall(r'href="(https://github\.com/[^"]+)"', page)
    assert links and all(re.fullmatch(rf"https://github\.com/acme/catalog/blob/{sha}/catalog/\S+#L\d+", u)
                         for u in links)


def test_an_edited_or_untracked_file_gets_no_link(tmp_path: Path) -> None:
    _catalog_repo(tmp_path, "https://github.com/acme/catalog.git")
    files = sorted(str(p) for p in (tmp_path / "catalog").rglob("*.yaml"))
    assert set(blob_urls(files)) == set(files)
    edited = Path(files[0])
    edited.write_text("# a line above moves every line number\n" + edited.read_text())
    (tmp_path / "catalog" / "new.yaml").write_text("teams: []\n")
    urls = blob_urls([*files, str(tmp_path / "catalog" / "new.yaml")])
    assert str(edited) not in urls and str(tmp_path / "catalog" / "new.yaml") not in urls
    assert set(urls) == set(files[1:])


def test_no_link_outside_a_repository_or_without_a_known_remote(tmp_path: Path) -> None:
    write_org(tmp_path / "plain")
    assert blob_urls(str(p) for p in (tmp_path / "plain" / "catalog").rglob("*.yaml")) == {}
    _catalog_repo(tmp_path / "other", "https://git.acme.test/acme/catalog.git")
    assert blob_urls(str(p) for p in (tmp_path / "other" / "catalog").rglob("*.yaml")) == {}
    assert line_url(None, 3) is None and line_url("https://h/x", 3) == "https://h/x#L3"


def test_site_findings_link_to_their_line_at_head(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sha = _catalog_repo(tmp_path, "https://gitlab.com/acme/catalog.git")
    terminate(tmp_path / "roster.csv", "alice.nguyen@acme.test", "2026-11-27")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["site", "--out", "site", "--at", "2026-11-30", "--no-scan"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "site" / "systems" / "payments-api.html").read_text()
    links = re.findall(r'<a class="src" href="([^"]+)"', page)
    assert links and all(re.fullmatch(rf"https://gitlab\.com/acme/catalog/-/blob/{sha}/catalog/\S+\.yaml#L\d+", u)
                         for u in links)
