"""How fast is `ownership validate` on a large Backstage tree, next to Backstage's own validators?

Generates a deterministic Backstage tree (default 10,000 entities) into a temp dir, in the shape of
Backstage's example org: a root Location, 200 Groups (teams under 10 departments), one User per file, and
per team a System with Components, Resources and an API in one multi-document file. Then, side by side on
the same files, medians of `--runs` runs each: `python -m ownership validate` as a subprocess with an empty
cache and warm (the per-file cache), and the node oracle (tests/backstage_oracle/validate.js:
@backstage/catalog-model's entity policies and kind validators); prints the ratios.

    python bench/backstage.py [--entities 10000] [--runs 5]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ORACLE = Path(__file__).resolve().parents[1] / "tests" / "backstage_oracle" / "validate.js"
HEAD = "apiVersion: backstage.io/v1alpha1\n"


def generate(cat: Path, n_entities: int, seed: int = 14) -> list[Path]:
    """The tree under cat; returns its files. Counts: 10 departments + 190 teams, 1 User per 4 entities."""
    rng = random.Random(seed)
    (cat / "people").mkdir(parents=True)
    (cat / "systems").mkdir()
    teams = [f"team-{i:03d}" for i in range(190)]
    depts = [f"dept-{i}" for i in range(10)]
    groups = []
    for i, d in enumerate(depts):
        kids = teams[i::10]
        groups.append(HEAD + f"kind: Group\nmetadata:\n  name: {d}\nspec:\n  type: department\n"
                      f"  children: [{', '.join(kids)}]\n")
    for i, t in enumerate(teams):
        groups.append(HEAD + f"kind: Group\nmetadata:\n  name: {t}\nspec:\n  type: team\n  parent: {depts[i % 10]}\n"
                      "  children: []\n")
    (cat / "groups.yaml").write_text("---\n".join(groups))
    n_users = n_entities // 4
    for i in range(n_users):
        (cat / "people" / f"user-{i:05d}.yaml").write_text(
            HEAD + f"kind: User\nmetadata:\n  name: user-{i:05d}\nspec:\n  profile:\n"
            f"    email: user-{i:05d}@example.com\n  memberOf: [{teams[i % len(teams)]}]\n")
    left = n_entities - len(groups) - n_users - 1
    per_team = left // len(teams)
    for t_i, t in enumerate(teams):
        docs = [HEAD + f"kind: System\nmetadata:\n  name: sys-{t_i:03d}\nspec:\n  owner: {t}\n"]
        components: list[str] = []
        for j in range(per_team - 1 + (1 if t_i < left % len(teams) else 0)):
            name = f"c-{t_i:03d}-{j:03d}"
            roll = rng.random()
            if roll < 0.15:
                docs.append(HEAD + f"kind: Resource\nmetadata:\n  name: {name}\nspec:\n  type: database\n"
                            f"  owner: {t}\n  system: sys-{t_i:03d}\n")
            elif roll < 0.25:
                docs.append(HEAD + f"kind: API\nmetadata:\n  name: {name}\nspec:\n  type: openapi\n"
                            f"  lifecycle: production\n  owner: {t}\n  system: sys-{t_i:03d}\n"
                            "  definition: 'openapi: 3.0.0'\n")
            else:
                dep = rng.choice(components) if components else ""
                components.append(name)
                docs.append(HEAD + f"kind: Component\nmetadata:\n  name: {name}\n  tags: [java, web]\n"
                            "  links:\n    - url: https://wiki.example.com/runbook\n      title: Runbook\n"
                            f"spec:\n  type: service\n  lifecycle: production\n  owner: {t}\n"
                            f"  system: sys-{t_i:03d}\n" + (f"  dependsOn: ['component:{dep}']\n" if dep else ""))
        (cat / "systems" / f"sys-{t_i:03d}.yaml").write_text("---\n".join(docs))
    (cat / "all.yaml").write_text(HEAD + "kind: Location\nmetadata:\n  name: root\nspec:\n  targets:\n"
                                  "    - ./groups.yaml\n    - ./people/*.yaml\n    - ./systems/*.yaml\n")
    return sorted(p for p in cat.rglob("*.yaml"))


def timed(cmd: list[str], env: dict[str, str], stdin: str | None = None) -> tuple[float, str]:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env, timeout=600, check=False)
    took = time.perf_counter() - t0
    if done.returncode not in (0, 1):
        sys.exit(f"{cmd[:3]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return took, done.stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--entities", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    if shutil.which("node") is None or not (ORACLE.parent / "node_modules").is_dir():
        sys.exit("needs node and `npm ci --prefix tests/backstage_oracle`")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        subprocess.run(["git", "init", "-q", str(root)], check=True, timeout=30)
        cat = root / "catalog"
        files = generate(cat, args.entities)
        env = {**os.environ, "XDG_CACHE_HOME": str(root / "cache")}
        cmd = [sys.executable, "-m", "ownership", "validate", "--format", "json", "--catalog", str(cat)]
        cold, warm, node = [], [], []
        out = ""
        for _ in range(args.runs):
            shutil.rmtree(root / "cache", ignore_errors=True)
            cold.append(timed(cmd, env)[0])
            took, out = timed(cmd, env)
            warm.append(took)
            took, verdicts = timed(["node", str(ORACLE)], env, json.dumps([str(f) for f in files]))
            node.append(took)
        rows = json.loads(verdicts)
        counts = json.loads(out)["counts"]
        print(f"{len(rows)} entities in {len(files)} files; Backstage accepts "
              f"{sum(r['accepted'] for r in rows)}; ownership: {counts}")
        for label, xs in (("ownership validate, empty cache", cold), ("ownership validate, warm", warm),
                          ("Backstage validators (node)", node)):
            print(f"{label:34} median {statistics.median(xs):6.2f} s  (min {min(xs):.2f}, max {max(xs):.2f})")
        n = statistics.median(node)
        print(f"ratio ownership/node: empty cache {statistics.median(cold) / n:.2f}, "
              f"warm {statistics.median(warm) / n:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
