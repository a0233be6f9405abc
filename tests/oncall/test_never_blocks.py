"""PagerDuty never blocks the answer: `page` and `incident` as real processes against a local PagerDuty that
hangs or answers late. Past `pagerduty.wait` (default 2 s) the answer comes from the catalog rotation, with a
note, and the process ends at once (its look-up thread is left behind inside requests: no hang, no traceback).
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership.catalog.load import load_paths
from ownership.cli import cli
from ownership.config import Config
from ownership.inputs import ask_oncall
from tests import terminal
from tests.conftest import ROOT
from tests.oncall.pdserver import TOKEN, State, oncall, serve

# team ledger: PagerDuty says Liam is on call, the catalog rotation says Rita, so the output shows which was used
CATALOG = """\
teams:
  - name: ledger
    members: [liam@acme.test, rita@acme.test]
    oncall: {pagerduty: {escalation_policy: PLEDGER}, rotation: ledger-primary}
rotations:
  - name: ledger-primary
    members: [rita@acme.test]
    shift: 7d
    start: 2026-01-05
systems:
  - name: ledger-api
    owner: ledger
    tier: 1
"""
ROWS = [oncall("PLEDGER", 1, "liam@acme.test", "Liam Park")]
ROTATION = "rita@acme.test — on call until"
FELL_BACK = "PagerDuty unavailable (PagerDuty did not answer within {} s); using the catalog rotation ledger-primary"
SLACK = 1.5  # seconds a run may take beyond the wait and beyond the same run against a PagerDuty that answers
# at once (which measures interpreter start, catalog and output on this machine, under its present load). A run
# held by its left-behind look-up would take the 5 s read timeout more.


@pytest.fixture()
def catalog(tmp_path: Path) -> Path:
    folder = tmp_path / "catalog"
    folder.mkdir()
    (folder / "ledger.yaml").write_text(CATALOG)
    return folder


def environ() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src"), "OWNERSHIP_PAGERDUTY_TOKEN": TOKEN}


def ownership(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """The real CLI as a subprocess, and how long it took."""
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "ownership", *args], capture_output=True, text=True,
                          env=environ(), stdin=subprocess.DEVNULL, timeout=30)
    return done, time.monotonic() - start


def prompt_run(*args: str) -> float:
    """How long the same run takes when PagerDuty answers at once: the run's own cost, measured now."""
    with serve(State(oncalls=ROWS)) as url:
        done, took = ownership(*args, "--pagerduty-url", url)
    assert done.returncode == 0 and "Liam Park" in done.stdout, done.stderr
    return took


def assert_clean(done: subprocess.CompletedProcess[str]) -> None:
    for stream in (done.stdout, done.stderr):
        assert TOKEN not in stream
        assert "Traceback" not in stream and "Fatal Python error" not in stream
    assert "asking PagerDuty" not in done.stderr and "\x1b[K" not in done.stderr  # not a terminal


def test_page_with_a_hanging_pagerduty_answers_from_the_rotation_within_the_default_wait(catalog: Path) -> None:
    state = State(oncalls=ROWS, hang=True)
    with serve(state) as url:
        done, took = ownership("page", "ledger-api", "--catalog", str(catalog), "--pagerduty-url", url)
    assert done.returncode == 0, done.stderr
    assert took < prompt_run("page", "ledger-api", "--catalog", str(catalog)) + 2 + SLACK
    assert state.requests, "PagerDuty was asked"
    assert "1. on-call — rotation ledger-primary\n   " + ROTATION in done.stdout
    assert FELL_BACK.format(2) in done.stdout
    assert "Liam Park" not in done.stdout
    assert_clean(done)


def test_incident_with_a_hanging_pagerduty_uses_the_rotation_within_the_flag_s_wait(catalog: Path) -> None:
    state = State(oncalls=ROWS, hang=True)
    with serve(state) as url:
        done, took = ownership("incident", "ledger-api", "--catalog", str(catalog), "--pagerduty-url", url,
                               "--pagerduty-wait", "0.5")
    assert done.returncode == 0, done.stderr
    assert took < prompt_run("incident", "ledger-api", "--catalog", str(catalog)) + 0.5 + SLACK
    assert "ledger-api (team ledger, on-call, rotation ledger-primary): rita@acme.test" in done.stdout
    assert "ledger-api: " + FELL_BACK.format(0.5) in done.stdout
    assert_clean(done)


def test_drill_with_a_hanging_pagerduty_ends_within_the_same_wait_as_page(catalog: Path) -> None:
    """drill asks PagerDuty over its window under the wait page uses (it used to wait out every retry)."""
    (catalog / "ownership.yaml").write_text("pagerduty: {wait: 0.5}\n")
    with serve(State(oncalls=ROWS, hang=True)) as url:
        done, took = ownership("drill", "--catalog", str(catalog), "--pagerduty-url", url, "--from", "2026-03-02",
                               "--weeks", "1", "--format", "json")
    assert done.returncode == 1, done.stderr  # the unknown on-call is a gap
    assert took < 0.5 + SLACK
    assert "PagerDuty unavailable (PagerDuty did not answer within 0.5 s): on-calls it would say are unknown" in \
        done.stdout
    assert "oncall-unknown" in done.stdout
    assert_clean(done)


def test_the_wait_set_in_ownership_yaml_is_used(catalog: Path) -> None:
    (catalog / "ownership.yaml").write_text("pagerduty: {wait: 0.7}\n")
    with serve(State(oncalls=ROWS, hang=True)) as url:
        done, took = ownership("page", "ledger-api", "--catalog", str(catalog), "--pagerduty-url", url)
    assert done.returncode == 0
    assert took < prompt_run("page", "ledger-api", "--catalog", str(catalog)) + 0.7 + SLACK
    assert FELL_BACK.format(0.7) in done.stdout
    assert_clean(done)


def test_an_answer_within_the_wait_gives_the_pagerduty_people(catalog: Path) -> None:
    state = State(oncalls=ROWS, delay=0.3)
    with serve(state) as url:
        done, _ = ownership("page", "ledger-api", "--catalog", str(catalog), "--pagerduty-url", url,
                            "--pagerduty-wait", "2")
    assert done.returncode == 0, done.stderr
    assert "1. on-call — PagerDuty escalation policy PLEDGER\n   Liam Park <liam@acme.test>" in done.stdout
    assert "PagerDuty unavailable" not in done.stdout and ROTATION not in done.stdout
    assert_clean(done)


# --------------------------------------------------------------------------- the budget is for the whole look-up


def ask(catalog: Path, url: str, wait: float, **settings: object) -> str | None:
    found, _ = load_paths([str(catalog)])
    config = Config(values={"pagerduty": {"backoff": 0, **settings}})
    answer = ask_oncall(found, [found.systems["ledger-api"]], None, config,
                        {"pagerduty": {"base_url": url, "wait": wait}}, env={"OWNERSHIP_PAGERDUTY_TOKEN": TOKEN})
    assert answer
    return answer["pagerduty"].error


def test_the_wait_covers_every_page_of_oncalls(catalog: Path) -> None:
    rows = [oncall("PLEDGER", 1, f"p{i}@acme.test", f"P {i}") for i in range(4)]
    # each page answers in 0.3 s, far within the 5 s timeout; four of them do not fit in 0.8 s
    with serve(State(oncalls=rows, max_limit=1, delay=0.3)) as url:
        start = time.monotonic()
        assert ask(catalog, url, 0.8) == "PagerDuty did not answer within 0.8 s"
        assert time.monotonic() - start < 0.8 + 0.5
        assert ask(catalog, url, 3) is None  # the same look-up with time for all four pages


def test_the_wait_covers_the_retries(catalog: Path) -> None:
    # two 503s, each retried after the backoff (0.4 s, then 0.8 s): the answer would come after 1.2 s
    with serve(State(oncalls=ROWS, faults=[503, 503])) as url:
        assert ask(catalog, url, 0.6, backoff=0.4, retries=2) == "PagerDuty did not answer within 0.6 s"
    with serve(State(oncalls=ROWS, faults=[503, 503])) as url:
        assert ask(catalog, url, 3, backoff=0.4, retries=2) is None


def test_a_pagerduty_error_within_the_wait_is_reported_as_before(catalog: Path) -> None:
    with serve(State(oncalls=ROWS, faults=[500])) as url:
        error = ask(catalog, url, 2, retries=0)
    assert error is not None and error.endswith("/oncalls: HTTP 500 (after 1 attempt)")


# --------------------------------------------------------------------------- settings and the flag


def test_the_wait_flag_must_be_more_than_0(catalog: Path) -> None:
    for command in ("page", "incident"):
        r = CliRunner().invoke(cli, [command, "ledger-api", "--catalog", str(catalog), "--pagerduty-wait", "0"])
        assert r.exit_code == 2 and "--pagerduty-wait" in r.stderr


def test_a_wait_of_0_in_ownership_yaml_is_named_with_its_line(catalog: Path) -> None:
    (catalog / "ownership.yaml").write_text("pagerduty:\n  wait: 0\n")
    r = CliRunner().invoke(cli, ["page", "ledger-api", "--catalog", str(catalog)])
    assert r.exit_code == 2 and "ownership.yaml:2:3: invalid-value: pagerduty.wait must be > 0" in r.stderr


# --------------------------------------------------------------------------- "asking PagerDuty…" on a terminal


def on_terminal(args: list[str], seconds: float = 20) -> tuple[bytes, int]:
    """Run the CLI with stdout and stderr on a pseudo-terminal; everything it wrote there, and its exit code."""
    return terminal.on_terminal(args, environ(), seconds)


def test_on_a_terminal_asking_pagerduty_shows_while_waiting_and_is_erased_before_the_answer(catalog: Path) -> None:
    with serve(State(oncalls=ROWS, hang=True)) as url:
        start = time.monotonic()
        out, code = on_terminal(["page", "ledger-api", "--catalog", str(catalog), "--pagerduty-url", url,
                                 "--pagerduty-wait", "0.5"])
        took = time.monotonic() - start
    with serve(State(oncalls=ROWS)) as url:  # the same run when PagerDuty answers at once
        start = time.monotonic()
        _, prompt_code = on_terminal(["page", "ledger-api", "--catalog", str(catalog), "--pagerduty-url", url])
        prompt = time.monotonic() - start
    assert code == 0 and prompt_code == 0 and took < prompt + 0.5 + SLACK
    text = out.decode()
    shown, erased = text.index("asking PagerDuty…"), text.index("\r\x1b[K")
    assert shown < erased < text.index("Page for ledger-api")
    assert text.count("asking PagerDuty…") == 1
    assert FELL_BACK.format(0.5) in text and TOKEN not in text and "Traceback" not in text


def test_on_a_terminal_a_prompt_answer_is_printed_on_a_clean_line(catalog: Path) -> None:
    with serve(State(oncalls=ROWS)) as url:
        out, code = on_terminal(["page", "ledger-api", "--catalog", str(catalog), "--pagerduty-url", url])
    text = out.decode()
    assert code == 0 and "\r\x1b[KPage for ledger-api" in text and "Liam Park <liam@acme.test>" in text


def test_without_pagerduty_nothing_is_asked_and_nothing_shown(catalog: Path) -> None:
    (catalog / "ledger.yaml").write_text(CATALOG.replace("pagerduty: {escalation_policy: PLEDGER}, ", ""))
    out, code = on_terminal(["page", "ledger-api", "--catalog", str(catalog), "--at", "2026-03-02T03:00:00Z"])
    text = out.decode()
    assert code == 0 and "rita@acme.test" in text and "asking PagerDuty" not in text


def test_the_default_wait_is_2_seconds() -> None:
    from ownership.oncall.pagerduty import PagerDutySettings

    assert PagerDutySettings().wait == 2.0
    assert PagerDutySettings.from_values({"wait": 1}).wait == 1
    assert PagerDutySettings.from_values({"wait": 1}, wait=0.25).wait == 0.25
