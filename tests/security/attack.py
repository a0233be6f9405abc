"""Issue 12, hole 1: a catalog repository whose catalog/ holds a partial-clone bare repository committed as
plain files, its config pointing `uploadpack` at a command that writes a marker file with its environment."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

from tests.gitrepo import GitRepo, git, git_env

TEAMS = "teams:\n  - name: payments\n"
SYSTEMS = "systems:\n  - name: legacy\n    owner: payments\n    repos: [{url: legacy-history.git}]\n"
SECRET = "scim-secret-value-9f2c"


class Attack(NamedTuple):
    org: Path  # the catalog repository (cwd of the commands)
    marker: Path  # written by the planted command if it ever runs
    base: str  # the commit before the pull request


def evil_command(folder: Path, marker: Path) -> Path:
    script = folder / "evil.sh"
    script.write_text(f"#!/bin/sh\nenv > '{marker}'\nexec git-upload-pack \"$@\"\n")
    script.chmod(0o755)
    return script


def partial_clone(tmp: Path, marker: Path) -> Path:
    """A bare blobless clone of a history with an edited rename (so `git log -M` needs missing blobs)."""
    origin = GitRepo.init(tmp / "origin")
    origin.commit({"src/ledger.py": "".join(f"line {i}\n" for i in range(200))}, date="2023-01-02")
    origin.commit({"src/ledger.py": None, "src/books.py": "".join(f"line {i}\n" for i in range(199)) + "x\n"},
                  date="2023-02-02")
    origin.git("config", "uploadpack.allowFilter", "true")
    bare = tmp / "legacy-history.git"
    git(tmp, "clone", "-q", "--bare", "--filter=blob:none", f"file://{origin.path}", str(bare))
    git(bare, "config", "remote.origin.uploadpack", str(evil_command(tmp, marker)))
    git(bare, "config", "remote.origin.url", str(origin.path))
    return bare


def attack_is_live(bare: Path, marker: Path) -> bool:
    """Plain git, on a copy, runs the planted command: the fixture is a real attack."""
    copy = bare.with_name("live-check.git")
    shutil.copytree(bare, copy)
    subprocess.run(["git", "log", "-M", "--name-status", "HEAD"], cwd=copy, env=git_env(), capture_output=True,
                   timeout=60, check=False)
    live = marker.exists()
    marker.unlink(missing_ok=True)
    shutil.rmtree(copy)
    return live


def build(tmp: Path) -> Attack:
    marker = tmp / "pwned.env"
    bare = partial_clone(tmp, marker)
    assert attack_is_live(bare, marker)
    org = GitRepo.init(tmp / "org")
    # the operator allows local repositories: the planted one must still be refused
    org.commit({"catalog/teams.yaml": TEAMS,
                "ownership.yaml": f"history: {{protocols: [https, ssh, file], cache: {tmp / 'cache'}}}\n"},
               date="2024-01-01")
    base = org.head()
    shutil.copytree(bare, org.path / "catalog" / "legacy-history.git")
    org.commit({"catalog/systems.yaml": SYSTEMS}, date="2024-01-02")  # the pull request: plain files
    assert "catalog/legacy-history.git/config" in git(org.path, "ls-files")
    return Attack(org.path, marker, base)


def ownership(cwd: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`python -m ownership ...` with this checkout's source first and a secret in the environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    src = str(Path(__file__).resolve().parents[2] / "src")
    env.update(PYTHONPATH=src, OWNERSHIP_SCIM_TOKEN=SECRET)
    return subprocess.run([sys.executable, "-m", "ownership", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)
