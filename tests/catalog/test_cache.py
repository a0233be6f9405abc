"""The per-file parse cache (catalog/cache.py) yields exactly the plain load, however the files change."""
from __future__ import annotations

import os
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
