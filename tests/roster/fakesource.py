"""A roster source for tests only: `fake://NAME` reads the people a test put in DIRECTORY[NAME].

It stands for a directory service (Okta, LDAP) reached through the roster source protocol: the test registers
it in `ownership.roster.SOURCES` (one line) and nothing else in the code base knows it. Its fingerprint is
the directory's version, as a service's ETag would be; READS records every real read, so a test can tell a
recalled roster from one read again.
"""
from __future__ import annotations

from ownership.model import Person
from ownership.roster import RosterError, RosterSettings, SourceSection

PREFIX = "fake://"
DIRECTORY: dict[str, tuple[Person, ...]] = {}
VERSIONS: dict[str, int] = {}
READS: list[str] = []

name = "fake"
section: SourceSection | None = None


def publish(directory: str, people: tuple[Person, ...]) -> None:
    """What the directory `fake://<directory>` answers from now on (a new version)."""
    DIRECTORY[directory] = people
    VERSIONS[directory] = VERSIONS.get(directory, 0) + 1


def accepts(source: str) -> bool:
    return source.startswith(PREFIX)


def read(source: str, settings: RosterSettings, notes: list[str]) -> list[Person]:
    READS.append(source)
    people = DIRECTORY.get(source[len(PREFIX):])
    if people is None:
        raise RosterError(f"{source}: no such directory")
    notes.extend(f"{source}: user '{p.id}': no phone; it is not used" for p in people if p.reach is None)
    return list(people)


def key(source: str) -> str:
    return source


def shown(source: str) -> str:
    return source


def fingerprint(source: str, settings: RosterSettings) -> str | None:
    version = VERSIONS.get(source[len(PREFIX):])
    return None if version is None else f"{source}@{version}"
