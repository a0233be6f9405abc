"""`ownership schema config`: the JSON Schema of ownership.yaml, made from config.py's SECTIONS, holds every
setting the loader accepts and nothing else, and every example ownership.yaml in the repository is valid
under both (issue 17, "Starting a catalog")."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from ownership.cli import cli
from ownership.config import SECTIONS, ConfigError, parse
from ownership.configschema import json_schema
from tests.conftest import ROOT

SCHEMA = json_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def loader_accepts(text: str, tmp_path: Path) -> bool:
    try:
        parse(text.encode(), tmp_path / "ownership.yaml")
    except ConfigError:
        return False
    return True


def schema_accepts(text: str) -> bool:
    return VALIDATOR.is_valid(yaml.safe_load(text))


def test_the_schema_is_a_valid_draft_2020_12_schema_printed_by_schema_config() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    result = CliRunner().invoke(cli, ["schema", "config"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == SCHEMA


def test_schema_without_an_argument_still_prints_the_catalog_schema() -> None:
    from ownership.catalog.schema import json_schema as catalog_schema

    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    assert result.output == json.dumps(catalog_schema(), indent=2) + "\n"
    assert CliRunner().invoke(cli, ["schema", "configs"]).exit_code == 2


def test_the_top_level_keys_are_exactly_the_sections_and_no_other_key_is_allowed() -> None:
    assert list(SCHEMA["properties"]) == list(SECTIONS)
    assert SCHEMA["additionalProperties"] is False
    for key, section in SECTIONS.items():
        assert SCHEMA["properties"][key]["description"] == section.what


def _closed_objects(node: dict[str, Any], path: tuple[str, ...]) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    """Every object schema with a fixed set of keys, below the top level, with its key path."""
    out = []
    for branch in node.get("oneOf", []):
        out += _closed_objects(branch, path)
    if node.get("additionalProperties") is False and path:
        out.append((path, node))
    for key, child in node.get("properties", {}).items():
        out += _closed_objects(child, (*path, key))
    return out


def _doc(path: tuple[str, ...], leaf: Any) -> str:
    value: Any = leaf
    for key in reversed(path):
        value = {key: value}
    return yaml.safe_dump(value)


_STRINGS = ("x", "OWNERSHIP_X_TOKEN", "%d.%m.%Y", "https://example.com", "10%", "@acme/team")


def _example(node: dict[str, Any]) -> Any:
    """A value valid under `node` (the simplest one)."""
    if "enum" in node:
        return node["enum"][0]
    if "oneOf" in node:
        return _example(node["oneOf"][0])
    kind = node.get("type")
    kind = next(k for k in kind if k != "null") if isinstance(kind, list) else kind
    if kind == "string":
        return next(c for c in _STRINGS if re.search(node.get("pattern", ""), c))
    if kind == "integer":
        return max(node.get("minimum", 1), 1)
    if kind == "number":
        return node.get("maximum", 1)
    if kind == "boolean":
        return True
    if kind == "array":
        return [_example(node.get("items", {}))]
    if kind == "object":
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            return {"k": _example(extra)}
        return {}
    raise AssertionError(node)


@pytest.mark.parametrize(("path", "node"), _closed_objects(SCHEMA, ()), ids=lambda v: ".".join(v)
                         if isinstance(v, tuple) else "")
def test_every_key_of_a_section_is_accepted_by_the_loader_and_an_unknown_one_by_neither(
        tmp_path: Path, path: tuple[str, ...], node: dict[str, Any]) -> None:
    assert node["properties"], path
    for key, child in node["properties"].items():
        text = _doc((*path, key), _example(child))
        assert schema_accepts(text), text
        assert loader_accepts(text, tmp_path), f"the schema has {'.'.join((*path, key))}; the loader refuses:\n{text}"
    unknown = _doc((*path, "no_such_setting"), 1)
    assert not schema_accepts(unknown)
    assert not loader_accepts(unknown, tmp_path), f"the loader accepts {unknown} but the schema has no such key"


@pytest.mark.parametrize("key", list(SECTIONS))
def test_every_section_takes_an_example_value_under_both(tmp_path: Path, key: str) -> None:
    text = _doc((key,), _example(SCHEMA["properties"][key]))
    assert schema_accepts(text) and loader_accepts(text, tmp_path), text


@pytest.mark.parametrize("text", [
    "fail_on: loud\n", "include: docs/**\n", "rules: {no-such-rule: {}}\n", "rules: {orphaned: {severity: loud}}\n",
    "rules: {dormant: {tier1_days: 0}}\n", "roster_columns: peoplesoft\n", "roster_shrink_limit: 150%\n",
    "scim: {token_env: GITHUB_TOKEN}\n", "scim: {page_size: many}\n", "pagerduty: {wait: fast}\n",
    "history: {protocols: [ext]}\n", "history: {windows: []}\n", "codeowners: {team_handles: {a: acme}}\n",
    "site: {offboard_limit: -1}\n", "external_owners: ['not a name']\n", "aliases: {a: 1}\n",
])
def test_values_the_loader_refuses_the_schema_refuses_too(tmp_path: Path, text: str) -> None:
    assert not loader_accepts(text, tmp_path)
    assert not schema_accepts(text), text


def _example_configs() -> list[tuple[str, str]]:
    """The ownership.yaml examples of the repository: every yaml block of README.md and docs/ whose keys are
    all sections (the rest are catalog files or workflows), and the demo's ownership.yaml."""
    from ownership.demo.run import CONFIG, REPO_PREFIX

    found = [("demo ownership.yaml", CONFIG.format(prefix=REPO_PREFIX))]
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for n, block in enumerate(re.findall(r"```ya?ml\n(.*?)```", path.read_text(encoding="utf-8"), re.S)):
            try:
                doc = yaml.safe_load(block)
            except yaml.YAMLError:
                continue
            if isinstance(doc, dict) and doc and set(doc) <= set(SECTIONS):
                found.append((f"{path.name} block {n + 1}", block))
    return found


EXAMPLES = _example_configs()


@pytest.mark.parametrize(("where", "text"), EXAMPLES, ids=[where for where, _ in EXAMPLES])
def test_every_example_ownership_yaml_is_valid_under_the_schema_and_the_loader(tmp_path: Path, where: str,
                                                                             text: str) -> None:
    errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(
        yaml.safe_load(text))]
    assert errors == [], where
    assert loader_accepts(text, tmp_path), where


def test_the_repository_has_example_configs_to_check() -> None:
    assert len(EXAMPLES) >= 5
