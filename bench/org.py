"""How long does the weekly scan of a whole org take, on one runner and on a 4-runner matrix?

Generates (once; --keep DIR reuses it) a deterministic synthetic org with `git fast-import`, through the
fast-import stream of bench/scan.py: --repos bare repositories (default 500) of 50 to 20,000 commits, about
--commits in all (default 1,000,000), most small and a few large (sizes log-spaced, skewed to the small end);
the same authors (Dev 000, Dev 001, ...: a few prolific, a long tail) work across repositories; renames,
deletions and merged side branches. Then a native catalog of --systems systems (default 2,000) over them:
every repository has a system, larger repositories host several (each narrowed to its own `src/modNN/`
folder, one of them sometimes the whole repository), and some systems span two repositories. The catalog
names `https://git.org.test/org/repo-NNN.git`; `history.rewrite` in the org's ownership.yaml maps that onto
the generated bare repositories, read in place. Generation time is printed apart: it is not measured.

Then, every `ownership scan` run as its own process (`python -m ownership`, XDG_CACHE_HOME an empty folder of
its own), side by side:

  single        the cold single-process scan of the whole catalog
  shards        `scan --shard I/N --state-out DIR` for I = 1..N, one after another, each with its own empty
                cache, then the merge `scan --state D1 ... --state DN` (no git: every repository comes from a
                state): the longest shard plus the merge is what an N-runner matrix takes; its ratio to the
                single process                                                             target <= 0.35x
                (the merged report must be byte-identical to the single-process one)
  weekly        1 % of the repositories get a week of new commits (appended with fast-import), then the
                scan again with the single process's warm cache                             target <= 5 s
  peak RSS      of each process (os.wait4: the largest of the scan and its git children)  target <= 500 MB

Medians over --runs runs. Without the shard options (`scan --help` has no --shard), the shard row says so.

    python bench/org.py [--repos 500] [--commits 1000000] [--systems 2000] [--shards 4] [--runs 1] [--keep DIR]
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import math
import multiprocessing
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
URL = "https://git.org.test/org/"
TODAY = "2016-12-31"  # after every generated commit (the stream starts on 2015-01-01): fixed, so runs compare
SMALLEST, LARGEST = 50, 20_000
MODULES = 97  # bench/scan.py's stream puts file N under src/mod{N % 97}/


def _scan_bench() -> ModuleType:
    """bench/scan.py, whose fast-import stream (`_stream`) makes every repository here."""
    spec = importlib.util.spec_from_file_location("ownership_bench_scan", ROOT / "bench" / "scan.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- the org


def sizes(repos: int, total: int, rng: random.Random) -> list[int]:
    """Commits per repository: log-spaced from SMALLEST to LARGEST, skewed so that they add up to `total`.

    Quantile q in (0, 1) gets lo * (hi / lo) ** (q ** k); k (found by bisection) makes the sum `total`, so
    most repositories are small and a few are large. Smaller totals shrink the bounds (5 repos, 200 commits)."""
    lo = max(1, min(SMALLEST, total // (2 * repos)))
    hi = max(lo, min(LARGEST, total - lo * (repos - 1)))
    qs = [(i + 0.5) / repos for i in range(repos)]

    def made(k: float) -> list[int]:
        return [round(lo * (hi / lo) ** (q ** k)) for q in qs]

    low, high = 1e-3, 1e3
    for _ in range(200):
        mid = math.sqrt(low * high)
        if sum(made(mid)) > total:
            low = mid
        else:
            high = mid
    out = made(math.sqrt(low * high))
    out[-1] = hi  # the largest repository is as large as allowed
    gap = total - sum(out)
    i = len(out) - 2
    while gap and i >= 0:  # rounding: spread the rest over the larger repositories, within the bounds
        step = max(lo - out[i], min(hi - out[i], gap))
        out[i] += step
        gap -= step
        i -= 1
    rng.shuffle(out)
    return out


@dataclass(frozen=True)
class Org:
    root: Path
    repos: tuple[Path, ...]
    commits: tuple[int, ...]  # per repository, as generated
    systems: int
    narrowed: int  # systems with paths
    multi_repo: int  # systems over two repositories
    shared_repos: int  # repositories named by more than one system
    seconds: float  # generation time (0 when reused)

    @property
    def catalog(self) -> Path:
        return self.root / "catalog"

    @property
    def config(self) -> Path:
        return self.root / "ownership.yaml"


def _files(commits: int) -> int:
    return max(5, min(5_000, commits // 8))


def _authors(commits: int) -> int:
    return max(3, min(300, commits // 40))


def _make_repo(job: tuple[str, int, int]) -> None:
    path, commits, seed = job
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", path], check=True)
    proc = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=path, stdin=subprocess.PIPE)
    assert proc.stdin is not None
    for chunk in _scan_bench()._stream(commits, _files(commits), _authors(commits), seed):
        proc.stdin.write(chunk)
    proc.stdin.close()
    if proc.wait() != 0:
        raise RuntimeError(f"git fast-import failed for {path}")  # not SystemExit: that would hang the Pool


def generate(root: Path, repos: int, commits: int, systems: int, seed: int = 11, jobs: int = 0) -> Org:
    """The org under `root` (repos/, catalog/, ownership.yaml); reused when `root` already holds this one."""
    if systems < repos:
        raise SystemExit("--systems must be at least --repos (every repository has a system)")
    marker = root / f".generated-{repos}-{commits}-{systems}-{seed}.json"
    rng = random.Random(seed)
    counts = sizes(repos, commits, rng)
    paths = tuple(root / "repos" / f"repo-{i:03d}.git" for i in range(repos))
    started = time.perf_counter()
    if not marker.exists():
        shutil.rmtree(root, ignore_errors=True)
        (root / "repos").mkdir(parents=True)
        work = [(str(p), n, seed * 100_003 + i) for i, (p, n) in enumerate(zip(paths, counts))]
        work.sort(key=lambda job: -job[1])  # the largest first, so the pool ends together
        jobs = jobs or os.cpu_count() or 1
        if jobs > 1:
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                pool.map(_make_repo, work, chunksize=1)
        else:
            for job in work:
                _make_repo(job)
    stats = _write_catalog(root, paths, counts, systems, rng)
    (root / "ownership.yaml").write_text(f'history:\n  rewrite:\n    "{URL}": "repos/"\n')
    if not marker.exists():
        marker.write_text(json.dumps({"commits": counts}))
        seconds = time.perf_counter() - started
    else:
        seconds = 0.0
    return Org(root, paths, tuple(counts), systems, *stats, seconds)


def _write_catalog(root: Path, paths: tuple[Path, ...], counts: list[int], systems: int,
                   rng: random.Random) -> tuple[int, int, int]:
    """catalog/teams.yaml and catalog/systems/*.yaml; (narrowed systems, multi-repo systems, shared repos)."""
    repos = len(paths)
    extra = rng.choices(range(repos), weights=counts, k=systems - repos)  # monorepos host more systems
    per_repo = [1] * repos
    for r in extra:
        per_repo[r] += 1
    teams = [f"team-{i:03d}" for i in range(max(1, systems // 10))]
    people = [f"dev{i:03d}@acme.test" for i in range(300)]
    out = ["teams:"]
    for t in teams:
        out += [f"  - name: {t}", f"    members: [{', '.join(rng.sample(people[:60], 3))}]"]
    catalog = root / "catalog"
    shutil.rmtree(catalog, ignore_errors=True)
    (catalog / "systems").mkdir(parents=True)
    (catalog / "teams.yaml").write_text("\n".join(out) + "\n")
    entries: list[list[str]] = []
    narrowed = multi = 0
    for r, n in enumerate(per_repo):
        modules = list(range(min(MODULES, _files(counts[r]))))
        rng.shuffle(modules)
        whole = n == 1 and rng.random() < 0.9 or n > 1 and rng.random() < 0.2
        for k in range(n):
            repo = [f"      - url: {URL}repo-{r:03d}.git"]
            if not (whole and k == 0):
                repo.append(f"        paths: [src/mod{modules[k % len(modules)]:02d}/]")
                narrowed += 1
            if rng.random() < 0.05 and repos > 1:
                other = rng.randrange(repos - 1)
                repo.append(f"      - url: {URL}repo-{other + (other >= r):03d}.git")
                multi += 1
            entries.append(repo)
    rng.shuffle(entries)
    per_file = 250
    for f in range(0, len(entries), per_file):
        text = ["systems:"]
        for i, repo in enumerate(entries[f:f + per_file], start=f):
            text += [f"  - name: system-{i:04d}", f"    owner: {teams[i % len(teams)]}", "    repos:", *repo]
        (catalog / "systems" / f"s{f // per_file:02d}.yaml").write_text("\n".join(text) + "\n")
    return narrowed, multi, sum(1 for n in per_repo if n > 1)


def append_week(repo: Path, commits: int, rng: random.Random) -> str:
    """A week of `commits` new commits on main (changes to files at HEAD); returns the head before them."""
    git = ["git", f"--git-dir={repo}"]
    head = subprocess.run([*git, "rev-parse", "main"], capture_output=True, text=True, check=True).stdout.strip()
    when = int(subprocess.run([*git, "log", "-1", "--format=%at", "main"], capture_output=True, text=True,
                              check=True).stdout)
    files = subprocess.run([*git, "ls-tree", "-r", "--name-only", "main"], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    stream = []
    for i in range(commits):
        when += rng.randint(600, 7 * 86_400 // max(1, commits))
        who = rng.randrange(40)
        ident = f"Dev {who:03d} <dev{who:03d}@acme.test> {when} +0000\n"
        ops = ""
        for path in sorted(rng.sample(files, min(len(files), rng.randint(1, 3)))):
            body = f"week {i} {rng.random()}\n"
            ops += f"M 100644 inline {path}\ndata {len(body.encode())}\n{body}\n"
        start = f"from {head}\n" if i == 0 else ""
        stream.append(f"commit refs/heads/main\nauthor {ident}committer {ident}data 5\nweek\n{start}{ops}\n")
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input="".join(stream).encode(), check=True)
    return head


# --------------------------------------------------------------------------- measurements


@dataclass(frozen=True)
class Run:
    seconds: float
    rss_mb: float
    output: Path


def scan(org: Org, cache: Path, output: Path, *extra: str) -> Run:
    """`python -m ownership scan` of the org's catalog as its own process, with `cache` as its cache folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["XDG_CACHE_HOME"] = str(cache)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: compiled once, not at every start
    argv = [sys.executable, "-m", "ownership", "scan", "--catalog", str(org.catalog), "--config", str(org.config),
            "--today", TODAY, *extra]
    with output.open("wb") as out, (output.parent / (output.name + ".err")).open("wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        message = (output.parent / (output.name + ".err")).read_text(errors="replace").strip()
        raise SystemExit(f"ownership scan {' '.join(extra)} failed ({proc.returncode}): {message}")
    return Run(elapsed, usage.ru_maxrss / 1024, output)  # Linux: KiB


def fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def has_shards() -> bool:
    """This version's `scan` has --shard, --state-out and --state (the matrix's options)."""
    done = subprocess.run([sys.executable, "-m", "ownership", "scan", "--help"], capture_output=True, text=True,
                          check=False)
    return all(flag in done.stdout for flag in ("--shard", "--state-out"))


def line(what: str, value: str, target: str = "", missed: bool = False) -> str:
    return f"  {what:<46} {value}{f'   target {target}' if target else ''}{'  MISSED' if missed else ''}"


def median(values: list[float]) -> float:
    return statistics.median(values)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repos", type=int, default=500)
    ap.add_argument("--commits", type=int, default=1_000_000, help="in all repositories together")
    ap.add_argument("--systems", type=int, default=2_000)
    ap.add_argument("--shards", type=int, default=4)
    ap.add_argument("--runs", type=int, default=1, help="runs of each measurement (median)")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--keep", type=Path, help="generate the org here and reuse it on later runs")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="ownership-bench-org-"))
    try:
        return measure(args, work)
    except RuntimeError as e:
        print(f"bench/org.py: {e}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(args: argparse.Namespace, work: Path) -> int:
    org = generate((args.keep or work / "org").resolve(), args.repos, args.commits, args.systems, args.seed)
    counts = sorted(org.commits)
    print(f"org: {len(org.repos)} repositories, {sum(counts):,} commits (smallest {counts[0]:,}, median "
          f"{counts[len(counts) // 2]:,}, largest {counts[-1]:,}; {sum(c >= 5_000 for c in counts)} of 5,000 or "
          f"more hold {sum(c for c in counts if c >= 5_000) / sum(counts):.0%} of the commits)")
    print(f"catalog: {org.systems:,} systems ({org.narrowed:,} narrowed to a sub-path, {org.multi_repo} over two "
          f"repositories; {org.shared_repos} repositories named by several systems) at {org.root}")
    print(f"generation: {org.seconds:.1f} s" if org.seconds else "generation: reused (--keep)")
    print(f"\nownership scan, each run its own process with its own empty cache folder, --today {TODAY}:")
    rss: dict[str, float] = {}
    single: list[Run] = []
    for r in range(args.runs):
        single.append(scan(org, fresh(work / "cache-single"), work / f"single-{r}.txt"))
    t_single = median([run.seconds for run in single])
    rss["single process"] = max(run.rss_mb for run in single)
    print(line("single process, cold", f"{t_single:.1f} s"))

    if not has_shards():
        print(line(f"{args.shards} shards", "shards: not available in this version (scan has no --shard)"))
    else:
        matrix, shard_times, merges, same = [], [[] for _ in range(args.shards)], [], True
        for r in range(args.runs):
            states = []
            for i in range(args.shards):
                state = fresh(work / f"state-{i + 1}")
                states.append(state)
                run = scan(org, fresh(work / f"cache-shard-{i + 1}"), work / f"shard-{i + 1}.txt",
                           "--shard", f"{i + 1}/{args.shards}", "--state-out", str(state))
                shard_times[i].append(run.seconds)
                rss[f"shard {i + 1}/{args.shards}"] = max(rss.get(f"shard {i + 1}/{args.shards}", 0), run.rss_mb)
            merged = scan(org, fresh(work / "cache-merge"), work / f"merge-{r}.txt",
                          *[arg for s in states for arg in ("--state", str(s))])
            merges.append(merged.seconds)
            rss["merge"] = max(rss.get("merge", 0), merged.rss_mb)
            matrix.append(max(times[-1] for times in shard_times) + merged.seconds)
            same = same and merged.output.read_bytes() == single[0].output.read_bytes()
        for i, times in enumerate(shard_times):
            print(line(f"shard {i + 1}/{args.shards}, cold", f"{median(times):.1f} s"))
        print(line("merge of the shards' states", f"{median(merges):.1f} s"))
        ratio = median(matrix) / t_single
        print(line(f"{args.shards}-runner matrix (longest shard + merge)",
                   f"{median(matrix):.1f} s = {ratio:.2f}x the single process", "<= 0.35x", ratio > 0.35))
        print(line("merged report = single-process report", "yes" if same else "NO", "yes", not same))

    rng = random.Random(args.seed + 1)
    cache = work / "cache-single"
    quiet = [scan(org, cache, work / f"quiet-{r}.txt").seconds for r in range(args.runs)]
    print(line("re-scan, nothing new (warm)", f"{median(quiet):.2f} s"))
    touched: dict[Path, str] = {}
    weekly: list[float] = []
    added: list[int] = []
    n = max(1, round(len(org.repos) / 100))
    try:
        for r in range(args.runs):
            new = 0
            for repo in rng.sample(org.repos, n):
                commits = rng.randint(5, 40)
                touched.setdefault(repo, append_week(repo, commits, rng))
                new += commits
            run = scan(org, cache, work / f"weekly-{r}.txt")
            weekly.append(run.seconds)
            added.append(new)
            rss["weekly re-scan"] = max(rss.get("weekly re-scan", 0), run.rss_mb)
        t_weekly = median(weekly)
        print(line(f"weekly re-scan: {n} repos, {median(added):.0f} new commits", f"{t_weekly:.2f} s",
                   "<= 5 s", t_weekly > 5))
    finally:  # the org stays as generated (for --keep)
        for repo, head in touched.items():
            subprocess.run(["git", f"--git-dir={repo}", "update-ref", "refs/heads/main", head], check=True)
    print("peak RSS (the process or its largest git child):")
    for what, mb in rss.items():
        print(line(what, f"{mb:.0f} MB", "<= 500 MB", mb > 500))
    return 0


if __name__ == "__main__":
    sys.exit(main())
