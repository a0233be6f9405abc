"""`ownership scan`: the git history of every system."""
from __future__ import annotations

from pathlib import Path

import click

from ownership import render
from ownership.cli.group import _warn, cli, Failure
from ownership.cli.options import (
    _catalog_paths, _roster, _today, ALLOW_SHRINK_OPTION, CATALOG_OPTION, CONFIG_OPTION, EXCLUDE_OPTION,
    format_option, LEGACY_PATHS, ROSTER_OPTION, STATE_OPTION, TODAY_OPTION,
)
from ownership.render import terminal
from ownership.support.words import plural


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
@format_option(render.SCAN)
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
        warn(f"the catalog has {plural(outcome.catalog_errors, 'error')} (see `ownership validate`); scanned "
             "what could be read")
    terminal.out(render.SCAN[fmt](outcome.activity, outcome.roster), nl=False)
    command.require_history(outcome.activity)  # nothing read: exit 2, after the report of what failed
