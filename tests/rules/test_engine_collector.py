"""The rules engine holds the cyclic collector back while the rules index a whole catalog (issue 25, point 7):
the dependency graph's three dicts per system must not set off a full collection of every object of the
catalog just loaded, which finds nothing (a third of a second at 50,000 systems)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import datetime as dt, gc, importlib.util, sys
from pathlib import Path
spec = importlib.util.spec_from_file_location("bench_validate", sys.argv[2])
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)
root = Path(sys.argv[1])
bench.generate(root, 15000, 400)  # enough new objects for the collector to reach its oldest generation
from ownership.catalog.load import load_paths
from ownership.config import Config
from ownership.model import Snapshot
from ownership.rules import engine
import networkx  # imported before the count: its import is not the rules' work
catalog, loaded = load_paths([str(root)])
full = []
gc.callbacks.append(lambda phase, info: full.append(1) if phase == "start" and info["generation"] == 2 else None)
found = engine.run(Snapshot(catalog=catalog, today=dt.date(2026, 11, 30), options=Config().rules), ("catalog",), loaded)
print(len(found), len(full))
"""


def test_running_the_catalog_rules_over_a_large_catalog_sets_off_no_full_collection(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path), str(ROOT / "bench" / "validate.py")],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert done.returncode == 0, done.stderr
    findings, full_collections = map(int, done.stdout.split())
    assert findings == 0
    assert full_collections == 0
