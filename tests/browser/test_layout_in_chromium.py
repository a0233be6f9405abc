"""report.html and the site at a phone's width (390 px) and a laptop's (1280 px), in headless Chromium: a
full-page screenshot of each, and nothing wider than the window (the page never scrolls sideways; a wide
table or picture scrolls inside its own box).

The screenshots are written under the test's tmp_path; set OWNERSHIP_SCREENSHOTS=DIR to also copy them
there to look at (e.g. OWNERSHIP_SCREENSHOTS=/tmp/shots17).
"""
from __future__ import annotations

import json
import os
import shutil
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership.cli import cli
from tests.chromium import Chromium, launched
from tests.conftest import isolate
from tests.report.org import write_org
from tests.site import org as site_org
from tests.site.conftest import build_site

WIDTHS = (390, 1280)
TALLEST = 12_000  # px of a full-page screenshot; longer pages are cut there (the check covers all of it)
# Elements wider than the window, or reaching past its right edge, that no scrolling box of their own clips.
# `w` is the width asked for, not innerWidth: a mobile browser may widen its viewport to fit wide content.
OVERFLOW = """((w) => {
  const boxed = el => { for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
    if (getComputedStyle(a).overflowX !== 'visible') return true; } return false; };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.skip')) continue;  // the skip link waits off-screen on purpose
    const r = el.getBoundingClientRect();
    if (r.width && (r.width > w + 1 || r.right > w + 1) && !boxed(el))
      out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} ${Math.round(r.width)}px`);
  }
  return out.slice(0, 12);
})(%d)"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    with launched(timeout=30.0) as c:
        yield c


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """report.html with four weekly reports behind it (a missed week among them), and the site's pages."""
    root = tmp_path_factory.mktemp("layout")
    with pytest.MonkeyPatch.context() as mp:
        isolate(root / "home", mp)
        write_org(root / "report-org")
        mp.chdir(root / "report-org")
        for day in ("2026-11-02", "2026-11-09", "2026-11-23", "2026-11-30"):
            result = CliRunner().invoke(cli, ["report", "--today", day])
            assert result.exit_code == 0, result.output
        site_org.make(root / "site-org")
        code, output = build_site(root / "site-org", root / "site")
        assert code == 0, output
    return {"report": root / "report-org" / "reports" / "2026-11-30" / "report.html",
            "home": root / "site" / "index.html",
            "system": root / "site" / "systems" / "payments-api.html"}


def _shoot(b: Chromium, page: Path, width: int, out: Path) -> list[str]:
    """Load `page` `width` px wide, write a full-page PNG to `out`; returns what overflows."""
    tab = b.page(viewport={"width": width, "height": 900}, device_scale_factor=1, is_mobile=width < 600)
    try:
        tab.goto(page.as_uri())
        assert tab.evaluate("document.readyState") == "complete"
        height = min(int(tab.evaluate("document.documentElement.scrollHeight")), TALLEST)
        out.write_bytes(tab.screenshot(type="png", full_page=True,
                                       clip={"x": 0, "y": 0, "width": width, "height": height}))
        wide = tab.evaluate(OVERFLOW % width)
        scrolls = tab.evaluate("document.documentElement.scrollWidth")
        if scrolls > width or tab.evaluate("window.innerWidth") > width:
            wide.insert(0, f"the page scrolls sideways: {scrolls}px")
        return list(wide)
    finally:
        tab.context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ("report", "home", "system"))
def test_page_fits_the_window_without_sideways_scrolling(browser: Chromium, pages: dict[str, Path], name: str,
                                                        width: int, tmp_path: Path) -> None:
    shot = tmp_path / f"{name}-{width}.png"
    wide = _shoot(browser, pages[name], width, shot)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24])[0] == width  # the IHDR chunk: the window's width
    assert len(data) > 10_000  # text and pictures, not a blank page
    if os.environ.get("OWNERSHIP_SCREENSHOTS"):
        keep = Path(os.environ["OWNERSHIP_SCREENSHOTS"])
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, keep / shot.name)
    assert wide == [], f"{name} at {width}px: " + json.dumps(wide)


def test_overflow_check_sees_a_page_that_scrolls_sideways(browser: Chromium, tmp_path: Path) -> None:
    page = tmp_path / "wide.html"
    page.write_text('<!doctype html><meta name="viewport" content="width=device-width, initial-scale=1">'
                    '<div style="width:900px;height:20px;background:#c00" id="wide"></div>'
                    '<div style="overflow-x:auto"><div style="width:900px">boxed</div></div>')
    wide = _shoot(browser, page, 390, tmp_path / "wide.png")
    assert wide[0].startswith("the page scrolls sideways") and "div#wide 900px" in wide
    assert len(wide) == 2  # the boxed one scrolls inside its own box: not counted
