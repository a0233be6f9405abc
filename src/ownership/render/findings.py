"""Findings → text | json | github | sarif | markdown. Pure functions of their inputs; no I/O."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ownership import __version__
from ownership.model import Finding
from ownership.rules import RULES
from ownership.rules.engine import counts

FORMATS = ("text", "json", "github", "sarif", "markdown")
GITHUB_ANNOTATION_LIMIT = 10  # GitHub shows at most 10 annotations of each level per step
_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _where(f: Finding) -> str:
    return str(f.location) if f.location else f.subject


def _line(f: Finding) -> str:
    """One finding on one line: a message that quotes a key like "a\\nb" must not start a fake finding."""
    msg = f.message.replace("\r", "\\r").replace("\n", "\\n")
    return f"{_where(f)}: {f.severity} {f.rule} {msg}"


def text(findings: Sequence[Finding], *, baseline: Sequence[Finding] = ()) -> str:
    """`file:line:col: severity rule-slug message`, one per line, then a count line."""
    lines = [_line(f) for f in findings]
    if baseline:
        lines.append("")
        lines.append(f"{len(baseline)} finding(s) already present at the base revision (not failing):")
        lines.extend(f"  {_line(f)}" for f in baseline)
    c = counts(findings)
    lines.append(f"{c['error']} error(s), {c['warning']} warning(s), {c['info']} info")
    return "\n".join(lines) + "\n"


def json_doc(findings: Sequence[Finding], *, baseline: Sequence[Finding] = ()) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "version": 1,
        "findings": [f.to_json() for f in findings],
        "counts": counts(findings),
    }
    if baseline:
        doc["preexisting"] = [f.to_json() for f in baseline]
    return doc


def json_text(findings: Sequence[Finding], *, baseline: Sequence[Finding] = ()) -> str:
    return json.dumps(json_doc(findings, baseline=baseline), indent=2, sort_keys=False) + "\n"


# --------------------------------------------------------------------------- GitHub Actions


def escape_data(s: str) -> str:
    """@actions/core's escapeData: the message part of a workflow command."""
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    """@actions/core's escapeProperty: values of file=, title= and so on."""
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def github_annotation(f: Finding) -> str:
    props = []
    if f.location:
        props.append(f"file={escape_property(f.location.file)}")
        if f.location.line:
            props.append(f"line={f.location.line}")
            if f.location.column:
                props.append(f"col={f.location.column}")
    props.append(f"title={escape_property(f'{f.rule} ({f.subject})')}")
    return f"::{_GITHUB_LEVEL[f.severity]} {','.join(props)}::{escape_data(f.message)}"


def github(findings: Sequence[Finding], *, baseline: Sequence[Finding] = ()) -> tuple[str, str]:
    """Workflow commands for the log, and a Markdown step summary (empty when there is nothing to add).

    The first GITHUB_ANNOTATION_LIMIT findings of each level become annotations on the PR's lines; the rest
    are printed as plain log lines and listed in the step summary, so none is lost.
    """
    seen = {"error": 0, "warning": 0, "info": 0}
    out, overflow = [], []
    for f in findings:
        seen[f.severity] += 1
        if seen[f.severity] <= GITHUB_ANNOTATION_LIMIT:
            out.append(github_annotation(f))
        else:
            overflow.append(f)
            out.append(_line(f))
    c = counts(findings)
    out.append(f"{c['error']} error(s), {c['warning']} warning(s), {c['info']} info")
    summary = ""
    if overflow or baseline:
        summary = markdown(findings, baseline=baseline, title="Catalog check",
                           note=(f"{len(overflow)} finding(s) beyond GitHub's {GITHUB_ANNOTATION_LIMIT} "
                                 "annotations per level are listed here." if overflow else ""))
    return "\n".join(out) + "\n", summary


# --------------------------------------------------------------------------- Markdown


def _md_cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def markdown(findings: Sequence[Finding], *, baseline: Sequence[Finding] = (), title: str = "Findings",
             note: str = "") -> str:
    c = counts(findings)
    lines = [f"## {title}", "", f"**{c['error']}** error(s), **{c['warning']}** warning(s), "
             f"**{c['info']}** info.", ""]
    if note:
        lines += [note, ""]
    if findings:
        lines += ["| severity | rule | where | message |", "|---|---|---|---|"]
        lines += [f"| {f.severity} | `{f.rule}` | `{_md_cell(_where(f))}` | {_md_cell(f.message)} |"
                  for f in findings]
        lines.append("")
    if baseline:
        lines += [f"<details><summary>{len(baseline)} finding(s) already present at the base revision"
                  "</summary>", "", "| severity | rule | where | message |", "|---|---|---|---|"]
        lines += [f"| {f.severity} | `{f.rule}` | `{_md_cell(_where(f))}` | {_md_cell(f.message)} |"
                  for f in baseline]
        lines += ["", "</details>", ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------- SARIF 2.1.0


def _fingerprint(f: Finding) -> str:
    return hashlib.sha256("\0".join(f.identity).encode()).hexdigest()[:32]


def sarif(findings: Sequence[Finding], *, uri: Callable[[str], str] = lambda p: p,
          rule_slugs: Iterable[str] | None = None) -> dict[str, Any]:
    """A SARIF 2.1.0 log: every known rule in tool.driver.rules, one result per finding.

    `uri` maps a finding's file to a repository-relative URI (forward slashes).
    """
    slugs = list(rule_slugs) if rule_slugs is not None else list(RULES)
    for f in findings:
        if f.rule not in slugs:
            slugs.append(f.rule)
    index = {s: i for i, s in enumerate(slugs)}
    rules = []
    for s in slugs:
        r = RULES.get(s)
        doc = r.doc if r else s
        summary = r.summary if r else s
        rules.append({
            "id": s,
            "name": "".join(p.capitalize() for p in s.split("-")),
            "shortDescription": {"text": summary},
            "fullDescription": {"text": doc},
            "help": {"text": doc, "markdown": doc},
            "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity if r else "warning"]},
            "properties": {"tags": [r.group if r else "ownership"]},
        })
    results = []
    for f in findings:
        res: dict[str, Any] = {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
            "partialFingerprints": {"ownershipFinding/v1": _fingerprint(f)},
            "properties": {"subject": f.subject, "evidence": _jsonable(f.evidence)},
        }
        if f.location:
            phys: dict[str, Any] = {"artifactLocation": {"uri": uri(f.location.file), "uriBaseId": "%SRCROOT%"}}
            if f.location.line:
                phys["region"] = {"startLine": f.location.line, "startColumn": f.location.column or 1}
            res["locations"] = [{"physicalLocation": phys}]
        results.append(res)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ownership",
                "version": __version__,
                "informationUri": "https://github.com/acme/ownership",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def _jsonable(v: Any) -> Any:
    return json.loads(json.dumps(v, default=str))


def sarif_text(findings: Sequence[Finding], **kw: Any) -> str:
    return json.dumps(sarif(findings, **kw), indent=2) + "\n"


def render(fmt: str, findings: Sequence[Finding], *, baseline: Sequence[Finding] = (),
           uri: Callable[[str], str] = lambda p: p) -> tuple[str, str]:
    """(stdout text, GitHub step summary) for a format name."""
    if fmt == "json":
        return json_text(findings, baseline=baseline), ""
    if fmt == "github":
        return github(findings, baseline=baseline)
    if fmt == "sarif":
        return sarif_text(findings, uri=uri), ""
    if fmt == "markdown":
        return markdown(findings, baseline=baseline), ""
    return text(findings, baseline=baseline), ""
