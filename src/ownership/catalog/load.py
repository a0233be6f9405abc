"""Native catalog YAML → Catalog, with a Location for every entity and field, and every problem found.

Loading never stops at the first problem: each file, entity and field is checked against the field spec in
catalog/schema.py, and what is valid is kept so that later rules can still run over the rest.
"""
from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from ownership.support import collector, confine
from ownership.catalog import backstage, backstage_model, characters, yamlnodes
from ownership.catalog.schema import (
    CHANNEL_EXPECT,
    CHANNEL_RE,
    DURATION_RE,
    ENTITY_KINDS,
    FILE,
    KEY_FIELD,
    SECTIONS,
    TARGET_FIELDS,
    FREE_TEXT_FIELDS,
    HTTP_URL_RE,
    NAME_RE,
    PATH_EXPECT,
    PATH_RE,
    PERSON_RE,
    REPO_URL_RE,
    Field,
    invisible_character,
)
from ownership.catalog.assemble import KIND_SINGULAR, Entity, assemble, incident_policy, one_source, targets_of
from ownership.catalog.typed import control_character
from ownership.catalog.yamlnodes import Map, Node, Scalar, Seq
from ownership.catalog import CONFIG_NAMES  # the settings file a catalog folder may hold is not a catalog file
from ownership.errors import OwnershipError
from ownership.model import Catalog, Finding, Location
from ownership.support.words import noun_for, plural

YAML_SUFFIXES = (".yaml", ".yml")
_STR = yamlnodes.YAML_TAG + "str"
_KIND_SINGULAR = KIND_SINGULAR
TOP_KEYS = (*ENTITY_KINDS, *SECTIONS)


class CatalogError(OwnershipError):
    """The catalog cannot be read at all (missing path, unreadable file): exit code 2, not a finding."""


# --------------------------------------------------------------------------- discovery


@dataclass(frozen=True)
class Selection:
    """Which files a catalog path stands for: `include:` / `exclude:` in ownership.yaml and `--exclude`.

    Patterns are globs relative to the folder being walked (`**` is any number of folders; a pattern without
    `/` matches the name at any depth, as in .gitignore). An excluded file is never read, also when named on
    the command line. With `include` set, a walk reads only the files it matches, each as a catalog file."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def excluded(self, rel: str) -> bool:
        """Whether `rel` or a folder it is in matches an exclude pattern (`node_modules` excludes all below)."""
        parts = rel.split("/")
        return any(backstage.glob_matches(_anywhere(p), "/".join(parts[:n]))
                   for p in self.exclude for n in range(1, len(parts) + 1))

    def included(self, rel: str) -> bool:
        return any(backstage.glob_matches(_anywhere(p), rel) for p in self.include)

    def walks_into(self, rel: str) -> bool:
        """Whether a folder walk reads the file at `rel` (inside the walked folder): not excluded, and matched
        by `include` when that is set."""
        return not self.excluded(rel) and (not self.include or self.included(rel))


def selection_of(paths: Sequence[str | os.PathLike[str]]) -> Selection:
    """The Selection catalog paths carry (CatalogPaths), else none."""
    return paths.selection if isinstance(paths, CatalogPaths) else Selection()


def _anywhere(pattern: str) -> str:
    pattern = pattern.strip().removeprefix("./").rstrip("/")
    return pattern if "/" in pattern else f"**/{pattern}"


class CatalogPaths(tuple[str, ...]):
    """The catalog paths of a command together with their Selection (made once, by the CLI); every function
    that takes catalog paths takes these as they are, and discover() honours the selection."""

    selection: Selection

    def __new__(cls, paths: Iterable[str], selection: Selection = Selection()) -> CatalogPaths:
        made = super().__new__(cls, paths)
        made.selection = selection
        return made


class Walked(NamedTuple):
    """One file a catalog path stands for, read: its display path and content; the folder whose walk found
    it and its path inside that folder, or (None, None) when it was named as it is."""

    path: str
    data: bytes
    walk: str | None = None
    rel: str | None = None


def is_catalog_name(name: str) -> bool:
    """Whether a file of this name in a catalog folder is part of the catalog (YAML, not hidden, not config)."""
    return name.endswith(YAML_SUFFIXES) and name not in CONFIG_NAMES and not name.startswith(".")


def discover(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The YAML files a catalog consists of: files as given, folders searched recursively (sorted), both
    without what the paths' Selection excludes."""
    return [f for f, _, _ in _discover(paths)]


def _discover(paths: Sequence[str | os.PathLike[str]]) -> list[tuple[Path, str | None, str | None]]:
    selection = selection_of(paths)
    found: list[tuple[Path, str | None, str | None]] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            # a file found by the walk is catalog content: a symlink among them must not read outside the
            # repository (or the folder, outside any), since parse errors quote what they read
            root = confine.repository_of(p) or p
            for dirpath, dirnames, filenames in os.walk(p):
                here = Path(dirpath)
                rel_dir = here.relative_to(p).as_posix()
                dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                                     and not selection.excluded(_join(rel_dir, d)))
                for name in sorted(filenames):
                    rel = _join(rel_dir, name)
                    if not is_catalog_name(name) or not selection.walks_into(rel):
                        continue
                    f = here / name
                    if f.is_symlink():
                        try:
                            confine.inside(root, f)
                        except confine.OutsideRoot as exc:
                            raise CatalogError(str(exc)) from None
                    found.append((f, str(p), rel))
        elif p.is_file():
            if not selection.excluded(p.as_posix().removeprefix("./")):
                found.append((p, None, None))
        elif p.exists():
            raise CatalogError(f"{p}: not a file or folder")
        else:
            raise CatalogError(f"{p}: no such file or folder")
    return found


def _join(folder: str, name: str) -> str:
    return name if folder == "." else f"{folder}/{name}"


# Whether a file holds a catalog document, judged on its text (a walk must not parse every app-config to skip
# it, and a file with a YAML syntax error is still recognisable): a Backstage apiVersion (`backstage.io/…`,
# `scaffolder.backstage.io/…`), or a top-level key of the native format, or one close to it (a typo such as
# `sytems:` must still be reported, not skipped).
_BACKSTAGE_API = re.compile(rb"(?:^|[{,])[ \t]*[\"']?apiVersion[\"']?[ \t]*:[ \t]*[\"']?[\w.-]*backstage\.io/",
                            re.M)
_TOP_KEY = re.compile(rb"^(?:---[ \t]+)?[\"']?([A-Za-z_][\w-]*)[\"']?[ \t]*:(?=[ \t]|\r?$)", re.M)


def _blank(data: bytes) -> bool:
    """No document at all (whitespace, comments, `---`): read, it says nothing either way."""
    return all(not line or line.startswith(b"#") or line in (b"---", b"...") for line in
               (raw.strip() for raw in data.splitlines()))


def _has_backstage_document(data: bytes) -> bool:
    # the pattern needs both words: a plain substring test rules most files out without running it (a 10,000-
    # system native catalog is 3 MB of YAML read on every `page`)
    return b"backstage.io/" in data and b"apiVersion" in data and _BACKSTAGE_API.search(data) is not None


def _has_catalog_document(data: bytes) -> bool:
    if _has_backstage_document(data):
        return True
    for m in _TOP_KEY.finditer(data):
        key = m.group(1).decode("ascii", "replace")
        if key in TOP_KEYS or difflib.get_close_matches(key, list(TOP_KEYS), n=1, cutoff=0.8):
            return True
    return False


def read_sources(files: Iterable[Path]) -> list[tuple[str, bytes]]:
    out = []
    for f in files:
        try:
            with f.open("rb") as fh:
                # one byte past the limit is enough for parse() to report the file as too large
                out.append((str(f), fh.read(yamlnodes.MAX_BYTES + 1)))
        except OSError as exc:
            raise CatalogError(f"{f}: cannot read ({exc.strerror or exc})") from exc
    return out


def read_catalog(paths: Sequence[str | os.PathLike[str]]) -> tuple[list[tuple[str, bytes]], list[Finding]]:
    """The catalog files under `paths`, read, and the one `files-skipped` finding when some were left out
    (see choose)."""
    found = _discover(paths)
    if not found:
        raise CatalogError(_nothing_under(paths))
    sources = read_sources(f for f, _, _ in found)
    return choose([Walked(path, data, walk, rel) for (_, walk, rel), (path, data) in zip(found, sources,
                                                                                           strict=True)],
                  selection_of(paths))


def _nothing_under(paths: Sequence[str | os.PathLike[str]]) -> str:
    """Why a catalog path that stands for no file cannot be checked: a gate over nothing would pass forever.
    Says how many YAML files include:/exclude: left out, when that is why."""
    shown = ", ".join(str(p) for p in paths) or "(no path)"
    selection = selection_of(paths)
    left_out = 0
    for raw in paths:
        p = Path(raw)
        if p.is_file():
            left_out += p.name.endswith(YAML_SUFFIXES)
            continue
        for dirpath, dirnames, filenames in os.walk(p):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            left_out += sum(1 for n in filenames if is_catalog_name(n))
    why = ""
    if left_out:
        why = (f" ({plural(left_out, 'YAML file')} left out by include:/exclude: in ownership.yaml or "
               "--exclude)") if selection.include or selection.exclude else ""
    return f"no catalog files under {shown}{why}: a catalog is the .yaml/.yml files there (see docs/catalog-format.md)"


def choose(files: Sequence[Walked], selection: Selection) -> tuple[list[tuple[str, bytes]], list[Finding]]:
    """Of the files a walk reads (`files`, already without what `selection` leaves out: Selection.walks_into),
    those read as catalog files, and the one `files-skipped` finding for the others.

    A folder walk that finds Backstage descriptors is a Backstage tree, where YAML files without any catalog
    document (app-config, mkdocs.yml, workflows, OpenAPI documents, Helm charts) are skipped, not reported;
    files named as they are, or matched by `include:`, are always read as catalog files."""
    backstage_walks = {f.walk for f in files if f.walk is not None and _has_backstage_document(f.data)}
    kept: list[tuple[str, bytes]] = []
    skipped: list[str] = []
    for f in files:
        if (f.rel is None or f.walk not in backstage_walks or selection.included(f.rel) or _blank(f.data)
                or _has_catalog_document(f.data)):
            kept.append((f.path, f.data))
        else:
            skipped.append(f.path)
    if not skipped:
        return kept, []
    shown = ", ".join(skipped[:3]) + (f" and {len(skipped) - 3} more" if len(skipped) > 3 else "")
    walks = ", ".join(sorted(str(w) for w in backstage_walks))
    return kept, [Finding(
        "files-skipped", "info", f"file:{walks}",
        f"{plural(len(skipped), 'YAML file')} under {walks} {noun_for(len(skipped), 'holds', 'hold')} no Backstage or catalog document and were not read "
        f"({shown}); to check one as a catalog file, name it on the command line or match it with include: in "
        "ownership.yaml", Location(skipped[0], 1, 1), {"skipped": len(skipped), "files": skipped})]


def load_paths(paths: Sequence[str | os.PathLike[str]], parse: Parse | None = None) -> tuple[Catalog, list[Finding]]:
    sources, skipped = read_catalog(paths)
    catalog, findings = load_sources(sources, parse, roots=paths)
    return catalog, [*skipped, *findings]


# --------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class Parsed:
    """What one file contributes on its own: a pure function of (display path, content), so it can be cached
    per file (catalog/cache.py). Everything that looks across files (Location targets, Backstage references,
    duplicate names) is done afterwards, by load_sources, on every load."""

    entities: tuple[Entity, ...]
    findings: tuple[Finding, ...]
    records: tuple[backstage.Record, ...]


Parse = Callable[[str, bytes | str], Parsed]


def parse_file(path: str, data: bytes | str) -> Parsed:
    findings: list[Finding] = []
    records: list[backstage.Record] = []
    entities = _load_file(path, data, findings, records)
    return Parsed(tuple(entities), tuple(findings), tuple(records))


def load_sources(sources: Iterable[tuple[str, bytes | str]], parse: Parse | None = None,
                 roots: Sequence[str | os.PathLike[str]] | None = None) -> tuple[Catalog, list[Finding]]:
    """Parse and check every (display path, content) pair and merge them into one Catalog.

    The one way a catalog is loaded. `parse` turns one file into its Parsed part (default parse_file; the
    per-file cache passes its own, which must return what parse_file would). `roots`: the catalog paths the
    sources were read from, the folders `$text`/`$json`/`$yaml` placeholders may read in
    (backstage.substitute; None: only the folder of the file holding the placeholder).
    """
    parse = parse or parse_file
    findings: list[Finding] = []
    entities: list[Entity] = []
    files: list[str] = []
    records: list[backstage.Record] = []

    def add(path: str, data: bytes | str) -> None:
        files.append(path)
        part = parse(path, data)
        entities.extend(part.entities)
        findings.extend(part.findings)
        records.extend(part.records)

    with collector.paused():
        for path, data in sources:
            add(path, data)
        if records:  # Backstage descriptors: follow Location entities, then resolve references across files
            for path, data in backstage.follow_locations(records, files, findings):
                add(path, data)
            records, pulled_in = backstage.substitute(records, files, findings, roots)
            if pulled_in:  # a file a placeholder reads is the entity's content, never a catalog file itself
                dropped = {f for f in files if os.path.realpath(f) in pulled_in}
                if dropped:
                    files = [f for f in files if f not in dropped]
                    records = [r for r in records if r.file not in dropped]
                    entities = [e for e in entities if e.location.file not in dropped]
                    findings[:] = [f for f in findings if f.location is None or f.location.file not in dropped]
            native_teams = {e.values["name"] for e in entities if e.kind == "teams"}
            built = backstage_model.build(records, findings, native_teams)
            entities.extend(Entity(*e) for e in built.entities)
        findings[:] = backstage.skipped_kinds(findings)  # one info line per skipped kind, not one per document
        catalog = assemble(entities, findings)
    return Catalog(
        teams=catalog["teams"],
        systems=catalog["systems"],
        stakeholders=catalog["stakeholders"],
        rotations=catalog["rotations"],
        files=tuple(files),
        profiles=built.profiles if records else {},
        contacts={ref: r for ref, r in catalog["people"].items() if r is not None},
        incident=incident_policy({k: next(iter(catalog[k].values())) for k in SECTIONS if catalog[k]}),
        dangling=built.dangling if records else (),
        described=built.described if records else (),
    ), findings


# `name: X` (native entities, Backstage metadata) and `- X` / `X:` are not told apart from other keys here;
# a line-based look at a file YAML could not read is all there is
_NAME_LINE = re.compile(r"^[ \t-]*[\"']?name[\"']?[ \t]*:[ \t]*[\"']?([A-Za-z0-9][\w.@/-]*)", re.M)
_MAX_NAMES = 1000


def _names_written(data: bytes | str) -> list[str]:
    """The names a file that did not parse appears to define (`name: X` lines), at most _MAX_NAMES."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    return sorted({m.group(1) for m in _NAME_LINE.finditer(text)})[:_MAX_NAMES]


def _load_file(path: str, data: bytes | str, findings: list[Finding],
               records: list[backstage.Record] | None = None) -> list[Entity]:
    docs, problems = yamlnodes.parse(data)
    for i, p in enumerate(problems):
        # a file that did not parse defines nothing: its names go with the finding, so the findings that
        # follow only from their absence can say so (rules/engine.py, unparsed)
        evidence = ({"names": _names_written(data)} if not docs and p.rule == "yaml-syntax"
                    and i == len(problems) - 1 else {})
        findings.append(
            Finding(p.rule, "error", f"file:{path}", p.message, Location(path, p.line, p.column), evidence)
        )
    entities: list[Entity] = []
    walker = _Walker(path, findings)
    for doc in docs:
        backstage_doc = type(doc) is Map and _is_backstage(doc)
        characters.check(doc, path, findings, backstage_doc)
        if backstage_doc and type(doc) is Map:
            record = backstage.read(path, doc, findings)
            if record is not None and records is not None:
                records.append(record)
            continue
        if type(doc) is Scalar and doc.plain and doc.value in ("", "~", "null"):
            continue  # an empty document
        if type(doc) is not Map:
            walker.problem("invalid-value", "a catalog file must be a mapping with teams:, systems:, "
                           "stakeholders: and/or rotations:", doc, f"file:{path}")
            continue
        for key_node, value in walker.pairs(doc, f"file:{path}"):
            key = key_node.value
            section = SECTIONS.get(key)
            if section is not None:
                ent = walker.section(key, section, key_node, value)
                if ent is not None:
                    entities.append(ent)
                continue
            spec = ENTITY_KINDS.get(key)
            if spec is None:
                walker.unknown_field(key_node, FILE, f"file:{path}", "at the top of a catalog file")
                continue
            if type(value) is not Seq:
                if type(value) is Scalar and value.plain and value.value in ("", "~", "null"):
                    continue  # `systems:` with nothing under it yet
                walker.problem("invalid-value", f"{key} must be a list of {_KIND_SINGULAR[key]} entries",
                               value, f"file:{path}")
                continue
            for item in value.items:
                ent = walker.entity(key, spec, item)
                if ent is not None:
                    if key == "people":
                        walker.contacts(ent)
                    entities.append(ent)
    return entities


def _is_backstage(doc: Map) -> bool:
    """A Backstage entity: it has an `apiVersion`, or it has `kind` and `metadata` and no native key (an entity
    that lost its apiVersion is a malformed entity, as Backstage says, not a native file of unknown fields)."""
    keys = {k.value for k, _ in doc.pairs if type(k) is Scalar}
    return "apiVersion" in keys or ({"kind", "metadata"} <= keys and not keys & set(TOP_KEYS))


_NESTED = frozenset({"list", "object"})  # the kinds value() takes apart; a scalar of any other goes to scalar()


class _Walker:
    """Checks nodes against the field spec; records values, their locations and the problems."""

    def __init__(self, path: str, findings: list[Finding]) -> None:
        self.path = path
        self.findings = findings

    def loc(self, node: Node) -> Location:
        return Location(self.path, node.line, node.column)

    def problem(self, rule: str, message: str, node: Node, subject: str, **evidence: Any) -> None:
        self.findings.append(Finding(rule, "error", subject, message, self.loc(node), evidence))

    def pairs(self, node: Map, subject: str) -> list[tuple[Scalar, Node]]:
        """Pairs with merge keys applied; non-scalar keys and duplicate keys reported and dropped."""
        seen: dict[str, Node] = {}
        out = []
        for k, v in yamlnodes.merged_pairs(node):
            if type(k) is not Scalar:
                self.problem("invalid-value", "keys must be plain strings", k, subject)
                continue
            first = seen.get(k.value)
            if first is not None:
                self.problem(
                    "duplicate-key",
                    f"key '{k.value}' appears more than once in this mapping (YAML would silently keep the "
                    "last one)",
                    k,
                    subject,
                    first_line=first.line,
                )
                continue
            seen[k.value] = k
            out.append((k, v))
        return out

    def unknown_field(self, key: Scalar, spec: Field, subject: str, where: str) -> None:
        names = [f.name for f in spec.fields]
        close = difflib.get_close_matches(key.value, names, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else f"; known fields: {', '.join(names)}"
        self.problem("unknown-field", f"unknown field '{key.value}' {where}{hint}", key, subject,
                     field=key.value, suggestion=close[0] if close else None)

    def entity(self, kind: str, spec: Field, node: Node) -> Entity | None:
        singular = _KIND_SINGULAR[kind]
        key = KEY_FIELD.get(kind, "name")
        if type(node) is not Map:
            self.problem("invalid-value", f"each entry of {kind} must be a mapping with at least a {key}",
                         node, f"file:{self.path}")
            return None
        name_node = next((v for k, v in node.pairs if type(k) is Scalar and k.value == key), None)
        name = name_node.value if type(name_node) is Scalar and name_node.value else None
        subject = f"{singular}:{name}" if name else f"file:{self.path}"
        ent = Entity(kind, {}, self.loc(node))
        ent.values = self.object(spec, node, subject, ent, "", f"{singular} {name}" if name else f"this {singular}")
        ent.locations.seal()  # type: ignore[union-attr]  # the native loader's Locations
        if key != "name" and key in ent.values:
            ent.values["name"] = ent.values[key]
        return ent if "name" in ent.values else None

    def contacts(self, ent: Entity) -> None:
        """A `people:` entry's Slack, phone and PagerDuty values through the one contact check (ownership/reach.py):
        a value of the wrong shape is a warning at its line and is not used, as the roster's and Backstage's are."""
        from ownership import reach

        v = ent.values
        _, problems = reach.reach(v.get("slack"), v.get("phone"), v.get("pagerduty"))
        for kind, why in problems:
            v.pop(kind, None)
            self.findings.append(Finding("invalid-value", "warning", f"person:{v['name']}",
                                         f"{kind} of {v['name']}: {why}; it is not used",
                                         ent.locations.get(kind) or ent.location, {"field": kind}))

    def section(self, key: str, spec: Field, key_node: Scalar, node: Node) -> Entity | None:
        """A section written once per catalog (`fallback:`, `incident_roles:`, `severity:`) as an entity named
        after itself; its fields' locations are under the section's key (`fallback[0].rotation`)."""
        if type(node) is Scalar and node.plain and node.value in ("", "~", "null"):
            return None
        subject = f"catalog:{key}"
        ent = Entity(key, {}, self.loc(key_node))
        ok, value = self.value(spec, node, subject, ent, key, "the catalog")
        ent.locations.seal()  # type: ignore[union-attr]  # the native loader's Locations
        if not ok:
            return None
        for path, target in targets_of(key, value):
            given = [f for f in TARGET_FIELDS if f in target]
            if not one_source(target):
                where = ent.locations.get(path) or ent.location
                self.findings.append(Finding(
                    "invalid-value", "error", subject,
                    f"'{path}' must name exactly one of rotation, team, stakeholder or people"
                    + (f" (it names {' and '.join(given)})" if given else ""), where, {"field": path}))
        ent.values = {"name": key, "value": value}
        return ent

    def object(
        self, spec: Field, node: Map, subject: str, ent: Entity, prefix: str, what: str
    ) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key_node, value_node in self.pairs(node, subject):
            f = spec.child(key_node.value)
            if f is None:
                self.unknown_field(key_node, spec, subject, f"in {what}")  # type: ignore[arg-type]
                continue
            path = prefix + f.name
            ent.locations.add(path, self.path, value_node.line, value_node.column)  # type: ignore[union-attr]
            if type(value_node) is Scalar and f.kind not in _NESTED:  # value() would go straight to scalar()
                ok, value = self.scalar(f, value_node, subject, path)
            else:
                ok, value = self.value(f, value_node, subject, ent, path, what)
            if ok:
                values[f.name] = value
        missing = [f.name for f in spec.fields if f.required and f.name not in values
                   and prefix + f.name not in ent.locations]
        for name in missing:
            self.problem("missing-field", f"{what} has no '{name}' (required)", node, subject, field=name)
        return values

    def value(self, f: Field, node: Node, subject: str, ent: Entity, path: str, what: str) -> tuple[bool, Any]:
        kind = f.kind
        if kind == "list" and f.one_or_many and type(node) is Map:
            one = Seq(None, node.line, node.column)  # `when: {...}` is a list of one
            one.items.append(node)
            node = one
        if kind == "list":
            if type(node) is not Seq:
                self.problem("invalid-value", f"'{f.name}' must be a list", node, subject, field=path)
                return False, None
            if len(node.items) < f.min_items:
                self.problem("missing-field", f"'{f.name}' of {what} needs at least {f.min_items} entry",
                             node, subject, field=path)
            out = []
            spec = f.item
            assert spec is not None
            direct = spec.kind not in _NESTED
            for i, item in enumerate(node.items):
                ipath = f"{path}[{i}]"
                ent.locations.add(ipath, self.path, item.line, item.column)  # type: ignore[union-attr]
                if direct and type(item) is Scalar:  # value() would go straight to scalar()
                    ok, v = self.scalar(spec, item, subject, ipath)
                else:
                    ok, v = self.value(spec, item, subject, ent, ipath, what)
                if ok:
                    out.append(v)
            return True, tuple(out)
        if kind == "object":
            if type(node) is not Map:
                self.problem("invalid-value", f"'{f.name}' must be a mapping", node, subject, field=path)
                return False, None
            return True, self.object(f, node, subject, ent, path + ".", f"'{path}' of {what}")
        if type(node) is not Scalar:
            self.problem("invalid-value", f"'{f.name}' must be a single value, not a "
                         f"{'list' if type(node) is Seq else 'mapping'}", node, subject, field=path)
            return False, None
        return self.scalar(f, node, subject, path)

    def scalar(self, f: Field, node: Scalar, subject: str, path: str) -> tuple[bool, Any]:
        kind = f.kind
        if kind == "int" or kind == "bool" or kind == "date":
            value = yamlnodes.scalar_value(node)
            if kind == "int":
                good = type(value) is int and (f.minimum is None or f.minimum <= value <= (f.maximum or value))
                expect = f"an integer from {f.minimum} to {f.maximum}"
            elif kind == "bool":
                good = type(value) is bool
                expect = "true or false"
            else:
                good = isinstance(value, dt.date)
                expect = "a date (YYYY-MM-DD) or an ISO date-time"
            if not good:
                self._bad(f, node, subject, path, expect, _quoted_hint(f, node))
                return False, None
            return True, value
        tag = _STR if node.tag is None and not node.plain else yamlnodes.resolved_tag(node)  # quoted: text
        if tag != _STR:
            shown = node.value if node.value else "(empty)"
            self.problem(
                "invalid-value",
                f"'{f.name}' must be a string, but YAML reads {shown} as "
                f"{tag.rsplit(':', 1)[-1]}; put it in quotes if you meant the text",
                node, subject, field=path, value=node.value,
            )
            return False, None
        value = node.value
        if not (value.isascii() and value.isprintable()) and (
                invisible_character(value, free_text=f.name in FREE_TEXT_FIELDS) is not None
                or control_character(value, free_text=kind == "free-text") is not None):
            return False, None  # reported once, as invisible-character or invalid-value (catalog/characters.py)
        if kind == "text" or kind == "free-text":
            return True, value
        if kind == "enum":
            if value not in f.choices:
                choices = [str(c) for c in f.choices]
                # abbreviations ("prod", "exp") are too short for difflib's ratio; a unique prefix is clear
                prefixed = [c for c in choices if value and c.startswith(value.lower())]
                close = prefixed if len(prefixed) == 1 else difflib.get_close_matches(value, choices, n=1,
                                                                                       cutoff=0.6)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                self._bad(f, node, subject, path, "one of " + ", ".join(map(str, f.choices)), hint)
                return False, None
            return True, value
        check = _CHECKS.get(kind)
        if check is not None and check[0](value) is None:
            self._bad(f, node, subject, path, check[1])
            return False, None
        return True, value

    def _bad(self, f: Field, node: Scalar, subject: str, path: str, expect: str, hint: str = "") -> None:
        shown = repr(node.value) if node.value else "an empty value"
        self.problem("invalid-value", f"'{f.name}' must be {expect}, got {shown}{hint}", node, subject,
                     field=path, value=node.value)


def _quoted_hint(f: Field, node: Scalar) -> str:
    """For a quoted number or boolean (`tier: "1"`, `customer_facing: "yes"`): that quotes make it text, and
    the line to write instead. Empty when the value unquoted would not be valid either."""
    if node.plain:
        return ""
    value = yamlnodes.scalar_value(Scalar(node.value.strip(), None, True, node.line, node.column))
    if f.kind == "int" and type(value) is int and (f.minimum is None or f.minimum <= value <= (f.maximum or value)):
        written = str(value)
    elif f.kind == "bool" and type(value) is bool:
        written = "true" if value else "false"
    else:
        return ""
    return (f", which is quoted text, not a {'number' if f.kind == 'int' else 'boolean'}: write {f.name}: "
            f"{written}")


# each kind's pattern (its match: None when the value does not fit) and what the message says it expects
_CHECKS: dict[str, tuple[Callable[[str], object], str]] = {
    "name": (NAME_RE.match,
             "a name: 1-63 lowercase letters, digits, '.', '_' or '-', starting and ending with a letter or "
             "digit"),
    "person": (PERSON_RE.match, "a roster email or username without spaces"),
    "channel": (CHANNEL_RE.match, CHANNEL_EXPECT),
    "duration": (DURATION_RE.match, "a duration such as '7d', '12h' or '2w'"),
    "http-url": (HTTP_URL_RE.match, "an http(s):// URL"),
    "repo-url": (REPO_URL_RE.match,
                 "a clone URL (git@host:org/repo.git, https://…) or a local path"),
    "path": (PATH_RE.match, PATH_EXPECT),
}


