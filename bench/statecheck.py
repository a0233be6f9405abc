"""What checking a state costs when it is read (issue 25.3): the checksum and the strict types, against decoding.

Builds one large synthetic state (default 120,000 files with 1 to 4 authors each, 300 authors, 60 scopes
whose authors each have 40 day counts: the size of the largest states of bench/org.py's org) and writes it as
the cache does. Then times, median of --rounds (each the best of 3), side by side:

  decode      json.loads of the file's bytes                                     (the baseline)
  checksum    sealed.verify: sha256 over the same bytes
  load, then  RepoState.from_json as before issue 25 (converting with int()/str(), no type checks)
  load, now   RepoState.from_json now (nothing converted, every type checked)
  overhead    (checksum + load now - load then) / decode                         target < 10 %

    python bench/statecheck.py [--files 120000] [--rounds 5]
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import timeit
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from ownership.history import cache, sealed  # noqa: E402
from ownership.history.state import NOBODY, FileRec, RepoState, ScopeStats  # noqa: E402


def synthetic(files: int, authors: int, scopes: int, seed: int = 25) -> RepoState:
    rng = random.Random(seed)
    state = RepoState([(f"dir{i}",) for i in range(scopes)])
    for a in range(authors):
        state.author_id(f"Person {a}", f"person{a}@example.test")
    state.head = "f" * 40
    state.commits = files * 3
    state.lineage = ["e" * 40, "f" * 40]
    state.tree = [f"dir{i % scopes}/sub{i % 97}/file{i}.py" for i in range(files)]
    for path in state.tree:
        rec = FileRec(rng.randrange(authors) if rng.random() < 0.95 else NOBODY, path)
        rec.deliveries = {rng.randrange(authors): rng.randint(1, 9) for _ in range(rng.randint(1, 4))}
        rec.changes = sum(rec.deliveries.values())
        state.files[path] = rec
    for stats in state.scopes.values():
        for a in rng.sample(range(authors), min(authors, 60)):
            days = {19_000 + rng.randrange(1500): rng.randint(1, 5) for _ in range(40)}
            stats.authors[a] = [1_700_000_000 + rng.randrange(10**7), "%040x" % rng.getrandbits(160), days]
        stats.moved = (1_700_000_000, "a" * 40, "elsewhere/x.py")
    return state


def before(data: dict[str, Any]) -> RepoState:
    """RepoState.from_json as it was before issue 25 (the baseline of what loading cost)."""
    state = RepoState()
    state.head = str(data["head"])
    state.commits = int(data["commits"])
    state.lineage = [str(h) for h in data["lineage"]]
    for name, email in data["authors"]:
        state.author_id(str(name), str(email))
    n = len(state.authors)
    for path, (creator, changes, flat) in data["files"].items():
        path = str(path)
        rec = FileRec(int(creator), path)
        if not (0 <= rec.creator < n or rec.creator == NOBODY):
            raise ValueError("author id out of range")
        rec.changes = int(changes)
        it = iter(flat)
        rec.deliveries = deliveries = {int(k): int(c) for k, c in zip(it, it)}
        if deliveries and (min(deliveries) < 0 or max(deliveries) >= n):
            raise ValueError("author id out of range")
        state.files[path] = rec
    state.tree = [str(p) for p in data["tree"]]
    for entry in data["scopes"]:
        stats = ScopeStats()
        for aid, (last, sha, flat) in entry["authors"].items():
            it = iter(flat)
            stats.authors[int(aid)] = [int(last), str(sha), {int(k): int(c) for k, c in zip(it, it)}]
        moved = entry.get("moved")
        stats.moved = (int(moved[0]), str(moved[1]), str(moved[2])) if moved else None
        state.scopes[tuple(str(p) for p in entry["paths"])] = stats
    return state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=120_000)
    parser.add_argument("--authors", type=int, default=300)
    parser.add_argument("--scopes", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    state = synthetic(args.files, args.authors, args.scopes)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "state.json"
        cache.write(path, cache.payload("example.test/big", {"model": 2}, state))
        raw = path.read_bytes()
    payload = json.loads(raw)["state"]
    assert before(payload).to_json() == RepoState.from_json(payload).to_json() == state.to_json()

    def best(fn: Any) -> float:
        return min(timeit.repeat(fn, number=1, repeat=3))

    rows: dict[str, list[float]] = {"decode": [], "checksum": [], "load, then": [], "load, now": []}
    for _ in range(args.rounds):
        rows["decode"].append(best(lambda: json.loads(raw)))
        rows["checksum"].append(best(lambda: sealed.verify(raw)))
        rows["load, then"].append(best(lambda: before(payload)))
        rows["load, now"].append(best(lambda: RepoState.from_json(payload)))
    med = {k: statistics.median(v) for k, v in rows.items()}
    print(f"state file: {len(raw) / 1e6:.1f} MB, {args.files:,} files, {args.scopes} scopes; medians of "
          f"{args.rounds} rounds")
    for name, value in med.items():
        print(f"  {name:<11} {value * 1000:8.1f} ms  ({value / med['decode']:.2f}x decode)")
    extra = med["checksum"] + med["load, now"] - med["load, then"]
    whole = (med["decode"] + med["checksum"] + med["load, now"]) / (med["decode"] + med["load, then"])
    print(f"  overhead    {extra * 1000:8.1f} ms  = {extra / med['decode'] * 100:.1f} % of decode (target < 10 %); "
          f"reading a state as a whole (decode, checksum, load) {whole:.2f}x before")


if __name__ == "__main__":
    main()
