"""Renderers: page/blast-radius/incident formats, the built-in SVG (valid XML with labels) and dot text."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from ownership.analysis.impact import blast_radius, build_graph
from ownership.render.pictures import drawn_svg as to_svg
from ownership.render import routing as render
from ownership.analysis.people import People
from ownership.routing import Context, page, room
from tests.routing import orgs

SVG = "{http://www.w3.org/2000/svg}"


def impact(root: str = "db", edges: bool = True):  # type: ignore[no-untyped-def]
    cat = orgs.catalog()
    return blast_radius(cat, build_graph(cat), [root], with_edges=edges)


def test_builtin_svg_is_valid_xml_with_every_system_labelled() -> None:
    doc = ET.fromstring(to_svg(impact(), use_graphviz=False).encode("utf-8"))
    assert doc.tag == f"{SVG}svg"
    texts = {t.text for t in doc.iter(f"{SVG}text")}
    assert {"db", "ledger-api", "payments-api", "checkout", "reports", "storefront"} <= texts
    assert {"affected", "depth 1", "depth 4"} <= texts
    titles = [t.text or "" for t in doc.iter(f"{SVG}title")]
    assert titles[0] == "5 systems depend on db: 3 tier-1, 3 customer-facing"
    assert "checkout: tier 1 · web · customer-facing" in titles
    assert len(list(doc.iter(f"{SVG}line"))) == len(impact().edges) == 5


def test_svg_of_an_empty_radius_is_still_a_picture() -> None:
    doc = ET.fromstring(render.svg(impact("storefront")).encode("utf-8"))
    assert "storefront" in {t.text for t in doc.iter(f"{SVG}text")}
    assert float(doc.get("width", "0")) > 0 and float(doc.get("height", "0")) > 0


def test_dot_text_has_nodes_and_arrows_from_cause_to_effect() -> None:
    text = render.dot(impact())
    assert text.startswith("digraph blast_radius {") and text.rstrip().endswith("}")
    assert '"db" -> "ledger-api";' in text
    assert '"checkout" -> "storefront";' in text
    assert 'label="checkout\\ntier 1 · web\\ncustomer-facing"' in text


def test_blast_radius_text_and_json() -> None:
    text = render.impact_text(impact("payments-api"))
    assert "3 systems depend on payments-api: 1 tier-1, 2 customer-facing" in text
    assert "depth 2" in text and "storefront" in text
    data = json.loads(render.impact_json(impact("payments-api")))
    assert data["version"] == 1 and data["counts"] == {"dependents": 3, "tier1": 1, "customer_facing": 2}
    assert data["dependents"][0] == {"name": "checkout", "depth": 1, "tier": 1, "customer_facing": True,
                                     "owner": "web", "lifecycle": "production",
                                     "owner_person": None, "kind": "system"}


def test_page_json_has_levels_skipped_and_gap() -> None:
    cat = orgs.catalog()
    ctx = Context(cat, orgs.AT, People(cat, orgs.roster(), orgs.DAY))
    data = json.loads(render.page_json(page(ctx, cat.systems["payments-api"])))
    assert [lv["name"] for lv in data["levels"]] == ["on-call", "maintainers", "team", "management"]
    assert data["levels"][0]["people"][0]["email"] == "erin@acme.test"
    assert {"ref": "bob@acme.test", "name": "Bob Martin", "level": "maintainers",
            "reason": "left on 2026-03-01"} in data["skipped"]
    assert data["gap"] is None and data["roster_checked"] is True
    gap = json.loads(render.page_json(page(ctx, cat.systems["haunted"])))
    assert gap["gap"].startswith("nobody to page for haunted")
    assert "NOBODY TO PAGE: nobody to page for haunted" in render.page_text(page(ctx, cat.systems["haunted"]))


def test_incident_markdown_has_every_section_for_pasting() -> None:
    cat = orgs.catalog()
    ctx = Context(cat, orgs.AT, People(cat, orgs.roster(), orgs.DAY))
    md = render.room_markdown(room(ctx, build_graph(cat), [cat.systems["payments-api"]]))
    for heading in ("*Incident: payments-api*", "*Incident commander:*", "*Where to talk:*", "*Responders:*",
                    "*Suspects (upstream, direct first):*", "*Stakeholders:*", "*Impact:*",
                    "*Skipped (cannot be paged):*"):
        assert heading in md
    assert "- payments-api: incident #inc-payments · status #status-payments (read-only)" in md
    assert "- ledger-api (depth 1, tier 1, team ledger): Liam Park &lt;liam@acme.test&gt;" in md
    data = json.loads(render.room_json(room(ctx, build_graph(cat), [cat.systems["payments-api"]])))
    assert data["responders"][0]["people"][0]["ref"] == "erin@acme.test"
    assert data["impact"]["counts"]["tier1"] == 1
