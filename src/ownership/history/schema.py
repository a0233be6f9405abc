"""Strict checks of JSON values read back from a file: a list is a list, a string a string, an integer an integer
(a boolean is none); nothing is converted, so a damaged or hand-made file cannot pass as something else (a
string as a list of its characters). Each check is one C-level pass over a list, as cheap as reading it."""
from __future__ import annotations

from itertools import chain
from typing import Any


class Malformed(ValueError):
    """A saved state (or a manifest, shards.py) that is not what its writer writes; says which key and how."""


def kind(value: Any) -> str:
    """What a JSON value is, for a message: 'a string', 'a list of 2', 'null'..."""
    if value is None:
        return "null"
    if isinstance(value, (list, dict)):
        return f"a {'list' if isinstance(value, list) else 'mapping'} of {len(value)}"
    names = {str: "a string", bool: "a boolean", int: "an integer", float: "a number"}
    return names.get(type(value), f"a {type(value).__name__}")


def need(value: Any, want: type, where: str) -> Any:
    """`value` when it is exactly of type `want` (a bool is no int), else Malformed naming `where`."""
    if type(value) is not want:
        article = {list: "a list", dict: "a mapping", str: "a string", int: "an integer"}.get(want, want.__name__)
        raise Malformed(f"{where} is {kind(value)}, not {article}")
    return value


def text(value: Any, where: str) -> str | None:
    """`value` when it is a string or null, else Malformed naming `where`."""
    if value is not None and type(value) is not str:
        raise Malformed(f"{where} is {kind(value)}, not a string or null")
    return value


def strings(value: Any, where: str) -> list[str]:
    """`value` when it is a list of strings (checked in one C-level pass), else Malformed naming `where`."""
    need(value, list, where)
    if not set(map(type, value)) <= _STR:
        raise Malformed(f"{where} holds {kind(next(v for v in value if type(v) is not str))}, not only strings")
    return value  # type: ignore[no-any-return]


_STR = {str}
_INT = {int}


def ints(lists: list[list[Any]], where: str) -> list[Any]:
    """Every value of `lists` joined, when all are integers; else Malformed naming `where`. One C-level pass
    over all of them rather than a set per list (an org's 120,000 files and 170,000 day lists)."""
    values = list(chain.from_iterable(lists))
    if not set(map(type, values)) <= _INT:
        raise Malformed(f"{where} holds {kind(next(v for v in values if type(v) is not int))}, not only integers")
    return values
