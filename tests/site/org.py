"""A small, hostile org for the site tests: catalog text full of markup, a roster, a real git monorepo.

Facts on AT (2026-03-10): bob left on 2026-03-01 (payments member, payments-api maintainer, on the payments
rotation); hector left in 2025 and is the only maintainer of legacy-batch (liam, who patched it in January, is its
suggested successor); the rotation payments-primary has
bob on call this week (so the page list passes to erin). checkout names a maintainer the roster does not know
and whose reference is an attribute-injection attempt. storefront -> checkout -> payments-api -> ledger-api.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.gitrepo import GitRepo

AT = "2026-03-10T09:00:00Z"
TODAY = dt.date(2026, 3, 10)
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PWNED = "<script>window.__pwned=1</script>"
# catalog fields that forbid spaces still take these (channel, runbook, person references)
IMG_NOSPACE = '"><img/src=x/onerror=alert(1)>'
ATTR_REF = '"onmouseover=alert(1)//@acme.test'
PAYLOADS = (SCRIPT, IMG, PWNED, IMG_NOSPACE, ATTR_REF)

TEAMS = f"""\
teams:
  - name: payments
    description: '{SCRIPT} Card payments.'
    members: [alice@acme.test, bob@acme.test, erin@acme.test]
    manager: carol@acme.test
    channel: '#pay{IMG_NOSPACE}'
    oncall:
      pagerduty: {{escalation_policy: PPAY123}}
      rotation: payments-primary
  - name: ledger
    description: The ledger.
    members: [liam@acme.test]
    manager: kate@acme.test
    channel: "#ledger"
stakeholders:
  - name: customer-success
    contacts: [dana@acme.test]
    channel: "#cs"
rotations:
  - name: payments-primary
    members: [bob@acme.test, erin@acme.test]
    shift: 7d
    start: 2026-01-05T09:00:00Z
"""

SYSTEMS = f"""\
systems:
  - name: payments-api
    description: '{PWNED}{SCRIPT} Card payments API'
    owner: payments
    maintainers: [bob@acme.test, alice@acme.test]
    tier: 1
    customer_facing: true
    repos:
      - url: ../../repos/mono
        paths: [services/payments-api/]
    depends_on: [ledger-api]
    channels: {{incident: '#inc{IMG_NOSPACE}', status: "#status-payments"}}
    stakeholders: [customer-success]
    runbook: 'https://wiki.acme.test/{IMG_NOSPACE}'
  - name: checkout
    description: '{IMG}'
    owner: payments
    maintainers: ['{ATTR_REF}']
    tier: 1
    customer_facing: true
    depends_on: [payments-api]
  - name: storefront
    description: The web shop.
    owner: payments
    tier: 2
    customer_facing: true
    depends_on: [checkout]
  - name: ledger-api
    description: Balances.
    owner: ledger
    maintainers: [liam@acme.test]
    tier: 1
    repos:
      - url: ../../repos/mono
        paths: [services/ledger-api/]
  - name: legacy-batch
    description: Nightly batch nobody touches.
    owner: ledger
    maintainers: [hector@acme.test]
    tier: 3
    lifecycle: deprecated
    repos:
      - url: ../../repos/mono
        paths: [services/legacy-batch/]
"""

ROSTER = """\
id,email,name,status,end_date,team,manager,title
1,victor@acme.test,Victor Hale,Active,,Engineering,,CTO
2,carol@acme.test,Carol Diaz,Active,,Payments,1,Manager
3,alice@acme.test,Alice Nguyen,Active,,Payments,2,Engineer
4,bob@acme.test,Bob Martin,Inactive,2026-03-01,Payments,2,Engineer
5,erin@acme.test,Erin <b>Kim</b>,Active,,Payments,2,Engineer
6,kate@acme.test,Kate Olsen,Active,,Ledger,1,Manager
7,liam@acme.test,Liam Park,Active,,Ledger,6,Engineer
8,hector@acme.test,Hector Silva,Inactive,2025-09-30,Ledger,6,Engineer
9,dana@acme.test,Dana White,Active,,Customer Success,1,CSM
"""


def make(root: Path) -> dict[str, Path]:
    """Write the org under `root`: catalog/, roster.csv, repos/mono (a git repository), ownership.yaml."""
    catalog = root / "catalog"
    (catalog / "systems").mkdir(parents=True)
    (catalog / "teams.yaml").write_text(TEAMS, encoding="utf-8")
    (catalog / "systems" / "all.yaml").write_text(SYSTEMS, encoding="utf-8")
    roster = root / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    (catalog / "ownership.yaml").write_text(f"history:\n  cache: {root / 'cache'}\n  protocols: [file]\n", encoding="utf-8")
    repo = GitRepo.init(root / "repos" / "mono")
    repo.commit({"services/payments-api/api.py": "a\n", "services/payments-api/old.py": "b\n"},
                author="Bob Martin <bob@acme.test>", date="2025-06-01")
    repo.commit({"services/legacy-batch/batch.py": "h\n"}, author="Hector Silva <hector@acme.test>",
                date="2025-01-10")
    repo.commit({"services/ledger-api/ledger.py": "l\n"}, author="Liam Park <liam@acme.test>", date="2025-11-02")
    repo.commit({"services/legacy-batch/fix.py": "f\n"}, author="Liam Park <liam@acme.test>", date="2026-01-15")
    repo.commit({"services/payments-api/api.py": "a\na2\n"}, author="Alice Nguyen <alice@acme.test>",
                date="2026-02-20")
    return {"catalog": catalog, "roster": roster, "repo": repo.path}
