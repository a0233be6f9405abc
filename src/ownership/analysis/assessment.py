"""The derived facts of one Snapshot, each computed at most once: who the active owners of a system are, the
knowledge its leavers held, its employed truck factor, its suggested successors and the blast radius of
every system.

`audit` builds one `Assessment` per snapshot and hands it to the rules (rules/engine.py), the report, the site
and the off-boarding simulation; each of them reads a fact here instead of deriving it again. The facts are
worked out on first use (a `validate` run never asks for a truck factor) and kept in this object, so they
live exactly as long as the snapshot they describe. The functions that derive them stay in
analysis/people.py, analysis/successors.py and analysis/impact.py. Pure: no I/O.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from ownership.analysis import people, successors
from ownership.analysis.impact import Impact, impacts
from ownership.model import Activity, Catalog, Person, Snapshot, SystemActivity


@dataclass(frozen=True, slots=True)
class Knowledge:
    """`people.knowledge_loss` of one system: the knowledge held by people who left."""

    share: float  # of the files whose every author has left
    held: int  # how many such files
    leavers: tuple[str, ...]  # their authors, by files held


@dataclass(frozen=True, slots=True)
class Truck:
    """`people.employed_truck_factor` of one system."""

    factor: int  # over employed authors; 0: they cover less than half of the files
    removed: tuple[str, ...]  # contributor keys in the order the greedy algorithm took them


class Assessment:
    """The facts of `snapshot`. `impact` and `teams`: the blast radius and the teams of each person to answer
    with (the off-boarding simulation narrows the catalog to what a departure can change, but "what depends on
    it" and "is this person in any team" stay questions about the whole catalog: it passes the whole
    catalog's); default: the snapshot's own."""

    def __init__(self, snapshot: Snapshot, impact: Mapping[str, Impact] | None = None,
                 teams: people.TeamsOf | None = None) -> None:
        self.snapshot = snapshot
        self._whole = snapshot  # what the facts are derived from (`narrowed` keeps the whole catalog's)
        self.impact: Mapping[str, Impact] = impact if impact is not None else impacts(snapshot.catalog)
        self._teams = teams
        self._owners: dict[tuple[str, str], tuple[Person, ...]] = {}
        self._knowledge: dict[str, Knowledge | None] = {}
        self._truck: dict[str, Truck | None] = {}
        self._successors: dict[tuple[str, frozenset[str]], tuple[successors.Suggestion, ...]] = {}

    def narrowed(self, catalog: Catalog) -> Assessment:
        """These facts for the same snapshot with its catalog narrowed to some systems and their teams (the
        off-boarding simulation re-runs the rules only where a departure can change something): every fact
        stays the whole catalog's, and a fact derived through either is derived once for both."""
        part = Assessment(dataclasses.replace(self.snapshot, catalog=catalog), self.impact, self.teams)
        part._whole = self._whole
        part._owners, part._knowledge, part._truck = self._owners, self._knowledge, self._truck
        part._successors = self._successors
        return part

    @property
    def teams(self) -> people.TeamsOf:
        """Roster person id -> the catalog teams that list them (`people.teams_of`)."""
        if self._teams is None:
            self._teams = people.teams_of(self._whole)
        return self._teams

    # ------------------------------------------------------------------ owners

    def owners(self, system: str, slug: str = "orphaned") -> tuple[Person, ...]:
        """`people.active_owners` of a catalog system, judging idle maintainers with the options of `slug`."""
        key = (system, slug)
        if key not in self._owners:
            s = self._whole.catalog.systems[system]
            self._owners[key] = tuple(people.active_owners(self._whole, s, slug, self.teams))
        return self._owners[key]

    def has_employed_owner(self) -> dict[str, bool] | None:
        """System -> whether it has an active owner (the `orphaned` rule's answer); None without a roster."""
        if self._whole.roster is None:
            return None
        return {name: bool(self.owners(name)) for name in self.snapshot.catalog.systems}

    # ------------------------------------------------------------------ history and people

    def history(self, system: str) -> SystemActivity | None:
        """The scan's record of `system`, read or not (None without a scan, or when it has none)."""
        act = self._whole.activity
        return act.systems.get(system) if isinstance(act, Activity) else None

    def knowledge(self, system: str) -> Knowledge | None:
        """The knowledge held by leavers in `system`'s files; None without a roster or a scan record."""
        if system not in self._knowledge:
            sa = self.history(system)
            found = None
            if sa is not None and self._whole.roster is not None:
                share, held, leavers = people.knowledge_loss(self._whole, sa)
                found = Knowledge(share, held, tuple(leavers))
            self._knowledge[system] = found
        return self._knowledge[system]

    def truck(self, system: str) -> Truck | None:
        """The employed truck factor of `system`; None without a roster or a scan record."""
        if system not in self._truck:
            sa = self.history(system)
            found = None
            if sa is not None and self._whole.roster is not None:
                factor, removed = people.employed_truck_factor(self._whole, sa)
                found = Truck(factor, tuple(removed))
            self._truck[system] = found
        return self._truck[system]

    def idle_maintainers(self, system: str, slug: str) -> list[people.IdleMaintainer]:
        """`people.idle_maintainers` of a catalog system, with the options of `slug`."""
        return people.idle_maintainers(self._whole, self._whole.catalog.systems[system], slug, self.teams)

    def successors(self, system: str, exclude: Collection[str] = ()) -> tuple[successors.Suggestion, ...]:
        """`successors.suggest` for `system`, without the people in `exclude`."""
        key = (system, frozenset(exclude))
        if key not in self._successors:
            self._successors[key] = successors.suggest(self._whole, system, exclude=exclude, teams=self.teams)
        return self._successors[key]
