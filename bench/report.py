"""How long does `ownership report` take, and how many times does it derive each fact, baseline against ours?

Writes the example org once (`ownership demo`, --keep DIR reuses it: catalog, roster, real git repositories),
warms the scan cache, then runs `ownership report` on it as its own process with the baseline's sources
(`git archive REF src`, default REF `main`) and with this checkout's, alternately, --runs times each (median
printed, with the ratio ours / baseline). The report files of both must be byte-identical.

Then, in one process per side, the audit, the drill and the report's data model over one prepared snapshot
(the part issue 26 changed), timed (median of 4 x --runs) and then once more with the derivation functions
wrapped to count their calls (knowledge-loss, employed truck factor, active owners, successors, the drill):
the "times derived" of the architecture review's walk of `report` (§4.1). Process times on a shared machine
are noisy; the in-process median is the number to read.

    python bench/report.py [--runs 5] [--ref main] [--keep DIR]
"""
from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
TODAY = "2026-11-30"

# run inside each side's interpreter: counts derivations over audit + the report's data model
COUNT = r"""
import collections, datetime as dt, functools, json, statistics, sys, time
from pathlib import Path
from ownership.analysis import people, successors
import ownership.audit
from ownership.audit import audit
from ownership.config import load
from ownership.inputs import prepare
from ownership.report import document
from ownership.routing import drill as drill_module
snap, loaded = prepare(["catalog"], load(Path("ownership.yaml")), today=dt.date.fromisoformat(sys.argv[1]),
                       roster_source="roster.csv", allow_roster_shrink=True)
def once():
    result = audit(snap, loaded)
    if hasattr(document, "coverage_window"):  # ours: the command runs the drill and hands it over
        document.build(result, drill_module.drill(snap.catalog, snap.roster, *document.coverage_window(snap.today)))
    else:
        document.build(result)
times = []
for _ in range(int(sys.argv[2])):
    began = time.process_time()  # CPU time: other processes on a shared machine do not count
    once()
    times.append(time.process_time() - began)
calls = collections.Counter()
def wrap(module, name):
    real = getattr(module, name)
    @functools.wraps(real)
    def counted(*a, **k):
        calls[name] += 1
        return real(*a, **k)
    setattr(module, name, counted)
for module, name in ((people, "knowledge_loss"), (people, "employed_truck_factor"), (people, "active_owners"),
                     (successors, "suggest"), (drill_module, "drill")):
    wrap(module, name)
if hasattr(ownership.audit, "suggest"):  # the baseline's audit calls its own imported reference
    setattr(ownership.audit, "suggest", successors.suggest)
once()
print(json.dumps({"systems": len(snap.catalog.systems), "seconds": statistics.median(times), **calls}))
"""


def baseline(ref: str, into: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(HERE), "archive", ref, "src"], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def run(src: Path, org: Path, out: Path, *extra: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(src), "XDG_CACHE_HOME": str(org / ".xdg")}
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ownership", "report", "--today", TODAY, "--out", str(out),
                    "--history", str(org / "no-history"), *extra], cwd=org, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - began


def counts(src: Path, org: Path, runs: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(src), "XDG_CACHE_HOME": str(org / ".xdg")}
    done = subprocess.run([sys.executable, "-c", COUNT, TODAY, str(runs)], cwd=org, env=env, check=True, capture_output=True,
                          text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--ref", default="main", help="the baseline's git ref [default: main]")
    ap.add_argument("--keep", type=Path, help="reuse (or create) the example org in this folder")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-report-"))
    try:
        ours = HERE / "src"
        base = baseline(args.ref, work)
        org = args.keep or work / "org"
        if not (org / "catalog").is_dir():
            env = {**os.environ, "PYTHONPATH": str(ours), "XDG_CACHE_HOME": str(org / ".xdg")}
            subprocess.run([sys.executable, "-m", "ownership", "demo", "--out", str(org), "--today", TODAY],
                           env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        run(ours, org, work / "warm")  # the scan cache is warm for both sides from here on
        times: dict[str, list[float]] = {"baseline": [], "ours": []}
        for i in range(args.runs):
            times["baseline"].append(run(base, org, work / f"base-{i}"))
            times["ours"].append(run(ours, org, work / f"ours-{i}"))
        same = all(filecmp.cmp(work / "base-0" / n, work / "ours-0" / n, shallow=False)
                   for n in ("report.json", "report.md", "report.html"))
        b, o = statistics.median(times["baseline"]), statistics.median(times["ours"])
        print(f"ownership report on the example org, warm scan cache, median of {args.runs}:")
        print(f"  baseline ({args.ref}) {b:6.3f} s")
        print(f"  ours                {o:6.3f} s   ratio {o / b:.2f}x")
        print(f"  report.json, report.md, report.html byte-identical: {'yes' if same else 'NO'}")
        before, after = counts(base, org, args.runs * 4), counts(ours, org, args.runs * 4)
        print(f"audit + drill + the report's data model in one process, CPU time, median of {args.runs * 4}:")
        print(f"  baseline {before['seconds'] * 1000:7.1f} ms   ours {after['seconds'] * 1000:7.1f} ms   "
              f"ratio {after['seconds'] / before['seconds']:.2f}x")
        print(f"calls of each derivation in one audit + report ({after['systems']:.0f} systems):")
        print(f"  {'function':24} {'baseline':>9} {'ours':>6}")
        for name in ("knowledge_loss", "employed_truck_factor", "active_owners", "suggest", "drill"):
            print(f"  {name:24} {before.get(name, 0):9.0f} {after.get(name, 0):6.0f}")
        return 0 if same else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
