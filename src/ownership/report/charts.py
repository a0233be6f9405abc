"""Inline SVG pictures for report.html: ownership health over the weeks, findings by team, and the dependency
picture of the riskiest systems. Hand-written SVG, no scripts, nothing loaded from elsewhere.

Every piece of text that reaches the SVG goes through markupsafe.escape, so the returned Markup is safe to
insert into the autoescaped template (catalog text is never trusted as markup).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from ownership.analysis.impact import Impact
from ownership.model import Catalog
from ownership.support.words import plural

COLORS = {"error": "#c0392b", "warning": "#e67e22", "info": "#7f8c8d"}
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"'


def _svg(width: int, height: int, label: str, body: Sequence[str], font: int = 12) -> Markup:
    """A responsive SVG: as wide as its box up to its drawn width (a 390-px phone scales it down, never
    scrolls sideways), its height following from the viewBox."""
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 {width} {height}" '
            f'style="max-width:{width}px;height:auto;display:block" role="img" aria-label="{escape(label)}" '
            f'{FONT} font-size="{font}"><title>{escape(label)}</title>')
    return Markup(head + "".join(body) + "</svg>")


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _day_label(day: dt.date, with_year: bool) -> str:
    return f"{day:%b} {day.day}" + (f", {day.year}" if with_year else "")


LABEL_GAP = 64  # drawn px between two date labels, so they never overlap


def health(points: Sequence[Mapping[str, Any]]) -> Markup:
    """A line chart of "systems with an employed owner" (%) per report, points spaced by their dates (a
    missed week is a gap), the y axis in %, the x axis in report dates; the orphaned count is in each tooltip
    and under each labelled date."""
    known = [(d, p) for p in points if p.get("employed_owner_pct") is not None and (d := _date(p.get("date")))]
    width, height, left, right, top, bottom = 460, 236, 52, 30, 16, 62  # ~0.75 scale on a phone
    if not known:
        return _svg(width, 60, "no ownership health data (no roster given)", [
            f'<text x="8" y="34" fill="#555">{escape("No roster given: employed owners cannot be counted.")}</text>'])
    known.sort(key=lambda dp: dp[0])
    lo = min(50.0, min(float(p["employed_owner_pct"]) for _, p in known) // 10 * 10)
    plot_w, plot_h = width - left - right, height - top - bottom
    first, last = known[0][0], known[-1][0]
    span = (last - first).days

    def x(day: dt.date) -> float:
        return left + (plot_w * (day - first).days / span if span else plot_w / 2)

    def y(pct: float) -> float:
        return top + plot_h * (100.0 - pct) / (100.0 - lo)

    body = [f'<text transform="translate(12,{top + plot_h / 2:.1f}) rotate(-90)" text-anchor="middle" '
            f'fill="#444">{escape("employed owner (%)")}</text>',
            f'<text x="{left + plot_w / 2:.1f}" y="{height - 4}" text-anchor="middle" fill="#444">'
            f'{escape("report date (under it: orphaned systems)")}</text>',
            f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#999"/>']
    for tick in range(int(lo), 101, 10):
        body.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{width - right}" y2="{y(tick):.1f}" '
                    f'stroke="#e5e5e5"/><text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" '
                    f'fill="#666">{tick}%</text>')
    xs = [x(d) for d, _ in known]
    if len(known) > 1:
        path = " ".join(f"{xx:.1f},{y(float(p['employed_owner_pct'])):.1f}" for xx, (_, p) in zip(xs, known))
        body.append(f'<polyline points="{path}" fill="none" stroke="#2e86c1" stroke-width="2.5"/>')
    # date labels: always the last, then each earlier one at least LABEL_GAP left of the one drawn after it
    labelled, edge = set(), float("inf")
    for i in range(len(known) - 1, -1, -1):
        if edge - xs[i] >= LABEL_GAP:
            labelled.add(i)
            edge = xs[i]
    years = {d.year for d, _ in known}
    for i, (xx, (day, p)) in enumerate(zip(xs, known)):
        pct = float(p["employed_owner_pct"])
        orphaned = p.get("orphaned")
        tip = f"{day.isoformat()}: {pct:g}% of systems have an employed owner; {orphaned} orphaned"
        body.append(f'<circle cx="{xx:.1f}" cy="{y(pct):.1f}" r="4" fill="#2e86c1"><title>{escape(tip)}</title>'
                    "</circle>")
        if i in labelled:
            text = _day_label(day, len(years) > 1 or i == min(labelled))
            body.append(f'<line x1="{xx:.1f}" y1="{top + plot_h}" x2="{xx:.1f}" y2="{top + plot_h + 4}" '
                        f'stroke="#999"/><text x="{xx:.1f}" y="{top + plot_h + 18}" text-anchor="middle" '
                        f'fill="#444">{escape(text)}</text>'
                        f'<text x="{xx:.1f}" y="{top + plot_h + 33}" text-anchor="middle" fill="#888">'
                        f"{escape(str(orphaned) if orphaned is not None else '-')} orph.</text>")
    day, p = known[-1]
    label = (f"Systems with an employed owner over {plural(len(known), 'report')}: "
             f"{float(p['employed_owner_pct']):g}% on {day.isoformat()}")
    return _svg(width, height, label, body, font=13)


def team_findings(rows: Sequence[Mapping[str, Any]]) -> Markup:
    """Horizontal stacked bars: errors, warnings and info per team."""
    width, bar_h, gap, left, top = 640, 18, 8, 150, 24
    total = [sum(r["findings"].values()) for r in rows]
    most = max(total, default=0) or 1
    scale = (width - left - 60) / most
    height = top + len(rows) * (bar_h + gap) + 10
    body = [f'<text x="{left + i * 90}" y="14" fill="{color}">■ {sev}</text>' for i, (sev, color) in
            enumerate(COLORS.items())]
    for i, r in enumerate(rows):
        yy = top + i * (bar_h + gap)
        body.append(f'<text x="{left - 8}" y="{yy + 13}" text-anchor="end" fill="#333">'
                    f"{escape(_clip(str(r['team']), 22))}</text>")
        x = float(left)
        for sev in COLORS:
            n = r["findings"].get(sev, 0)
            if n:
                body.append(f'<rect x="{x:.1f}" y="{yy}" width="{n * scale:.1f}" height="{bar_h}" '
                            f'fill="{COLORS[sev]}"><title>{escape(str(r["team"]))}: {n} {sev}</title></rect>')
                x += n * scale
        body.append(f'<text x="{x + 6:.1f}" y="{yy + 13}" fill="#333">{total[i]}</text>')
    return _svg(width, height, "Findings by team", body)


def dependencies(catalog: Catalog, systems: Sequence[str], depth: int = 2,
                 draw: Callable[[Impact], str] | None = None) -> Markup:
    """What breaks when the riskiest systems break: the blast-radius picture of analysis/impact.py, inline.
    `draw`: ownership/render/pictures.py's Drawer (Graphviz when installed); None: the built-in layout."""
    if not systems:
        return Markup("")
    from ownership.analysis.impact import blast_radius, build_graph
    from ownership.render.routing import svg

    impact = blast_radius(catalog, build_graph(catalog), list(systems), depth, with_edges=True)
    drawn = (draw or svg)(impact)
    # both layouts escape every name they write (dot HTML-escapes its labels); only the XML prolog has no
    # place inside HTML
    start = drawn.find("<svg")
    return Markup(drawn[start:] if start >= 0 else "")


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
