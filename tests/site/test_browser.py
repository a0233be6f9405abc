"""The site in a real browser (headless Chromium over the DevTools protocol): search, follow a result, see the
page list and the blast-radius picture; nothing executes from catalog text, nothing leaves the machine, no
console error."""
from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.site.cdp import Browser, chromium
from tests.site.conftest import Built

ALLOWED_SCHEMES = ("file:", "data:", "about:")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    exe = chromium()
    if exe is None:
        pytest.skip("chromium is not installed (apt-get install chromium); .ci/run installs it")
    with Browser(exe) as b:
        for domain in ("Page", "Runtime", "Log", "Network"):
            b.page(f"{domain}.enable")
        yield b


def _until(b: Browser, expression: str, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = b.evaluate(expression)
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def _events(b: Browser, *methods: str) -> list[dict[str, Any]]:
    return [e for e in b.events if e.get("method") in methods]


def test_search_then_follow_a_result_to_a_system_page(built: Built, browser: Browser) -> None:
    b = browser
    b.navigate((built.out / "index.html").as_uri())
    b.evaluate("document.getElementById('q').focus()")
    for ch in "payments api":  # typed one key at a time, as a person would
        b.page("Input.insertText", {"text": ch})
    found = _until(b, "Array.from(document.querySelectorAll('#results li a')).map(a => a.textContent)")
    assert found and found[0] == "payments-api"
    # catalog text in the results is text, not markup: no element came out of it
    assert b.evaluate("document.querySelectorAll('#results img, #results script').length") == 0
    assert "<script>window.__pwned=1</script>" in b.evaluate("document.getElementById('results').textContent")
    assert b.evaluate("document.getElementById('results-status').textContent").startswith("1 result")

    mark = len(b.events)
    b.click("#results a[href='systems/payments-api.html']")
    b.wait(lambda e: e.get("method") == "Page.loadEventFired", mark)
    assert b.evaluate("location.href").endswith("/systems/payments-api.html")
    levels = b.evaluate("Array.from(document.querySelectorAll('ol.levels > li')).map(li => li.textContent)")
    assert len(levels) == 4 and "Erin" in levels[0] and "Alice Nguyen" in levels[1]
    b.evaluate("document.querySelector('figure.blast img').scrollIntoView()")
    assert _until(b, "(() => { const i = document.querySelector('figure.blast img'); "
                     "return i.complete && i.naturalWidth > 0; })()")
    assert b.evaluate("document.querySelector('h1').textContent") == "payments-api"


def test_pages_with_hostile_text_run_nothing(built: Built, browser: Browser) -> None:
    b = browser
    for rel in ("systems/checkout.html", "systems/payments-api.html", "teams/payments.html",
                "people/onmouseover-alert-1--at-acme.test.html", "index.html"):
        b.navigate((built.out / rel).as_uri())
        assert b.evaluate("typeof window.__pwned") == "undefined", rel
        assert b.evaluate("document.querySelectorAll('main img:not(figure.blast img), "
                          "main script:not(#search-index):not(#search-code)').length") == 0, rel
        b.evaluate("document.querySelectorAll('[onmouseover]').forEach(e => e.dispatchEvent("
                   "new MouseEvent('mouseover')))")
    assert _events(b, "Page.javascriptDialogOpening") == []


def test_pages_fit_a_phone_screen(built: Built, browser: Browser) -> None:
    b = browser
    b.page("Emulation.setDeviceMetricsOverride", {"width": 375, "height": 812, "deviceScaleFactor": 2,
                                                  "mobile": True})
    try:
        for rel in ("index.html", "systems/payments-api.html", "teams/payments.html", "people/liam-at-acme.test.html"):
            b.navigate((built.out / rel).as_uri())
            b.evaluate("document.querySelectorAll('img').forEach(i => { i.loading = 'eager'; i.scrollIntoView(); })")
            assert _until(b, "Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"), rel
            # the blast-radius picture scrolls inside its own box; the page itself never scrolls sideways
            assert b.evaluate("document.documentElement.scrollWidth") <= 375, rel
            assert b.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 16, rel
    finally:
        b.page("Emulation.clearDeviceMetricsOverride")


def test_no_request_left_the_machine_and_no_console_error(built: Built, browser: Browser) -> None:
    # runs after the tests above in this module: it checks everything the browser did for them
    requests = [e["params"]["request"]["url"] for e in _events(browser, "Network.requestWillBeSent")]
    assert any(u.endswith("/assets/site.css") for u in requests) and any(u.endswith(".blast.svg") for u in requests)
    assert [u for u in requests if not u.startswith(ALLOWED_SCHEMES)] == []
    assert _events(browser, "Runtime.exceptionThrown") == []
    console = [e["params"] for e in _events(browser, "Runtime.consoleAPICalled")
               if e["params"].get("type") in ("error", "assert", "warning")]
    assert console == []
    logged = [e["params"]["entry"] for e in _events(browser, "Log.entryAdded")
              if e["params"]["entry"].get("level") in ("error", "warning")]
    assert logged == []
