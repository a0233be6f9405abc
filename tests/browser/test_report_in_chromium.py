"""report.html in a real browser: headless Chromium renders it, takes a screenshot, shows the headline numbers,
and the page makes no network request (checked in Chromium's own net log, against a positive control)."""
from __future__ import annotations

import http.server
import json
import re
import shutil
import struct
import subprocess
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership.cli import cli
from tests.report.org import write_org

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (Debian package `chromium`; .ci/run installs it when it can)")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync",
         # tests never touch the network: Chromium's own background requests resolve nowhere, 127.0.0.1 stays
         "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
         "--disable-features=DnsOverHttps,OptimizationHints,MediaRouter,Translate")


def _chromium(tmp: Path, page: Path, *action: str) -> tuple[str, list[str]]:
    """Run Chromium on `page` with a fresh profile; (stdout, http(s) URLs the PAGE requested)."""
    netlog = tmp / f"netlog-{len(list(tmp.glob('netlog-*')))}.json"
    profile = tmp / f"profile-{netlog.stem}"
    assert CHROMIUM is not None
    try:
        done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", f"--log-net-log={netlog}",
                               *action, page.as_uri()], capture_output=True, text=True, timeout=120, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"chromium did not finish within 120 s on {page}")
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, _page_requests(netlog)


def _page_requests(netlog: Path) -> list[str]:
    """URLs of http(s) requests started on behalf of a file:// page. Chromium's own traffic (updates, time)
    has another network isolation key, so it does not count (and cannot leave the machine, see FLAGS)."""
    log = json.loads(netlog.read_text())
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        if event["type"] == start and str(params.get("url", "")).startswith(("http://", "https://")) \
                and "file://" in str(params.get("network_isolation_key", "")):
            urls.append(params["url"])
    return urls


class _Cards(HTMLParser):
    """The headline cards of the rendered DOM: id -> the big number shown."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: dict[str, str] = {}
        self._card: str | None = None
        self._number = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if (a.get("id") or "").startswith("headline-"):
            self._card = str(a["id"])[len("headline-"):]
        elif self._card and a.get("class") == "n":
            self._number = True

    def handle_data(self, data: str) -> None:
        if self._number and self._card:
            self.cards[self._card] = data.strip()
            self._number, self._card = False, None


@pytest.fixture
def report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict]:
    write_org(tmp_path / "org")
    monkeypatch.chdir(tmp_path / "org")
    result = CliRunner().invoke(cli, ["report", "--today", "2026-11-30"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "org" / "reports" / "2026-11-30"
    return folder / "report.html", json.loads((folder / "report.json").read_text())


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on 127.0.0.1 that records the paths asked for."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the http.server API)
            seen.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_the_net_log_check_sees_a_page_that_does_load_something(tmp_path: Path,
                                                                server: tuple[str, list[str]]) -> None:
    base, seen = server
    page = tmp_path / "control.html"
    page.write_text(f'<!DOCTYPE html><p>control</p><img src="{base}/pixel.png">')
    dom, requested = _chromium(tmp_path, page, "--dump-dom")
    assert "control" in dom
    assert seen == ["/pixel.png"]
    assert requested == [f"{base}/pixel.png"]


def test_report_html_renders_with_headline_numbers_and_no_network_request(
        tmp_path: Path, report: tuple[Path, dict]) -> None:
    html, doc = report
    dom, requested = _chromium(tmp_path, html, "--dump-dom")
    assert requested == []
    cards = _Cards()
    cards.feed(dom)
    h = doc["headline"]
    assert cards.cards["employed-owner"] == f"{h['employed_owner_pct']:g}%"
    assert cards.cards["orphaned"] == str(h["orphaned"])
    assert cards.cards["bus-factor"] == str(h["bus_factor_1"])
    assert cards.cards["leavers"] == str(h["leavers_owning"]) == "2"
    # the charts are inline SVG that the browser parsed into the DOM
    assert len(re.findall(r"<svg\b", dom)) == 3
    assert "Legacy stewards" in dom and "jamal.brooks@acme.test" in dom


def test_report_html_screenshot_is_a_png_of_the_window(tmp_path: Path, report: tuple[Path, dict]) -> None:
    html, _ = report
    shot = tmp_path / "report.png"
    _, requested = _chromium(tmp_path, html, f"--screenshot={shot}", "--window-size=1200,1800",
                             "--hide-scrollbars")
    assert requested == []
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert (width, height) == (1200, 1800)
    assert len(data) > 20_000  # a blank page compresses to a few kB; the report has text and charts
