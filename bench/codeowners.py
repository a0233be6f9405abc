"""CODEOWNERS matching: the backtracking regex against codeowners/glob.py's linear matcher (issue 24, point 7).

1. The attack: one line `*a*a...*b` with N stars against src/b/ and a 48-character name of a's. The regex (the
   oracle kept in tests/codeowners/test_glob.py) runs in a child process stopped after --limit seconds; the
   glob matcher is timed in process, median of --rounds.
2. The ordinary case: a 200-line CODEOWNERS (directories, extensions, `**`) against 10,000 paths, last match
   wins, both matchers, median of --rounds, and the ratio (what linear matching costs when nothing attacks).

    python bench/codeowners.py [--stars 5,7,9,17] [--limit 60] [--rounds 3]
"""
from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent))  # the oracle lives in tests/

from ownership.codeowners.parse import parse  # noqa: E402
from tests.codeowners.test_glob import _oracle  # noqa: E402

NAME = "src/b/" + "a" * 48  # the b in a directory: every literal of the line occurs, nothing is skipped early


def line(stars: int) -> str:
    return "*a" * (stars - 1) + "*b"


def _regex_once(pattern: str, path: str) -> None:
    _oracle(pattern).match(path)


def regex_time(pattern: str, path: str, limit: float) -> float | None:
    """Seconds the regex takes, or None when it was stopped at `limit`."""
    child = multiprocessing.Process(target=_regex_once, args=(pattern, path))
    t0 = time.perf_counter()
    child.start()
    child.join(limit)
    took = time.perf_counter() - t0
    if child.is_alive():
        child.kill()
        child.join()
        return None
    return took


def glob_time(pattern: str, path: str, rounds: int) -> float:
    co = parse(f"{pattern} @acme/x\n")
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        co.match(path)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def ordinary(rounds: int) -> None:
    rng = random.Random(7)
    dirs = [f"services/svc-{i:03d}" for i in range(150)]
    lines = ["* @acme/platform", "*.md @acme/docs", "**/migrations/ @acme/dba", "/.github/ @acme/ci"]
    lines += [f"/{d}/ @acme/team-{i % 40}" for i, d in enumerate(dirs)]
    lines += [f"/{d}/**/*.sql @acme/dba" for d in dirs[:30]] + [f"{d}/*.py @acme/py" for d in dirs[30:46]]
    paths = [f"{rng.choice(dirs)}/{rng.choice(['src', 'db/migrations', 'docs', 'test/unit'])}/"
             f"f{i}.{rng.choice(['py', 'sql', 'md', 'ts'])}" for i in range(10_000)]
    text = "\n".join(lines) + "\n"
    co = parse(text)
    regexes = [(_oracle(ln.pattern), ln) for ln in co.lines]

    def by_regex() -> list[int]:
        out = []
        for p in paths:
            found = next((ln.line for rx, ln in reversed(regexes) if rx.match(p)), 0)
            out.append(found)
        return out

    def by_glob() -> list[int]:
        return [m.line if (m := co.match(p)) else 0 for p in paths]

    assert by_regex() == by_glob()
    t_re, t_glob = [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        by_regex()
        t1 = time.perf_counter()
        by_glob()
        t2 = time.perf_counter()
        t_re.append(t1 - t0)
        t_glob.append(t2 - t1)
    a, b = statistics.median(t_re), statistics.median(t_glob)
    print(f"ordinary: {len(co.lines)} lines x {len(paths):,} paths (same owners both ways): regex median {a:.2f} s, "
          f"glob median {b:.2f} s, ratio {b / a:.2f}x")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stars", default="5,7,9,17")
    ap.add_argument("--limit", type=float, default=60.0, help="seconds the regex may run per line")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    for stars in (int(s) for s in args.stars.split(",")):
        pattern = line(stars)
        old = regex_time(pattern, NAME, args.limit)
        new = glob_time(pattern, NAME, args.rounds)
        shown = f"{old:.2f} s" if old is not None else f"> {args.limit:.0f} s (stopped)"
        print(f"{stars:2d} stars, {NAME[:8]}... ({len(NAME)} characters): regex {shown}, "
              f"glob median {new * 1e6:.0f} us")
    ordinary(args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
