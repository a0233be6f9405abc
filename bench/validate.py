"""How much slower and bigger is `ownership validate` than merely parsing the same YAML with libyaml?

Generates a deterministic catalog per size (default 10,000 and 50,000 systems, 2,000 teams) into a temp dir,
then runs each side in its own fresh process, interleaved, several rounds, and reads each process's time and
peak memory (VmHWM, which includes the interpreter and its imports on both sides); time is the process's CPU
time (wall time, printed too, swings with whatever else the machine runs):
  baseline: yaml.load(..., Loader=yaml.CSafeLoader) of every file, once keeping nothing (the parser alone: the
            time to beat) and once keeping every document (a check of the whole catalog has to hold all of
            it: the memory to compare with; keeping nothing is the interpreter and libyaml alone)
  ours:     the whole `ownership validate` pipeline (load with locations, all catalog rules, text render)
and prints the medians and their ratios, with the load average before and after. Targets at 50,000:
time <= 1.3x, memory <= 2x.

    python bench/validate.py [--systems 10000 50000] [--teams 2000] [--rounds 3]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml


TIERS = (1, 2, 3, 4)
LIFECYCLES = ("production", "production", "production", "experimental", "deprecated")


def generate(root: Path, n_systems: int, n_teams: int, seed: int = 7, cycle: bool = False,
             shape: str = "layered", unknown: int = 0) -> None:
    """The catalog; `cycle`: each system also depends on the next one, the last on the first (one big cycle).
    `shape`: "layered" (each system depends on up to 4 higher-numbered ones), "chain" (each on the next one
    only: one path as deep as the catalog) or "independent" (no dependencies at all).
    `unknown`: this many systems (spread over the catalog) also depend on a system that does not exist (see
    `unknown_name`), so `unknown-system` reports them with a "did you mean" hint where one is close."""
    rng = random.Random(seed)
    teams = [f"team-{i:04d}" for i in range(n_teams)]
    per_file = 100
    for start in range(0, n_teams, per_file):
        lines = ["teams:"]
        for name in teams[start:start + per_file]:
            members = ", ".join(f"p{rng.randrange(5000):04d}@acme.test" for _ in range(rng.randint(2, 6)))
            lines += [f"  - name: {name}", f"    description: Team {name}", f"    members: [{members}]",
                      f"    manager: m{rng.randrange(300):03d}@acme.test", f'    channel: "#{name}"']
        (root / f"teams-{start // per_file:03d}.yaml").write_text("\n".join(lines) + "\n")
    systems = [f"svc-{i:05d}" for i in range(n_systems)]
    every = n_systems // unknown if unknown else 0
    sysdir = root / "systems"
    sysdir.mkdir()
    per_file = 50
    for start in range(0, n_systems, per_file):
        lines = ["# generated", "systems:"]
        for i in range(start, min(start + per_file, n_systems)):
            name = systems[i]
            # depend only on higher-numbered systems: a realistic layered DAG, no cycles
            deps = sorted({systems[rng.randrange(i + 1, n_systems)] for _ in range(rng.randint(0, 4))}
                          if i < n_systems - 1 else set())
            if shape != "layered":
                deps = [systems[i + 1]] if shape == "chain" and i < n_systems - 1 else []
            if every and i % every == 0 and i // every < unknown:
                deps = [*deps, unknown_name(rng, systems)]
            if cycle:
                deps = sorted({*deps, systems[(i + 1) % n_systems]})
            lines += [
                f"  - name: {name}",
                f"    description: \"Service {i}: does a thing for {rng.choice(teams)}\"",
                f"    owner: {rng.choice(teams)}",
                f"    maintainers: [p{rng.randrange(5000):04d}@acme.test]",
                f"    tier: {rng.choice(TIERS)}",
                f"    lifecycle: {rng.choice(LIFECYCLES)}",
                f"    customer_facing: {str(rng.random() < 0.3).lower()}",
                "    repos:",
                "      - url: https://git.acme.test/acme/monorepo.git",
                f"        paths: [services/{name}/]",
                f"    depends_on: [{', '.join(deps)}]",
                f'    channels: {{incident: "#inc-{name}", status: "#status-{name}"}}',
                f"    runbook: https://wiki.acme.test/{name}/runbook",
            ]
        (sysdir / f"systems-{start // per_file:04d}.yaml").write_text("\n".join(lines) + "\n")


def unknown_name(rng: random.Random, systems: list[str]) -> str:
    """A name no system has: a typo of one (a character dropped, doubled or changed) or, one time in four, an
    unrelated name (no hint)."""
    while True:
        name = rng.choice(systems)
        at = rng.randrange(len(name))
        kind = rng.randrange(4)
        if kind == 0:
            name = name[:at] + name[at + 1:]
        elif kind == 1:
            name = name[:at] + name[at] + name[at:]
        elif kind == 2:
            name = name[:at] + rng.choice("abcdefxyz") + name[at + 1:]
        else:
            name = f"{rng.choice(('billing', 'ledger', 'search', 'auth'))}-{rng.choice(('api', 'db', 'queue'))}"
        if name not in systems:
            return name


def baseline(files: list[Path], keep: bool = True) -> int:
    n = 0
    kept = []
    for f in files:
        with f.open("rb") as fh:
            data = yaml.load(fh.read(), Loader=yaml.CSafeLoader)
        n += len(data)
        if keep:
            kept.append(data)
    return n


def ours(root: Path) -> int:
    from ownership.commands import validate
    from ownership.config import Config
    from ownership.render.findings import text_report

    outcome = validate.check([str(root)], Config(), dt.date(2026, 11, 30))
    body, _ = text_report(outcome.findings)
    return len(body)


def one_side(side: str, root: Path) -> None:
    """In a fresh process: run one side once, print its seconds and peak memory (MB) as JSON."""
    # the baseline imports nothing of ownership: the catalog is every .yaml file below root, as generate() wrote
    # them (the same list discover() gives); found outside the timing
    files = sorted(root.rglob("*.yaml"))
    if side == "ours":  # imported before the clock starts, as yaml is on the other side
        import ownership.commands.validate  # noqa: F401
        import ownership.render.findings  # noqa: F401
    t0, c0 = time.perf_counter(), time.process_time()
    if side == "ours":
        ours(root)
    else:
        baseline(files, keep=side == "baseline")
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"seconds": seconds, "cpu": cpu, "mb": _peak_mb()}))


def _peak_mb() -> float:
    """This process's peak resident memory: VmHWM (Linux), which starts afresh at exec; ru_maxrss would
    carry over the peak of the bench process that started this one."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def _run(side: str, root: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "--side", side, "--root", str(root)], capture_output=True,
                          text=True, check=True, timeout=3600)
    result: dict[str, float] = json.loads(done.stdout)
    return result


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--systems", type=int, nargs="+", default=[10_000, 50_000])
    ap.add_argument("--teams", type=int, default=2_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--side", choices=("baseline", "nothing-kept", "ours"), help=argparse.SUPPRESS)
    ap.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.side:
        one_side(args.side, args.root)
        return 0
    from ownership.catalog.load import discover
    from ownership.commands import validate
    from ownership.config import Config
    rows = []
    for systems in args.systems:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            generate(root, systems, args.teams)
            files = discover([root])
            assert sorted(files) == sorted(root.rglob("*.yaml")), "the baseline would read other files"
            size = sum(f.stat().st_size for f in files)
            print(f"catalog: {systems:,} systems, {args.teams:,} teams, {len(files)} files, {size / 1e6:.1f} MB")
            outcome = validate.check([str(root)], Config(), dt.date(2026, 11, 30))
            print(f"findings on the generated catalog: {len(outcome.findings)} (expected 0)")
            load_before = _load()
            runs: dict[str, list[dict[str, float]]] = {"baseline": [], "nothing-kept": [], "ours": []}
            for _ in range(args.rounds):  # interleaved, so machine noise hits every side alike
                for side in runs:
                    runs[side].append(_run(side, root))
            med = {side: tuple(statistics.median(r[k] for r in got) for k in ("cpu", "mb", "seconds"))
                   for side, got in runs.items()}
            for side, got in runs.items():
                print(f"  {side:>12}: median {med[side][0]:.2f} s CPU, {med[side][1]:.0f} MB, "
                      f"{med[side][2]:.2f} s wall  "
                      f"({', '.join('%.2f s/%.0f MB' % (r['cpu'], r['mb']) for r in got)})")
            rows.append((systems, med, load_before, _load()))
    print()
    print("| systems | yaml.load, nothing kept | yaml.load, all kept | validate | time ratio (vs nothing kept / "
          "all kept) | memory ratio (vs all kept) | load avg before -> after |")
    print("|---|---|---|---|---|---|---|")
    for systems, med, before, after in rows:
        (nt, nm, _), (bt, bm, _), (ot, om, _) = med["nothing-kept"], med["baseline"], med["ours"]
        print(f"| {systems:,} | {nt:.2f} s, {nm:.0f} MB | {bt:.2f} s, {bm:.0f} MB | {ot:.2f} s, {om:.0f} MB | "
              f"{ot / nt:.2f}x / {ot / bt:.2f}x | {om / bm:.2f}x | {before} -> {after} |")
    print("time: CPU seconds, median; targets at 50,000: time <= 1.3x, memory <= 2x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
