"""Issue 13 item 1: `page`, `incident` and `blast-radius` read the catalog the way `validate` and `site` do.

They used to load a catalog of 16+ files in two processes and merge the halves, so a Group in one half lost
the Users (and the components their owner) in the other: `validate` saw team-a with 4 members while
`page artist-lookup` said NOBODY TO PAGE and printed errors `validate` does not find.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner, Result

from ownership.cli import cli
from tests.catalog import backstage_tree

AT = "2026-03-02T03:00:00Z"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_page_pages_the_members_validate_sees_when_each_user_has_its_own_file(tmp_path: Path) -> None:
    folder = str(backstage_tree.write(tmp_path))
    checked = run("validate", "--catalog", folder, "--format", "json")
    assert checked.exit_code == 0 and json.loads(checked.stdout)["counts"]["error"] == 0
    r = run("page", "artist-lookup", "--catalog", folder, "--at", AT, "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    paged = {p["ref"] for level in data["levels"] for p in level["people"]}
    assert set(backstage_tree.TEAM_A) <= paged
    assert "the catalog has" not in r.stderr  # validate finds none, so neither does page


def test_incident_and_blast_radius_see_the_whole_catalog(tmp_path: Path) -> None:
    folder = str(backstage_tree.write(tmp_path))
    radius = run("blast-radius", "artists-db", "--catalog", folder, "--format", "json")
    assert radius.exit_code == 0, radius.output
    assert "the catalog has" not in radius.stderr
    assert {h["name"] for h in json.loads(radius.stdout)["dependents"]} == {"artist-lookup", "www-artist"}
    room = run("incident", "artist-lookup", "--catalog", folder, "--at", AT, "--format", "json")
    assert room.exit_code == 0, room.output
    assert "the catalog has" not in room.stderr
    assert set(backstage_tree.TEAM_A) <= set(re.findall(r"user-\d\d@example\.com", room.stdout))


def test_page_counts_the_catalog_errors_validate_counts(tmp_path: Path) -> None:
    folder = backstage_tree.write(tmp_path)
    # two real errors in files far apart: a name Backstage rejects, and a component defined twice (a
    # reference outside the files, such as memberOf team-z, is judged by the dangling-reference rule, which
    # routing does not run, as for a native catalog's unknown-team)
    (folder / "people" / "user-16.yaml").write_text(backstage_tree.user(16, "team-b").replace("user-16\n",
                                                                                               "user_16-\n"))
    (folder / "components" / "zz-copy.yaml").write_text(
        (folder / "components" / "www-artist.yaml").read_text().replace("team-b", "team-zz"))
    checked = json.loads(run("validate", "--catalog", str(folder), "--format", "json").stdout)["counts"]["error"]
    assert checked >= 2
    r = run("page", "artist-lookup", "--catalog", str(folder), "--at", AT, "--format", "json")
    assert f"the catalog has {checked} errors," in r.stderr
    again = run("page", "artist-lookup", "--catalog", str(folder), "--at", AT, "--format", "json")  # cached
    assert f"the catalog has {checked} errors," in again.stderr and again.stdout == r.stdout
