"""What do code-free caches cost `page`? Issue 24 point 3: the catalog parse cache and the roster recall were
pickles, now they are JSON read as checked data (catalog/cachefmt.py, roster/guard.py).

Side by side, on bench/route.py's generated org (default 10,000 systems, 2,000 teams, 6,000 people):
- warm `ownership page --roster` end to end (a subprocess, catalog and roster from disk, cache filled first),
  baseline sources and ours taking turns, median of `--runs` each; the target is bench/route.py's 0.6 s;
- what reading the cache itself takes in one process: every catalog entry read back (pickle.loads of the
  baseline's entries, cachefmt.decode of ours) and the roster recall, best of `--runs`, process CPU time
  (steadier than wall time on a shared machine).
The baseline is `--baseline-rev` (default main) of this repository, extracted with `git archive` to a temp
dir. Each side's warm answer (page JSON) must equal its empty-cache answer, and the two sides' answers must be
equal: a faster cache must not change an answer.

    python bench/cache_format.py [--systems 10000] [--runs 7] [--baseline-rev main]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

import route  # noqa: E402  (bench/route.py: the generated org)

AT = "2026-11-30T03:00:00+00:00"


def cli(src: Path, org: Path, cache: Path) -> tuple[float, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OWNERSHIP_")}
    env.update(PYTHONPATH=str(src), XDG_CACHE_HOME=str(cache), HOME=str(org))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed (see bench/route.py)
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "ownership", "page", "edge-09000", "--catalog", str(org / "catalog"),
                           "--roster", str(org / "roster.csv"), "--at", AT, "--format", "json",
                           "--allow-roster-shrink"], capture_output=True, text=True, env=env, check=False,
                          timeout=300)
    took = time.perf_counter() - t
    if done.returncode not in (0, 1) or "Traceback" in done.stderr:
        raise SystemExit(done.stderr)
    return took, done.stdout


READ = r"""
import hashlib, pickle, sys, time
from pathlib import Path
from ownership.catalog import cache
from ownership.catalog.load import discover, read_sources
from ownership.roster import RosterSettings, files, guard

org, where, runs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
suffix = getattr(cache, "SUFFIX", ".pickle")
todo = []
for path, data in read_sources(discover([org / "catalog"])):
    raw = data.encode() if isinstance(data, str) else data
    todo.append((where / "catalog-files" / f"{cache._key(path)}{suffix}", len(raw), hashlib.sha256(raw).digest()))
roster = str(org / "roster.csv")
fingerprint = files.fingerprint(roster, RosterSettings())
import gc
gc.disable()  # as load_sources reads them (collector.paused)
best_catalog = best_roster = float("inf")
for _ in range(runs):
    t = time.process_time()
    assert all(cache._read(*entry) is not None for entry in todo)
    best_catalog = min(best_catalog, time.process_time() - t)
    t = time.process_time()
    assert guard.recall(roster, fingerprint) is not None
    best_roster = min(best_roster, time.process_time() - t)
print(best_catalog, best_roster)
"""


def read_times(src: Path, org: Path, cache: Path, runs: int) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": str(src), "XDG_CACHE_HOME": str(cache), "HOME": str(org)}
    done = subprocess.run([sys.executable, "-c", READ, str(org), str(cache / "ownership"), str(runs)],
                          capture_output=True, text=True, env=env, check=True, timeout=600)
    catalog, roster = done.stdout.split()
    return float(catalog), float(roster)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--systems", type=int, default=10_000)
    ap.add_argument("--teams", type=int, default=2_000)
    ap.add_argument("--people", type=int, default=6_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--baseline-rev", default="main")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        base = root / "baseline"
        base.mkdir()
        archive = subprocess.run(["git", "-C", str(REPO), "archive", args.baseline_rev, "src"], capture_output=True,
                                 check=True, timeout=120).stdout
        subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True, timeout=120)
        sides = {"baseline": base / "src", "ours": REPO / "src"}
        org = root / "org"
        org.mkdir()
        route.generate(org, args.systems, args.teams, args.people)
        answers: dict[str, str] = {}
        for name, src in sides.items():
            _, empty = cli(src, org, root / f"cache-{name}")
            _, warm = cli(src, org, root / f"cache-{name}")
            assert json.loads(warm) == json.loads(empty), f"{name}: the warm answer differs from the empty-cache one"
            answers[name] = warm
        assert json.loads(answers["ours"]) == json.loads(answers["baseline"]), "ours answers otherwise"
        print(f"org: {args.systems:,} systems, {args.teams:,} teams, {args.people:,} people; answers equal "
              f"(warm = empty cache, ours = baseline {args.baseline_rev})")
        warm_times: dict[str, list[float]] = {name: [] for name in sides}
        for _ in range(args.runs):  # taking turns, so a busy moment of the machine hits both sides
            for name, src in sides.items():
                warm_times[name].append(cli(src, org, root / f"cache-{name}")[0])
        reads = {name: read_times(src, org, root / f"cache-{name}", args.runs) for name, src in sides.items()}
        med = {name: statistics.median(t) for name, t in warm_times.items()}
        print(f"warm `page --roster` end to end, median of {args.runs} (target <= 0.6 s):")
        for name in sides:
            print(f"  {name:<9} {med[name]:.2f} s  ({', '.join(f'{t:.2f}' for t in warm_times[name])})")
        print(f"  ratio ours/baseline {med['ours'] / med['baseline']:.2f}")
        print(f"reading the caches in one process, best of {args.runs}, CPU time:")
        for i, what in enumerate(("every catalog entry", "the roster recall")):
            b, o = reads["baseline"][i], reads["ours"][i]
            print(f"  {what:<20} baseline (pickle) {b * 1000:.0f} ms, ours (JSON) {o * 1000:.0f} ms, "
                  f"ratio {o / b:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
