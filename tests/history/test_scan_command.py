"""`ownership scan` end to end (in-process through click), on a catalog whose repositories are made here."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ownership.cli import cli
from tests.gitrepo import GitRepo

ROSTER = """id,firstName,lastName,workEmail,status,terminationDate,department
1,Alice,Nguyen,alice@acme.test,Active,,Payments
2,Bob,Martin,bob@acme.test,Inactive,2024-06-30,Payments
"""


@pytest.fixture()
def org(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """catalog/ with two systems on one monorepo (reached through a URL rewrite) and one on a local path."""
    mono = GitRepo.init(tmp_path / "repos" / "monorepo")
    mono.commit({"services/api/a.py": "1\n", "services/api/b.py": "1\n", "services/web/w.js": "w"},
                author="Bob Martin <bob@acme.test>", date="2024-01-10")
    mono.commit({"services/api/a.py": "2\n"}, author="Alice Nguyen <alice@acme.test>", date="2024-11-20")
    mono.commit({"services/api/a.py": "3\n"},
                author="dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>", date="2024-12-01")
    mono.commit({b"services/web/caf\xe9 menu.txt": "x"}, author="Carol <carol@contractor.example>",
                date="2024-12-02")
    mono.commit({"services/old/x.txt": "x"}, author="Carol <carol@contractor.example>", date="2024-12-03")
    mono.rename("services/old/x.txt", b"services/caf\xe9/x.txt", author="Carol <carol@contractor.example>",
                date="2024-12-04")
    GitRepo.init(tmp_path / "empty")
    (tmp_path / "catalog" / "systems").mkdir(parents=True)
    (tmp_path / "catalog" / "teams.yaml").write_text("teams:\n  - name: payments\n    members: [alice@acme.test]\n")
    (tmp_path / "catalog" / "systems" / "all.yaml").write_text("""systems:
  - name: payments-api
    owner: payments
    repos:
      - url: https://git.acme.test/acme/monorepo.git
        paths: [services/api/]
  - name: storefront
    owner: payments
    repos:
      - url: https://git.acme.test/acme/monorepo.git
        paths: [services/web/, services/old]
  - name: brand-new
    owner: payments
    repos:
      - url: ../../empty
  - name: no-code
    owner: payments
""")
    (tmp_path / "ownership.yaml").write_text('history:\n  protocols: [file]\n  rewrite:\n    "https://git.acme.test/acme/": repos/\n')
    (tmp_path / "roster.csv").write_text(ROSTER)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["scan", *args], catch_exceptions=False)


def test_text_output_summarises_each_system(org: Path) -> None:
    result = run("--catalog", "catalog", "--today", "2024-12-31", "--roster", "roster.csv")
    assert result.exit_code == 0, result.output
    out = result.output
    section = out.split("payments-api", 1)[1].split("\n\n", 1)[0]
    assert "last touch          2024-12-01  dependabot[bot]" in section and "(bot)" in section
    assert "last human touch    2024-11-20  Alice Nguyen <alice@acme.test>" in section
    assert "active, 90 days     1 employed: Alice Nguyen (1); 0 left: -" in section
    assert "active, 365 days    1 employed: Alice Nguyen (1); 1 left: Bob Martin (1)" in section
    # a.py: Bob created, Alice 1 change, the bot 1: Bob 3.293+1.098-0.321*ln3 = 4.038 (best); Alice
    # 3.293+0.164-0.321*ln2 = 3.234 (< 3.293): Bob alone authors both files -> TF 1, employed TF 0, 100% held
    assert "truck factor        1 (counting only people still employed: 0)  [2 of 2 files" in section
    assert "knowledge held by leavers  100% of files" in section
    assert "brand-new" in out and "has no commits yet" in out
    assert "no-code" not in out
    # a path that is not UTF-8 is printed with \x escapes, never a crash
    assert "path 'services/old' does not exist at HEAD" in out and "'services/caf\\xe9/x.txt'" in out


def test_json_output_has_every_number(org: Path) -> None:
    result = run("--catalog", "catalog", "--today", "2024-12-31", "--roster", "roster.csv", "--format", "json",
                 "--jobs", "2")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["version"] == 1 and doc["windows"] == [90, 365] and doc["roster"] is True
    systems = {s["name"]: s for s in doc["systems"]}
    assert set(systems) == {"payments-api", "storefront", "brand-new"}
    api = systems["payments-api"]
    assert api["truck_factor"] == 1 and api["truck_factor_employed"] == 0 and api["leavers_share"] == 1.0
    assert api["truck_factor_pruned"] == 1 and api["history_read"] is True and api["unread"] == []
    assert api["last_human_commit"]["email"] == "alice@acme.test"
    assert [c["key"] for c in api["contributors"]][:1] == ["1"]  # Alice, resolved to roster id 1
    web = systems["storefront"]
    assert web["files"] == 2
    assert "caf\\xe9" in web["problems"][0]
    assert {c["key"]: c["left"] for c in web["contributors"]} == {"carol@contractor.example": False, "2": True}


def test_without_a_roster_people_are_not_resolved(org: Path) -> None:
    result = run("--catalog", "catalog", "--today", "2024-12-31")
    assert result.exit_code == 0
    assert "no roster given" in result.output
    assert "active, 365 days    2: Alice Nguyen (1), Bob Martin (1)" in result.output


def test_a_second_scan_uses_the_cache_and_prints_the_same(org: Path) -> None:
    first = run("--catalog", "catalog", "--today", "2024-12-31", "--format", "json")
    caches = sorted((Path(os.environ["XDG_CACHE_HOME"]) / "ownership" / "history").glob("*.json"))
    assert len(caches) == 1  # one repository (the empty one has nothing to cache)
    written = caches[0].stat().st_mtime_ns
    second = run("--catalog", "catalog", "--today", "2024-12-31", "--format", "json")
    assert first.output == second.output
    assert caches[0].stat().st_mtime_ns == written  # nothing new: the cache was read, not rewritten


def test_the_cache_folder_can_be_set_in_ownership_yaml(org: Path) -> None:
    (org / "ownership.yaml").write_text('history:\n  cache: .scan-cache\n  rewrite:\n'
                                        '    "https://git.acme.test/acme/": repos/\n')
    assert run("--catalog", "catalog", "--today", "2024-12-31").exit_code == 0
    assert len(list((org / ".scan-cache" / "history").glob("*.json"))) == 1


def test_a_missing_catalog_is_exit_2_with_one_line(org: Path) -> None:
    result = CliRunner().invoke(cli, ["scan", "--catalog", "nowhere/"])
    assert result.exit_code == 2
    assert "nowhere" in result.output and "Traceback" not in result.output


def test_a_bad_history_setting_is_exit_2_with_file_and_line(org: Path) -> None:
    (org / "ownership.yaml").write_text("history:\n  windows: [90, soon]\n")
    result = CliRunner().invoke(cli, ["scan", "--catalog", "catalog"])
    assert result.exit_code == 2
    assert "ownership.yaml:2:" in result.output and "history.windows" in result.output


def test_configured_windows_and_bot_patterns_apply(org: Path) -> None:
    (org / "ownership.yaml").write_text('history:\n  windows: [30]\n  bots: ["carol@*"]\n  rewrite:\n'
                                        '    "https://git.acme.test/acme/": repos/\n')
    result = run("--catalog", "catalog", "--today", "2024-12-31", "--format", "json")
    doc = json.loads(result.output)
    assert doc["windows"] == [30]
    web = {s["name"]: s for s in doc["systems"]}["storefront"]
    assert {c["key"]: c["bot"] for c in web["contributors"]} == {"carol@contractor.example": True,
                                                                 "bob@acme.test": False}
    assert web["last_human_commit"]["email"] == "bob@acme.test"


def test_no_progress_bar_in_ci_or_when_stderr_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from ownership.history import progress

    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    assert progress.wanted(5)
    assert not progress.wanted(1)  # one repository: nothing to show progress of
    monkeypatch.setenv("CI", "true")
    assert not progress.wanted(5)
    monkeypatch.delenv("CI")
    monkeypatch.setattr("sys.stderr.isatty", lambda: False, raising=False)
    assert not progress.wanted(5)


def test_the_bar_takes_its_total_from_the_scan_and_draws_one_step_per_repository(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from ownership.history import progress

    drawn: list[tuple[str, int]] = []

    class Recorder:  # a terminal cannot be attached here: record what click would draw
        def __init__(self, length: int, **_: object) -> None:
            drawn.append(("open", length))

        def __enter__(self) -> "Recorder":
            return self

        def __exit__(self, *_: object) -> None:
            drawn.append(("close", 0))

        def update(self, n: int) -> None:
            drawn.append(("step", n))

    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    monkeypatch.setattr(progress.click, "progressbar", Recorder)
    with progress.bar() as tick:
        assert tick is not None
        for _ in range(3):
            tick(None, 3)
    assert drawn == [("open", 3), ("step", 1), ("step", 1), ("step", 1), ("close", 0)]
    drawn.clear()
    with progress.bar() as tick:
        assert tick is not None
        tick(None, 1)  # one repository: nothing worth a bar
    assert drawn == []
    monkeypatch.setenv("CI", "true")
    with progress.bar() as tick:
        assert tick is None


def test_scan_is_listed_in_the_help(org: Path) -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert "scan" in result.output
    result = CliRunner().invoke(cli, ["scan", "--help"])
    assert "--roster" in result.output and "--jobs" in result.output and "--format" in result.output
