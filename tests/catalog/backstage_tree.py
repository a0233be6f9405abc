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


RELATIONS = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: engineering
spec:
  type: department
  children: [team-a, team-b]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: wayback-archive
  description: Archive of the wayback machine
  tags: [archive, java]
  links:
    - {url: https://wiki.example.com/wayback, title: Wiki, type: docs, icon: help}
  annotations:
    example.com/team-slack: wayback
spec:
  type: service
  lifecycle: production
  owner: team-a
  system: artist-engagement-portal
  providesApis: [wayback-archive]
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: wayback-archive
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  definition: "openapi: 3.0.0"
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: wayback-search
spec:
  type: service
  lifecycle: production
  owner: team-b
  consumesApis: [wayback-archive]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: wayback-archive-ingestion
spec:
  type: service
  lifecycle: production
  owner: team-b
  subcomponentOf: wayback-archive
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ledger
spec:
  type: service
  lifecycle: production
  owner: team-a
  dependsOn: [resource:ledger]
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: ledger
spec:
  type: database
  owner: team-b
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: guest-book
spec:
  type: website
  lifecycle: experimental
  owner: user:amelia.park
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: amelia.park
spec:
  profile: {displayName: Amelia Park, email: amelia.park@example.com}
  memberOf: []
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: billing-ui
spec:
  type: website
  lifecycle: production
  owner: billing
  system: payments-platform
  dependsOn: [component:billing-api]
"""
EXTERNAL_LINES = {"owner": 98, "system": 99, "dependsOn": 100}  # where RELATIONS names what is elsewhere


def write_relations(root: Path) -> Path:
    """write() plus the relations Backstage users rely on (components/relations.yaml, found by the root
    Location's glob): a department Group with only child groups, APIs provided and consumed, a subcomponent,
    a Component and a Resource both named `ledger`, a User-owned component, and references to entities
    defined elsewhere (an owner, a System, a dependency)."""
    cat = write(root)
    (cat / "components" / "relations.yaml").write_text(RELATIONS)
    return cat
