"""The `ownership` command: option parsing and wiring only. Each command calls one function and returns."""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from ownership import __version__
from ownership.catalog import yamlnodes
from ownership.catalog.load import CatalogError
from ownership.config import Config, ConfigError
from ownership.config import find as find_config
from ownership.config import load as load_config
from ownership.history.git import GitError

EXIT_OK, EXIT_FINDINGS, EXIT_CANNOT_RUN = 0, 1, 2
DEFAULT_CATALOG = "catalog"


class Failure(click.ClickException):
    """'cannot run': one clear line on stderr, exit code 2, never a traceback."""

    exit_code = EXIT_CANNOT_RUN

    def show(self, file: object = None) -> None:
        click.echo(f"ownership: error: {self.format_message()}", err=True)


def _config(paths: Sequence[str], explicit: str | None) -> Config:
    try:
        return load_config(Path(explicit) if explicit else find_config(list(paths)))
    except ConfigError as exc:
        raise Failure(str(exc)) from exc


def _catalog_paths(paths: Sequence[str], config_path: str | None) -> tuple[list[str], Config]:
    if paths:
        return list(paths), _config(paths, config_path)
    config = _config([DEFAULT_CATALOG], config_path)
    default = config.get("catalog")
    return [config.relative(default) if default else DEFAULT_CATALOG], config


def _today(value: str | None) -> dt.date:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise Failure(f"--today must be YYYY-MM-DD, got {value!r}") from exc


def _auto_format(fmt: str) -> str:
    if fmt == "auto":
        return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    return fmt


def _write_step_summary(summary: str) -> None:
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary and target:
        try:
            with open(target, "a", encoding="utf-8") as fh:
                fh.write(summary)
        except OSError as exc:
            click.echo(f"ownership: warning: cannot write the step summary to {target}: {exc}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="ownership")
def cli() -> None:
    """Keep a service-ownership catalog honest.

    \b
    Jobs:
      validate   gate catalog pull requests (schema, references, cycles)
      schema     print the catalog format as JSON Schema
    Docs: README.md and docs/ in the project.
    """


CONFIG_OPTION = click.option("--config", "config_path", type=click.Path(dir_okay=False),
                             help="ownership.yaml to use (default: found next to the catalog).")
TODAY_OPTION = click.option("--today", metavar="YYYY-MM-DD", help="Evaluate as of this day (default: today).")


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["auto", "text", "json", "github", "sarif", "markdown"]),
              default="auto", show_default=True,
              help="Output format; auto picks github inside GitHub Actions, else text.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "never"]), default=None,
              help="Lowest severity that makes the exit code 1 [default: error, or fail_on in ownership.yaml].")
@click.option("--base", metavar="REF",
              help="Diff-aware PR mode: fail only on findings the catalog at REF did not already have.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write the report to this file instead of standard output.")
@CONFIG_OPTION
@TODAY_OPTION
def validate(paths: tuple[str, ...], fmt: str, fail_on: str | None, base: str | None, output: str | None,
             config_path: str | None, today: str | None) -> None:
    """Check the catalog at PATHS (folders or files; default: catalog/).

    Collects every problem in one run: YAML syntax, duplicate keys, unknown fields, bad values, missing
    fields, duplicate names, unknown teams and systems, dependency cycles. Exit code 0 when nothing is at or
    above --fail-on, 1 when something is, 2 when the check could not run.
    """
    from ownership.commands import validate as command
    from ownership.render.findings import render

    catalog_paths, config = _catalog_paths(paths, config_path)
    fmt = _auto_format(fmt)
    try:
        outcome = command.check(catalog_paths, config, _today(today), base)
    except (CatalogError, GitError) as exc:
        raise Failure(str(exc)) from exc
    root = None
    if fmt == "sarif":
        try:
            from ownership.history.git import toplevel

            root = toplevel(catalog_paths[0])
        except GitError:
            root = None
    body, summary = render(fmt, outcome.findings, baseline=outcome.preexisting, uri=command.repo_uri(root))
    _emit(body, output)
    _write_step_summary(summary)
    if not yamlnodes.LIBYAML:
        click.echo("ownership: warning: libyaml is not available; using PyYAML's slower pure-Python parser",
                   err=True)
    sys.exit(EXIT_FINDINGS if command.failing(outcome.findings, fail_on or config.get("fail_on", "error"))
             else EXIT_OK)


def _emit(body: str, output: str | None) -> None:
    if output:
        try:
            Path(output).write_text(body, encoding="utf-8")
        except OSError as exc:
            raise Failure(f"{output}: cannot write ({exc.strerror or exc})") from exc
    else:
        click.echo(body, nl=False)


@cli.command()
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of a native catalog file.

    Generated from the same field specification the loader checks against; use it for editor completion
    (e.g. a `# yaml-language-server: $schema=...` comment).
    """
    from ownership.catalog.schema import json_schema

    click.echo(json.dumps(json_schema(), indent=2))


def main(argv: Sequence[str] | None = None) -> int:
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="ownership", standalone_mode=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_CANNOT_RUN)
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
