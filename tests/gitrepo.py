"""Build real git repositories in tests: commits with chosen authors and dates, renames, merges, odd file names.

    repo = GitRepo.init(tmp_path / "svc")
    repo.commit({"src/a.py": "x"}, author="Alice <alice@acme.test>", date="2024-01-02")
    repo.rename("src/a.py", "src/b.py", author="Bob <bob@acme.test>", date="2024-02-01")

Paths may be `bytes` (for names that are not UTF-8). A date is an ISO day or time, taken as UTC, and is used
as both author and committer date unless `committed` says otherwise.
"""
from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

Path_ = str | bytes
Content = str | bytes | None  # None deletes the file
Files = Mapping[Any, Content]  # keys: str or bytes paths (mixed in one mapping is fine)

DEFAULT_AUTHOR = "Alice Example <alice@acme.test>"


def git_env(author: str = DEFAULT_AUTHOR, date: str = "2024-01-01", committer: str | None = None,
            committed: str | None = None) -> dict[str, str]:
    name, email = _split(author)
    cname, cemail = _split(committer or author)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email, GIT_AUTHOR_DATE=_date(date),
               GIT_COMMITTER_NAME=cname, GIT_COMMITTER_EMAIL=cemail, GIT_COMMITTER_DATE=_date(committed or date),
               GIT_CONFIG_NOSYSTEM="1")
    return env


def _split(ident: str) -> tuple[str, str]:
    name, _, rest = ident.partition("<")
    return name.strip(), rest.rstrip(">").strip()


def _date(day: str) -> str:
    return day if "T" in day else f"{day}T12:00:00Z"


def git(cwd: Path, *args: str | bytes, env: Mapping[str, str] | None = None, check: bool = True) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, env=dict(env) if env else git_env(),
                          capture_output=True, check=False)
    if check and proc.returncode != 0:
        raise AssertionError(f"git {args!r} failed: {proc.stderr.decode(errors='replace')}")
    return proc.stdout.decode("utf-8", "surrogateescape")


class GitRepo:
    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def init(cls, path: Path, branch: str = "main") -> GitRepo:
        path.mkdir(parents=True, exist_ok=True)
        git(path, "init", "-q", "-b", branch)
        git(path, "config", "commit.gpgsign", "false")
        return cls(path)

    def git(self, *args: str | bytes, **kw: str) -> str:
        return git(self.path, *args, env=git_env(**kw) if kw else None)

    def write(self, files: Files) -> None:
        root = os.fsencode(self.path)
        for name, content in files.items():
            full = os.path.join(root, os.fsencode(name))
            if content is None:
                os.unlink(full)
                continue
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as fh:
                fh.write(content.encode() if isinstance(content, str) else content)

    def commit(self, files: Files | None = None, *, author: str = DEFAULT_AUTHOR,
               date: str = "2024-01-01", message: str = "change", committer: str | None = None,
               committed: str | None = None) -> str:
        """Write `files`, stage everything, commit; returns the new sha."""
        if files:
            self.write(files)
        env = git_env(author, date, committer, committed)
        git(self.path, "add", "-A", env=env)
        git(self.path, "commit", "-q", "--allow-empty", "-m", message, env=env)
        return self.head()

    def rename(self, old: Path_, new: Path_, *, author: str = DEFAULT_AUTHOR, date: str = "2024-01-01",
               message: str = "rename") -> str:
        target = os.path.join(os.fsencode(self.path), os.fsencode(new))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        git(self.path, "mv", os.fsencode(old), os.fsencode(new))
        return self.commit(author=author, date=date, message=message)

    def branch(self, name: str, start: str = "HEAD") -> None:
        git(self.path, "checkout", "-q", "-b", name, start)

    def checkout(self, name: str) -> None:
        git(self.path, "checkout", "-q", name)

    def merge(self, name: str, *, author: str = DEFAULT_AUTHOR, date: str = "2024-01-01",
              message: str | None = None) -> str:
        git(self.path, "merge", "-q", "--no-ff", "-m", message or f"merge {name}", name,
            env=git_env(author, date))
        return self.head()

    def head(self) -> str:
        return git(self.path, "rev-parse", "HEAD").strip()
