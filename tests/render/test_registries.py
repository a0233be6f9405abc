"""Output formats are one registry per result type (render/__init__.py): every entry is a documented function
that renders a small real result, and every command's `--format` choices are its registry's names."""
from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from ownership import render
from ownership.cli import cli
from tests.gitrepo import GitRepo

CATALOG = """\
teams:
  - name: pay
    members: [ann@acme.test, bob@acme.test]
    manager: cy@acme.test
    channel: "#pay"
    oncall: {rotation: pay-primary}
  - name: core
    members: [dee@acme.test]
rotations:
  - name: pay-primary
    members: [ann@acme.test, bob@acme.test]
    shift: 7d
    start: 2026-01-05
systems:
  - name: pay-api
    owner: pay
    maintainers: [bob@acme.test]
    tier: 1
    customer_facing: true
    depends_on: [db]
    repos:
      - url: https://git.acme.test/pay.git
    channels: {incident: "#inc-pay", status: "#status-pay"}
  - name: db
    owner: core
    tier: 1
    repos:
      - url: https://git.acme.test/db.git
  - name: unknown-owner
    owner: nobody
"""
ROSTER = """\
id,email,name,active,end_date,team,manager
cy,cy@acme.test,Cy C,true,,pay,
ann,ann@acme.test,Ann A,true,,pay,cy
bob,bob@acme.test,Bob B,false,2026-05-01,pay,cy
dee,dee@acme.test,Dee D,true,,core,cy
"""
DAY = "2026-06-30"
AT = "2026-06-30T09:00:00Z"

# per registry: the command line whose output is that result type (--format F is added)
COMMANDS: dict[str, list[str]] = {
    "FINDINGS": ["validate", "--today", DAY],
    "PAGE": ["page", "pay-api", "--at", AT],
    "ROOM": ["incident", "pay-api", "--at", AT],
    "IMPACT": ["blast-radius", "db"],
    "DRILL": ["drill", "--from", AT, "--weeks", "1"],
    "SCAN": ["scan", "--today", DAY],
    "SUGGEST": ["suggest", "pay-api", "--today", DAY],
    "OFFBOARD": ["offboard", "ann@acme.test", "--today", DAY],
    "PERSON": ["roster", "show", "ann@acme.test", "--today", DAY],
}
ENTRIES = [(registry, fmt) for registry, formats in render.REGISTRIES.items() for fmt in formats]


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("org")
    (root / "catalog").mkdir()
    (root / "catalog" / "catalog.yaml").write_text(CATALOG, encoding="utf-8")
    (root / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (root / "ownership.yaml").write_text("history:\n  rewrite: {'https://git.acme.test/': 'repos/'}\n"
                                         "  cache: cache/\npictures: builtin\n", encoding="utf-8")
    pay = GitRepo.init(root / "repos" / "pay")
    pay.commit({"api.py": "1\n", "retry.py": "1\n"}, author="Bob B <bob@acme.test>", date="2026-01-10")
    pay.commit({"api.py": "2\n"}, author="Ann A <ann@acme.test>", date="2026-05-01")
    GitRepo.init(root / "repos" / "db").commit({"schema.sql": "1\n"}, author="Dee D <dee@acme.test>",
                                               date="2026-04-01")
    return root


def test_every_registry_has_a_command_in_this_table() -> None:
    assert sorted(COMMANDS) == sorted(render.REGISTRIES)


@pytest.mark.parametrize(("registry", "fmt"), ENTRIES)
def test_every_entry_is_a_documented_function(registry: str, fmt: str) -> None:
    renderer = render.REGISTRIES[registry][fmt]
    assert callable(renderer) and (renderer.__doc__ or "").strip(), render.REGISTRIES[registry].where(fmt)


@pytest.mark.parametrize(("registry", "fmt"), ENTRIES)
def test_every_entry_renders_a_small_real_result(org: Path, registry: str, fmt: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(org)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("OWNERSHIP_PAGERDUTY_TOKEN", raising=False)
    args = [*COMMANDS[registry], "--format", fmt, "--catalog", str(org / "catalog"),
            "--config", str(org / "ownership.yaml")]
    if registry not in ("IMPACT", "FINDINGS"):
        args += ["--roster", str(org / "roster.csv")]
    result = CliRunner().invoke(cli, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1), result.output
    assert result.stdout.strip(), result.stderr
    if fmt in ("json", "sarif", "slack"):
        json.loads(result.stdout)


def _commands(group: click.Group, prefix: str = "") -> dict[str, click.Command]:
    out: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            out.update(_commands(command, f"{prefix}{name} "))
        else:
            out[f"{prefix}{name}"] = command
    return out


def test_every_format_choice_of_the_cli_is_a_registry_entry() -> None:
    """No hand-written list: each command's --format offers its registry's names (the findings commands
    also `auto`), in the registry's order (the help text shows them so)."""
    registry = {"validate": "FINDINGS", "audit": "FINDINGS", "codeowners check": "FINDINGS", "page": "PAGE",
                "incident": "ROOM", "blast-radius": "IMPACT", "drill": "DRILL", "scan": "SCAN",
                "suggest": "SUGGEST", "offboard": "OFFBOARD", "roster show": "PERSON"}
    seen = {}
    for path, command in _commands(cli).items():
        for param in command.params:
            if isinstance(param, click.Option) and "--format" in param.opts:
                assert isinstance(param.type, click.Choice)
                seen[path] = list(param.type.choices)
    assert seen == {path: (["auto"] if name == "FINDINGS" else []) + list(render.REGISTRIES[name])
                    for path, name in registry.items()}
