"""The `ownership` group, the one handler of "cannot run", and what every command writes with: errors and
warnings on stderr, the output to stdout or --output, colour, the GitHub step summary."""
from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from ownership import __version__
from ownership.support import redact
from ownership.errors import EXIT_CANNOT_RUN, OwnershipError
from ownership.render import colour as colours
from ownership.render import terminal


EXIT_OK, EXIT_FINDINGS = 0, 1


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


def _warn(lines: Sequence[str]) -> None:
    for line in lines:
        _say("warning", line)


def _emit(body: str, output: str | None, coloured: bool = False) -> None:
    if output:
        try:
            Path(output).write_text(body, encoding="utf-8")
        except OSError as exc:
            raise Failure(f"{output}: cannot write ({exc.strerror or exc})") from exc
    else:
        terminal.out(body, nl=False, colour=coloured)
