"""The catalog cache of the routing commands: a hit returns the same answer, any edit is a miss.

Issue 13 item 1: the cache now holds one entry per catalog file (catalog/cache.py), not one per catalog, so
the counts of entries below are per file; the answers asserted are unchanged."""
from __future__ import annotations

import os
from pathlib import Path

from ownership import inputs as command
from tests.routing import orgs


def test_second_load_comes_from_the_cache_and_matches(tmp_path: Path) -> None:
    folder, _ = orgs.write(tmp_path)
    first = command.load_catalog([str(folder)])
    cached = list((Path(os.environ["XDG_CACHE_HOME"]) / "ownership" / "catalog-files").glob("*.json"))
    assert len(cached) == len(list(folder.glob("*.yaml")))  # issue 13 item 1: one entry per file
    again = command.load_catalog([str(folder)])
    assert again == first and sorted(again.catalog.systems) == sorted(orgs.catalog().systems)


def test_an_edited_catalog_is_read_again(tmp_path: Path) -> None:
    folder, _ = orgs.write(tmp_path)
    command.load_catalog([str(folder)])
    (folder / "more.yaml").write_text("systems:\n  - {name: extra, owner: web}\n")
    assert "extra" in command.load_catalog([str(folder)]).catalog.systems
    (folder / "catalog.yaml").write_text(orgs.CATALOG.replace("tier: 3", "tier: 4"))
    assert command.load_catalog([str(folder)]).catalog.systems["reports"].tier == 4


def test_a_corrupt_cache_file_is_a_miss_not_an_error(tmp_path: Path) -> None:
    folder, _ = orgs.write(tmp_path)
    command.load_catalog([str(folder)])
    for f in (Path(os.environ["XDG_CACHE_HOME"]) / "ownership" / "catalog-files").glob("*.json"):
        f.write_bytes(b"not JSON")
    assert "payments-api" in command.load_catalog([str(folder)]).catalog.systems


def test_catalog_errors_become_one_warning(tmp_path: Path) -> None:
    folder, _ = orgs.write(tmp_path)
    (folder / "bad.yaml").write_text("systems:\n  - {name: broken, owner: web, tier: high}\n")
    got = command.load_catalog([str(folder)])
    assert len(got.warnings) == 1 and got.warnings[0].startswith("the catalog has 1 error,")
    assert "bad.yaml:2:" in got.warnings[0] and "run `ownership validate`" in got.warnings[0]
