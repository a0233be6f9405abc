"""`ownership drill` as text, Markdown and JSON. Formatting only: the gaps come from routing/drill.py."""
from __future__ import annotations

import json
from collections.abc import Sequence

from ownership.analysis.rotation import zone_name
from ownership.render import markdown as md
from ownership.routing.drill import KINDS, Drill, Gap
from ownership.support.words import plural


def _span(d: Drill, g: Gap) -> str:
    return f"{d.when(g.start)} – {d.when(g.end)}"


def _scope(d: Drill) -> str:
    tier = f"tier <= {d.tier}" if d.tier is not None else "all tiers"
    if d.team is not None:
        tier += f", team {d.team}"
    return (f"Drill {d.when(d.start)} – {d.when(d.end)} ({zone_name(d.tz)}): {d.systems} systems ({tier}), "
            f"{plural(d.hand_overs, 'hand-over')}, {plural(d.asked, 'page list')} worked out")


def _counts(gaps: Sequence[Gap]) -> dict[str, int]:
    out: dict[str, int] = {}
    for g in gaps:
        out[g.kind] = out.get(g.kind, 0) + 1
    return dict(sorted(out.items()))


def drill_text(d: Drill) -> str:
    """The drill's scope, then every gap with its span, then the counts per kind."""
    lines = [_scope(d), ""]
    for g in d.gaps:
        lines.append(f"{_span(d, g)}  {g.kind}")
        lines.append(f"   {g.message}")
        if g.systems and g.kind not in ("tier1-no-runbook", "tier1-no-status-channel"):
            lines.append(f"   systems: {', '.join(g.systems)}")
        if g.fallback is not None:
            lines.append("   the org fallback covers it" if g.fallback else "   the org fallback does not cover it")
    lines += [f"note: {n}" for n in d.notes]
    summary = ", ".join(f"{n} {k}" for k, n in _counts(d.gaps).items())
    lines.append(plural(len(d.gaps), "gap") + (f": {summary}" if summary else ": every shift is covered"))
    return "\n".join(lines) + "\n"


def drill_markdown(d: Drill) -> str:
    """The drill as a Markdown document for a game-day page."""
    lines = [f"## {md.text(_scope(d))}", ""]
    lines += [f"> {md.text(n)}" for n in d.notes] + ([""] if d.notes else [])
    if not d.gaps:
        return "\n".join(lines + ["No gaps: every shift is covered.", ""])
    lines += ["| when | gap | systems | people | what |", "|---|---|---|---|---|"]
    for g in d.gaps:
        what = g.message + ("" if g.fallback is None else " (the org fallback covers it)" if g.fallback
                            else " (the org fallback does not cover it)")
        lines.append(f"| {md.text(_span(d, g))} | `{g.kind}` | {md.text(', '.join(g.systems))} | "
                     f"{md.text(', '.join(g.people))} | {md.text(what)} |")
    summary = ", ".join(f"{n} `{k}`" for k, n in _counts(d.gaps).items())
    return "\n".join(lines + ["", f"{plural(len(d.gaps), 'gap')}: {summary}", ""])


def drill_json(d: Drill) -> str:
    """`{"version": 1, ...}`: the scope and every gap as data."""
    return json.dumps({
        "version": 1, "start": d.start.isoformat(), "end": d.end.isoformat(), "time_zone": zone_name(d.tz),
        "tier": d.tier, "team": d.team, "systems": d.systems, "hand_overs": d.hand_overs, "roster_checked": d.roster_checked,
        "sole_responder_threshold": d.threshold, "notes": list(d.notes),
        "gaps": [g.to_json() for g in d.gaps], "counts": _counts(d.gaps), "kinds": KINDS,
    }, indent=2, ensure_ascii=False) + "\n"
