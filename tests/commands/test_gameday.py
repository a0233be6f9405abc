"""The game-day card of `drill --scenario` on the example org (catalog/ + examples/roster.csv at a fixed
moment): the people of routing's page and room, in routing's order, with the org fallback first when it
applies; hostile catalog and roster text stays inert; an unknown system cannot run."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership.analysis.impact import UnknownSystem
from ownership.cli import cli
from ownership.commands import gameday, incident
from ownership.config import Config
from ownership.errors import OwnershipError
from ownership.render import markdown as md
from ownership.routing import Room
from ownership.routing.gameday import gaps
from tests.conftest import ROOT
from tests.security.test_output_injection import HOSTILE, assert_inert_markdown

UTC = dt.timezone.utc
AT = dt.datetime(2026, 3, 4, 3, 0, tzinfo=UTC)  # a Wednesday 03:00: the 3 a.m. drill
CATALOG = [str(ROOT / "catalog")]
ROSTER = str(ROOT / "examples" / "roster.csv")


def _example(system: str) -> tuple[str, Room]:
    """The card, and the room `incident` builds from the same inputs."""
    text, _ = gameday.run(gameday.Request(CATALOG, Config(), system, AT, UTC, roster_source=ROSTER, allow_shrink=True))
    room, _ = incident.run(incident.Request(CATALOG, Config(), [system], AT, ROSTER, asked_at=True, allow_shrink=True))
    return text, room


def _section(text: str, title: str) -> str:
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else None]


def _in_order(section: str, labels: list[str]) -> list[int]:
    at = [section.index(md.text(label)) for label in labels]
    assert at == sorted(at), labels
    return at


def test_payments_api_card_pages_routings_levels_in_order_with_each_persons_contacts() -> None:
    text, room = _example("payments-api")
    page = room.pages[0]
    assert page.fallback is None and page.first is not None
    paging = _section(text, "Paging order")
    people = [c for lv in page.levels for c in lv.contacts]
    assert len(people) >= 3
    _in_order(paging, [c.label for c in people])
    first = page.first.contacts[0]
    line = next(x for x in paging.splitlines() if md.text(first.label) in x)
    assert first.reach is not None and first.reach.slack and md.text(first.reach.slack) in line
    head = paging.splitlines()[paging.splitlines().index(line) - 1]
    assert head.startswith("1. **on-call**") and head.endswith("**paged first**")
    for sk in page.skipped:  # who left or moved is named with why, never paged
        assert f"({md.text(sk.level)}): {md.text(sk.reason)}" in paging
    assert "org fallback" not in paging


def test_payments_api_card_shows_the_rooms_roles_severity_blast_radius_and_status_messages() -> None:
    text, room = _example("payments-api")
    roles = _section(text, "The room and roles")
    rows = [x for x in roles.splitlines() if x.startswith("| ") and not x.startswith("| role")]
    assert [x.split(" | ")[0].removeprefix("| ") for x in rows[:len(room.roles)]] == [r.title for r in room.roles]
    for row, role in zip(rows, room.roles):
        assert role.contact is not None and md.text(role.contact.label) in row and md.text(role.source) in row
    assert room.severity is not None
    assert f"**Severity:** {room.severity.label} — {md.text(room.severity.reason)}" in text
    radius = _section(text, "Blast radius")
    for hit in room.impact.hits:
        row = next(x for x in radius.splitlines() if x.startswith(f"| {hit.depth} | {md.text(hit.name)} |"))
        assert ("**tier 1**" in row) == (hit.tier == 1) and ("**customer-facing**" in row) == hit.customer_facing
    status = _section(text, "Status messages to send")
    assert room.status is not None and room.status.public is not None
    for message in (room.status.declared, room.status.update, room.status.resolved, room.status.public):
        for line in message.splitlines():
            assert md.text(line) in status
    assert status.index("1. Declared") < status.index("2. Update") < status.index("3. Resolved") \
        < status.index("4. Public status page")


def test_partner_ftp_sync_card_pages_the_org_fallback_first_and_names_the_gap() -> None:
    text, room = _example("partner-ftp-sync")
    page = room.pages[0]
    assert page.first is None and page.fallback is not None and page.fallback.contacts
    paging = _section(text, "Paging order")
    assert "**the org fallback is paged first**" in paging
    steps = [x for x in paging.splitlines() if re.match(r"\d+\. \*\*", x)]
    assert steps[0].startswith("1. **org fallback**") and steps[0].endswith("**paged first**")
    assert [x.split("**")[1] for x in steps[1:]] == [lv.name for lv in page.levels]
    at = _in_order(paging, [c.label for c in page.fallback.contacts])
    assert at[-1] < paging.index("2. **on-call**")
    found = _section(text, "What this drill found")
    assert page.gap is not None and f"**nobody-to-page**: {md.text(page.gap)}" in found
    assert "**no-runbook**" in found and "**no-status-channel**" in found
    left = [sk for sk in page.skipped if "left" in sk.reason]
    assert left and all(md.text(f"{sk.name} <{sk.ref}>") in found for sk in left)
    review = _section(text, "Checklist for the blameless review")
    assert all(f"| {md.text(g.message)} |  |  |" in review for g in gaps(room))


def test_the_card_has_every_section_in_order() -> None:
    text, _ = _example("payments-api")
    heads = [x for x in text.splitlines() if x.startswith("## ")]
    assert heads == ["## The scenario", "## Blast radius", "## Paging order", "## The room and roles",
                     "## Status messages to send", "## What this drill found",
                     "## Checklist for the blameless review"]
    assert text.startswith("# Game-day card: payments-api\n")
    assert "2026-03-04 03:00 UTC" in _section(text, "The scenario")


def test_the_time_zone_is_shown_in_every_time_and_named() -> None:
    from zoneinfo import ZoneInfo

    text, _ = gameday.run(gameday.Request(CATALOG, Config(), "payments-api", AT, ZoneInfo("Europe/Berlin"),
                                          roster_source=ROSTER, allow_shrink=True))
    assert "stops working at 2026-03-04 04:00 CET" in text and "are in Europe/Berlin" in text
    assert " UTC" not in text


def test_an_unknown_system_cannot_run_and_names_the_closest() -> None:
    with pytest.raises(UnknownSystem, match=r"no system 'payments-apy' in the catalog .*'payments-api'") as err:
        gameday.run(gameday.Request(CATALOG, Config(), "payments-apy", AT, UTC, roster_source=ROSTER,
                                    allow_shrink=True))
    assert isinstance(err.value, OwnershipError)  # cli turns it into one line and exit 2


def test_drill_scenario_on_the_command_line_when_the_drill_command_exists(tmp_path: Path) -> None:
    if "drill" not in cli.commands:  # type: ignore[attr-defined]
        pytest.skip("the drill command is not wired yet")
    runner = CliRunner()
    out = tmp_path / "card.md"
    args = ["drill", "--scenario", "partner-ftp-sync", "--at", "2026-03-04T03:00:00Z", "--catalog",
            str(ROOT / "catalog"), "--roster", ROSTER, "--allow-roster-shrink", "-o", str(out)]
    runner.invoke(cli, args)
    assert out.read_text(encoding="utf-8").startswith("# Game-day card: partner-ftp-sync\n")
    bad = runner.invoke(cli, ["drill", "--scenario", "nope", "--catalog", str(ROOT / "catalog")])
    assert bad.exit_code == 2 and "no system 'nope' in the catalog" in bad.output


# --------------------------------------------------------------------------- hostile text

ATTACKS = HOSTILE + " # heading"
NAME = "Mallory\n# pwned\n===\n- item\n1. one @here <script>alert(1)</script> [x](https://evil.test)"


def _hostile(tmp: Path) -> tuple[Path, Path]:
    import csv
    import json

    folder = tmp / "catalog"
    folder.mkdir()
    (folder / "org.yaml").write_text(f"""\
teams:
  - name: web
    members: [mallory@acme.test]
    channel: "@here"
stakeholders:
  - name: legal
    contacts: ["[x](https://evil.test/l)"]
    channel: {json.dumps("#1<img/src=x/onerror=alert(1)>")}
rotations:
  - name: incident-commander
    members: [mallory@acme.test]
    shift: 7d
    start: 2026-01-05
people:
  - {{person: mallory@acme.test, slack: {json.dumps(ATTACKS)}, phone: {json.dumps("<b>+1</b>")}}}
systems:
  - name: shop
    owner: web
    tier: 1
    customer_facing: true
    capability: {json.dumps(ATTACKS)}
    runbook: {json.dumps("https://evil.test/)[x](javascript:alert(1))")}
    links:
      - {{url: "https://evil.test/d", title: {json.dumps(ATTACKS)}, type: dashboard}}
    channels: {{incident: "@channel", status: {json.dumps("#2<details/open>")}}}
    stakeholders: [legal]
  - name: cart
    owner: web
    tier: 1
    customer_facing: true
    depends_on: [shop]
""", encoding="utf-8")
    roster = tmp / "roster.csv"
    with roster.open("w", encoding="utf-8", newline="") as out:  # a quoted CSV field keeps its line breaks
        csv.writer(out).writerows([["id", "email", "name", "active", "end_date", "team", "manager"],
                                   ["p-m", "mallory@acme.test", NAME, "true", "", "web", ""]])
    return folder, roster


def test_hostile_catalog_and_roster_text_makes_no_link_mention_html_or_heading(tmp_path: Path) -> None:
    folder, roster = _hostile(tmp_path)
    text, _ = gameday.run(gameday.Request([str(folder)], Config(), "shop", AT, UTC, roster_source=str(roster),
                                          allow_shrink=True))
    for shown in ("octocat", "pwned", "Mallory", "javascript:alert(1)"):
        assert shown in text  # the hostile values are there, as text
    assert "+1" not in text  # a phone that is not a phone number is dropped by the contact check (ownership/reach.py)
    assert_inert_markdown(text)
    assert "<script" not in text and "<b>" not in text and "<details" not in text
    ours = {"# Game-day card: shop", "## The scenario", "## Blast radius", "## Paging order",
            "## The room and roles", "## Status messages to send", "## What this drill found",
            "## Checklist for the blameless review"}
    for line in text.splitlines():
        # what a line's own content begins with, inside the card's quote and one list item
        body = re.sub(r"^(?:> )?(?: *(?:- |\d+\. ))?", "", line)
        if line.startswith("### "):
            assert re.fullmatch(r"### [123]\. (Declared|Update|Resolved) — .*|### 4\. Public status page \(draft\)",
                                line), line
        elif line.startswith("#"):
            assert line in ours, line
        else:
            assert re.match(r"(?:#|=|-|\+|\d+[.)])", body) is None, line  # no heading, underline or list
    quoted = [x for x in text.splitlines() if x.startswith("> ")]
    assert any("pwned" in x for x in quoted)  # the name's line breaks reach the status text: still inert
