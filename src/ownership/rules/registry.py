"""The rule record and the decorator that declares one, with the options each rule takes (as yamllint's
CONF); `ownership.rules.check_options` validates the `rules:` section of ownership.yaml for every rule the same way. Rules are
listed explicitly in rules/__init__.py."""
from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from ownership.model import SEVERITIES, Location, Severity, Snapshot

if TYPE_CHECKING:
    from ownership.analysis.assessment import Assessment


class Hit(NamedTuple):
    """What a rule yields. The engine turns it into a Finding: it adds the slug and the final severity."""

    subject: str
    message: str
    location: Location | None = None
    evidence: Mapping[str, Any] = {}
    severity: Severity | None = None  # a rule may raise or lower its default (e.g. by tier); config wins


Check = Callable[[Snapshot], Iterable[Hit]]
# a rule that reads the snapshot's derived facts (owners, knowledge numbers, successors) from the one Assessment
# audit builds, instead of deriving them again; the snapshot is `facts.snapshot`
AssessedCheck = Callable[["Assessment"], Iterable[Hit]]


class Option(NamedTuple):
    """One option of a rule in `rules: {slug: {option: value}}`: a test of the value and what it must be."""

    accepts: Callable[[Any], bool]
    what: str  # "a whole number of days > 0"
    schema: Mapping[str, Any] = {}  # the same as a JSON Schema, for editors (`ownership schema config`)


def whole(least: int) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= least


def number(low: float, high: float) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and low <= v <= high


def flag(v: Any) -> bool:
    return isinstance(v, bool)


DAYS = Option(whole(1), "a whole number of days > 0", {"type": "integer", "minimum": 1})
SWITCH = Option(flag, "true or false", {"type": "boolean"})
SHARE = Option(number(0, 1), "a number from 0 to 1, e.g. 0.5", {"type": "number", "minimum": 0, "maximum": 1})
# the rules that judge idle maintainers (orphaned, owner-left), read by analysis.people.idle_maintainers
IDLE_OPTIONS: Mapping[str, Option] = {"idle_maintainers": SWITCH, "idle_days": DAYS}
# every rule takes these; its own options come on top
COMMON: Mapping[str, Option] = {"severity": Option(lambda v: v in SEVERITIES, f"one of {', '.join(SEVERITIES)}",
                                                  {"enum": list(SEVERITIES)}),
                                "enabled": SWITCH}


@dataclass(frozen=True)
class Rule:
    """One rule: a check of the catalog, the roster or the git history that yields findings under a stable slug.

    To add one, write a function that yields `Hit`s in the `rules/` module of its input (catalog, backstage,
    files, roster, repos, codeowners, activity, health, settings) and declare it with
    `@rule("slug", "warning", "activity", needs=("activity",), options={...})`; then add it to that module's
    `RULES` tuple (rules/__init__.py collects the tuples explicitly, in documentation order). Its docstring is
    its user documentation (docs/rules.md, `python -m ownership.docsgen`) and its SARIF description; its
    `options` are checked with every other rule's (`rules: {slug: {...}}` in ownership.yaml) and read with
    `snap.option(slug, key, default)`. A rule reads only the Snapshot: no files, no network. The slug, once
    released, is a contract (SARIF ruleId, JSON `rule`, ownership.yaml keys): never renamed.
    """

    slug: str
    severity: Severity
    group: str  # catalog | people | activity
    doc: str
    check: Check | None = None  # None: the finding comes from a loader (YAML, schema, names)
    needs: tuple[str, ...] = field(default=())  # "roster", "activity"
    options: Mapping[str, Option] = field(default_factory=dict)  # besides severity and enabled
    assessed: AssessedCheck | None = None  # instead of `check`: the rule reads an Assessment

    @property
    def runs(self) -> bool:
        """Whether the engine runs it (False: a loader emits its findings)."""
        return self.check is not None or self.assessed is not None

    @property
    def summary(self) -> str:
        first = self.doc.strip().split("\n\n", 1)[0]
        return " ".join(first.split()) if first else self.slug


def rule(slug: str, severity: Severity, group: str, needs: tuple[str, ...] = (),
         options: Mapping[str, Option] | None = None) -> Callable[[Check], Rule]:
    """Turn a check function into a Rule; its docstring is the rule's user documentation, `options` what it
    reads with `snap.option(slug, key, default)`."""

    def wrap(fn: Check) -> Rule:
        return Rule(slug, severity, group, inspect.cleandoc(fn.__doc__ or ""), fn, needs, dict(options or {}))

    return wrap


def assessed(slug: str, severity: Severity, group: str, needs: tuple[str, ...] = (),
             options: Mapping[str, Option] | None = None) -> Callable[[AssessedCheck], Rule]:
    """`rule` for a check that reads the derived facts of the snapshot (analysis/assessment.py)."""

    def wrap(fn: AssessedCheck) -> Rule:
        return Rule(slug, severity, group, inspect.cleandoc(fn.__doc__ or ""), None, needs, dict(options or {}),
                    assessed=fn)

    return wrap


def declared(slug: str, severity: Severity, group: str, doc: str) -> Rule:
    """A rule whose findings a loader emits (YAML syntax, schema checks)."""
    return Rule(slug, severity, group, inspect.cleandoc(doc))
