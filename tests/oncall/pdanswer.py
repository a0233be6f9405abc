"""PagerDuty's answer as routing reads it (ownership.oncall.provider.OnCallAnswer), built from /oncalls rows the
way oncall/pagerduty.py builds it after a look-up: for routing and drill tests that need no server."""
from __future__ import annotations

from ownership.oncall import OnCallAnswer, pagerduty
from ownership.oncall.pagerduty import Lookup, OnCallRow


def pd_answer(*rows: OnCallRow, error: str | None = None,
              services: dict[str, str] | None = None) -> dict[str, OnCallAnswer]:
    """{"pagerduty": the answer}: every row's policy asked (and `services`: service id -> its policy)."""
    if error is not None:
        return {"pagerduty": OnCallAnswer("pagerduty", "PagerDuty", error=error)}
    targets = [*(f"service:{s}" for s in services or {}), *dict.fromkeys(f"policy:{r.policy}" for r in rows)]
    return {"pagerduty": pagerduty.answer(targets, Lookup(tuple(rows), services or {}))}
