"""One base for "cannot run" (issue 13): every such error subclasses OwnershipError, and the CLI has one
handler that turns any of them into `ownership: error: ...` and exit code 2."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership.catalog.edit import EditError
from ownership.catalog.load import CatalogError
from ownership.cli import Failure, cli
from ownership.commands.codeowners import CodeownersError
from ownership.commands.offboard import OffboardError
from ownership.commands.report import ReportError
from ownership.commands.suggest import SuggestError
from ownership.config import ConfigError
from ownership.demo.run import DemoError
from ownership.errors import OwnershipError
from ownership.history.git import GitError
from ownership.oncall.pagerduty import PagerDutyError
from ownership.roster.errors import RosterError
from ownership.analysis.rotation import TimeError
from ownership.analysis.impact import UnknownSystem
from ownership.site.writer import SiteError

CLI = Path(__file__).resolve().parents[1] / "src" / "ownership" / "cli"  # the package: group, options, commands


@pytest.mark.parametrize("error", [CatalogError, ConfigError, GitError, RosterError, PagerDutyError, SiteError,
                                   ReportError, DemoError, SuggestError, OffboardError, CodeownersError, EditError,
                                   UnknownSystem, TimeError, Failure])
def test_every_cannot_run_error_is_an_ownership_error(error: type[Exception]) -> None:
    assert issubclass(error, OwnershipError)


def test_lookup_and_value_errors_keep_their_old_bases() -> None:
    assert issubclass(UnknownSystem, LookupError) and issubclass(TimeError, ValueError)


def test_any_ownership_error_from_a_command_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch,
                                                                    tmp_path: Path) -> None:
    from ownership.commands import export as command

    def broken(*args: object, **kwargs: object) -> None:
        raise RosterError("people.csv:3: no email column")

    monkeypatch.setattr(command, "backstage", broken)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["export", "backstage", "--catalog", str(tmp_path), "--out",
                                      str(tmp_path / "out")])
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "ownership: error: people.csv:3: no email column\n")


def test_cli_has_no_catch_and_rethrow_blocks() -> None:
    """The only handlers left in cli/ translate something that is not an OwnershipError (OSError,
    ValueError) or add context (`--base REF: ...`); none re-raises an error unchanged as Failure(str(exc))."""
    files = sorted(CLI.glob("*.py"))
    assert files
    rethrows = [(path.name, h.lineno) for path in files
                for h in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(h, ast.ExceptHandler)
                and any(isinstance(s, ast.Raise) and ast.unparse(s.exc or s).startswith("Failure(str(exc))")
                        for s in h.body)]
    assert rethrows == []
