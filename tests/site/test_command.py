"""`ownership site` as a command: determinism, replacing a build, inputs it can do without, bad input."""
from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from ownership.cli import cli
from ownership.site.writer import MARKER
from tests.conftest import ROOT
from tests.site import org
from tests.site.conftest import Built, build_site


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _site(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["site", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


def test_building_twice_gives_byte_identical_output(built: Built, tmp_path: Path) -> None:
    code, output = build_site(built.root, tmp_path / "again")
    assert code == 0, output
    first, second = _tree(built.out), _tree(tmp_path / "again")
    assert len(first) == 22 and first.keys() == second.keys()  # 21 files and the build marker
    assert [k for k in first if first[k] != second[k]] == []


def test_a_rebuild_replaces_the_earlier_site_and_drops_stale_pages(built: Built, tmp_path: Path) -> None:
    out = tmp_path / "site"
    shutil.copytree(built.out, out)
    (out / "systems" / "retired-system.html").write_text("old")
    code, output = build_site(built.root, out)
    assert code == 0, output
    assert not (out / "systems" / "retired-system.html").exists() and (out / MARKER).is_file()
    assert _tree(out) == _tree(built.out)
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no temporary folders left behind


def test_refuses_to_replace_a_folder_that_is_not_a_site(built: Built, tmp_path: Path) -> None:
    out = tmp_path / "docs"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    code, _, err = _site("--catalog", str(built.root / "catalog"), "--out", str(out), "--no-scan", "--at", org.AT)
    assert code == 2
    assert err.startswith("ownership: error: ") and "not empty" in err and "Traceback" not in err
    assert [p.name for p in out.iterdir()] == ["precious.txt"]


def test_builds_without_roster_or_scan_and_says_so(tmp_path: Path) -> None:
    out = tmp_path / "site"
    code, stdout, _ = _site("--catalog", str(ROOT / "catalog"), "--out", str(out), "--no-scan", "--at", "2026-11-30")
    assert code == 0 and "30 systems, 8 teams" in stdout
    system = (out / "systems" / "payments-api.html").read_text()
    assert "roster not checked" in system and "No scan: built without git history" in system
    person = (out / "people" / "alice.nguyen-at-acme.test.html").read_text()
    assert "simulation skipped: roster not checked" in person
    assert "Roster: not checked. Git history: no scan." in person


def test_links_and_copies_the_newest_weekly_report(built: Built, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    (reports / "2026-03-02").mkdir(parents=True)
    (reports / "2026-03-02" / "report.html").write_text("<p>old</p>")
    (reports / "2026-03-09").mkdir()
    (reports / "2026-03-09" / "report.html").write_text("<p>newest</p>")
    (reports / "2026-03-09" / "report.json").write_text("{}")
    (reports / "README.md").write_text("not a report")
    out = tmp_path / "site"
    code, output = build_site(built.root, out, "--report", str(reports))
    assert code == 0 and "report 2026-03-09" in output
    assert (out / "report" / "report.html").read_text() == "<p>newest</p>"
    assert (out / "report" / "report.json").is_file()
    assert 'href="report/report.html">2026-03-09</a>' in (out / "index.html").read_text()
    assert 'href="../report/report.html">Weekly report</a>' in (out / "teams" / "ledger.html").read_text()


def test_a_missing_report_folder_named_on_the_command_line_is_an_error(built: Built, tmp_path: Path) -> None:
    code, _, err = _site("--catalog", str(built.root / "catalog"), "--out", str(tmp_path / "s"), "--report",
                         str(tmp_path / "nope"), "--no-scan")
    assert code == 2 and "--report" in err and "no such folder" in err
    assert not (tmp_path / "s").exists()


def test_an_unreadable_catalog_path_exits_2_with_one_line(tmp_path: Path) -> None:
    code, _, err = _site("--catalog", str(tmp_path / "missing"), "--out", str(tmp_path / "s"), "--no-scan")
    assert code == 2 and err.count("\n") == 1 and err.startswith("ownership: error: ")


def test_a_catalog_with_errors_still_builds_and_warns(tmp_path: Path) -> None:
    (tmp_path / "cat").mkdir()
    (tmp_path / "cat" / "systems.yaml").write_text(
        "systems:\n  - name: api\n    owner: nobody\n    depends_on: [ghost]\n")
    code, stdout, err = _site("--catalog", str(tmp_path / "cat"), "--out", str(tmp_path / "s"), "--no-scan")
    assert code == 0 and "1 system, 0 teams" in stdout
    assert "the catalog has 2 errors" in err
    page = (tmp_path / "s" / "systems" / "api.html").read_text()
    assert "unknown-team" in page and "ghost" in page and "not in the catalog" in page


def test_offboard_limit_turns_simulations_off_with_a_note(built: Built, tmp_path: Path) -> None:
    out = tmp_path / "site"
    code, output = build_site(built.root, out, "--offboard-limit", "3", "--no-scan")
    assert code == 0, output
    assert "Off-boarding simulations were not run: 8 people, more than the limit of 3" in (
        out / "index.html").read_text()
    assert "run `ownership offboard liam@acme.test`" in (out / "people" / "liam-at-acme.test.html").read_text()


def test_ownership_yaml_sets_title_pagerduty_address_and_limit(built: Built, tmp_path: Path) -> None:
    config = built.root / "site-config.yaml"
    config.write_text(f"history:\n  cache: {built.root / 'cache'}\nsite:\n  title: Acme catalog\n"
                      "  pagerduty_web: https://acme.pagerduty.com/\n  offboard_limit: 2\n")
    out = tmp_path / "site"
    code, output = build_site(built.root, out, "--config", str(config), "--no-scan")
    assert code == 0, output
    team = (out / "teams" / "payments.html").read_text()
    assert "<title>Team payments · Acme catalog</title>" in team
    assert 'href="https://acme.pagerduty.com/escalation_policies/PPAY123"' in team
    assert "more than the limit of 2" in (out / "index.html").read_text()
    code, output = build_site(built.root, tmp_path / "s2", "--config", str(config), "--no-scan",
                              "--title", "Flag wins", "--offboard-limit", "100")
    assert code == 0 and "Flag wins" in (tmp_path / "s2" / "index.html").read_text()
    assert "limit of" not in (tmp_path / "s2" / "index.html").read_text()


def test_a_bad_site_setting_names_its_line(built: Built, tmp_path: Path) -> None:
    config = tmp_path / "ownership.yaml"
    config.write_text("site:\n  pagerduty_web: acme.pagerduty.com\n")
    code, _, err = _site("--catalog", str(built.root / "catalog"), "--out", str(tmp_path / "s"), "--config",
                         str(config),
                         "--no-scan")
    assert code == 2 and f"{config}:2:3: invalid-value: site.pagerduty_web must be an http(s) URL" in err
