"""What a person reads about YAML they got wrong (issue 17): a syntax error first, the findings it causes saying
so, a tab named as a tab at its column, and a quoted number or boolean named as quoted text."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from ownership.cli import cli

SYSTEMS = "systems:\n  - name: api\n    owner: payments\n    depends_on: [ledger]\n"


def lines(folder: Path, *extra: str) -> list[str]:
    r = CliRunner().invoke(cli, ["validate", "--catalog", str(folder), *extra])
    assert r.exit_code == 1, r.output
    return r.output.splitlines()


def catalog(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "catalog"
    folder.mkdir()
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(text)
    return folder


def test_a_tab_in_the_indentation_says_tab_character_at_its_line_and_column(tmp_path: Path) -> None:
    folder = catalog(tmp_path, teams="teams:\n  - name: payments\n    members: [a@acme.test]\n  \tmanager: b@acme.test\n")
    assert lines(folder)[0] == (f"{folder}/teams.yaml:4:3: error yaml-syntax tab character: YAML indents with "
                                "spaces only; replace the tab with spaces")


def test_a_tab_at_the_start_of_a_line_is_a_tab_character_at_column_1(tmp_path: Path) -> None:
    folder = catalog(tmp_path, teams="teams:\n  - name: payments\n\tmembers: [a@acme.test]\n")
    assert lines(folder)[0].startswith(f"{folder}/teams.yaml:3:1: error yaml-syntax tab character")


def test_a_syntax_error_is_listed_first_and_the_unknown_names_it_causes_say_so(tmp_path: Path) -> None:
    # systems.yaml sorts before teams.yaml, yet the file that did not parse comes first
    folder = catalog(tmp_path, teams="teams:\n  - name: payments\n\tmembers: [a@acme.test]\n", systems=SYSTEMS)
    out = lines(folder)
    assert out[0].startswith(f"{folder}/teams.yaml:3:1: error yaml-syntax")
    assert out[1] == (f"{folder}/systems.yaml:3:12: error unknown-team system 'api' is owned by unknown team "
                      f"'payments' ({folder}/teams.yaml did not parse, so its teams are unknown)")
    # 'ledger' is written nowhere: its finding is the catalog's own problem and says nothing of teams.yaml
    assert out[2] == f"{folder}/systems.yaml:4:18: error unknown-system system 'api' depends on unknown system 'ledger'"


def test_the_json_evidence_names_the_file_that_did_not_parse(tmp_path: Path) -> None:
    folder = catalog(tmp_path, teams="teams:\n  - name: payments\n  bad: [\n", systems=SYSTEMS)
    r = CliRunner().invoke(cli, ["validate", "--catalog", str(folder), "--format", "json"])
    found = json.loads(r.stdout)["findings"]
    assert found[0]["rule"] == "yaml-syntax" and found[0]["evidence"]["names"] == ["payments"]
    team = next(f for f in found if f["rule"] == "unknown-team")
    assert team["evidence"]["unparsed"] == f"{folder}/teams.yaml"


def test_a_quoted_tier_says_it_is_quoted_text_and_what_to_write(tmp_path: Path) -> None:
    folder = catalog(tmp_path, c='teams:\n  - name: payments\nsystems:\n  - name: api\n    owner: payments\n'
                                 '    tier: "1"\n')
    assert lines(folder)[0] == (f"{folder}/c.yaml:6:11: error invalid-value 'tier' must be an integer from 1 to 4, "
                                "got '1', which is quoted text, not a number: write tier: 1")


def test_a_quoted_boolean_says_it_is_quoted_text_and_what_to_write(tmp_path: Path) -> None:
    folder = catalog(tmp_path, c="teams:\n  - name: payments\nsystems:\n  - name: api\n    owner: payments\n"
                                 "    customer_facing: 'yes'\n")
    assert lines(folder)[0] == (f"{folder}/c.yaml:6:22: error invalid-value 'customer_facing' must be true or "
                                "false, got 'yes', which is quoted text, not a boolean: write customer_facing: true")


def test_a_quoted_value_that_would_be_wrong_unquoted_too_gets_no_hint(tmp_path: Path) -> None:
    folder = catalog(tmp_path, c='teams:\n  - name: payments\nsystems:\n  - name: api\n    owner: payments\n'
                                 '    tier: "9"\n')
    assert lines(folder)[0].endswith("'tier' must be an integer from 1 to 4, got '9'")
