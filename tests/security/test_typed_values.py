"""Issue 24, point 1: typed values at the door, and every writer refuses a value that would change its structure.

The attack: a catalog pull request puts a line break (or a space) inside `repos[].paths`; `validate` passed it,
and `export codeowners` wrote `* @evil-org/attackers` and `/.github/ @evil-org/attackers` into CODEOWNERS (the
last match wins: code-owner approval over every file). Now the loader reports every control character, in any
string of any field, native or Backstage, as `invalid-value` at its line, paths and channels have types of
their own, and the writers (CODEOWNERS, Backstage export, `suggest --write`, site, report) check what they are
handed themselves: each writer test below gives it a model object the loader would have rejected.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from ownership.catalog import export as backstage_export
from ownership.catalog.edit import add_maintainer, add_maintainer_text
from ownership.catalog.load import load_sources
from ownership.catalog.typed import UnsafeValue
from ownership.cli import cli
from ownership.codeowners import export as codeowners_export
from ownership.codeowners.check import Handles
from ownership.model import Catalog, Location, Repo, System, Team
from tests.gitrepo import GitRepo

ATTACK_PATH = "services/api/\\n* @evil-org/attackers\\n/.github/ @evil-org/attackers"  # as YAML escapes it
CATALOG = f"""\
teams:
  - name: payments
    members: [alice@acme.test]
systems:
  - name: payments-api
    owner: payments
    repos:
      - url: ../monorepo
        paths: ["{ATTACK_PATH}"]
"""
CODEOWNERS = "* @acme/platform\n"


@pytest.fixture()
def attacked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "catalog.yaml").write_text(CATALOG)
    (tmp_path / "catalog" / "ownership.yaml").write_text("codeowners: {org: acme}\n")
    repo = GitRepo.init(tmp_path / "monorepo")
    repo.commit({"services/api/main.py": "x", ".github/CODEOWNERS": CODEOWNERS}, date="2026-01-10")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _findings(text: str, name: str = "catalog.yaml") -> list[tuple[str, int, str]]:
    _, found = load_sources([(name, text.encode())])
    return [(f.rule, f.location.line if f.location else 0, f.message) for f in found if f.severity == "error"]


# --------------------------------------------------------------------------- the attack, through the CLI


def test_validate_reports_the_codeowners_attack_at_the_line_of_the_path(attacked: Path) -> None:
    r = CliRunner().invoke(cli, ["validate", "--catalog", "catalog"])
    assert r.exit_code == 1, r.output
    assert "catalog/catalog.yaml:9:17: error invalid-value 'paths' contains U+000A LINE FEED" in r.output


def test_export_codeowners_refuses_the_attack_and_leaves_codeowners_as_it_was(attacked: Path) -> None:
    for extra in (["--stdout"], []):
        r = CliRunner().invoke(cli, ["export", "codeowners", "--catalog", "catalog", "--repo", "monorepo", *extra])
        assert r.exit_code == 2, r.output
        assert "@evil-org/attackers\n" not in r.output and "catalog/catalog.yaml:9" in r.output
    assert (attacked / "monorepo" / ".github" / "CODEOWNERS").read_text() == CODEOWNERS


def test_a_path_with_a_space_is_refused_at_its_line_and_not_exported(attacked: Path) -> None:
    (attacked / "catalog" / "catalog.yaml").write_text(
        CATALOG.replace(f'"{ATTACK_PATH}"', '"services/api/ @evil-org/attackers"'))
    r = CliRunner().invoke(cli, ["validate", "--catalog", "catalog"])
    assert r.exit_code == 1
    assert "catalog/catalog.yaml:9:17: error invalid-value 'path' must be a relative path" in r.output
    r = CliRunner().invoke(cli, ["export", "codeowners", "--catalog", "catalog", "--repo", "monorepo", "--stdout"])
    assert r.exit_code == 2 and "@evil-org" not in r.output.split("fix them first")[0]


# --------------------------------------------------------------------------- the loader: path type


@pytest.mark.parametrize("path", ["a b/", "a\\tb", "a\\nb", "*", "services/*/", "**", "a?", "[ab]/", "a\\\\b",
                                  ":(exclude)services/", ":!services", "!services/", "#services", "/abs/",
                                  "a/../b", ".."])
def test_a_path_that_codeowners_or_git_would_read_as_syntax_is_an_invalid_value(path: str) -> None:
    found = _findings(CATALOG.replace(f'"{ATTACK_PATH}"', f'"{path}"'))
    assert [(rule, line) for rule, line, _ in found] == [("invalid-value", 9)], found


def test_a_refused_path_drops_its_repository_entry_instead_of_widening_it_to_the_whole_repository() -> None:
    text = CATALOG.replace(f'"{ATTACK_PATH}"', '"services/api/", "a b"')
    catalog, _ = load_sources([("catalog.yaml", text.encode())])
    assert catalog.systems["payments-api"].repos == ()


@pytest.mark.parametrize("path", ["services/api/", "libs/money", "src/C#/", "docs/v1.2/", "a..b/c"])
def test_ordinary_paths_stay_valid(path: str) -> None:
    assert _findings(CATALOG.replace(f'"{ATTACK_PATH}"', f'"{path}"')) == []


# --------------------------------------------------------------------------- the loader: channel type


def _with_channel(channel: str) -> str:
    return CATALOG.replace(f'paths: ["{ATTACK_PATH}"]', "paths: [services/api/]") + \
        f'    channels: {{incident: "{channel}"}}\n'


@pytest.mark.parametrize("channel", ["#inc payments", "#Inc-Payments", "#inc.payments", "#" + "a" * 81, "@here",
                                     "#", "#inc\\u0007"])
def test_a_channel_breaking_slacks_rules_is_an_invalid_value(channel: str) -> None:
    found = _findings(_with_channel(channel))
    assert [(rule, line) for rule, line, _ in found] == [("invalid-value", 10)], found


@pytest.mark.parametrize("channel", ["#inc-payments", "inc_payments", "#" + "a" * 80, "#2026-q1"])
def test_a_channel_following_slacks_rules_is_valid(channel: str) -> None:
    assert _findings(_with_channel(channel)) == []


# --------------------------------------------------------------------------- the loader: control characters


@pytest.mark.parametrize("char", ["\\e", "\\0", "\\x7f", "\\x85", "\\x9b", "\\r", "\\b"])
@pytest.mark.parametrize("field", ["description", "capability", "name"])
def test_a_control_character_is_an_invalid_value_in_every_field(char: str, field: str) -> None:
    value = f"x{char}[31mred" if field != "name" else f"pay{char}"
    text = ("systems:\n  - name: payments-api\n    owner: payments\n" if field != "name" else "systems:\n") + (
        f'    {field}: "{value}"\n' if field != "name" else f'  - name: "{value}"\n    owner: payments\n')
    found = _findings(text)
    assert ("invalid-value", 4 if field != "name" else 2) in [(r, ln) for r, ln, _ in found], found
    assert any("a control character" in m for _, _, m in found)


def test_free_text_may_span_lines_and_hold_tabs_but_a_one_line_field_may_not() -> None:
    base = "systems:\n  - name: api\n    owner: payments\n"
    assert _findings(base + '    description: "line one\\n\\tline two"\n') == []
    assert _findings(base + "    description: |\n      line one\n      line two\n") == []
    found = _findings(base + '    capability: "Card\\npayments"\n')
    assert [(r, ln) for r, ln, _ in found] == [("invalid-value", 4)]
    found = _findings(base + '    links: [{url: "https://grafana.acme.test/d", title: "a\\tb"}]\n')
    assert [(r, ln) for r, ln, _ in found] == [("invalid-value", 4)]


def test_a_control_character_in_a_key_is_an_invalid_value() -> None:
    found = _findings('systems:\n  - name: api\n    owner: payments\n    "tier\\e": 1\n')
    assert ("invalid-value", 4) in [(r, ln) for r, ln, _ in found]


# --------------------------------------------------------------------------- the loader: Backstage descriptors

BACKSTAGE = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: payments
spec:
  type: team
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
  title: {title}
  description: |
    Card payments.
    Second line.
  annotations:
    ownership.dev/capability: {capability}
    ownership.dev/incident-channel: {channel}
    ownership.dev/repos: |
      https://github.com/acme/mono {path}
      https://github.com/acme/other
    example.com/notes: |
      a third-party annotation
      of two lines
spec:
  type: service
  lifecycle: production
  owner: group:payments
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: payments
spec:
  type: openapi
  lifecycle: production
  owner: group:payments
  definition: |
    openapi: 3.0.0
    info:
      title:\tPayments
"""
GOOD = {"title": "Payments API", "capability": "Card payments", "channel": "'#inc-payments'",
        "path": "services/api/"}


def _backstage(**changes: str) -> list[tuple[str, int, str]]:
    return _findings(BACKSTAGE.format(**{**GOOD, **changes}), "catalog-info.yaml")


def test_a_clean_backstage_descriptor_with_multi_line_description_annotations_and_definition_is_valid() -> None:
    assert _backstage() == []


@pytest.mark.parametrize(("field", "value", "line"), [
    ("title", '"Payments\\e]8;;https://evil.test\\aAPI"', 13),
    ("title", '"Payments\\nAPI"', 13),
    ("capability", '"Card\\x9bpayments"', 18),
    ("capability", '"Card\\npayments"', 18),
    ("channel", '"#inc payments"', 19),
])
def test_control_characters_and_bad_channels_in_a_backstage_descriptor_are_invalid_values(field: str, value: str,
                                                                                          line: int) -> None:
    found = _backstage(**{field: value})
    assert ("invalid-value", line) in [(r, ln) for r, ln, _ in found], found


def test_a_backstage_repository_path_with_glob_syntax_is_refused_with_its_repository_entry() -> None:
    found = _backstage(path="services/*")
    assert ("invalid-value", 20) in [(r, ln) for r, ln, _ in found], found
    catalog, _ = load_sources([("catalog-info.yaml", BACKSTAGE.format(**{**GOOD, "path": "services/*"}).encode())])
    assert [r.url for r in catalog.systems["payments-api"].repos] == ["https://github.com/acme/other"]


# --------------------------------------------------------------------------- writers, handed what the loader refuses

AT = Location("catalog/catalog.yaml", 9, 17)


def _system(*paths: str, name: str = "payments-api", **kw: object) -> System:
    return System(name, "payments", repos=(Repo("../monorepo", paths),), location=Location("catalog/catalog.yaml", 5, 5),
                  locations={"repos[0].paths[0]": AT}, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", ["services/api/\n* @evil-org/attackers", "services/api/ @evil-org/attackers",
                                  "services/api/\r", "*", "", "/", "[ab]/", ":!x", "a/../../b", "x\u2028y"])
def test_the_codeowners_writer_refuses_a_path_that_would_change_the_file(path: str) -> None:
    s = _system(path)
    with pytest.raises(UnsafeValue, match="catalog/catalog.yaml:9:17: .*refusing to write it"):
        codeowners_export.block([(s, 0, s.repos[0])], ["services/api/main.py"], Handles("acme"))


@pytest.mark.parametrize("handle", ["@acme/payments @evil-org/attackers", "@acme/payments\n* @evil"])
def test_the_codeowners_writer_refuses_an_owner_that_is_not_one_token(handle: str) -> None:
    s = _system("services/api/")
    with pytest.raises(UnsafeValue, match="GitHub handle of team 'payments'"):
        codeowners_export.block([(s, 0, s.repos[0])], [], Handles(None, {"payments": handle}))


def test_the_codeowners_writer_refuses_a_system_name_that_would_end_its_comment_line() -> None:
    s = _system("services/api/", name="api\n* @evil-org/attackers")
    with pytest.raises(UnsafeValue, match="the system name"):
        codeowners_export.block([(s, 0, s.repos[0])], [], Handles("acme"))


def test_the_codeowners_writer_still_writes_plain_paths() -> None:
    s = _system("services/api/")
    assert "/services/api/ @acme/payments\n" in codeowners_export.block([(s, 0, s.repos[0])], [], Handles("acme"))


def _catalog(system: System) -> Catalog:
    return Catalog(teams={"payments": Team("payments", ("alice@acme.test",))}, systems={system.name: system})


@pytest.mark.parametrize("system", [
    _system("services/api/ extra"),
    _system("services/api/\nhttps://evil.test/x"),
    _system("services/api/", maintainers=("alice@acme.test, mallory@evil.test",)),
    _system("services/api/", stakeholders=("legal\nx",)),
], ids=["space-in-path", "line-break-in-path", "comma-in-maintainer", "line-break-in-stakeholder"])
def test_the_backstage_writer_refuses_a_value_that_would_change_an_annotations_structure(system: System) -> None:
    with pytest.raises(UnsafeValue, match="refusing to write it"):
        backstage_export.documents(_catalog(system))


def test_the_backstage_writer_refuses_yaml_that_does_not_read_back_as_meant() -> None:
    docs = [{"metadata": {"description": "one\nannotations: {x: y}"}}]
    unquoted = "metadata:\n  description: one\nannotations: {x: y}\n"  # a dumper that did not quote the value
    with pytest.raises(UnsafeValue, match=r"the export\[0\]\.metadata\.description .*does not read back"):
        backstage_export._checked(unquoted, docs)


def test_the_backstage_writer_quotes_control_characters_so_they_read_back_exactly() -> None:
    s = _system("services/api/", description="Card\x1b[31m payments\nline two")
    files = backstage_export.documents(_catalog(s))
    assert "\x1b" not in files["components.yaml"] and "\\e[31m" in files["components.yaml"]


def test_the_backstage_writer_refuses_a_value_pyyaml_writes_as_a_line_break() -> None:
    # PyYAML (allow_unicode) writes U+0085 NEXT LINE raw, and YAML reads it as a line break: caught by reading back
    s = _system("services/api/", capability="Card\x85payments")
    with pytest.raises(UnsafeValue, match="ownership.dev/capability .*does not read back"):
        backstage_export.documents(_catalog(s))


SYSTEMS = "systems:\n  - name: api\n    owner: team\n    maintainers: [alice@acme.test]\n"


@pytest.mark.parametrize("person", ["mallory@evil.test]\n    owner: evil", "m\r@evil.test", "m\x1b@e.test",
                                    "m\u2028@e.test"])
def test_suggest_write_refuses_a_maintainer_that_would_change_the_yaml(tmp_path: Path, person: str) -> None:
    with pytest.raises(UnsafeValue, match="the maintainer to add to system 'api'"):
        add_maintainer_text(SYSTEMS, "api", person)
    path = tmp_path / "systems.yaml"
    path.write_text(SYSTEMS)
    with pytest.raises(UnsafeValue):
        add_maintainer(path, "api", person, root=tmp_path)
    assert path.read_text() == SYSTEMS


@pytest.mark.parametrize("person", ['m"], owner: x', "m\\\"], x", "m\u200b@e.test", "[x](y) #c", "m\ufeff"])
def test_suggest_write_quotes_other_values_so_they_read_back_as_one_maintainer(person: str) -> None:
    text = add_maintainer_text(SYSTEMS, "api", person)
    assert yaml.safe_load(text)["systems"][0]["maintainers"] == ["alice@acme.test", person]


def test_the_type_checks_keep_the_bundled_example_catalog_valid() -> None:
    from tests.conftest import ROOT
    sources = [(str(p), p.read_bytes()) for p in sorted((ROOT / "catalog").rglob("*.yaml"))
               if p.name != "ownership.yaml"]
    _, found = load_sources(sources)
    assert [f for f in found if f.rule == "invalid-value"] == []


def test_the_site_writer_refuses_a_file_path_that_would_leave_the_site_or_break_a_line(tmp_path: Path) -> None:
    from ownership.site.build import Site
    from ownership.site.writer import SiteError, write

    for rel in ("../outside.svg", "/etc/x.svg", "systems/a\nb.svg", "systems/../../x.svg", "a\\b.svg"):
        with pytest.raises(SiteError, match="refusing to write it"):
            write(Site(files={rel: "<svg/>"}), tmp_path / "site")
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing written, no half-built folder left


def test_the_report_markdown_refuses_a_value_that_would_start_a_new_line_unless_made_one_line() -> None:
    from ownership.report.render import _markdown_environment

    env = _markdown_environment()
    assert env.from_string("| {{ x | md }} |").render(x="a\n# b\u2028c").count("\n") == 0
    with pytest.raises(UnsafeValue, match="report"):
        env.from_string("| {{ x }} |").render(x="payments\n## Headline\n| forged | row |")
