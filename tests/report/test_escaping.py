"""Catalog text never becomes markup: report.html escapes it (autoescape), report.md neutralises it."""
from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership.audit import audit
from ownership.cli import cli
from ownership.model import Catalog, Finding, Location, Snapshot, System, Team
from ownership.report import document, render
from ownership.routing.drill import drill
from tests.report.org import write_org

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'


class _Tags(HTMLParser):
    """Every element and attribute a browser would build from the page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs.update(name for name, _ in attrs)


def _assert_inert_html(html: str) -> None:
    parsed = _Tags()
    parsed.feed(html)
    assert not parsed.tags & {"script", "img", "iframe", "link", "object"}, parsed.tags
    assert not [a for a in parsed.attrs if a.startswith("on") or a == "src"], parsed.attrs
    assert "<script" not in html.lower() and "<img" not in html.lower()


def test_html_escapes_script_and_attribute_breakouts_in_catalog_descriptions(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_org(tmp_path, description=json.dumps(SCRIPT + IMG), payments_description=json.dumps(IMG))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["report", "--today", "2026-11-30"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "reports" / "2026-11-30"
    html = (folder / "report.html").read_text()
    _assert_inert_html(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in html
    # the JSON keeps the text as it is: it is data, and json.dumps keeps it a string
    risks = json.loads((folder / "report.json").read_text())["risks"]
    assert next(r for r in risks if r["system"] == "payments-api")["description"] == SCRIPT + IMG


def test_html_and_markdown_escape_team_and_system_names_and_finding_messages() -> None:
    team = f"pay{SCRIPT}"
    system = System(name=f"api{IMG}", owner=team, tier=1, description=SCRIPT,
                    depends_on=(), location=Location("cat.yaml", 3))
    dependent = System(name="web", owner=team, tier=1, depends_on=(system.name,))
    catalog = Catalog(teams={team: Team(name=team, members=())}, systems={system.name: system, "web": dependent})
    loaded = [Finding("invalid-value", "error", f"team:{team}", f"bad team name '{team}' {IMG}",
                      Location("cat.yaml", 2, 9))]
    result = audit(Snapshot(catalog=catalog, today=dt.date(2026, 11, 30)), loaded)
    doc = document.build(result, drill(catalog, None, *document.coverage_window(result.snapshot.today)))
    assert doc["risks"] and doc["hygiene"]  # the names reach the risk table, the charts and catalog hygiene
    html = render.html(doc, catalog)
    _assert_inert_html(html)
    assert "pay&lt;script&gt;alert(1)&lt;/script&gt;" in html
    md = render.markdown(doc)
    # GitHub shows a code span's content as text; anywhere else, < is written as &lt;
    outside_code = re.sub(r"`[^`\n]*`", "", md)
    assert "<script" not in outside_code and "<img" not in outside_code
    assert "`api\"><img src=x onerror=alert(2)>`" in md
    assert "pay&lt;script&gt;alert(1)&lt;/script&gt;" in md  # a table cell: shown as text on GitHub


def test_markdown_cells_cannot_break_the_table() -> None:
    from ownership.render.markdown import code as _code, text as _md

    assert _md("a|b\nc") == "a\\|b c"
    assert "|" not in _code("x|y").replace("\\|", "")
