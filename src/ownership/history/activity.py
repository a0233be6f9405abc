"""From raw scan counters to `Activity`: people resolved, bots marked, windows counted, authorship computed.

The scan state is roster-independent (so the cache survives roster changes); everything that depends on the
roster, the bot patterns or "today" happens here, on every run, from the cached counters.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ownership.history import authorship
from ownership.history.repos import Source
from ownership.history.state import NOBODY, FileRec, RepoScan, Scope, TreeIndex, scoped
from ownership.model import Activity, CommitRef, Contributor, FileAuthorship, Person, Roster, SystemActivity

EPOCH = dt.date(1970, 1, 1)


@dataclass
class _Who:
    """A contributor being assembled from one or more (name, email) identities."""

    key: str
    person: Person | None
    bot: bool
    names: dict[str, int] = field(default_factory=dict)  # name -> time last seen
    emails: set[str] = field(default_factory=set)
    days: dict[int, int] = field(default_factory=dict)
    borrowed: bool = True  # `days` is a state's own dict (never written to) until a second identity merges in
    last: int = -1
    files: int = 0


class Identities:
    """(name, email) -> a contributor key, resolved through the roster when there is one."""

    def __init__(self, roster: Roster | None, is_bot: Callable[[str, str], bool]) -> None:
        self.is_bot = is_bot
        self.resolver = None
        if roster is not None:
            from ownership.roster.identity import Resolver

            self.resolver = Resolver(roster, aliases=roster.aliases, mailmap=roster.mailmap)
        self._memo: dict[tuple[str, str], tuple[str, Person | None, bool]] = {}
        self._by_repo: dict[Source, tuple[Sequence[tuple[str, str]], list[tuple[str, Person | None, bool]],
                                          frozenset[int] | None]] = {}

    def __call__(self, name: str, email: str) -> tuple[str, Person | None, bool]:
        found = self._memo.get((name, email))
        if found is None:
            bot = self.is_bot(name, email)
            person = None if bot or self.resolver is None else self.resolver.resolve_author(name, email)
            key = person.id if person is not None else (email.strip().lower() or name)
            found = self._memo[(name, email)] = (key, person, bot)
        return found

    def of(self, source: Source, authors: Sequence[tuple[str, str]]
           ) -> tuple[list[tuple[str, Person | None, bool]], frozenset[int] | None]:
        """The identity of each author id of one repository's state, and `_one_key_each` of them: the same
        for every system that reads the repository, so worked out once per repository."""
        found = self._by_repo.get(source)
        if found is None or found[0] is not authors:
            idents = [self(n, e) for n, e in authors]
            found = self._by_repo[source] = (authors, idents, _one_key_each(idents))
        return found[1], found[2]


def build(systems: Mapping[str, Sequence[tuple[Source, Scope]]], scans: Mapping[Source, "RepoScan"],
          today: dt.date, windows: Sequence[int], is_bot: Callable[[str, str], bool],
          roster: Roster | None = None) -> Activity:
    """Activity of each system from the scans of its repositories (`systems`: name -> (source, scope)s)."""
    who = Identities(roster, is_bot)
    memo: dict[tuple[Source, str], tuple[str, ...]] = {}
    # a repository several systems narrow to their own paths: its tree indexed once (state.TreeIndex)
    narrowed: dict[Source, int] = {}
    for parts in systems.values():
        for source, scope in parts:
            if scope:
                narrowed[source] = narrowed.get(source, 0) + 1
    trees: dict[Source, TreeIndex | None] = {source: None for source, n in narrowed.items() if n > 1}
    out = {name: _system(name, parts, scans, today, tuple(windows), who, memo, trees)
           for name, parts in systems.items()}
    return Activity(today=today, windows=tuple(windows), systems=out, roster_used=roster is not None)


def _system(name: str, parts: Sequence[tuple[Source, Scope]], scans: Mapping[Source, "RepoScan"], today: dt.date,
            windows: tuple[int, ...], who: Identities,
            memo: dict[tuple[Source, str], tuple[str, ...]],
            trees: dict[Source, TreeIndex | None] | None = None) -> SystemActivity:
    people: dict[str, _Who] = {}
    problems: list[str] = []
    files: list[FileAuthorship] = []
    # the newest commit and the newest human one, as (time, sha, repository, author id's identity); a
    # CommitRef is made for the two winners only (a system of 500 repositories' authors made 170,000)
    last: tuple[int, str, str, str, str, bool] | None = None
    last_human: tuple[int, str, str, str, str, bool] | None = None
    shallow: list[str] = []
    unread: list[tuple[str, str]] = []
    for source, requested in parts:
        scan = scans[source]
        if scan.shallow:
            shallow.append(source.url)
        if scan.problem:
            problems.append(scan.problem)
        if scan.mode == "failed":
            unread.append((source.url, scan.reason or scan.problem or "unknown"))
        state = scan.state
        if state is None:
            continue
        scope = scan.scope(requested)
        stats = state.scopes[scope]
        idents, direct = who.of(source, state.authors)
        for aid, (when, sha, days) in stats.authors.items():
            aname, email = state.authors[aid]
            key, person, bot = idents[aid]
            # newest by author time; equal times by sha, so the answer never depends on the order of iteration
            if last is None or (when, sha) > (last[0], last[1]):
                last = (when, sha, source.url, aname, email, bot)
            if not bot and (last_human is None or (when, sha) > (last_human[0], last_human[1])):
                last_human = (when, sha, source.url, aname, email, bot)
            w = people.get(key)
            if w is None:
                w = people[key] = _Who(key, person, bot)
                w.days = days  # borrowed from the state, copied before a second identity adds to it
            elif w.borrowed:
                w.days = merged = dict(w.days)
                w.borrowed = False
                for day, n in days.items():
                    merged[day] = merged.get(day, 0) + n
            else:
                merged = w.days
                for day, n in days.items():
                    merged[day] = merged.get(day, 0) + n
            seen = w.names.get(aname, -1)
            w.names[aname] = when if when > seen else seen
            if email:
                w.emails.add(email)
            if when > w.last:
                w.last = when
        here = _paths(source, state.tree, scope, trees)
        problems += _missing(source, scope, here, stats.moved)
        url = source.url
        for path in here:
            mkey = (source, path)
            keys = memo.get(mkey)
            if keys is None:
                rec = state.files.get(path)
                keys = memo[mkey] = _file_authors(rec, idents, direct) if rec is not None else ()
            files.append(FileAuthorship(url, path, keys))
    for f in files:
        for k in f.authors:
            if k in people:
                people[k].files += 1
    return _summarise(name, parts, people, files, today, windows, _ref(last), _ref(last_human), shallow,
                      problems, tuple(dict.fromkeys(unread)))


def _paths(source: Source, tree: list[str], scope: Scope, trees: dict[Source, TreeIndex | None] | None) -> list[str]:
    """`scoped(tree, scope)`, through the tree's index when several systems narrow this repository."""
    if not scope or trees is None or source not in trees:
        return scoped(tree, scope)
    index = trees[source]
    if index is None or index.paths is not tree:
        index = trees[source] = TreeIndex(tree)
    return index.scoped(scope)


def _ref(best: tuple[int, str, str, str, str, bool] | None) -> CommitRef | None:
    if best is None:
        return None
    when, sha, url, aname, email, bot = best
    return CommitRef(url, sha, _utc(when), aname, email, bot)


def _one_key_each(idents: list[tuple[str, Person | None, bool]]) -> frozenset[int] | None:
    """The ids of human authors when no two author ids are one person (then DOA can be computed on ids
    directly, the common case); None when some person has several ids and counters must be merged."""
    keys = [k for k, _, _ in idents]
    if len(set(keys)) != len(keys):
        return None
    return frozenset(aid for aid, (_, _, bot) in enumerate(idents) if not bot)


def _file_authors(rec: FileRec, idents: list[tuple[str, Person | None, bool]],
                  direct: frozenset[int] | None) -> tuple[str, ...]:
    """DOA authors of one file; `idents[aid]` is (contributor key, person, is bot) of each author id."""
    if direct is not None:
        creators_ids = (rec.creator,) if rec.creator != NOBODY else ()
        chosen = authorship.authors(creators_ids, rec.deliveries, rec.changes, eligible=direct,
                                    label=lambda aid: idents[aid][0])
        return tuple(idents[aid][0] for aid in chosen)
    creators: set[str] = set()
    deliveries: dict[str, int] = {}
    humans: set[str] = set()
    if rec.creator != NOBODY:
        key, _, bot = idents[rec.creator]
        creators.add(key)
        if not bot:
            humans.add(key)
    for aid, n in rec.deliveries.items():
        key, _, bot = idents[aid]
        deliveries[key] = deliveries.get(key, 0) + n  # several emails of one person count as one author
        if not bot:
            humans.add(key)
    return tuple(authorship.authors(creators, deliveries, rec.changes, eligible=humans))


def _missing(source: Source, scope: Scope, here: list[str], moved: tuple[int, str, str] | None) -> list[str]:
    out = []
    for p in scope:
        if not any(f == p or f.startswith(p + "/") for f in here):
            hint = f" (files were last moved out of it, e.g. to '{moved[2]}' in {moved[1][:10]})" if moved else ""
            out.append(f"path '{p}' does not exist at HEAD of {source.url}{hint}")
    return out


def _summarise(name: str, parts: Sequence[tuple[Source, Scope]], people: dict[str, _Who],
               files: list[FileAuthorship], today: dt.date, windows: tuple[int, ...], last: CommitRef | None,
               last_human: CommitRef | None, shallow: list[str], problems: list[str],
               unread: tuple[tuple[str, str], ...] = ()) -> SystemActivity:
    today_day = (today - EPOCH).days
    cuts = [(n, today_day - n) for n in windows]  # a day counts in window n when cut < day <= today
    oldest = today_day - max(windows, default=0)
    contributors = []
    for w in people.values():
        commits = dict.fromkeys(windows, 0)
        for d, c in w.days.items():  # one pass over the days for every window; most are older than any
            if oldest < d <= today_day:
                for n, cut in cuts:
                    if d > cut:
                        commits[n] += c
        employed = w.person.employed_on(today) if w.person is not None else None
        names = w.names
        display = next(iter(names)) if len(names) == 1 else max(names, key=lambda k: (names[k], k))
        contributors.append(Contributor(
            key=w.key, name=display, emails=tuple(sorted(w.emails)), person=w.person.id if w.person else None,
            employed=employed, bot=w.bot, commits=commits, total_commits=sum(w.days.values()),
            last_commit=_utc(w.last) if w.last >= 0 else None, files_authored=w.files))
    first = windows[0] if windows else 0
    contributors.sort(key=lambda c: (-c.commits.get(first, 0), -c.total_commits, c.key))
    # employed truck factor and knowledge held by leavers depend on the roster of the day asked about:
    # analysis/people.py computes them (the off-boarding simulation swaps the roster)
    file_keys = [f.authors for f in files]
    tf, removed = authorship.truck_factor(file_keys)
    tf_pruned, _ = authorship.pruned(file_keys, removed)
    return SystemActivity(
        system=name, repos=tuple(dict.fromkeys(s.url for s, _ in parts)), last_commit=last,
        last_human_commit=last_human, contributors=tuple(contributors), files=tuple(files), truck_factor=tf,
        truck_factor_people=tuple(removed), truck_factor_pruned=tf_pruned,
        partial=bool(shallow), shallow_repos=tuple(dict.fromkeys(shallow)),
        problems=tuple(dict.fromkeys(problems)), unread=unread)


def _utc(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc)

