"""The site in a real browser (headless Chromium under Playwright): search, follow a result, see the page list
and the blast-radius picture; nothing executes from catalog text, nothing leaves the machine, no console error."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.chromium import Chromium, launched
from tests.site.conftest import Built

ALLOWED_SCHEMES = ("file:", "data:", "about:")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Chromium]:
    with launched() as c:
        yield c


@pytest.fixture(scope="module")
def browser(chromium: Chromium) -> Page:
    """One page shared by the tests of this module, in order (the last one checks what all of them did)."""
    return chromium.page()


def _until(b: Page, expression: str, timeout: float = 10.0) -> Any:
    """The value of `expression` once it is truthy (fails the test after `timeout` seconds)."""
    return b.wait_for_function(expression, timeout=timeout * 1000).json_value()


def test_search_then_follow_a_result_to_a_system_page(built: Built, browser: Page) -> None:
    b = browser
    b.goto((built.out / "index.html").as_uri())
    b.focus("#q")
    b.keyboard.type("payments api")  # one key at a time, as a person would
    found = _until(b, "(() => { const a = Array.from(document.querySelectorAll('#results li a')); "
                      "return a.length && a.map(a => a.textContent); })()")
    assert found and found[0] == "payments-api"
    # catalog text in the results is text, not markup: no element came out of it
    assert b.evaluate("document.querySelectorAll('#results img, #results script').length") == 0
    assert "<script>window.__pwned=1</script>" in b.evaluate("document.getElementById('results').textContent")
    assert b.evaluate("document.getElementById('results-status').textContent").startswith("1 result")

    with b.expect_navigation():  # waits for the new page's load event
        b.click("#results a[href='systems/payments-api.html']")  # a real mouse click, scrolled into view first
    assert b.evaluate("location.href").endswith("/systems/payments-api.html")
    levels = b.evaluate("Array.from(document.querySelectorAll('ol.levels > li')).map(li => li.textContent)")
    assert len(levels) == 4 and "Erin" in levels[0] and "Alice Nguyen" in levels[1]
    b.evaluate("document.querySelector('figure.blast img').scrollIntoView()")
    assert _until(b, "(() => { const i = document.querySelector('figure.blast img'); "
                     "return i.complete && i.naturalWidth > 0; })()")
    assert b.evaluate("document.querySelector('h1').textContent") == "payments-api"


def test_pages_with_hostile_text_run_nothing(built: Built, chromium: Chromium, browser: Page) -> None:
    b = browser
    for rel in ("systems/checkout.html", "systems/payments-api.html", "teams/payments.html",
                "people/onmouseover-alert-1--at-acme.test.html", "index.html"):
        b.goto((built.out / rel).as_uri())
        assert b.evaluate("typeof window.__pwned") == "undefined", rel
        assert b.evaluate("document.querySelectorAll('main img:not(figure.blast img), "
                          "main script:not(#search-index):not(#search-code)').length") == 0, rel
        b.evaluate("document.querySelectorAll('[onmouseover]').forEach(e => e.dispatchEvent("
                   "new MouseEvent('mouseover')))")
    assert chromium.recorded.dialogs == []


def test_pages_fit_a_phone_screen(built: Built, chromium: Chromium) -> None:
    b = chromium.page(viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True)
    try:
        for rel in ("index.html", "systems/payments-api.html", "teams/payments.html", "people/liam-at-acme.test.html"):
            b.goto((built.out / rel).as_uri())
            b.evaluate("document.querySelectorAll('img').forEach(i => { i.loading = 'eager'; i.scrollIntoView(); })")
            assert _until(b, "Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"), rel
            # the blast-radius picture scrolls inside its own box; the page itself never scrolls sideways
            assert b.evaluate("document.documentElement.scrollWidth") <= 375, rel
            assert b.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 16, rel
    finally:
        b.context.close()


def test_no_request_left_the_machine_and_no_console_error(built: Built, chromium: Chromium) -> None:
    # runs after the tests above in this module: it checks everything the browser did for them
    seen = chromium.recorded
    assert any(u.endswith("/assets/site.css") for u in seen.requests)
    assert any(u.endswith(".blast.svg") for u in seen.requests)
    assert [u for u in seen.requests if not u.startswith(ALLOWED_SCHEMES)] == []
    assert seen.exceptions == []
    # console API calls and the browser's own log (a failed load, a CSP violation) both arrive here
    assert [m for m in seen.console if m[0] in ("error", "assert", "warning")] == []
