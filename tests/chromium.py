"""Headless Chromium for the browser tests, driven by Playwright for Python.

Playwright runs Debian's `chromium` (`executable_path`), never a browser of its own: nothing here, in .ci/run or
in the docs runs `playwright install`. Without `chromium` (or without the `playwright` package) a browser test
skips and says why. Every page a test opens records what the browser did (requests, console and log messages,
uncaught exceptions, dialogs), so a test can check that nothing left the machine and nothing complained.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Page

# tests never touch the network: Chromium's own background look-ups resolve nowhere, 127.0.0.1 stays
FLAGS = ("--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-default-apps",
         "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
         "--disable-features=DnsOverHttps,OptimizationHints,MediaRouter,Translate")
MISSING = "chromium is not installed (apt-get install chromium); .ci/run installs it"


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class Recorded:
    """What the pages opened by one Chromium did, in order."""

    requests: list[str] = field(default_factory=list)  # URLs, every scheme (file:, data:, http:, ...)
    console: list[tuple[str, str]] = field(default_factory=list)  # (type, text): console API and the browser log
    exceptions: list[str] = field(default_factory=list)  # uncaught exceptions in a page
    dialogs: list[str] = field(default_factory=list)  # alert/confirm/prompt a page opened (each dismissed)


class Chromium:
    """One headless Chromium; `page()` opens a page in a fresh context that records into `self.recorded`."""

    def __init__(self, browser: Browser, timeout: float) -> None:
        self.browser, self.timeout, self.recorded = browser, timeout, Recorded()

    def page(self, **context: Any) -> Page:
        """A new page in its own browser context (`context`: Playwright's new_context options, e.g. viewport,
        is_mobile, device_scale_factor); `page.context.close()` closes both, or the browser's close does."""
        ctx = self.browser.new_context(**context)
        page = ctx.new_page()
        page.set_default_timeout(self.timeout * 1000)
        rec = self.recorded
        page.on("request", lambda r: rec.requests.append(r.url))
        page.on("console", lambda m: rec.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: rec.exceptions.append(str(e)))
        page.on("dialog", lambda d: self._dismiss(d))
        return page


    def _dismiss(self, dialog: Dialog) -> None:
        self.recorded.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


@contextmanager
def launched(timeout: float = 20.0) -> Iterator[Chromium]:
    """Debian's chromium under Playwright, closed on exit; skips (with the reason) when either is missing."""
    exe = chromium()
    if exe is None:
        pytest.skip(MISSING)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install -e '.[test]' installs it)")
    with tempfile.TemporaryDirectory(prefix="ownership-chromium-") as home, sync_playwright() as p:
        # a HOME of its own: a browser launched by a module fixture (before the per-test isolation) leaves no
        # crash-report or dconf folder in the real one, and parallel workers share nothing
        env: dict[str, str | float | bool] = {**os.environ, "HOME": home, "XDG_CONFIG_HOME": f"{home}/.config",
                                              "XDG_CACHE_HOME": f"{home}/.cache"}
        browser = p.chromium.launch(executable_path=exe, args=list(FLAGS), env=env, timeout=timeout * 1000)
        try:
            yield Chromium(browser, timeout)
        finally:
            browser.close()
