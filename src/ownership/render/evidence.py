"""A finding's evidence (the JSON object rules attach; a contract, unchanged here) written as sentences for
people: "alice@acme.test, maintainer: inactive in HR, end date 2026-03-01." rather than `active False`.
The one place the report's HTML and the site phrase evidence. Pure.

Known groups of keys read as one sentence each (who a person is to HR, how much depends on a system); every
other key reads "Key words: value." with yes/no for booleans, percentages for shares and lists joined.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

_PERSON = ("person", "person_id", "role", "active", "end_date", "hr_team", "only_owner")
_IMPACT = ("tier", "dependents", "tier1_dependents", "customer_facing_dependents")
_PERCENT = ("share", "outside_share", "threshold", "leavers_share")
_WORDS = {"hr_team": "HR team", "tier1_dependents": "tier-1 dependents", "truck_factor_all": "truck factor",
          "truck_factor_employed": "truck factor counting employed people only", "window_days": "window (days)",
          "limit_days": "limit (days)", "files_held": "files held by people who left",
          "tied_with": "tied with", "idle_days": "idle (days)"}


def sentences(evidence: Mapping[str, Any] | None) -> list[str]:
    """The evidence as short sentences, in a stable order; empty values (None, [], "") are left out."""
    ev = {k: v for k, v in (evidence or {}).items() if v not in (None, "", [], {}, ())}
    out: list[str] = []
    if isinstance(ev.get("person"), str) and ("role" in ev or "active" in ev):
        out.append(_person(ev))
        rest = [k for k in ev if k not in _PERSON]
    else:
        rest = list(ev)
    if "only_owner" in ev:
        out.append("They are the only owner named." if ev["only_owner"] else "Other owners are named too.")
    if "tier" in ev and "dependents" in ev:
        out.append(_impact(ev))
        rest = [k for k in rest if k not in _IMPACT]
    for key in sorted(rest, key=str):
        if key == "only_owner":
            continue
        if key == "severity_reason":
            out.append(f"Severity {_value(key, ev[key])}.")
        else:
            out.append(f"{_words(key).capitalize()}: {_value(key, ev[key])}.")
    return out


def _person(ev: Mapping[str, Any]) -> str:
    head = str(ev["person"]) + (f", {ev['role']}" if ev.get("role") else "")
    facts = []
    if ev.get("active") is False:
        facts.append("inactive in HR")
    elif ev.get("active") is True:
        facts.append("active in HR")
    if ev.get("end_date"):
        facts.append(f"end date {ev['end_date']}")
    if ev.get("hr_team"):
        facts.append(f"HR team {ev['hr_team']}")
    if ev.get("person_id"):
        facts.append(f"roster id {ev['person_id']}")
    return head + (": " + ", ".join(facts) if facts else "") + "."


def _impact(ev: Mapping[str, Any]) -> str:
    n = ev["dependents"]
    text = f"Tier {ev['tier']}; {n} system{'' if n == 1 else 's'} depend{'s' if n == 1 else ''} on it"
    if n:
        text += (f" ({ev.get('tier1_dependents', 0)} tier 1, "
                 f"{ev.get('customer_facing_dependents', 0)} customer-facing)")
    return text + "."


def _words(key: str) -> str:
    return _WORDS.get(key) or key.replace("_", " ")


def _value(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and key in _PERCENT:
        return f"{100 * value:.1f}".rstrip("0").rstrip(".") + "%"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, Mapping):
        return _mapping(value)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return ", ".join(_value(key, v) for v in value)
    return str(value)


def _mapping(value: Mapping[str, Any]) -> str:
    """`{person: x, commits: 3}` as "x (commits 3)"; a reference -> status mapping as "alice (left ...)"."""
    lead = next((k for k in ("person", "name", "system", "ref") if isinstance(value.get(k), str)), None)
    if lead is None and all(not isinstance(v, Mapping | list) for v in value.values()):
        return ", ".join(f"{k} ({_value(str(k), v)})" for k, v in sorted(value.items(), key=lambda kv: str(kv[0])))
    parts = [f"{_words(str(k))} {_value(str(k), v)}" for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))
             if k != lead and v not in (None, "", [], {})]
    head = str(value[lead]) if lead else ""
    return (head + (f" ({', '.join(parts)})" if parts else "")) if head else ", ".join(parts)
