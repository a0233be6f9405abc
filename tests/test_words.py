"""Counts and their nouns agree (issue 17: "1 system depend on", "1 teams"): words.plural, and the messages
that use it."""
from __future__ import annotations

import ast
import re

import pytest

from ownership.analysis.impact import blast_radius, build_graph, escalate
from ownership.catalog.load import load_sources
from ownership.report.render import environment
from ownership.support.words import noun_for, plural
from tests.conftest import ROOT

CATALOG = b"""\
teams:
  - name: payments
systems:
  - name: db
    owner: payments
    tier: 2
  - name: api
    owner: payments
    tier: 1
    depends_on: [db]
"""


@pytest.mark.parametrize("count, noun, want", [
    (1, "team", "1 team"), (2, "team", "2 teams"), (0, "system", "0 systems"), (1, "person", "1 person"),
    (3, "person", "3 people"), (2, "repository", "2 repositories"), (2, "day", "2 days"),
    (2, "YAML file", "2 YAML files"), (2, "tier-1 system", "2 tier-1 systems"), (4, "info", "4 info"),
    (2, "match", "2 matches"),
])
def test_plural_writes_the_count_and_its_noun(count: int, noun: str, want: str) -> None:
    assert plural(count, noun) == want


def test_a_verb_agrees_with_its_count() -> None:
    assert (noun_for(1, "depends"), noun_for(2, "depends"), noun_for(0, "remains")) == ("depends", "depend",
                                                                                         "remain")


def test_one_dependent_system_depends_on_it_not_depend() -> None:
    catalog, _ = load_sources([("c.yaml", CATALOG)])
    assert blast_radius(catalog, build_graph(catalog), ["db"]).summary() == \
        "1 system depends on db: 1 tier-1, 0 customer-facing"


def test_the_audit_severity_reason_for_one_tier_1_dependent_is_grammatical() -> None:
    catalog, _ = load_sources([("c.yaml", CATALOG)])
    severity, evidence = escalate("warning", catalog, "db")
    assert severity == "error"
    assert evidence["severity_reason"] == "raised from warning: 1 tier-1 system depends on it"


def test_the_report_count_filter_is_plural() -> None:
    render = environment().from_string('{{ 1 | count("team") }}, {{ 3 | count("system") }}, '
                                       '{{ 1 | count("person") }}')
    assert render.render() == "1 team, 3 systems, 1 person"



def test_no_message_in_the_package_writes_a_plural_as_s_in_brackets() -> None:
    """Counted messages go through `plural` ("the catalog has 1 error", "2 errors"); only validate's output
    (its summary line "N error(s), N warning(s), N info", a documented contract) keeps its form, and
    "http(s)" is no plural."""
    src = ROOT / "src" / "ownership"
    found = sorted(f"{p.relative_to(src)}:{n.lineno}: {n.value.strip()}" for p in src.rglob("*.py") if p.name != "words.py"  # its docstring states the rule
                   for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
                   if isinstance(n, ast.Constant) and isinstance(n.value, str)
                   and set(re.findall(r"(\w+)\(s\)", n.value)) - {"http"})
    assert found and all(f.startswith("render/findings.py:") for f in found), found  # validate's output
