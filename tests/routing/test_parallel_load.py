"""`page` reads a large catalog in two processes; the answer must be exactly the one-process answer."""
from __future__ import annotations

from pathlib import Path

import pytest

from ownership.catalog.load import discover, load_sources, read_sources
from ownership.commands import page


def _catalog(root: Path, files: int) -> None:
    for i in range(files):
        nxt = f"svc-{(i + 1) % files:02d}"
        (root / f"part-{i:02d}.yaml").write_text(
            f"teams:\n  - name: team-{i:02d}\n    members: [p{i}@acme.test]\n"
            f"systems:\n  - name: svc-{i:02d}\n    owner: team-{(i + 3) % files:02d}\n    tier: {i % 4 + 1}\n"
            f"    depends_on: [{nxt}]\n")
    # the same system in the first and in the last file: the halves must still find the duplicate
    (root / "part-zz.yaml").write_text("systems:\n  - name: svc-00\n    owner: team-01\n    tier: 2\n")


def test_two_process_load_equals_the_one_process_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _catalog(tmp_path, 40)
    files = discover([tmp_path])
    assert len(files) > page.PARALLEL_MIN_FILES
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    parallel, found = page.load_stripped(files)
    serial, expected = load_sources(read_sources(files))
    assert parallel == page._strip(serial)
    assert sorted((f.rule, f.subject, f.message) for f in found) == \
        sorted((f.rule, f.subject, f.message) for f in expected)
    assert [f.subject for f in found if f.rule == "duplicate-name"] == ["system:svc-00"]
    assert parallel.systems["svc-00"].owner == "team-03"  # the first definition wins, as in one process
    assert parallel.files == tuple(str(f) for f in files)


def test_small_catalogs_and_single_cores_read_in_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _catalog(tmp_path, 40)
    files = discover([tmp_path])
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    monkeypatch.setattr(page, "ProcessPoolExecutor", None)  # would fail if used
    catalog, _ = page.load_stripped(files)
    assert len(catalog.systems) == 40


def test_a_two_process_load_is_cached_in_parts_and_read_back_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    _catalog(tmp_path, 40)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    ran: list[str] = []
    first = page.load_catalog([str(tmp_path)], meanwhile=lambda: ran.append("parse"))
    cached = list((Path(os.environ["XDG_CACHE_HOME"]) / "ownership" / "catalogs").glob("*.pickle"))
    assert len(cached) == 1
    again = page.load_catalog([str(tmp_path)], meanwhile=lambda: ran.append("hit"))
    assert again == first and ran == ["parse", "hit"]
    assert len(again.catalog.systems) == 40 and again.catalog.systems["svc-00"].owner == "team-03"
    assert "1 error(s)" in again.warnings[0] and "svc-00" in again.warnings[0]
