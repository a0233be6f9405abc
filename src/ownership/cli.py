"""The `ownership` command: option parsing and wiring only. Each command calls one function and returns."""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click
from click.shell_completion import CompletionItem

from ownership import __version__, redact
from ownership.render import colour as colours
from ownership.render import terminal
from ownership.words import plural
from ownership.catalog import yamlnodes
from ownership.config import Config, ConfigError, candidates
from ownership.config import find as find_config
from ownership.config import load as load_config
from ownership.catalog.load import CatalogPaths, Selection
from ownership.errors import EXIT_CANNOT_RUN, OwnershipError
from ownership.model import Finding, Roster, Snapshot

EXIT_OK, EXIT_FINDINGS = 0, 1
DEFAULT_CATALOG = "catalog"


class Failure(OwnershipError):
    """A 'cannot run' the command line itself finds: a bad --today, an unwritable --output."""


class _Commands(click.Group):
    """The one handler of "cannot run": any OwnershipError from any command becomes one clear line on stderr,
    `ownership: error: <message>`, and exit code 2, never a traceback. (Here rather than in main() so that
    click's test runner, which calls the group directly, sees the same.)"""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OwnershipError as exc:
            for line in str(exc).splitlines() or [""]:  # a ConfigError names every problem, one a line
                _say("error", line)
            ctx.exit(EXIT_CANNOT_RUN)


def _config(paths: Sequence[str], explicit: str | None) -> Config:
    return load_config(Path(explicit) if explicit else find_config(list(paths)))


def _named(paths: Sequence[str]) -> tuple[str, ...]:
    """The catalog as the command line names it: --catalog PATH, then the deprecated positional PATHS."""
    ctx = click.get_current_context(silent=True)
    legacy: tuple[str, ...] = ctx.meta.get(_LEGACY_PATHS_KEY, ()) if ctx is not None else ()
    return (*paths, *legacy)


def _catalog_paths(paths: Sequence[str], config_path: str | None) -> tuple[CatalogPaths, Config]:
    paths = _named(paths)
    if paths:
        config = _config(paths, config_path)
        return _selected(paths, config), config
    config = _config([DEFAULT_CATALOG], config_path)
    return _default_catalog(config), config


def _selected(paths: Sequence[str], config: Config) -> CatalogPaths:
    """The catalog paths with the files they stand for: include:/exclude: of `config`, plus --exclude."""
    ctx = click.get_current_context(silent=True)
    flags: tuple[str, ...] = ctx.meta.get(_EXCLUDE_KEY, ()) if ctx is not None else ()
    return CatalogPaths(paths, Selection(tuple(config.get("include") or ()),
                                         (*(config.get("exclude") or ()), *flags)))


def _default_catalog(config: Config) -> CatalogPaths:
    default = config.get("catalog")
    return _selected([config.relative(default) if default else DEFAULT_CATALOG], config)


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
            _say("warning", f"cannot write the step summary to {target}: {exc}")


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="ownership")
@click.option("--color", "colour", type=click.Choice(colours.MODES), default="auto", show_default=True,
              help="Severities in colour in text output: auto = on a terminal, unless NO_COLOR is set.")
@click.option("--no-color", "no_colour", is_flag=True, help="Same as --color=never.")
@click.pass_context
def cli(ctx: click.Context, colour: str, no_colour: bool) -> None:
    """Keep a service-ownership catalog honest.

    \b
    Jobs:
      validate   gate catalog pull requests (schema, references, cycles)
      schema     print the catalog format (or, with `config`, ownership.yaml's) as JSON Schema
      init       start a catalog: teams, one system, ownership.yaml, CI workflow, pre-commit
      scan       git history per system: last human touch, maintainers, truck factor (sharded: --shard)
      page       who to page for a system, in order, skipping people who left
      blast-radius
                 what breaks when a system breaks
      incident   who belongs in the room: severity, roles, responders, suspects, stakeholders, status
                 messages; Slack Block Kit or posted to Slack
      drill      game day: every page and room at each on-call hand-over, and the gaps; a game-day card
      export     the catalog as Backstage descriptors, or a CODEOWNERS block
      codeowners check a repository's CODEOWNERS against the catalog
      roster     HR roster: pull a snapshot (CSV/JSON/YAML or SCIM), show one person and what they own
      audit      orphaned, dormant, drifting systems, knowledge held by leavers, truck factor, on-call gaps
      suggest    who should own a system now (--write names them as maintainer)
      offboard   simulate people leaving: what becomes orphaned, what loses knowledge
      report     the weekly ownership report: report.md, report.html, report.json
      demo       try everything on the bundled example org (writes ./ownership-demo/)
      site       the catalog as a static website: search, who to page, blast radius
    Docs: README.md and docs/ in the project.
    """
    ctx.meta[_COLOUR_KEY] = "never" if no_colour else colour


_COLOUR_KEY = "ownership.colour"


def _say(word: str, line: str) -> None:
    """`ownership: error: LINE` or `ownership: warning: LINE` on stderr, LINE redacted and every control
    character in it shown; the word coloured when stderr is (render/colour.py)."""
    ctx = click.get_current_context(silent=True)
    on = colours.wanted(ctx.meta.get(_COLOUR_KEY, "auto") if ctx is not None else "auto", sys.stderr)
    terminal.err(f"ownership: {colours.severity(word, on)}: {terminal.visible(redact.text(line))}", colour=on)


def _note(line: str) -> None:
    """`ownership: LINE` on stderr (a gap, an internal error), LINE redacted, control characters shown."""
    terminal.err(f"ownership: {redact.text(line)}")


def _colour(fmt: str, output: str | None = None) -> bool:
    """Whether this command's output is coloured: text format, to stdout, as --color and render/colour.py say."""
    ctx = click.get_current_context(silent=True)
    mode = ctx.meta.get(_COLOUR_KEY, "auto") if ctx is not None else "auto"
    return fmt == "text" and not output and colours.wanted(mode, sys.stdout)


CONFIG_OPTION = click.option("--config", "config_path", type=click.Path(dir_okay=False),
                             help="ownership.yaml to use (default: found next to the catalog).")
_EXCLUDE_KEY = "ownership.exclude"
_LEGACY_PATHS_KEY = "ownership.legacy_paths"


def _deprecated(ctx: click.Context, old: str, new: str) -> None:
    """The one notice of an old spelling: one line on stderr; stdout, exit code and output stay as they were."""
    if not ctx.resilient_parsing:  # shell completion parses the line too: it prints nothing
        _warn([f"`{ctx.command_path} {old}` is deprecated: write `{new}` (docs/cli.md)"])


# every command that reads a catalog names it so (docs/cli.md: one spelling on every command)
CATALOG_OPTION = click.option("--catalog", "catalog_paths", multiple=True, type=click.Path(), metavar="PATH",
                              help="Catalog folder or file; repeatable [default: catalog in ownership.yaml, "
                                   "else catalog/].")


def _complete(kind: str) -> Callable[[click.Context, click.Parameter, str], list[CompletionItem]]:
    """shell_complete of a SYSTEM or a person argument: the names in the catalog the line names so far."""

    def complete(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        from ownership.commands.complete import candidates

        def paths() -> CatalogPaths:
            with ctx.scope(cleanup=False):  # _selected() reads --exclude from the current context
                return _catalog_paths(ctx.params.get("catalog_paths") or (), ctx.params.get("config_path"))[0]

        return [CompletionItem(name) for name in candidates(kind, incomplete, paths)]

    return complete


class _LegacyPaths(click.Argument):
    """validate, scan, audit, report, site, export and codeowners check took the catalog as positional PATHS
    before --catalog: still read (after any --catalog), with a notice, and left out of the usage line."""

    def get_usage_pieces(self, ctx: click.Context) -> list[str]:
        return []


def _keep_legacy_paths(ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> None:
    if value:
        _deprecated(ctx, " ".join(value), " ".join(f"--catalog {v}" for v in value))
    ctx.meta[_LEGACY_PATHS_KEY] = tuple(value)  # read by _named(), beside --catalog


LEGACY_PATHS = click.argument("legacy_paths", nargs=-1, type=click.Path(), cls=_LegacyPaths,
                              expose_value=False, callback=_keep_legacy_paths)


class _Renaming(click.Command):
    """A command whose renamed options keep their old spelling: `renamed` maps old to new, and an old one on the
    command line is read as the new one, with the notice (docs/cli.md lists them)."""

    def __init__(self, *args: Any, renamed: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.renamed = dict(renamed or {})

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        rewritten: list[str] = []
        for i, arg in enumerate(args):
            if arg == "--":
                rewritten.extend(args[i:])
                break
            name, eq, value = arg.partition("=")
            if name in self.renamed:
                _deprecated(ctx, name, self.renamed[name])
                arg = self.renamed[name] + eq + value
            rewritten.append(arg)
        return super().parse_args(ctx, rewritten)


def _keep_excludes(ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> None:
    ctx.meta[_EXCLUDE_KEY] = tuple(value)  # read by _selected(), the one place catalog paths are made


# every command that reads a catalog
EXCLUDE_OPTION = click.option("--exclude", multiple=True, metavar="GLOB", expose_value=False,
                              callback=_keep_excludes,
                              help="Never read catalog files matching GLOB (relative to the catalog folder; "
                                   "repeatable; added to exclude: in ownership.yaml).")
TODAY_OPTION = click.option("--today", metavar="YYYY-MM-DD", help="Evaluate as of this day (default: today).")
ROSTER_OPTION = click.option("--roster", metavar="SOURCE",
                             help="HR roster: a CSV/JSON/YAML file or an http(s):// SCIM base URL "
                                  "[default: roster in ownership.yaml].")
ALLOW_SHRINK_OPTION = click.option("--allow-roster-shrink", is_flag=True,
                                   help="Use the roster even when it has far fewer active people than the "
                                        "previous snapshot (roster_shrink_limit, default 10%), or none.")
STRICT_ROSTER_OPTION = click.option("--strict-roster", is_flag=True,
                                    help="Exit 2 when the shrink guard's previous roster snapshot is damaged, or "
                                         "missing although earlier weekly reports exist (default: a warning).")


# the options of every command that prints findings (validate, audit, codeowners check)
FINDINGS_FORMAT_OPTION = click.option(
    "--format", "fmt", type=click.Choice(["auto", "text", "json", "github", "sarif", "markdown"]), default="auto",
    show_default=True, help="Output format; auto picks github inside GitHub Actions, else text.")
FAIL_ON_OPTION = click.option(
    "--fail-on", type=click.Choice(["error", "warning", "never"]), default=None,
    help="Lowest severity that makes the exit code 1 [default: error, or fail_on in ownership.yaml].")
# the reports of the other commands
TEXT_JSON_OPTION = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                                show_default=True)
# every command that reads git history through the scan (scan, audit, report, site)
STATE_OPTION = click.option("--state", "states", multiple=True, type=click.Path(), metavar="DIR",
                            help="Scan state of an earlier scan (`scan --state-out DIR`, e.g. one per shard of a "
                                 "CI matrix); repeatable: the states are merged first and the repositories they "
                                 "hold are not scanned again (docs/history.md).")
OUTPUT_OPTION = click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
                             help="Write the report to this file instead of standard output.")


def _roster(source: str | None, config: Config, today: dt.date, allow_shrink: bool = False) -> Roster | None:
    """The roster from --roster or ownership.yaml (None when neither names one)."""
    from ownership.inputs import load_roster

    return load_roster(source, config, today, allow_shrink, warn=lambda line: _warn([line]))


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
    from ownership.render.findings import render

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
    body, summary = render(fmt, outcome.findings, baseline=outcome.preexisting, uri=command.repo_uri(root),
                           colour=coloured)
    _emit(body, output, coloured)
    _write_step_summary(summary)
    if not yamlnodes.LIBYAML:
        _say("warning", "libyaml is not available; using PyYAML's slower pure-Python parser")
    sys.exit(EXIT_FINDINGS if command.failing(outcome.findings, fail_on or config.get("fail_on", "error"))
             else EXIT_OK)


def _emit(body: str, output: str | None, coloured: bool = False) -> None:
    if output:
        try:
            Path(output).write_text(body, encoding="utf-8")
        except OSError as exc:
            raise Failure(f"{output}: cannot write ({exc.strerror or exc})") from exc
    else:
        terminal.out(body, nl=False, colour=coloured)


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


@cli.command()
@LEGACY_PATHS
@CATALOG_OPTION
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Repositories scanned at once [default: history.jobs in ownership.yaml, else CPU count].")
@click.option("--shard", metavar="I/N",
              help="Scan only shard I of N (1-based) of the catalog's repositories, a stable assignment "
                   "balanced by each repository's cost in the cache; needs --state-out.")
@click.option("--state-out", type=click.Path(file_okay=False), metavar="DIR",
              help="Write the scanned repositories' states to DIR (manifest.json, repos/), for --state.")
@STATE_OPTION
@TEXT_JSON_OPTION
@ROSTER_OPTION
@ALLOW_SHRINK_OPTION
@EXCLUDE_OPTION
@CONFIG_OPTION
@TODAY_OPTION
def scan(catalog_paths: tuple[str, ...], jobs: int | None, shard: str | None, state_out: str | None,
         states: tuple[str, ...], fmt: str, roster: str | None, allow_roster_shrink: bool,
         config_path: str | None, today: str | None) -> None:
    """Scan the git history of every system's repositories (--catalog; default: catalog/).

    Prints per system: last (human) touch, active maintainers (employed / left), truck factor and the share
    of files whose every author has left. Incremental: a cache keyed by the last scanned commit means a
    re-scan reads only new commits. Remote repositories are cloned once (blobless) into the cache.
    With --shard I/N only that shard's repositories are scanned (and only the systems wholly in it shown).
    """
    from ownership.commands import scan as command
    from ownership.history import shards
    from ownership.history.progress import bar

    part = shards.parse(shard) if shard is not None else None
    if part is not None and not state_out:
        raise Failure("--shard needs --state-out DIR: where the shard's scan state is written")
    selected, config = _catalog_paths(catalog_paths, config_path)
    day = _today(today)
    people = _roster(roster, config, day, allow_roster_shrink)

    def warn(line: str) -> None:
        _warn([line])

    with bar() as progress:
        outcome = command.run(selected, config, day, people, jobs, warn, progress, shard=part,
                              state_out=Path(state_out) if state_out else None, states=states)
    if outcome.catalog_errors:
        warn(f"the catalog has {plural(outcome.catalog_errors, 'error')} (see `ownership validate`); scanned what "
             "could be read")
    render = command.render_json if fmt == "json" else command.render_text
    terminal.out(render(outcome.activity, outcome.roster), nl=False)
    command.require_history(outcome.activity)  # nothing read: exit 2, after the report of what failed


@cli.group("roster")
def roster_group() -> None:
    """The HR roster: save a snapshot of it, or look someone up."""


@roster_group.command("pull", cls=_Renaming, renamed={"--out": "--output"})
@click.option("--output", "-o", "out", required=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="Write the snapshot (JSON) here; an existing FILE is also compared by the shrink guard.")
@ROSTER_OPTION
@ALLOW_SHRINK_OPTION
@STRICT_ROSTER_OPTION
@CONFIG_OPTION
@TODAY_OPTION
def roster_pull(out: str, roster: str | None, allow_roster_shrink: bool, strict_roster: bool,
                config_path: str | None, today: str | None) -> None:
    """Read the roster (a SCIM server or an HR export) and save it as a JSON snapshot.

    Nothing is written unless the whole roster was read: a SCIM pull that ends early or fails after its
    retries, or a roster that shrank by more than roster_shrink_limit, stops with exit code 2.
    """
    from ownership.commands import roster as command

    config = _config([DEFAULT_CATALOG], config_path)
    pulled = command.pull(roster, config, _today(today), out, allow_roster_shrink, strict=strict_roster,
                          warn=lambda line: _warn([line]))
    _warn(pulled.warnings)
    terminal.out(f"saved {pulled.people} people ({pulled.active} active) from {pulled.source} to {pulled.out}")


@roster_group.command("show")
@click.argument("who", shell_complete=_complete("person"))
@CATALOG_OPTION
@TEXT_JSON_OPTION
@ROSTER_OPTION
@ALLOW_SHRINK_OPTION
@EXCLUDE_OPTION
@CONFIG_OPTION
@TODAY_OPTION
def roster_show(who: str, catalog_paths: tuple[str, ...], fmt: str, roster: str | None,
                allow_roster_shrink: bool, config_path: str | None, today: str | None) -> None:
    """Print one person (WHO: an email, username, GitHub noreply address, roster id or alias) and what they
    own in the catalog: teams, managed teams, maintained systems, stakeholder groups, rotations."""
    from ownership.commands import roster as command

    paths, config = _catalog_paths(catalog_paths, config_path)
    day = _today(today)
    people = _roster(roster, config, day, allow_roster_shrink)
    if people is None:
        raise Failure(command.NO_SOURCE)
    _warn(command.warnings(people))
    info = command.describe(who, people, command.catalog_for_show(paths), day)
    terminal.out(json.dumps(info, indent=2) if fmt == "json" else command.render_text(info), nl=fmt == "json")


AT_OPTION = click.option("--at", "at", metavar="TIME",
                         help="The moment to answer for: ISO date-time (UTC if no offset) or date [default: now].")
PAGERDUTY_URL_OPTION = click.option("--pagerduty-url", metavar="URL",
                                    help="PagerDuty API base URL [default: pagerduty.base_url in ownership.yaml, "
                                         "else https://api.pagerduty.com]; token from $OWNERSHIP_PAGERDUTY_TOKEN.")
TZ_OPTION = click.option("--tz", "tz", metavar="ZONE", default="UTC", show_default=True,
                         help="The time zone every time is shown in (IANA name such as Europe/Berlin); the zone is "
                              "always printed. --at without an offset is still UTC.")
PAGERDUTY_WAIT_OPTION = click.option("--pagerduty-wait", type=click.FloatRange(min=0, min_open=True),
                                     metavar="SECONDS",
                                     help="Longest wait for PagerDuty's whole answer; then the catalog rotation is "
                                          "used, with a note [default: pagerduty.wait in ownership.yaml, else 2].")
HISTORY_OPTION = click.option("--scan", "history", is_flag=True,
                              help="Read the system's git history (as `ownership scan` does: incremental, cached) "
                                   "to put recently active team members first and suggest a successor when "
                                   "nobody can be paged.")


def _at(value: str | None) -> dt.datetime:
    from ownership.analysis.rotation import parse_at

    return parse_at(value)


def _tz(value: str | None) -> dt.tzinfo:
    from ownership.analysis.rotation import parse_tz

    return parse_tz(value)


def _warn(lines: Sequence[str]) -> None:
    for line in lines:
        _say("warning", line)


@cli.command(cls=_Renaming, renamed={"--history": "--scan"})
@click.argument("system", shell_complete=_complete("system"))
@TEXT_JSON_OPTION
@AT_OPTION
@TZ_OPTION
@CATALOG_OPTION
@PAGERDUTY_URL_OPTION
@PAGERDUTY_WAIT_OPTION
@HISTORY_OPTION
@ROSTER_OPTION
@ALLOW_SHRINK_OPTION
@EXCLUDE_OPTION
@CONFIG_OPTION
def page(system: str, fmt: str, at: str | None, tz: str, catalog_paths: tuple[str, ...], pagerduty_url: str | None,
         pagerduty_wait: float | None, history: bool, roster: str | None, allow_roster_shrink: bool,
         config_path: str | None) -> None:
    """Who to page for SYSTEM, in order: on call (PagerDuty, else the catalog rotation), maintainers, the
    team, the team manager and their manager. People who left, are inactive in HR or moved team are listed
    under skipped with the reason. Exit 1 when nobody at all can be paged, 2 for an unknown system."""
    from ownership.commands import page as command
    from ownership.render.routing import page_json, page_text

    paths, config = _catalog_paths(catalog_paths, config_path)
    when, zone = _at(at), _tz(tz)
    result, warnings = command.run(paths, config, system, when, roster, pagerduty_url,
                                   asked_at=at is not None, allow_shrink=allow_roster_shrink, history=history,
                                   tz=zone, pagerduty_wait=pagerduty_wait)
    _warn(warnings)
    terminal.out(page_json(result) if fmt == "json" else page_text(result), nl=False)
    if result.gap:
        _note(result.gap)
        sys.exit(EXIT_FINDINGS)


@cli.command("blast-radius")
@click.argument("system", shell_complete=_complete("system"))
@click.option("--depth", type=click.IntRange(min=1), default=None, help="Stop after N hops [default: all].")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "dot", "svg"]), default="text",
              show_default=True, help="svg: drawn by Graphviz when installed, else a built-in layout.")
@OUTPUT_OPTION
@CATALOG_OPTION
@EXCLUDE_OPTION
@CONFIG_OPTION
def blast_radius(system: str, depth: int | None, fmt: str, output: str | None, catalog_paths: tuple[str, ...],
                 config_path: str | None) -> None:
    """What breaks when SYSTEM breaks: every system that depends on it, directly or not, by depth, with
    tier, customer-facing flag and owning team, and how many tier-1 and customer-facing systems are hit."""
    from ownership.commands import blast_radius as command
    from ownership.render.routing import dot, impact_json, impact_text

    paths, _ = _catalog_paths(catalog_paths, config_path)
    impact, warnings = command.run(paths, system, depth, with_edges=fmt in ("dot", "svg"))
    _warn(warnings)
    render = {"text": impact_text, "json": impact_json, "dot": dot, "svg": command.to_svg}[fmt]
    _emit(render(impact), output)


@cli.command(cls=_Renaming, renamed={"--history": "--scan"})
@click.argument("systems", nargs=-1, required=True, shell_complete=_complete("system"))
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json", "slack"]), default="text",
              show_default=True, help="markdown is ready to paste into Slack or an incident document; slack is "
                                      "Block Kit JSON for the room and the status messages.")
@click.option("--post", is_flag=True, help="Post the room to the incident channel and the declaration to the "
                                           "status channel through Slack's Web API (token from "
                                           "$OWNERSHIP_SLACK_TOKEN); prints what was and was not posted.")
@click.option("--create-channel", is_flag=True, help="With --post: create the incident channel first (an "
                                                     "existing one is used) and invite the responders.")
@click.option("--slack-url", metavar="URL", help="Slack Web API base URL [default: slack.base_url in "
                                                 "ownership.yaml, else https://slack.com/api/].")
@AT_OPTION
@TZ_OPTION
@click.option("--sev", type=click.IntRange(1, 4), default=None, metavar="N",
              help="The severity of this incident (1-4), instead of the catalog's severity rules.")
@CATALOG_OPTION
@PAGERDUTY_URL_OPTION
@PAGERDUTY_WAIT_OPTION
@HISTORY_OPTION
@ROSTER_OPTION
@ALLOW_SHRINK_OPTION
@EXCLUDE_OPTION
@CONFIG_OPTION
def incident(systems: tuple[str, ...], fmt: str, post: bool, create_channel: bool, slack_url: str | None,
             at: str | None, tz: str, sev: int | None, catalog_paths: tuple[str, ...], pagerduty_url: str | None,
             pagerduty_wait: float | None, history: bool,
             roster: str | None, allow_roster_shrink: bool, config_path: str | None) -> None:
    """Who belongs in the room for an incident touching SYSTEMS: incident commander and backup, responders,
    suspects (owners of upstream dependencies), stakeholders, where to talk, and the blast radius. Exit 1
    when an affected system has nobody at all to page, 2 for an unknown system or when --post could not post
    everything."""
    from ownership.commands import incident as command
    from ownership.render.routing import room_json, room_markdown, room_text

    if (create_channel or slack_url) and not post:
        raise Failure("--create-channel and --slack-url go with --post")
    paths, config = _catalog_paths(catalog_paths, config_path)
    when, zone = _at(at), _tz(tz)
    result, warnings = command.run(paths, config, systems, when, roster, pagerduty_url,
                                   asked_at=at is not None, allow_shrink=allow_roster_shrink, history=history,
                                   tz=zone, sev=sev, pagerduty_wait=pagerduty_wait)
    _warn(warnings)
    posted = True
    if post:
        outcome = command.post(result, config, slack_url, create_channel)
        terminal.out(redact.text(command.outcome_text(outcome)), nl=False)
        for line in outcome.errors:
            _say("error", line)
        posted = outcome.ok
    elif fmt == "slack":
        terminal.out(json.dumps(command.slack_messages(result), indent=2, ensure_ascii=False))
    else:
        terminal.out({"text": room_text, "markdown": room_markdown, "json": room_json}[fmt](result), nl=False)
    gaps = [x.gap for x in result.responders if x.gap]
    for gap in gaps:
        _note(gap)
    if not posted:
        sys.exit(EXIT_CANNOT_RUN)
    if gaps:
        sys.exit(EXIT_FINDINGS)


@cli.command()
@click.option("--weeks", type=click.IntRange(1, 12), default=4, show_default=True,
              help="Length of the window (PagerDuty answers up to 90 days).")
@click.option("--tier", type=click.IntRange(1, 4), default=None, metavar="N",
              help="Only systems of tier N or more critical [default: all].")
@click.option("--team", metavar="TEAM", shell_complete=_complete("team"),
              help="Only the systems TEAM owns (a team's own game day) [default: every team].")
@click.option("--from", "start", metavar="TIME",
              help="Start of the window: ISO date-time or date (UTC without an offset) [default: now].")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text",
              show_default=True)
@click.option("--sole-responder", "threshold", type=click.IntRange(min=1), default=3, show_default=True,
              metavar="N", help="Report a person who is the only one the page reaches for N or more tier-1 "
                                "systems at once.")
@click.option("--scenario", metavar="SYSTEM", shell_complete=_complete("system"),
              help="Instead: write the game-day card for an incident on SYSTEM (Markdown).")
@click.option("--at", "at", metavar="TIME", help="With --scenario: the moment the incident is rehearsed for "
                                                  "[default: now].")
@OUTPUT_OPTION
@TZ_OPTION
@CATALOG_OPTION
@PAGERDUTY_URL_OPTION
@ROSTER_OPTION
@ALLOW_SHRINK_OPTION
@EXCLUDE_OPTION
@CONFIG_OPTION
def drill(weeks: int, tier: int | None, team: str | None, start: str | None, fmt: str, threshold: int,
          scenario: str | None,
          at: str | None, output: str | None, tz: str, catalog_paths: tuple[str, ...], pagerduty_url: str | None, roster: str | None,
          allow_roster_shrink: bool, config_path: str | None) -> None:
    """Game day: the page and the incident room of every system at every on-call hand-over of the next
    --weeks, and every gap they show: nobody reachable, a page level whose people all left, one person as
    the only responder for many tier-1 systems, the commander also a responder, rotations with leavers,
    stakeholder groups nobody can reach, tier-1 systems without runbook or status channel (docs/drill.md).
    Exit 1 on any gap, 0 when there is none, 2 when the drill cannot run."""
    paths, config = _catalog_paths(catalog_paths, config_path)
    zone = _tz(tz)
    if scenario is not None:
        from ownership.commands import gameday

        card, notes = gameday.run(paths, config, scenario, _at(at), zone, roster, allow_roster_shrink,
                                  pagerduty_url)
        _warn(notes)
        _emit(card, output)
        return
    if output is not None:
        raise Failure("-o/--output goes with --scenario (the drill's report is printed)")
    from ownership.commands import drill as command
    from ownership.render.drill import drill_json, drill_markdown, drill_text

    result, warnings = command.run(paths, config, _at(start), weeks, tier, roster, pagerduty_url,
                                   allow_roster_shrink, zone, threshold, team=team)
    _warn(warnings)
    terminal.out({"text": drill_text, "markdown": drill_markdown, "json": drill_json}[fmt](result), nl=False)
    sys.exit(EXIT_FINDINGS if result.gaps else EXIT_OK)


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
    from ownership.render.findings import render

    selected, config = _catalog_paths(catalog_paths, config_path)
    day = _today(today)
    people = _roster(roster, config, day, allow_roster_shrink)
    outcome = command.check(selected, config, repo, people, day)
    _warn(outcome.notes)
    fmt, coloured = _auto_format(fmt), _colour(_auto_format(fmt))
    body, summary = render(fmt, outcome.findings, title="CODEOWNERS check", colour=coloured)
    terminal.out(body, nl=False, colour=coloured)
    _write_step_summary(summary)
    sys.exit(EXIT_FINDINGS if failing(outcome.findings, fail_on or config.get("fail_on", "error")) else EXIT_OK)


def _audit_snapshot(paths: Sequence[str], config: Config, day: dt.date, roster: str | None, allow_shrink: bool,
                    jobs: int | None = None, scan: bool = True,
                    before_scan: Callable[[Snapshot], None] | None = None,
                    states: Sequence[str] = ()) -> tuple[Snapshot, list[Finding]]:
    """The Snapshot (catalog, roster, scanned activity) shared by audit, suggest and offboard."""
    from ownership.inputs import prepare
    from ownership.history.progress import bar

    with bar() as progress:
        return prepare(paths, config, today=day, roster_source=roster, allow_roster_shrink=allow_shrink,
                       jobs=jobs, scan=scan, warn=lambda line: _warn([line]), progress=progress,
                       before_scan=before_scan, states=states)


@cli.command()
@LEGACY_PATHS
@CATALOG_OPTION
@FINDINGS_FORMAT_OPTION
@FAIL_ON_OPTION
@OUTPUT_OPTION
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Repositories scanned at once [default: history.jobs in ownership.yaml, else CPU count].")
@click.option("--no-scan", is_flag=True, help="Skip the git history (catalog and people rules only).")
@STATE_OPTION
@ROSTER_OPTION
@ALLOW_SHRINK_OPTION
@EXCLUDE_OPTION
@CONFIG_OPTION
@TODAY_OPTION
def audit(catalog_paths: tuple[str, ...], fmt: str, fail_on: str | None, output: str | None, jobs: int | None,
          no_scan: bool, states: tuple[str, ...], roster: str | None, allow_roster_shrink: bool,
          config_path: str | None, today: str | None) -> None:
    """Audit the catalog (--catalog; default: catalog/) against the roster and the git history.

    Runs validate's rules, the people rules and the health rules: orphaned, dormant, ownership-drift,
    knowledge-loss, bus-factor, deprecated-dependency, no-oncall (docs/audit.md). The git history comes from
    the incremental scan cache (scanned when needed). Same formats and exit codes as validate.
    """
    from ownership.audit import audit as run_audit
    from ownership.commands.validate import failing
    from ownership.render.findings import render

    selected, config = _catalog_paths(catalog_paths, config_path)
    fmt = _auto_format(fmt)
    day = _today(today)
    snap, loaded = _audit_snapshot(selected, config, day, roster, allow_roster_shrink, jobs, not no_scan,
                                   states=states)
    if snap.roster is None:
        _warn(["no roster (--roster or roster: in ownership.yaml): people, orphaned, knowledge-loss and "
               "bus-factor checks are skipped"])
    result = run_audit(snap, loaded)
    coloured = _colour(fmt, output)
    body, summary = render(fmt, result.findings, title="Ownership audit", colour=coloured)
    _emit(body, output, coloured)
    _write_step_summary(summary)
    sys.exit(EXIT_FINDINGS if failing(result.findings, fail_on or config.get("fail_on", "error")) else EXIT_OK)


@cli.command()
@click.argument("system", shell_complete=_complete("system"))
@click.option("--limit", type=click.IntRange(min=1), default=3, show_default=True, help="How many to show.")
@click.option("--write", is_flag=True,
              help="Add the top suggestion to the system's maintainers in its catalog file (comments, key order "
                   "and formatting are kept).")
@TEXT_JSON_OPTION
@CATALOG_OPTION
@ROSTER_OPTION
@ALLOW_SHRINK_OPTION
@EXCLUDE_OPTION
@CONFIG_OPTION
@TODAY_OPTION
def suggest(system: str, limit: int, write: bool, fmt: str, catalog_paths: tuple[str, ...], roster: str | None,
            allow_roster_shrink: bool, config_path: str | None, today: str | None) -> None:
    """Who should own SYSTEM now: employed people ranked by recency-weighted authorship of its files and
    its commits of the last 180 days, team members first on ties, with the evidence. Exit 1 when --write
    finds nobody to suggest."""
    from ownership.commands import suggest as command

    paths, config = _catalog_paths(catalog_paths, config_path)
    snap, _ = _audit_snapshot(paths, config, _today(today), roster, allow_roster_shrink,
                              before_scan=lambda s: command.check(s, system))
    outcome = command.run(snap, system, limit, write)
    terminal.out(command.render_json(outcome) if fmt == "json" else command.render_text(outcome), nl=False)
    if write and not outcome.suggestions:
        sys.exit(EXIT_FINDINGS)


@cli.command()
@click.argument("people", nargs=-1, required=True, shell_complete=_complete("person"))
@TEXT_JSON_OPTION
@CATALOG_OPTION
@ROSTER_OPTION
@ALLOW_SHRINK_OPTION
@EXCLUDE_OPTION
@CONFIG_OPTION
@TODAY_OPTION
def offboard(people: tuple[str, ...], fmt: str, catalog_paths: tuple[str, ...], roster: str | None,
             allow_roster_shrink: bool, config_path: str | None, today: str | None) -> None:
    """Simulate PEOPLE (emails, usernames or roster ids) leaving today: what becomes orphaned, what loses its
    last employed maintainer, how truck factors and knowledge held by leavers change, and the blast radius
    of what becomes orphaned. Nothing is written."""
    from ownership.commands import offboard as command

    paths, config = _catalog_paths(catalog_paths, config_path)
    snap, _ = _audit_snapshot(paths, config, _today(today), roster, allow_roster_shrink,
                              before_scan=lambda s: command.check(s, people))
    result = command.run(snap, people)
    coloured = _colour(fmt)
    terminal.out(command.render_json(result) if fmt == "json" else command.render_text(result, coloured),
                 nl=False, colour=coloured)


@cli.command()
@LEGACY_PATHS
@CATALOG_OPTION
@click.option("--out", type=click.Path(file_okay=False), metavar="DIR",
              help="Folder for report.md, report.html, report.json [default: reports/YYYY-MM-DD/].")
@click.option("--history", type=click.Path(file_okay=False), metavar="DIR",
              help="Earlier reports as DIR/YYYY-MM-DD/report.json, for 'what changed' and the health chart "
                   "[default: the folder that holds --out].")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Repositories scanned at once [default: history.jobs in ownership.yaml, else CPU count].")
@STATE_OPTION
@ROSTER_OPTION
@ALLOW_SHRINK_OPTION
@STRICT_ROSTER_OPTION
@EXCLUDE_OPTION
@CONFIG_OPTION
@TODAY_OPTION
def report(catalog_paths: tuple[str, ...], out: str | None, history: str | None, jobs: int | None,
           states: tuple[str, ...], roster: str | None, allow_roster_shrink: bool, strict_roster: bool,
           config_path: str | None, today: str | None) -> None:
    """The weekly ownership report of the catalog (--catalog; default: catalog/): headline numbers, what changed
    since the last report, top risks with suggested successors, teams, legacy stewards, catalog hygiene.
    Writes report.md, report.html (self-contained) and report.json (docs/report.md). Exit 0 once written."""
    from ownership.commands import report as command
    from ownership.history.progress import bar

    selected, config = _catalog_paths(catalog_paths, config_path)
    written = command.run(selected, config, today=_today(today), roster_source=roster,
                          out=Path(out) if out else None, history=Path(history) if history else None,
                          allow_roster_shrink=allow_roster_shrink, jobs=jobs, warn=lambda line: _warn([line]),
                          stage=command.terminal_stage(), progress=bar, states=states,
                          strict_roster=strict_roster)
    terminal.out(f"wrote {', '.join(str(p) for p in written.files.values())}")


@cli.command()
@click.option("--out", default="ownership-demo", show_default=True, type=click.Path(file_okay=False),
              metavar="DIR", help="Working folder for the example org; re-running re-creates its repositories.")
@TODAY_OPTION
def demo(out: str, today: str | None) -> None:
    """Try it on the bundled example org: writes its catalog, HR roster and git repositories (several years
    of generated history) into DIR, then scans, audits and reports, and prints where report.html is."""
    from ownership.commands import demo as command
    from ownership.commands.report import terminal_stage
    from ownership.history.progress import bar

    ws, written = command.run(Path(out), _today(today), warn=lambda line: _warn([line]),
                              stage=terminal_stage(), progress=bar)
    h = written.doc["headline"]
    terminal.out(f"example org in {ws.root}: {h['systems']} systems, {h['orphaned']} orphaned, {h['dormant']} dormant, "
               f"{h['findings']['error']} errors and {h['findings']['warning']} warnings")
    terminal.out(f"report: {written.files['report.html'].resolve()}")
    terminal.out("try next:")
    for line in command.next_steps(out):
        terminal.out(f"  {line}")


@cli.command()
@LEGACY_PATHS
@CATALOG_OPTION
@click.option("--out", required=True, type=click.Path(file_okay=False), metavar="DIR",
              help="Folder to write the site into (replaced as a whole; must be new, empty or an earlier build).")
@click.option("--report", "report_dir", type=click.Path(file_okay=False), metavar="DIR",
              help="The weekly report to link: a report folder, or one of dated report folders (the newest "
                   "is copied into the site) [default: reports/ when it holds one].")
@click.option("--at", "at", metavar="TIME",
              help="The moment page lists and rotations are answered for: ISO date-time or date [default: now]. "
                   "The same inputs and --at give byte-identical output.")
@click.option("--no-scan", is_flag=True, help="Do not read git history (pages say \"no scan\").")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Repositories scanned at once [default: history.jobs in ownership.yaml, else CPU count].")
@click.option("--offboard-limit", type=click.IntRange(min=0), default=None,
              help="Run the off-boarding simulation on person pages only up to this many people "
                   "[default: site.offboard_limit in ownership.yaml, else no limit].")
@click.option("--pagerduty-web", metavar="URL",
              help="Your PagerDuty web address, for escalation-policy links [default: site.pagerduty_web in "
                   "ownership.yaml, else https://app.pagerduty.com].")
@click.option("--title", metavar="TEXT", help="Site title [default: site.title in ownership.yaml, else "
                                              "Ownership catalog].")
@STATE_OPTION
@ROSTER_OPTION
@ALLOW_SHRINK_OPTION
@EXCLUDE_OPTION
@CONFIG_OPTION
def site(catalog_paths: tuple[str, ...], out: str, report_dir: str | None, at: str | None, no_scan: bool,
         jobs: int | None, offboard_limit: int | None, pagerduty_web: str | None, title: str | None,
         states: tuple[str, ...], roster: str | None, allow_roster_shrink: bool, config_path: str | None) -> None:
    """Write the catalog (--catalog; default: catalog/) as a static website into DIR: search, a page per system
    (who to page, blast radius, findings, git activity), team and person. No server needed (docs/site.md)."""
    from ownership.commands import site as command
    from ownership.history.progress import bar

    selected, config = _catalog_paths(catalog_paths, config_path)
    moment = _at(at)
    with bar() as progress:
        outcome = command.run(selected, config, out, at=moment, roster_source=roster,
                              allow_roster_shrink=allow_roster_shrink, scan=not no_scan, jobs=jobs,
                              report_dir=report_dir, pagerduty_web=pagerduty_web, title=title,
                              offboard_limit=offboard_limit, warn=lambda line: _warn([line]),
                              progress=progress, states=states)
    if outcome.catalog_errors:
        _warn([f"the catalog has {plural(outcome.catalog_errors, 'error')} (see `ownership validate`); the site shows "
               "what could be read"])
    terminal.out(f"wrote {plural(outcome.files, 'file')} to {outcome.out}: {plural(outcome.systems, 'system')}, "
               f"{plural(outcome.teams, 'team')}, {plural(outcome.people, 'person')}"
               + (f", report {outcome.report.day}" if outcome.report else ""))


def main(argv: Sequence[str] | None = None) -> int:
    from ownership import collector

    collector.no_final_collection()
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="ownership", standalone_mode=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_CANNOT_RUN)
    except Exception as exc:  # a bug, not bad input: one line for the user, the traceback on request
        if os.environ.get("OWNERSHIP_DEBUG"):
            raise
        _note(f"internal error: {type(exc).__name__}: {exc} (this is a bug; run again with OWNERSHIP_DEBUG=1 "
              "for the traceback and please report it)")
        return EXIT_CANNOT_RUN
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
