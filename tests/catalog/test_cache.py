"""The per-file parse cache (catalog/cache.py) yields exactly the plain load, however the files change."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from ownership.catalog.cache import FileCache
from ownership.catalog.load import load_paths
from tests.catalog import backstage_tree


def both(folder: Path, where: Path) -> FileCache:
    """Load `folder` plainly and through a cache at `where`; assert model and findings are equal."""
    cache = FileCache(where)
    cached = load_paths([folder], cache.parse)
    assert cached == load_paths([folder])
    return cache


def test_a_cached_load_equals_the_plain_load_through_every_kind_of_change(tmp_path: Path) -> None:
    folder = backstage_tree.write(tmp_path / "org")
    where = tmp_path / "cache"
    cold = both(folder, where)
    assert (cold.hits, cold.misses) == (0, 22)  # 20 files found + 2 reached through Locations
    warm = both(folder, where)
    assert (warm.hits, warm.misses) == (22, 0)

    # one file edited, to the same size and back to the same mtime: the content hash still sees it
    user = folder / "people" / "user-03.yaml"
    before = user.stat()
    user.write_text(user.read_text().replace("[team-a]", "[team-b]"))
    os.utime(user, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert user.stat().st_size == before.st_size
    edited = both(folder, where)
    assert (edited.hits, edited.misses) == (21, 1)
    assert "user-03@example.com" in load_paths([folder], FileCache(where).parse)[0].teams["team-b"].members

    (folder / "people" / "user-16.yaml").unlink()
    deleted = both(folder, where)
    assert (deleted.hits, deleted.misses) == (21, 0)

    (folder / "people" / "user-17.yaml").write_text(backstage_tree.user(17, "team-a"))
    added = both(folder, where)
    assert (added.hits, added.misses) == (21, 1)

    # a file renamed: its locations and findings name the new path, so it is parsed again
    (folder / "components" / "www-artist.yaml").rename(folder / "components" / "web-artist.yaml")
    renamed = both(folder, where)
    assert (renamed.hits, renamed.misses) == (21, 1)
    catalog, _ = load_paths([folder], FileCache(where).parse)
    assert catalog.systems["www-artist"].location.file.endswith("web-artist.yaml")

    # an edit inside the Location tree outside the catalog folder
    db = tmp_path / "org" / "shared" / "artists-db.yaml"
    db.write_text(db.read_text().replace("team-b", "team-a"))
    assert both(folder, where).misses == 1


def test_duplicates_across_files_are_found_and_the_first_definition_wins(tmp_path: Path) -> None:
    # (was tests/routing/test_parallel_load.py, for the two-process load issue 13 item 1 removed)
    for i in range(40):
        (tmp_path / f"part-{i:02d}.yaml").write_text(
            f"teams:\n  - name: team-{i:02d}\n    members: [p{i}@acme.test]\n"
            f"systems:\n  - name: svc-{i:02d}\n    owner: team-{(i + 3) % 40:02d}\n    tier: {i % 4 + 1}\n"
            f"    depends_on: [svc-{(i + 1) % 40:02d}]\n")
    (tmp_path / "part-zz.yaml").write_text("systems:\n  - name: svc-00\n    owner: team-01\n    tier: 2\n")
    for _ in range(2):  # cold, then warm
        catalog, found = load_paths([tmp_path], FileCache(tmp_path / ".cache").parse)
        assert (catalog, found) == load_paths([tmp_path])
        assert [f.subject for f in found if f.rule == "duplicate-name"] == ["system:svc-00"]
        assert catalog.systems["svc-00"].owner == "team-03" and len(catalog.systems) == 40


def test_a_file_holding_a_credential_is_never_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "catalog"
    folder.mkdir()
    (folder / "teams.yaml").write_text("teams:\n  - name: web\n    members: [ann@acme.test]\n")
    (folder / "systems.yaml").write_text(
        "systems:\n  - name: shop\n    owner: web\n    repos:\n      - url: https://bot:s3cr3t-t0ken@git.acme.test/shop.git\n")
    (folder / "more.yaml").write_text(
        "systems:\n  - name: cart\n    owner: web\n    runbook: https://wiki.acme.test/cart?x=1\n")
    monkeypatch.setenv("OWNERSHIP_PAGERDUTY_TOKEN", "wiki.acme.test/cart")  # a secret value in the third file
    where = tmp_path / "cache"
    first = both(folder, where)
    assert first.misses == 3
    stored = list(where.glob("*.json"))
    assert len(stored) == 1  # teams.yaml only
    assert all(b"s3cr3t" not in p.read_bytes() and b"wiki.acme.test" not in p.read_bytes() for p in stored)
    assert both(folder, where).misses == 2


def test_a_damaged_or_foreign_entry_is_a_miss_not_an_error(tmp_path: Path) -> None:
    folder = backstage_tree.write(tmp_path / "org")
    where = tmp_path / "cache"
    both(folder, where)
    entries = sorted(where.glob("*.json"))
    entries[0].write_bytes(b"not JSON")
    entries[1].write_bytes(entries[1].read_bytes()[:20])
    again = both(folder, where)
    assert again.misses == 2


@pytest.mark.parametrize("tree", ["backstage", "example"])
def test_a_load_whose_misses_are_parsed_on_two_cores_equals_the_plain_load(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tree: str) -> None:
    """prefetch() parses part of the misses in a forked child: the model and findings are the serial ones,
    cold (all misses, split between the processes) and after one edit (one miss, parsed here)."""
    from ownership.catalog import cache as cache_module
    from ownership.catalog.load import discover, load_sources, read_sources
    from tests.conftest import ROOT

    monkeypatch.setattr(cache_module, "PARALLEL_MIN_BYTES", 0)  # split even this small tree
    folder = backstage_tree.write(tmp_path / "org") if tree == "backstage" else ROOT / "catalog"
    sources = read_sources(discover([folder]))
    assert len(cache_module._split([(p, d, b"") for p, d in sources])) >= 2  # the child really gets files
    plain = load_paths([folder])
    for _ in range(2):  # cold, then warm (all hits)
        files = FileCache(tmp_path / "cache")
        files.prefetch(sources)
        assert load_sources(sources, files.parse) == plain
    assert files.misses == 0 and files.hits >= len(sources)  # (+ files reached through Locations)


@pytest.mark.parametrize("split", [True, False])
def test_prefetch_runs_meanwhile_exactly_once_cold_and_warm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             split: bool) -> None:
    from ownership.catalog import cache as cache_module
    from ownership.catalog.load import discover, load_sources, read_sources

    monkeypatch.setattr(cache_module, "PARALLEL_MIN_BYTES", 0 if split else 1 << 40)
    folder = backstage_tree.write(tmp_path / "org")
    sources = read_sources(discover([folder]))
    plain = load_paths([folder])
    for _ in range(2):  # cold (misses: parsed here, or split with a child), then warm (all hits)
        calls: list[int] = []
        files = FileCache(tmp_path / "cache")
        files.prefetch(sources, lambda: calls.append(1))
        assert calls == [1] and load_sources(sources, files.parse) == plain


def _every_location(catalog: object) -> dict[tuple[str, str, str], object]:
    """Each field's Location of each entity, read one by one (the packed form makes them when asked)."""
    out: dict[tuple[str, str, str], object] = {}
    for kind in ("teams", "systems", "stakeholders", "rotations"):
        for name, ent in getattr(catalog, kind).items():
            for key in ent.locations:
                out[(kind, name, key)] = ent.locations[key]
            out[(kind, name, "")] = ent.location
    return out


def test_a_warm_load_gives_every_field_the_location_the_plain_load_gives(tmp_path: Path) -> None:
    """Locations come back from the cache packed (model.Locations): read field by field, in order, they are the
    plain load's, for a team with many members (a dict lookup), a small system (a tuple search) and the
    findings' locations too."""
    folder = tmp_path / "cat"
    folder.mkdir()
    members = ", ".join(f"p{i}@acme.test" for i in range(40))
    (folder / "teams.yaml").write_text(f"teams:\n  - name: big\n    members: [{members}]\n")
    (folder / "systems.yaml").write_text(
        "systems:\n  - name: api\n    owner: big\n    depends_on: [db, ghost]\n    tier: 9\n"
        "  - name: db\n    owner: big\n    repos: [{url: 'https://git.example/db.git', paths: [src]}]\n")
    plain = load_paths([folder])
    load_paths([folder], FileCache(tmp_path / "cache").parse)  # cold: fills the cache
    warm_cache = FileCache(tmp_path / "cache")
    warm = load_paths([folder], warm_cache.parse)
    assert warm_cache.hits == 2
    assert warm == plain
    assert _every_location(warm[0]) == _every_location(plain[0])
    big = warm[0].teams["big"]
    assert list(big.locations) == list(plain[0].teams["big"].locations)  # insertion order kept
    column = len("    members: [") + 1 + sum(len(f"p{i}@acme.test, ") for i in range(39))
    assert str(big.loc("members[39]")) == f"{folder / 'teams.yaml'}:3:{column}"
    assert big.loc("no-such-field") == big.location
    assert [f.location for f in warm[1]] == [f.location for f in plain[1]] and warm[1]  # tier 9, ghost


def test_editing_a_yaml_placeholder_target_changes_the_cached_load_as_the_plain_one(tmp_path: Path) -> None:
    folder = tmp_path / "org"
    folder.mkdir()
    head = "apiVersion: backstage.io/v1alpha1\n"
    (folder / "catalog-info.yaml").write_text(
        head + "kind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n---\n"
        + "".join(head + f"kind: Component\nmetadata: {{name: {n}}}\nspec: {{type: service, owner: team-a, "
                  f"lifecycle: production}}\n---\n" for n in ("ledger", "auth"))
        + head + "kind: Component\nmetadata: {name: web}\nspec:\n  type: service\n  owner: team-a\n"
                 "  lifecycle: production\n  dependsOn: {$yaml: ./deps.yaml}\n")
    deps = folder / "deps.yaml"
    deps.write_text("[component:ledger]\n")
    where = tmp_path / "cache"
    both(folder, where)
    deps.write_text("[component:auth]\n")  # only the target changes; catalog-info.yaml's entry is a hit
    cache = both(folder, where)
    assert cache.hits >= 1
    assert load_paths([folder], cache.parse)[0].systems["web"].depends_on == ("auth",)


# --------------------------------------------------------------------------- the stored form (catalog/cachefmt.py)
# The cache stores each Parsed as checked JSON, read back field by field: the proof that this changes no
# answer is that every file of every shape comes back equal, node for node, and that every such catalog loads
# equal through the cache, cold and warm.

EVERY_FIELD = """\
teams:
  - name: payments
    description: Card payments
    members: [alice@acme.test, bob]
    manager: carol@acme.test
    channel: "#payments"
    oncall: {pagerduty: {escalation_policy: PABC123}, rotation: primary}
systems:
  - name: payments-api
    description: "ünïcödé \\U0001F600 and a tab\\there"
    owner: payments
    maintainers: [alice@acme.test]
    tier: 1
    lifecycle: production
    customer_facing: true
    repos:
      - {url: "git@github.com:acme/payments.git", paths: [services/api/, lib/]}
      - {url: ../local-repo}
    depends_on: [ledger, ghost]
    channels: {incident: "#inc-payments", status: "#status-payments"}
    stakeholders: [cs]
    runbook: https://wiki.acme.test/payments
    links: [{url: "https://grafana.acme.test/d/p", title: Dashboard, type: dashboard}]
    capability: Card payments
    severity: 2
  - name: ledger
    owner: payments
    tier: "1"
    lifecycle: prod
    unknown_key: 1
  - {name: ledger, owner: payments}
  - name: Bad Name
stakeholders:
  - name: cs
    contacts: [dana@acme.test]
    channel: "#cs"
    when: {tier: 1, customer_facing: true}
  - name: legal
    contacts: [leo@acme.test]
    when: [{hits_tier1: 2, systems: [payments-api], lifecycle: production}, {dependents: 10, severity: 1}]
rotations:
  - {name: primary, members: [alice@acme.test, bob], shift: 7d, start: 2026-01-05}
  - {name: secondary, members: [bob], shift: 12h, start: "2026-01-05T09:30:00.123456+05:30"}
  - {name: tertiary, members: [bob], shift: 1w, start: 2026-01-05 09:00:00}
  - {name: broken, members: [bob], shift: 7x, start: soon}
people:
  - {person: alice@acme.test, slack: U02ALICE1, phone: "+1 555 0101", pagerduty: PALICE1}
  - {person: bob, slack: "not a handle!"}
fallback:
  - rotation: primary
  - {team: payments, rotation: primary}
  - people: [alice@acme.test]
incident_roles:
  commander: {rotation: primary}
  scribe: {stakeholder: cs}
severity:
  - {sev: 1, when: {tier: 1, customer_facing: true}}
  - sev: 2
    when: {hits_customer_facing: 3}
"""

BACKSTAGE_SHAPES = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: web
  description: {$text: ./README.md}
  annotations: &ann
    pagerduty.com/service-id: PWEB1
    backstage.io/techdocs-ref: dir:.
  links: [{url: "https://x.acme.test", title: X}]
  tags: [a, b]
spec:
  type: service
  owner: team-a
  lifecycle: production
  dependsOn: {$yaml: ./deps.yaml}
  providesApis: [{$json: ./apis.json}]
  extra: &shared {deep: [1, 2.5, true, null, ~, 2026-01-05, {k: v}]}
  again: *shared
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: {name: web-api, annotations: *ann}
spec: {type: openapi, owner: team-a, lifecycle: production, definition: {$text: ./api.yaml}}
---
apiVersion: backstage.io/v1alpha1
kind: Location
metadata: {name: more}
spec: {targets: [./more/*.yaml, ../outside.yaml, https://example.com/x.yaml]}
---
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: t}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: Team-A, namespace: Finance}
spec: {type: team, children: [], profile: {displayName: Team A, email: a@acme.test}}
---
kind: Component
metadata: {name: no-api-version}
"""


def _node_shape(node: object, seen: dict[int, int]) -> object:
    """A YAML node as plain nested tuples; a node met again (an alias) as ("alias", its first number)."""
    from ownership.catalog.yamlnodes import Map, Scalar, Seq

    if id(node) in seen:
        return ("alias", seen[id(node)])
    seen[id(node)] = len(seen)
    if type(node) is Scalar:
        return ("s", node.value, node.tag, node.plain, node.line, node.column)
    if type(node) is Seq:
        return ("q", node.tag, node.line, node.column, node.size, tuple(_node_shape(n, seen) for n in node.items))
    assert type(node) is Map
    return ("m", node.tag, node.line, node.column, node.size,
            tuple((_node_shape(k, seen), _node_shape(v, seen)) for k, v in node.pairs))


def _shape(parsed: object) -> object:
    """Everything a Parsed holds, the types of its values included (a list is not a tuple, 1 is not True)."""
    def typed(v: object) -> object:
        if isinstance(v, dict):
            return ("dict", tuple((k, typed(x)) for k, x in v.items()))
        if isinstance(v, (list, tuple)):
            return (type(v).__name__, tuple(typed(x) for x in v))
        return (type(v).__name__, v, getattr(v, "tzinfo", None))

    seen: dict[int, int] = {}
    return (
        [(e.kind, typed(e.values), e.location, type(e.locations).__name__, list(e.locations.items()))
         for e in parsed.entities],  # type: ignore[attr-defined]
        [(f, typed(dict(f.evidence))) for f in parsed.findings],  # type: ignore[attr-defined]
        [(r.kind, r.namespace, r.name, r.file, r.location, r.name_loc,
          [(k, _node_shape(v, seen)) for k, v in r.metadata.items()],
          [(k, _node_shape(v, seen)) for k, v in r.spec.items()],
          [(k, _node_shape(v, seen)) for k, v in r.annotations.items()]) for r in parsed.records],  # type: ignore[attr-defined]
    )


def _shapes(tmp_path: Path) -> dict[str, Path]:
    from tests.conftest import FIXTURES, ROOT

    native = tmp_path / "native"
    native.mkdir()
    (native / "every-field.yaml").write_text(EVERY_FIELD, encoding="utf-8")
    (native / "second.yaml").write_text("systems:\n  - {name: payments-api, owner: payments}\n"
                                        "severity:\n  - {sev: 4}\n")  # duplicates across files
    shapes = tmp_path / "shapes"
    shapes.mkdir()
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, capture_output=True, timeout=30)
    (shapes / "catalog-info.yaml").write_text(BACKSTAGE_SHAPES, encoding="utf-8")
    (shapes / "README.md").write_text("# web\n\nThe shop.\n")
    (shapes / "deps.yaml").write_text("[component:ledger]\n")
    (shapes / "apis.json").write_text('"web-api"\n')
    (shapes / "api.yaml").write_text("openapi: 3.0.0\n")
    (shapes / "more").mkdir()
    (shapes / "more" / "ledger.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: ledger}\n"
        "spec: {type: service, owner: group:finance/team-a, lifecycle: production}\n")
    return {"native, every field": native, "Backstage shapes, placeholders, Locations": shapes,
            "Backstage example org": backstage_tree.write(tmp_path / "org"), "example": ROOT / "catalog",
            "bad fixtures": FIXTURES / "bad", "init templates": ROOT / "src" / "ownership" / "data" / "init"}


def test_every_file_of_every_shape_comes_back_from_its_stored_form_as_parsed(tmp_path: Path) -> None:
    import hashlib

    from ownership.catalog import cachefmt
    from ownership.catalog.load import discover, parse_file, read_sources

    stored = 0
    for name, folder in _shapes(tmp_path).items():
        for path, data in read_sources(discover([folder])):
            raw = data.encode("utf-8") if isinstance(data, str) else data
            digest = hashlib.sha256(raw).digest()
            parsed = parse_file(path, data)
            blob = cachefmt.encode(len(raw), digest, parsed)  # every shape is stored (Unstorable: never)
            back = cachefmt.decode(blob, len(raw), digest)
            assert back is not None and _shape(back) == _shape(parsed), (name, path)
            assert back.entities == parsed.entities and back.findings == parsed.findings, (name, path)
            assert cachefmt.decode(blob, len(raw) + 1, digest) is None  # stored for other content: a miss
            stored += 1
    assert stored >= 90


def test_every_shape_of_catalog_loads_through_the_cache_as_without_it(tmp_path: Path) -> None:
    for name, folder in _shapes(tmp_path).items():
        where = tmp_path / "cache" / name
        plain = load_paths([folder])
        for _ in range(2):  # cold, then warm
            cache = FileCache(where)
            assert load_paths([folder], cache.parse) == plain, name
        assert cache.misses == 0 and cache.hits, name
