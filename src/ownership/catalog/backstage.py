"""Backstage descriptors (`apiVersion: backstage.io/v1alpha1`) → records, entity references, Location targets.

The loader (catalog/load.py) hands every YAML document with an `apiVersion` to `read()`, follows Location
entities with `follow_locations()`, and finally turns all records into catalog entities with
`backstage_model.build()`. Backstage documents may sit in the same folder, even the same file, as native
ones. What Backstage's own validation rejects (catalog/backstage_valid.py) becomes a finding with the line to
edit, and the entity is not read, as Backstage does not ingest it; nothing Backstage accepts is rejected here.
"""
from __future__ import annotations

import fnmatch
import json
import functools
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ownership.support import confine
from ownership.catalog import backstage_valid, yamlnodes
from ownership.catalog.yamlnodes import Map, Node, Scalar, Seq
from ownership.model import Finding, Location

DEFAULT_NAMESPACE = "default"
# `[kind:][namespace/]name`, as Backstage's parseEntityRef splits it
REF_RE = re.compile(r"^(?:(?P<kind>[^:/]+):)?(?:(?P<ns>[^:/]+)/)?(?P<name>[^:/]+)$")
GLOB_CHARS = re.compile(r"[*?[]")


@dataclass
class Record:
    """One Backstage entity as written: kind and namespace lowercased, the name as written."""

    kind: str
    namespace: str
    name: str
    file: str
    location: Location
    name_loc: Location
    metadata: dict[str, Node] = field(default_factory=dict)
    spec: dict[str, Node] = field(default_factory=dict)
    annotations: dict[str, Scalar] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.namespace, self.name.lower())

    @property
    def model_name(self) -> str:
        return model_name(self.namespace, self.name)

    def loc(self, node: Node) -> Location:
        return Location(self.file, node.line, node.column)


def model_name(namespace: str, name: str) -> str:
    """The catalog name of a Backstage entity: lowercased; other namespaces than `default` keep a prefix.

    Backstage compares references case-insensitively, native names are lowercase, so `Payments` and
    `group:default/payments` both become `payments`, and `group:finance/Payments` becomes `finance/payments`.
    """
    name = name.lower()
    return name if namespace == DEFAULT_NAMESPACE else f"{namespace.lower()}/{name}"


@dataclass(frozen=True)
class Ref:
    kind: str
    namespace: str
    name: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.namespace, self.name.lower())

    @property
    def model_name(self) -> str:
        return model_name(self.namespace, self.name)


def parse_ref(text: str, default_kind: str | None, default_namespace: str) -> Ref | None:
    """`[kind:][namespace/]name` with Backstage's defaults; None when it does not parse or has no kind."""
    m = REF_RE.match(text.strip())
    if m is None:
        return None
    kind = (m.group("kind") or default_kind or "").lower()
    if not kind:
        return None
    return Ref(kind, (m.group("ns") or default_namespace).lower(), m.group("name"))


# --------------------------------------------------------------------------- reading one document


def _finding(rule: str, message: str, loc: Location, subject: str, severity: str = "error",
             **evidence: object) -> Finding:
    return Finding(rule, severity, subject, message, loc, evidence)  # type: ignore[arg-type]


def pairs(node: Map, path: str, subject: str, findings: list[Finding]) -> dict[str, tuple[Scalar, Node]]:
    """String keys → (key node, value node), merge keys applied, duplicate keys reported (first kept)."""
    out: dict[str, tuple[Scalar, Node]] = {}
    for k, v in yamlnodes.merged_pairs(node):
        if type(k) is not Scalar:
            continue
        first = out.get(k.value)
        if first is not None:
            findings.append(_finding("duplicate-key", f"key '{k.value}' appears more than once in this mapping "
                                     "(YAML would silently keep the last one)", Location(path, k.line, k.column),
                                     subject, first_line=first[0].line))
            continue
        out[k.value] = (k, v)
    return out


def text(node: Node | None) -> str | None:
    """A scalar's text (numbers and booleans as written), None for anything else or an empty value."""
    if type(node) is Scalar and node.value != "" and not (node.plain and node.value in ("~", "null")):
        return node.value
    return None


def read(path: str, doc: Map, findings: list[Finding]) -> Record | None:
    """One Backstage document → Record, or None when Backstage would not ingest it: its findings say why
    (backstage_valid.check, at each field's line), or it is of a kind the catalog does not hold (a Scaffolder
    Template, a custom kind), counted by `skipped_kinds`."""
    subject = f"file:{path}"
    before = len(findings)
    where = Location(path, doc.line, doc.column)
    verdict = backstage_valid.check(doc)
    if verdict.foreign_kind is not None:
        kind_text, api = verdict.foreign_kind
        findings.append(_finding(SKIPPED_KIND, f"{kind_text} ({api})", where, subject, "info", kind=kind_text,
                                 apiVersion=api))
        return None
    top = pairs(doc, path, subject, findings)
    meta_node = top.get("metadata", (None, None))[1]
    metadata = {k: v for k, (_, v) in pairs(meta_node, path, subject, findings).items()} \
        if type(meta_node) is Map else {}
    name_node = metadata.get("name")
    name = text(name_node)
    kind = (text(top.get("kind", (None, None))[1]) or "").lower()
    if name is not None and kind:
        subject = f"{kind}:{name}"
    for p in verdict.problems:
        findings.append(_finding(p.rule, p.message, Location(path, p.line, p.column), subject, field=p.field))
    ann = metadata.get("annotations")
    annotations = pairs(ann, path, subject, findings) if type(ann) is Map else {}
    spec = top.get("spec", (None, None))[1]
    spec_pairs = pairs(spec, path, subject, findings) if type(spec) is Map else {}
    if len(findings) > before or name is None or name_node is None:
        return None  # Backstage rejects the entity (a duplicate key is a YAML error to it)
    namespace = text(metadata.get("namespace")) or DEFAULT_NAMESPACE
    rec = Record(kind, namespace.lower(), name, path, where, Location(path, name_node.line, name_node.column),
                 metadata)
    rec.annotations = {key: value for key, (_, value) in annotations.items() if type(value) is Scalar}
    rec.spec = {k: v for k, (_, v) in spec_pairs.items()}
    return rec


SKIPPED_KIND = "backstage-skipped-kind"


def skipped_kinds(findings: list[Finding]) -> list[Finding]:
    """The findings with read()'s one-per-document backstage-skipped-kind notes folded into one info line per
    kind and apiVersion, at the first such document: "3 Template documents (scaffolder.backstage.io/v1beta3)
    are not catalog entities; skipped"."""
    groups: dict[tuple[object, object], list[Finding]] = {}
    out: list[Finding] = []
    for f in findings:
        if f.rule != SKIPPED_KIND or "count" in f.evidence:
            out.append(f)
            continue
        key = (f.evidence.get("kind"), f.evidence.get("apiVersion"))
        if key not in groups:
            groups[key] = []
            out.append(f)  # its place, replaced below
        groups[key].append(f)
    for i, f in enumerate(out):
        if f.rule == SKIPPED_KIND and "count" not in f.evidence:
            same = groups[(f.evidence.get("kind"), f.evidence.get("apiVersion"))]
            kind, api, n = f.evidence.get("kind"), f.evidence.get("apiVersion"), len(same)
            what = f"document ({api}) is not a catalog entity" if n == 1 else f"documents ({api}) are not catalog entities"
            out[i] = Finding(SKIPPED_KIND, "info", f.subject, f"{n} {kind} {what}; skipped", f.location,
                             {"kind": kind, "apiVersion": api, "count": n,
                              "files": sorted({g.location.file for g in same if g.location})})
    return out


def items(node: Node | None) -> list[Node]:
    """The entries of a list field; a single value counts as a one-entry list."""
    if type(node) is Seq:
        return node.items
    return [node] if type(node) is Scalar and text(node) is not None else []


# --------------------------------------------------------------------------- Location entities


def catalog_roots(files: Sequence[str]) -> list[Path]:
    """The folders Location targets must stay in: the git work tree of each catalog file (found by its
    `.git`), and for files outside any work tree the deepest folder that holds all of them."""
    roots: set[Path] = set()
    loose = []
    # a file's work tree depends only on its folder, and a file that is no symlink resolves inside its folder's
    # real path: each folder is looked at once (a 10,000-entity tree has thousands of files in a few folders)
    repo_of: dict[str, Path | None] = {}
    real_dir: dict[str, str] = {}
    for f in files:
        folder = os.path.dirname(os.path.abspath(f))
        if folder not in repo_of:
            repo = confine.repository_of(folder)
            repo_of[folder] = Path(os.path.realpath(repo)) if repo is not None else None
        found = repo_of[folder]
        if found is not None:
            roots.add(found)
        elif os.path.islink(f):
            loose.append(os.path.dirname(os.path.realpath(f)))
        else:
            if folder not in real_dir:
                real_dir[folder] = os.path.realpath(folder)
            loose.append(real_dir[folder])
    if loose:
        roots.add(Path(os.path.commonpath(loose)))
    return sorted(roots)


def follow_locations(records: list[Record], files: list[str],
                     findings: list[Finding]) -> Iterator[tuple[str, bytes]]:
    """(path, content) of every file a Location entity targets and the loader has not read yet.

    The caller loads each yielded file (which may append more records, and so more Locations) before asking
    for the next; a file is read at most once, which also stops cycles (A → B → A). Targets stay inside the
    catalog roots of the files the loader was given (`catalog_roots`): anything else is a finding, not read.
    """
    roots = catalog_roots(files)
    seen = {os.path.realpath(f) for f in files}
    i = 0
    while i < len(records):
        rec = records[i]
        i += 1
        if rec.kind != "location":
            continue
        for target in _targets(rec, roots, findings):
            real = os.path.realpath(target)
            if real in seen:
                continue
            seen.add(real)
            try:
                with Path(target).open("rb") as fh:
                    data = fh.read(yamlnodes.MAX_BYTES + 1)  # past the limit is enough for "too large"
            except OSError as exc:
                findings.append(_finding("location-not-found", f"Location '{rec.name}' targets {target}, which "
                                         f"cannot be read ({exc.strerror or exc})", rec.location,
                                         f"location:{rec.name}", target=target))
                continue
            yield target, data


def _targets(rec: Record, roots: list[Path], findings: list[Finding]) -> list[str]:
    subject = f"location:{rec.name}"
    kind = (text(rec.spec.get("type")) or "file").lower()
    nodes = items(rec.spec.get("target")) + items(rec.spec.get("targets"))
    if not nodes:
        findings.append(_finding("missing-field", f"Location '{rec.name}' has no 'spec.target' or 'spec.targets'",
                                 rec.location, subject, field="spec.targets"))
    # `presence: optional`: Backstage skips a target that does not exist instead of reporting it
    optional = (text(rec.spec.get("presence")) or "").lower() == "optional"
    base = os.path.dirname(rec.file)
    out: list[str] = []
    for node in nodes:
        target = text(node)
        if target is None:
            continue
        loc = rec.loc(node)
        if kind == "url" or re.match(r"^[a-z][a-z0-9+.-]*://", target):
            findings.append(_finding("location-not-followed", f"Location target {target} is a URL; URLs are not "
                                     "fetched (no network access while loading): check the file into the catalog "
                                     "folder or point at it with a relative path", loc, subject, "warning",
                                     target=target))
            continue
        if kind != "file":
            findings.append(_finding("location-not-followed", f"Location type '{kind}' is not followed (only "
                                     "file and url)", loc, subject, "warning", target=target))
            continue
        path = os.path.normpath(os.path.join(base, target))
        glob = GLOB_CHARS.search(target) is not None
        # a glob is checked at the folder it starts walking from; the files it finds are checked one by one
        why = ("it is an absolute path" if os.path.isabs(target)
               else _outside(_glob_start(path) if glob else path, roots))
        if why:
            findings.append(_outside_finding(rec, target, why, loc, roots))
        elif glob:
            matched, escaped = _glob(path, roots)
            if escaped:
                findings.append(_outside_finding(rec, target, f"{escaped} of the files it matches are symlinks "
                                                 "that resolve outside", loc, roots))
            elif not matched and not optional:
                findings.append(_finding("location-not-found", f"Location target {target} matches no file",
                                         loc, subject, target=target))
            out.extend(matched)
        elif os.path.isfile(path):
            out.append(path)
        elif optional and not os.path.lexists(path):
            continue
        else:
            what = "is a folder, not a file" if os.path.isdir(path) else "does not exist"
            findings.append(_finding("location-not-found", f"Location target {target} ({path}) {what}", loc,
                                     subject, target=target))
    return out


def _outside(path: str, roots: list[Path]) -> str | None:
    """Why `path` (a target, or the folder its glob starts from) is not inside a catalog root; None if it is."""
    for root in roots:
        try:
            real = confine.inside(root, path)
        except confine.OutsideRoot:
            continue
        return "it is inside the .git folder" if ".git" in real.relative_to(root).parts else None
    return "it leaves the root ('..' or a symlink)"


def _outside_finding(rec: Record, target: str, why: str, loc: Location, roots: list[Path]) -> Finding:
    shown = " or ".join(str(r) for r in roots)
    return _finding("location-outside-root", f"Location target {target} is outside the catalog root {shown}: "
                    f"{why}; it was not read", loc, f"location:{rec.name}", target=target)


def _glob_start(pattern: str) -> str:
    """The folder a glob pattern walks from: its components before the first one with a wildcard."""
    parts = Path(pattern).parts
    fixed = next((i for i, part in enumerate(parts) if GLOB_CHARS.search(part)), len(parts))
    return str(Path(*parts[:fixed])) if fixed else "."


def _glob(pattern: str, roots: list[Path]) -> tuple[list[str], int]:
    """(sorted files matching `pattern`, how many matches were symlinks resolving outside the roots), walked
    without following symlinked folders, so a glob never leaves the folder it starts from. Wildcards skip
    hidden names, `**` matches any number of folders, as glob.glob(recursive=True) does."""
    start = _glob_start(pattern)
    want = Path(pattern).parts[len(Path(start).parts) if start != "." else 0:]
    matched, escaped = [], 0
    for dirpath, dirnames, filenames in os.walk(start):  # followlinks=False
        rel = Path(os.path.relpath(dirpath, start)).parts if dirpath != start else ()
        if not _matches(want, rel, partial=True):
            dirnames[:] = []
            continue
        dirnames.sort()
        for name in filenames:
            if not _matches(want, (*rel, name)):
                continue
            full = os.path.normpath(os.path.join(dirpath, name))
            if _outside(full, roots):
                escaped += 1
            elif os.path.isfile(full):
                matched.append(full)
    return sorted(matched), escaped


def glob_matches(pattern: str, rel: str) -> bool:
    """Whether the relative path `rel` ("a/b.yaml") matches the glob `pattern` as Location globs match: `**`
    is any number of folders, wildcards skip hidden names."""
    return _matches(tuple(p for p in pattern.split("/") if p), tuple(p for p in rel.split("/") if p))


def _component(pat: str, name: str) -> bool:
    if name.startswith(".") and not pat.startswith("."):
        return False
    return fnmatch.fnmatchcase(name, pat)


def _matches(pat: Sequence[str], parts: Sequence[str], partial: bool = False) -> bool:
    """Whether `parts` (a path relative to the walk's start) matches the pattern components `pat`; with
    `partial`, whether files below the folder `parts` still can. Memoised on positions: a pattern of many
    `**` stays linear in the path's depth instead of exponential."""

    @functools.cache
    def at(i: int, j: int) -> bool:
        if j == len(parts):
            return partial or i == len(pat) or all(p == "**" for p in pat[i:])
        if i == len(pat):
            return False
        if pat[i] == "**":
            return at(i + 1, j) or (not parts[j].startswith(".") and at(i, j + 1))
        return _component(pat[i], parts[j]) and at(i + 1, j + 1)

    return at(0, 0)


# --------------------------------------------------------------------------- $text, $json, $yaml placeholders


PLACEHOLDERS = ("text", "json", "yaml")
_URL_RE = re.compile(r"^[a-z][a-z0-9+.-]*://")


def placeholder_roots(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The folders placeholder targets must stay in: each catalog path as given (`--catalog`, `catalog:` in
    ownership.yaml), a folder as it is and a file by its folder, with symlinks resolved. Narrower than
    `catalog_roots` (the whole git work tree, for Location targets): whatever else a checkout holds, such as
    a reports branch checked out beside the catalog, is never read into an entity."""
    roots = set()
    for p in paths:
        path = os.path.abspath(p)
        roots.add(Path(os.path.realpath(path if os.path.isdir(path) else os.path.dirname(path))))
    return sorted(roots)


def substitute(records: list[Record], files: Sequence[str], findings: list[Finding],
               roots: Sequence[str | os.PathLike[str]] | None = None) -> tuple[list[Record], set[str]]:
    """`records` with every `{$text: path}`, `{$json: path}`, `{$yaml: path}` resolved, as Backstage's
    PlaceholderProcessor does: a mapping with exactly one key, `$` + a known name, and a string value.

    Paths are relative to the file holding the placeholder and must stay inside the catalog paths `roots`
    (`placeholder_roots`; None: none) or the folder of the file holding the
    placeholder (a file a Location brought in from elsewhere in the work tree reads beside itself);
    symlinks are resolved first, `.git` is never read. URLs are never fetched (a warning, the value stays
    unresolved); a target that cannot be used is a finding at the placeholder's line. `$text` becomes the
    file's text, `$json` and `$yaml` the parsed value, every node of it located at the placeholder (the line a
    person edits). Results are not searched for further placeholders (nor does Backstage). Returns the new
    records and the real paths of the files read for them, which the loader never reads as catalog files.
    """
    given = placeholder_roots(roots or ())
    read: dict[str, Node | str] = {}  # (kind, real path) -> parsed node, or why it cannot be used
    out: list[Record] = []
    for rec in records:
        subst = _Substitution(rec, given, read, findings)
        metadata = {k: subst.node(v) for k, v in rec.metadata.items()}
        spec = {k: subst.node(v) for k, v in rec.spec.items()}
        if not subst.changed:
            out.append(rec)
            continue
        annotations = dict(rec.annotations)
        ann = metadata.get("annotations")
        if type(ann) is Map:
            for k, v in ann.pairs:
                if type(k) is Scalar and type(v) is Scalar:
                    annotations.setdefault(k.value, v)
        out.append(Record(rec.kind, rec.namespace, rec.name, rec.file, rec.location, rec.name_loc, metadata, spec,
                          annotations))
    return out, {key.split("|", 1)[1] for key, got in read.items() if not isinstance(got, str)}


class _Substitution:
    def __init__(self, rec: Record, given: list[Path], read: dict[str, Node | str],
                 findings: list[Finding]) -> None:
        self.rec, self.given, self.read, self.findings = rec, given, read, findings
        self.changed = False

    @functools.cached_property
    def roots(self) -> list[Path]:
        """The catalog paths, and the folder of the file holding the placeholder (looked up only for a record
        that has one: most have none)."""
        beside = Path(os.path.realpath(os.path.dirname(os.path.abspath(self.rec.file))))
        return self.given if beside in self.given else [*self.given, beside]

    def node(self, node: Node) -> Node:
        """`node` with placeholders below it resolved; the same object when there are none."""
        if type(node) is Seq:
            items = [self.node(item) for item in node.items]
            if all(a is b for a, b in zip(items, node.items, strict=True)):
                return node
            seq = Seq(node.tag, node.line, node.column)
            seq.items, seq.size = items, node.size
            return seq
        if type(node) is not Map:
            return node
        if len(node.pairs) == 1:
            key, value = node.pairs[0]
            if type(key) is Scalar and key.value.startswith("$"):
                name = key.value[1:]
                target = text(value) if type(value) is Scalar and name in PLACEHOLDERS else None
                if target is None:
                    return node  # not a placeholder Backstage resolves (e.g. JSON Schema's "$ref"): left alone
                got = self.resolve(name, target, self.rec.loc(key))
                if got is None:
                    return node
                self.changed = True
                return got
        pairs = [(k, self.node(v)) for k, v in node.pairs]
        if all(a[1] is b[1] for a, b in zip(pairs, node.pairs, strict=True)):
            return node
        new = Map(node.tag, node.line, node.column)
        new.pairs, new.size = pairs, node.size
        return new

    def resolve(self, kind: str, target: str, at: Location) -> Node | None:
        rec = self.rec
        subject = f"{rec.kind}:{rec.name}"
        if _URL_RE.match(target):
            self.findings.append(_finding("placeholder-not-followed", f"${kind} target {target} is a URL; URLs are "
                                          "not fetched (no network access while loading), so the value stays "
                                          "unresolved: check the file in and point at it with a relative path",
                                          at, subject, "warning", target=target))
            return None
        path = os.path.normpath(os.path.join(os.path.dirname(rec.file), target))
        why = "it is an absolute path" if os.path.isabs(target) else _outside(path, self.roots)
        if why:
            shown = " or ".join(str(r) for r in self.roots)
            self.findings.append(_finding("placeholder-outside-root", f"${kind} target {target} is outside the "
                                          f"catalog folders ({shown}: the --catalog paths, or catalog: in "
                                          f"ownership.yaml, and the folder of {rec.file}): {why}; it was not "
                                          "read", at, subject, target=target))
            return None
        key = f"{kind}|{os.path.realpath(path)}"
        if key not in self.read:
            self.read[key] = _placeholder_value(kind, path)
        got = self.read[key]
        if isinstance(got, str):
            self.findings.append(_finding("placeholder-unresolved", f"${kind} target {target} ({path}) {got}",
                                          at, subject, target=target))
            return None
        return _located(got, at.line, at.column, {})


def _placeholder_value(kind: str, path: str) -> Node | str:
    """What `path` gives a `$kind` placeholder: a node, or why it cannot (a phrase after the target)."""
    if os.path.isdir(path):
        return "is a folder, not a file"
    try:
        with open(path, "rb") as fh:
            data = fh.read(yamlnodes.MAX_BYTES + 1)
    except OSError as exc:
        return "does not exist" if isinstance(exc, FileNotFoundError) else f"cannot be read ({exc.strerror or exc})"
    if len(data) > yamlnodes.MAX_BYTES:
        return f"is larger than the {yamlnodes.MAX_BYTES:,}-byte limit"
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return f"is not UTF-8 text ({exc.reason})"
    if kind == "text":
        return Scalar(content, None, False, 0, 0)
    if kind == "json":
        try:
            json.loads(content)
        except ValueError as exc:
            return f"is not valid JSON ({exc})"
    docs, problems = yamlnodes.parse(content)
    if problems:
        p = problems[0]
        return f"cannot be parsed: line {p.line}: {p.message}"
    if len(docs) != 1:
        return f"must hold exactly one document, not {len(docs)}"
    return docs[0]


def _located(node: Node, line: int, column: int, memo: dict[int, Node]) -> Node:
    """A copy of `node` with every node at (line, column); an alias stays one shared node."""
    done = memo.get(id(node))
    if done is not None:
        return done
    if type(node) is Scalar:
        memo[id(node)] = Scalar(node.value, node.tag, node.plain, line, column)
    elif type(node) is Seq:
        seq = memo[id(node)] = Seq(node.tag, line, column)
        seq.size = node.size
        seq.items = [_located(i, line, column, memo) for i in node.items]
    elif type(node) is Map:
        new = memo[id(node)] = Map(node.tag, line, column)
        new.size = node.size
        new.pairs = [(_located(k, line, column, memo), _located(v, line, column, memo)) for k, v in node.pairs]
    return memo[id(node)]
