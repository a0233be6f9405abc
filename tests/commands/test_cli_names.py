"""One spelling of the catalog (--catalog PATH) on every command, one meaning per option name, the old spellings
kept with a one-line notice on stderr, and shell completion of the catalog's names (docs/cli.md)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership.cli import cli
from tests.conftest import ROOT

TEAMS = """teams:
  - name: payments
    members: [alice@acme.test, bob@acme.test]
"""
SYSTEMS = """systems:
  - name: payments-api
    owner: payments
    tier: 1
    lifecycle: production
  - name: payouts-worker
    owner: payments
    tier: 2
    lifecycle: production
    maintainers: [alice@acme.test]
"""
ROSTER = "email,name,status,end_date\nalice@acme.test,Alice,active,\nbob@acme.test,Bob,active,\n"


@pytest.fixture()
def org(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "teams.yaml").write_text(TEAMS)
    (tmp_path / "catalog" / "systems.yaml").write_text(SYSTEMS)
    (tmp_path / "roster.csv").write_text(ROSTER)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, timeout=30)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


NOTICE = "is deprecated: write"

# (old spelling, new spelling) of every command that took the catalog as positional PATHS
POSITIONAL = [
    (["validate", "catalog"], ["validate", "--catalog", "catalog"]),
    (["audit", "catalog", "--no-scan", "--today", "2026-11-30"],
     ["audit", "--catalog", "catalog", "--no-scan", "--today", "2026-11-30"]),
    (["scan", "catalog", "--today", "2026-11-30"], ["scan", "--catalog", "catalog", "--today", "2026-11-30"]),
    (["report", "catalog", "--today", "2026-11-30", "--out", "r/2026-11-30", "--history", "r"],
     ["report", "--catalog", "catalog", "--today", "2026-11-30", "--out", "r/2026-11-30", "--history", "r"]),
    (["site", "catalog", "--no-scan", "--out", "s", "--at", "2026-11-30"],
     ["site", "--catalog", "catalog", "--no-scan", "--out", "s", "--at", "2026-11-30"]),
    (["export", "backstage", "catalog", "--out", "b"], ["export", "backstage", "--catalog", "catalog", "--out", "b"]),
    (["export", "codeowners", "catalog", "--stdout"], ["export", "codeowners", "--catalog", "catalog", "--stdout"]),
    (["codeowners", "check", "catalog"], ["codeowners", "check", "--catalog", "catalog"]),
]


@pytest.mark.parametrize(("old", "new"), POSITIONAL, ids=lambda a: " ".join(a[:2]))
def test_catalog_option_works_and_positional_paths_still_do_with_one_notice(org: Path, old: list[str],
                                                                          new: list[str]) -> None:
    new_code, new_out, new_err = _run(*new)
    old_code, old_out, old_err = _run(*old)
    assert NOTICE not in new_err
    assert (old_code, old_out) == (new_code, new_out)
    notices = [line for line in old_err.splitlines() if NOTICE in line]
    assert len(notices) == 1 and "--catalog catalog" in notices[0]
    assert old_err.replace(notices[0] + "\n", "", 1) == new_err


def test_routing_commands_take_the_same_catalog_option(org: Path) -> None:
    (org / "catalog").rename(org / "elsewhere")
    for args in (["page", "payments-api"], ["blast-radius", "payments-api"], ["incident", "payments-api"]):
        code, out, err = _run(*args, "--catalog", "elsewhere", "--at", "2026-11-30") if args[0] != "blast-radius" \
            else _run(*args, "--catalog", "elsewhere")
        assert code in (0, 1), err
        assert "payments-api" in out and NOTICE not in err


def test_page_history_flag_is_now_scan_and_the_old_spelling_still_works(org: Path) -> None:
    new = _run("page", "payouts-worker", "--scan", "--at", "2026-11-30", "--roster", "roster.csv")
    old = _run("page", "payouts-worker", "--history", "--at", "2026-11-30", "--roster", "roster.csv")
    assert (old[0], old[1]) == (new[0], new[1])
    assert NOTICE not in new[2]
    assert "`cli page --history` is deprecated: write `--scan`" in old[2]
    inc_old = _run("incident", "payouts-worker", "--history", "--at", "2026-11-30", "--roster", "roster.csv")
    inc_new = _run("incident", "payouts-worker", "--scan", "--at", "2026-11-30", "--roster", "roster.csv")
    assert (inc_old[0], inc_old[1]) == (inc_new[0], inc_new[1]) and NOTICE in inc_old[2]


def test_roster_pull_writes_a_file_with_output_and_the_old_out_still_works(org: Path) -> None:
    new = _run("roster", "pull", "--roster", "roster.csv", "-o", "a.json", "--today", "2026-11-30")
    old = _run("roster", "pull", "--roster", "roster.csv", "--out=b.json", "--today", "2026-11-30")
    assert new[0] == old[0] == 0, new[2] + old[2]
    assert (org / "a.json").read_text() == (org / "b.json").read_text()
    assert NOTICE not in new[2] and "`cli roster pull --out` is deprecated: write `--output`" in old[2]


def _complete(cwd: Path, words: str, shell: str = "bash") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "_OWNERSHIP_COMPLETE": f"{shell}_complete",
           "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1))}
    if shell == "fish":
        env["COMP_CWORD"] = "" if words.endswith(" ") else words.split()[-1]
    return subprocess.run([sys.executable, "-m", "ownership"], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=30)


def test_system_and_person_names_complete_from_the_catalog(org: Path) -> None:
    done = _complete(org, "ownership page pay")
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.splitlines() == ["plain,payments-api", "plain,payouts-worker"]
    assert _complete(org, "ownership blast-radius payo").stdout.splitlines() == ["plain,payouts-worker"]
    assert "payments-api" in _complete(org, "ownership incident payouts-worker pa", "zsh").stdout
    fish = _complete(org, "ownership roster show al", "fish").stdout
    assert "alice@acme.test" in fish and "bob@acme.test" not in fish
    assert "bob@acme.test" in _complete(org, "ownership offboard b").stdout
    assert "payouts-worker" in _complete(org, "ownership drill --scenario payo").stdout
    assert _complete(org, "ownership drill --team pa").stdout.splitlines() == ["plain,payments"]
    assert _complete(org, "ownership drill --team x").stdout.strip() == ""


def test_completion_reads_the_catalog_the_line_names(org: Path) -> None:
    (org / "catalog").rename(org / "other")
    assert _complete(org, "ownership page pay").stdout.strip() == ""
    assert "plain,payments-api" in _complete(org, "ownership page --catalog other pay").stdout.splitlines()


def test_a_broken_catalog_completes_nothing_and_never_prints_a_traceback(org: Path) -> None:
    (org / "catalog" / "systems.yaml").write_text(SYSTEMS + "  - name: [unclosed\n")
    done = _complete(org, "ownership page pay")
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "", "")
    (org / "ownership.yaml").write_text("catalog: [\n")
    done = _complete(org, "ownership page pay")
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "", "")


def test_completion_scripts_are_offered_for_bash_zsh_and_fish(org: Path) -> None:
    for shell in ("bash", "zsh", "fish"):
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "_OWNERSHIP_COMPLETE": f"{shell}_source"}
        done = subprocess.run([sys.executable, "-m", "ownership"], env=env, capture_output=True, text=True,
                              timeout=30)
        assert done.returncode == 0 and "_OWNERSHIP_COMPLETE" in done.stdout, shell
