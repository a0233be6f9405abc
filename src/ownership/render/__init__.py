"""Output formats: one registry per result type, format name -> a pure renderer (check-jsonschema's
REPORTER_BY_NAME). A new format is one function in the result type's render module and one line here; the
CLI's `--format` choices are the registry's names (`click.Choice(sorted(render.PAGE))`), so a format listed
here is a format the command accepts. "auto" (github inside GitHub Actions) is the CLI's, not a format.

Every renderer of one registry takes the same arguments (the registry's type says which) and returns the
text as written, newline included. Each entry is named "module:function" below `ownership` and imported on
first use: the choices are read whenever the CLI starts (shell completion included), the renderers only by
the command that prints, so `ownership page` does not pay for the findings renderer's rule table.

Formats are contracts (docs/cli.md): add, never rename.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    from ownership.analysis.impact import Impact
    from ownership.analysis.successors import Suggested
    from ownership.model import Activity, Finding, Roster
    from ownership.offboard import OffboardResult
    from ownership.routing import Page, Room
    from ownership.routing.drill import Drill

R = TypeVar("R", bound=Callable[..., Any])


class Formats(Mapping[str, R], Generic[R]):
    """Format name -> renderer, each given as "module:function" (module below `ownership`), imported when
    first looked up. Iterating gives the names without importing anything."""

    def __init__(self, **where: str) -> None:
        self._where = dict(where)
        self._loaded: dict[str, R] = {}

    def __getitem__(self, name: str) -> R:
        if name not in self._loaded:
            module, _, function = self._where[name].partition(":")
            self._loaded[name] = getattr(importlib.import_module(f"ownership.{module}"), function)
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)

    def where(self, name: str) -> str:
        """Where the renderer of `name` lives, "module:function" (for docs, without importing it)."""
        return self._where[name]


Report = tuple[str, str]  # (standard output, GitHub step summary; "" when there is none)


class FindingsRenderer(Protocol):
    def __call__(self, findings: Sequence[Finding], *, baseline: Sequence[Finding] = (),
                 uri: Callable[[str], str] = ..., title: str = "Catalog check", colour: bool = False) -> Report: ...


class OffboardRenderer(Protocol):
    def __call__(self, result: OffboardResult, colour: bool = False) -> str: ...


# validate, audit, codeowners check: findings, redacted, plus the step summary
FINDINGS: Formats[FindingsRenderer] = Formats(
    text="render.findings:text_report", json="render.findings:json_report",
    github="render.findings:github_report", sarif="render.findings:sarif_report",
    markdown="render.findings:markdown_report")
# page SYSTEM
PAGE: Formats[Callable[[Page], str]] = Formats(text="render.routing:page_text", json="render.routing:page_json")
# incident SYSTEMS (without --post)
ROOM: Formats[Callable[[Room], str]] = Formats(
    text="render.routing:room_text", markdown="render.routing:room_markdown", json="render.routing:room_json",
    slack="render.slack:room_slack")
# blast-radius SYSTEM
IMPACT: Formats[Callable[[Impact], str]] = Formats(
    text="render.routing:impact_text", json="render.routing:impact_json", dot="render.routing:dot",
    svg="render.pictures:drawn_svg")
# drill (without --scenario)
DRILL: Formats[Callable[[Drill], str]] = Formats(
    text="render.drill:drill_text", markdown="render.drill:drill_markdown", json="render.drill:drill_json")
# scan: the activity, judged against the roster when there is one
SCAN: Formats[Callable[[Activity, Roster | None], str]] = Formats(
    text="render.scan:scan_text", json="render.scan:scan_json")
# suggest SYSTEM
SUGGEST: Formats[Callable[[Suggested], str]] = Formats(
    text="render.person:suggest_text", json="render.person:suggest_json")
# offboard PEOPLE
OFFBOARD: Formats[OffboardRenderer] = Formats(
    text="render.person:offboard_text", json="render.person:offboard_json")
# roster show WHO: commands/roster.describe's facts about one person
PERSON: Formats[Callable[[Mapping[str, Any]], str]] = Formats(
    text="render.person:person_text", json="render.person:person_json")

REGISTRIES: dict[str, Formats[Any]] = {"FINDINGS": FINDINGS, "PAGE": PAGE, "ROOM": ROOM, "IMPACT": IMPACT,
                                       "DRILL": DRILL, "SCAN": SCAN, "SUGGEST": SUGGEST, "OFFBOARD": OFFBOARD,
                                       "PERSON": PERSON}
