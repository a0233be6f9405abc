"""Issue 12, hole 7: two scans at once on a cold clone cache; a scan killed with -9 leaves nothing behind."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.gitrepo import GitRepo
from tests.security.attack import ownership
from tests.security.silent import silent_server

NAMES = ("ledger", "billing", "payouts", "refunds")


def _org(tmp: Path, url_of: dict[str, str], stall: int = 60) -> Path:
    org = tmp / "org"
    (org / "catalog").mkdir(parents=True)
    systems = "".join(f"  - name: {n}\n    owner: payments\n    repos: [{{url: '{u}'}}]\n" for n, u in url_of.items())
    (org / "catalog" / "c.yaml").write_text(f"teams:\n  - name: payments\nsystems:\n{systems}")
    (org / "ownership.yaml").write_text(f"history: {{protocols: [file, git], stall: {stall}, cache: {tmp / 'cache'}}}\n")
    return org


def _origins(tmp: Path) -> dict[str, str]:
    urls = {}
    for n in NAMES:
        repo = GitRepo.init(tmp / "origins" / n)
        for i in range(3):
            repo.commit({f"{n}/f{i}.py": f"{i}\n"}, author=f"Dev{i} <dev{i}@acme.test>", date=f"2024-0{i + 1}-03")
        repo.git("config", "uploadpack.allowFilter", "true")
        urls[n] = f"file://{repo.path}"
    return urls


def test_two_scans_at_once_on_a_cold_cache_both_give_the_single_runs_answer(tmp_path: Path) -> None:
    org = _org(tmp_path, _origins(tmp_path))
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2] / "src")
    cmd = [sys.executable, "-m", "ownership", "scan", "--format", "json", "--today", "2024-12-31"]
    runs = [subprocess.Popen(cmd, cwd=org, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    outputs = []
    for proc in runs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        outputs.append(json.loads(out))
    (org / "ownership.yaml").write_text(f"history: {{protocols: [file], cache: {tmp_path / 'single'}}}\n")
    single = ownership(org, "scan", "--format", "json", "--today", "2024-12-31")
    assert single.returncode == 0, single.stderr
    expected = json.loads(single.stdout)
    assert all(not s["problems"] and s["files"] == 3 for s in expected["systems"])
    assert outputs == [expected, expected]


def _git_children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        comm, rest = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()
        if int(rest[1]) == pid and comm.startswith("git"):
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_kill_9_of_a_scan_leaves_no_git_behind_and_the_next_run_removes_partial_folders(tmp_path: Path) -> None:
    with silent_server() as port:
        org = _org(tmp_path, {"ledger": f"git://127.0.0.1:{port}/acme/ledger.git"})
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2] / "src")
        scan = subprocess.Popen([sys.executable, "-m", "ownership", "scan"], cwd=org, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            children: list[int] = []
            while not children and time.monotonic() < deadline:
                time.sleep(0.1)
                children = _git_children(scan.pid)
            assert children, "the scan never started git"
        finally:
            scan.send_signal(signal.SIGKILL)
            scan.wait(10)
        deadline = time.monotonic() + 10
        while any(_alive(c) for c in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(c) for c in children), "git outlived the killed scan"
    clones = tmp_path / "cache" / "clones"
    stale = clones / "stale-0123456789ab.git.partial"
    stale.mkdir(parents=True, exist_ok=True)
    (org / "ownership.yaml").write_text(f"history: {{protocols: [git], stall: 2, cache: {tmp_path / 'cache'}}}\n")
    again = ownership(org, "scan", timeout=60)
    # issue 13 item 8: when no repository could be read the scan says so and exits 2 (it was 0)
    assert again.returncode == 2 and "cannot read" in again.stdout
    assert not list(clones.glob("*.partial"))
