"""report.md, report.html and report.json from the one report document (document.py). Formatting only.

HTML is rendered with autoescape on: catalog text (descriptions, team and system names, messages) is always
escaped; the only Markup inserted is the SVG of charts.py, which escapes every text it draws.
"""
from __future__ import annotations

import functools
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ownership.support import confine, redact
from ownership.catalog import typed
from ownership.history.weblinks import line_url
from ownership.analysis.impact import Impact
from ownership.model import Catalog
from ownership.render.evidence import sentences
from ownership.render import markdown as md
from ownership.report import charts
from ownership.support.words import plural

TOP_RISKS = 15
PICTURED_RISKS = 3
Draw = Callable[[Impact], str]  # a blast-radius picture as SVG (ownership/render/pictures.py Drawer)


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
          draw: Draw | None = None, extra: Mapping[str, bytes] | None = None) -> dict[str, Path]:
    """The three files, and `extra` (name -> bytes, e.g. the roster snapshot), into `out` as one set; returns
    file name -> path. Raises OSError.

    The set is written into a fresh folder beside `out` and put in its place in one step
    (confine.replace_folder): a same-day rerun killed at any moment leaves the old set or the new one, never
    a new report.md beside an old report.json (next week's "what changed" reads the json). Other files in
    an existing `out` are carried over. Temporaries a killed run left are swept first."""
    out.parent.mkdir(parents=True, exist_ok=True)
    # URL credentials and secret values never reach a report (ownership.support.redact), whichever field holds them
    texts = {name: redact.text(body).encode("utf-8") for name, body in
             (("report.md", markdown(doc)), ("report.html", html(doc, catalog, sources, draw)),
              ("report.json", json_text(doc)))}
    texts.update(extra or {})
    confine.sweep(out.parent, f".{out.name}.")
    # a fresh folder of our own (mkdtemp), never a fixed name a planted symlink could stand at
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        if out.is_dir():
            for name in texts:  # per-file temporaries of the writer before this one (write_atomic's names)
                confine.sweep(out, f".{name}.")
            for entry in os.scandir(out):
                if entry.name not in texts:
                    _carry(Path(entry.path), staging / entry.name)
        for name, body in texts.items():
            (staging / name).write_bytes(body)
        os.chmod(staging, 0o777 & ~_umask())
        confine.replace_folder(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone after the swap; cleaned up after a failure
    return {name: out / name for name in texts}


def _carry(src: Path, dest: Path) -> None:
    """Copy a file or folder the report does not write into the new set (links copied as links)."""
    if src.is_dir() and not src.is_symlink():
        shutil.copytree(src, dest, symlinks=True)
    else:
        shutil.copy2(src, dest, follow_symlinks=False)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
