"""One problem record shape (issue 26): findings, drill gaps and game-day gaps read alike, and one table says
which kinds of the three vocabularies describe the same fact."""
from __future__ import annotations

import datetime as dt

from ownership.analysis.problems import SAME_FACT, Problem
from ownership.model import Finding
from ownership.routing import drill, gameday
from ownership.rules import RULES
from tests.conftest import ROOT

START = dt.datetime(2026, 12, 7, tzinfo=dt.timezone.utc)
END = START + dt.timedelta(hours=8)


def _kinds(column: str) -> list[str]:
    return [k for f in SAME_FACT for k in getattr(f, column)]


def test_every_drill_and_gameday_kind_is_in_exactly_one_row_and_every_rule_named_exists() -> None:
    assert sorted(_kinds("drill")) == sorted(drill.KINDS)
    assert sorted(_kinds("gameday")) == sorted(gameday.KINDS)
    rules = _kinds("rules")
    assert len(rules) == len(set(rules)) and set(rules) <= set(RULES)
    # the facts the architecture review found named three times are one row each
    rows = {f.fact: (f.rules, f.drill, f.gameday) for f in SAME_FACT}
    assert (("unreachable-stakeholder",), ("stakeholder-no-contact",), ("stakeholder-without-contacts",)) in \
        rows.values()
    assert (("owner-left", "manager-left"), ("rotation-leaver", "level-all-left"), ("cannot-be-paged",)) in \
        rows.values()


def test_docs_problems_md_lists_every_kind_of_the_table() -> None:
    text = (ROOT / "docs" / "problems.md").read_text(encoding="utf-8")
    for kind in (*_kinds("rules"), *drill.KINDS, *gameday.KINDS):
        assert f"`{kind}`" in text, kind


def _shape(p: Problem) -> tuple[str, str, str, object, dict[str, object]]:
    return p.kind, p.subject, p.message, p.when, dict(p.evidence)


def test_a_finding_a_drill_gap_and_a_gameday_gap_have_one_shape() -> None:
    finding = Finding("unreachable-stakeholder", "warning", "stakeholder:legal", "legal has no contact",
                      evidence={"stakeholder": "legal"})
    gap = drill.Gap("stakeholder-no-contact", START, END, "legal has no contact who can be paged",
                    systems=("payments-api",), stakeholder="legal")
    room = gameday.RoomGap("stakeholder-without-contacts", "legal", "stakeholder group legal is pulled in but "
                           "has no contact who can be reached")
    assert _shape(finding) == ("unreachable-stakeholder", "stakeholder:legal", "legal has no contact", None,
                               {"stakeholder": "legal"})
    assert _shape(gap) == ("stakeholder-no-contact", "legal", "legal has no contact who can be paged",
                           (START, END), {"systems": ["payments-api"], "people": [], "stakeholder": "legal"})
    assert _shape(room)[:2] == ("stakeholder-without-contacts", "legal") and room.when is None


def test_a_drill_gap_json_is_unchanged_by_the_shape() -> None:
    """The JSON contract of docs/drill.md: same keys, same order, the optional keys only when set."""
    gap = drill.Gap("nobody-reachable", START, END, "nobody", systems=("a", "b"), people=("x",), fallback=True)
    assert list(gap.to_json().items()) == [
        ("kind", "nobody-reachable"), ("start", "2026-12-07T00:00:00Z"), ("end", "2026-12-07T08:00:00Z"),
        ("systems", ["a", "b"]), ("people", ["x"]), ("message", "nobody"), ("fallback", True)]
    assert gap.subject == "a"
    rotation = drill.Gap("rotation-leaver", START, END, "r lists x", people=("x",), rotation="r")
    assert rotation.subject == "r" and list(rotation.to_json())[-1] == "rotation"
