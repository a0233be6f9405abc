"""The `history:` section of ownership.yaml, checked and with defaults filled in.

```yaml
history:
  windows: [90, 365]              # activity windows in days (default 90 and 365)
  bots: ["release-robot*"]        # more bot patterns, added to the built-in ones; `*` is the only wildcard
  cache: .ownership-cache/        # where scans and clones are cached (default $XDG_CACHE_HOME/ownership)
  jobs: 4                         # repositories scanned at once (default: CPU count)
  rewrite:                        # like git's insteadOf: URL prefix -> replacement (a URL or a local folder)
    "https://git.acme.test/acme/": "../repos/"
  protocols: [https, ssh]         # transports git may use (default); add `file` to read local folders and
                                  # file:// URLs the catalog names, `git`/`http` for git:// and http://
  stall: 60                       # seconds a clone or fetch may go without progress that moves data
  deadline: 3600                  # seconds a clone or fetch may take in all before it is stopped
```
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ownership.history.git import DEADLINE_SECONDS, DEFAULT_PROTOCOLS, PROTOCOLS, STALL_SECONDS, Transport
from ownership.model import SettingProblem

DEFAULT_WINDOWS = (90, 365)
# matched case-insensitively against the author name and the email (after .mailmap)
BUILTIN_BOTS = ("*[bot]", "*[bot]@*", "dependabot*", "renovate*", "github-actions*", "action@github.com",
                "*-bot", "*-bot@*")
KEYS = ("windows", "bots", "cache", "jobs", "rewrite", "protocols", "stall", "deadline")


@dataclass(frozen=True)
class HistorySettings:
    windows: tuple[int, ...] = DEFAULT_WINDOWS
    bots: tuple[str, ...] = BUILTIN_BOTS
    cache: Path | None = None  # None: cachedir.root()
    jobs: int = 0  # 0: CPU count
    rewrite: Mapping[str, str] = field(default_factory=dict)
    protocols: tuple[str, ...] = DEFAULT_PROTOCOLS
    stall: float = STALL_SECONDS
    deadline: float = DEADLINE_SECONDS

    @property
    def transport(self) -> Transport:
        return Transport(self.protocols, self.stall, deadline=self.deadline)

    def is_bot(self) -> Callable[[str, str], bool]:
        return bot_matcher(self.bots)


def check(value: Any) -> list[SettingProblem]:
    """Every problem of the `history` value (config.py adds file:line:col)."""
    if value is None:
        return []
    if not isinstance(value, dict):
        return [SettingProblem((), "history must be a mapping of settings")]
    out = [SettingProblem((str(key),), f"unknown history setting '{key}'; known: {', '.join(KEYS)}", "unknown-field")
           for key in value if key not in KEYS]

    def bad(key: str, message: str) -> None:
        out.append(SettingProblem((key,), message))

    windows = value.get("windows")
    if windows is not None and (not isinstance(windows, list) or not windows or not all(
            isinstance(w, int) and not isinstance(w, bool) and w > 0 for w in windows)):
        bad("windows", "history.windows must be a list of positive whole numbers of days, e.g. [90, 365]")
    bots = value.get("bots")
    if bots is not None and (not isinstance(bots, list) or not all(isinstance(b, str) and b for b in bots)):
        bad("bots", "history.bots must be a list of name or email patterns")
    if "cache" in value and not isinstance(value["cache"], str):
        bad("cache", "history.cache must be a folder path")
    jobs = value.get("jobs")
    if jobs is not None and (not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1):
        bad("jobs", "history.jobs must be a whole number >= 1")
    rewrite = value.get("rewrite")
    if rewrite is not None and (not isinstance(rewrite, dict) or not all(
            isinstance(k, str) and k and isinstance(v, str) and v for k, v in rewrite.items())):
        bad("rewrite", "history.rewrite must map URL prefixes to replacement URLs or folders")
    protocols = value.get("protocols")
    if protocols is not None and (not isinstance(protocols, list) or not all(p in PROTOCOLS for p in protocols)):
        bad("protocols", f"history.protocols must be a list of: {', '.join(PROTOCOLS)} (ext and fd are never "
                         "allowed)")
    for key in ("stall", "deadline"):
        seconds = value.get(key)
        if seconds is not None and (not isinstance(seconds, (int, float)) or isinstance(seconds, bool)
                                    or not 0 < seconds < float("inf")):
            bad(key, f"history.{key} must be a positive number of seconds")
    return out


def from_values(value: Any, relative: Callable[[str], str]) -> HistorySettings:
    """Settings from an already checked `history` value; `relative` resolves paths against ownership.yaml."""
    value = value or {}
    rewrite = {}
    for prefix, target in (value.get("rewrite") or {}).items():
        rewrite[prefix] = target if _is_url(target) else relative(target)
    return HistorySettings(
        windows=tuple(sorted(set(value.get("windows") or DEFAULT_WINDOWS))),
        bots=BUILTIN_BOTS + tuple(value.get("bots") or ()),
        cache=Path(relative(value["cache"])) if value.get("cache") else None,
        jobs=int(value.get("jobs") or 0),
        rewrite=rewrite,
        protocols=tuple(value["protocols"]) if value.get("protocols") is not None else DEFAULT_PROTOCOLS,
        stall=float(value.get("stall") or STALL_SECONDS),
        deadline=float(value.get("deadline") or DEADLINE_SECONDS),
    )


def jobs(requested: int | None, settings: HistorySettings) -> int:
    return max(1, requested or settings.jobs or os.cpu_count() or 1)


def bot_matcher(patterns: Iterable[str]) -> Callable[[str, str], bool]:
    """A test `(name, email) -> bool` for the patterns (`*` is the only wildcard; case-insensitive)."""
    parts = ["^" + ".*".join(re.escape(piece) for piece in p.lower().split("*")) + "$" for p in patterns]
    regex = re.compile("|".join(parts)) if parts else None

    def is_bot(name: str, email: str) -> bool:
        if regex is None:
            return False
        return bool(regex.match(name.lower()) or regex.match(email.lower()))

    return is_bot


def _is_url(text: str) -> bool:
    return "://" in text or bool(re.match(r"^[\w.-]+@[\w.-]+:", text))
