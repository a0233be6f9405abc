"""On-call providers: who a provider says is on call (oncall/provider.py declares what a provider offers and the
answer routing reads). PROVIDERS is the one registry: adding a provider is one module and one line here.
Chat sinks (Slack) are not on-call providers: they live in ownership.chat.
"""
from __future__ import annotations

from ownership.oncall import opsgenie, pagerduty
from ownership.oncall.provider import OnCallAnswer, OnCallEntry, OnCallProvider, TargetAnswer

PROVIDERS: dict[str, OnCallProvider] = {
    "pagerduty": pagerduty.PROVIDER,
    "opsgenie": opsgenie.PROVIDER,  # recognised and shown; not asked yet
}

__all__ = ["PROVIDERS", "OnCallAnswer", "OnCallEntry", "OnCallProvider", "TargetAnswer"]
