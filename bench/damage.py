"""The corrupt-input matrix of issue 25: damaged state given to the tool, and what the tool does with it.

Each case builds a small real org (git repositories, the example roster: tests/report/org.py), takes a good
answer, damages one input (a weekly report.json in the history, the roster shrink guard's cached snapshot, a
cached scan state, a `--state-out` state), runs the command again, and sorts each trial into:

  noticed         a message names the damaged file (a warning, or exit 2 naming it); the answer is the true
                  one or says what it could not use
  same            no message, and the answer is the true one (the damage did not matter)
  wrong silently  exit 0, no message naming the file, and another answer (the failure this issue is about)
  crashed         an internal error or a traceback

The commands run in subprocesses against the sources in --src (default: this checkout's src/), so the same
matrix can be taken of an older version: `git archive e7f552b src | tar -x -C /tmp/base` and
`python bench/damage.py --src /tmp/base/src`.

    python bench/damage.py [--src DIR] [--flips 30]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.report.org import write_org  # noqa: E402

Outcome = str  # noticed | same | wrong silently | crashed


class Runner:
    def __init__(self, src: Path, home: Path) -> None:
        self.src = src
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "OWNERSHIP_"))},
                    "PYTHONPATH": str(src), "XDG_CACHE_HOME": str(home / "xdg"), "NO_COLOR": "1",
                    "GIT_CONFIG_NOSYSTEM": "1"}

    def __call__(self, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "ownership", *args], cwd=cwd, env=self.env, text=True,
                              capture_output=True, timeout=300)


def classify(done: subprocess.CompletedProcess[str], damaged: Path, answer: str, truth: str) -> Outcome:
    said = done.stdout + done.stderr
    if "Traceback" in said or "internal error" in said:
        return "crashed"
    if str(damaged) in done.stderr or damaged.name in done.stderr:
        return "noticed"
    if done.returncode == 0 and answer == truth:
        return "same"
    return "wrong silently" if done.returncode == 0 else "noticed"


def _flips(data: bytes, n: int, seed: int) -> Iterator[tuple[int, int]]:
    rng = random.Random(seed)
    for at in sorted(rng.sample(range(len(data)), min(n, len(data)))):
        new = data[at]
        while new == data[at] or new in b"\r\n":
            new = rng.choice(b"abcdefghijklmnopqrstuvwxyz0123456789.,:[]{}\" ")
        yield at, new


def case_report_history(run: Runner, work: Path, _: int) -> Counter[Outcome]:
    """A week's report.json of the right version and date with one key of the wrong type."""
    root = work / "report"
    write_org(root)
    assert run(root, "report", "--today", "2026-11-02").returncode == 0
    clean = work / "report-clean"
    shutil.copytree(root, clean, symlinks=True)
    assert run(clean, "report", "--today", "2026-11-30").returncode == 0
    truth = json.loads((clean / "reports" / "2026-11-30" / "report.json").read_text())["health"]
    good = (root / "reports" / "2026-11-02" / "report.json").read_text()
    out: Counter[Outcome] = Counter()
    damages = [("headline", ["a list"]), ("orphaned", None), ("leavers", "bob"), ("findings", "none"),
               ("headline.employed_owner_pct", "100"), ("headline.findings", {"error": "3"})]
    for key, value in damages:
        shutil.rmtree(root / "reports" / "2026-11-30", ignore_errors=True)
        doc = json.loads(good)
        doc["date"] = "2026-11-16"
        target = doc
        *parents, last = key.split(".")
        for part in parents:
            target = target[part]
        target[last] = value
        week = root / "reports" / "2026-11-16"
        week.mkdir(exist_ok=True)
        (week / "report.json").write_text(json.dumps(doc))
        done = run(root, "report", "--today", "2026-11-30")
        written = root / "reports" / "2026-11-30" / "report.json"
        health = json.loads(written.read_text())["health"] if written.is_file() else None
        answer = json.dumps(health)
        damaged = week / "report.json"
        outcome = classify(done, damaged, answer, json.dumps(truth))
        if outcome == "noticed" and done.returncode == 0 and health != truth:
            outcome = "wrong silently" if str(damaged) not in done.stderr else outcome
        out[outcome] += 1
    return out


def case_roster_baseline(run: Runner, work: Path, _: int) -> Counter[Outcome]:
    """The shrink guard's cached snapshot damaged, then a roster with half its people: the guard cannot
    compare; the truth is that it refuses (as it does with its baseline intact), or says it could not check."""
    out: Counter[Outcome] = Counter()
    for n, damage in enumerate([b"{not json", b'{"version": 1, "people": 5}', b"", b"[" * 50_000]):
        root = work / f"roster{n}"
        write_org(root)
        mine = Runner(run.src, root)  # a cache folder of this trial's own
        assert mine(root, "audit", "--no-scan", "--format", "json").returncode in (0, 1)
        (snapshot,) = [p for p in (root / "xdg" / "ownership").glob("roster-*.json") if p.name.count(".") == 1]
        roster = (root / "roster.csv").read_text().splitlines(keepends=True)
        (root / "roster.csv").write_text("".join(roster[: 1 + (len(roster) - 1) // 2]))
        snapshot.write_bytes(damage)
        done = mine(root, "audit", "--no-scan", "--format", "json")
        refused = done.returncode == 2 and "fewer than" in done.stderr
        out[classify(done, snapshot, "refused" if refused else "accepted", "refused")] += 1
    return out


def _scan_answer(done: subprocess.CompletedProcess[str]) -> str:
    try:
        doc = json.loads(done.stdout)
    except ValueError:
        return done.stdout
    return json.dumps(doc, sort_keys=True)


def case_cached_state(run: Runner, work: Path, flips: int) -> Counter[Outcome]:
    """Single-byte changes of a cached scan state (the cache CI restores, or another user writes)."""
    root = work / "cached"
    write_org(root)
    first = run(root, "scan", "--format", "json")
    truth = _scan_answer(first)
    target = max((root / ".cache" / "history").glob("*.json"), key=lambda p: p.stat().st_size)
    original = target.read_bytes()
    out: Counter[Outcome] = Counter()
    for at, byte in _flips(original, flips, seed=25):
        target.write_bytes(original[:at] + bytes([byte]) + original[at + 1:])
        done = run(root, "scan", "--format", "json")
        out[classify(done, target, _scan_answer(done), truth)] += 1
    target.write_bytes(original)
    return out


def case_given_state(run: Runner, work: Path, flips: int) -> Counter[Outcome]:
    """Single-byte changes of a `scan --state-out` state passed to the next job with --state."""
    root = work / "given"
    write_org(root)
    first = run(root, "scan", "--format", "json", "--state-out", "s")
    truth = _scan_answer(first)
    target = max((root / "s" / "repos").glob("*.json"), key=lambda p: p.stat().st_size)
    original = target.read_bytes()
    out: Counter[Outcome] = Counter()
    for at, byte in _flips(original, flips, seed=7):
        target.write_bytes(original[:at] + bytes([byte]) + original[at + 1:])
        shutil.rmtree(root / ".cache", ignore_errors=True)
        done = run(root, "scan", "--format", "json", "--state", "s")
        out[classify(done, target, _scan_answer(done), truth)] += 1
    return out


CASES: dict[str, Callable[[Runner, Path, int], Counter[Outcome]]] = {
    "report.json in the history, a key of the wrong type": case_report_history,
    "roster shrink guard's snapshot damaged, half the roster": case_roster_baseline,
    "cached scan state, one byte changed": case_cached_state,
    "--state file, one byte changed": case_given_state,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    parser.add_argument("--flips", type=int, default=30, help="byte changes per state case (default 30)")
    args = parser.parse_args()
    total: Counter[Outcome] = Counter()
    print(f"sources: {args.src}")
    print(f"{'case':58} {'trials':>6} {'noticed':>8} {'same':>5} {'wrong silently':>15} {'crashed':>8}")
    for name, case in CASES.items():
        with tempfile.TemporaryDirectory() as tmp:
            got = case(Runner(args.src.resolve(), Path(tmp)), Path(tmp), args.flips)
        total += got
        print(f"{name:58} {sum(got.values()):>6} {got['noticed']:>8} {got['same']:>5} {got['wrong silently']:>15} "
              f"{got['crashed']:>8}")
    print(f"{'all':58} {sum(total.values()):>6} {total['noticed']:>8} {total['same']:>5} "
          f"{total['wrong silently']:>15} {total['crashed']:>8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
