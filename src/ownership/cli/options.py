"""Options and arguments shared by the commands, and what they turn into: the catalog paths (--catalog, the
deprecated positional PATHS, --exclude), --config, --today, --at, --tz, the roster; the old spellings."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click
from click.shell_completion import CompletionItem

from ownership import render
from ownership.catalog.load import CatalogPaths, Selection
from ownership.cli.group import _warn, Failure
from ownership.config import Config
from ownership.config import find as find_config
from ownership.config import load as load_config
from ownership.model import Roster

DEFAULT_CATALOG = "catalog"


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


def _at(value: str | None) -> dt.datetime:
    from ownership.analysis.rotation import parse_at

    return parse_at(value)


def _tz(value: str | None) -> dt.tzinfo:
    from ownership.analysis.rotation import parse_tz

    return parse_tz(value)


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
def format_option(formats: render.Formats[Any], *, auto: bool = False, help: str | None = None) -> Callable[[Any], Any]:
    """`--format` of a command: the names of its result type's registry (render/__init__.py), in the
    registry's order; `auto` first (the default) where a command picks github inside GitHub Actions."""
    names = ["auto", *formats] if auto else list(formats)
    return click.option("--format", "fmt", type=click.Choice(names), default=names[0], show_default=True, help=help)


FINDINGS_FORMAT_OPTION = format_option(render.FINDINGS, auto=True,
                                       help="Output format; auto picks github inside GitHub Actions, else text.")


FAIL_ON_OPTION = click.option(
    "--fail-on", type=click.Choice(["error", "warning", "never"]), default=None,
    help="Lowest severity that makes the exit code 1 [default: error, or fail_on in ownership.yaml].")


# every command that reads git history through the scan (scan, audit, report, site)
STATE_OPTION = click.option("--state", "states", multiple=True, type=click.Path(), metavar="DIR",
                            help="Scan state of an earlier scan (`scan --state-out DIR`, e.g. one per shard of a "
                                 "CI matrix); repeatable: the states are merged first and the repositories they "
                                 "hold are not scanned again (docs/history.md).")


OUTPUT_OPTION = click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
                             help="Write the report to this file instead of standard output.")


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


def _roster(source: str | None, config: Config, today: dt.date, allow_shrink: bool = False) -> Roster | None:
    """The roster from --roster or ownership.yaml (None when neither names one)."""
    from ownership.inputs import load_roster

    return load_roster(source, config, today, allow_shrink, warn=lambda line: _warn([line]))
