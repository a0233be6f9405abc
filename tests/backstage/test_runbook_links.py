"""The runbook from `metadata.links`, for each link shape Backstage catalogs use."""
from __future__ import annotations

import pytest

from ownership.catalog.load import load_sources

GROUP = ("---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\n"
         "spec:\n  type: team\n  children: []\n")


def runbook(links: str) -> tuple[str | None, list[str]]:
    text = ("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: api\n  links:\n" + links
            + "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n" + GROUP)
    cat, findings = load_sources([("c.yaml", text)])
    return cat.systems["api"].runbook, [f"{f.rule}:{f.location.line if f.location else 0}" for f in findings]


@pytest.mark.parametrize("links", [
    "    - url: https://wiki.acme.test/rb\n      title: Runbook\n",
    "    - url: https://wiki.acme.test/rb\n      title: On-call RUNBOOK\n      icon: docs\n",
    "    - url: https://wiki.acme.test/rb\n      type: runbook\n",
    "    - url: https://wiki.acme.test/rb\n      type: Runbook\n      title: Ops\n",
    "    - {url: 'https://grafana.acme.test/d/1', title: Dashboard, icon: dashboard}\n"
    "    - {url: 'https://wiki.acme.test/rb', title: Runbook}\n",
])
def test_the_runbook_link_is_found_in_each_shape(links: str) -> None:
    assert runbook(links) == ("https://wiki.acme.test/rb", [])


def test_links_without_a_runbook_give_none_and_no_finding() -> None:
    assert runbook("    - url: https://grafana.acme.test/d/1\n      title: Dashboard\n") == (None, [])


def test_a_runbook_link_that_is_not_a_web_address_is_named_at_its_line() -> None:
    assert runbook("    - url: javascript:alert(1)\n      title: Runbook\n") == (None, ["invalid-value:6"])
