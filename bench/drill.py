"""How fast is `ownership drill` on a large catalog?

The catalog of bench/route.py (default 10,000 systems, 2,000 teams, 6,000 people), with rotations as real orgs
have them: each team's hand-over at its own hour and weekday, some daily and some two-weekly shifts, and 1% of
the people leaving during the window. Then, side by side:

  plain    page() and the roles of every system at every hand-over of every rotation (the reference), on the
           first --subset systems, extrapolated to all of them
  fast     the drill (routing/drill.py): each system only at the hand-overs that can change its answer,
           on the same subset (ratio = plain / fast, the answers compared) and on the whole catalog
           (in-process, catalog loaded; target <= 30 s)

Medians of --runs runs. Then the CLI end to end once (`python -m ownership drill`, a subprocess).

    python bench/drill.py [--systems 10000] [--teams 2000] [--weeks 4] [--subset 200] [--runs 3]
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from route import generate, read_roster  # noqa: E402  (the same catalog as bench/route.py)

from ownership.catalog.load import load_paths  # noqa: E402
from ownership.routing.drill import drill  # noqa: E402

START = dt.datetime(2026, 11, 30, tzinfo=dt.timezone.utc)


def vary(root: Path, seed: int = 3) -> None:
    """Each team rotation gets its own hand-over hour and weekday and a 1d, 7d or 14d shift; 1% of the
    people leave during the window."""
    rng = random.Random(seed)
    teams = root / "catalog" / "teams.yaml"
    lines = teams.read_text().splitlines()
    out = []
    for line in lines:
        if line.strip() == "shift: 7d" and not out[-2].strip().startswith("- name: incident-commander"):
            line = f"    shift: {rng.choice(['1d', '7d', '7d', '7d', '14d'])}"
        elif line.strip() == "start: 2026-01-05" and not out[-3].strip().startswith("- name: incident-commander"):
            line = f"    start: 2026-01-{rng.randint(5, 11):02d}T{rng.randint(0, 23):02d}:00:00Z"
        out.append(line)
    teams.write_text("\n".join(out) + "\n")
    roster = root / "roster.csv"
    rows = roster.read_text().splitlines()
    for i in range(1, len(rows)):
        if rng.random() < 0.01:
            cells = rows[i].split(",")
            cells[3], cells[4] = "true", (START.date() + dt.timedelta(days=rng.randint(1, 27))).isoformat()
            rows[i] = ",".join(cells)
    roster.write_text("\n".join(rows) + "\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--systems", type=int, default=10_000)
    ap.add_argument("--teams", type=int, default=2_000)
    ap.add_argument("--people", type=int, default=6_000)
    ap.add_argument("--weeks", type=int, default=4)
    ap.add_argument("--subset", type=int, default=200, help="systems the plain reference is timed on")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    end = START + dt.timedelta(weeks=args.weeks)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root, args.systems, args.teams, args.people)
        vary(root)
        catalog, _ = load_paths([root / "catalog"])
        roster = read_roster(root / "roster.csv")
        names = sorted(catalog.systems)[:: max(1, len(catalog.systems) // args.subset)][:args.subset]
        part = dataclasses.replace(catalog, systems={n: catalog.systems[n] for n in names})
        plain_t, fast_t = [], []
        for _ in range(args.runs):
            t = time.perf_counter()
            plain = drill(part, roster, START, end, plain=True)
            plain_t.append(time.perf_counter() - t)
            t = time.perf_counter()
            fast = drill(part, roster, START, end)
            fast_t.append(time.perf_counter() - t)
            assert fast.gaps == plain.gaps, "the fast path must answer as the plain one"
        p, f = statistics.median(plain_t), statistics.median(fast_t)
        scale = len(catalog.systems) / len(names)
        print(f"catalog: {len(catalog.systems):,} systems, {len(catalog.teams):,} teams, "
              f"{len(catalog.rotations):,} rotations, {len(roster.people):,} people; window {args.weeks} weeks")
        print(f"subset of {len(names)} systems, {plain.hand_overs} hand-overs in the window, same {len(fast.gaps)} gaps:")
        print(f"  plain  median {p:.2f} s ({plain.asked:,} page lists)  -> {p * scale:.0f} s for all systems")
        print(f"  fast   median {f:.2f} s ({fast.asked:,} page lists)")
        print(f"  ratio plain/fast {p / f:.1f}x")
        full_t = []
        for _ in range(args.runs):
            t = time.perf_counter()
            whole = drill(catalog, roster, START, end)
            full_t.append(time.perf_counter() - t)
        med = statistics.median(full_t)
        print(f"fast, all {len(catalog.systems):,} systems (in-process): median {med:.1f} s "
              f"({', '.join(f'{x:.1f}' for x in full_t)}); {whole.asked:,} page lists, {len(whole.gaps):,} gaps"
              f"  target <= 30 s{'' if med <= 30 else '  MISSED'}")
        env = {**os.environ, "XDG_CACHE_HOME": str(root / "cache"), "HOME": str(root)}
        env.pop("OWNERSHIP_PAGERDUTY_TOKEN", None)
        t = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "ownership", "drill", "--catalog", str(root / "catalog"),
                               "--roster", str(root / "roster.csv"), "--from", START.isoformat(), "--weeks",
                               str(args.weeks), "--format", "json", "--allow-roster-shrink"],
                              capture_output=True, check=False, env=env)
        took = time.perf_counter() - t
        if done.returncode not in (0, 1):
            raise SystemExit(done.stderr.decode())
        gaps = len(re.findall(r'"kind":', done.stdout.decode()))
        print(f"CLI end to end (`ownership drill --weeks {args.weeks}`, subprocess, empty cache): {took:.1f} s, "
              f"{gaps:,} gaps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
