"""Edge crossings of a drawn dependency picture (either layout), counted on the SVG a reader sees.

The built-in layout draws an edge as one `<line>`; Graphviz as a `<g class="edge">` whose `<path>` is cubic
Béziers, sampled here into short segments. Two edges cross when a segment of one properly crosses a segment
of the other (touching at a shared box does not count); each pair of edges counts once.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
Point = tuple[float, float]


def edges(drawn: str) -> list[list[Point]]:
    root = ET.fromstring(drawn.encode("utf-8"))
    out = [[(float(e.get("x1", 0)), float(e.get("y1", 0))), (float(e.get("x2", 0)), float(e.get("y2", 0)))]
           for e in root.iter(f"{SVG}line")]
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "edge":
            path = g.find(f"{SVG}path")
            if path is not None:
                out.append(_bezier(path.get("d", "")))
    return out


def _bezier(d: str) -> list[Point]:
    nums = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
    pts = list(zip(nums[::2], nums[1::2]))
    out = [pts[0]]
    for i in range(1, len(pts) - 2, 3):
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[i + 1], pts[i + 2]
        for k in range(1, 9):
            t = k / 8
            out.append(tuple(((1 - t) ** 3) * a + 3 * ((1 - t) ** 2) * t * b + 3 * (1 - t) * t * t * c + t ** 3 * e
                             for a, b, c, e in zip(p0, p1, p2, p3)))  # type: ignore[arg-type]
    return out


def _cross(a: Point, b: Point, c: Point, d: Point) -> bool:
    def side(p: Point, q: Point, r: Point) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    eps = 1e-6
    s1, s2, s3, s4 = side(a, b, c), side(a, b, d), side(c, d, a), side(c, d, b)
    return ((s1 > eps and s2 < -eps) or (s1 < -eps and s2 > eps)) and \
        ((s3 > eps and s4 < -eps) or (s3 < -eps and s4 > eps))


def crossings(drawn: str) -> int:
    lines = edges(drawn)
    count = 0
    for i, e in enumerate(lines):
        for f in lines[i + 1:]:
            if any(_cross(e[k], e[k + 1], f[m], f[m + 1]) for k in range(len(e) - 1) for m in range(len(f) - 1)):
                count += 1
    return count
