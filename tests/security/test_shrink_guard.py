"""Issue 12, "also required": the roster shrink guard works on a fresh CI runner too.

The roster cache ($XDG_CACHE_HOME/ownership) is empty on a new runner or after actions/cache eviction, so
`report --out DIR` keeps the roster it used as DIR/roster-snapshot.json, and the next `report --history`
compares with the newest earlier one. Each run below gets its own empty XDG_CACHE_HOME, as a fresh runner
would; `ownership` runs as a subprocess with a timeout.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.security.scim_recorder import ScimRecorder, users

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "tok-5ecret-shrink-RT4"
CATALOG = {
    "catalog/teams.yaml": "teams:\n  - name: payments\n    members: [p000@acme.test]\n",
    "catalog/systems.yaml": "systems:\n  - name: payments-api\n    owner: payments\n",
}


def roster_csv(n: int) -> str:
    rows = [f"{1000 + i},P,{i},p{i:03d}@acme.test,,,Active,2020-01-01,0000-00-00,Payments,Engineer,"
            for i in range(n)]
    return ("id,firstName,lastName,workEmail,secondaryEmail,githubUsername,status,hireDate,terminationDate,"
            "department,jobTitle,supervisorEId\n" + "\n".join(rows) + "\n")


def org(root: Path, people: int) -> Path:
    for rel, text in {**CATALOG, "hr/roster.csv": roster_csv(people)}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def report(root: Path, day: str, roster: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """One weekly run on a fresh runner: an empty cache of its own, earlier reports in history/."""
    cache = root / f"cache-{day}-{len(extra)}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "OWNERSHIP_"))}
    env.update(PYTHONPATH=str(ROOT / "src"), XDG_CACHE_HOME=str(cache), NO_PROXY="127.0.0.1",
               no_proxy="127.0.0.1", OWNERSHIP_SCIM_TOKEN=TOKEN)
    return subprocess.run([sys.executable, "-m", "ownership", "report", "--catalog", "catalog", "--roster", roster,
                           "--out", f"reports/{day}", "--history", "history", "--today", day, *extra],
                          cwd=root, env=env, capture_output=True, text=True, timeout=120)


def keep(root: Path, day: str) -> None:
    """What the weekly workflow keeps on the ownership-reports branch (here: the history/ folder)."""
    (root / "history" / day).mkdir(parents=True)
    for name in ("report.json", "roster-snapshot.json"):
        (root / "history" / day / name).write_bytes((root / "reports" / day / name).read_bytes())


def test_a_fresh_runner_refuses_a_roster_40_percent_smaller_than_last_weeks_report(tmp_path: Path) -> None:
    root = org(tmp_path, people=10)
    first = report(root, "2026-06-22", "hr/roster.csv")
    assert first.returncode == 0, first.stderr
    snapshot = json.loads((root / "reports/2026-06-22/roster-snapshot.json").read_text())
    assert len(snapshot["people"]) == 10 and snapshot["source"] == "roster.csv"
    keep(root, "2026-06-22")

    org(root, people=6)  # a partial HR export: 40 % of the people missing
    second = report(root, "2026-06-29", "hr/roster.csv")
    assert second.returncode == 2
    assert second.stderr.count("\n") == 1 and "Traceback" not in second.stderr
    assert "6 active people, 40% fewer than the 10" in second.stderr
    assert "history/2026-06-22/roster-snapshot.json" in second.stderr
    assert "--allow-roster-shrink" in second.stderr
    assert not (root / "reports/2026-06-29").exists()  # nothing used, nothing written

    allowed = report(root, "2026-06-29", "hr/roster.csv", "--allow-roster-shrink")
    assert allowed.returncode == 0, allowed.stderr
    assert len(json.loads((root / "reports/2026-06-29/roster-snapshot.json").read_text())["people"]) == 6


def test_a_drop_within_the_limit_passes_on_a_fresh_runner(tmp_path: Path) -> None:
    root = org(tmp_path, people=10)
    assert report(root, "2026-06-22", "hr/roster.csv").returncode == 0
    keep(root, "2026-06-22")
    org(root, people=9)
    done = report(root, "2026-06-29", "hr/roster.csv")
    assert done.returncode == 0, done.stderr


def test_the_kept_snapshot_of_a_scim_roster_has_no_credentials(tmp_path: Path) -> None:
    root = org(tmp_path, people=1)
    with ScimRecorder(users(3)) as hr:
        source = hr.url.replace("http://", "http://ops:pw-5ecret@")
        done = report(root, "2026-06-22", source)
        assert hr.requests
    assert done.returncode == 0, done.stderr
    text = (root / "reports/2026-06-22/roster-snapshot.json").read_text()
    assert json.loads(text)["source"] == hr.url
    assert TOKEN not in text and "pw-5ecret" not in text and "ops" not in text
