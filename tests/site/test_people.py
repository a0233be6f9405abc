"""The site's people directory: the same facts as `ownership roster show`, and the slug rule."""
from __future__ import annotations

import datetime as dt

import pytest

from ownership.catalog.load import load_paths
from ownership.commands.roster import describe
from ownership.roster.settings import RosterSettings
from ownership.model import Catalog, Person, Roster, System, Team
from ownership.roster import load
from ownership.analysis.people import People
from ownership.site.directory import Directory, file_name, slug
from tests.conftest import ROOT

DAY = dt.date(2026, 11, 30)


def test_every_person_owns_what_roster_show_says_on_the_example_org() -> None:
    catalog, _ = load_paths([ROOT / "catalog"])
    roster = load(str(ROOT / "examples" / "roster.csv"), RosterSettings(), today=DAY, allow_shrink=True)
    directory = Directory(catalog, People(catalog, roster, DAY))
    entries = [e for e in directory.entries() if e.person is not None]
    assert len(entries) >= 25
    for e in entries:
        info = describe(e.label, roster, catalog, DAY)
        assert e.member_of == sorted(info["teams"]), e.label
        assert e.manages == sorted(info["manages"]), e.label
        assert e.maintains == info["maintains"], e.label
        assert e.owns_via_team == info["systems_via_team"], e.label
        assert e.stakeholder_of == info["stakeholder_groups"], e.label
        assert e.rotations == info["rotations"], e.label


def test_references_to_one_person_share_one_entry_and_page() -> None:
    catalog = Catalog(teams={"t": Team("t", members=("Ann@X.test", "ann"), manager="ann@x.test")},
                      systems={"s": System("s", "t", maintainers=("ann@x.test",))})
    roster = Roster((Person("7", emails=("ann@x.test",), usernames=("ann",), name="Ann"),))
    directory = Directory(catalog, People(catalog, roster, DAY))
    (entry,) = directory.entries()
    assert entry.slug == "ann-at-x.test" and entry.refs == {"ann@x.test", "ann"}
    assert entry.member_of == ["t"] and entry.manages == ["t"] and entry.maintains == ["s"]
    assert directory.of("ANN") is entry


def test_without_a_roster_people_are_their_references_and_not_checked() -> None:
    catalog = Catalog(teams={"t": Team("t", members=("ann@x.test", "bob"))})
    directory = Directory(catalog, People(catalog, None, DAY))
    assert [(e.slug, e.status, e.state) for e in directory.entries()] == [
        ("ann-at-x.test", "roster not checked", "unknown"), ("bob", "roster not checked", "unknown")]


@pytest.mark.parametrize(("label", "expected"), [
    ("alice.nguyen@acme.test", "alice.nguyen-at-acme.test"),
    ("Bob.Martin@ACME.test", "bob.martin-at-acme.test"),
    ("first+tag@acme.test", "first-tag-at-acme.test"),
    ("octocat", "octocat"),
    ("../../etc/passwd", "etc-passwd"),
    ("<script>", "script"),
    ("...", "person"),
])
def test_slug_rule(label: str, expected: str) -> None:
    assert slug(label) == expected


def test_colliding_slugs_both_get_a_hash_suffix() -> None:
    catalog = Catalog(teams={"t": Team("t", members=("a+b@x.test", "a-b@x.test", "c@x.test"))})
    slugs = sorted(e.slug for e in Directory(catalog, People(catalog, None, DAY)).entries())
    assert slugs[2] == "c-at-x.test"
    assert slugs[0].startswith("a-b-at-x.test-") and slugs[1].startswith("a-b-at-x.test-") and slugs[0] != slugs[1]


def test_file_names_keep_valid_catalog_names_and_make_others_safe() -> None:
    assert file_name("payments-api") == "payments-api"
    weird = file_name("../Payments API")
    assert "/" not in weird and weird.startswith("payments-api-") and weird != file_name("../payments api")
