"""The Backstage example org the tests load: a Location tree, groups, users, systems and components, a
multi-document file, a native file mixed in, and a few deliberate mistakes (see EXPECTED)."""
from __future__ import annotations

from pathlib import Path

FILES: dict[str, str] = {
    "catalog-info.yaml": """\
apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: acme-root
spec:
  targets:
    - ./org/*.yaml
    - ./systems/payments.yaml
    - ./systems/missing.yaml
    - https://github.com/acme/infra/blob/main/catalog-info.yaml
""",
    "org/groups.yaml": """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: Payments
  description: Card payments and checkout.
  annotations:
    ownership.dev/channel: "#payments"
    ownership.dev/escalation-policy: PPAY123
spec:
  type: team
  parent: engineering
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: platform
spec:
  type: team
  parent: group:default/engineering
  children: []
  members: [user:carol]
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: engineering
spec:
  type: department
  children: [payments, platform]
""",
    "org/users.yaml": """\
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: alice
spec:
  profile: {email: alice@acme.test}
  memberOf: [payments]
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: bob
spec:
  profile:
    email: bob@acme.test
  memberOf: [group:default/Payments, platform]
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: carol
spec:
  memberOf: []
""",
    "systems/payments.yaml": """\
apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: payments
spec:
  owner: payments
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
  description: Card payments API
  annotations:
    backstage.io/source-location: url:https://github.com/acme/monorepo/tree/main/services/payments-api/
    ownership.dev/tier: "1"
    ownership.dev/maintainers: alice@acme.test
  links:
    - url: https://wiki.acme.test/runbooks/payments-api
      title: Runbook
spec:
  type: service
  lifecycle: production
  owner: group:payments
  system: payments
  dependsOn: [component:ledger, resource:payments-db, component:fraud]
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: payments-db
spec:
  type: database
  owner: platform
  system: payments
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ledger
  annotations:
    github.com/project-slug: acme/ledger
spec:
  type: service
  lifecycle: production
  owner: ledger-team
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: Bad_Name-
spec:
  type: library
  lifecycle: experimental
  owner: payments
---
apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: back-to-root
spec:
  target: ../catalog-info.yaml
""",
    # a native file in the same tree, not listed by any Location (found when a folder is loaded)
    "native/edge.yaml": """\
systems:
  - name: edge-proxy
    owner: platform
    depends_on: [payments-api]
""",
}

# (file, line, rule, severity, message) of every finding `ownership validate catalog-info.yaml` reports
EXPECTED = [
    ("catalog-info.yaml", 9, "location-not-found", "error",
     "Location target ./systems/missing.yaml (systems/missing.yaml) does not exist"),
    ("catalog-info.yaml", 10, "location-not-followed", "warning",
     "Location target https://github.com/acme/infra/blob/main/catalog-info.yaml is a URL; URLs are not fetched "
     "(no network access while loading): check the file into the catalog folder or point at it with a relative "
     "path"),
    ("systems/payments.yaml", 25, "dangling-reference", "error",
     "component 'payments-api' names 'fraud' in spec.dependsOn, which is not in the files read"),
    ("systems/payments.yaml", 45, "dangling-reference", "error",
     "component 'ledger' is owned by group 'ledger-team', which is not in the files read (if it is defined "
     "elsewhere, list it under external_owners: in ownership.yaml)"),
    ("systems/payments.yaml", 50, "backstage-invalid-field", "error",
     "Component 'Bad_Name-': 'metadata.name' must be 1-63 letters, digits, '-', '_' or '.', starting and ending "
     "with a letter or digit, not 'Bad_Name-'; Backstage rejects the entity"),
]


def write(root: Path, files: dict[str, str] | None = None) -> Path:
    for rel, body in (files or FILES).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    return root
