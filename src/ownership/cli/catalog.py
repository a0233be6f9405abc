"""Commands on the catalog itself: validate, schema, init, export backstage|codeowners, codeowners check."""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from ownership import render
from ownership.catalog import yamlnodes
from ownership.cli.group import (
    _auto_format, _colour, _emit, _say, _warn, _write_step_summary, cli, EXIT_FINDINGS, EXIT_OK, Failure,
)
from ownership.cli.options import (
    _catalog_paths, _default_catalog, _named, _roster, _selected, _today, ALLOW_SHRINK_OPTION, CATALOG_OPTION,
    CONFIG_OPTION, DEFAULT_CATALOG, EXCLUDE_OPTION, FAIL_ON_OPTION, FINDINGS_FORMAT_OPTION, LEGACY_PATHS,
    OUTPUT_OPTION, ROSTER_OPTION, TODAY_OPTION,
)
from ownership.config import candidates, ConfigError
from ownership.model import Finding
from ownership.render import terminal
from ownership.support.words import plural


@cli.command()
@LEGACY_PATHS
@CATALOG_OPTION
@FINDINGS_FORMAT_OPTION
@FAIL_ON_OPTION
@click.option("--base", metavar="REF",
              help="Diff-aware PR mode: fail only on findings the catalog at REF did not already have.")
@OUTPUT_OPTION
@ROSTER_OPTION
@ALLOW_SHRINK_OPTION
@EXCLUDE_OPTION
@CONFIG_OPTION
@TODAY_OPTION
def validate(catalog_paths: tuple[str, ...], fmt: str, fail_on: str | None, base: str | None, output: str | None,
             roster: str | None, allow_roster_shrink: bool, config_path: str | None, today: str | None) -> None:
    """Check the catalog (--catalog: folders or files; default: catalog/).

    Collects every problem in one run: YAML syntax, duplicate keys, unknown fields, bad values, missing
    fields, duplicate names, unknown teams and systems, dependency cycles. With a roster (--roster or
    roster: in ownership.yaml) also the people rules: unknown people, owners who left or moved, teams without
    employed members, managers who left. Exit code 0 when nothing is at or above --fail-on, 1 when something
    is, 2 when the check could not run.
    """
    from ownership.commands import validate as command
    from ownership.history.git import GitError, toplevel  # here, not at the top: GitPython costs `page` 0.1 s

    paths = _named(catalog_paths)
    selected, config = _catalog_paths(catalog_paths, config_path)
    fmt = _auto_format(fmt)
    day = _today(today)
    changed: list[Finding] = []
    if base:  # the PR's ownership.yaml may not choose hosts, secrets, rules or fail_on: the base's count
        look_in = [Path(config_path)] if config_path else candidates(list(paths) or [DEFAULT_CATALOG])
        try:
            repo = toplevel(selected[0])
            config, changed = command.trusted_config(config, base, look_in, repo)
        except (ConfigError, GitError) as exc:
            raise Failure(f"--base {base}: {exc}") from exc
        # include:/exclude: are protected too: the base's say which files are read
        selected = _selected(paths, config) if paths else _default_catalog(config)
    people = _roster(roster, config, day, allow_roster_shrink)
    outcome = command.check(selected, config, day, base, roster=people, changed=changed)
    root = None
    if fmt == "sarif":
        try:
            root = toplevel(selected[0])
        except GitError:
            root = None
    coloured = _colour(fmt, output)
    body, summary = render.FINDINGS[fmt](outcome.findings, baseline=outcome.preexisting,
                                         uri=command.repo_uri(root), colour=coloured)
    _emit(body, output, coloured)
    _write_step_summary(summary)
    if not yamlnodes.LIBYAML:
        _say("warning", "libyaml is not available; using PyYAML's slower pure-Python parser")
    sys.exit(EXIT_FINDINGS if command.failing(outcome.findings, fail_on or config.get("fail_on", "error"))
             else EXIT_OK)


@cli.command()
@click.argument("which", type=click.Choice(["catalog", "config"]), default="catalog")
def schema(which: str) -> None:
    """Print a JSON Schema (draft 2020-12): of a native catalog file (the default), or with `config` of
    ownership.yaml.

    Generated from the same specification the loader checks against (the catalog's field spec; config.py's
    table of sections); use it for editor completion (e.g. a `# yaml-language-server: $schema=...` comment).
    """
    from ownership.commands.init import schema_text

    terminal.out(schema_text(which), nl=False)


@cli.command()
@click.argument("target", metavar="[DIR]", default=".", type=click.Path(file_okay=False))
@click.option("--team", metavar="NAME", help="Team that owns the first system [default: platform].")
@click.option("--system", metavar="NAME", help="First system's name [default: DIR's name, else my-service].")
@click.option("--catalog", metavar="FOLDER", help="Catalog folder inside DIR [default: catalog].")
@click.option("--yes", "-y", is_flag=True, help="Ask nothing: flags, else the defaults (also when not on a "
                                                "terminal).")
def init(target: str, team: str | None, system: str | None, catalog: str | None, yes: bool) -> None:
    """Start a catalog in DIR (default: here): teams.yaml, one system, ownership.yaml, their JSON Schemas,
    .github/workflows/catalog-check.yml and .pre-commit-config.yaml.

    On a terminal it asks for what the flags do not give. It never overwrites a file: one that exists is
    skipped and listed. Exit code 0 when it ran (whether or not anything was new), 2 when it cannot write.
    """
    from ownership.commands import init as command

    def ask(question: str, default: str, check: Callable[[str], str]) -> str:
        def proc(value: str) -> str:
            try:
                return check(value)
            except command.InitError as exc:
                raise click.UsageError(str(exc)) from exc  # click.prompt says it and asks again

        answer: str = click.prompt(question, default=default, value_proc=proc)
        return answer

    interactive = not yes and sys.stdin.isatty()
    answers = command.gather(Path(target), team, system, catalog, ask if interactive else None)
    outcome = command.write(Path(target), answers)
    terminal.out("\n".join(command.summary(Path(target), outcome)))


@cli.group("export")
def export_group() -> None:
    """Write the catalog in other formats: Backstage descriptors, a CODEOWNERS block."""


@export_group.command("backstage")
@LEGACY_PATHS
@CATALOG_OPTION
@click.option("--out", required=True, type=click.Path(file_okay=False), metavar="DIR",
              help="Folder to write catalog-info.yaml, groups.yaml, users.yaml, components.yaml (and "
                   "resources.yaml, systems.yaml, apis.yaml, domains.yaml, rotations.yaml) into.")
@EXCLUDE_OPTION
@CONFIG_OPTION
def export_backstage(catalog_paths: tuple[str, ...], out: str, config_path: str | None) -> None:
    """Write the catalog (--catalog; default: catalog/) as Backstage descriptors that load back into the same
    catalog. Fields Backstage has no place for travel in ownership.dev/ annotations (docs/backstage.md)."""
    from ownership.commands import export as command

    selected, _ = _catalog_paths(catalog_paths, config_path)
    written = command.backstage(selected, out)
    terminal.out(f"wrote {plural(len(written), 'file')} to {out}: {', '.join(p.name for p in written)}")


@export_group.command("codeowners")
@LEGACY_PATHS
@CATALOG_OPTION
@click.option("--repo", default=".", show_default=True, type=click.Path(file_okay=False),
              help="The repository whose CODEOWNERS gets the catalog block.")
@click.option("--stdout", "to_stdout", is_flag=True, help="Print the whole new CODEOWNERS instead of writing it.")
@EXCLUDE_OPTION
@CONFIG_OPTION
def export_codeowners(catalog_paths: tuple[str, ...], repo: str, to_stdout: bool, config_path: str | None) -> None:
    """Write a marked block into the repository's CODEOWNERS with the owning team of every catalog system
    path in that repository; lines outside the block are kept. Team handles come from codeowners.org or
    codeowners.team_handles in ownership.yaml."""
    from ownership.commands import codeowners as command

    selected, config = _catalog_paths(catalog_paths, config_path)
    text, written, files = command.export(selected, config, repo, to_stdout)
    if written is None:
        terminal.out(text, nl=False)
    else:
        terminal.out(f"updated {written}: the catalog block gives owners to {plural(files, 'file')}")


@cli.group("codeowners")
def codeowners_group() -> None:
    """Compare a repository's CODEOWNERS with the catalog."""


@codeowners_group.command("check")
@LEGACY_PATHS
@CATALOG_OPTION
@click.option("--repo", default=".", show_default=True, type=click.Path(file_okay=False),
              help="The repository to check (a work tree, or a bare repository: its HEAD).")
@FINDINGS_FORMAT_OPTION
@FAIL_ON_OPTION
@ROSTER_OPTION
@ALLOW_SHRINK_OPTION
@EXCLUDE_OPTION
@CONFIG_OPTION
@TODAY_OPTION
def codeowners_check(catalog_paths: tuple[str, ...], repo: str, fmt: str, fail_on: str | None, roster: str | None,
                     allow_roster_shrink: bool, config_path: str | None, today: str | None) -> None:
    """For every catalog system with paths in the repository, compare the catalog's owners with CODEOWNERS:
    codeowners-drift (other owners), codeowners-left (an owner who left; needs a roster) and
    codeowners-unowned (system paths no line covers)."""
    from ownership.commands import codeowners as command
    from ownership.commands.validate import failing

    selected, config = _catalog_paths(catalog_paths, config_path)
    day = _today(today)
    people = _roster(roster, config, day, allow_roster_shrink)
    outcome = command.check(selected, config, repo, people, day)
    _warn(outcome.notes)
    fmt, coloured = _auto_format(fmt), _colour(_auto_format(fmt))
    body, summary = render.FINDINGS[fmt](outcome.findings, title="CODEOWNERS check", colour=coloured)
    terminal.out(body, nl=False, colour=coloured)
    _write_step_summary(summary)
    sys.exit(EXIT_FINDINGS if failing(outcome.findings, fail_on or config.get("fail_on", "error")) else EXIT_OK)
