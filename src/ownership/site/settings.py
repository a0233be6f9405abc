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

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ownership.model import SettingProblem

KEYS = ("title", "pagerduty_web", "offboard_limit")


@dataclass(frozen=True)
class SiteSettings:
    title: str = "Ownership catalog"
    pagerduty_web: str = "https://app.pagerduty.com"
    offboard_limit: int | None = None


def check(value: Any) -> list[SettingProblem]:
    """Every problem of the `site` value (config.py adds file:line:col)."""
    if not isinstance(value, dict):
        return [SettingProblem((), "site must be a mapping (title, pagerduty_web, offboard_limit)")]
    out = [SettingProblem((str(key),), f"site has no setting '{key}'; known: {', '.join(KEYS)}", "unknown-field")
           for key in value if key not in KEYS]
    if "title" in value and not (isinstance(value["title"], str) and value["title"].strip()):
        out.append(SettingProblem(("title",), "site.title must be a non-empty text"))
    web = value.get("pagerduty_web")
    if web is not None and (not isinstance(web, str) or urlsplit(web).scheme not in ("http", "https")):
        out.append(SettingProblem(("pagerduty_web",),
                                  "site.pagerduty_web must be an http(s) URL, e.g. https://acme.pagerduty.com"))
    limit = value.get("offboard_limit")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 0):
        out.append(SettingProblem(("offboard_limit",), "site.offboard_limit must be a whole number >= 0"))
    return out


def from_values(value: Any, relative: Callable[[str], str] | None = None) -> SiteSettings:
    """Settings from an already checked `site` value (None: the defaults); nothing in it is a path."""
    value = value or {}
    return SiteSettings(**{k: value[k] for k in KEYS if k in value})
