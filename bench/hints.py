"""How much do unknown `depends_on` names cost `ownership validate` (issue 24, point 7)?

Generates bench/validate.py's catalog (default 10,000 systems, 2,000 teams) twice: as is, and with 300 systems
depending on a name that does not exist (typos of real names, some unrelated names), each reported by
`unknown-system` with difflib's "did you mean" hint. Times the whole `validate` pipeline on both, interleaved,
median of several rounds, and prints the ratio. Target: <= 2.0x.

Run it with PYTHONPATH pointing at older sources (without --old) to time those the same way. `--old` also
times, once, the hints as they were computed before src/ownership/support/closenames.py: plain
`difflib.get_close_matches` against every system name, for each unknown name (about a minute at 10,000
systems), and checks that both give the same hints.

    python bench/hints.py [--systems 10000] [--teams 2000] [--unknown 300] [--rounds 3] [--old]
"""
from __future__ import annotations

import argparse
import datetime as dt
import difflib
import statistics
import sys
import tempfile
import time
from pathlib import Path

from validate import generate  # the bench folder is on sys.path when this script runs

from ownership.commands import validate
from ownership.config import Config
from ownership.render.findings import text_report

TARGET = 2.0


def run(root: Path) -> tuple[float, list[str]]:
    t0 = time.perf_counter()
    outcome = validate.check([str(root)], Config(), dt.date(2026, 11, 30))
    text_report(outcome.findings)
    took = time.perf_counter() - t0
    return took, [f.message for f in outcome.findings if f.rule == "unknown-system"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--systems", type=int, default=10_000)
    ap.add_argument("--teams", type=int, default=2_000)
    ap.add_argument("--unknown", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--old", action="store_true", help="also time plain difflib over every name (slow)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plain, typos = Path(tmp) / "plain", Path(tmp) / "unknown"
        plain.mkdir()
        typos.mkdir()
        generate(plain, args.systems, args.teams)
        generate(typos, args.systems, args.teams, unknown=args.unknown)
        _, messages = run(typos)
        hinted = sum("did you mean" in m for m in messages)
        print(f"catalog: {args.systems:,} systems, {args.teams:,} teams; {len(messages)} unknown-system findings, "
              f"{hinted} with a hint")
        without, with_ = [], []
        for _ in range(args.rounds):  # interleaved, so machine noise hits both alike
            without.append(run(plain)[0])
            with_.append(run(typos)[0])
        a, b = statistics.median(without), statistics.median(with_)
        print(f"validate, no unknown names: median {a:.2f} s  ({', '.join(f'{t:.2f}' for t in without)})")
        print(f"validate, {len(messages)} unknown names: median {b:.2f} s  ({', '.join(f'{t:.2f}' for t in with_)})")
        print(f"ratio: {b / a:.2f}x  (target <= {TARGET:.1f}x)")
        if args.old:
            old(typos, [f"svc-{i:05d}" for i in range(args.systems)])  # generate()'s system names
    return 0


def old(root: Path, systems: list[str]) -> None:
    """The hints alone, plain difflib against the index, on the same unknown names."""
    from ownership.support.closenames import CloseNames  # noqa: PLC0415  (imported here: the rest runs on older sources)

    outcome = validate.check([str(root)], Config(), dt.date(2026, 11, 30))
    wanted = [str(f.evidence["system"]) for f in outcome.findings if f.rule == "unknown-system"]
    t0 = time.perf_counter()
    slow = [difflib.get_close_matches(w, systems, n=1, cutoff=0.6) for w in wanted]
    t1 = time.perf_counter()
    index = CloseNames(systems)
    fast = [index.matches(w, n=1, cutoff=0.6) for w in wanted]
    t2 = time.perf_counter()
    print(f"hints alone, {len(wanted)} names x {len(systems):,} systems: difflib {t1 - t0:.2f} s, "
          f"closenames {t2 - t1:.3f} s (building the index included); same hints: {slow == fast}")


if __name__ == "__main__":
    sys.exit(main())
