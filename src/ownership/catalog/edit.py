"""Surgical edits of catalog YAML files that keep comments, key order and formatting.

Round-tripping through a YAML library re-flows lines and loses some comments; instead we locate the node with
the same located parser the loader uses and change only the bytes that must change.
"""
from __future__ import annotations

import re
from pathlib import Path

from ownership.support import confine
from ownership.catalog import typed, yamlnodes
from ownership.catalog.yamlnodes import Map, Node, Scalar, Seq
from ownership.errors import OwnershipError


class EditError(OwnershipError):
    """The edit cannot be made safely; the message says why (file:line)."""


def add_maintainer(path: Path, system: str, person: str, root: Path | None = None,
                   source: str = "the maintainer to add") -> bool:
    """Add `person` to the maintainers of `system` in `path`. False if already there; EditError if impossible.

    `path` may be a symlink only to a file inside `root` (default: the repository `path` is in, else its folder); the file is
    read and replaced there, in one rename, with its mode and line endings kept.
    """
    try:
        real = confine.inside(root or confine.repository_of(path) or path.parent, path)
    except confine.OutsideRoot as exc:
        raise EditError(str(exc)) from exc
    # bytes, not read_text(): universal newlines would turn CRLF into LF
    try:
        text = real.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EditError(f"{path}: not UTF-8 (byte {exc.start}); cannot edit it") from exc
    new = add_maintainer_text(text, system, person, str(path), source)
    if new == text:
        return False
    confine.write_atomic(real, new.encode("utf-8"))
    return True


def add_maintainer_text(text: str, system: str, person: str, name: str = "<catalog>",
                        source: str = "the maintainer to add") -> str:
    """`text` with `person` added to the maintainers of `system`; refused (UnsafeValue, EditError) when the
    person would not be written as one YAML string (`source` says where it came from), and checked by reading
    the result back."""
    typed.one_line(person, f"{source} to system {system!r}", name)
    new = _add(text, system, person, name)
    if new != text:
        _reads_back(new, system, person, name)
    return new


def _reads_back(text: str, system: str, person: str, name: str) -> None:
    """The edited file parses, and the system's maintainers hold `person` as written: the value did not become
    YAML syntax, whatever it held."""
    docs, problems = yamlnodes.parse(text)
    node = _find_system(docs, system) if not problems else None
    pairs = {k.value: v for k, v in node.pairs if type(k) is Scalar} if node is not None else {}
    found = pairs.get("maintainers")
    if type(found) is not Seq or not any(type(i) is Scalar and i.value == person for i in found.items):
        raise EditError(f"{name}: adding {person[:60]!r} to the maintainers of '{system}' would not read back as "
                        "that one maintainer; refusing to write it")


def _add(text: str, system: str, person: str, name: str) -> str:
    docs, problems = yamlnodes.parse(text)
    if problems:
        p = problems[0]
        raise EditError(f"{name}:{p.line}:{p.column}: cannot edit a file with {p.rule}: {p.message}")
    node = _find_system(docs, system)
    if node is None:
        raise EditError(f"{name}: no system '{system}' in this file")
    lines = text.splitlines(keepends=True)
    pairs = {k.value: (k, v) for k, v in node.pairs if type(k) is Scalar}
    if "maintainers" in pairs:
        key, value = pairs["maintainers"]
        if type(value) is not Seq:
            if type(value) is Scalar and value.plain and value.value in ("", "~", "null"):
                return _replace_empty(lines, key, value, person)
            raise EditError(f"{name}:{value.line}: maintainers of '{system}' is not a list")
        if any(type(i) is Scalar and i.value.lower() == person.lower() for i in value.items):
            return text
        return _append_item(lines, key, value, person, name)
    # no maintainers key: add one right after `owner:` (or after `name:`), at the same indentation
    anchor_key, _ = pairs.get("owner") or pairs["name"]
    after = _last_line_of(node, anchor_key)
    indent = " " * (anchor_key.column - 1)
    nl = _newline(lines)
    lines.insert(after, f"{indent}maintainers: [{_quote(person)}]{nl}")
    return "".join(lines)


def _find_system(docs: list[Node], system: str) -> Map | None:
    for doc in docs:
        if type(doc) is not Map:
            continue
        for k, v in doc.pairs:
            if type(k) is Scalar and k.value == "systems" and type(v) is Seq:
                for item in v.items:
                    if type(item) is Map and any(type(a) is Scalar and a.value == "name" and type(b) is Scalar
                                                 and b.value == system for a, b in item.pairs):
                        return item
    return None


def _newline(lines: list[str]) -> str:
    return "\r\n" if lines and lines[0].endswith("\r\n") else "\n"


_PLAIN_OK = re.compile(r"^[A-Za-z0-9_.+-][A-Za-z0-9_.+@-]*$")


def _quote(value: str) -> str:
    """`value` as a YAML scalar: plain when that is safe, else double-quoted with every character that is not
    printable written as an escape (typed.one_line has refused line breaks and control characters already)."""
    if _PLAIN_OK.match(value):
        return value
    body = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c.isprintable() else f"\\u{ord(c):04x}" if ord(c) < 0x10000 else f"\\U{ord(c):08x}"
                         for c in body) + '"'


def _last_line_of(node: Map, key: Scalar) -> int:
    """Index (0-based) of the line after the value that belongs to `key` ends (single-line values only)."""
    for k, v in node.pairs:
        if k is key:
            end = _end_line(v)
            return end  # 1-based last line == 0-based index of the following line
    raise AssertionError("key not in node")


def _end_line(node: Node) -> int:
    if type(node) is Scalar:
        return node.line
    if type(node) is Seq:
        return max([node.line, *(_end_line(i) for i in node.items)])
    return max([node.line, *(max(_end_line(k), _end_line(v)) for k, v in node.pairs)])  # type: ignore[union-attr]


def _replace_empty(lines: list[str], key: Scalar, value: Scalar, person: str) -> str:
    i = key.line - 1
    line = lines[i]
    colon = line.index(":", key.column - 1 + len(key.value))
    rest = line[colon + 1:]
    comment = rest[rest.index("#"):].rstrip("\r\n") if "#" in rest else ""
    nl = line[len(line.rstrip("\r\n")):]
    lines[i] = f"{line[:colon + 1]} [{_quote(person)}]" + (f"  {comment}" if comment else "") + nl
    return "".join(lines)


def _append_item(lines: list[str], key: Scalar, seq: Seq, person: str, name: str) -> str:
    i = seq.line - 1
    line = lines[i]
    if line[seq.column - 1:seq.column] == "[":
        # flow list: insert before the closing bracket on its last line
        end = _end_line(seq) - 1
        target = lines[end]
        close = _closing_bracket(target, seq.column - 1 if end == i else 0)
        if close < 0:
            raise EditError(f"{name}:{seq.line}: cannot find the end of the maintainers list")
        before = target[:close].rstrip()
        sep = "" if before.endswith("[") else ", "
        lines[end] = f"{before}{sep}{_quote(person)}{target[close:]}"
        return "".join(lines)
    # block list: a new "- item" line after the last item, with the items' indentation
    if not seq.items:
        raise EditError(f"{name}:{seq.line}: unexpected empty block list")
    first = seq.items[0]
    dash_col = first.column - 1
    dash_line = lines[first.line - 1]
    dash = dash_line.rfind("-", 0, dash_col)
    indent = dash_line[:dash] if dash >= 0 else " " * (dash_col - 2)
    after = _end_line(seq.items[-1])
    lines.insert(after, f"{indent}- {_quote(person)}{_newline(lines)}")
    return "".join(lines)


def _closing_bracket(line: str, start: int) -> int:
    depth = 0
    quote = ""
    for j in range(start, len(line)):
        ch = line[j]
        if quote:
            if ch == quote:
                quote = ""
            continue
        if ch in "'\"":
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth <= 0:
                return j
        elif ch == "#" and j > 0 and line[j - 1] in " \t":
            break
    return -1
