"""How long does `ownership site` take on a 10,000-system catalog?

Generates the same deterministic catalog as bench/validate.py (default 10,000 systems, 2,000 teams) plus an
HR roster of everyone it names (about 1 in 12 of them left), then times the whole `ownership site` pipeline
in-process: load, audit, page lists, blast-radius pictures, search index, rendering and writing every page.
Git history is not scanned (the generated repositories do not exist). Target: under 30 s.
`--cycle` also makes every system depend on the next and the last on the first: one dependency cycle through
the whole catalog (`--cycle --systems 100000` is the worst case of issue 12).

`--depth` compares instead, median of `--rounds`, the site of a catalog that is one dependency chain (each system
depends on the next: as deep as the catalog) with the site of as many independent systems (issue 24: 54 s
against 4.7 s at 4,000 systems when each system's blast radius walked the graph). Target: <= 1.5x.

    python bench/site.py [--systems 10000] [--teams 2000] [--cycle] [--no-roster] [--keep DIR]
    python bench/site.py --depth [--systems 4000] [--rounds 3]
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from validate import generate  # noqa: E402  (the bench folder is not a package)

from ownership.audit import audit  # noqa: E402
from ownership.commands import site  # noqa: E402
from ownership.inputs import prepare  # noqa: E402
from ownership.config import Config  # noqa: E402

AT = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.timezone.utc)
TARGET = 30.0
DEPTH_TARGET = 1.5


def roster(path: Path) -> int:
    """Everyone the generated catalog can name (p0000-p4999, m000-m299), every 12th of them gone."""
    rows = ["id,email,name,status,end_date,team"]
    people = [f"p{i:04d}" for i in range(5000)] + [f"m{i:03d}" for i in range(300)]
    for n, handle in enumerate(people):
        gone = n % 12 == 5
        rows.append(f"{n + 1},{handle}@acme.test,Person {handle},{'Inactive' if gone else 'Active'},"
                    f"{'2026-06-30' if gone else ''},")
    path.write_text("\n".join(rows) + "\n")
    return len(people)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--systems", type=int, default=10_000)
    ap.add_argument("--teams", type=int, default=2_000)
    ap.add_argument("--cycle", action="store_true", help="put every system in one dependency cycle")
    ap.add_argument("--no-roster", action="store_true", help="build without an HR roster")
    ap.add_argument("--keep", metavar="DIR", help="write the site here (kept) instead of a temp folder")
    ap.add_argument("--offboard-limit", type=int, default=None,
                    help="simulate off-boarding on person pages up to this many people (default: the site's)")
    ap.add_argument("--depth", action="store_true", help="compare a dependency chain with independent systems")
    ap.add_argument("--rounds", type=int, default=3, help="with --depth: rounds (the median is reported)")
    ap.add_argument("--pictures", choices=("builtin", "auto", "dot"), default="builtin",
                    help="with --depth: how pictures are drawn (default builtin: Graphviz's dot costs up to its "
                         "30 s budget per run for the chain's pictures, independent systems have none, and that "
                         "budgeted time is not what depth costs)")
    args = ap.parse_args()
    if args.depth:
        return depth(args.systems, args.teams, args.rounds, args.pictures)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "catalog"
        root.mkdir()
        generate(root, args.systems, args.teams, cycle=args.cycle)
        source = None
        if not args.no_roster:
            source = str(Path(tmp) / "roster.csv")
            print(f"roster: {roster(Path(source)):,} people")
        out = args.keep or str(Path(tmp) / "site")
        print(f"catalog: {args.systems:,} systems{' in one cycle' if args.cycle else ''}, {args.teams:,} teams")
        t0, c0 = time.perf_counter(), time.process_time()
        snap, loaded = prepare([str(root)], Config(), today=AT.date(), roster_source=source,
                               allow_roster_shrink=True, scan=False)
        audit(snap, loaded)
        t1, c1 = time.perf_counter(), time.process_time()
        outcome = site.run(site.Request([str(root)], Config(), out, at=AT, roster_source=source,
                                        allow_roster_shrink=True, scan=False, warn=lambda line: None,
                                        offboard_limit=args.offboard_limit))
        t2, c2 = time.perf_counter(), time.process_time()
        print(f"site: {outcome.files:,} files ({outcome.systems:,} systems, {outcome.teams:,} teams, "
              f"{outcome.people:,} people)")
        print(f"of which loading and auditing alone (measured apart): {t1 - t0:.1f} s wall, {c1 - c0:.1f} s CPU")
        print(f"ownership site (in-process): {t2 - t1:.1f} s wall, {c2 - c1:.1f} s CPU  (target < {TARGET:.0f} s)")
    return 0


def depth(systems: int, teams: int, rounds: int, pictures: str = "builtin") -> int:
    """The whole `site` pipeline (no roster, no history) on a chain and on independent systems, interleaved;
    pictures drawn as `pictures:` says."""
    config = Config(values={"pictures": pictures})
    with tempfile.TemporaryDirectory() as tmp:
        roots = {}
        for shape in ("chain", "independent"):
            roots[shape] = Path(tmp) / shape
            roots[shape].mkdir()
            generate(roots[shape], systems, teams, shape=shape)
        times: dict[str, list[float]] = {"chain": [], "independent": []}
        for r in range(rounds):
            for shape, root in roots.items():
                t0 = time.perf_counter()
                site.run(site.Request([str(root)], config, str(Path(tmp) / f"site-{shape}-{r}"), at=AT,
                                      roster_source=None, scan=False, warn=lambda line: None))
                times[shape].append(time.perf_counter() - t0)
        med = {shape: statistics.median(t) for shape, t in times.items()}
        for shape, t in times.items():
            print(f"site, {systems:,} {'systems in one chain' if shape == 'chain' else 'independent systems'}: "
                  f"median {med[shape]:.1f} s  ({', '.join(f'{x:.1f}' for x in t)})")
        print(f"ratio chain/independent: {med['chain'] / med['independent']:.2f}x  (target <= {DEPTH_TARGET}x; "
              f"pictures: {pictures})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
