"""Findings → text | json | github | sarif | markdown. Pure functions of their inputs; no I/O."""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import quote

from ownership import __version__
from ownership.support import redact
from ownership.model import Finding
from ownership.render import colour as colours
from ownership.render.terminal import visible
from ownership.render import markdown as md
from ownership.rules import RULES
from ownership.rules.engine import counts
from ownership.support.words import plural

GITHUB_ANNOTATION_LIMIT = 10  # GitHub shows at most 10 annotations of each level per step
_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


# Every line break a reader of the output might split on (GitHub's runner splits on \r and \n; Python's
# splitlines() on all of these), written as a visible escape instead.
_LINE_BREAKS = str.maketrans({"\r": "\\r", "\n": "\\n", "\v": "\\x0b", "\f": "\\x0c", "\x1c": "\\x1c",
                              "\x1d": "\\x1d", "\x1e": "\\x1e", "\x85": "\\x85", "\u2028": "\\u2028",
                              "\u2029": "\\u2029"})


def one_line(s: str) -> str:
    """`s` on one line, never starting with `::`: a file name or key holding a newline and `::error ...` or
    `::stop-commands::` must not become a workflow command at the start of a log line."""
    s = s.translate(_LINE_BREAKS)
    return "\\" + s if s.lstrip().startswith("::") else s


def _where(f: Finding) -> str:
    return one_line(str(f.location) if f.location else f.subject)


def _line(f: Finding, colour: bool = False) -> str:
    """One finding on one line: a message that quotes a key like "a\\nb" must not start a fake finding. Its
    data has every control character shown before the severity word is coloured (render/terminal.py)."""
    sgr = colours.severity(f.severity, colour)
    return f"{visible(_where(f))}: {sgr} {visible(f.rule)} {visible(one_line(f.message))}"


def text(findings: Sequence[Finding], *, baseline: Sequence[Finding] = (), colour: bool = False) -> str:
    """`file:line:col: severity rule-slug message`, one per line, then a count line. `colour`: severity words
    in colour (render/colour.py decides when)."""
    lines = [_line(f, colour) for f in findings]
    if baseline:
        lines.append("")
        lines.append(f"{plural(len(baseline), 'finding')} already present at the base revision (not failing):")
        lines.extend(f"  {_line(f, colour)}" for f in baseline)
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


def github(findings: Sequence[Finding], *, baseline: Sequence[Finding] = (),
           title: str = "Catalog check") -> tuple[str, str]:
    """Workflow commands for the log, and a Markdown step summary (empty when there is nothing to add).

    The first GITHUB_ANNOTATION_LIMIT findings of each level become annotations on the PR's lines; the rest
    are printed as plain log lines and listed in the step summary, so none is lost. The summary lists only
    those: the annotations already show the others (issue 13, item 7). `title` names the command's check.
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
        summary = markdown(findings, baseline=baseline, title=title, rows=overflow if overflow else None,
                           note=(f"{len(overflow)} finding(s) beyond GitHub's {GITHUB_ANNOTATION_LIMIT} "
                                 "annotations per level are listed here." if overflow else ""))
    return "\n".join(out) + "\n", summary


# --------------------------------------------------------------------------- Markdown


def _md_row(f: Finding) -> str:
    return f"| {f.severity} | `{md.code(f.rule)}` | `{md.code(_where(f))}` | {md.text(f.message)} |"


def markdown(findings: Sequence[Finding], *, baseline: Sequence[Finding] = (), title: str = "Findings",
             note: str = "", rows: Sequence[Finding] | None = None) -> str:
    """The counts of `findings`, then a table of `rows` (default: all of them), then the baseline."""
    c = counts(findings)
    listed = findings if rows is None else rows
    lines = [f"## {title}", "", f"**{c['error']}** error(s), **{c['warning']}** warning(s), "
             f"**{c['info']}** info.", ""]
    if note:
        lines += [note, ""]
    if listed:
        lines += ["| severity | rule | where | message |", "|---|---|---|---|"]
        lines += [_md_row(f) for f in listed]
        lines.append("")
    if baseline:
        lines += [f"<details><summary>{len(baseline)} finding(s) already present at the base revision"
                  "</summary>", "", "| severity | rule | where | message |", "|---|---|---|---|"]
        lines += [_md_row(f) for f in baseline]
        lines += ["", "</details>", ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------- SARIF 2.1.0


def _fingerprint(f: Finding) -> str:
    return hashlib.sha256("\0".join(f.identity).encode()).hexdigest()[:32]


def sarif(findings: Sequence[Finding], *, uri: Callable[[str], str] = lambda p: p,
          rule_slugs: Iterable[str] | None = None) -> dict[str, Any]:
    """A SARIF 2.1.0 log: every known rule in tool.driver.rules, one result per finding.

    `uri` maps a finding's file to a path relative to the repository root; a path that would point outside
    it (see sarif_uri) gives a result without a location and `properties.locationOmitted` saying why.
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
        where = sarif_uri(uri(f.location.file)) if f.location else None
        if f.location and where is not None:
            phys: dict[str, Any] = {"artifactLocation": {"uri": where, "uriBaseId": "%SRCROOT%"}}
            if f.location.line:
                phys["region"] = {"startLine": f.location.line, "startColumn": f.location.column or 1}
            res["locations"] = [{"physicalLocation": phys}]
        elif f.location:
            res["properties"]["locationOmitted"] = OUTSIDE_REPOSITORY
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


OUTSIDE_REPOSITORY = "the file is outside the repository, so the result has no location"
_DRIVE = re.compile(r"^[A-Za-z]:(/|$)")


def sarif_uri(path: str) -> str | None:
    """A repository-relative path as a relative URI reference below %SRCROOT%, or None when it would leave
    the repository: absolute (`/x`, `//host/x`, `C:/x`) or with a `..` segment. Everything but letters,
    digits, `-._~` and `/` is percent-encoded, `:` too, so no scheme (`file:`) can appear."""
    p = path.replace("\\", "/")
    if not p or p.startswith("/") or _DRIVE.match(p) or ".." in p.split("/"):
        return None
    return quote(p.removeprefix("./"), safe="/")


def _jsonable(v: Any) -> Any:
    return json.loads(json.dumps(v, default=str))


def sarif_text(findings: Sequence[Finding], **kw: Any) -> str:
    return json.dumps(sarif(findings, **kw), indent=2) + "\n"


# --------------------------------------------------------------------------- the registry's entries (render.FINDINGS)
# Each returns (stdout text, GitHub step summary), with URL credentials and secret values masked
# (ownership.support.redact). `title` heads the step summary: the check that ran (validate's "Catalog check").
# `colour` colours the text format's severity words; every other format is always plain.


def _same(path: str) -> str:
    return path


def _redacted(body: str, summary: str = "") -> tuple[str, str]:
    return redact.text(body), redact.text(summary)


def text_report(findings: Sequence[Finding], *, baseline: Sequence[Finding] = (), uri: Callable[[str], str] = _same,
                title: str = "Catalog check", colour: bool = False) -> tuple[str, str]:
    """`file:line:col: severity rule-slug message`, one finding a line, then the counts."""
    return _redacted(text(findings, baseline=baseline, colour=colour))


def json_report(findings: Sequence[Finding], *, baseline: Sequence[Finding] = (), uri: Callable[[str], str] = _same,
                title: str = "Catalog check", colour: bool = False) -> tuple[str, str]:
    """`{"version": 1, "findings": [...], "counts": {...}}`, plus `preexisting` with --base."""
    return _redacted(json_text(findings, baseline=baseline))


def github_report(findings: Sequence[Finding], *, baseline: Sequence[Finding] = (),
                  uri: Callable[[str], str] = _same, title: str = "Catalog check",
                  colour: bool = False) -> tuple[str, str]:
    """GitHub Actions workflow commands (annotations on the PR's lines) and a Markdown step summary."""
    return _redacted(*github(findings, baseline=baseline, title=title))


def sarif_report(findings: Sequence[Finding], *, baseline: Sequence[Finding] = (), uri: Callable[[str], str] = _same,
                 title: str = "Catalog check", colour: bool = False) -> tuple[str, str]:
    """A SARIF 2.1.0 log for code scanning; `uri` makes file names relative to the repository root."""
    return _redacted(sarif_text(findings, uri=uri))


def markdown_report(findings: Sequence[Finding], *, baseline: Sequence[Finding] = (),
                    uri: Callable[[str], str] = _same, title: str = "Catalog check",
                    colour: bool = False) -> tuple[str, str]:
    """The counts and a table of every finding, for a PR comment or a wiki page."""
    return _redacted(markdown(findings, baseline=baseline))
