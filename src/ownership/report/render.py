"""report.md, report.html and report.json from the one report document (document.py). Formatting only.

HTML is rendered with autoescape on: catalog text (descriptions, team and system names, messages) is always
escaped; the only Markup inserted is the SVG of charts.py, which escapes every text it draws.
"""
from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ownership import confine, redact
from ownership.catalog import typed
from ownership.history.weblinks import line_url
from ownership.analysis.impact import Impact
from ownership.model import Catalog
from ownership.render.evidence import sentences
from ownership.render import markdown as md
from ownership.report import charts
from ownership.words import plural

FILES = ("report.md", "report.html", "report.json")
TOP_RISKS = 15
PICTURED_RISKS = 3
Draw = Callable[[Impact], str]  # a blast-radius picture as SVG (ownership/graphviz.py Drawer)


def _num(value: Any, suffix: str = "") -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:g}{suffix}"
    return f"{value}{suffix}"


def _delta(value: Any) -> str:
    if not isinstance(value, int | float) or value == 0:
        return ""
    return f"{value:+g}"


def _day(value: Any) -> str:
    return str(value)[:10] if value else "never"


def _autoescape(name: str | None) -> bool:
    return bool(name and name.endswith((".html.j2", ".html")))


@functools.cache  # compiling the templates takes longer than rendering them (the demo writes 12 reports)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ownership", "render/templates"),
        autoescape=_autoescape, undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
        trim_blocks=True, lstrip_blocks=True)
    env.filters.update(md=md.text, code=md.code, num=_num, delta=_delta, day=_day, count=plural,
                       evidence=sentences)
    return env


def _one_line(value: Any) -> Any:
    """Every value report.md.j2 prints stays on its line (a table row, a list item): catalog text goes through
    the `md` or `code` filter, which makes it one line; a value that reaches the template some other way with a
    line break in it is refused (issue 24: the writer checks, whatever came before)."""
    if isinstance(value, str) and not value.isprintable():
        typed.no_line_break(value, "a value of report.md", "report")
    return value


@functools.cache
def _markdown_environment() -> jinja2.Environment:
    return environment().overlay(finalize=_one_line)


def markdown(doc: Mapping[str, Any]) -> str:
    return _markdown_environment().get_template("report.md.j2").render(r=doc, top=TOP_RISKS)


def _pictured(doc: Mapping[str, Any]) -> list[str]:
    risky = [r["system"] for r in doc["risks"] if r["dependents"]] or [r["system"] for r in doc["risks"]]
    return risky[:PICTURED_RISKS]


def _source(sources: Mapping[str, str]) -> Any:
    """For the template: a finding (its JSON) -> the web address of its catalog line, or None (unknown)."""
    def source(f: Mapping[str, Any]) -> str | None:
        return line_url(sources.get(f.get("file") or ""), f.get("line"))
    return source


def _full(doc: Mapping[str, Any]) -> Any:
    """For the template: a "what changed" finding (rule, subject, message) -> this week's whole finding (with
    its file, line and evidence), or the short one itself."""
    found = {(f.get("rule"), f.get("subject"), f.get("message")): f for f in doc.get("findings", ())}

    def full(f: Mapping[str, Any]) -> Mapping[str, Any]:
        return found.get((f.get("rule"), f.get("subject"), f.get("message")), f)
    return full


def html(doc: Mapping[str, Any], catalog: Catalog, sources: Mapping[str, str] | None = None,
         draw: Draw | None = None) -> str:
    """`sources`: catalog file -> its web (blob) URL at HEAD (history/weblinks.py); findings link to their line."""
    pictured = _pictured(doc)
    pictures: dict[str, Markup] = {
        "health": charts.health(doc["health"]),
        "teams": charts.team_findings(doc["teams"]),
        "dependencies": charts.dependencies(catalog, pictured, draw=draw),
    }
    return environment().get_template("report.html.j2").render(r=doc, top=TOP_RISKS, charts=pictures,
                                                                 pictured=pictured, source=_source(sources or {}),
                                                                 full=_full(doc))


def json_text(doc: Mapping[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write(doc: Mapping[str, Any], catalog: Catalog, out: Path, sources: Mapping[str, str] | None = None,
          draw: Draw | None = None) -> dict[str, Path]:
    """The three files into `out` (created); returns file name -> path. Raises OSError."""
    out.mkdir(parents=True, exist_ok=True)
    # URL credentials and secret values never reach a report (ownership.redact), whichever field holds them
    texts = {name: redact.text(body) for name, body in
             (("report.md", markdown(doc)), ("report.html", html(doc, catalog, sources, draw)),
              ("report.json", json_text(doc)))}
    written = {}
    for name in FILES:
        path = out / name
        # write then rename: a half-written report.json would break next week's "what changed"; through a
        # mkstemp file, never a fixed name a planted symlink could stand at
        confine.write_atomic(path, texts[name].encode("utf-8"))
        written[name] = path
    return written
