"""Backstage Users' contacts (UserProfile.reach) from annotations and `metadata.links`, bad values as warnings,
and a routing Contact carrying them with the roster's value winning per field."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner

from ownership.analysis.people import People
from ownership.catalog.load import load_paths
from ownership.cli import cli
from ownership.model import Catalog, Finding, Person, Reach, Roster

DAY = dt.date(2026, 6, 1)
USERS = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a}
spec: {type: team, children: [], members: [ann, bob, cy, dee]}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: ann
  annotations:
    slack.com/user_id: U024BE7LH
    ownership.dev/phone: "+1 555 0100"
    ownership.dev/pagerduty-user: PANN001
spec: {memberOf: [team-a], profile: {email: ann@example.com}}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: bob
  annotations:
    slack.com/bot-notify: C0CHANNEL1
  links:
    - {url: "https://github.com/bob", title: GitHub}
    - {url: "tel:+44 20 7946 0000", title: Phone}
    - {url: "https://acme.slack.com/team/W0BOB12345", title: Slack}
    - {url: "https://acme.eu.pagerduty.com/users/PBOB123", title: PagerDuty}
spec: {memberOf: [team-a], profile: {email: bob@example.com}}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: cy
  annotations:
    ownership.dev/slack: "@cy"
    slack.com/bot-notify: U0CYCY1234
  links:
    - {url: "javascript:alert(1)", title: Phone}
    - {url: "tel:call-me", title: Phone}
    - {url: "https://acme.slack.com/team/U0LINK9999"}
spec: {memberOf: [team-a], profile: {email: cy@example.com}}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: dee
  annotations:
    ownership.dev/slack: "dee\\u202e"
    ownership.dev/pagerduty-user: "https://evil.example/users/P1"
spec: {memberOf: [team-a], profile: {email: dee@example.com}}
"""


def _load(tmp_path: Path) -> tuple[Catalog, list[Finding]]:
    (tmp_path / "org.yaml").write_text(USERS)
    return load_paths([tmp_path / "org.yaml"])


def test_user_annotations_and_contact_links_give_each_profile_its_reach(tmp_path: Path) -> None:
    catalog, _ = _load(tmp_path)
    got = {ref: p.reach for ref, p in catalog.profiles.items()}
    assert got == {
        "ann@example.com": Reach("U024BE7LH", "+1 555 0100", {"pagerduty": "PANN001"}),
        # a channel in bot-notify is not the person; links of the three shapes are read, others ignored
        "bob@example.com": Reach("W0BOB12345", "+44 20 7946 0000", {"pagerduty": "https://acme.eu.pagerduty.com/users/PBOB123"}),
        "cy@example.com": Reach(slack="@cy"),  # ownership.dev/slack before bot-notify, annotations before links
        "dee@example.com": None,
    }


def test_bad_user_contacts_are_warnings_naming_the_line_and_are_left_out(tmp_path: Path) -> None:
    _, findings = _load(tmp_path)
    bad = sorted((f.subject, f.location.line if f.location else None, f.message) for f in findings
                 if f.evidence.get("field", "").startswith("reach."))
    assert all(f.severity == "warning" for f in findings if f.evidence.get("field", "").startswith("reach."))
    assert bad == [
        ("user:cy", 38, "link of user 'cy': 'tel:call-me' is not a phone number (+1 555 0100, tel:+15550100); "
                        "it is not used"),
        ("user:dee", 47, "annotation ownership.dev/slack of user 'dee': the value has the character U+202E "
                         "RIGHT-TO-LEFT OVERRIDE; it is not used"),
        ("user:dee", 48, "annotation ownership.dev/pagerduty-user of user 'dee': 'https://evil.example/users/P1' "
                         "is not a PagerDuty user id (PXPGF42) or user URL "
                         "(https://SUBDOMAIN.pagerduty.com/users/PXPGF42); it is not used"),
    ]


def test_a_routing_contact_carries_reach_with_the_roster_value_winning_per_field(tmp_path: Path) -> None:
    catalog, _ = _load(tmp_path)
    ann = Person("e1", emails=("ann@example.com",), reach=Reach(slack="@ann.hr"))
    people = People(catalog, Roster((ann,)), DAY)
    contact = people.contact("ann@example.com", people.resolve("ann@example.com"), "owner")
    assert contact.reach == Reach("@ann.hr", "+1 555 0100", {"pagerduty": "PANN001"})  # Slack from HR, the rest from Backstage
    assert contact.to_json()["slack"] == "@ann.hr" and contact.to_json()["pagerduty"] == "PANN001"
    unrostered = People(catalog, None, DAY).contact("bob@example.com", None, "member")
    assert unrostered.reach == catalog.profiles["bob@example.com"].reach


def test_roster_show_prints_the_merged_contacts(tmp_path: Path) -> None:
    (tmp_path / "org.yaml").write_text(USERS)
    (tmp_path / "hr.csv").write_text("email,slack\nann@example.com,@ann.hr\n")
    result = CliRunner().invoke(cli, ["roster", "show", "ann@example.com", "--roster", str(tmp_path / "hr.csv"),
                                      "--catalog", str(tmp_path / "org.yaml"), "--today", DAY.isoformat()],
                                env={"XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert result.exit_code == 0, result.output
    assert "Slack:          @ann.hr\n" in result.stdout and "Phone:          +1 555 0100\n" in result.stdout
    assert "PagerDuty:      PANN001\n" in result.stdout
