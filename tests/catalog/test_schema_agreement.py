"""`ownership schema` and the loader come from one field spec; prove they agree on real inputs."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from ownership.catalog.load import load_sources
from ownership.catalog.schema import json_schema
from ownership.cli import cli
from tests.conftest import FIXTURES, ROOT

SCHEMA_RULES = {"unknown-field", "invalid-value", "missing-field"}
VALIDATOR = jsonschema.Draft202012Validator(json_schema())


def _jsonable(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return v


def _cases() -> list[Path]:
    files = sorted((ROOT / "catalog").rglob("*.yaml"))
    files += sorted(p for p in (FIXTURES / "bad").rglob("*") if p.suffix in (".yaml", ".yml"))
    return files


def _schema_says_valid(data: bytes) -> bool | None:
    """None when plain YAML cannot even load it (syntax, tags, bombs): the schema has nothing to say."""
    try:
        docs = list(yaml.load_all(data, Loader=yaml.CSafeLoader))
    except (yaml.YAMLError, RecursionError, UnicodeDecodeError, ValueError):
        return None
    return all(VALIDATOR.is_valid(_jsonable(d)) for d in docs if d is not None)


@pytest.mark.parametrize("path", _cases(), ids=lambda p: str(p.relative_to(ROOT)))
def test_schema_and_loader_agree_on_each_file(path: Path) -> None:
    data = path.read_bytes()
    if len(data) > 1_000_000:
        pytest.skip("large inputs are the loader's business only")
    _, findings = load_sources([(str(path), data)])
    rules = {f.rule for f in findings}
    if rules & {"yaml-syntax", "unsafe-tag", "alias-bomb", "duplicate-key", "file-too-large"}:
        return  # the schema describes documents, not these parse-level problems
    valid = _schema_says_valid(data)
    if valid is None:
        return
    assert valid == (not rules & SCHEMA_RULES), (rules, [e.message for e in VALIDATOR.iter_errors(
        _jsonable(yaml.load(data, Loader=yaml.CSafeLoader)))])


def test_agreement_covers_the_bundled_catalog_and_bad_fixtures() -> None:
    cases = _cases()
    assert any("catalog" in p.parts and "fixtures" not in p.parts for p in cases)
    assert sum(1 for p in cases if "bad" in p.parts) >= 20


def test_schema_command_prints_draft_2020_12_schema_that_accepts_a_minimal_catalog() -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    ok = {"teams": [{"name": "t"}], "systems": [{"name": "s", "owner": "t", "tier": 1}]}
    assert jsonschema.Draft202012Validator(schema).is_valid(ok)
    assert not jsonschema.Draft202012Validator(schema).is_valid({"systems": [{"name": "s", "owner": "t",
                                                                               "tier": 5}]})


def test_schema_describes_every_field_the_loader_knows() -> None:
    schema = json_schema()
    system = schema["properties"]["systems"]["items"]["properties"]
    assert {"name", "owner", "tier", "lifecycle", "depends_on", "repos", "channels", "runbook"} <= set(system)
    assert system["lifecycle"]["enum"] == ["experimental", "production", "deprecated"]
