"""Opsgenie, recognised but not asked: a catalog may name an Opsgenie team (`oncall.opsgenie.team`, Backstage
`opsgenie.com/team`), which the page list shows with a note to page it in Opsgenie. Its targets are `team:NAME`.
Asking it (through Jira Service Management's API) is later work: `asks` then returns the teams, `lookup` the
answer, and nothing else changes.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any

from ownership.oncall.provider import OnCallAnswer, split


class Opsgenie:
    """Opsgenie as an on-call provider that asks nothing (ownership.oncall.provider.OnCallProvider)."""

    name = "opsgenie"
    title = "Opsgenie"

    def asks(self, targets: Collection[str]) -> tuple[str, ...]:
        return ()

    def notes(self, whose: str, targets: Collection[str]) -> list[str]:
        return [f"{whose} is on call through Opsgenie team '{team}' (not asked: page it in Opsgenie)"
                for kind, team in map(split, targets) if kind == "team"]

    def settings(self, value: Any, overrides: Mapping[str, Any]) -> None:
        return None

    def wait(self, settings: Any) -> float:
        return 0.0

    def lookup(self, targets: Collection[str], at: dt.datetime | None, until: dt.datetime | None,
               settings: Any, env: Mapping[str, str]) -> OnCallAnswer:
        return OnCallAnswer(self.name, self.title, error="ownership does not ask Opsgenie")

    def web(self, config_values: Mapping[str, Any]) -> str:
        return "https://app.opsgenie.com"

    def user_link(self, handle: str, web: str) -> str:
        return handle

    def target_link(self, target: str, web: str) -> tuple[str, str] | None:
        return None


PROVIDER = Opsgenie()
