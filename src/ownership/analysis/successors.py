"""Who should own a system now: employed people ranked by recency-weighted authorship of its current files
and by its recent commits, with membership of the owning team as the tie-breaker. Pure: no I/O.

    score = files_share x recency + commits_share

`files_share` is the share of the system's files at HEAD the person is a Degree-of-Authorship author of,
`recency` halves for every year since their last commit to the system (knowledge fades), and `commits_share`
is their share of the system's human commits in the last 180 days. People already named as maintainers
are not suggested (they are owners already); nor are bots, people the roster does not know, people who
left, or people HR moved to another team (`people.moved_away`: listed in catalog teams, none of them the one
HR now places them in; routing skips them as transferred when it pages their team).
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from ownership.analysis import people
from ownership.model import Snapshot

WINDOW = 180
HALF_LIFE_DAYS = 365


@dataclass(frozen=True)
class Suggestion:
    person: str  # roster person id
    label: str  # email (or username) to write into the catalog
    name: str | None
    score: float  # higher = better; comparable within one system
    evidence: Mapping[str, Any] = field(default_factory=dict)  # files_share, commits_180d, last_commit, in_team, team
    reason: str = ""  # "authors 31 % of files, 18 commits in the last 180 days, in team payments"

    def to_json(self) -> dict[str, Any]:
        return {"person": self.person, "label": self.label, "name": self.name, "score": self.score,
                "reason": self.reason, "evidence": dict(self.evidence)}


@dataclass(frozen=True)
class Suggested:
    """What `ownership suggest` found for one system (and wrote, with --write)."""

    system: str
    owner: str
    suggestions: tuple[Suggestion, ...]
    written: str | None = None  # the file the top suggestion was added to
    already: bool = False  # --write: the person was already a maintainer


def suggest(snap: Snapshot, system: str, limit: int = 3, exclude: Collection[str] = (),
            teams: people.TeamsOf | None = None) -> tuple[Suggestion, ...]:
    """The best `limit` employed successors for `system`, best first (empty without roster or activity).

    `exclude` holds roster ids not to suggest: for a bus-factor gap, the one person the knowledge already
    rests on (suggesting them again would not spread it). `teams`: see analysis/people.py `TeamsOf`.
    """
    s = snap.catalog.systems.get(system)
    sa = people.activity_of(snap, system)
    res = people.resolver(snap)
    if s is None or sa is None or res is None:
        return ()
    named = {p.id for ref in s.maintainers if (p := res.resolve(ref)) is not None}
    team = snap.catalog.teams.get(s.owner)
    members = {p.id for ref in (team.members if team else ()) if (p := res.resolve(ref)) is not None}
    humans = people.human(sa.contributors)
    recent_total = sum(c.commits.get(WINDOW, 0) for c in humans)
    files = len(sa.files)
    out = []
    for c in humans:
        if (c.person is None or c.person in named or c.person in exclude
                or not people.contributor_employed(snap, c)):
            continue
        p = res.person(c.person)
        assert p is not None
        if people.moved_away(snap, p, teams) is not None:
            continue
        authored = people.files_authored(sa, c.key)
        recent = c.commits.get(WINDOW, 0)
        age = (snap.today - c.last_commit.date()).days if c.last_commit else None
        recency = 0.5 ** (max(age, 0) / HALF_LIFE_DAYS) if age is not None else 0.0
        files_share = authored / files if files else 0.0
        commits_share = recent / recent_total if recent_total else 0.0
        score = round(files_share * recency + commits_share, 4)
        if score <= 0:
            continue
        home = people.home_team(snap, p.id, teams)
        evidence = {"files_share": round(files_share, 3), "files_authored": authored, "files": files,
                    "commits_180d": recent, "last_commit": c.last_commit.date().isoformat() if c.last_commit else None,
                    "in_team": p.id in members, "team": home, "hr_team": p.team}
        out.append(Suggestion(p.id, p.label, p.name, score, evidence, _reason(evidence)))
    out.sort(key=lambda g: (-g.score, not g.evidence["in_team"], g.label))
    return tuple(out[:limit])


def _reason(ev: Mapping[str, Any]) -> str:
    parts = [f"authors {round(100 * ev['files_share'])} % of files"]
    n = ev["commits_180d"]
    parts.append(f"{n} commit{'' if n == 1 else 's'} in the last {WINDOW} days" if n else
                 f"last commit {ev['last_commit']}")
    if ev["team"]:
        parts.append(f"in team {ev['team']}")
    elif ev["hr_team"]:
        parts.append(f"in {ev['hr_team']} (HR)")
    return ", ".join(parts)


def brief(suggestions: tuple[Suggestion, ...]) -> list[dict[str, Any]]:
    """How findings carry suggestions in their evidence."""
    return [{"person": g.label, "score": g.score, "reason": g.reason} for g in suggestions]
