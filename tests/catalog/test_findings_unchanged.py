"""The loader's speed work (issue 25, point 7) changes no answer: `validate --format json` gives, byte for
byte, the findings and the exit code the code before it gave, on catalogs of every shape (native, Backstage,
multi-file, every kind of error, unusual characters behind aliases and escapes).

The code before it is the source tree at BEFORE, taken from this repository's history with `git archive` and
run in its own process beside today's. Also here: the shortcuts themselves (what the parser marks as clean,
the shared keys of sealed Locations) against the plain walk and a plain dict.
"""
from __future__ import annotations

import importlib.util
import io
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest

from ownership.catalog import characters, yamlnodes
from ownership.catalog.load import load_paths
from ownership.model import Finding, Location, Locations
from tests.backstage import org
from tests.catalog import backstage_tree

ROOT = Path(__file__).resolve().parents[2]
BEFORE = "9c48059bcaf120293c8b6cbca61a513c8239931a"  # main before the loader's speed work
TODAY = "2026-07-01"

# unusual characters where the fast paths could miss them: in keys and values, double-quoted escapes, block
# scalars in one-line fields, tabs, a bidi override reached only through an alias and a merge key, non-ASCII
# that is fine, a Backstage descriptor's annotations and spec
CHARACTERS = """\
defaults: &defaults
  owner: "pay\\u202ements"
  tier: 2
other: &tab "pay\tments"
teams:
  - name: payments
    description: "Line one\\nline two\\ttabbed and \\x07 bell"
    members: [ana@acme.test, "bo\\u200bb@acme.test"]
    channel: "#payments\\r"
  - name: caf\u00e9
    description: |
      Caf\u00e9 team, accents are fine
      on two lines
systems:
  - <<: *defaults
    name: billing
    description: "fine"
    repos:
      - url: https://git.acme.test/acme/billing.git
        paths: ["services/billing/\\x1b[31m"]
  - name: ledger
    owner: |
      payments
    runbook: "https://wiki.acme.test/\\u202eledger"
    channels: {incident: "#inc\tledger"}
    depends_on: [billing, biling]
  - name: search
    owner: *tab
    "own\\u200ber": payments
---
people:
  - name: ana@acme.test
    slack: "U123\\x00"
"""

BACKSTAGE_CHARACTERS = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout
  description: "Two\\nlines are fine here"
  annotations:
    ownership.dev/channel: "#check\\x07out"
    ownership.dev/repos: "https://git.acme.test/a.git\\nhttps://git.acme.test/b.git"
    backstage.io/techdocs-ref: "dir:\\u202e."
spec:
  type: service
  lifecycle: "production\\t"
  owner: payments
  definition: "free\\ttext"
"""


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location("bench_validate", ROOT / "bench" / "validate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _catalogs(root: Path) -> dict[str, Path]:
    """name -> catalog folder, each written under root."""
    bench = _bench()
    out: dict[str, Path] = {}
    out["bad-fixtures"] = root / "bad"
    shutil.copytree(ROOT / "tests" / "fixtures" / "bad", out["bad-fixtures"])
    shapes: dict[str, dict[str, Any]] = {"layered": {"unknown": 25}, "cycle": {"cycle": True, "unknown": 5},
                                         "chain": {"shape": "chain"}, "independent": {"shape": "independent"}}
    for name, kwargs in shapes.items():
        folder = out[f"native-{name}"] = root / f"native-{name}"
        folder.mkdir()
        bench.generate(folder, 600, 90, **kwargs)
    # one generated catalog with a duplicate of a file (duplicate names across files) and a broken file
    mixed = out["native-mixed"] = root / "native-mixed"
    mixed.mkdir()
    bench.generate(mixed, 300, 40, unknown=10)
    shutil.copy(mixed / "systems" / "systems-0001.yaml", mixed / "systems" / "copy.yaml")
    (mixed / "systems" / "broken.yaml").write_text("systems:\n  - name: x\n    owner: [unclosed\n")
    chars = out["characters"] = root / "characters"
    chars.mkdir()
    (chars / "catalog.yaml").write_text(CHARACTERS, encoding="utf-8")
    (chars / "catalog-info.yaml").write_text(BACKSTAGE_CHARACTERS, encoding="utf-8")
    example = out["backstage-org"] = root / "backstage-org"
    for rel, text in org.FILES.items():
        (example / rel).parent.mkdir(parents=True, exist_ok=True)
        (example / rel).write_text(text, encoding="utf-8")
    out["backstage-tree"] = backstage_tree.write(root / "tree")
    return out


def _src_at(commit: str, into: Path) -> Path:
    found = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", commit, "src"],
                           capture_output=True, timeout=60)
    if found.returncode != 0:
        pytest.skip(f"commit {commit} is not in this clone (a shallow checkout): "
                    f"{found.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(found.stdout)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def _validate(src: Path, catalog: Path, cache: Path) -> tuple[int, str, str]:
    env = {**os.environ, "PYTHONPATH": str(src), "XDG_CACHE_HOME": str(cache), "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    done = subprocess.run([sys.executable, "-m", "ownership", "validate", "--catalog", catalog.name,
                           "--format", "json", "--fail-on", "error", "--today", TODAY],
                          cwd=catalog.parent, env=env, capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout, done.stderr


def test_validate_gives_the_findings_the_code_before_the_speed_work_gave(tmp_path: Path) -> None:
    before = _src_at(BEFORE, tmp_path / "before")
    now = ROOT / "src"
    catalogs = _catalogs(tmp_path / "catalogs")
    seen_rules: set[str] = set()
    for name, folder in catalogs.items():
        old = _validate(before, folder, tmp_path / "cache-before")
        new = _validate(now, folder, tmp_path / "cache-now")
        assert new == old, f"{name}: the findings differ from those at {BEFORE[:7]}"
        assert old[0] in (0, 1) and old[1].startswith("{"), (name, old[2])
        seen_rules |= {line.split('"')[3] for line in old[1].splitlines() if line.strip().startswith('"rule"')}
    # the catalogs do exercise every kind of finding the loader and the catalog rules make
    assert {"yaml-syntax", "duplicate-key", "unknown-field", "invalid-value", "missing-field", "duplicate-name",
            "unsafe-tag", "alias-bomb", "invisible-character", "unknown-team", "unknown-system",
            "dependency-cycle"} <= seen_rules, seen_rules


def _plain_check(doc: yamlnodes.Node, path: str, backstage: bool) -> list[Finding]:
    """characters.check with every collection marked as not known to be clean: the walk of every scalar."""
    stack: list[yamlnodes.Node] = [doc]
    while stack:
        node = stack.pop()
        if type(node) is yamlnodes.Map:
            node.clean = False
            stack.extend(x for pair in node.pairs for x in pair)
        elif type(node) is yamlnodes.Seq:
            node.clean = False
            stack.extend(node.items)
    found: list[Finding] = []
    characters.check(doc, path, found, backstage)
    return found


@pytest.mark.parametrize("text", [CHARACTERS, BACKSTAGE_CHARACTERS], ids=["native", "backstage"])
def test_the_character_check_finds_on_parsed_nodes_what_the_walk_of_every_scalar_finds(text: str) -> None:
    docs, _ = yamlnodes.parse(text)
    fast: list[Finding] = []
    for doc in docs:
        characters.check(doc, "c.yaml", fast, doc is docs[0] and text is BACKSTAGE_CHARACTERS)
    docs_again, _ = yamlnodes.parse(text)
    plain = [f for doc in docs_again
             for f in _plain_check(doc, "c.yaml", doc is docs_again[0] and text is BACKSTAGE_CHARACTERS)]
    assert fast == plain and len(fast) >= 3


def test_the_parser_marks_a_collection_clean_only_when_everything_below_it_is_printable_ascii() -> None:
    docs, _ = yamlnodes.parse('a: &x {b: "c\\u202e"}\nd: [1, 2]\ne: {f: *x}\ng: {"h\\x07": 1}\n')
    (doc,) = docs
    assert isinstance(doc, yamlnodes.Map)
    by_key = {k.value: v for k, v in doc.pairs if isinstance(k, yamlnodes.Scalar)}
    assert [by_key[k].clean for k in "adeg"] == [False, True, False, False]  # type: ignore[union-attr]
    assert doc.clean is False
    clean, _ = yamlnodes.parse("a: {b: [c, d]}\n")
    assert clean[0].clean is True  # type: ignore[union-attr]


def test_loaded_entities_share_their_field_keys_and_still_read_as_a_plain_mapping(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(
        "teams:\n  - name: a\n    members: [x@acme.test]\n  - name: b\n    members: [y@acme.test]\n")
    catalog, findings = load_paths([str(tmp_path / "c.yaml")])
    assert findings == []
    a, b = catalog.teams["a"].locations, catalog.teams["b"].locations
    assert isinstance(a, Locations) and isinstance(b, Locations)
    assert a._keys is b._keys and a._index is b._index  # one tuple and one index for the shape
    where = str(tmp_path / "c.yaml")
    assert dict(b) == {"name": Location(where, 4, 11), "members": Location(where, 5, 14),
                       "members[0]": Location(where, 5, 15)}
    b["extra"] = Location(where, 9, 9)  # growing after sealing: its own keys, the other one untouched
    assert "extra" in b and "extra" not in a and list(a) == ["name", "members", "members[0]"]
    assert b.get("members[0]") == Location(where, 5, 15)
