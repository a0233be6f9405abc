"""The home page's search index and rule counts. Pure.

The index is a JSON array embedded in the page (`<script type="application/json">`), so the search works from
file:// with no fetch(). Each entry is `[kind, name, url, description, more]`: kind `s` system, `t` team, `p`
person; `more` holds the other words a responder might type (owning team, repositories, channels, people's
names). The page's script matches every typed word against name, description and `more`, and inserts results
with textContent only.
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from ownership.model import Catalog, Finding
from ownership.site.directory import Directory

# JSON inside <script> must not be able to close the element or open a comment: escape <, >, & and the two
# line separators JavaScript once treated as newlines. The JSON stays valid and decodes to the same text.
_SCRIPT_SAFE = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                0x2028: "\\u2028", 0x2029: "\\u2029"}


def entries(catalog: Catalog, directory: Directory, team_url: Mapping[str, str],
            system_url: Mapping[str, str]) -> list[list[str]]:
    out: list[list[str]] = []
    for name in sorted(catalog.systems):
        s = catalog.systems[name]
        more = [s.owner, *(r.url for r in s.repos), *s.channels.values(), *s.maintainers]
        out.append(["s", name, system_url[name], s.description or "", " ".join(more)])
    for name in sorted(catalog.teams):
        t = catalog.teams[name]
        more = [t.channel or "", t.manager or ""]
        out.append(["t", name, team_url[name], t.description or "", " ".join(m for m in more if m)])
    for e in directory.entries():
        more = [*sorted(e.refs), *e.member_of]
        out.append(["p", e.name or e.label, e.url, e.label if e.name else "", " ".join(more)])
    return out


def embed(data: Any) -> str:
    """`data` as JSON that is safe between <script type="application/json"> and </script>."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_SAFE)


def rule_counts(findings: Sequence[Finding], top: int = 10) -> list[tuple[str, int]]:
    """The most frequent rules, most findings first (the headline numbers come from the weekly report)."""
    return sorted(Counter(f.rule for f in findings).items(), key=lambda kv: (-kv[1], kv[0]))[:top]
