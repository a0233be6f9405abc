"""A generated org for the labelled audit scenario: 44 systems in six teams, one real monorepo (a folder per
system) with fixed dates, and an HR roster with leavers, a future leaver, a transfer and an idle maintainer.

Each system is one row: who wrote which file when. `HEALTHY` rows get two employed authors from the owning
team, one file each, inside the last 180 days: no finding. The special rows are described where they are
defined; the test writes down by hand which (rule, subject) pairs they must produce.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.gitrepo import GitRepo

TODAY = dt.date(2026, 6, 30)
DOMAIN = "org.test"
BOT = "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"


def ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


def email(who: str) -> str:
    return f"{who}@{DOMAIN}"


def ident(who: str) -> str:
    return BOT if who == "bot" else f"{who.upper()} Person <{email(who)}>"


# id, active, end date, HR department
ROSTER: list[tuple[str, bool, str, str]] = [
    ("k1", True, "", "Alpha"),  # alpha's manager
    ("a1", True, "", "Alpha"), ("a2", True, "", "Alpha"),
    ("b1", True, "", "Beta"), ("b2", True, "", "Beta"),
    ("g1", False, "2026-01-31", "Gamma"),  # left: half of gamma's old code is theirs
    ("g2", True, "", "Gamma"), ("g3", True, "", "Gamma"),
    ("d1", False, "2025-12-31", "Delta"),  # left: the only member of delta
    ("e1", True, "", "Epsilon"),
    ("e2", True, "", "Alpha"),  # transferred: the catalog still lists them in epsilon
    ("z1", True, "", "Zeta"), ("z2", True, "2026-12-31", "Zeta"),  # z2 leaves at the end of the year
    ("x1", True, "", "Platform"),  # employed, in no catalog team: a named maintainer who may be idle
    ("y1", False, "2025-06-30", "Zeta"),  # left; a named maintainer of maint-left
]

TEAMS: dict[str, dict[str, Any]] = {
    "alpha": {"members": ["a1", "a2"], "manager": "k1", "oncall": {"pagerduty": {"escalation_policy": "PALPHA1"}}},
    "beta": {"members": ["b1", "b2"], "oncall": {"rotation": "beta-primary"}},
    "gamma": {"members": ["g1", "g2", "g3"]},  # no on-call
    "delta": {"members": ["d1"]},
    "epsilon": {"members": ["e1", "e2"]},
    "zeta": {"members": ["z1", "z2"], "oncall": {"pagerduty": {"escalation_policy": "PZETA01"}}},
}


@dataclass
class Sys:
    name: str
    owner: str
    tier: int = 3
    lifecycle: str = "production"
    maintainers: Sequence[str] = ()
    depends_on: Sequence[str] = ()
    # (author, days ago, file) in any order; files are per system, "bot" is dependabot
    commits: Sequence[tuple[str, int, str]] | None = None  # None: HEALTHY; () : no repository
    extra: dict[str, Any] = field(default_factory=dict)


def healthy(team: str, days: int = 30) -> list[tuple[str, int, str]]:
    first, second = TEAMS[team]["members"][-2:] if team != "gamma" else ("g2", "g3")
    return [(first, days + 10, "a.py"), (second, days, "b.py")]


SYSTEMS: list[Sys] = [
    # -- ownerless ---------------------------------------------------------------------------------------
    # d1 (left) wrote all 3 files; a2 (alpha, employed) fixed one of them twice since: the successor
    Sys("orph-delta", "delta", commits=[("d1", 300, "a.py"), ("d1", 299, "b.py"), ("d1", 298, "c.py"),
                                        ("a2", 120, "a.py"), ("a2", 110, "a.py")]),
    # named maintainer x1 is employed but in no team and never committed here: not really an owner
    Sys("orph-ghost", "delta", maintainers=["x1"], commits=[("d1", 250, "a.py"), ("d1", 249, "b.py")]),
    # the same x1 does commit here: a real (if lonely) owner
    Sys("kept-by-x", "delta", maintainers=["x1"], commits=[("x1", 40, "a.py"), ("x1", 20, "b.py")]),
    # -- dormant at the tier limits (tier 1: 90 days allowed) ----------------------------------------------
    Sys("dormant-t1-91", "alpha", tier=1, commits=[("a1", 91, "a.py"), ("a2", 91, "b.py")]),
    Sys("dormant-t1-90", "alpha", tier=1, commits=[("a1", 90, "a.py"), ("a2", 90, "b.py")]),
    Sys("dormant-t2", "beta", tier=2, commits=[("b1", 181, "a.py"), ("b2", 181, "b.py")]),
    Sys("dormant-t3", "beta", tier=3, commits=[("b1", 366, "a.py"), ("b2", 366, "b.py")]),
    Sys("dormant-t4", "beta", tier=4, commits=[("b1", 731, "a.py"), ("b2", 731, "b.py")]),
    Sys("fresh-t4", "beta", tier=4, commits=[("b1", 729, "a.py"), ("b2", 729, "b.py")]),
    # humans stopped 425 days ago; only dependabot since: dormant all the same
    Sys("bots-only", "alpha", commits=[("a1", 430, "a.py"), ("a2", 425, "b.py"), ("bot", 20, "a.py"),
                                       ("bot", 10, "a.py")]),
    # -- deprecated ------------------------------------------------------------------------------------------
    Sys("deprecated-old", "alpha", lifecycle="deprecated", commits=[("a1", 900, "a.py"), ("a2", 900, "b.py")]),
    Sys("deprecated-used", "alpha", lifecycle="deprecated", commits=[("a1", 800, "a.py"), ("a2", 800, "b.py")]),
    Sys("prod-on-deprecated", "alpha", depends_on=["deprecated-used"]),
    Sys("exp-on-deprecated", "alpha", lifecycle="experimental", depends_on=["deprecated-old"]),
    # -- drift: 4 of 6 recent commits by a1 (alpha) on a beta system -----------------------------------------
    Sys("drift", "beta", commits=[("b1", 400, "a.py"), ("b2", 400, "b.py"), ("b1", 400, "c.py"),
                                  ("a1", 100, "a.py"), ("a1", 90, "a.py"), ("a1", 80, "a.py"), ("a1", 70, "a.py"),
                                  ("b2", 60, "b.py"), ("b1", 50, "c.py")]),
    # -- knowledge held by leavers: 2 of 3 files (67 %) vs exactly half -------------------------------------
    Sys("kl-high", "gamma", commits=[("g1", 200, "a.py"), ("g1", 200, "b.py"), ("g2", 30, "c.py")]),
    Sys("kl-half", "gamma", commits=[("g1", 200, "a.py"), ("g1", 200, "b.py"), ("g2", 30, "c.py"),
                                     ("g2", 30, "d.py")]),
    # -- one employed person knows it --------------------------------------------------------------------------
    Sys("bus-one", "zeta", tier=1, commits=[("z1", 30, "a.py"), ("z1", 20, "b.py")]),
    # -- no on-call for tiers 1 and 2 ----------------------------------------------------------------------
    Sys("gamma-t1", "gamma", tier=1),
    Sys("gamma-t2", "gamma", tier=2),
    Sys("gamma-t3", "gamma", tier=3),
    # -- people --------------------------------------------------------------------------------------------
    Sys("eps-maint", "epsilon", maintainers=["e2"]),  # e2 now works in alpha
    Sys("maint-left", "zeta", maintainers=["y1"]),  # y1 left; zeta's members still own it
    Sys("no-repos", "alpha", commits=()),
]
# healthy fillers, with a tier-1 chain in alpha so blast radius has something to count
for _team in ("alpha", "beta", "zeta", "epsilon"):
    for _i in range(5):
        SYSTEMS.append(Sys(f"{_team}-{_i}", _team, tier=1 if (_team, _i) == ("alpha", 0) else 3))
_by = {s.name: s for s in SYSTEMS}
_by["alpha-0"].depends_on = ["alpha-1", "kl-high"]  # a tier-1 system needs kl-high: its finding escalates
_by["alpha-1"].depends_on = ["alpha-2"]


def write(root: Path) -> dict[str, Path]:
    """Catalog (teams.yaml + systems.yaml), roster.csv, the monorepo and ownership.yaml under `root`."""
    cat = root / "catalog"
    cat.mkdir(parents=True)
    teams = [{"name": n, **{k: ([email(m) for m in v] if k == "members" else email(v) if k == "manager" else v)
                            for k, v in t.items()}} for n, t in TEAMS.items()]
    rotations = [{"name": "beta-primary", "members": [email("b1"), email("b2")], "shift": "7d",
                  "start": dt.date(2026, 1, 5)}]
    (cat / "teams.yaml").write_text(yaml.safe_dump({"teams": teams, "rotations": rotations}, sort_keys=False))
    systems = []
    for s in SYSTEMS:
        d: dict[str, Any] = {"name": s.name, "owner": s.owner}
        if s.maintainers:
            d["maintainers"] = [email(m) for m in s.maintainers]
        d |= {"tier": s.tier, "lifecycle": s.lifecycle}
        if s.commits != ():
            d["repos"] = [{"url": "https://git.org.test/mono.git", "paths": [f"svc/{s.name}/"]}]
        if s.depends_on:
            d["depends_on"] = list(s.depends_on)
        systems.append(d)
    (cat / "systems.yaml").write_text(yaml.safe_dump({"systems": systems}, sort_keys=False))
    rows = ["id,email,name,active,end_date,team"]
    rows += [f"{pid},{email(pid)},{pid.upper()} Person,{'active' if on else 'inactive'},{end},{team}"
             for pid, on, end, team in ROSTER]
    (root / "roster.csv").write_text("\n".join(rows) + "\n")
    _monorepo(root / "repos" / "mono")
    config = root / "ownership.yaml"
    config.write_text(yaml.safe_dump({"history": {"rewrite": {"https://git.org.test/": "repos/"},
                                                  "cache": "cache/"}}))
    return {"catalog": cat, "roster": root / "roster.csv", "config": config, "repo": root / "repos" / "mono"}


def _monorepo(path: Path) -> None:
    events = []
    for s in SYSTEMS:
        for who, days, name in (healthy(s.owner) if s.commits is None else s.commits):
            events.append((ago(days), s.name, who, name))
    repo = GitRepo.init(path)
    events.sort()
    revision: dict[str, int] = {}
    for day, system, who, name in events:
        f = f"svc/{system}/{name}"
        revision[f] = revision.get(f, 0) + 1
        repo.commit({f: f"# {f}\nrevision = {revision[f]}\n"}, author=ident(who), date=day,
                    message=f"{system}: change {name}")
