"""Roster files: CSV (HR exports), JSON and YAML (exports or this tool's snapshots), and snapshot writing.

The source for every `--roster` value without a URL scheme: a path, relative to ownership.yaml when written
there. Which column holds which field comes from `roster_columns:` (a preset, detected from the header, or a
mapping); a JSON file that is a saved SCIM ListResponse is read as SCIM users (with `scim:`'s contact
attributes). An unchanged file is not read again: its people are recalled from the last good load.

Every problem names the file and the row (CSV: the line the record starts on; YAML: the line of the record;
JSON: the record's position) and the cause. All problems of a file are collected; the error shows the first
few and how many more there are.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ownership.support import confine
from ownership import reach
from ownership.support import redact
from ownership.catalog import yamlnodes
from ownership.model import Location, Person, Roster
from ownership.roster.columns import Columns, RowProblem, to_person
from ownership.roster.errors import RosterError
from ownership.roster.settings import RosterSettings, ScimSettings
from ownership.roster.source import SourceSection

MAX_BYTES = 50 * 1024 * 1024
SNAPSHOT_VERSION = 1
_SHOWN = 3  # problems spelled out in the one-line error
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")

# --------------------------------------------------------------------------- the roster source (source.py)
name = "files"
section: SourceSection | None = SourceSection(
    "roster_columns", "ownership.roster.settings:check_columns",
    "roster CSV/JSON/YAML columns: a preset (bamboohr | workday | native) or {field: column}",
    "ownership.configschema:roster_columns", "who counts as employed")


def accepts(source: str) -> bool:
    """Every source without a URL scheme (`scheme://`) is a file path."""
    return _SCHEME.match(source) is None


def read(source: str, settings: RosterSettings, notes: list[str]) -> list[Person]:
    """The people of the roster file `source` (read_path), with ownership.yaml's column mapping."""
    return read_path(source, settings.columns, notes, settings.scim)


def key(source: str) -> str:
    """The file's absolute path, links resolved: the same file from any folder is one source."""
    return str(Path(source).resolve())


def shown(source: str) -> str:
    return source


def fingerprint(source: str, settings: RosterSettings) -> str | None:
    """The file's bytes with the column mapping and the contact attributes of a saved SCIM ListResponse; None
    when the file cannot be read (then it is read, so the error is the reader's)."""
    scim = settings.scim
    attributes = tuple(a for a in (scim.slack_attribute, scim.pagerduty_attribute) if a)
    try:
        data = Path(source).read_bytes()
    except OSError:
        return None
    depends = repr(settings.columns) + (repr(attributes) if attributes else "")
    return hashlib.sha256(depends.encode("utf-8") + b"\0" + data).hexdigest()


# --------------------------------------------------------------------------- reading a file


def read_path(path: str, columns: Columns | None = None, notes: list[str] | None = None,
              scim: ScimSettings | None = None) -> list[Person]:
    """The people in a roster file; raises RosterError with file:row and the cause. A contact value that is
    left out (columns.py `to_person`) is appended to `notes` as `file:row: why`. `scim`: the contact
    attributes of a saved SCIM ListResponse."""
    columns = columns or Columns()
    suffix = Path(path).suffix.lower()
    if suffix not in (".csv", ".tsv", ".json", ".yaml", ".yml"):
        raise RosterError(f"{path}: unknown roster file type '{suffix or '(none)'}'; use .csv, .json or .yaml, "
                          "or an http(s):// SCIM base URL")
    text = _text(path)
    if suffix in (".csv", ".tsv"):
        records = _csv_records(path, text, "\t" if suffix == ".tsv" else None)
    elif suffix == ".json":
        data = _json(path, text)
        if isinstance(data, dict) and isinstance(data.get("Resources"), list):
            from ownership.roster import scim as scim_users  # a saved SCIM ListResponse

            return scim_users.people(data["Resources"], path, scim, notes)
        records = _json_records(path, data)
    else:
        records = _yaml_records(path, text)
    return _people(path, records, columns, notes)


def _text(path: str) -> str:
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            raise RosterError(f"{path}: the roster file is larger than {MAX_BYTES // 2**20} MB")
        data = Path(path).read_bytes()
    except IsADirectoryError as exc:
        raise RosterError(f"{path}: is a folder, not a roster file") from exc
    except OSError as exc:
        raise RosterError(f"{path}: cannot read the roster ({exc.strerror or exc})") from exc
    try:
        return data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte order mark
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RosterError(f"{path}:{line}: the roster is not UTF-8 text; export it as UTF-8 (CSV UTF-8)") from exc


# (header, [(label for messages, location, column -> value)]); for JSON and YAML the header is the union of
# the keys of all records
Record = tuple[str, Location, Mapping[str, Any]]
Records = tuple[list[str], list[Record]]


def _csv_records(path: str, text: str, delimiter: str | None) -> Records:
    first = text.split("\n", 1)[0]
    if delimiter is None:
        delimiter = ";" if first.count(";") > first.count(",") else ","
    # newline="" as the csv module asks: only \r, \n and \r\n end lines, quoted newlines stay in their field
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] = []
    records: list[Record] = []
    problems: list[str] = []
    start = 1
    try:
        for row in reader:
            here = Location(path, start)
            start = reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if not header:
                header = [h.strip() for h in row]
                twice = sorted({h for h in header if h and [x.lower() for x in header].count(h.lower()) > 1})
                if twice:
                    raise RosterError(f"{path}:{here.line}: the header has the column '{twice[0]}' twice")
                continue
            if len(row) != len(header):
                problems.append(f"{here.file}:{here.line}: the row has {len(row)} fields, the header has "
                                f"{len(header)} (a missing column, or an unquoted comma?)")
                continue
            records.append((f"{path}:{here.line}", here, dict(zip(header, row))))
    except csv.Error as exc:
        raise RosterError(f"{path}:{start}: not valid CSV ({exc})") from exc
    if not header:
        raise RosterError(f"{path}: the roster file is empty (no header row)")
    _raise(problems)
    return header, records


def _json(path: str, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RosterError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg})") from exc
    except RecursionError as exc:  # a planted file (a cached snapshot is one) nested past the interpreter
        raise RosterError(f"{path}: not a roster (JSON nested too deeply)") from exc


def _json_records(path: str, data: Any) -> Records:
    out: list[Record] = []
    for i, item in enumerate(_items_of(path, data), 1):
        if not isinstance(item, dict):
            raise RosterError(f"{path}: person {i} is not a mapping of field -> value")
        out.append((f"{path}: person {i}", Location(path), item))
    return _union(r for _, _, r in out), out


def _yaml_records(path: str, text: str) -> Records:
    docs, problems = yamlnodes.parse(text)
    if problems:
        p = problems[0]
        raise RosterError(f"{path}:{p.line}:{p.column}: {p.message}")
    if not docs:
        raise RosterError(f"{path}: the roster file is empty")
    root = docs[0]
    nodes = root
    if type(root) is yamlnodes.Map:
        found = [v for k, v in root.pairs if type(k) is yamlnodes.Scalar and k.value == "people"]
        nodes = found[0] if found else root
    if type(nodes) is not yamlnodes.Seq:
        raise RosterError(f"{path}:{root.line}: expected a list of people (or a mapping with 'people:')")
    out: list[Record] = []
    for node in nodes.items:
        if type(node) is not yamlnodes.Map:
            raise RosterError(f"{path}:{node.line}: a person must be a mapping of field -> value")
        out.append((f"{path}:{node.line}", Location(path, node.line, node.column), yamlnodes.to_python(node)))
    return _union(r for _, _, r in out), out


def _items_of(path: str, data: Any) -> list[Any]:
    if isinstance(data, dict) and isinstance(data.get("people"), list):
        return list(data["people"])
    if isinstance(data, list):
        return data
    raise RosterError(f"{path}: expected a list of people, a mapping with 'people', or a SCIM ListResponse")


def _union(records: Iterable[Mapping[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for r in records:
        seen.update(dict.fromkeys(str(k) for k in r))
    return list(seen)


def _people(path: str, parsed: Records, columns: Columns, notes: list[str] | None = None) -> list[Person]:
    header, records = parsed
    try:
        bound, _ = columns.bind(header)
    except RowProblem as exc:
        raise RosterError(f"{path}:1: {exc}" if path.lower().endswith((".csv", ".tsv")) else f"{path}: {exc}") \
            from exc
    people: list[Person] = []
    problems: list[str] = []
    labels: list[str] = []
    dropped: list[str] = []
    for label, where, record in records:
        try:
            people.append(to_person(record, bound, where, columns.date_format, dropped))
            labels.append(label)
        except RowProblem as exc:
            problems.append(f"{label}: {exc}")
        if notes is not None:
            notes += [f"{label}: {why}" for why in dropped]
        dropped.clear()
    _raise(problems)
    _raise(list(_duplicates(people, labels)))
    return link_managers(people)


def _duplicates(people: list[Person], labels: list[str]) -> Iterator[str]:
    """The same id, email or username twice: which row is meant would be a guess, so it is an error."""
    first: dict[tuple[str, str], str] = {}
    for person, here in zip(people, labels):
        keys = [("id", person.id)] + [("email", e.lower()) for e in person.emails] + \
               [("username", u.lower()) for u in person.usernames]
        for kind, value in keys:
            seen = first.setdefault((kind, value), here)
            if seen != here:
                yield f"{here}: duplicate {kind} '{value}' (already at {seen})"
                break  # one message per record: an id derived from a duplicate email would repeat it


def _raise(problems: list[str]) -> None:
    if not problems:
        return
    more = f" (and {len(problems) - _SHOWN} more problems)" if len(problems) > _SHOWN else ""
    raise RosterError("; ".join(problems[:_SHOWN]) + more)


def link_managers(people: list[Person]) -> list[Person]:
    """Manager references written as an email become the manager's id, so `manager` is always an id."""
    ids = {p.id for p in people}
    by_email = {e.lower(): p.id for p in people for e in p.emails}
    out = []
    for p in people:
        m = p.manager
        if m and m not in ids and m.lower() in by_email:
            p = _replace(p, manager=by_email[m.lower()])
        out.append(p)
    return out


def _replace(p: Person, **changes: Any) -> Person:
    import dataclasses

    return dataclasses.replace(p, **changes)


# --------------------------------------------------------------------------- snapshots


def snapshot(roster: Roster) -> dict[str, Any]:
    """The roster as the JSON snapshot `roster pull` writes (and every roster loader reads back)."""
    return {
        "version": SNAPSHOT_VERSION,
        "source": redact.text(roster.source) if roster.source else roster.source,  # also an older snapshot's
        "as_of": roster.as_of.isoformat() if roster.as_of else None,
        "people": [
            {"id": p.id, "emails": list(p.emails), "usernames": list(p.usernames), "name": p.name,
             "active": p.active, "end_date": p.end_date.isoformat() if p.end_date else None, "team": p.team,
             "manager": p.manager, "title": p.title, **_reach(p)}
            for p in sorted(roster.people, key=lambda p: p.id)
        ],
    }


def _reach(p: Person) -> dict[str, str]:
    """A person's contact fields for the snapshot (only those they have: the native columns read them back)."""
    r = p.reach
    return {} if r is None else {k: v for k in reach.KINDS if (v := reach.value(r, k))}


def snapshot_text(roster: Roster) -> str:
    """The snapshot file's text (what write_snapshot writes)."""
    return json.dumps(snapshot(roster), indent=2, ensure_ascii=False) + "\n"


def write_snapshot(roster: Roster, path: str | os.PathLike[str]) -> None:
    """Write atomically (temporary file + rename): a reader never sees half a snapshot."""
    target = Path(path)
    body = snapshot_text(roster)
    target.parent.mkdir(parents=True, exist_ok=True)
    confine.sweep(target.parent, f".{target.name}.")  # what a run killed while writing it left
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(body)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def snapshot_date(path: str) -> dt.date | None:
    """`as_of` of a snapshot file, for messages; None when absent or unreadable."""
    try:
        value = json.loads(Path(path).read_text(encoding="utf-8")).get("as_of")
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except (OSError, ValueError, AttributeError, RecursionError):
        return None
