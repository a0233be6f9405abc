"""How much slower is `ownership validate` than merely parsing the same YAML with libyaml?

Generates a deterministic catalog (default 10,000 systems, 2,000 teams) into a temp dir, then times, side by
side in one process and several rounds:
  baseline: yaml.load(..., Loader=yaml.CSafeLoader) of every file
  ours:     the whole `ownership validate` pipeline (load with locations, all catalog rules, text render)
and prints the median of each and their ratio. Target: ratio <= 2.0.

    python bench/validate.py [--systems 10000] [--teams 2000] [--rounds 5]
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

from ownership.catalog.load import discover
from ownership.commands import validate
from ownership.config import Config
from ownership.render.findings import text_report

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


def baseline(files: list[Path]) -> int:
    n = 0
    for f in files:
        with f.open("rb") as fh:
            data = yaml.load(fh.read(), Loader=yaml.CSafeLoader)
        n += len(data)
    return n


def ours(root: Path) -> int:
    outcome = validate.check([str(root)], Config(), dt.date(2026, 11, 30))
    body, _ = text_report(outcome.findings)
    return len(body)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--systems", type=int, default=10_000)
    ap.add_argument("--teams", type=int, default=2_000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root, args.systems, args.teams)
        files = discover([root])
        size = sum(f.stat().st_size for f in files)
        print(f"catalog: {args.systems:,} systems, {args.teams:,} teams, {len(files)} files, {size / 1e6:.1f} MB")
        outcome = validate.check([str(root)], Config(), dt.date(2026, 11, 30))
        print(f"findings on the generated catalog: {len(outcome.findings)} (expected 0)")
        base_t, our_t = [], []
        for _ in range(args.rounds):  # interleaved, so machine noise hits both alike
            t0 = time.perf_counter()
            baseline(files)
            t1 = time.perf_counter()
            ours(root)
            t2 = time.perf_counter()
            base_t.append(t1 - t0)
            our_t.append(t2 - t1)
        b, o = statistics.median(base_t), statistics.median(our_t)
        print(f"baseline yaml.load(CSafeLoader): median {b:.3f} s  ({', '.join(f'{t:.2f}' for t in base_t)})")
        print(f"ownership validate (in-process): median {o:.3f} s  ({', '.join(f'{t:.2f}' for t in our_t)})")
        print(f"ratio ours/baseline: {o / b:.2f}x  (target <= 2.0x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
