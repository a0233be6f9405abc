"""Every broken catalog in tests/fixtures/bad/ gives exactly the findings in EXPECTED, at the right line.

EXPECTED is the one table of what each fixture must produce: (fixture, rule slug, line, column, a piece of
the message). A fixture with two problems has two rows. Column and message piece are checked when given.
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner, Result

from ownership.catalog import yamlnodes
from ownership.cli import cli
BAD = Path(__file__).resolve().parents[1] / "fixtures" / "bad"
TODAY = "2026-07-01"


class Row(NamedTuple):
    fixture: str
    rule: str
    line: int
    column: int | None = None
    says: str | None = None


EXPECTED: tuple[Row, ...] = (
    # --- YAML syntax
    Row("syntax-bad-indentation.yaml", "yaml-syntax", 5, 4, "expected '-' indicator"),
    Row("syntax-mapping-in-sequence.yaml", "yaml-syntax", 4, 3, "block collection that starts at line 2"),
    Row("syntax-unclosed-quote.yaml", "yaml-syntax", 3, 18, "quoted scalar"),
    Row("syntax-unclosed-bracket.yaml", "yaml-syntax", 4, 12, "flow sequence that starts at line 3"),
    Row("syntax-tab-indentation.yaml", "yaml-syntax", 3, 1, "tab character"),
    Row("control-character.yaml", "yaml-syntax", 3, 23, "control characters are not allowed"),
    Row("invalid-utf8.yaml", "yaml-syntax", 3, 1, "not valid UTF-8"),
    Row("deep-nesting.yaml", "yaml-syntax", 4, 1, "nesting deeper than 500 levels"),
    Row("recursive-alias.yaml", "yaml-syntax", 4, 14, "recursive structure"),
    # --- duplicate keys
    Row("duplicate-key-top-level.yaml", "duplicate-key", 6, 1, "key 'systems' appears more than once"),
    Row("duplicate-key-in-system.yaml", "duplicate-key", 8, 5, "key 'tier'"),
    Row("duplicate-key-nested.yaml", "duplicate-key", 9, 7, "key 'incident'"),
    # --- unknown fields, with a suggestion
    Row("unknown-field-typo.yaml", "unknown-field", 6, 5, "did you mean 'description'?"),
    Row("unknown-field-top-level.yaml", "unknown-field", 3, 1, "did you mean 'systems'?"),
    Row("unknown-field-owner-typo.yaml", "unknown-field", 6, 5, "did you mean 'owner'?"),
    Row("unknown-field-owner-typo.yaml", "missing-field", 5, 5, "no 'owner'"),
    # --- wrong types and values
    Row("tier-as-text.yaml", "invalid-value", 6, 11, "integer from 1 to 4, got 'critical'"),
    Row("tier-zero.yaml", "invalid-value", 6, 11, "got '0'"),
    Row("tier-five.yaml", "invalid-value", 6, 11, "got '5'"),
    Row("lifecycle-prod.yaml", "invalid-value", 6, 16, "got 'prod'; did you mean 'production'?"),
    Row("owner-yes.yaml", "invalid-value", 5, 12, "YAML reads yes as bool; put it in quotes"),
    Row("customer-facing-text.yaml", "invalid-value", 6, 22, "true or false"),
    Row("name-capitals.yaml", "invalid-value", 4, 11, "got 'PaymentsAPI'"),
    Row("name-spaces.yaml", "invalid-value", 2, 11, "got 'payments team'"),
    Row("runbook-not-http.yaml", "invalid-value", 6, 14, "http(s):// URL"),
    Row("bad-channel.yaml", "invalid-value", 3, 14, "channel name"),
    Row("bad-duration.yaml", "invalid-value", 7, 12, "duration such as '7d'"),
    Row("bad-date.yaml", "invalid-value", 7, 12, "a date (YYYY-MM-DD)"),
    Row("list-where-value-expected.yaml", "invalid-value", 6, 12, "single value, not a list"),
    Row("value-where-list-expected.yaml", "invalid-value", 8, 17, "'depends_on' must be a list"),
    Row("mapping-where-list-expected.yaml", "invalid-value", 2, 3, "teams must be a list"),
    Row("top-level-list.yaml", "invalid-value", 1, 1, "must be a mapping"),
    # --- missing fields
    Row("missing-owner.yaml", "missing-field", 4, 5, "payments-api has no 'owner'"),
    Row("missing-name.yaml", "missing-field", 3, 5, "no 'name'"),
    Row("rotation-without-members.yaml", "missing-field", 6, 14, "at least 1 entry"),
    # --- duplicate names
    Row("duplicate-name-same-file.yaml", "duplicate-name", 8, 11, "system 'payments-api'"),
    Row("duplicate-name-across-files", "duplicate-name", 4, 11, "team 'payments'"),
    # --- references
    Row("unknown-owner-team.yaml", "unknown-team", 5, 12, "did you mean 'payments'?"),
    Row("unknown-dependency.yaml", "unknown-system", 8, 18, "did you mean 'auth-service'?"),
    Row("unknown-stakeholder.yaml", "unknown-stakeholder", 9, 38, "did you mean 'customer-success'?"),
    Row("unknown-rotation.yaml", "unknown-rotation", 4, 17, "did you mean 'payments-primary'?"),
    Row("cycle-two.yaml", "dependency-cycle", 9, 18, "ledger-service -> payments-api -> ledger-service"),
    Row("cycle-three.yaml", "dependency-cycle", 6, 18,
        "api-gateway -> auth-service -> rate-limiter -> api-gateway"),
    Row("cycle-self.yaml", "dependency-cycle", 6, 18, "kafka -> kafka"),
    # --- the org's incident practice (fallback:, incident_roles:, severity:, stakeholder when:)
    Row("fallback-two-sources.yaml", "invalid-value", 7, 5, "'fallback[1]' must name exactly one of rotation, "
        "team, stakeholder or people (it names rotation and team)"),
    Row("fallback-twice", "duplicate-name", 1, 1, "'fallback:' is written more than once"),
    Row("incident-role-unknown.yaml", "unknown-rotation", 6, 14, "did you mean 'incident-commander'?"),
    Row("incident-role-unknown.yaml", "unknown-team", 7, 11, "incident role scribe names unknown team 'platfrom'"),
    Row("incident-role-unknown.yaml", "unknown-field", 8, 3, "unknown field 'chef' in 'incident_roles'"),
    Row("severity-rule-bad.yaml", "invalid-value", 7, 10, "'sev' must be an integer from 1 to 4, got '0'"),
    Row("severity-rule-bad.yaml", "unknown-system", 9, 5, "severity rule 2 names unknown system 'payments-apy'"),
    Row("severity-rule-bad.yaml", "unknown-field", 10, 12, "did you mean 'tier'?"),
    Row("stakeholder-when-bad.yaml", "invalid-value", 4, 22, "'severity' must be an integer from 1 to 4"),
    # --- hostile input
    Row("python-object-tag.yaml", "unsafe-tag", 4, 18, "'!!python/object/apply:os.system' is not allowed"),
    Row("python-object-tag.yaml", "invalid-value", 4, 18, "single value"),
    Row("custom-ref-tag.yaml", "unsafe-tag", 6, 12, "'!Ref' is not allowed"),
    Row("custom-ref-tag.yaml", "invalid-value", 6, 12, "put it in quotes"),
    Row("alias-bomb.yaml", "alias-bomb", 7, 36, "alias bomb"),
)

BY_FIXTURE: dict[str, list[Row]] = defaultdict(list)
for _row in EXPECTED:
    BY_FIXTURE[_row.fixture].append(_row)


def validate(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, ["validate", *args, "--today", TODAY], catch_exceptions=True)


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    # run from an empty folder so no ownership.yaml of the checkout can change the outcome
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def test_the_table_covers_every_fixture_on_disk() -> None:
    on_disk = {p.name for p in BAD.iterdir() if not p.name.startswith(".")}
    assert on_disk == set(BY_FIXTURE)
    assert len(on_disk) >= 32


@pytest.mark.parametrize("fixture", sorted(BY_FIXTURE))
def test_fixture_gives_exactly_its_findings(runner: CliRunner, fixture: str) -> None:
    result = validate(runner, "--catalog", str(BAD / fixture), "--format", "json")
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    got = sorted((f["rule"], f["line"]) for f in doc["findings"])
    rows = BY_FIXTURE[fixture]
    assert got == sorted((r.rule, r.line) for r in rows)
    for row in rows:
        match = [f for f in doc["findings"] if f["rule"] == row.rule and f["line"] == row.line]
        assert len(match) == 1
        f = match[0]
        if row.column is not None:
            assert f["column"] == row.column, f
        if row.says is not None:
            assert row.says in f["message"], f["message"]
        assert f["severity"] == "error"
        assert Path(f["file"]).is_file()


def test_duplicate_across_files_points_at_the_second_file_and_names_the_first(runner: CliRunner) -> None:
    result = validate(runner, "--catalog", str(BAD / "duplicate-name-across-files"), "--format", "json")
    (finding,) = json.loads(result.stdout)["findings"]
    assert Path(finding["file"]).name == "b-more-teams.yaml"
    assert Path(finding["evidence"]["first_file"]).name == "a-payments.yaml"
    assert finding["evidence"]["first_line"] == 2


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif", "markdown"])
def test_every_fixture_exits_1_without_a_traceback(runner: CliRunner, fmt: str) -> None:
    for fixture in sorted(BY_FIXTURE):
        result = validate(runner, "--catalog", str(BAD / fixture), "--format", fmt)
        assert result.exception is None or isinstance(result.exception, SystemExit), (fixture, result.exception)
        assert result.exit_code == 1, (fixture, fmt, result.output)
        assert "Traceback" not in result.stdout and "Traceback" not in result.stderr, fixture


def test_all_fixtures_at_once_report_every_problem_in_one_run(runner: CliRunner) -> None:
    result = validate(runner, "--catalog", str(BAD), "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    by_file: dict[str, set[str]] = defaultdict(set)
    for f in findings:
        rel = Path(f["file"]).relative_to(BAD)
        by_file[rel.parts[0]].add(f["rule"])
    # names are merged across the folder, so references and duplicates come out differently there
    cross_file = {"unknown-team", "unknown-system", "unknown-stakeholder", "unknown-rotation",
                  "dependency-cycle", "duplicate-name"}
    checked = 0
    for fixture, rows in BY_FIXTURE.items():
        local = {r.rule for r in rows} - cross_file
        if local:
            checked += 1
            assert local <= by_file[fixture], fixture
    assert checked >= 30


def test_file_over_10_mb_is_refused_without_being_parsed(runner: CliRunner, tmp_path: Path) -> None:
    big = tmp_path / "huge.yaml"
    line = b"  - name: team-0000000\n"
    with big.open("wb") as fh:
        fh.write(b"teams:\n")
        fh.write(line * (yamlnodes.MAX_BYTES // len(line) + 10))
    assert big.stat().st_size > 10 * 1024 * 1024
    result = validate(runner, "--catalog", str(big), "--format", "json")
    assert result.exit_code == 1
    (finding,) = json.loads(result.stdout)["findings"]
    assert (finding["rule"], finding["line"]) == ("file-too-large", 1)
    assert "10,485,760-byte limit" in finding["message"]


def test_python_tag_is_never_executed(runner: CliRunner, tmp_path: Path) -> None:
    result = validate(runner, "--catalog", str(BAD / "python-object-tag.yaml"))
    assert result.exit_code == 1
    assert not (tmp_path / "pwned-by-yaml").exists()
    assert "unsafe-tag" in result.stdout


def test_findings_in_text_format_point_at_file_line_and_column(runner: CliRunner) -> None:
    result = validate(runner, "--catalog", str(BAD / "owner-yes.yaml"), "--format", "text")
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{BAD / 'owner-yes.yaml'}:5:12: error invalid-value ")
