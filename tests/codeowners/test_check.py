"""`ownership codeowners check` and `export codeowners` on real git repositories."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership.cli import cli
from tests.gitrepo import GitRepo

CATALOG = """\
teams:
  - name: payments
    members: [alice@acme.test, bob@acme.test]
  - name: ledger
    members: [liam@acme.test]
systems:
  - name: payments-api
    owner: payments
    repos:
      - url: git@github.com:acme/monorepo.git
        paths: [services/payments-api/, libs/money/]
  - name: ledger-service
    owner: ledger
    repos:
      - url: git@github.com:acme/monorepo.git
        paths: [services/ledger/]
  - name: docs-site
    owner: payments
    repos:
      - url: ../monorepo
        paths: [docs/]
  - name: elsewhere
    owner: ledger
    repos:
      - url: https://github.com/acme/other.git
"""
CODEOWNERS = """\
* @acme/platform
/services/payments-api/ @acme/payments @bob-gh
/libs/money/ @acme/ledger
/services/ledger/ @liam-gh
/services/ledger/vendor/
/docs/ @carol-gh
"""
ROSTER = """\
id,email,github,name,active,end_date
1,alice@acme.test,alice-gh,Alice,true,
2,bob@acme.test,bob-gh,Bob,false,2026-03-01
3,liam@acme.test,liam-gh,Liam,true,
4,carol@acme.test,carol-gh,Carol,false,2025-12-31
"""
FILES = {
    "services/payments-api/main.py": "x", "services/payments-api/README.md": "x", "libs/money/money.py": "x",
    "services/ledger/main.py": "x", "services/ledger/vendor/lib.py": "x", "docs/index.md": "x",
    "other/tool.py": "x",
}


@pytest.fixture()
def org(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "catalog.yaml").write_text(CATALOG)
    (tmp_path / "catalog" / "ownership.yaml").write_text("codeowners: {org: acme}\n")
    (tmp_path / "roster.csv").write_text(ROSTER)
    repo = GitRepo.init(tmp_path / "monorepo")
    repo.git("remote", "add", "origin", "https://github.com/acme/monorepo")
    repo.commit({**FILES, ".github/CODEOWNERS": CODEOWNERS}, date="2026-01-10")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(*args: str) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    result = CliRunner().invoke(cli, ["codeowners", "check", "--catalog", "catalog", "--format", "json", "--today",
                                      "2026-06-01", *args])
    out = result.stdout
    return result.exit_code, json.loads(out) if out.startswith("{") else {}, result.stderr


def _rows(doc: dict) -> list[tuple[str, int, str, str]]:  # type: ignore[type-arg]
    return [(f["file"], f["line"], f["rule"], f["subject"]) for f in doc["findings"]]


CO = "monorepo/.github/CODEOWNERS"


def test_check_with_a_roster_finds_drift_leavers_and_unowned_paths(org: Path) -> None:
    code, doc, err = _run("--repo", "monorepo", "--roster", "roster.csv")
    assert code == 1
    assert _rows(doc) == [
        (CO, 2, "codeowners-left", "person:bob@acme.test"),
        (CO, 3, "codeowners-drift", "system:payments-api"),
        (CO, 5, "codeowners-unowned", "system:ledger-service"),
        (CO, 6, "codeowners-drift", "system:docs-site"),
        (CO, 6, "codeowners-left", "person:carol@acme.test"),
    ]
    msgs = {(f["rule"], f["line"]): f["message"] for f in doc["findings"]}
    assert msgs[("codeowners-left", 2)].endswith("the line's other owners still review")
    assert "who left on 2025-12-31" in msgs[("codeowners-left", 6)]
    assert "so /docs/ has no required reviewer" in msgs[("codeowners-left", 6)]
    assert msgs[("codeowners-drift", 3)] == (
        "CODEOWNERS line 3 (/libs/money/) gives 1 file under libs/money/ of system 'payments-api' to "
        "@acme/ledger, but the catalog says team 'payments' (@acme/payments) owns it")
    assert "removes their owners" in msgs[("codeowners-unowned", 5)]
    assert "codeowners-left was not checked" not in err


def test_without_a_roster_leavers_are_not_checked_and_the_output_says_so(org: Path) -> None:
    code, doc, err = _run("--repo", "monorepo")
    assert code == 1
    assert "codeowners-left was not checked" in err
    # @liam-gh cannot be tied to liam@acme.test without the roster's GitHub usernames: drift
    assert _rows(doc) == [
        (CO, 3, "codeowners-drift", "system:payments-api"),
        (CO, 4, "codeowners-drift", "system:ledger-service"),
        (CO, 5, "codeowners-unowned", "system:ledger-service"),
        (CO, 6, "codeowners-drift", "system:docs-site"),
    ]


def test_a_repository_without_codeowners_gives_one_warning_for_all_its_systems(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "catalog.yaml").write_text(CATALOG)
    repo = GitRepo.init(tmp_path / "monorepo")
    repo.git("remote", "add", "origin", "git@github.com:acme/monorepo.git")
    repo.commit(FILES, date="2026-01-10")
    monkeypatch.chdir(tmp_path)
    code, doc, _ = _run("--repo", "monorepo", "--fail-on", "warning")
    assert code == 1
    assert [(f["rule"], f["subject"], f["file"], f["line"]) for f in doc["findings"]] == [
        ("codeowners-unowned", "file:CODEOWNERS", "catalog/catalog.yaml", 10)]  # the first system's repos:
    message = doc["findings"][0]["message"]
    assert "the repository monorepo has no CODEOWNERS file" in message
    assert "6 files of 3 systems (payments-api, ledger-service, docs-site) have no code owner" in message
    assert "`ownership export codeowners`" in message
    assert doc["findings"][0]["evidence"]["systems"] == ["payments-api", "ledger-service", "docs-site"]


def test_history_rewrite_maps_catalog_urls_onto_the_repository_for_check_and_export(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo's case: the catalog names https://git.acme.test/... and ownership.yaml's history.rewrite maps
    it to local folders (no remote is configured in the repository)."""
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "catalog.yaml").write_text(CATALOG.replace(
        "git@github.com:acme/monorepo.git", "https://git.acme.test/acme/monorepo.git"))
    (tmp_path / "ownership.yaml").write_text(
        "catalog: catalog/\ncodeowners: {org: acme}\nhistory:\n  rewrite:\n"
        '    "https://git.acme.test/acme/": "repos/"\n')
    repo = GitRepo.init(tmp_path / "repos" / "monorepo")
    repo.commit(FILES, date="2026-01-10")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    before = runner.invoke(cli, ["codeowners", "check", "--repo", "repos/monorepo", "--format", "json",
                                 "--config", "ownership.yaml", "catalog"])
    assert before.exit_code == 0, before.output + before.stderr
    doc = json.loads(before.stdout)
    assert [f["evidence"]["systems"] for f in doc["findings"]] == [["payments-api", "ledger-service"]]
    written = runner.invoke(cli, ["export", "codeowners", "--repo", "repos/monorepo", "--config", "ownership.yaml",
                                  "catalog"])
    assert written.exit_code == 0, written.output + written.stderr
    text = (tmp_path / "repos" / "monorepo" / ".github" / "CODEOWNERS").read_text()
    assert "/services/payments-api/ @acme/payments\n" in text and "/services/ledger/ @acme/ledger\n" in text
    after = runner.invoke(cli, ["codeowners", "check", "--repo", "repos/monorepo", "--format", "json",
                                "--config", "ownership.yaml", "catalog"])
    assert (after.exit_code, json.loads(after.stdout)["findings"]) == (0, [])


def test_a_bare_repository_is_checked_at_head(org: Path) -> None:
    GitRepo(org).git("clone", "-q", "--bare", "monorepo", "bare.git")
    GitRepo(org / "bare.git").git("remote", "set-url", "origin", "git@github.com:acme/monorepo.git")
    code, doc, _ = _run("--repo", "bare.git", "--roster", "roster.csv")
    assert code == 1
    assert [(f["line"], f["rule"]) for f in doc["findings"]] == [
        (2, "codeowners-left"), (3, "codeowners-drift"), (5, "codeowners-unowned"), (6, "codeowners-left")]
    # docs-site names its repository by a local path (../monorepo), which the bare clone is not: no drift
    # for /docs/ here, but carol's line is still reported because she left
    assert doc["findings"][0]["file"] == "bare.git/.github/CODEOWNERS"


def test_a_repository_no_system_lists_cannot_be_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "catalog.yaml").write_text(CATALOG)
    repo = GitRepo.init(tmp_path / "unrelated")
    repo.commit({"a.txt": "x"}, date="2026-01-10")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["codeowners", "check", "--catalog", "catalog", "--repo", "unrelated"])
    assert result.exit_code == 2
    assert "no catalog system lists this repository" in result.stderr


def test_a_folder_that_is_not_a_repository_exits_2_with_one_line(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "catalog.yaml").write_text(CATALOG)
    (tmp_path / "plain").mkdir()
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["codeowners", "check", "--catalog", "catalog", "--repo", "plain"])
    assert result.exit_code == 2
    assert result.stderr.startswith("ownership: error: plain: ")
    assert "Traceback" not in result.output


def test_bad_codeowners_settings_exit_2(org: Path) -> None:
    (org / "catalog" / "ownership.yaml").write_text("codeowners: {team_handles: {payments: payments}}\n")
    result = CliRunner().invoke(cli, ["codeowners", "check", "--catalog", "catalog", "--repo", "monorepo"])
    assert result.exit_code == 2
    assert "team_handles" in result.stderr


# --------------------------------------------------------------------------- export codeowners


def test_export_writes_a_marked_block_keeps_hand_written_lines_and_is_idempotent(org: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["export", "codeowners", "--catalog", "catalog", "--repo", "monorepo"])
    assert result.exit_code == 0, result.output
    text = (org / "monorepo" / ".github" / "CODEOWNERS").read_text()
    assert text.startswith(CODEOWNERS)  # the hand-written lines, untouched
    block = text[len(CODEOWNERS):]
    assert block == (
        "\n# BEGIN ownership catalog (generated by `ownership export codeowners`; edit the catalog, not these "
        "lines)\n"
        "# docs-site\n/docs/ @acme/payments\n"
        "# payments-api\n/libs/money/ @acme/payments\n"
        "# ledger-service\n/services/ledger/ @acme/ledger\n"
        "# payments-api\n/services/payments-api/ @acme/payments\n"
        "# END ownership catalog\n")
    again = runner.invoke(cli, ["export", "codeowners", "--catalog", "catalog", "--repo", "monorepo"])
    assert again.exit_code == 0
    assert (org / "monorepo" / ".github" / "CODEOWNERS").read_text() == text
    # the block now decides for every system path: no drift, nothing unowned
    code, doc, _ = _run("--repo", "monorepo")
    assert (code, doc["findings"]) == (0, [])


def test_export_uses_configured_team_handles_and_replaces_the_old_block(org: Path) -> None:
    (org / "catalog" / "ownership.yaml").write_text(
        "codeowners: {org: acme, team_handles: {ledger: '@acme/ledger-core'}}\n")
    runner = CliRunner()
    assert runner.invoke(cli, ["export", "codeowners", "--catalog", "catalog", "--repo", "monorepo"]).exit_code == 0
    result = runner.invoke(cli, ["export", "codeowners", "--catalog", "catalog", "--repo", "monorepo", "--stdout"])
    assert result.exit_code == 0
    assert "/services/ledger/ @acme/ledger-core\n" in result.output
    assert result.output.count("# BEGIN ownership catalog") == 1


def test_export_without_team_handles_says_what_to_configure(org: Path) -> None:
    (org / "catalog" / "ownership.yaml").write_text("fail_on: error\n")
    result = CliRunner().invoke(cli, ["export", "codeowners", "--catalog", "catalog", "--repo", "monorepo"])
    assert result.exit_code == 2
    assert "no GitHub handle: set codeowners.org" in result.stderr


def test_lines_github_rejects_are_invalid_value_findings_at_their_line(org: Path) -> None:
    repo = GitRepo(org / "monorepo")
    repo.commit({".github/CODEOWNERS": CODEOWNERS + "!/docs/ @acme/payments\n"}, date="2026-01-11")
    code, doc, _ = _run("--repo", "monorepo", "--roster", "roster.csv")
    assert code == 1
    bad = [f for f in doc["findings"] if f["rule"] == "invalid-value"]
    assert [(f["file"], f["line"]) for f in bad] == [(CO, 7)]
    assert "negation" in bad[0]["message"]


@pytest.mark.parametrize("url", ["git@github.com:acme/monorepo.git", "https://github.com/acme/monorepo",
                                 "ssh://git@github.com/acme/monorepo.git", "https://GitHub.com/acme/monorepo.git/"])
def test_remote_url_spellings_of_one_repository_normalize_alike(url: str) -> None:
    from ownership.codeowners.check import normalize_url

    assert normalize_url(url) == "github.com/acme/monorepo"


def test_team_handles_map_both_ways() -> None:
    from ownership.codeowners.check import Handles

    h = Handles.from_values({"org": "acme", "team_handles": {"payments": "@acme/payments-team"}})
    assert (h.team("payments"), h.team("ledger")) == ("@acme/payments-team", "@acme/ledger")
    assert (h.team_of("@acme/payments-team"), h.team_of("@ACME/ledger"), h.team_of("@other/ledger")) == (
        "payments", "ledger", None)
    assert Handles().team_of("@whoever/ledger") == "ledger"  # no settings: the team part decides
