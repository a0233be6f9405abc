"""The hand-written SVG charts and the week-to-week comparison, as pure functions."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ownership.report import charts
from ownership.report.diff import changes, identity

SVG = "{http://www.w3.org/2000/svg}"


def _points(days: list[tuple[str, float | None]]) -> list[dict]:
    return [{"date": d, "employed_owner_pct": p, "orphaned": 1, "problems": 3} for d, p in days]


def test_health_chart_draws_one_dot_per_report_and_a_line_through_them() -> None:
    svg = ET.fromstring(str(charts.health(_points([("2026-11-16", 90.0), ("2026-11-23", 95.0),
                                                   ("2026-11-30", 80.0)]))))
    dots = svg.findall(f"{SVG}circle")
    assert len(dots) == 3
    ys = [float(c.get("cy", "0")) for c in dots]
    assert ys[1] < ys[0] < ys[2]  # higher percentage is drawn higher up
    line = svg.find(f"{SVG}polyline")
    assert line is not None and len(line.get("points", "").split()) == 3
    assert "80% on 2026-11-30" in svg.get("aria-label", "")


def test_health_chart_spaces_points_by_date_so_a_missed_week_is_a_wider_gap() -> None:
    svg = ET.fromstring(str(charts.health(_points([("2026-11-02", 90.0), ("2026-11-09", 90.0),
                                                   ("2026-11-30", 90.0)]))))
    xs = [float(c.get("cx", "0")) for c in svg.findall(f"{SVG}circle")]
    assert xs[0] < xs[1] < xs[2]
    assert abs((xs[2] - xs[1]) - 3 * (xs[1] - xs[0])) < 0.5  # three weeks after, one week before


def test_health_chart_labels_its_axes_with_dates_and_percent() -> None:
    svg = ET.fromstring(str(charts.health(_points([("2026-11-16", 90.0), ("2026-11-23", 95.0),
                                                   ("2026-11-30", 80.0)]))))
    texts = [t.text or "" for t in svg.iter(f"{SVG}text")]
    assert "employed owner (%)" in texts and any(t.startswith("report date") for t in texts)
    assert "100%" in texts and "50%" in texts
    assert "Nov 30" in texts and "Nov 16, 2026" in texts  # the first label carries the year


def test_health_chart_date_labels_never_overlap_on_many_reports() -> None:
    days = [f"2026-{m:02d}-{d:02d}" for m in (9, 10, 11) for d in (1, 8, 15, 22)]
    svg = ET.fromstring(str(charts.health(_points([(d, 90.0) for d in days]))))
    label_x = sorted(float(t.get("x", "0")) for t in svg.iter(f"{SVG}text") if (t.text or "").endswith("orph."))
    assert len(label_x) >= 3 and all(b - a >= charts.LABEL_GAP for a, b in zip(label_x, label_x[1:]))
    assert label_x[-1] == max(float(c.get("cx", "0")) for c in svg.findall(f"{SVG}circle"))  # the latest


def test_health_chart_is_responsive_and_fits_a_phone() -> None:
    svg = ET.fromstring(str(charts.health(_points([("2026-11-23", 95.0), ("2026-11-30", 80.0)]))))
    assert svg.get("width") == "100%" and svg.get("height") is None
    assert svg.get("viewBox", "").startswith("0 0 ") and "max-width" in svg.get("style", "")


def test_health_chart_without_a_roster_says_why_it_is_empty() -> None:
    svg = str(charts.health(_points([("2026-11-30", None)])))
    assert "No roster given" in svg and "<circle" not in svg


def test_team_bars_are_proportional_and_escape_team_names() -> None:
    rows = [{"team": "a<b>", "findings": {"error": 2, "warning": 0, "info": 0}},
            {"team": "c", "findings": {"error": 1, "warning": 1, "info": 2}}]
    text = str(charts.team_findings(rows))
    root = ET.fromstring(text)  # well-formed: the name did not become markup
    assert "a&lt;b&gt;" in text
    widths = [float(r.get("width", "0")) for r in root.findall(f"{SVG}rect")]
    assert len(widths) == 4  # a: one error bar; c: error, warning and info segments
    assert abs(sum(widths[1:]) - 2 * widths[0]) < 0.3  # c has 4 findings, a has 2


def test_same_finding_next_week_with_other_numbers_is_not_new() -> None:
    a = {"rule": "dormant", "subject": "system:x", "message": "x: no human commit for 400 days"}
    b = {**a, "message": "x: no human commit for 407 days"}
    assert identity(a) == identity(b)
    got = changes({"findings": [b], "orphaned": [], "leavers": [], "headline": {"dormant": 1}},
                  {"date": "2026-11-23", "findings": [a], "orphaned": [], "leavers": [], "headline": {"dormant": 1}})
    assert got["new_findings"] == got["fixed_findings"] == []
    assert got["headline"] == {"dormant": 0}


def test_changes_lists_new_and_fixed_findings_and_new_leavers_only() -> None:
    old = {"date": "2026-11-23", "orphaned": [], "headline": {"orphaned": 0},
           "leavers": [{"person": "1", "label": "bob@acme.test"}],
           "findings": [{"rule": "no-oncall", "subject": "system:a", "message": "a has no on-call"}]}
    new = {"orphaned": [], "headline": {"orphaned": 2, "employed_owner_pct": None},
           "leavers": [{"person": "1", "label": "bob@acme.test"}, {"person": "2", "label": "amy@acme.test"}],
           "findings": [{"rule": "orphaned", "subject": "system:b", "message": "b has no owner", "severity": "error"}]}
    got = changes(new, old)
    assert got["since"] == "2026-11-23"
    assert [p["label"] for p in got["new_leavers"]] == ["amy@acme.test"]
    assert [f["rule"] for f in got["new_findings"]] == ["orphaned"]
    assert [f["rule"] for f in got["fixed_findings"]] == ["no-oncall"]
    assert got["headline"] == {"orphaned": 2}  # numbers missing on either side are not compared


def test_first_report_has_nothing_to_compare() -> None:
    got = changes({"findings": [{"rule": "x", "subject": "y", "message": "z"}]}, None)
    assert got["since"] is None and not any(v for k, v in got.items() if k != "since")


def test_dependency_picture_is_inline_svg_without_xml_prolog() -> None:
    from ownership.model import Catalog, System

    catalog = Catalog(systems={"db": System("db", "t", tier=1), "api": System("api", "t", depends_on=("db",))})
    svg = str(charts.dependencies(catalog, ["db"]))
    assert svg.startswith("<svg") and "<?xml" not in svg
    assert re.search(r">api<", svg) and str(charts.dependencies(catalog, [])) == ""


def test_a_manager_whose_end_date_passed_is_one_finding_not_both_new_and_fixed() -> None:
    """Issue 13, item 6: manager-left says "leaves on DATE" before the date and "left on DATE" after it; the
    report's "what changed" listed it as new and as fixed in the same week."""
    import datetime as dt

    from ownership.catalog.load import load_sources
    from ownership.model import Person, Roster, Snapshot
    from ownership.rules import engine

    catalog, loaded = load_sources([("catalog.yaml", "teams:\n  - name: billing\n    members: [hector@acme.test]\n"
                                                     "    manager: kate@acme.test\n")])
    people = (Person("kate", emails=("kate@acme.test",), end_date=dt.date(2026, 12, 31), team="Billing"),
              Person("hector", emails=("hector@acme.test",), team="Billing"))

    def week(day: dt.date) -> dict:
        snap = Snapshot(catalog=catalog, today=day, roster=Roster(people, as_of=day))
        found = [f.to_json() for f in engine.run(snap, ("people",), loaded) if f.rule == "manager-left"]
        return {"date": day.isoformat(), "findings": found, "orphaned": [], "leavers": [], "headline": {}}

    before, after = week(dt.date(2026, 12, 28)), week(dt.date(2027, 1, 4))
    assert [f["message"] for f in before["findings"]] == ["team billing: manager kate@acme.test leaves on 2026-12-31"]
    assert [f["message"] for f in after["findings"]] == ["team billing: manager kate@acme.test left on 2026-12-31"]
    got = changes(after, before)
    assert got["new_findings"] == got["fixed_findings"] == []


def test_a_different_person_in_the_same_role_is_a_new_finding() -> None:
    old = {"rule": "manager-left", "subject": "team:billing", "message": "team billing: manager kate left",
           "evidence": {"person_id": "kate", "role": "manager"}}
    new = {**old, "message": "team billing: manager ann left", "evidence": {"person_id": "ann", "role": "manager"}}
    got = changes({"findings": [new]}, {"date": "2026-11-23", "findings": [old]})
    assert [f["message"] for f in got["new_findings"]] == ["team billing: manager ann left"]
    assert [f["message"] for f in got["fixed_findings"]] == ["team billing: manager kate left"]
