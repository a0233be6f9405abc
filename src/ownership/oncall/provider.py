"""The on-call provider seam: what a provider (PagerDuty today) must offer, and the provider-neutral answer
routing reads. A provider is one module of `ownership.oncall` with one object that satisfies `OnCallProvider`,
listed in `ownership.oncall.PROVIDERS` (pre-commit's `lang_base.Language` and `all_languages.languages`).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class OnCallEntry:
    """One person on call for one target at one escalation level, from `start` to `end` (ISO; None: open)."""

    person: str | None  # how the roster may know them: an email, else None
    name: str | None
    level: int
    handle: str | None = None  # the provider's own user id
    schedule: str | None = None
    start: str | None = None
    end: str | None = None
    provider: str = ""

    def covers(self, at: dt.datetime) -> bool:
        begins, ends = _when(self.start), _when(self.end)
        return (begins is None or begins <= at) and (ends is None or at < ends)


@dataclass(frozen=True, slots=True)
class TargetAnswer:
    """What the provider said about one target of the catalog ("service:PABC"): how a page list names it
    (`label`, "service PABC (escalation policy P1)"), who is on call, or why this target is unknown (`error`)."""

    label: str
    entries: tuple[OnCallEntry, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class OnCallAnswer:
    """One provider's answer: per asked target, or why the provider could not be asked at all (`error`).
    Over a window (`ownership drill`) the entries carry their start and end; `at` narrows to one moment."""

    provider: str
    title: str  # how people name the provider: "PagerDuty"
    targets: Mapping[str, TargetAnswer] = field(default_factory=dict)
    error: str | None = None

    def at(self, moment: dt.datetime) -> OnCallAnswer:
        """The answer for one moment of the window: only the entries on call then."""
        if self.error is not None:
            return self
        return OnCallAnswer(self.provider, self.title, {
            k: TargetAnswer(t.label, tuple(e for e in t.entries if e.covers(moment)), t.error)
            for k, t in self.targets.items()}, None)

    def changes(self, targets: Iterable[str]) -> set[dt.datetime]:
        """Every start and end of an entry of `targets`: the moments this answer can change."""
        return {t for k in targets if (a := self.targets.get(k)) for e in a.entries
                for t in (_when(e.start), _when(e.end)) if t is not None}

    def people(self, targets: Iterable[str]) -> list[str]:
        """Every reference of every entry of `targets` (their leaving days matter to a drill)."""
        return [ref for k in targets if (a := self.targets.get(k)) for e in a.entries
                for ref in (e.person, e.name, e.handle) if ref]


class OnCallProvider(Protocol):
    """An on-call provider: who it says is on call for the targets a catalog names.

    How to add one (Opsgenie, incident.io, Grafana OnCall):

    1. Write `ownership/oncall/<name>.py` with one object satisfying this Protocol (see `oncall/pagerduty.py`).
    2. Add one line to `ownership.oncall.PROVIDERS`: `"<name>": <name>.PROVIDER`.
    3. Have the catalog loaders (catalog/assemble.py `ONCALL_KEYS`, Backstage annotations) put its targets in
       `OnCall.providers["<name>"]`, strings of the form `kind:value` ("schedule:S1").

    Routing, `page`, `incident` and `drill` then ask it with every other provider under one deadline
    (`inputs.ask_oncall`): a provider that is slow or down gives an answer with `error`, and the page list
    falls back to the catalog rotation with a note. A provider never raises out of `lookup`.
    """

    name: str  # registry key, the ownership.yaml section of its settings, the OnCall.providers key
    title: str  # how people name it in notes: "PagerDuty"

    def asks(self, targets: Collection[str]) -> tuple[str, ...]:
        """The targets it can say who is on call for, in the order a page list tries them; others are only
        shown (`notes`)."""
        ...

    def notes(self, whose: str, targets: Collection[str]) -> list[str]:
        """One line each for what the set-up names that cannot be asked (a routing key: shown masked)."""
        ...

    def settings(self, value: Any, overrides: Mapping[str, Any]) -> Any:
        """Its settings from its checked ownership.yaml section; `overrides` (command-line flags) win."""
        ...

    def wait(self, settings: Any) -> float:
        """Seconds `page`, `incident` and `drill` wait for its answer before using the catalog rotation."""
        ...

    def lookup(self, targets: Collection[str], at: dt.datetime | None, until: dt.datetime | None,
               settings: Any, env: Mapping[str, str]) -> OnCallAnswer:
        """Who is on call for `targets` at `at` (None: now), or every on-call from `at` to `until`. Failure is
        `OnCallAnswer.error` (one line, never a secret); a target it does not know, `TargetAnswer.error`."""
        ...

    def web(self, config_values: Mapping[str, Any]) -> str:
        """Where its web links point, from ownership.yaml (a contract key; PagerDuty: `site.pagerduty_web`)."""
        ...

    def user_link(self, handle: str, web: str) -> str:
        """A user's web page, for renderers: `handle` is the provider's user id or already its URL."""
        ...

    def target_link(self, target: str, web: str) -> tuple[str, str] | None:
        """(what the target is, its web page): ("escalation policy", "https://…/escalation_policies/P1"), or
        None when it has no page of its own."""
        ...


def split(target: str) -> tuple[str, str]:
    """("service", "PABC") from "service:PABC"."""
    kind, _, value = target.partition(":")
    return kind, value


def _when(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo is not None else t.replace(tzinfo=dt.timezone.utc)
