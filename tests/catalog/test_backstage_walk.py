"""Which files a folder walk of a Backstage tree reads, include:/exclude:/--exclude, $text/$json/$yaml
placeholders, and Location targets with `presence: optional` (issue 14)."""
from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from ownership.catalog.load import CatalogPaths, Selection, load_paths
from ownership.cli import cli



@pytest.fixture(autouse=True)
def _bounded() -> Iterator[None]:
    """No test here may take a minute: a walk or a placeholder that hangs fails instead of holding the job."""
    signal.alarm(60)
    yield
    signal.alarm(0)


HEAD = "apiVersion: backstage.io/v1alpha1\n"
GROUP = HEAD + "kind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n"


def component(name: str, extra: str = "") -> str:
    return (HEAD + f"kind: Component\nmetadata:\n  name: {name}\nspec:\n  type: service\n  owner: team-a\n"
            f"  lifecycle: production\n{extra}")


def checkout(root: Path) -> Path:
    """A Backstage-repository-like checkout: descriptors, and the YAML every such repository also holds."""
    (root / "catalog").mkdir(parents=True)
    (root / "catalog-info.yaml").write_text(GROUP + "---\n" + component("web", "  dependsOn: [component:ledger]\n"))
    (root / "catalog" / "ledger.yaml").write_text(component("ledger"))
    (root / "app-config.yaml").write_text("app:\n  title: Scaffolded Backstage App\n  baseUrl: http://localhost:3000\n"
                                          "backend:\n  listen: {port: 7007}\ncatalog:\n  locations:\n"
                                          "    - type: file\n      target: ../../catalog-info.yaml\n")
    (root / "mkdocs.yml").write_text("site_name: web\nnav:\n  - Home: index.md\nplugins: [techdocs-core]\n")
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "ci.yml").write_text("name: CI\non: [push]\njobs:\n  test: {runs-on: x}\n")
    (root / "ci").mkdir()
    (root / "ci" / "pipeline.yml").write_text("name: CI\non: [push]\njobs:\n  test: {runs-on: x}\n")
    (root / "charts" / "web" / "templates").mkdir(parents=True)
    (root / "charts" / "web" / "Chart.yaml").write_text("apiVersion: v2\nname: web\nversion: 0.1.0\n")
    (root / "charts" / "web" / "templates" / "deploy.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  labels: {{ x }: }\n")
    return root


def test_a_backstage_checkout_reads_only_catalog_documents_and_says_how_many_files_it_skipped(
        tmp_path: Path) -> None:
    root = checkout(tmp_path / "repo")
    catalog, findings = load_paths([root])
    assert sorted(catalog.systems) == ["ledger", "web"]
    assert catalog.systems["web"].depends_on == ("ledger",)
    assert [(f.rule, f.severity) for f in findings] == [("files-skipped", "info")]
    skipped = findings[0]
    assert skipped.evidence["skipped"] == 5  # app-config, mkdocs, ci/pipeline, Chart.yaml, the Helm template
    assert "include:" in skipped.message and "command line" in skipped.message
    assert not any("app-config" in f for f in catalog.files)


def test_a_file_named_on_the_command_line_is_checked_as_a_catalog_file(tmp_path: Path) -> None:
    root = checkout(tmp_path / "repo")
    _, findings = load_paths([root / "catalog-info.yaml", root / "mkdocs.yml"])
    assert {f.rule for f in findings} == {"unknown-field"}
    assert all(f.location and f.location.file.endswith("mkdocs.yml") for f in findings)


def test_in_a_backstage_tree_a_broken_descriptor_is_reported_and_a_broken_helm_template_is_skipped(
        tmp_path: Path) -> None:
    root = checkout(tmp_path / "repo")
    (root / "catalog" / "broken.yaml").write_text(HEAD + "kind: Component\nmetadata: {name: [x\n")
    _, findings = load_paths([root])
    assert [(f.rule, Path(f.location.file).name) for f in findings if f.location and f.rule != "files-skipped"] == [
        ("yaml-syntax", "broken.yaml")]


def test_empty_files_and_native_typos_in_a_backstage_tree_are_read_not_skipped(tmp_path: Path) -> None:
    root = checkout(tmp_path / "repo")
    (root / "catalog" / "empty.yaml").write_text("# nothing here yet\n")
    (root / "catalog" / "teams.yaml").write_text("sytems:\n  - name: x\n")
    catalog, findings = load_paths([root])
    rules = [(f.rule, Path(f.location.file).name) for f in findings if f.location]
    assert ("unknown-field", "teams.yaml") in rules
    assert not any(name == "empty.yaml" for _, name in rules)
    assert str(root / "catalog" / "empty.yaml") in catalog.files


def test_a_native_catalog_folder_still_reads_every_yaml_file(tmp_path: Path) -> None:
    (tmp_path / "teams.yaml").write_text("teams:\n  - name: payments\n    members: [a@acme.test]\n")
    (tmp_path / "notes.yaml").write_text("owner_notes: see wiki\n")
    _, findings = load_paths([tmp_path])
    assert [f.rule for f in findings] == ["unknown-field"]


def test_excluded_files_are_never_read_and_include_reads_only_what_it_matches(tmp_path: Path) -> None:
    root = checkout(tmp_path / "repo")
    # neither a syntax error nor a symlink out of the repository is looked at once excluded
    (root / "node_modules" / "pkg").mkdir(parents=True)
    (root / "node_modules" / "pkg" / "catalog-info.yaml").write_text(HEAD + "kind: [\n")
    (root / "catalog" / "escape.yaml").symlink_to("/etc/hostname")
    (root / ".git").mkdir()
    catalog, findings = load_paths(CatalogPaths([str(root)], Selection(exclude=("node_modules", "catalog/escape.*"))))
    assert sorted(catalog.systems) == ["ledger", "web"]
    assert [f.rule for f in findings] == ["files-skipped"]

    included = CatalogPaths([str(root)], Selection(include=("**/catalog-info.yaml", "mkdocs.yml"),
                                                     exclude=("node_modules",)))
    catalog, findings = load_paths(included)
    assert sorted(catalog.systems) == ["web"]  # catalog/ledger.yaml is not matched
    # mkdocs.yml, matched by include:, is checked as a catalog file; nothing is skipped without a word
    assert {Path(f.location.file).name for f in findings if f.rule == "unknown-field" and f.location} == {
        "mkdocs.yml"}
    assert all(f.rule != "files-skipped" for f in findings)


def test_exclude_in_ownership_yaml_and_the_exclude_option_reach_validate(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    root = checkout(tmp_path / "repo")
    (root / "catalog" / "broken.yaml").write_text(HEAD + "kind: [\n")
    (root / "catalog" / "old.yaml").write_text(HEAD + "kind: [\n")
    (root / "ownership.yaml").write_text("exclude:\n  - catalog/broken.yaml\n")
    monkeypatch.chdir(root)
    runner = CliRunner()
    result = runner.invoke(cli, ["validate", "--catalog", ".", "--format", "json"])
    assert result.exit_code == 1
    assert [Path(f["file"]).name for f in json.loads(result.output)["findings"] if f["severity"] == "error"] == [
        "old.yaml"]
    result = runner.invoke(cli, ["validate", "--catalog", ".", "--format", "json", "--exclude", "old.yaml"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["blast-radius", "ledger", "--catalog", ".", "--exclude", "old.yaml"])
    assert result.exit_code == 0 and "web" in result.output


def test_a_bad_include_setting_is_a_config_error_at_its_line(tmp_path: Path) -> None:
    root = checkout(tmp_path / "repo")
    (root / "ownership.yaml").write_text("catalog: .\ninclude: '**/*.yaml'\n")
    result = CliRunner().invoke(cli, ["validate", "--catalog", str(root)])
    assert result.exit_code == 2
    assert "ownership.yaml:2:10: invalid-value" in result.output


# --------------------------------------------------------------------------- placeholders


def placeholder_tree(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "apis").mkdir()
    (root / "catalog-info.yaml").write_text(
        GROUP + "---\n" + component("ledger") + "---\n"
        + component("web", "  dependsOn: {$yaml: ./deps.yaml}\n").replace(
            "  name: web\n", "  name: web\n  description: {$text: ./apis/README.md}\n") + "---\n"
        + HEAD + "kind: API\nmetadata:\n  name: web-api\nspec:\n"
                 "  type: openapi\n  owner: team-a\n  lifecycle: production\n"
                 "  definition: {$text: ./apis/web.yaml}\n"
        + "---\n" + HEAD + "kind: API\nmetadata: {name: schema-api}\nspec:\n  type: openapi\n  owner: team-a\n"
                           "  lifecycle: production\n  definition: 'openapi: 3.0.0'\n"
                           "  schema: {$ref: '#/definitions/x'}\n")  # not a placeholder: left alone
    (root / "deps.yaml").write_text("- component:ledger\n")
    (root / "apis" / "README.md").write_text("The web API.\n")
    # an OpenAPI document in YAML: read as a catalog file it gives a cascade of unknown-field errors
    (root / "apis" / "web.yaml").write_text("openapi: 3.0.0\ninfo: {title: web, version: '1'}\npaths: {}\n"
                                            "components: {schemas: {}}\n")
    return root


def test_a_yaml_placeholder_under_depends_on_reaches_the_model(tmp_path: Path) -> None:
    root = placeholder_tree(tmp_path / "org")
    catalog, findings = load_paths([root / "catalog-info.yaml"])
    assert [f.rule for f in findings] == []
    assert catalog.systems["web"].depends_on == ("ledger",)
    assert catalog.systems["web"].description == "The web API.\n"
    assert catalog.systems["web"].locations["description"].line == 19  # the placeholder's line


def test_files_a_placeholder_reads_are_never_catalog_files_even_when_named(tmp_path: Path) -> None:
    root = placeholder_tree(tmp_path / "org")
    catalog, findings = load_paths([root / "catalog-info.yaml", root / "apis" / "web.yaml", root / "deps.yaml"])
    assert findings == []
    assert catalog.files == (str(root / "catalog-info.yaml"),)


def test_placeholder_targets_that_cannot_be_used_are_findings_at_the_placeholder_line(tmp_path: Path) -> None:
    root = tmp_path / "org"
    root.mkdir()
    (root / ".git").mkdir()
    (tmp_path / "secret.txt").write_text("token=hunter2\n")
    (root / "link.txt").symlink_to(tmp_path / "secret.txt")
    (root / "two.yaml").write_text("- a\n---\n- b\n")
    (root / "bad.json").write_text("{'no': json}\n")
    (root / "big.txt").write_bytes(b"x" * (10 * 1024 * 1024 + 1))
    (root / "catalog-info.yaml").write_text(GROUP + "---\n" + component("web", """  dependsOn:
    - {$yaml: ./missing.yaml}
    - {$yaml: ./two.yaml}
    - {$json: ./bad.json}
    - {$text: ./link.txt}
    - {$text: ../secret.txt}
    - {$text: https://example.com/deps.yaml}
    - {$text: ./big.txt}
"""))
    _, findings = load_paths([root])
    rows = [(f.rule, f.location.line if f.location else 0) for f in findings if f.rule.startswith("placeholder")]
    assert rows == [("placeholder-unresolved", 15), ("placeholder-unresolved", 16), ("placeholder-unresolved", 17),
                    ("placeholder-outside-root", 18), ("placeholder-outside-root", 19),
                    ("placeholder-not-followed", 20), ("placeholder-unresolved", 21)]
    messages = " ".join(f.message for f in findings)
    assert "does not exist" in messages and "exactly one document" in messages and "not valid JSON" in messages
    assert "hunter2" not in messages and "larger than" in messages


def test_on_a_walk_the_openapi_document_a_placeholder_reads_gives_no_false_errors(tmp_path: Path) -> None:
    root = placeholder_tree(tmp_path / "org")
    catalog, findings = load_paths([root])
    assert [f.rule for f in findings if f.severity != "info"] == []
    assert catalog.systems["web"].depends_on == ("ledger",)


# --------------------------------------------------------------------------- Location presence


def test_a_missing_optional_location_target_is_skipped_and_a_required_one_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "root.yaml").write_text(
        HEAD + "kind: Location\nmetadata: {name: optional}\nspec:\n  presence: optional\n"
               "  targets: [./later.yaml, ./later/*.yaml]\n---\n"
        + HEAD + "kind: Location\nmetadata: {name: required}\nspec:\n  targets: [./later.yaml]\n")
    _, findings = load_paths([tmp_path / "root.yaml"])
    assert [(f.rule, f.subject) for f in findings] == [("location-not-found", "location:required")]
    (tmp_path / "later.yaml").write_text(GROUP)
    catalog, findings = load_paths([tmp_path / "root.yaml"])
    assert findings == [] and "team-a" in catalog.teams


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"apiVersion", b"'apiVersion'", b": ", b"backstage.io/", b"v1alpha1", b"\n",
                                 b"{", b",", b" ", b"kind: Component", b"x.backstage.io/", b"#"]), max_size=12))
def test_the_substring_shortcut_answers_as_the_apiversion_pattern_does(parts: list[bytes]) -> None:
    from ownership.catalog import load

    data = b"".join(parts)
    assert load._has_backstage_document(data) == (load._BACKSTAGE_API.search(data) is not None)
