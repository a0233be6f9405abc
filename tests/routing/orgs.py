"""A small org for routing tests: a catalog written as YAML (loaded by the real loader) and a roster.

Roster facts on 2026-03-02 (the day most tests ask about):
  bob left on 2026-03-01; gina is inactive with no end date (on leave); dan moved to team ledger;
  kate (ledger manager) left, her manager is victor; leo (legal) left; ghosts all left.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ownership.catalog.load import load_sources
from ownership.model import Catalog, Person, Roster

CATALOG = """\
teams:
  - name: payments
    members: [alice@acme.test, bob@acme.test, dan@acme.test, erin@acme.test, gina@acme.test]
    manager: carol@acme.test
    channel: "#payments"
    oncall: {rotation: payments-primary}
  - name: ledger
    members: [liam@acme.test, dan@acme.test]
    manager: kate@acme.test
    channel: "#ledger"
    oncall: {pagerduty: {escalation_policy: PLEDGER}, rotation: ledger-primary}
  - name: platform
    members: [nina@acme.test]
    manager: omar@acme.test
    channel: "#platform"
    oncall: {pagerduty: {escalation_policy: PPLATF}}
  - name: web
    members: [wes@acme.test]
    channel: "#web"
  - name: ghosts
    members: [ghost1@acme.test]
    manager: ghostboss@acme.test
stakeholders:
  - name: customer-success
    contacts: [dana@acme.test]
    channel: "#cs"
  - name: legal
    contacts: [leo@acme.test]
    channel: "#legal"
rotations:
  - name: incident-commander
    members: [alice@acme.test, vera@acme.test, walt@acme.test]
    shift: 7d
    start: 2026-01-05
  - name: payments-primary
    members: [bob@acme.test, erin@acme.test]
    shift: 7d
    start: 2026-01-05T09:00:00Z
  - name: ledger-primary
    members: [liam@acme.test]
    shift: 1d
    start: 2026-01-01
systems:
  - name: payments-api
    owner: payments
    maintainers: [bob@acme.test, alice@acme.test]
    tier: 1
    customer_facing: true
    depends_on: [ledger-api, auth]
    channels: {incident: "#inc-payments", status: "#status-payments"}
    stakeholders: [customer-success]
  - name: checkout
    owner: web
    tier: 1
    customer_facing: true
    depends_on: [payments-api]
    stakeholders: [legal]
  - name: storefront
    owner: web
    tier: 2
    customer_facing: true
    depends_on: [checkout]
  - name: reports
    owner: ledger
    tier: 3
    depends_on: [payments-api]
  - name: ledger-api
    owner: ledger
    tier: 1
    depends_on: [db]
  - name: auth
    owner: platform
    tier: 2
  - name: db
    owner: platform
    tier: 1
  - name: haunted
    owner: ghosts
    tier: 2
"""

ROSTER_CSV = """\
id,email,name,active,end_date,team,manager
p-victor,victor@acme.test,Victor Hale,true,,engineering,
p-carol,carol@acme.test,Carol Diaz,true,,payments,p-victor
p-alice,alice@acme.test,Alice Nguyen,true,,payments,p-carol
p-bob,bob@acme.test,Bob Martin,false,2026-03-01,payments,p-carol
p-dan,dan@acme.test,Dan Okafor,true,,ledger,p-carol
p-erin,erin@acme.test,Erin Kim,true,,payments,p-carol
p-gina,gina@acme.test,Gina Lopez,false,,payments,p-carol
p-kate,kate@acme.test,Kate Olsen,false,2026-02-01,ledger,p-victor
p-liam,liam@acme.test,Liam Park,true,,ledger,p-kate
p-nina,nina@acme.test,Nina Rossi,true,,platform,p-omar
p-omar,omar@acme.test,Omar Haddad,true,,platform,p-victor
p-wes,wes@acme.test,Wes Young,true,,web,p-victor
p-dana,dana@acme.test,Dana White,true,,customer success,p-victor
p-leo,leo@acme.test,Leo Marsh,false,2026-01-15,legal,p-victor
p-vera,vera@acme.test,Vera Novak,true,,platform,p-omar
p-walt,walt@acme.test,Walt Stone,true,,web,p-victor
p-ghost1,ghost1@acme.test,Gus Host,false,2025-06-30,ghosts,p-ghostboss
p-ghostboss,ghostboss@acme.test,Greta Host,false,2025-06-30,ghosts,
"""

DAY = dt.date(2026, 3, 2)
AT = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.timezone.utc)


def catalog(text: str = CATALOG) -> Catalog:
    cat, findings = load_sources([("catalog.yaml", text)])
    assert not [f for f in findings if f.severity == "error"], findings
    return cat


def roster() -> Roster:
    """The ROSTER_CSV people as Person records (the same facts the CSV gives the CLI)."""
    people = []
    for line in ROSTER_CSV.splitlines()[1:]:
        pid, email, name, active, end, team, manager = line.split(",")
        people.append(Person(id=pid, emails=(email,), name=name, active=active == "true",
                             end_date=dt.date.fromisoformat(end) if end else None, team=team,
                             manager=manager or None))
    return Roster(tuple(people), source="test")


def write(tmp: Path, text: str = CATALOG) -> tuple[Path, Path]:
    """The catalog folder and roster CSV in `tmp`."""
    folder = tmp / "catalog"
    folder.mkdir(exist_ok=True)
    (folder / "catalog.yaml").write_text(text, encoding="utf-8")
    csv = tmp / "roster.csv"
    csv.write_text(ROSTER_CSV, encoding="utf-8")
    return folder, csv
