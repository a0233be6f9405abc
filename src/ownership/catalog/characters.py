"""The characters of every key and value of a catalog document, native or Backstage, checked in one walk.

Two findings come from here, once per scalar that earns them, at the scalar's own line:
- `invisible-character`: a format or text-direction character (catalog/schema.py, invisible_character);
- `invalid-value`: a control character (catalog/typed.py): none at all in a key or a one-line value, and only
  line breaks and tabs in free text.

Which values are free text: in a native file the fields of type free text (schema.MULTILINE_KEYS, the
`description`s). In a Backstage descriptor `metadata.description`; annotations outside `ownership.dev/`
(Backstage and its plugins define them; ownership passes them on as they are) and `ownership.dev/repos` (one
repository per line) and `ownership.dev/when` (JSON); and the parts of `spec` ownership does not read as one
value (an API's `definition`, a Template's steps). Everything else, names, references, types, titles, tags,
links, the other `ownership.dev/` annotations, is one line.
"""
from __future__ import annotations

from ownership.catalog.schema import FREE_TEXT_FIELDS, MULTILINE_KEYS, invisible_character
from ownership.catalog.typed import control_character
from ownership.catalog.yamlnodes import Map, Node, Scalar, Seq
from ownership.model import Finding, Location

ANN = "ownership.dev/"
_MULTILINE_ANNOTATIONS = frozenset({ANN + "repos", ANN + "when"})
# `spec` fields of Backstage kinds that ownership reads as names, references or types: one line each
_SPEC_ONE_LINE = frozenset({"type", "lifecycle", "owner", "system", "domain", "parent", "children", "members",
                            "memberOf", "subcomponentOf", "dependsOn", "dependencyOf", "providesApis",
                            "consumesApis", "profile", "target", "targets"})

# where a value sits, for the free-text decision: its lines are allowed (FREE), not (LINE), or it depends on
# the key below (the Backstage document, its metadata, its annotations, its spec)
FREE, LINE, NATIVE, ROOT, METADATA, ANNOTATIONS, SPEC = range(7)


def _below(where: int, key: str) -> int:
    """Where the value of `key` sits, inside a mapping at `where`."""
    if where == NATIVE:
        return FREE if key in MULTILINE_KEYS else NATIVE
    if where == ROOT:
        return METADATA if key == "metadata" else SPEC if key == "spec" else LINE if key in (
            "apiVersion", "kind") else FREE
    if where == METADATA:
        return FREE if key == "description" else ANNOTATIONS if key == "annotations" else LINE
    if where == ANNOTATIONS:
        return LINE if key.startswith(ANN) and key not in _MULTILINE_ANNOTATIONS else FREE
    if where == SPEC:
        return LINE if key in _SPEC_ONE_LINE else FREE
    return where


def check(doc: Node, path: str, findings: list[Finding], backstage: bool) -> None:
    """Report every key and value of `doc` (read from `path`) that holds an invisible or control character."""
    stack: list[tuple[Node, str, int]] = [(doc, "", ROOT if backstage else NATIVE)]
    seen: set[int] = set()
    while stack:
        node, key, where = stack.pop()
        if id(node) in seen:  # an alias: already checked where its anchor is
            continue
        seen.add(id(node))
        if (type(node) is Map or type(node) is Seq) and node.clean:  # type: ignore[union-attr]
            continue  # the parser saw only printable ASCII below it (catalog/yamlnodes.py): nothing to find
        if type(node) is Map:
            for k, v in reversed(node.pairs):
                name = k.value if type(k) is Scalar else ""
                # (a native file's case inline: it is nearly every pair of a large catalog)
                below = (FREE if name in MULTILINE_KEYS else NATIVE) if where == NATIVE else _below(where, name)
                stack.append((v, name, below))
                stack.append((k, "", LINE))
        elif type(node) is Seq:
            stack.extend((item, key, where) for item in reversed(node.items))
        elif type(node) is Scalar:
            value = node.value
            if value.isascii() and value.isprintable():  # nearly every value: nothing to look for
                continue
            what = f"'{key}'" if key else "this key"
            hit = invisible_character(value, free_text=key in FREE_TEXT_FIELDS)
            if hit is not None:
                findings.append(Finding(
                    "invisible-character", "error", f"file:{path}",
                    f"{what} contains {hit[1]}, an invisible or text-direction character; remove it (it makes "
                    "the text read differently from what the tools compare)",
                    Location(path, node.line, node.column), {"codepoint": hit[1].split()[0], "index": hit[0]}))
            free = where == FREE and bool(key)
            control = control_character(value, free_text=free)
            if control is not None:
                allowed = ("only line breaks and tabs are allowed in free text" if free else
                           "this value is one line" if key else "a key is one line")
                findings.append(Finding(
                    "invalid-value", "error", f"file:{path}",
                    f"{what} contains {control[1]}, a control character; remove it ({allowed}; a control "
                    "character could end a line of CODEOWNERS or a descriptor, or command the terminal it is "
                    "shown on)",
                    Location(path, node.line, node.column),
                    {"field": key, "codepoint": control[1].split()[0], "index": control[0]}))
