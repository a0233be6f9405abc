"""A catalog shaped like Backstage's example org (packages/catalog-model/examples): a Location tree, files
with several documents, each User in its own file, references across files, and a Location tree leaving
the catalog folder. 22 files, more than the old two-process split needed (16) to cut it in halves, sorted so
that the halves would separate the Users (people/) from their Groups (teams/groups.yaml)."""
from __future__ import annotations

import subprocess
from pathlib import Path

TEAM_A = [f"user-{i:02d}@example.com" for i in range(1, 5)]  # the four members of team-a


def user(i: int, team: str) -> str:
    return (f"apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: user-{i:02d}\n"
            f"spec:\n  profile:\n    email: user-{i:02d}@example.com\n  memberOf: [{team}]\n")


def write(root: Path) -> Path:
    """The tree under root/catalog (plus root/shared, reached only through a Location); returns the folder.
    root is a git work tree: the catalog root that Location targets must stay inside (docs/backstage.md)."""
    cat = root / "catalog"
    root.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True, capture_output=True, timeout=30)
    (cat / "people").mkdir(parents=True)
    (cat / "teams").mkdir()
    (cat / "components").mkdir()
    (root / "shared").mkdir()
    (cat / "all.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: example-org\n"
        "spec:\n  targets:\n    - ./components/*.yaml\n    - ../shared/location.yaml\n")
    (root / "shared" / "location.yaml").write_text(  # a Location reached through a Location
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: shared\n"
        "spec:\n  target: ./artists-db.yaml\n")
    (cat / "teams" / "groups.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\n"
        "spec:\n  type: team\n  children: []\n"
        "---\n"
        "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-b\n"
        "spec:\n  type: team\n  children: []\n")
    for i in range(1, 17):
        (cat / "people" / f"user-{i:02d}.yaml").write_text(user(i, "team-a" if i <= 4 else "team-b"))
    (cat / "components" / "artist-lookup.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: artist-lookup\n"
        "  description: Artist Lookup\nspec:\n  type: service\n  lifecycle: experimental\n  owner: team-a\n"
        "  system: artist-engagement-portal\n  dependsOn: ['resource:artists-db']\n"
        "---\n"
        "apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: artist-engagement-portal\n"
        "spec:\n  owner: team-a\n")
    (cat / "components" / "www-artist.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: www-artist\n"
        "spec:\n  type: website\n  lifecycle: production\n  owner: group:default/team-b\n"
        "  system: artist-engagement-portal\n  dependsOn: ['component:artist-lookup']\n")
    (root / "shared" / "artists-db.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: artists-db\n"
        "spec:\n  type: database\n  owner: team-b\n")
    return cat
