"""Test isolation in the pre-commit style: no real $HOME, pinned git identity and dates, no GIT_* leaks."""
from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolate(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(tmp_path_factory.mktemp("home"), monkeypatch)


def isolate(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What every test gets (above); a module- or session-scoped fixture, which runs before it, calls this
    itself with a `pytest.MonkeyPatch.context()` of its own."""
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for key in list(os.environ):
        if key.startswith("GIT_") and key != "GIT_CONFIG_NOSYSTEM":
            monkeypatch.delenv(key)
    # CI runs this suite with CI=true: tests that care about CI detection set these themselves
    for key in ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "BUILD_NUMBER", "GITHUB_STEP_SUMMARY",
                "OWNERSHIP_SCIM_TOKEN", "OWNERSHIP_PAGERDUTY_TOKEN", "OWNERSHIP_SLACK_TOKEN"):
        monkeypatch.delenv(key, raising=False)


ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def positional_as_catalog(args: tuple[str, ...]) -> list[str]:
    """The catalog paths among `args` (the positional ones before the first option) as --catalog PATH."""
    out: list[str] = []
    for i, a in enumerate(args):
        if a.startswith("-"):
            return out + list(args[i:])
        out += ["--catalog", a]
    return out
