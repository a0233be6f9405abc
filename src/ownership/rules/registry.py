"""The rule record and the decorator that declares one. Rules are listed explicitly in rules/__init__.py."""
from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ownership.model import Location, Severity, Snapshot


class Hit(NamedTuple):
    """What a rule yields. The engine turns it into a Finding: it adds the slug and the final severity."""

    subject: str
    message: str
    location: Location | None = None
    evidence: Mapping[str, Any] = {}
    severity: Severity | None = None  # a rule may raise or lower its default (e.g. by tier); config wins


Check = Callable[[Snapshot], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    slug: str
    severity: Severity
    group: str  # catalog | people | activity
    doc: str
    check: Check | None = None  # None: the finding comes from a loader (YAML, schema, names)
    needs: tuple[str, ...] = field(default=())  # "roster", "activity"

    @property
    def summary(self) -> str:
        first = self.doc.strip().split("\n\n", 1)[0]
        return " ".join(first.split()) if first else self.slug


def rule(slug: str, severity: Severity, group: str, needs: tuple[str, ...] = ()) -> Callable[[Check], Rule]:
    """Turn a check function into a Rule; its docstring is the rule's user documentation."""

    def wrap(fn: Check) -> Rule:
        return Rule(slug, severity, group, inspect.cleandoc(fn.__doc__ or ""), fn, needs)

    return wrap


def declared(slug: str, severity: Severity, group: str, doc: str) -> Rule:
    """A rule whose findings a loader emits (YAML syntax, schema checks)."""
    return Rule(slug, severity, group, inspect.cleandoc(doc))
