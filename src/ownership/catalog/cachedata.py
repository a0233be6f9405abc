"""Free-form data in the catalog cache (catalog/cachefmt.py): a finding's evidence, and the YAML nodes of
Backstage records, written as JSON and read back as data only, every value checked.

Evidence is JSON's own types, and a tuple, list, date or mapping with keys that are not plain strings as
{"~tuple"|"~list"|"~date"|"~datetime"|"~map": ...}. YAML nodes (catalog/yamlnodes.py) are one table, each
node once, so an alias (one node reached from two places) is one node again when read, and a loop is data,
not followed: ["s", value, tag, plain, line, column] | ["q", tag, line, column, size, [item...]] |
["m", tag, line, column, size, [key, value, ...]], children by their index in the table.
"""
from __future__ import annotations

import datetime as dt
import math
from typing import Any

from ownership.catalog.yamlnodes import Map, Node, Scalar, Seq


class UnusableEntry(ValueError):
    """An entry that is not what this version writes: ignored (with a warning) and rebuilt."""


class Unstorable(ValueError):
    """A Parsed holding a value this format does not write: the file is not cached (parsed each time)."""



_TAGS = ("~tuple", "~list", "~date", "~datetime", "~map")


def plain(value: Any) -> Any:
    """Free-form data (a finding's evidence) as JSON, tagging what JSON does not have."""
    t = type(value)
    if value is None or t is str or t is int or t is bool:
        return value
    if t is float:
        if not math.isfinite(value):
            raise Unstorable("a number JSON does not write")
        return value
    if t is dict and all(type(k) is str and k not in _TAGS for k in value):
        return {k: plain(v) for k, v in value.items()}
    if t is dict:
        return {"~map": [[plain(k), plain(v)] for k, v in value.items()]}
    if t is tuple or t is list:
        return {"~tuple" if t is tuple else "~list": [plain(v) for v in value]}
    if t is dt.date:
        return {"~date": value.isoformat()}
    if t is dt.datetime and (value.tzinfo is None or type(value.tzinfo) is dt.timezone):
        return {"~datetime": value.isoformat()}
    raise Unstorable(f"a {t.__name__} in evidence")


class NodeTable:
    """Each YAML node reachable from the records, once, children by index (an alias stays one node)."""

    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self.number: dict[int, int] = {}

    def add(self, root: Node) -> int:
        stack = [root]
        while stack:
            node = stack.pop()
            if id(node) in self.number:
                continue
            if type(node) not in (Scalar, Seq, Map):
                raise Unstorable("a node that is not a YAML node")
            self.number[id(node)] = len(self.nodes)
            self.nodes.append(node)
            if type(node) is Seq:
                stack.extend(node.items)
            elif type(node) is Map:
                stack.extend(n for pair in node.pairs for n in pair)
        return self.number[id(root)]

    def rows(self) -> list[list[Any]]:
        n = self.number
        out: list[list[Any]] = []
        for node in self.nodes:
            if type(node) is Scalar:
                out.append(["s", node.value, node.tag, node.plain, node.line, node.column])
            elif type(node) is Seq:
                out.append(["q", node.tag, node.line, node.column, node.size, [n[id(i)] for i in node.items]])
            else:
                assert type(node) is Map
                out.append(["m", node.tag, node.line, node.column, node.size,
                            [n[id(x)] for pair in node.pairs for x in pair]])
        return out


def as_list(value: Any, length: int | None = None) -> list[Any]:
    if type(value) is not list or length is not None and len(value) != length:
        raise UnusableEntry("malformed")
    return value


def as_str(value: Any) -> str:
    if type(value) is not str:
        raise UnusableEntry("malformed")
    return value


def as_strs(value: Any) -> list[str]:
    if type(value) is not list or not set(map(type, value)) <= {str}:
        raise UnusableEntry("malformed")
    return value


def as_index(value: Any) -> int:
    if type(value) is not int or value < 0:
        raise UnusableEntry("malformed")
    return value


def thawed(value: Any) -> Any:
    """Evidence as plain wrote it."""
    t = type(value)
    if t is list:
        raise UnusableEntry("an untagged list in evidence")
    if t is not dict:
        return value  # str, int, float, bool, None: JSON has nothing else
    if len(value) == 1:
        (tag, inner), = value.items()
        if tag in _TAGS:
            if tag == "~date" or tag == "~datetime":
                text = as_str(inner)
                return dt.date.fromisoformat(text) if tag == "~date" else dt.datetime.fromisoformat(text)
            items = as_list(inner)
            if tag == "~map":
                return {thawed(k): thawed(v) for k, v in (as_list(pair, 2) for pair in items)}
            back = [thawed(v) for v in items]
            return tuple(back) if tag == "~tuple" else back
    if any(k in _TAGS for k in value):
        raise UnusableEntry("a tag inside a mapping")
    return {k: thawed(v) for k, v in value.items()}


def node_table(rows: list[Any]) -> list[Node]:
    """The node table: every node made first, then each one's children filled in by index."""
    made: list[Node] = []
    for row in rows:
        kind = as_list(row)[0] if row else None
        if kind == "s":
            _, value, tag, plain, line, column = as_list(row, 6)
            if type(value) is not str or type(plain) is not bool:
                raise UnusableEntry("a malformed scalar")
            made.append(Scalar(value, _tag(tag), plain, _int(line), _int(column)))
        elif kind == "q" or kind == "m":
            _, tag, line, column, size, _children = as_list(row, 6)
            node: Seq | Map = (Seq if kind == "q" else Map)(_tag(tag), _int(line), _int(column))
            node.size = _int(size)
            made.append(node)
        else:
            raise UnusableEntry("a node of unknown kind")
    for made_node, row in zip(made, rows, strict=True):
        if type(made_node) is Scalar:
            continue
        children = [made[as_index(i)] for i in as_list(row[5])]
        if type(made_node) is Seq:
            made_node.items = children
        elif type(made_node) is Map:
            if len(children) % 2:
                raise UnusableEntry("a mapping with a key and no value")
            made_node.pairs = list(zip(children[0::2], children[1::2], strict=True))
    return made


def node_map(value: Any, table: list[Node]) -> dict[str, Node]:
    if type(value) is not dict:
        raise UnusableEntry("malformed")
    return {k: table[as_index(i)] for k, i in value.items()}


def _tag(value: Any) -> str | None:
    if value is not None and type(value) is not str:
        raise UnusableEntry("a node tag that is not a string")
    return value  # type: ignore[no-any-return]


def _int(value: Any) -> int:
    if type(value) is not int:
        raise UnusableEntry("malformed")
    return value

