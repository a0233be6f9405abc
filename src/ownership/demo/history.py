"""A deterministic, realistic multi-year git history for the example org, written with `git fast-import`.

Each system gets "eras": who worked on it, when, and how much. Dates are fixed relative to ANCHOR and shifted
by (today - ANCHOR), so the demo looks the same whenever it runs and byte-identical for the same day.
The story it tells (see catalog/README.md): leavers who authored most of a system, a dormant legacy system,
a system whose recent work comes from another team, bots, a monorepo with per-system paths, a .mailmap.
"""
from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ownership.history import git
from ownership.model import Catalog

ANCHOR = dt.date(2026, 11, 30)
REPO_PREFIX = "https://git.acme.test/acme/"
BOTS = (("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"),
        ("renovate[bot]", "29139614+renovate[bot]@users.noreply.github.com"))


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@dataclass(frozen=True)
class Era:
    authors: tuple[tuple[str, int], ...]  # (email, weight)
    start: dt.date
    end: dt.date
    commits: int


@dataclass(frozen=True)
class Profile:
    eras: tuple[Era, ...]
    files: int = 8
    bots: int = 0  # lockfile bumps by bots (never count as human activity)


def _era(authors: str, start: str, end: str, commits: int) -> Era:
    pairs = []
    for part in authors.split():
        who, _, weight = part.partition("*")
        pairs.append((f"{who}@acme.test", int(weight or 1)))
    return Era(tuple(pairs), _d(start), _d(end), commits)


# The story, system by system. Systems not listed get a healthy default from their owning team.
PROFILES: dict[str, Profile] = {
    # payments-api: bob.martin (left 2026-03-01) wrote most of it; alice keeps it going; dan moved to data.
    "payments-api": Profile((
        _era("bob.martin*4 alice.nguyen*2 dan.okafor", "2022-02-01", "2026-02-20", 120),
        _era("alice.nguyen*3 erin.kim", "2026-03-02", "2026-11-20", 30),
    ), files=12, bots=6),
    # kafka: nina.rossi (left 2026-06-15) built it; quinn only touched a few files since.
    "kafka": Profile((
        _era("nina.rossi*5 quinn.adams", "2022-03-01", "2026-06-10", 70),
        _era("quinn.adams", "2026-07-01", "2026-11-10", 6),
    ), files=10),
    # billing-legacy: hector.silva (left 2025-09-30) wrote it all; jamal.brooks keeps it alive.
    "billing-legacy": Profile((
        _era("hector.silva", "2019-05-01", "2023-12-01", 90),
        _era("jamal.brooks", "2025-11-01", "2026-11-05", 9),
    ), files=10),
    # oracle-billing-db: untouched since 2023 (deprecated; only a deprecated system depends on it).
    "oracle-billing-db": Profile((_era("hector.silva", "2019-05-01", "2023-06-01", 25),), files=5),
    # partner-ftp-sync: will.johnson (left 2024-12-31) was its only author; dormant and orphaned.
    "partner-ftp-sync": Profile((_era("will.johnson", "2020-01-10", "2024-06-15", 40),), files=6),
    # docs-portal: tier 4 and last touched in early 2024: dormant.
    "docs-portal": Profile((_era("yusuf.demir xena.costa", "2021-06-01", "2024-03-01", 30),), files=6),
    # reporting-api: owned by data, but the last half-year of work came from frontend: ownership drift.
    "reporting-api": Profile((
        _era("tara.singh*2 umar.farouk", "2023-01-10", "2026-04-30", 40),
        _era("xena.costa*3 yusuf.demir*2 tara.singh", "2026-06-05", "2026-11-25", 24),
    ), files=8, bots=3),
    # fraud-scoring: one person knows it (bus factor 1).
    "fraud-scoring": Profile((_era("tara.singh", "2024-02-01", "2026-11-01", 35),), files=6),
    # ledger-service: healthy, several authors; kate.olsen (leaving 2026-12-31) once wrote a lot.
    "ledger-service": Profile((
        _era("kate.olsen*2 liam.park maya.patel", "2021-03-01", "2024-12-01", 60),
        _era("liam.park*2 maya.patel*2", "2025-01-05", "2026-11-27", 50),
    ), files=10, bots=4),
}


def _default_profile(catalog: Catalog, name: str, rng: random.Random) -> Profile:
    s = catalog.systems[name]
    team = catalog.teams.get(s.owner)
    people = [m for m in (team.members if team else ()) if m.split("@")[0] not in _LEAVERS] or ["alice.nguyen@acme.test"]
    authors = " ".join(p.split("@")[0] + ("*3" if p in s.maintainers else "") for p in people)
    start = f"{rng.randint(2021, 2023)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
    if s.lifecycle == "experimental":
        start = "2026-02-01"
    return Profile((_era(authors, start, "2026-11-26", rng.randint(25, 45)),), files=rng.randint(5, 9),
                   bots=rng.randint(0, 3))


_LEAVERS = {"bob.martin", "hector.silva", "nina.rossi", "will.johnson"}
_NAMES = {
    "alice.nguyen": "Alice Nguyen", "bob.martin": "Bob Martin", "dan.okafor": "Dan Okafor",
    "erin.kim": "Erin Kim", "grace.liu": "Grace Liu", "hector.silva": "Héctor Silva",
}
# commits under a personal address that the repo's .mailmap maps to the work address
MAILMAP_ALIASES = {"alice.nguyen@acme.test": "alice@nguyen.example"}


def _name(email: str) -> str:
    local = email.split("@")[0]
    return _NAMES.get(local) or " ".join(p.capitalize() for p in local.split("."))


@dataclass
class _Commit:
    when: dt.datetime
    author: tuple[str, str]
    message: str
    changes: list[tuple[str, str | None]] = field(default_factory=list)  # (path, content or None=delete)


def _repo_of(url: str) -> str:
    name = url[len(REPO_PREFIX):] if url.startswith(REPO_PREFIX) else url.rstrip("/").split("/")[-1]
    return name[:-4] if name.endswith(".git") else name


def plan(catalog: Catalog, today: dt.date) -> dict[str, list[_Commit]]:
    """Commits per repo name, in date order."""
    shift = today - ANCHOR
    rng = random.Random(20261130)
    commits: dict[str, list[_Commit]] = defaultdict(list)
    for name in sorted(catalog.systems):
        s = catalog.systems[name]
        if not s.repos:
            continue
        repo = s.repos[0]
        prefix = repo.paths[0] if repo.paths else ""
        prefixes = repo.paths or ("",)  # every catalog path gets files, so none is missing at HEAD
        profile = PROFILES.get(name) or _default_profile(catalog, name, rng)
        files = [f"{prefixes[i % len(prefixes)]}{'src/' if i % 3 else ''}{name.replace('-', '_')}_{i:02d}.py"
                 for i in range(profile.files)]
        created: set[str] = set()
        for era in profile.eras:
            span = max((era.end - era.start).days, 1)
            weights = [w for _, w in era.authors]
            for k in range(era.commits):
                day = era.start + dt.timedelta(days=span * k // max(era.commits - 1, 1))
                when = dt.datetime.combine(day + shift, dt.time(9 + rng.randrange(9), rng.randrange(60)),
                                           tzinfo=dt.timezone.utc)
                email = rng.choices([a for a, _ in era.authors], weights)[0]
                author = (_name(email), MAILMAP_ALIASES.get(email, email) if k % 4 == 1 else email)
                c = _Commit(when, author, f"{name}: {rng.choice(_VERBS)} {rng.choice(_THINGS)}")
                # early commits create files; later ones edit one to three of them
                todo = [f for f in files if f not in created][:2] if len(created) < len(files) else []
                todo += rng.sample(files, k=min(len(files), rng.randint(1, 2)))
                for path in dict.fromkeys(todo):
                    created.add(path)
                    c.changes.append((path, _content(path, when, rng)))
                commits[_repo_of(repo.url)].append(c)
        lock = f"{prefix}requirements.lock"
        for k in range(profile.bots):
            when = dt.datetime.combine(_d("2026-01-15") + dt.timedelta(days=40 * k) + shift, dt.time(4),
                                       tzinfo=dt.timezone.utc)
            c = _Commit(when, BOTS[k % 2], f"Bump dependencies in {name}")
            c.changes.append((lock, f"# {name} lock {k}\n"))
            commits[_repo_of(repo.url)].append(c)
    for repo_commits in commits.values():
        repo_commits.sort(key=lambda c: (c.when, c.message))
    return commits


_VERBS = ("fix", "add", "refactor", "speed up", "document", "harden", "tidy", "test")
_THINGS = ("retries", "timeouts", "the config loader", "metrics", "error handling", "pagination", "logging",
           "the schema", "input validation", "the client")


def _content(path: str, when: dt.datetime, rng: random.Random) -> str:
    lines = [f"# {path}", f"# revision {when.date().isoformat()}"]
    lines += [f"def step_{i}():\n    return {rng.randrange(1000)}" for i in range(rng.randint(2, 5))]
    return "\n".join(lines) + "\n"


def _fast_import_stream(commits: Sequence[_Commit], mailmap: str | None) -> Iterator[bytes]:
    mark = 0
    for i, c in enumerate(commits):
        ts = int(c.when.timestamp())
        name, email = c.author
        msg = c.message.encode()
        yield b"commit refs/heads/main\n"
        mark += 1
        yield f"mark :{mark}\n".encode()
        ident = f"{name} <{email}> {ts} +0000\n".encode()
        yield b"author " + ident + b"committer " + ident
        yield b"data %d\n" % len(msg) + msg + b"\n"
        if i == 0 and mailmap:
            data = mailmap.encode()
            yield b"M 100644 inline .mailmap\ndata %d\n" % len(data) + data + b"\n"
        for path, content in c.changes:
            if content is None:
                yield f"D {path}\n".encode()
            else:
                data = content.encode()
                yield f"M 100644 inline {path}\n".encode() + b"data %d\n" % len(data) + data + b"\n"
        yield b"\n"


@dataclass(frozen=True)
class Timeline:
    """One generated repository and its commits (day, sha), oldest first: the demo moves `main` along it."""

    path: Path
    commits: tuple[tuple[dt.date, str], ...]

    def tip(self, day: dt.date) -> str:
        """The newest commit of `day` or before (the first commit when the repository is younger)."""
        older = [sha for when, sha in self.commits if when <= day]
        return older[-1] if older else self.commits[0][1]


def write_history(catalog: Catalog, root: Path, today: dt.date) -> dict[str, Timeline]:
    """Create one git repository per repo name under `root` (checked out at its newest commit)."""
    out = {}
    mailmap = "".join(f"{_name(work)} <{work}> <{personal}>\n" for work, personal in MAILMAP_ALIASES.items())
    for repo_name, commits in sorted(plan(catalog, today).items()):
        path = root / repo_name
        path.mkdir(parents=True, exist_ok=True)
        git.run(path, "init", "-q", "-b", "main")
        stream = b"".join(_fast_import_stream(commits, mailmap if repo_name == "monorepo" else None))
        marks = (path / ".git" / "demo-marks").resolve()  # git runs in the repository
        git.run_input(path, stream, "fast-import", "--quiet", f"--export-marks={marks}")
        shas = dict(line.split(" ", 1) for line in marks.read_text(encoding="ascii").splitlines())
        marks.unlink()
        git.run(path, "checkout", "-q", "-f", "main")
        out[repo_name] = Timeline(path, tuple((c.when.date(), shas[f":{i + 1}"].strip())
                                              for i, c in enumerate(commits)))
    return out


def write_repos(catalog: Catalog, root: Path, today: dt.date) -> dict[str, Path]:
    """Create one git repository per repo name under `root`; returns name -> path."""
    return {name: t.path for name, t in write_history(catalog, root, today).items()}


def rewind(history: dict[str, Timeline], day: dt.date) -> None:
    """Point each repository's `main` at its newest commit of `day` (the work tree is left as it is: the
    scan reads commits, and the demo ends at the newest commit, where the work tree was checked out).

    The loose ref file is written directly (what `git update-ref` does for these repositories, which
    fast-import left with loose refs): 12 weeks x the repositories would be that many git processes."""
    for t in history.values():
        (t.path / ".git" / "refs" / "heads" / "main").write_text(t.tip(day) + "\n", encoding="ascii")
