"""Identity resolution: exact matches through every identity a person has; nothing is guessed."""
from __future__ import annotations

import pytest

from ownership.model import Person, Roster
from ownership.roster.identity import Resolver, catalog_team, noreply_handle, parse_mailmap, resolver_for

ANN = Person("p1", emails=("ann.lee@acme.test", "ann@old-acme.test"), usernames=("annlee",), name="Ann Lee")
BOB = Person("p2", emails=("bob.ray@acme.test",), usernames=("bob-ray",), active=False)
ROSTER = Roster((ANN, BOB))


@pytest.mark.parametrize(("ref", "who"), [
    ("ann.lee@acme.test", "p1"),
    ("ANN.Lee@Acme.TEST", "p1"),  # emails in any case
    ("  ann@old-acme.test ", "p1"),  # secondary email, stray spaces
    ("mailto:ann.lee@acme.test", "p1"),
    ("annlee", "p1"),  # username
    ("@AnnLee", "p1"),  # GitHub-style handle
    ("12345+annlee@users.noreply.github.com", "p1"),  # GitHub noreply, current form
    ("annlee@users.noreply.github.com", "p1"),  # GitHub noreply, old form
    ("p2", "p2"),  # roster id
    ("bob-ray", "p2"),  # people who left still resolve: the rules decide what that means
])
def test_resolves_every_identity_of_a_person(ref: str, who: str) -> None:
    person = Resolver(ROSTER).resolve(ref)
    assert person is not None and person.id == who


@pytest.mark.parametrize("ref", [
    "ann.lee@acme.tst",  # a typo is not guessed
    "ann lee",
    "Ann Lee",  # display names are not identities
    "ann",
    "",
    "99+nobody@users.noreply.github.com",
    "ann.lee@acme.test.evil.test",
])
def test_never_guesses(ref: str) -> None:
    assert Resolver(ROSTER).resolve(ref) is None


def test_aliases_map_other_identities_and_override_and_chain() -> None:
    resolver = Resolver(ROSTER, aliases={"A. Lee": "annlee", "old-bob@vendor.test": "Bob.Ray@acme.test",
                                         "loop-a": "loop-b", "loop-b": "loop-a"})
    assert resolver.resolve("a. lee").id == "p1"  # type: ignore[union-attr]
    assert resolver.resolve("OLD-BOB@vendor.test").id == "p2"  # type: ignore[union-attr]
    assert resolver.resolve("loop-a") is None  # a cycle ends, unresolved


def test_mailmap_maps_old_commit_emails() -> None:
    mailmap = parse_mailmap(
        "# comment\n"
        "Ann Lee <ann.lee@acme.test> <ann@laptop.local>\n"
        "<bob.ray@acme.test> Bob <BOB@Home.Test>  # trailing comment\n"
        "Only A Name <someone@acme.test>\n")
    assert mailmap == {"ann@laptop.local": "ann.lee@acme.test", "bob@home.test": "bob.ray@acme.test"}
    resolver = Resolver(ROSTER, mailmap=mailmap)
    assert resolver.resolve("Ann@Laptop.local").id == "p1"  # type: ignore[union-attr]


def test_resolve_author_tries_email_then_noreply_then_aliases() -> None:
    resolver = Resolver(ROSTER, aliases={"Bobby Tables": "p2"})
    assert resolver.resolve_author("whoever", "Ann.Lee@acme.test").id == "p1"  # type: ignore[union-attr]
    assert resolver.resolve_author("Ann", "7+annlee@users.noreply.github.com").id == "p1"  # type: ignore[union-attr]
    assert resolver.resolve_author("Bobby Tables", "bt@laptop.local").id == "p2"  # type: ignore[union-attr]
    assert resolver.resolve_author("Ann Lee", "ann@laptop.local") is None  # a matching name is not enough


def test_a_key_two_people_share_resolves_to_neither() -> None:
    twins = Roster((Person("a", usernames=("sam",)), Person("b", usernames=("Sam",)),
                    Person("c", emails=("c@acme.test",), usernames=("a",))))
    resolver = Resolver(twins)
    assert resolver.resolve("sam") is None
    # across kinds the stronger kind wins (email > username > roster id), as documented
    assert resolver.resolve("a").id == "c"  # type: ignore[union-attr]


def test_noreply_handle() -> None:
    assert noreply_handle("123+Some-User@users.noreply.github.com") == "some-user"
    assert noreply_handle("someone@example.test") is None


def test_resolver_for_uses_the_roster_settings_and_is_cached() -> None:
    roster = Roster((ANN,), aliases={"al": "p1"})
    assert resolver_for(roster) is resolver_for(roster)
    assert resolver_for(roster).resolve("al") is ANN


@pytest.mark.parametrize(("hr", "team_map", "expected"), [
    ("Payments", {}, "payments"),
    ("DATA PLATFORM", {}, "data-platform"),
    ("Data_Platform", {}, "data-platform"),
    ("Money Movement", {"money movement": "payments"}, "payments"),
    ("Engineering", {}, None),
    (None, {}, None),
])
def test_catalog_team(hr: str | None, team_map: dict[str, str], expected: str | None) -> None:
    assert catalog_team(hr, ["payments", "data-platform"], team_map) == expected
