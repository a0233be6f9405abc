"""Safe YAML → located nodes, built from libyaml's event stream.

Why not ``yaml.compose`` or ``yaml.load``?
- PyYAML silently keeps the last of duplicate keys; we need every key with its line.
- Its C composer recurses per nesting level and segfaults on ~50k-deep input; this builder is iterative
  and stops at ``MAX_DEPTH``.
- An alias bomb ("billion laughs") composes into a tiny graph but expands exponentially; we count the
  expanded size as we go and stop early.
- No tag is ever constructed: ``!!python/object`` and friends become a finding.
- Plain scalars are typed lazily (only where a field asks for a number or a boolean), which together with
  the event stream makes loading faster than ``yaml.load`` itself.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

try:  # libyaml's parser; the pure-Python one is ~10x slower but behaves the same
    from yaml import CSafeLoader as _Loader

    LIBYAML = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

    LIBYAML = False

MAX_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 500
# Aliases may repeat content, but not multiply it: a document may expand to at most this many nodes
# beyond the ones written in it.
MAX_ALIAS_EXPANSION = 100_000

YAML_TAG = "tag:yaml.org,2002:"
SAFE_TAGS = frozenset(
    YAML_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "merge")
)


class Scalar:
    __slots__ = ("value", "tag", "plain", "line", "column")

    def __init__(self, value: str, tag: str | None, plain: bool, line: int, column: int) -> None:
        self.value = value
        self.tag = tag
        self.plain = plain
        self.line = line
        self.column = column


# A collection's `clean`: True when the parser saw that every key and value below it (aliases included) is
# printable ASCII, so that a walk looking for unusual characters (catalog/characters.py) can skip it whole;
# False when not, or not known (a collection made anywhere but here).


class Seq:
    __slots__ = ("items", "tag", "line", "column", "size", "clean")

    def __init__(self, tag: str | None, line: int, column: int) -> None:
        self.items: list[Node] = []
        self.tag = tag
        self.line = line
        self.column = column
        self.size = 1
        self.clean = False


class Map:
    __slots__ = ("pairs", "tag", "line", "column", "size", "clean")

    def __init__(self, tag: str | None, line: int, column: int) -> None:
        self.pairs: list[tuple[Node, Node]] = []
        self.tag = tag
        self.line = line
        self.column = column
        self.size = 1
        self.clean = False


Node = Scalar | Seq | Map


@dataclass(frozen=True, slots=True)
class YamlProblem:
    """A parse-level problem: rule slug, message, 1-based line and column."""

    rule: str
    message: str
    line: int
    column: int


class _Stop(Exception):
    def __init__(self, problem: YamlProblem) -> None:
        self.problem = problem


def parse(data: bytes | str) -> tuple[list[Node], list[YamlProblem]]:
    """Every document of a YAML stream as nodes, plus the problems that stopped or marked parsing.

    On a fatal problem (syntax error, limits) the documents read so far are dropped: a half-read file must
    not pass for a complete one.
    """
    if len(data) > MAX_BYTES:
        return [], [
            YamlProblem("file-too-large", f"file is larger than the {MAX_BYTES:,}-byte limit; split the catalog "
                    "into several files", 1, 1)
        ]
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            return [], [YamlProblem("yaml-syntax", f"file is not valid UTF-8 ({exc.reason})", line, 1)]
    else:
        text = data
    problems: list[YamlProblem] = []
    try:
        docs = _build(text, problems)
    except _Stop as stop:
        return [], [*problems, stop.problem]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or "invalid YAML"
        if "maximum nesting depth" in what and mark is not None:
            # newer libyaml stops deep nesting itself (its own limit, at its own column); say it as we do
            return [], [*problems, YamlProblem("yaml-syntax", f"nesting deeper than {MAX_DEPTH} levels",
                                           mark.line + 1, 1)]
        ctx = exc.context_mark
        if mark is not None and ctx is not None and mark.line + 1 > _line_count(text):
            # an unclosed quote or bracket runs to the end of the file: the end is not a line anyone can
            # edit, so point at where the unclosed thing starts
            mark = ctx
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        tab = _tab_at(text, line, col) if mark is not None else None
        if tab is not None:
            return [], [YamlProblem("yaml-syntax", "tab character: YAML indents with spaces only; replace the "
                                    "tab with spaces", line, tab)]
        if exc.context:
            started = ""
            if ctx is not None and ctx.line + 1 != line:
                started = f" that starts at line {ctx.line + 1}"
            what = f"{what} ({exc.context}{started})"
        return [], [YamlProblem("yaml-syntax", what, line, col)]
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        mark = getattr(exc, "position", None)
        line = text[: mark].count("\n") + 1 if isinstance(mark, int) else 1
        col = mark - text.rfind("\n", 0, mark) if isinstance(mark, int) else 1
        return [], [YamlProblem("yaml-syntax", str(exc).splitlines()[0], line, col)]
    return docs, problems


def _tab_at(text: str, line: int, column: int) -> int | None:
    """The 1-based column of the tab that stopped the parser on `line` (at `column`, or in the line's
    indentation, where libyaml reports its tab errors), else None."""
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return None
    end = text.find("\n", start)
    row = text[start:] if end < 0 else text[start:end]
    if 0 < column <= len(row) and row[column - 1] == "\t":
        return column
    indent = len(row) - len(row.lstrip(" \t"))
    at = row.find("\t", 0, indent)
    return at + 1 if at >= 0 and column <= indent + 1 else None


def _line_count(text: str) -> int:
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def _check_tag(tag: str | None, line: int, column: int, problems: list[YamlProblem]) -> None:
    if tag is not None and tag != "!" and tag not in SAFE_TAGS:
        # show the tag as it was written (`!!python/...`), not as libyaml expands it
        shown = "!!" + tag[len(YAML_TAG):] if tag.startswith(YAML_TAG) else tag
        problems.append(
            YamlProblem(
                "unsafe-tag",
                f"tag '{shown}' is not allowed: the catalog is data, and only standard YAML types are read",
                line,
                column,
            )
        )


def _alias(event: Any, anchors: Mapping[str, Node], open_anchors: set[str]) -> tuple[Node, int, bool]:
    """The node an alias event refers to, the number of nodes it stands for, and whether all of them are clean
    (printable ASCII); raises _Stop for an unknown alias or one inside the node it names."""
    mark = event.start_mark
    target = anchors.get(event.anchor)
    if target is None:
        raise _Stop(YamlProblem("yaml-syntax", f"unknown alias *{event.anchor}", mark.line + 1, mark.column + 1))
    if event.anchor in open_anchors:
        raise _Stop(YamlProblem("yaml-syntax",
                                f"alias *{event.anchor} refers to a node that contains it (recursive structure)",
                                mark.line + 1, mark.column + 1))
    if type(target) is Scalar:
        return target, 1, target.value.isascii() and target.value.isprintable()
    return target, target.size, target.clean  # type: ignore[union-attr]  # a Seq or Map


def _build(text: str, problems: list[YamlProblem]) -> list[Node]:
    docs: list[Node] = []
    anchors: dict[str, Node] = {}
    open_anchors: set[str] = set()
    # stack of [container, anchor, pending key (mappings)]; `top` is its last entry, or None
    stack: list[list[Any]] = []
    top: list[Any] | None = None
    expanded = 0
    # libyaml's events, asked for one by one (what yaml.parse does, without a generator around each event)
    loader = _Loader(text)
    get_event: Callable[[], Any] = loader.get_event  # libyaml's events carry what each kind needs
    E_SCALAR = yaml.ScalarEvent
    E_SEQ = yaml.SequenceStartEvent
    E_MAP = yaml.MappingStartEvent
    E_SEQ_END = yaml.SequenceEndEvent
    E_MAP_END = yaml.MappingEndEvent
    E_ALIAS = yaml.AliasEvent
    E_DOC_START = yaml.DocumentStartEvent
    node: Node
    try:
        while (event := get_event()) is not None:
            cls = type(event)
            if cls is E_SCALAR:
                mark = event.start_mark
                tag = event.tag
                if tag is not None:
                    _check_tag(tag, mark.line + 1, mark.column + 1, problems)
                value = event.value
                node = Scalar(value, tag, event.implicit[0], mark.line + 1, mark.column + 1)
                if event.anchor is not None:
                    anchors[event.anchor] = node
                clean = value.isascii() and value.isprintable()
            elif cls is E_MAP or cls is E_SEQ:
                mark = event.start_mark
                if len(stack) >= MAX_DEPTH:
                    raise _Stop(
                        YamlProblem("yaml-syntax", f"nesting deeper than {MAX_DEPTH} levels", mark.line + 1, 1)
                    )
                tag = event.tag
                if tag is not None:
                    _check_tag(tag, mark.line + 1, mark.column + 1, problems)
                node = (Map if cls is E_MAP else Seq)(tag, mark.line + 1, mark.column + 1)
                node.clean = True  # until a key or value below says otherwise
                if event.anchor is not None:
                    anchors[event.anchor] = node
                    open_anchors.add(event.anchor)
                top = [node, event.anchor, None]
                stack.append(top)
                continue
            elif cls is E_MAP_END or cls is E_SEQ_END:
                node, anchor, _ = stack.pop()
                if anchor is not None:
                    open_anchors.discard(anchor)
                top = stack[-1] if stack else None
                if top is not None:
                    top[0].size += node.size  # type: ignore[union-attr]  # a Seq or Map: it was on the stack
                clean = node.clean  # type: ignore[union-attr]  # a Seq or Map: it was on the stack
            elif cls is E_ALIAS:  # rare: the checks live in _alias
                mark = event.start_mark
                target, size, clean = _alias(event, anchors, open_anchors)
                expanded += size
                if expanded > MAX_ALIAS_EXPANSION:
                    raise _Stop(
                        YamlProblem(
                            "alias-bomb",
                            f"aliases expand this document beyond {MAX_ALIAS_EXPANSION:,} nodes "
                            "(an alias bomb); refusing to expand it",
                            mark.line + 1,
                            mark.column + 1,
                        )
                    )
                if top is not None:
                    top[0].size += size
                node = target
            else:
                if cls is E_DOC_START:
                    anchors.clear()
                continue
            # attach the finished node to its parent (or as a document)
            if top is None:
                docs.append(node)
                continue
            parent = top[0]
            if not clean:
                parent.clean = False
            if type(parent) is Seq:
                parent.items.append(node)
            elif top[2] is None:
                top[2] = node
            else:
                parent.pairs.append((top[2], node))
                top[2] = None
    finally:
        loader.dispose()
    return docs


# --------------------------------------------------------------------------- typed scalar values

_resolvers = yaml.resolver.Resolver.yaml_implicit_resolvers
_constructor = yaml.constructor.SafeConstructor()


def resolved_tag(node: Scalar) -> str:
    """The tag YAML gives this scalar (explicit, or resolved for plain scalars)."""
    if node.tag is not None and node.tag != "!":
        return node.tag
    if not node.plain:
        return YAML_TAG + "str"
    value = node.value
    for tag, regexp in _resolvers.get(value[:1] if value else "", ()):
        if regexp.match(value):
            return tag
    return YAML_TAG + "str"


def scalar_value(node: Scalar) -> Any:
    """The Python value YAML 1.1 gives this scalar (str, int, float, bool, None, date/datetime)."""
    tag = resolved_tag(node)
    if tag == YAML_TAG + "str":
        return node.value
    constructor = _CONSTRUCT.get(tag)
    if constructor is None:
        return node.value
    try:
        return constructor(_constructor, yaml.ScalarNode(tag, node.value))
    except (ValueError, OverflowError, yaml.YAMLError):
        return node.value


_CONSTRUCT = {
    YAML_TAG + "int": yaml.constructor.SafeConstructor.construct_yaml_int,
    YAML_TAG + "float": yaml.constructor.SafeConstructor.construct_yaml_float,
    YAML_TAG + "bool": yaml.constructor.SafeConstructor.construct_yaml_bool,
    YAML_TAG + "null": yaml.constructor.SafeConstructor.construct_yaml_null,
    YAML_TAG + "timestamp": yaml.constructor.SafeConstructor.construct_yaml_timestamp,
}


def to_python(node: Node) -> Any:
    """Plain Python data for a node (used for free-form values and by tests)."""
    if type(node) is Scalar:
        return scalar_value(node)
    if type(node) is Seq:
        return [to_python(n) for n in node.items]
    return {_key(k): to_python(v) for k, v in node.pairs}  # type: ignore[union-attr]


def _key(node: Node) -> Any:
    return scalar_value(node) if type(node) is Scalar else repr(to_python(node))


def merged_pairs(node: Map) -> Iterable[tuple[Node, Node]]:
    """Mapping pairs with YAML merge keys (``<<: *defaults``) applied; explicit keys win. Without a merge key
    (nearly every mapping), the mapping's own list of pairs: to be read, never changed."""
    for k, _ in node.pairs:
        if type(k) is Scalar and k.plain and k.value == "<<":
            return _merged(node)
    return node.pairs


def _merged(node: Map) -> Iterator[tuple[Node, Node]]:
    merges = [v for k, v in node.pairs if type(k) is Scalar and k.plain and k.value == "<<"]
    own = [(k, v) for k, v in node.pairs if not (type(k) is Scalar and k.plain and k.value == "<<")]
    seen = {k.value for k, _ in own if type(k) is Scalar}
    yield from own
    sources: list[Node] = []
    for m in merges:
        sources.extend(m.items if type(m) is Seq else [m])
    for src in sources:
        if type(src) is not Map:
            continue
        for k, v in merged_pairs(src):
            if type(k) is Scalar and k.value not in seen:
                seen.add(k.value)
                yield k, v
