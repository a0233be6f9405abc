"""The stored form of one catalog file's Parsed part (catalog/cache.py): JSON, read back without running code.

The cache folder may be restored by CI (`actions/cache`) or written by someone else, so an entry is data and
nothing else: `json.loads`, then every value is checked to be of the type the loader makes and rebuilt as
such. An entry that is not exactly that (garbage, another format or version, a value of the wrong type, a
Location that does not fit) raises UnusableEntry: the cache ignores it with a warning and parses the file again.
Nothing here imports, calls or looks up anything an entry names.

One entry is one JSON object:

    {"format": "ownership-catalog-file", "version": 4, "size": bytes read, "sha256": hex of them,
     "files": [...],               the files the entities' Locations name (the file itself, as a rule)
     "keys": [[...], ...],         the distinct lists of field keys of the entities' Locations
     "layouts": [[kind, [field, ...]], ...],   the distinct kinds and fields of the entities' values
     "entities": [[layout no, file no, line, column, keys no, {field: value, ...}], ...],
     "at": "base64",               each entity's Locations in turn: file no, line, column for each key, as
                                   64-bit little-endian integers (190,000 of them in a 10,000-system catalog)
     "findings": [[rule, severity, subject, message, [file, line, column] | null, evidence], ...],
     "nodes": [...], "records": [...]}   Backstage documents (below)

Entity values are written as the catalog schema (catalog/schema.py) reads them: a list field is a JSON array
(a tuple again), an object field a JSON object, a date its ISO text; they are read back through the same
schema, so a value of the wrong type for its field is refused. Entities with the same fields share a layout,
so that the fields of all of them are checked together (a column of strings at a time, in C): a warm
10,000-system catalog reads in ~0.11 s of CPU against the 0.04 s of the pickle this replaced
(bench/cache_format.py), most of it json.loads and making the model's objects, which the pickle made too.
Findings' evidence and Backstage records' YAML nodes are free-form: catalog/cachedata.py.
"""
from __future__ import annotations

import array
import base64
import binascii
import datetime as dt
import sys
from functools import partial
from itertools import accumulate, chain, repeat
from operator import attrgetter, itemgetter
from typing import Any

from ownership.support import cachedir
from ownership.catalog import backstage
from ownership.catalog.cachedata import (NodeTable, Unstorable, UnusableEntry, as_index, as_list, as_str, as_strs,
                                          node_map, node_table, plain, thawed)
from ownership.catalog.load import Entity, Parsed  # Entity: catalog/assemble.py's, as the loader passes it
from ownership.catalog.schema import ENTITY_KINDS, KEY_FIELD, SECTIONS, Field
from ownership.catalog.yamlnodes import Scalar
from ownership.model import SEVERITIES, Finding, Location, Locations

FORMAT = "ownership-catalog-file"
VERSION = 4  # 3 was a pickle; bump when Parsed (or anything in it) changes shape


# --------------------------------------------------------------------------- writing


def encode(size: int, digest: bytes, parsed: Parsed) -> bytes:
    """The entry for a file of `size` bytes with SHA-256 `digest`; raises Unstorable."""
    files: dict[str, int] = {}
    keys: dict[tuple[str, ...], int] = {}
    layouts: dict[tuple[str, tuple[str, ...]], int] = {}
    entities: list[list[Any]] = []
    at = array.array("q")
    for ent in parsed.entities:
        if type(ent.locations) is not Locations or type(ent.location) is not Location:
            raise Unstorable("an entity without the native loader's Locations")
        own_files, own_keys, own_at = ent.locations.packed()
        number = [files.setdefault(f, len(files)) for f in own_files]
        if number == list(range(len(number))):
            at.extend(own_at)
        else:
            ints = own_at.tolist()
            ints[0::3] = [number[n] for n in ints[0::3]]
            at.extend(ints)
        where = ent.location
        entities.append([layouts.setdefault((ent.kind, tuple(ent.values)), len(layouts)),
                         files.setdefault(where.file, len(files)), where.line, where.column,
                         keys.setdefault(own_keys, len(keys)), ent.values])
    _check_values(list(layouts), entities)
    findings = [[f.rule, f.severity, f.subject, f.message, _loc(f.location) if f.location else None,
                 plain(dict(f.evidence))] for f in parsed.findings]
    nodes = NodeTable()
    records = [[r.kind, r.namespace, r.name, r.file, _loc(r.location), _loc(r.name_loc),
                {k: nodes.add(v) for k, v in r.metadata.items()}, {k: nodes.add(v) for k, v in r.spec.items()},
                {k: nodes.add(v) for k, v in r.annotations.items()}] for r in parsed.records]
    entry = {"format": FORMAT, "version": VERSION, "size": size, "sha256": digest.hex(),
             "files": list(files), "keys": [list(k) for k in keys],
             "layouts": [[kind, list(fields)] for kind, fields in layouts], "entities": entities, "at": _ints_out(at),
             "findings": findings,
             "nodes": nodes.rows(), "records": records}
    try:
        return cachedir.json_bytes(entry, default=_iso)
    except (TypeError, ValueError, RecursionError) as exc:
        raise Unstorable(str(exc)) from exc


def _ints_out(ints: array.array[int]) -> str:
    if sys.byteorder != "little":
        ints = array.array("q", ints)
        ints.byteswap()
    return base64.b64encode(ints.tobytes()).decode("ascii")


def _ints_in(text: str) -> array.array[int]:
    ints = array.array("q")
    ints.frombytes(binascii.a2b_base64(text, strict_mode=True))  # ValueError unless base64 of whole integers
    if sys.byteorder != "little":
        ints.byteswap()
    return ints


def _loc(loc: Location) -> list[Any]:
    if type(loc) is not Location:
        raise Unstorable("a location that is not a Location")
    return [loc.file, loc.line, loc.column]


def _check_values(layouts: list[tuple[str, tuple[str, ...]]], entities: list[list[Any]]) -> None:
    """Raise Unstorable unless every entity's values are what the reading side takes back as they are: the
    same checks as reading (_Layout), on the values themselves (json.dumps writes their tuples as arrays and
    _iso their dates), so a file the cache stores is never one it then refuses."""
    groups: dict[int, list[list[Any]]] = {}
    for row in entities:
        groups.setdefault(row[0], []).append(row)
    try:
        for n, group in groups.items():
            layout = _Layout(*layouts[n])
            layout.check(group, tuple)
            for f, spec in layout.others:
                for row in group:
                    _freeze(spec, row[5][f])
    except UnusableEntry as exc:
        raise Unstorable(str(exc)) from exc


def _freeze(spec: Field, value: Any) -> None:
    """Raise Unstorable unless `value` is of the type the loader makes for field `spec`."""
    kind = spec.kind
    try:
        if kind in _TEXT:
            "".join((value,))
        elif kind == "list" and type(value) is tuple and spec.item is not None:
            if spec.item.kind in _TEXT:
                "".join(value)
            else:
                for v in value:
                    _freeze(spec.item, v)
        elif kind == "object" and type(value) is dict:
            plan = _plan(spec)
            keys = value.keys()
            if not keys <= plan.fields:
                raise Unstorable(f"a field of {spec.name} the schema does not have")
            "".join(map(value.__getitem__, keys & plan.texts))
            for k in keys - plan.texts:
                _freeze(plan.others[k] if k in plan.others else spec.child(k), value[k])  # type: ignore[arg-type]
        elif not (kind == "int" and type(value) is int or kind == "bool" and type(value) is bool
                  or kind == "date" and (type(value) is dt.date or type(value) is dt.datetime
                                         and (value.tzinfo is None or type(value.tzinfo) is dt.timezone))):
            raise Unstorable(f"{type(value).__name__} for a {kind} field")
    except TypeError as exc:  # str.join: not a string
        raise Unstorable(f"not a string for a {kind} field") from exc


def _iso(value: object) -> str:
    """json.dumps's `default`: the one kind of value entity values hold that JSON has not (date fields)."""
    if type(value) is dt.date or type(value) is dt.datetime:
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not stored")


# --------------------------------------------------------------------------- reading


def decode(blob: bytes, size: int, digest: bytes) -> Parsed | None:
    """The Parsed an entry holds; None when it was stored for other content (a plain miss). Raises UnusableEntry."""
    entry = cachedir.read_json(blob, UnusableEntry)
    if type(entry) is not dict or entry.get("format") != FORMAT:
        raise UnusableEntry("not a catalog cache entry")
    if entry.get("version") != VERSION:
        version = entry.get("version")
        raise UnusableEntry(f"written by another version ({version if type(version) is int else 'unknown'})")
    if entry.get("size") != size or entry.get("sha256") != digest.hex():
        return None
    try:
        return _parsed(entry)
    except UnusableEntry:
        raise
    except (TypeError, ValueError, OverflowError, KeyError, IndexError, AttributeError, RecursionError) as exc:
        raise UnusableEntry("malformed") from exc


def _parsed(entry: dict[str, Any]) -> Parsed:
    files = tuple(as_strs(entry["files"]))
    key_lists = [tuple(as_strs(k)) for k in as_list(entry["keys"])]
    if any(len(set(k)) != len(k) for k in key_lists):
        raise UnusableEntry("a field written twice in one entity")
    at = _ints_in(as_str(entry["at"]))
    numbers = at[0::3]
    if len(at) % 3 or numbers and (min(numbers) < 0 or max(numbers) >= len(files)):
        raise UnusableEntry("a location in no file")
    layouts = [_Layout(*as_list(row, 2)) for row in as_list(entry["layouts"])]
    rows = as_list(entry["entities"])
    if not set(map(type, rows)) <= {list}:
        raise UnusableEntry("malformed")
    groups: dict[int, list[list[Any]]] = {}
    for row in rows:
        groups.setdefault(row[0], []).append(row)
    for n, group in groups.items():
        layout = layouts[as_index(n)]
        layout.check(group)
        values = list(map(_VALUES, group))  # then, a field at a time (maps: no Python loop per entity)
        for f in layout.text_lists:
            list(map(dict.__setitem__, values, repeat(f), map(tuple, map(itemgetter(f), values))))
        for f, spec in layout.others:
            list(map(dict.__setitem__, values, repeat(f), map(partial(_thaw, spec), map(itemgetter(f), values))))
    keys = list(map(key_lists.__getitem__, map(_KEYS, rows)))
    ends = list(accumulate(map(len, keys), lambda total, n: total + 3 * n, initial=0))
    if ends[-1] != len(at):
        raise UnusableEntry("locations of no entity, or entities without their locations")
    entities = list(map(
        Entity, map(attrgetter("kind"), map(layouts.__getitem__, map(_LAYOUT, rows))), map(_VALUES, rows),
        map(Location, map(files.__getitem__, map(_FILE, rows)), map(_LINE, rows), map(_COLUMN, rows)),
        map(Locations.unpacked, repeat(files), keys, map(at.__getitem__, map(slice, ends, ends[1:])))))
    findings = []
    for row in as_list(entry["findings"]):
        rule, severity, subject, message, where, evidence = as_list(row, 6)
        if severity not in SEVERITIES:
            raise UnusableEntry("a finding of no known severity")
        if type(evidence) is not dict:
            raise UnusableEntry("evidence that is not a mapping")
        findings.append(Finding(as_str(rule), severity, as_str(subject), as_str(message),
                                None if where is None else _location(where), thawed(evidence)))
    table = node_table(as_list(entry["nodes"]))
    records = []
    for row in as_list(entry["records"]):
        kind, namespace, name, file, where, name_at, metadata, spec, annotations = as_list(row, 9)
        rec = backstage.Record(as_str(kind), as_str(namespace), as_str(name), as_str(file), _location(where),
                               _location(name_at), node_map(metadata, table), node_map(spec, table))
        rec.annotations = node_map(annotations, table)  # type: ignore[assignment]
        if not all(type(v) is Scalar for v in rec.annotations.values()):
            raise UnusableEntry("an annotation that is not a scalar")
        records.append(rec)
    return Parsed(tuple(entities), tuple(findings), tuple(records))


def _location(value: Any) -> Location:
    file, line, column = as_list(value, 3)
    if type(file) is not str or type(line) is not int or type(column) is not int:
        raise UnusableEntry("a location that is not file, line, column")
    return Location(file, line, column)


class _Layout:
    """The fields of the values of some entities of one kind, and how each is read (see _Plan): the values of
    all of them are checked a field at a time (`check`), then each one's lists become tuples and its other
    values are read."""

    def __init__(self, kind: Any, fields: Any) -> None:
        fields = tuple(as_strs(list(fields)))
        if len(set(fields)) != len(fields) or "name" not in fields:
            raise UnusableEntry("a layout without a name or with a field twice")
        spec = SECTIONS.get(kind) or ENTITY_KINDS.get(kind)
        if spec is None:
            raise UnusableEntry(f"an entity of unknown kind {kind!r}")
        self.kind: str = kind
        self.fields = fields
        self.same: tuple[str, str] | None = None  # (name, the field it equals): people are named after `person`
        self.equal: str | None = None  # a section is named after itself
        self.texts: tuple[str, ...] = ()
        self.text_lists: tuple[str, ...] = ()
        self.scalars: tuple[tuple[str, type], ...] = ()
        self.flat_objects: tuple[tuple[str, frozenset[str]], ...] = ()
        if kind in SECTIONS:  # {"name": the section, "value": its value}
            if fields != ("name", "value"):
                raise UnusableEntry(f"section {kind} has fields {list(fields)}")
            self.equal = kind
            self.others: tuple[tuple[str, Field], ...] = (("value", spec),)
            return
        plan = _plan(spec)
        named = spec.child("name") is not None
        if not set(fields) - ({"name"} if not named else set()) <= plan.fields:
            raise UnusableEntry(f"unknown field in {list(fields)}")
        if not named:
            key = KEY_FIELD.get(kind, "name")
            if key not in fields:
                raise UnusableEntry(f"{kind} without {key}")
            self.same = ("name", key)
        others = {f: plan.others[f] for f in fields if f in plan.others}
        flat = {f: _plan(o).fields for f, o in others.items() if o.kind == "object" and _plan(o).flat}
        self.texts = tuple(f for f in fields if f in plan.texts or f == "name")
        self.text_lists = tuple(f for f in fields if f in plan.text_lists)
        self.scalars = tuple((f, int if o.kind == "int" else bool) for f, o in others.items()
                             if o.kind in ("int", "bool"))
        self.flat_objects = tuple(flat.items())
        self.others = tuple((f, o) for f, o in others.items() if o.kind not in ("int", "bool") and f not in flat)

    def check(self, rows: list[list[Any]], sequence: type = list) -> None:
        """Raise UnusableEntry unless every row is [layout, file, line, column, keys, values of these fields], a
        list field's values a `sequence` (list as read, tuple as the loader makes them).

        A column at a time, in C: `"".join` raises TypeError at the first value that is not a string."""
        if set(map(len, rows)) != {6} or not set(map(type, chain.from_iterable(map(_PLACE, rows)))) <= {int}:
            raise UnusableEntry("an entity row that is not layout, file, line, column, keys, values")
        values = list(map(_VALUES, rows))
        if not set(map(type, values)) <= {dict} or set(map(len, values)) != {len(self.fields)}:
            raise UnusableEntry("entity values of other fields than their layout's")
        try:
            for f in self.texts:  # (a field that is missing raises KeyError: malformed)
                "".join(map(itemgetter(f), values))
            for f in self.text_lists:
                column = list(map(itemgetter(f), values))
                if not set(map(type, column)) <= {sequence}:
                    raise UnusableEntry(f"{f!r} is not a list of strings")
                "".join(chain.from_iterable(column))
            for f, names in self.flat_objects:
                column = list(map(itemgetter(f), values))
                if not set(map(type, column)) <= {dict} or not set(chain.from_iterable(column)) <= names:
                    raise UnusableEntry(f"{f!r} is not a mapping of its fields")
                "".join(chain.from_iterable(map(dict.values, column)))
        except TypeError as exc:
            raise UnusableEntry("a value that is not a string where the schema has one") from exc
        for f, t in self.scalars:
            if set(map(type, map(itemgetter(f), values))) != {t}:
                raise UnusableEntry(f"{f!r} is not a {t.__name__}")
        for f, _ in self.others:
            list(map(itemgetter(f), values))  # present in each
        if self.same is not None and list(map(itemgetter(self.same[0]), values)) != list(map(itemgetter(self.same[1]), values)):
            raise UnusableEntry("an entity whose name is not its key field")
        if self.equal is not None and set(map(itemgetter("name"), values)) != {self.equal}:
            raise UnusableEntry("a section under another name")


def _plan(spec: Field) -> _Plan:
    plan = _PLANS.get(id(spec))
    if plan is None:
        plan = _PLANS[id(spec)] = _Plan(spec)
    return plan


_LAYOUT, _FILE, _LINE, _COLUMN, _KEYS, _VALUES = map(itemgetter, range(6))  # the fields of an entity row
_PLACE = itemgetter(2, 3)  # an entity row's line and column (its numbers index lists: TypeError if not ints)


# kinds held as a JSON string
_TEXT = frozenset({"name", "text", "free-text", "person", "channel", "enum", "http-url", "repo-url", "duration",
                   "path"})


class _Plan:
    """How the fields of one object of the schema are read: strings, lists of strings, and the rest (_thaw).
    Sets, so that a whole object is checked with a few set operations rather than field by field."""

    def __init__(self, spec: Field) -> None:
        self.fields = frozenset(f.name for f in spec.fields)
        self.texts = frozenset(f.name for f in spec.fields if f.kind in _TEXT)
        self.text_lists = frozenset(f.name for f in spec.fields
                                    if f.kind == "list" and f.item is not None and f.item.kind in _TEXT)
        self.others = {f.name: f for f in spec.fields if f.name not in self.texts | self.text_lists}
        self.flat = self.fields == self.texts  # every field a string (`channels`): read a column at a time


_PLANS: dict[int, _Plan] = {}
_JUST_STR = {str}


def _thaw_object(spec: Field, value: Any) -> dict[str, Any]:
    """The JSON object `value` as the loader's dict for object field `spec` (in place)."""
    if type(value) is not dict:
        raise UnusableEntry(f"'{spec.name}' is not a mapping")
    plan = _plan(spec)
    keys = value.keys()
    if not keys <= plan.fields:
        raise UnusableEntry(f"unknown field {sorted(keys - plan.fields)[0]!r}")
    texts = keys & plan.texts
    if texts and not set(map(type, map(value.__getitem__, texts))) <= _JUST_STR:
        raise UnusableEntry(f"one of {sorted(texts)} is not a string")
    for k in keys & plan.text_lists:
        v = value[k]
        if type(v) is not list or not set(map(type, v)) <= _JUST_STR:
            raise UnusableEntry(f"{k!r} is not a list of strings")
        value[k] = tuple(v)
    others = plan.others
    for k in keys & others.keys():
        value[k] = _thaw(others[k], value[k])
    return value


def _thaw(spec: Field, value: Any) -> Any:
    kind = spec.kind
    if kind in _TEXT:
        if type(value) is not str:
            raise UnusableEntry(f"'{spec.name}' is not a string")
        return value
    if kind == "list":
        if type(value) is not list or spec.item is None:
            raise UnusableEntry(f"'{spec.name}' is not a list")
        return tuple([_thaw(spec.item, v) for v in value])
    if kind == "object":
        return _thaw_object(spec, value)
    if kind == "int" and type(value) is int or kind == "bool" and type(value) is bool:
        return value
    if kind == "date" and type(value) is str:
        return dt.date.fromisoformat(value) if len(value) == 10 else dt.datetime.fromisoformat(value)
    raise UnusableEntry(f"'{spec.name}' is not a {kind}")
