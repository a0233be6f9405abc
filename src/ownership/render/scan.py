"""`ownership scan` as text and JSON (render.SCAN): pure functions of the activity and the roster."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from ownership.support import redact
from ownership.analysis import people
from ownership.model import Activity, CommitRef, Contributor, Roster, SystemActivity


def printable(text: str) -> str:
    """Undecodable bytes of file names (kept as surrogates) shown as \\xNN instead of failing to print."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _day(when: dt.datetime | None) -> str:
    return when.date().isoformat() if when else "-"


def _commit(c: CommitRef | None) -> str:
    if c is None:
        return "never"
    return f"{_day(c.when)}  {c.name} <{c.email}>  {c.sha[:10]}" + ("  (bot)" if c.bot else "")


def _people(cs: Sequence[Contributor], window: int) -> str:
    return ", ".join(f"{c.name} ({c.commits.get(window, 0)})" for c in cs) or "-"


def scan_text(activity: Activity, roster: Roster | None = None) -> str:
    """Per system: last (human) touch, active people per window, truck factors, knowledge held by leavers."""
    lines: list[str] = []
    if not activity.systems:
        return "No system in the catalog lists a repository; nothing to scan.\n"
    lines += [coverage(activity), ""]
    for name in sorted(activity.systems):
        s = activity.systems[name]
        if not s.read:
            lines.append(f"{name}  ({len(s.repos)} repo{'s' if len(s.repos) != 1 else ''}, HISTORY NOT READ)")
            for label in ("last touch", "last human touch", "truck factor"):
                lines.append(f"  {label.ljust(18)}  unknown")
            if activity.roster_used:
                lines.append("  knowledge held by leavers  unknown")
            for p in s.problems:  # "cannot read URL: git's reason", as for any problem
                lines.append(f"  problem: {p}")
            lines.append("")
            continue
        files = len(s.files)
        authored = sum(1 for f in s.files if f.authors)
        lines.append(f"{name}  ({len(s.repos)} repo{'s' if len(s.repos) != 1 else ''}, {files} file{'s' if files != 1 else ''} at HEAD"
                     + (", PARTIAL: shallow clone" if s.partial else "") + ")")
        lines.append(f"  last touch          {_commit(s.last_commit)}")
        lines.append(f"  last human touch    {_commit(s.last_human_commit)}")
        for w in activity.windows:
            active = s.active(w)
            label = f"  active, {w} days".ljust(22)
            if activity.roster_used:
                employed = [c for c in active if c.employed]
                left = [c for c in active if c.left]
                unknown = [c for c in active if c.person is None]
                parts = [f"{len(employed)} employed: {_people(employed, w)}", f"{len(left)} left: {_people(left, w)}"]
                if unknown:
                    parts.append(f"{len(unknown)} not on the roster: {_people(unknown, w)}")
                lines.append(label + "; ".join(parts))
            else:
                lines.append(label + f"{len(active)}: {_people(active, w)}")
        tf = f"{s.truck_factor}"
        tf_employed, leavers_share = people.scan_numbers(roster, activity, s)
        if tf_employed is not None:
            tf += f" (counting only people still employed: {tf_employed})"
        lines.append(f"  truck factor        {tf}  [{authored} of {files} files have an author]")
        lines.append(f"  truck factor, pruned  {s.truck_factor_pruned}  (as the reference tool prints it: "
                     "people with under 10 % of the top author's files left out)")
        if leavers_share is not None:
            lines.append(f"  knowledge held by leavers  {leavers_share:.0%} of files")
        for p in s.problems:
            lines.append(f"  problem: {p}")
        lines.append("")
    if not activity.roster_used:
        lines.append("(no roster given: people are not resolved, employed-only numbers are not computed)")
    return redact.text(printable("\n".join(lines).rstrip("\n") + "\n"))


def coverage(activity: Activity) -> str:
    """The line shown before any number drawn from the history: how much of it was read."""
    read, named = activity.repositories
    return f"history read for {read} of {named} repositories" + ("" if read == named else
                                                                 f" ({named - read} could not be read)")


def _commit_json(c: CommitRef | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {"repo": c.repo, "sha": c.sha, "date": c.when.isoformat(), "name": c.name, "email": c.email,
            "bot": c.bot}


def _contributor_json(c: Contributor) -> dict[str, Any]:
    return {"key": c.key, "name": c.name, "emails": list(c.emails), "person": c.person, "employed": c.employed,
            "left": c.left, "bot": c.bot, "commits": {str(w): n for w, n in c.commits.items()},
            "total_commits": c.total_commits, "last_commit": c.last_commit.isoformat() if c.last_commit else None,
            "files_authored": c.files_authored}


def system_json(s: SystemActivity, activity: Activity, roster: Roster | None = None) -> dict[str, Any]:
    known = s.read  # an unread history is unknown (null), never 0
    tf_employed, leavers_share = people.scan_numbers(roster, activity, s)
    return {
        "name": s.system, "repos": list(s.repos), "partial": s.partial, "shallow_repos": list(s.shallow_repos),
        "problems": list(s.problems), "history_read": known,
        "unread": [{"repo": url, "reason": why} for url, why in s.unread],
        "last_commit": _commit_json(s.last_commit), "last_human_commit": _commit_json(s.last_human_commit),
        "contributors": [_contributor_json(c) for c in s.contributors],
        "files": len(s.files) if known else None,
        "files_with_authors": sum(1 for f in s.files if f.authors) if known else None,
        "truck_factor": s.truck_factor if known else None, "truck_factor_people": list(s.truck_factor_people),
        "truck_factor_pruned": s.truck_factor_pruned if known else None,
        "truck_factor_employed": tf_employed if known else None,
        "leavers_share": leavers_share if known else None,
    }


def scan_json(activity: Activity, roster: Roster | None = None) -> str:
    """`{"version": 1, "today", "windows", "roster", "repositories", "systems": [...]}`; unknown numbers null."""
    doc = {"version": 1, "today": activity.today.isoformat(), "windows": list(activity.windows),
           "roster": activity.roster_used,
           "repositories": dict(zip(("read", "named"), activity.repositories)),
           "systems": [system_json(activity.systems[n], activity, roster) for n in sorted(activity.systems)]}
    return json.dumps(redact.data(_printable_json(doc)), indent=2, ensure_ascii=False) + "\n"


def _printable_json(value: Any) -> Any:
    """Every string made printable before encoding, so the JSON stays valid UTF-8 (\\xNN stays literal)."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable(str(k)): _printable_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_printable_json(v) for v in value]
    return value
