"""Every function of the package is annotated and type-checks (mypy, disallow_untyped_defs in pyproject)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def test_the_package_passes_mypy(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    proc = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path), "src/ownership"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Success" in proc.stdout


def test_snapshot_activity_is_typed_so_mypy_refuses_anything_else(tmp_path: Path) -> None:
    """`Snapshot.activity` is `Activity | None`, not `Any`: readers need no isinstance guard."""
    pytest.importorskip("mypy")
    snippet = tmp_path / "snippet.py"
    snippet.write_text("import datetime as dt\nfrom ownership.model import Catalog, Snapshot\n\n"
                       "Snapshot(Catalog(), dt.date(2026, 1, 1), activity={'svc': 1})\n")
    proc = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache"),
                           "--follow-imports=silent", str(snippet)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "MYPYPATH": str(ROOT / "src")})
    assert 'expected "Activity | None"' in proc.stdout, proc.stdout + proc.stderr
