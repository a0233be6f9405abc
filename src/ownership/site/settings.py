"""The `site:` section of ownership.yaml; command-line flags override it.

```yaml
site:
  title: Acme ownership catalog
  pagerduty_web: https://acme.pagerduty.com   # escalation-policy links point here
  offboard_limit: 20000                       # simulate off-boarding on person pages up to this many people
                                              # (default: no limit; ~1-3 ms a person)
```
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

KEYS = ("title", "pagerduty_web", "offboard_limit")


@dataclass(frozen=True)
class SiteSettings:
    title: str = "Ownership catalog"
    pagerduty_web: str = "https://app.pagerduty.com"
    offboard_limit: int | None = None


def problem(value: Any) -> str | None:
    """Why the `site` value cannot be used, or None. (config.py adds file:line.)"""
    if not isinstance(value, dict):
        return "site must be a mapping (title, pagerduty_web, offboard_limit)"
    for key in value:
        if key not in KEYS:
            return f"site has no setting '{key}'; known: {', '.join(KEYS)}"
    if "title" in value and not (isinstance(value["title"], str) and value["title"].strip()):
        return "site.title must be a non-empty text"
    web = value.get("pagerduty_web")
    if web is not None and (not isinstance(web, str) or urlsplit(web).scheme not in ("http", "https")):
        return "site.pagerduty_web must be an http(s) URL, e.g. https://acme.pagerduty.com"
    limit = value.get("offboard_limit")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 0):
        return "site.offboard_limit must be a whole number >= 0"
    return None


def from_config(value: Any) -> SiteSettings:
    """Settings from an already checked `site` value (None: the defaults)."""
    value = value or {}
    return SiteSettings(**{k: value[k] for k in KEYS if k in value})
