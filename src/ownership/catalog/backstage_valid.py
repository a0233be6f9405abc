"""Backstage's own verdict on one descriptor, with the line of each field it rejects.

Mirrors what the Backstage catalog applies to every entity it reads (@backstage/catalog-model 1.10.3, read
with the `yaml` package): the entity policies SchemaValidEntityPolicy (the Entity and EntityMeta JSON
schemas), NoForeignRootFieldsEntityPolicy and FieldFormatEntityPolicy (KubernetesValidatorFunctions), then
the kind schemas of BuiltinKindsEntityProcessor (Component, Resource, System, API, Group, User, Domain,
Location). Backstage stops at the first problem; this reports every one, each at its field's line.
Values are typed as the `yaml` package types them (YAML 1.2 core schema: `yes` is a string, `12345` a
number). tests/catalog/test_backstage_parity.py holds this module to Backstage's real validators.

A pure function of one document, so its findings are cached with the file's parse.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from ownership.catalog.yamlnodes import YAML_TAG, Map, Node, Scalar, Seq, merged_pairs

API_VERSIONS = ("backstage.io/v1alpha1", "backstage.io/v1beta1")
ROOT_FIELDS = ("apiVersion", "kind", "metadata", "spec")
STR, STRS, PROFILE = "string", "list", "profile"
# kind → (required spec fields, typed spec fields): the kind schemas (schema/kinds/*.v1alpha1.schema.json)
KIND_SPECS: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "Component": (("type", "lifecycle", "owner"),
                  {"type": STR, "lifecycle": STR, "owner": STR, "system": STR, "subcomponentOf": STR,
                   "providesApis": STRS, "consumesApis": STRS, "dependsOn": STRS}),
    "Resource": (("type", "owner"), {"type": STR, "owner": STR, "dependsOn": STRS, "system": STR}),
    "System": (("owner",), {"owner": STR, "domain": STR, "type": STR}),
    "API": (("type", "lifecycle", "owner", "definition"),
            {"type": STR, "lifecycle": STR, "owner": STR, "system": STR, "definition": STR}),
    "Group": (("type", "children"),
              {"type": STR, "profile": PROFILE, "parent": STR, "children": STRS, "members": STRS}),
    "User": (("memberOf",), {"profile": PROFILE, "memberOf": STRS}),
    "Domain": (("owner",), {"owner": STR, "subdomainOf": STR, "type": STR}),
    "Location": ((), {"type": STR, "target": STR, "targets": STRS}),
}
PROFILE_FIELDS = ("displayName", "email", "picture")
KINDS_LOWER = {k.lower(): k for k in KIND_SPECS}
# EntityMeta.schema.json: these metadata fields are strings of at least one character when present
META_STRINGS = ("uid", "etag", "name", "namespace", "title")

_OBJECT_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_DNS_LABEL = re.compile(r"^[a-z0-9]+(?:-+[a-z0-9]+)*$")
_KIND = re.compile(r"^[a-zA-Z][a-z0-9A-Z]*$")
_VERSION = re.compile(r"^[a-z0-9A-Z]+$")
_TAG = re.compile(r"^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$")
# the `yaml` package's YAML 1.2 core schema for plain scalars
_NULL = re.compile(r"^(?:~|null|Null|NULL)?$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NUMBER = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                     r"|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$")
# WHATWG URL parsing (`new URL(value)`), as far as catalog links go: a scheme, and for the special schemes
# a host without forbidden characters
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$", re.S)
_SPECIAL = ("http", "https", "ws", "wss", "ftp", "file")
_FORBIDDEN_HOST = re.compile(r"[\x00-\x20#%/:<>?@\[\\\]^|]")

TAG_RULE = ("1-63 lowercase letters, digits, '+', '#' or ':', in words joined by single '-' (e.g. 'java', "
            "'go', 'c++')")
NAME_RULE = "1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"
NAMESPACE_RULE = "1-63 lowercase letters, digits and '-'"


class ValidatorProblem(NamedTuple):
    """One reason Backstage rejects the entity: a rule slug, the message, the field and where it is."""

    rule: str
    message: str
    field: str  # "spec.owner", "metadata.tags[0]"
    line: int
    column: int


class Verdict(NamedTuple):
    problems: list[ValidatorProblem]
    # (kind, apiVersion) of a well-formed document of a kind the catalog does not hold (a Scaffolder Template,
    # a custom kind): skipped, not rejected
    foreign_kind: tuple[str, str] | None


SUBSTITUTIONS = {"$text": "string", "$json": "any", "$yaml": "any"}


def json_type(node: Node | None) -> str:
    """What the `yaml` package reads this node as: object, array, string, number, boolean or null; a
    `{$text: file}` substitution is the string it becomes (Backstage resolves it before validating), a
    `$json`/`$yaml` one "any" (whatever the file holds: the substitution's reader judges the file)."""
    if node is None:
        return "null"
    if type(node) is Map:
        if len(node.pairs) == 1 and type(node.pairs[0][0]) is Scalar and node.pairs[0][0].value in SUBSTITUTIONS:
            return SUBSTITUTIONS[node.pairs[0][0].value]
        return "object"
    if type(node) is Seq:
        return "array"
    assert type(node) is Scalar
    tag = node.tag
    if tag is not None and tag != "!":
        return {"str": "string", "int": "number", "float": "number", "bool": "boolean",
                "null": "null"}.get(tag[len(YAML_TAG):] if tag.startswith(YAML_TAG) else "", "string")
    if not node.plain or tag == "!":
        return "string"
    value = node.value
    if _NULL.match(value):
        return "null"
    if _BOOL.match(value):
        return "boolean"
    return "number" if _NUMBER.match(value) else "string"


def is_url(value: str) -> bool:
    """Whether `new URL(value)` accepts it (leading and trailing blanks and controls are trimmed)."""
    m = _SCHEME.match(value.strip("\x00- "))
    if m is None:
        return False
    scheme, rest = m.group(1).lower(), m.group(2)
    if scheme not in _SPECIAL or scheme == "file":
        return True
    host = re.split(r"[/?#]", rest.replace("\\", "/").lstrip("/"), maxsplit=1)[0]
    host = host.rsplit("@", 1)[-1]
    host, _, port = host.partition(":") if not host.startswith("[") else (host, "", "")
    return bool(host) and not _FORBIDDEN_HOST.search(host) and (port == "" or port.isdigit())


def _prefixed(value: str, suffix_ok: re.Pattern[str] | None = None) -> bool:
    """`[prefix/]suffix` with a DNS subdomain prefix (label and annotation keys, apiVersion)."""
    parts = value.split("/")
    if len(parts) > 2:
        return False
    if len(parts) == 2:
        prefix = parts[0]
        if not (1 <= len(prefix) <= 253 and all(_dns_label(p) for p in prefix.split("."))):
            return False
    last = parts[-1]
    if suffix_ok is not None:
        return 1 <= len(last) <= 63 and suffix_ok.match(last) is not None
    return object_name(last)


def _dns_label(value: str) -> bool:
    return 1 <= len(value) <= 63 and _DNS_LABEL.match(value) is not None


def object_name(value: str) -> bool:
    """Backstage's entity name rule (KubernetesValidatorFunctions.isValidObjectName)."""
    return 1 <= len(value) <= 63 and _OBJECT_NAME.match(value) is not None


def _first_pairs(node: Map) -> dict[str, tuple[Scalar, Node]]:
    out: dict[str, tuple[Scalar, Node]] = {}
    for k, v in merged_pairs(node):
        if type(k) is Scalar and k.value not in out:
            out[k.value] = (k, v)
    return out


class _Checker:
    def __init__(self, what: str) -> None:
        self.what = what  # "Component 'x'"
        self.problems: list[ValidatorProblem] = []

    def add(self, rule: str, field: str, at: Node, message: str) -> None:
        self.problems.append(ValidatorProblem(rule, f"{self.what}: {message}; Backstage rejects the entity", field,
                                     at.line, at.column))

    def missing(self, field: str, at: Node) -> None:
        self.add("backstage-missing-field", field, at, f"'{field}' is required")

    def invalid(self, field: str, at: Node, expected: str) -> None:
        self.add("backstage-invalid-field", field, at, f"'{field}' must be {expected}")

    def string(self, field: str, key: Node, value: Node, nonblank: bool = False) -> str | None:
        """A string of at least one character (a blank one too, unless `nonblank`), else a problem."""
        kind = json_type(value)
        if kind == "any" or (kind == "string" and type(value) is Map):
            return None  # a substitution: what it reads is checked where it is read
        if kind != "string":
            self.invalid(field, key, f"a string, not {_a(kind)}")
            return None
        assert type(value) is Scalar
        if value.value == "" or (nonblank and not value.value.strip()):
            self.invalid(field, key, "a non-empty string")
            return None
        return value.value

    def strings(self, field: str, key: Node, value: Node) -> None:
        if json_type(value) != "array":
            self.invalid(field, key, f"a list of strings, not {_a(json_type(value))}")
            return
        assert type(value) is Seq
        for i, item in enumerate(value.items):
            self.string(f"{field}[{i}]", item, item)


def _a(kind: str) -> str:
    return {"object": "a mapping", "array": "a list", "null": "empty", "boolean": "a boolean (quote it)",
            "number": "a number (quote it)", "string": "a string", "any": "a substitution"}[kind]


def check(doc: Map) -> Verdict:
    """Every reason Backstage would reject this document, each at the line of its field."""
    top = _first_pairs(doc)
    kind_node = top.get("kind", (None, None))[1]
    meta = top.get("metadata", (None, None))[1]
    name_node = _first_pairs(meta).get("name", (None, None))[1] if type(meta) is Map else None
    kind_text = kind_node.value if type(kind_node) is Scalar and kind_node.value else "document"
    name_text = f" '{name_node.value}'" if type(name_node) is Scalar and name_node.value else ""
    c = _Checker(f"{kind_text}{name_text}")
    for key, (knode, _) in top.items():
        if key not in ROOT_FIELDS:
            c.add("backstage-foreign-field", key, knode, f"'{key}' is not a Backstage root field (only "
                  f"{', '.join(ROOT_FIELDS)})")
    api = _root_string(c, top, "apiVersion", doc)
    if api is not None and not _prefixed(api, _VERSION):
        c.invalid("apiVersion", top["apiVersion"][0], "a group/version such as 'backstage.io/v1alpha1'")
        api = None
    kind = _root_string(c, top, "kind", doc)
    if kind is not None and not (len(kind) <= 63 and _KIND.match(kind)):
        c.invalid("kind", top["kind"][0], "a letter followed by letters and digits, at most 63 characters")
        kind = None
    if "metadata" not in top:
        c.missing("metadata", doc)
    elif json_type(meta) != "object":
        c.invalid("metadata", top["metadata"][0], f"a mapping, not {_a(json_type(meta))}")
    else:
        assert type(meta) is Map
        _metadata(c, top["metadata"][0], meta)
    spec = top.get("spec")
    if spec is not None and json_type(spec[1]) != "object":
        c.invalid("spec", spec[0], f"a mapping, not {_a(json_type(spec[1]))}")
        spec = None
    foreign: tuple[str, str] | None = None
    if kind is not None and api is not None:
        if kind in KIND_SPECS and api in API_VERSIONS:
            if spec is None:
                c.missing("spec", doc)
            else:
                assert type(spec[1]) is Map
                _spec(c, kind, spec[0], spec[1])
        elif kind.lower() in KINDS_LOWER:
            wanted = KINDS_LOWER[kind.lower()]
            assert kind_node is not None
            c.add("backstage-unknown-kind", "kind", kind_node,
                  f"kind '{kind}' is not a catalog kind: kinds are case-sensitive ('{wanted}')" if kind != wanted
                  else f"apiVersion '{api}' is not one Backstage reads {wanted} in ({' or '.join(API_VERSIONS)})")
        else:
            foreign = (kind, api)
    return Verdict(c.problems, foreign if not c.problems else None)


def _root_string(c: _Checker, top: dict[str, tuple[Scalar, Node]], field: str, doc: Map) -> str | None:
    if field not in top:
        c.missing(field, doc)
        return None
    return c.string(field, *top[field])


def _metadata(c: _Checker, at: Scalar, meta: Map) -> None:
    fields = _first_pairs(meta)
    if "name" not in fields:
        c.missing("metadata.name", at)
    for f in META_STRINGS:
        if f not in fields:
            continue
        key, value = fields[f]
        text = c.string(f"metadata.{f}", key, value)
        if text is None:
            continue
        if f == "name" and not object_name(text):
            c.invalid("metadata.name", key, f"{NAME_RULE}, not '{text}'")
        elif f == "namespace" and not _dns_label(text):
            c.invalid("metadata.namespace", key, f"{NAMESPACE_RULE}, not '{text}'")
    for f in ("labels", "annotations"):
        if f not in fields:
            continue
        key, value = fields[f]
        if type(value) is not Map:
            c.invalid(f"metadata.{f}", key, f"a mapping, not {_a(json_type(value))}")
            continue
        for k, (knode, v) in _first_pairs(value).items():
            where = f"metadata.{f}.{k}"
            if not _prefixed(k):
                c.invalid(where, knode, "keyed by [prefix/]name: a DNS-name prefix, a name of " + NAME_RULE)
            if json_type(v) != "string":
                c.invalid(where, knode, f"a string, not {_a(json_type(v))}")
            elif f == "labels" and type(v) is Scalar and v.value != "" and not object_name(v.value):
                c.invalid(where, knode, f"empty or {NAME_RULE}, not '{v.value}'")
    if "tags" in fields:
        key, value = fields["tags"]
        if type(value) is not Seq:
            c.invalid("metadata.tags", key, f"a list of tags, not {_a(json_type(value))}")
        else:
            for i, item in enumerate(value.items):
                tag = c.string(f"metadata.tags[{i}]", item, item)
                if tag is not None and not (len(tag) <= 63 and _TAG.match(tag)):
                    c.invalid(f"metadata.tags[{i}]", item, f"{TAG_RULE}, not '{tag}'")
    if "links" in fields:
        _links(c, *fields["links"])


def _links(c: _Checker, key: Scalar, value: Node) -> None:
    if type(value) is not Seq:
        c.invalid("metadata.links", key, f"a list of links, not {_a(json_type(value))}")
        return
    for i, item in enumerate(value.items):
        where = f"metadata.links[{i}]"
        if type(item) is not Map:
            c.invalid(where, item, f"a mapping with a 'url', not {_a(json_type(item))}")
            continue
        fields = _first_pairs(item)
        if "url" not in fields:
            c.missing(f"{where}.url", item)
        else:
            url = c.string(f"{where}.url", *fields["url"])
            if url is not None and not is_url(url):
                c.invalid(f"{where}.url", fields["url"][0], "a URL with a scheme, such as https://…")
        for f in ("title", "icon", "type"):
            if f in fields:
                c.string(f"{where}.{f}", *fields[f], nonblank=f != "type")


def _spec(c: _Checker, kind: str, at: Scalar, spec: Map) -> None:
    required, typed = KIND_SPECS[kind]
    fields = _first_pairs(spec)
    for f in required:
        if f not in fields:
            c.missing(f"spec.{f}", at)
    for f, (key, value) in fields.items():
        want = typed.get(f)
        if want == STR:
            c.string(f"spec.{f}", key, value)
        elif want == STRS and json_type(value) != "any":
            c.strings(f"spec.{f}", key, value)
        elif want == PROFILE:
            _profile(c, key, value)
        elif kind == "Location" and f == "presence" and not (
                type(value) is Scalar and json_type(value) == "string" and value.value in ("required", "optional")):
            c.invalid("spec.presence", key, "'required' or 'optional'")


def _profile(c: _Checker, key: Scalar, value: Node) -> None:
    if type(value) is not Map:
        c.invalid("spec.profile", key, f"a mapping, not {_a(json_type(value))}")
        return
    for f, (k, v) in _first_pairs(value).items():
        if f in PROFILE_FIELDS:
            c.string(f"spec.profile.{f}", k, v)


__all__: Sequence[str] = ("API_VERSIONS", "KIND_SPECS", "ValidatorProblem", "Verdict", "check", "is_url", "object_name")
