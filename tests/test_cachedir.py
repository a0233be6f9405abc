"""Every cache lives in the one folder cachedir.root() names; no other module works out where that is."""
from __future__ import annotations

from pathlib import Path

import pytest

from ownership.support import cachedir
from ownership.catalog import cache as catalog_cache
from ownership.roster import guard
from tests.conftest import ROOT


def test_the_catalog_and_roster_caches_live_under_xdg_cache_home(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cachedir.root() == tmp_path / "xdg" / "ownership"
    assert catalog_cache.folder() == cachedir.root() / "catalog-files"
    assert guard.cache_path(str(tmp_path / "roster.csv")).parent == cachedir.root()
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cachedir.root() == tmp_path / "home" / ".cache" / "ownership"


def test_only_cachedir_reads_xdg_cache_home() -> None:
    readers = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "src").rglob("*.py")
                     if "XDG_CACHE_HOME\"" in p.read_text(encoding="utf-8"))
    assert readers == ["src/ownership/support/cachedir.py"]
