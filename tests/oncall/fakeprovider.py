"""A fake on-call provider, registered by the tests only (`PROVIDERS["fake"] = PROVIDER`): it proves that
routing, `incident` and `drill` work with any provider behind ownership.oncall.provider.OnCallProvider.

Its targets are `schedule:NAME`; its settings (the `fake:` value of a test's Config) say who is on call:
`on_call: {"schedule:S1": [[email, start, end], ...]}` (ISO times, None: open), and optionally `delay` (seconds
before it answers), `wait` (seconds ownership waits for it) and `error` (it is down)."""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Collection, Mapping
from typing import Any

from ownership.oncall.provider import OnCallAnswer, OnCallEntry, TargetAnswer, split


class Fake:
    name = "fake"
    title = "Fake"

    def asks(self, targets: Collection[str]) -> tuple[str, ...]:
        return tuple(t for t in targets if split(t)[0] == "schedule")

    def notes(self, whose: str, targets: Collection[str]) -> list[str]:
        return [f"{whose} also has Fake note {v}" for k, v in map(split, targets) if k == "note"]

    def settings(self, value: Any, overrides: Mapping[str, Any]) -> dict[str, Any]:
        return {**(value or {}), **overrides}

    def wait(self, settings: Any) -> float:
        return float(settings.get("wait", 2.0))

    def lookup(self, targets: Collection[str], at: dt.datetime | None, until: dt.datetime | None,
               settings: Any, env: Mapping[str, str]) -> OnCallAnswer:
        time.sleep(settings.get("delay", 0))
        if settings.get("error"):
            return OnCallAnswer(self.name, self.title, error=settings["error"])
        shifts = settings.get("on_call", {})
        out: dict[str, TargetAnswer] = {}
        for target in targets:
            value = split(target)[1]
            if target not in shifts:
                out[target] = TargetAnswer(f"schedule {value}", error=f"Fake has no schedule {value}")
                continue
            entries = [OnCallEntry(email, email.split("@")[0].title(), 1, f"F-{email}", value, start, end, self.name)
                       for email, start, end in shifts[target]]
            if until is None and at is not None:
                entries = [e for e in entries if e.covers(at)]
            out[target] = TargetAnswer(f"schedule {value}", tuple(entries))
        return OnCallAnswer(self.name, self.title, out)

    def web(self, config_values: Mapping[str, Any]) -> str:
        return str((config_values.get("fake") or {}).get("web") or "https://fake.example")

    def user_link(self, handle: str, web: str) -> str:
        return f"{web.rstrip('/')}/people/{handle}"

    def target_link(self, target: str, web: str) -> tuple[str, str] | None:
        kind, value = split(target)
        return ("schedule", f"{web.rstrip('/')}/schedules/{value}") if kind == "schedule" else None


PROVIDER = Fake()
