"""Health rules: the catalog, the HR roster and the git history together. `ownership audit` runs them.

Severities rise with the system's tier and blast radius (analysis/impact.py): every finding's evidence
carries `tier`, `dependents`, `tier1_dependents` and, when the severity moved, `severity_reason`.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from ownership.analysis import impact, people, successors
from ownership.analysis.assessment import Assessment
from ownership.model import Severity, Snapshot, System, SystemActivity
from ownership.rules.registry import DAYS, IDLE_OPTIONS, SHARE, Hit, Option, Rule, assessed, rule, whole
from ownership.support.words import noun_for

TIER_DAYS = {1: 90, 2: 180, 3: 365, 4: 730}
DRIFT_WINDOW = 180


def _hit(snap: Snapshot, s: System, base: Severity, message: str, key: str, **evidence: Any) -> Hit:
    severity, why = impact.escalate(base, snap.catalog, s.name)
    return Hit(f"system:{s.name}", message, s.loc(key), {**evidence, **why}, severity)


def _assessed_hit(facts: Assessment, s: System, base: Severity, message: str, key: str, **evidence: Any) -> Hit:
    """`_hit` with the blast radius the assessment answers with."""
    severity, why = impact.escalate(base, facts.snapshot.catalog, s.name, facts.impact)
    return Hit(f"system:{s.name}", message, s.loc(key), {**evidence, **why}, severity)


def _systems(snap: Snapshot) -> list[System]:
    return [snap.catalog.systems[n] for n in sorted(snap.catalog.systems)]


def _readable(sa: SystemActivity | None) -> bool:
    """The history says something: not missing, and not unreadable from end to end."""
    return sa is not None and not (sa.problems and sa.last_commit is None and not sa.files)


def _day(when: dt.datetime | dt.date | None) -> str | None:
    if when is None:
        return None
    return (when.date() if isinstance(when, dt.datetime) else when).isoformat()


@assessed("orphaned", "error", "activity", needs=("roster",), options=IDLE_OPTIONS)
def orphaned(facts: Assessment) -> Iterator[Hit]:
    """Nobody employed owns the system: no member of the owning team and no named maintainer is employed.

    A maintainer who is employed but is in no catalog team and has made no commit to the system in the last
    365 days does not count either: they are named but not really there (options `idle_maintainers: false`
    turns this off, `idle_days` changes the 365). The finding names the date the last owner left, when the
    roster knows it, and suggests successors from the git history (see `ownership suggest`).
    """
    snap = facts.snapshot
    for s in _systems(snap):
        if facts.owners(s.name):
            continue
        team = snap.catalog.teams.get(s.owner)
        refs = (team.members if team else ()) + s.maintainers
        named = [p for ref in refs if (p := people.person_of(snap, ref)) is not None]
        gone = [p for p in named if not people.employed(snap, p)]
        # "since" only when the roster dates every departure: the last one is when the system lost its owners
        since = max(p.end_date for p in gone if p.end_date) if gone and all(p.end_date for p in gone) else None
        idle = facts.idle_maintainers(s.name, "orphaned")
        tail = f" since {since.isoformat()}" if since else ""
        why = [f"team {s.owner} has no employed member" if team else f"team {s.owner} is not in the catalog"]
        if idle:
            n = len(idle)
            why.append(f"named {noun_for(n, 'maintainer')} {', '.join(m.person.label for m in idle)} "
                       f"{noun_for(n, 'is')} in no team and {noun_for(n, 'has')} not committed to it in "
                       f"{snap.option('orphaned', 'idle_days', people.IDLE_DAYS)} days")
        elif s.maintainers:
            why.append("no named maintainer is employed")
        else:
            why.append("it names no maintainer")
        found = facts.successors(s.name)
        hint = f"; suggested: {found[0].label} ({found[0].reason})" if found else ""
        yield _assessed_hit(facts, s, "error", f"{s.name} has no employed owner{tail}: {'; '.join(why)}{hint}", "owner",
                   team=s.owner, owners=_statuses(snap, refs, {m.person.id for m in idle}),
                   since=_day(since), idle_maintainers=[m.person.label for m in idle],
                   successors=successors.brief(found))


def _statuses(snap: Snapshot, refs: tuple[str, ...], idle: set[str]) -> dict[str, str]:
    """Each owner reference -> its status phrase (analysis/people.py `status`)."""
    out = {}
    for ref in refs:
        p = people.person_of(snap, ref)
        out[ref] = people.status(p, snap.today, idle=p is not None and p.id in idle).phrase
    return out


@rule("dormant", "warning", "activity", needs=("activity",),
      options={f"tier{t}_days": DAYS for t in (1, 2, 3, 4)})
def dormant(snap: Snapshot) -> Iterator[Hit]:
    """No human commit to the system's repositories (narrowed to its paths) for longer than its tier allows.

    Defaults: tier 1 90 days, tier 2 180, tier 3 365, tier 4 730; change them with `tier1_days` ...
    `tier4_days`. A system is dormant on day 91 for tier 1, not on day 90. Bot commits (dependabot, renovate,
    the `history.bots` patterns) do not count. Deprecated systems are exempt unless a production system
    still depends on them directly. Systems without repositories, or whose history cannot be read, are
    skipped.
    """
    for s in _systems(snap):
        sa = people.activity_of(snap, s.name)
        if not _readable(sa) or sa is None:
            continue
        if s.lifecycle == "deprecated" and not _production_dependents(snap, s.name):
            continue
        limit = int(snap.option("dormant", f"tier{s.tier}_days", TIER_DAYS.get(s.tier, 365)))
        last = sa.last_human_commit
        if last is None:
            bots = "; only bots have committed" if sa.last_commit else ""
            yield _hit(snap, s, "warning", f"{s.name} has no human commit in its history{bots}", "repos",
                       last_human_commit=None, days=None, limit_days=limit)
            continue
        days = (snap.today - last.when.date()).days
        if days <= limit:
            continue
        yield _hit(snap, s, "warning", f"{s.name} has had no human commit for {days} days (since "
                   f"{_day(last.when)}; tier {s.tier} allows {limit})", "repos", last_human_commit=_day(last.when),
                   last_author=last.email, days=days, limit_days=limit, repo=last.repo)


def _production_dependents(snap: Snapshot, name: str) -> list[str]:
    systems = snap.catalog.systems
    return [o for o in impact.direct_dependents(snap.catalog, name)
            if systems[o].lifecycle == "production" and o != name]


@rule("ownership-drift", "warning", "activity", needs=("activity",),
      options={"min_commits": Option(whole(1), "a whole number >= 1", {"type": "integer", "minimum": 1}),
               "share": SHARE})
def ownership_drift(snap: Snapshot) -> Iterator[Hit]:
    """Most human commits of the last 180 days came from people outside the owning team and its maintainers:
    the people who know the system best are not the ones who get paged for it.

    Names them, with their commit counts and teams. Needs at least `min_commits` (default 5) human commits in
    the window; "most" means more than half (`share`, default 0.5).
    """
    minimum = int(snap.option("ownership-drift", "min_commits", 5))
    threshold = float(snap.option("ownership-drift", "share", 0.5))
    for s in _systems(snap):
        sa = people.activity_of(snap, s.name)
        if sa is None:
            continue
        keys = people.owner_keys(snap, s)
        recent = [c for c in people.human(sa.contributors) if c.commits.get(DRIFT_WINDOW, 0) > 0]
        total = sum(c.commits[DRIFT_WINDOW] for c in recent)
        outside = [c for c in recent if not people.is_owner(c, keys)]
        by_outside = sum(c.commits[DRIFT_WINDOW] for c in outside)
        if total < minimum or by_outside / total <= threshold:
            continue
        outside.sort(key=lambda c: (-c.commits[DRIFT_WINDOW], c.key))
        named = []
        for c in outside:
            label = people.label_of(snap, sa, c.key)
            team = people.home_team(snap, c.person) if c.person else None
            named.append({"person": label, "commits": c.commits[DRIFT_WINDOW], "team": team})
        who = ", ".join(f"{n['person']} ({n['commits']}" + (f", team {n['team']})" if n["team"] else ")")
                        for n in named)
        yield _hit(snap, s, "warning", f"{s.name}: {by_outside} of {total} human commits in the last "
                   f"{DRIFT_WINDOW} days come from outside team {s.owner} and its maintainers: {who}", "owner",
                   window_days=DRIFT_WINDOW, commits=total, outside_commits=by_outside,
                   outside_share=round(by_outside / total, 3), outside=named)


@assessed("knowledge-loss", "warning", "activity", needs=("roster", "activity"), options={"threshold": SHARE})
def knowledge_loss(facts: Assessment) -> Iterator[Hit]:
    """More than half (`threshold`, default 0.5) of the system's files at HEAD have only authors who left.

    Authors are Degree-of-Authorship authors of each file (see `ownership scan`). The finding names the
    people who held that knowledge, and suggests successors among the employed people who know the code.
    """
    snap = facts.snapshot
    threshold = float(snap.option("knowledge-loss", "threshold", 0.5))
    for s in _systems(snap):
        sa = people.activity_of(snap, s.name)
        known = facts.knowledge(s.name)
        if sa is None or not sa.files or known is None:
            continue
        share, held = known.share, known.held
        if share <= threshold:
            continue
        names = people.labels(snap, sa, known.leavers)
        found = facts.successors(s.name)
        hint = f"; suggested: {found[0].label} ({found[0].reason})" if found else \
            "; nobody employed has worked on it recently"
        yield _assessed_hit(facts, s, "warning", f"{s.name}: {held} of {len(sa.files)} files ({share:.0%}) were "
                   f"written only by people who have left ({', '.join(names)}){hint}", "repos", share=round(share, 3),
                   files=len(sa.files), files_held=held, leavers=names, threshold=threshold,
                   successors=successors.brief(found))


@assessed("bus-factor", "warning", "activity", needs=("roster", "activity"))
def bus_factor(facts: Assessment) -> Iterator[Hit]:
    """Truck factor 1 or 0 among employed people: one person holds the knowledge of at least half the files,
    or (worse) the employed authors together no longer cover half of them.

    Computed with the greedy algorithm of Avelino et al. over the files' employed authors only. The person
    named for truck factor 1 is the author of the most files; when others author exactly as many, the one whose
    key (roster id, else commit email) sorts first is named, and the evidence lists the others under
    `tied_with` with the rule under `tie_break`. A warning, raised to error for tier 1 and for systems that
    tier-1 systems depend on.
    """
    snap = facts.snapshot
    for s in _systems(snap):
        sa = people.activity_of(snap, s.name)
        truck = facts.truck(s.name)
        if sa is None or not sa.files or truck is None:
            continue
        tf, removed = truck.factor, truck.removed
        if tf > 1:
            continue
        if tf == 0:
            covered = people.files_covered(snap, sa)
            yield _assessed_hit(facts, s, "warning", f"{s.name}: the knowledge of its files rests on no employed "
                       f"person: employed people author {covered} of {len(sa.files)} files, less than half (truck factor "
                       "0)", "repos", person=None, files_covered=covered, files=len(sa.files),
                       truck_factor_employed=tf, truck_factor_all=sa.truck_factor)
            continue
        key = removed[0]
        label = people.label_of(snap, sa, key)
        n = people.files_authored(sa, key)
        tied = people.labels(snap, sa, people.tied_with(snap, sa, key))
        tail = f"; {', '.join(tied)} author{'s' if len(tied) == 1 else ''} as many" if tied else ""
        yield _assessed_hit(facts, s, "warning", f"{s.name} depends on one employed person's knowledge: {label} is an "
                   f"author of {n} of {len(sa.files)} files (truck factor 1){tail}", "repos", person=label,
                   files_authored=n, files=len(sa.files), truck_factor_employed=tf,
                   truck_factor_all=sa.truck_factor, tied_with=tied, tie_break=people.TIE_RULE)


@rule("deprecated-dependency", "warning", "activity")
def deprecated_dependency(snap: Snapshot) -> Iterator[Hit]:
    """A production system depends directly on a deprecated one: the deprecation cannot finish, and the old
    system keeps production traffic alive."""
    for s in _systems(snap):
        if s.lifecycle != "production":
            continue
        for i, dep in enumerate(s.depends_on):
            target = snap.catalog.systems.get(dep)
            if target is None or target.lifecycle != "deprecated":
                continue
            yield _hit(snap, s, "warning", f"{s.name} (production, tier {s.tier}) depends on {dep}, which is "
                       "deprecated", f"depends_on[{i}]", dependency=dep, dependency_tier=target.tier)


@rule("no-oncall", "warning", "activity",
      options={"tiers": Option(lambda v: isinstance(v, list) and all(whole(1)(t) and t <= 4 for t in v),
                               "a list of tiers, e.g. [1, 2]",
                               {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 4}})})
def no_oncall(snap: Snapshot) -> Iterator[Hit]:
    """A tier 1 or 2 system with no on-call of its own (Backstage `pagerduty.com/service-id`,
    `pagerduty.com/integration-key`, `opsgenie.com/team`) whose owning team has none either: neither a
    PagerDuty escalation policy nor a rotation in its `oncall:`. Out-of-hours incidents have nobody to page.
    Error for tier 1."""
    tiers = set(snap.option("no-oncall", "tiers", [1, 2]))
    for s in _systems(snap):
        team = snap.catalog.teams.get(s.owner)
        if s.tier not in tiers or team is None or snap.catalog.oncalls(s):
            continue
        yield _hit(snap, s, "warning", f"{s.name} (tier {s.tier}) has no on-call: team {s.owner} configures "
                   "neither PagerDuty nor a rotation", "owner", team=s.owner)


def idle_owner_left(facts: Assessment) -> Iterator[Hit]:
    """The `owner-left` variant for maintainers who are employed but in no team and idle (rules/roster.py
    calls it); needs the git activity, so it says nothing in `validate`."""
    snap = facts.snapshot
    if snap.activity is None:
        return
    for s in _systems(snap):
        idle = facts.idle_maintainers(s.name, "owner-left")
        if not idle:
            continue
        others = facts.owners(s.name, "owner-left")
        days = snap.option("owner-left", "idle_days", people.IDLE_DAYS)
        for m in idle:
            last = f"last committed to it on {_day(m.last_commit)}" if m.last_commit else "has never committed to it"
            alone = not others
            note = "; no other owner is employed" if alone else ""
            yield Hit(f"system:{s.name}", f"{s.name}: maintainer {m.person.label} is employed but in no team and "
                      f"{last} (idle limit {days} days){note}",
                      s.loc(f"maintainers[{m.index}]"),
                      {"person": m.person.label, "person_id": m.person.id, "role": "maintainer", "active": True,
                       "last_commit": _day(m.last_commit), "idle_days": days, "only_owner": alone,
                       "hr_team": m.person.team}, "error" if alone else "warning")


RULES: tuple[Rule, ...] = (
    orphaned,
    dormant,
    ownership_drift,
    knowledge_loss,
    bus_factor,
    deprecated_dependency,
    no_oncall,
)
