"""A small org for report tests: two teams, three systems, two real git repositories, the example roster."""
from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import ROOT
from tests.gitrepo import GitRepo

ALICE, BOB = "Alice Nguyen <alice.nguyen@acme.test>", "Bob Martin <bob.martin@acme.test>"
HECTOR, JAMAL = "Hector Silva <hector.silva@acme.test>", "Jamal Brooks <jamal.brooks@acme.test>"

TEAMS = """\
teams:
  - name: payments
    description: {payments_description}
    members: [alice.nguyen@acme.test, bob.martin@acme.test]
    oncall: {{pagerduty: {{escalation_policy: PPAY}}}}
  - name: billing
    members: [jamal.brooks@acme.test, hector.silva@acme.test]
"""

SYSTEMS = """\
systems:
  - name: payments-api
    description: {description}
    owner: payments
    maintainers: [alice.nguyen@acme.test]
    tier: 1
    repos:
      - url: {repos}/payments
  - name: checkout
    description: Checkout pages.
    owner: payments
    tier: 1
    customer_facing: true
    depends_on: [payments-api]
  - name: billing-legacy
    description: The old billing monolith.
    owner: billing
    maintainers: [hector.silva@acme.test]
    tier: 3
    lifecycle: deprecated
    repos:
      - url: {repos}/billing
"""


def write_org(root: Path, description: str = "Card payments API.",
              payments_description: str = "Card payments.") -> Path:
    """The catalog folder (with ownership.yaml beside it: roster, a private scan cache); returns it."""
    repos = root / "repos"
    pay = GitRepo.init(repos / "payments")
    for i, (who, day) in enumerate([(BOB, "2023-01-10"), (BOB, "2024-05-02"), (ALICE, "2025-03-01"),
                                    (ALICE, "2026-10-01"), (ALICE, "2026-11-10")]):
        pay.commit({f"src/f{i % 3}.py": f"v{i}\n"}, author=who, date=day)
    bill = GitRepo.init(repos / "billing")
    for i, (who, day) in enumerate([(HECTOR, "2019-06-01"), (HECTOR, "2021-02-01"), (HECTOR, "2023-03-01"),
                                    (JAMAL, "2026-08-15"), (JAMAL, "2026-11-02")]):
        bill.commit({f"app/m{i % 4}.py": f"v{i}\n"}, author=who, date=day)
    catalog = root / "catalog"
    (catalog / "systems").mkdir(parents=True)
    (catalog / "teams.yaml").write_text(TEAMS.format(payments_description=payments_description))
    (catalog / "systems" / "all.yaml").write_text(SYSTEMS.format(description=description, repos=repos.as_posix()))
    shutil.copyfile(ROOT / "examples" / "roster.csv", root / "roster.csv")
    (root / "ownership.yaml").write_text("catalog: catalog/\nroster: roster.csv\nhistory: {cache: .cache/, protocols: [file]}\n")
    return catalog


def terminate(roster: Path, email: str, day: str) -> None:
    """Mark someone as having left on `day` in a copy of the example roster (BambooHR columns)."""
    lines = roster.read_text().splitlines()
    out = []
    for line in lines:
        if f",{email}," in line:
            line = line.replace(",Active,", ",Inactive,").replace(",0000-00-00,", f",{day},")
        out.append(line)
    roster.write_text("\n".join(out) + "\n")
