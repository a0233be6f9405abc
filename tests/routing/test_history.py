"""`--history`: the page list reads the system's real git history (through the scanner) for its ordering
and for the successor it suggests when nobody can be paged."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from ownership.cli import cli
from tests.gitrepo import GitRepo
from tests.routing import orgs

CATALOG = orgs.CATALOG.replace("""  - name: haunted
    owner: ghosts
    tier: 2
""", """  - name: haunted
    owner: ghosts
    tier: 2
    repos: [{url: ../haunted-repo}]
""").replace("""  - name: payments-api
    owner: payments
""", """  - name: payments-api
    owner: payments
    repos: [{url: ../pay-repo}]
""")


def make(tmp_path: Path) -> tuple[str, str]:
    folder, csv = orgs.write(tmp_path, CATALOG)
    (tmp_path / "ownership.yaml").write_text("history: {protocols: [file]}\n")  # the catalog names local folders
    haunted = GitRepo.init(tmp_path / "haunted-repo")
    haunted.commit({"a.py": "1"}, author="Gus Host <ghost1@acme.test>", date="2025-03-01")
    haunted.commit({"a.py": "2"}, author="Wes Young <wes@acme.test>", date="2025-12-01")
    haunted.commit({"b.py": "1"}, author="Alice Nguyen <alice@acme.test>", date="2025-11-01")
    pay = GitRepo.init(tmp_path / "pay-repo")
    pay.commit({"p.py": "1"}, author="Erin Kim <erin@acme.test>", date="2025-01-01")
    pay.commit({"p.py": "2"}, author="Dan Okafor <dan@acme.test>", date="2025-06-01")
    pay.commit({"p.py": "3"}, author="Gina Lopez <gina@acme.test>", date="2026-02-20")
    return str(folder), str(csv)


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return r.exit_code, r.stdout, r.stderr


def test_gap_names_the_most_recent_employed_committer_as_successor(tmp_path: Path) -> None:
    folder, csv = make(tmp_path)
    code, out, err = run("page", "haunted", "--catalog", folder, "--roster", csv, "--at", "2026-03-02",
                         "--scan", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["suggested_successor"]["email"] == "wes@acme.test"
    assert data["suggested_successor"]["note"] == "last commit here 2025-12-01"
    assert "suggested successor from git history: wes@acme.test" in err


def test_without_history_the_gap_suggests_editing_the_catalog(tmp_path: Path) -> None:
    folder, csv = make(tmp_path)
    code, out, _ = run("page", "haunted", "--catalog", folder, "--roster", csv, "--at", "2026-03-02",
                       "--format", "json")
    assert code == 1 and json.loads(out)["suggested_successor"] is None


def test_team_members_are_ordered_by_their_last_commit(tmp_path: Path) -> None:
    folder, _ = make(tmp_path)
    code, out, _ = run("page", "payments-api", "--catalog", folder, "--at", "2026-03-02", "--scan",
                       "--format", "json")
    team = json.loads(out)["levels"][2]["people"]
    assert code == 0
    assert [p["ref"] for p in team] == ["gina@acme.test", "dan@acme.test"]  # catalog order is dan, gina
    assert team[0]["note"] == "last commit here 2026-02-20"
