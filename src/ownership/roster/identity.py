"""Identity resolution: catalog references and git authors to roster people.

Exact matches only. A reference resolves through, in order: an explicit alias (ownership.yaml `aliases`);
an email in any case (primary or secondary), a username/handle or a roster id; the .mailmap (old email ->
current one); a GitHub noreply address (`12345+handle@users.noreply.github.com` -> handle). Where kinds collide
the stronger one wins (email > username > id); a key two people share as the same kind resolves to nobody.
Anything else stays unresolved and is reported by the caller; nothing is guessed, because a wrong match would
page or credit the wrong person.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ownership.support.memo import ByIdentity
from ownership.model import Person, Roster

# GitHub's two noreply forms: "12345+handle@users.noreply.github.com" (since 2017) and "handle@users.noreply..."
_NOREPLY = re.compile(r"^(?:\d+\+)?(?P<handle>[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)@users\.noreply\.github\.com$")
# one .mailmap line: "Proper Name <proper@x> Commit Name <commit@x>" (names optional, second pair optional)
_MAILMAP_EMAIL = re.compile(r"<([^<>]*)>")


def normalize(ref: str) -> str:
    """The form every look-up key is stored in: stripped, lower case, `mailto:` and `@` handle prefix gone."""
    key = ref.strip().lower()
    if key.startswith("mailto:"):
        key = key[len("mailto:"):]
    if key.startswith("@") and "@" not in key[1:]:
        key = key[1:]
    return key


def noreply_handle(email: str) -> str | None:
    """The GitHub handle inside a noreply address, or None."""
    m = _NOREPLY.match(normalize(email))
    return m.group("handle") if m else None


def parse_mailmap(text: str) -> dict[str, str]:
    """A .mailmap as lowercased commit email -> canonical email.

    Lines with a single `<email>` name no mapping (they only fix a display name); `#` starts a comment.
    """
    out: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        emails = _MAILMAP_EMAIL.findall(line)
        if len(emails) >= 2 and emails[0].strip() and emails[1].strip():
            out[normalize(emails[1])] = emails[0].strip()
    return out


class Resolver:
    """Look-ups from any known identity of a person to the Person. Built once per roster."""

    def __init__(self, roster: Roster, aliases: Mapping[str, str] | None = None,
                 mailmap: Mapping[str, str] | None = None) -> None:
        self.roster = roster
        self._by_key: dict[str, Person] = {}
        self._ambiguous: set[str] = set()
        # Emails first so that, should a username equal someone else's email, the email wins.
        for p in roster.people:
            self._index(p, p.emails)
        for p in roster.people:
            self._index(p, p.usernames)
        for p in roster.people:
            self._index(p, (p.id,))
        self.aliases = {normalize(k): v for k, v in (aliases or {}).items()}
        self.mailmap = {normalize(k): v for k, v in (mailmap or {}).items()}
        self.by_id: dict[str, Person] = {p.id: p for p in roster.people}
        self._replaced: Mapping[str, Person] = {}
        self._memo: dict[str, Person | None] = {}  # reference as written -> person (before `_replaced`)

    @property
    def index(self) -> object:
        """The identity index: shared by variants, so results that depend only on who is who can be shared."""
        return self._by_key

    def variant(self, roster: Roster, replaced: Mapping[str, Person]) -> Resolver:
        """A resolver for `roster`, a copy of this one's roster in which `replaced` people (same ids, emails and
        usernames) have other facts, such as an end date. Built in O(changed), not O(roster)."""
        out = Resolver.__new__(Resolver)
        out.roster = roster
        out._by_key, out._ambiguous = self._by_key, self._ambiguous
        out.aliases, out.mailmap = self.aliases, self.mailmap
        out._replaced = {**self._replaced, **replaced}
        out._memo = self._memo  # who is who does not change, only the facts of `replaced`
        out.by_id = self.by_id | dict(replaced)
        return out

    def _index(self, person: Person, keys: Iterable[str]) -> None:
        for raw in keys:
            key = normalize(raw)
            if not key:
                continue
            seen = self._by_key.get(key)
            if seen is None:
                self._by_key[key] = person
            elif seen.id != person.id and key not in self._ambiguous:
                # a key shared by two different people (e.g. an id equal to another's username) is dropped
                # rather than resolved to whichever came first
                if _kind_rank(seen, key) == _kind_rank(person, key):
                    self._ambiguous.add(key)

    def _lookup(self, key: str) -> Person | None:
        if key in self._ambiguous:
            return None
        return self._by_key.get(key)

    def resolve(self, ref: str) -> Person | None:
        """A catalog reference or commit identity (email any case, secondary email, username, GitHub noreply
        address, alias) to a roster Person, or None. Never guesses (no fuzzy matching)."""
        try:
            p = self._memo[ref]
        except KeyError:
            p = self._memo[ref] = self._resolve(ref)
        if p is not None and self._replaced:
            return self._replaced.get(p.id, p)
        return p

    def _resolve(self, ref: str) -> Person | None:
        key = normalize(ref)
        seen: set[str] = set()
        # aliases and mailmap entries may chain (alias -> old email -> mailmap -> current email); a cycle or
        # a chain that leads nowhere resolves to None
        while key and key not in seen:
            seen.add(key)
            if key in self.aliases:  # an explicit alias overrides whatever the key would match on its own
                key = normalize(self.aliases[key])
                continue
            person = self._lookup(key)
            if person is not None:
                return person
            if key in self.mailmap:
                key = normalize(self.mailmap[key])
                continue
            handle = noreply_handle(key)
            return self._lookup(handle) if handle else None
        return None

    def resolve_author(self, name: str, email: str) -> Person | None:
        """A git author (after git's own .mailmap) to a Person; tries email, then noreply handle, then aliases."""
        person = self.resolve(email) if email else None
        if person is not None:
            return person
        if name and normalize(name) in self.aliases:
            return self.resolve(name)
        return None

    def person(self, person_id: str) -> Person | None:
        """The person with this roster id (e.g. a manager reference), or None."""
        return self.by_id.get(person_id)


def _kind_rank(person: Person, key: str) -> int:
    """0 when `key` is one of the person's emails, 1 a username, 2 the id: stronger kinds win ties."""
    if any(normalize(e) == key for e in person.emails):
        return 0
    if any(normalize(u) == key for u in person.usernames):
        return 1
    return 2


# One Resolver per roster: rules of several modules resolve against the same snapshot. Keyed by id() with the
# roster kept alive in the value, so an id is never reused while cached; a few entries are plenty.
_RESOLVERS: ByIdentity[Resolver] = ByIdentity()


def resolver_for(roster: Roster) -> Resolver:
    """The Resolver of `roster` with the aliases and mailmap it was loaded with (cached)."""
    return _RESOLVERS.get(roster, make=lambda: Resolver(roster, roster.aliases, roster.mailmap))


def register_variant(base: Roster, roster: Roster, replaced: Mapping[str, Person]) -> None:
    """Cache a resolver for `roster`, derived from `base`'s (see Resolver.variant)."""
    _RESOLVERS.put(roster, value=resolver_for(base).variant(roster, replaced))


_SEPARATORS = re.compile(r"[\s_]+")
# catalog teams by folded name, per teams mapping: a transfer is judged for every person a page lists, and
# folding 2,000 team names each time made one page of a large catalog take 8 ms instead of 0.3 ms
_FOLDED: ByIdentity[dict[str, str]] = ByIdentity()


def fold_team(name: str) -> str:
    """Team names compare case-insensitively, with spaces and underscores as hyphens ("Data Platform")."""
    return _SEPARATORS.sub("-", name.strip().lower())


def _folded(teams: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for team in teams:
        out.setdefault(fold_team(team), team)  # the first of two teams that fold alike, as the loop was
    return out


def catalog_team(hr_team: str | None, teams: Iterable[str],
                 team_map: Mapping[str, str] | None = None) -> str | None:
    """The catalog team an HR team/department stands for: `team_map` first, else the same name (folded).
    None when HR names no team or one the catalog does not have: then nothing can be said about transfers."""
    if not hr_team:
        return None
    folded = fold_team(hr_team)
    for hr, team in (team_map or {}).items():
        if fold_team(hr) == folded:
            return team
    if isinstance(teams, Mapping):  # the catalog's teams: indexed once
        return _FOLDED.get(teams, make=lambda: _folded(teams)).get(folded)
    return _folded(teams).get(folded)
