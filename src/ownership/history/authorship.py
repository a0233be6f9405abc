"""Degree-of-Authorship and truck factor, as in Avelino et al. (ICPC 2016) and aserg-ufmg/Truck-Factor.

    DOA = 3.293 + 1.098·FA + 0.164·DL − 0.321·ln(1 + AC)

FA is 1 for whoever created the file (following renames; someone else adding the same path again counts as
a creator too, like the reference's "secondary author"), DL the changes (modifications and renames) the
author made, AC the changes everyone else made. An author of a file has a DOA, normalised by the file's
highest, above 0.75, and either DOA >= 3.293 or created the file.

Truck factor (greedy): while at least half of the files have an author, remove the author of the most files
(counted over all the files they author, as the reference does) and count one. The reference tool prints a
pruned variant (PrunedGreedyTruckFactor, minPercentage 0.1): of the people the greedy algorithm removed, those
who author fewer than a tenth of the files of the strongest of them do not count. Both are reported, named
(`truck_factor` and `truck_factor_pruned`), so numbers can be compared with published ones. Pure functions;
the keys are whatever identifies a person to the caller.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

BASE, W_FA, W_DL, W_AC = 3.293, 1.098, 0.164, 0.321
THRESHOLD_NORMALISED = 0.75
THRESHOLD_ABSOLUTE = BASE
COVERAGE = 0.5
PRUNE_SHARE = 0.1  # the reference's minPercentage


def doa(created: bool, deliveries: int, acceptances: int) -> float:
    return BASE + W_FA * (1 if created else 0) + W_DL * deliveries - W_AC * math.log(1 + acceptances)


def authors(creators: Collection[K], deliveries: Mapping[K, int], changes: int,
            eligible: Collection[K] | None = None, label: Callable[[K], str] = str) -> list[K]:
    """The authors of one file, strongest DOA first (ties by `label`, so the order is stable).

    `changes` counts every change of the file, including those by people not `eligible` (bots): their work
    still lowers everyone else's DOA, but they are never authors themselves.
    """
    log = math.log
    scores: dict[K, float] = {}
    for k in creators:
        if eligible is None or k in eligible:
            dl = deliveries.get(k, 0)
            scores[k] = BASE + W_FA + W_DL * dl - W_AC * log(1 + changes - dl)
    # At a fixed number of changes DOA grows with DL, so among people who did not create the file the one
    # with the most changes scores best, and once one falls below the absolute floor all after it do too:
    # visit them by DL and stop early instead of scoring everyone (a file may have hundreds of authors).
    ranked = sorted(deliveries.items(), key=_count, reverse=True)
    best = max(scores.values(), default=-math.inf)
    floor = None
    for k, dl in ranked:
        if k in scores or (eligible is not None and k not in eligible):
            continue
        d = BASE + W_DL * dl - W_AC * log(1 + changes - dl)
        if floor is None:  # the strongest non-creator: the best DOA is known from here on
            best = max(best, d)
            floor = best * THRESHOLD_NORMALISED
        if d < THRESHOLD_ABSOLUTE or d <= floor:
            break
        scores[k] = d
    if best <= 0:  # the reference normalises by the best positive DOA only; none means no author
        return []
    chosen = [k for k, d in scores.items()
              if d / best > THRESHOLD_NORMALISED and (d >= THRESHOLD_ABSOLUTE or k in creators)]
    return sorted(chosen, key=lambda k: (-scores[k], label(k)))


def _count(item: tuple[object, int]) -> int:
    return item[1]


def truck_factor(file_authors: Sequence[Collection[K]], files: int | None = None) -> tuple[int, list[K]]:
    """(truck factor, the people removed in order). `files` defaults to len(file_authors); files without
    any author count in it, as in the reference (they can never be covered)."""
    total = len(file_authors) if files is None else files
    if total <= 0:
        return 0, []
    owned: dict[K, set[int]] = {}
    for i, keys in enumerate(file_authors):
        for k in keys:
            owned.setdefault(k, set()).add(i)
    covered_by = [len(keys) for keys in file_authors]  # authors still present, per file
    covered = sum(1 for n in covered_by if n)
    removed: list[K] = []
    while owned and covered / total >= COVERAGE:
        top = min(owned, key=lambda k: (-len(owned[k]), str(k)))
        for i in owned.pop(top):
            covered_by[i] -= 1
            if covered_by[i] == 0:
                covered -= 1
        removed.append(top)
    return len(removed), removed


def pruned(file_authors: Sequence[Collection[K]], removed: Sequence[K],
           share: float = PRUNE_SHARE) -> tuple[int, list[K]]:
    """The pruned truck factor: of `removed` (truck_factor()'s people), those authoring at least `share` of
    the files the strongest of them authors (counted over all files, as the greedy step counts)."""
    if not removed:
        return 0, []
    wanted = set(removed)
    owned: dict[K, int] = dict.fromkeys(removed, 0)
    for keys in file_authors:
        for k in keys:
            if k in wanted:
                owned[k] += 1
    top = max(owned.values())
    kept = [k for k in removed if top and owned[k] / top >= share]
    return len(kept), kept


def orphaned_share(file_authors: Sequence[Collection[K]], gone: Collection[K], files: int | None = None) -> float:
    """Share of files that have authors, all of whom are in `gone` ("knowledge held by leavers")."""
    total = len(file_authors) if files is None else files
    if total <= 0:
        return 0.0
    held = sum(1 for keys in file_authors if keys and all(k in gone for k in keys))
    return held / total
