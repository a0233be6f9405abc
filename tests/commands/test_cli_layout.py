"""The CLI is a package of thin command groups (issue 26), and the commands with many options take one request
object built by the CLI (check-jsonschema's ParseResult) instead of a dozen keyword parameters."""
from __future__ import annotations

import dataclasses
import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import ownership
import ownership.cli
from ownership.cli import cli
from tests.conftest import ROOT

CLI = Path(ownership.cli.__file__).parent
REQUESTS = ("page", "incident", "drill", "gameday", "report", "site")


def test_the_cli_is_a_package_of_modules_under_400_lines() -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in CLI.glob("*.py")}
    assert CLI.name == "cli" and (CLI / "__init__.py").is_file() and not (CLI.parent / "cli.py").exists()
    assert len(sizes) > 2 and {name: n for name, n in sizes.items() if n >= 400} == {}


def test_every_command_is_registered_and_the_entry_points_still_work() -> None:
    assert sorted(cli.commands) == ["audit", "blast-radius", "codeowners", "demo", "drill", "export", "incident",
                                    "init", "offboard", "page", "report", "roster", "scan", "schema", "site",
                                    "suggest", "validate"]
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'ownership = "ownership.cli:main"' in text and callable(ownership.cli.main)
    env_path = str(Path(ownership.__file__).parents[1])
    done = subprocess.run([sys.executable, "-m", "ownership", "--version"], capture_output=True, text=True,
                          env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"}, timeout=60)
    assert (done.returncode, done.stdout.startswith("ownership, version"), done.stderr) == (0, True, "")


@pytest.mark.parametrize("name", REQUESTS)
def test_a_command_with_many_options_takes_one_frozen_request(name: str) -> None:
    module = importlib.import_module(f"ownership.commands.{name}")
    assert list(inspect.signature(module.run).parameters) == ["request"]
    request = module.Request
    assert dataclasses.is_dataclass(request) and getattr(request, "__dataclass_params__").frozen
    assert len(dataclasses.fields(request)) >= 8
