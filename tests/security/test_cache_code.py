"""Issue 24 point 3: a cache folder is attacker input, and loading a cache never runs code.

CI restores $XDG_CACHE_HOME/ownership with `actions/cache`, and another user may be able to write to it. The
catalog parse cache (catalog/cache.py) and the roster recall (roster/guard.py) used to be pickles, so a
planted entry ran a command on the next `page` or `validate --roster`. Now both are JSON read as checked
data: a planted pickle (at any name the cache reads, or at the old .pickle names) is never loaded, and an
entry that cannot be used (garbage, another version, a value of the wrong type) is ignored with one warning
and rebuilt; the answer is always the one without a cache. `ownership` runs as a subprocess with a timeout,
in an org of its own with its own cache folder.
"""
from __future__ import annotations

import json
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOG = """\
teams:
  - name: payments
    members: [alice@acme.test, bob@acme.test]
    manager: carol@acme.test
    channel: "#payments"
    oncall: {rotation: payments-primary}
rotations:
  - name: payments-primary
    members: [alice@acme.test, bob@acme.test]
    shift: 7d
    start: 2026-01-05
systems:
  - name: payments-api
    owner: payments
    tier: 1
    customer_facing: true
    depends_on: [ledger]
    channels: {incident: "#inc-payments"}
  - name: ledger
    owner: payments
"""
ROSTER = ("id,firstName,lastName,workEmail,secondaryEmail,githubUsername,status,hireDate,terminationDate,"
          "department,jobTitle,supervisorEId\n"
          "1,Alice,A,alice@acme.test,,alice,Active,2020-01-01,0000-00-00,Payments,Engineer,3\n"
          "2,Bob,B,bob@acme.test,,,Active,2020-01-01,0000-00-00,Payments,Engineer,3\n"
          "3,Carol,C,carol@acme.test,,,Active,2020-01-01,0000-00-00,Payments,Manager,\n")


class _Planted:
    """Unpickling this writes `marker`: what an attacker's cache entry would do instead (run a command)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (exec, (f"open({str(self.marker)!r}, 'w').write('code ran')",))


def org(root: Path) -> Path:
    (root / "catalog").mkdir(parents=True)
    (root / "catalog" / "catalog.yaml").write_text(CATALOG, encoding="utf-8")
    (root / "roster.csv").write_text(ROSTER, encoding="utf-8")
    return root


def run(root: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "OWNERSHIP_"))}
    env.update(PYTHONPATH=str(ROOT / "src"), XDG_CACHE_HOME=str(root / "cache"), HOME=str(root))
    return subprocess.run([sys.executable, "-m", "ownership", *argv], cwd=root, env=env, capture_output=True,
                          text=True, timeout=120)


def page(root: Path) -> subprocess.CompletedProcess[str]:
    return run(root, "page", "payments-api", "--catalog", "catalog", "--roster", "roster.csv", "--at",
               "2026-03-02T03:00:00Z", "--format", "json")


def validate(root: Path) -> subprocess.CompletedProcess[str]:
    return run(root, "validate", "--catalog", "catalog", "--roster", "roster.csv", "--format", "json")


def entries(root: Path) -> list[Path]:
    """Every file the caches keep except the roster snapshots (plain data files the shrink guard reads)."""
    cache = root / "cache" / "ownership"
    return [p for p in cache.rglob("*") if p.is_file() and not (p.parent == cache and p.name.count(".") == 1)]


def plant(root: Path, marker: Path) -> list[Path]:
    """A pickle that runs code, in place of every cache entry and at the names the pickle caches used."""
    blob = pickle.dumps(_Planted(marker))
    planted = entries(root)
    cache = root / "cache" / "ownership"
    planted += [p.with_suffix(".pickle") for p in (cache / "catalog-files").glob("*.json")]
    planted += [p.with_name(p.name.replace(".json", ".people.pickle"))
                for p in cache.glob("roster-*.json") if p.name.count(".") == 1]
    for p in planted:
        p.write_bytes(blob)
    return planted


@pytest.mark.parametrize("command", [page, validate])
def test_a_planted_pickle_in_the_cache_folder_never_runs(tmp_path: Path, command: Any) -> None:
    root = org(tmp_path)
    cold = command(root)
    assert cold.returncode in (0, 1), cold.stderr
    marker = tmp_path / "marker"
    assert plant(root, marker)
    for _ in range(2):  # with the planted entries, then with the entries rebuilt over them
        again = command(root)
        assert not marker.exists(), "a cache entry ran code"
        assert (again.returncode, again.stdout) == (cold.returncode, cold.stdout)
        assert "Traceback" not in again.stderr
    assert "Traceback" not in again.stderr and not marker.exists()


def test_a_planted_pickle_is_reported_and_replaced_by_a_rebuilt_entry(tmp_path: Path) -> None:
    root = org(tmp_path)
    page(root)
    plant(root, tmp_path / "marker")
    got = page(root)
    warned = [line for line in got.stderr.splitlines() if "ignoring the cache entry" in line]
    assert len(warned) == 2 and all("it is rebuilt" in line for line in warned)  # catalog file, roster recall
    assert all(json.loads(p.read_bytes()).get("format") for p in entries(root) if p.suffix == ".json")  # rebuilt
    assert "ignoring the cache entry" not in page(root).stderr


def _damage(entry: dict[str, Any], how: str) -> bytes:
    if how == "garbage":
        return b"\x80\x05garbage"
    if how == "truncated":
        return json.dumps(entry).encode()[:-40]
    if how == "another version":
        return json.dumps({**entry, "version": 999}).encode()
    if how == "nan":
        return json.dumps(entry).replace('"version": ', '"x": NaN, "version": ').encode()
    if how == "a number for a name":
        for row in entry["entities"]:
            if "owner" in row[5]:
                row[5]["owner"] = 5
        return json.dumps(entry).encode()
    if how == "an unknown field":
        entry["entities"][0][5]["__class__"] = "os.system"
        return json.dumps(entry).encode()
    if how == "a location past the file list":
        entry["files"] = []
        return json.dumps(entry).encode()
    if how == "a deep nest":
        return b"[" * 100_000
    if how == "a lone surrogate":  # valid JSON, but no text: printing it would fail
        return json.dumps(entry).replace('"owner": "payments"', '"owner": "\\udc80"', 1).encode()
    if how == "a node cycle":
        entry["nodes"] = [["q", None, 1, 1, 1, [0]]]
        entry["records"] = [["component", "default", "x", "f", ["f", 1, 1], ["f", 1, 1], {"name": 0}, {}, {}]]
        return json.dumps(entry).encode()
    raise AssertionError(how)


DAMAGE = ["garbage", "truncated", "another version", "nan", "a number for a name", "an unknown field",
          "a location past the file list", "a deep nest", "a lone surrogate"]


@pytest.mark.parametrize("how", DAMAGE)
def test_a_catalog_cache_entry_that_cannot_be_used_is_ignored_with_a_warning(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], how: str) -> None:
    from ownership import inputs

    root = org(tmp_path)
    folder = str(root / "catalog")
    plain = inputs.load_catalog([folder], cache=False)
    inputs.load_catalog([folder])
    (entry,) = (Path(os.environ["XDG_CACHE_HOME"]) / "ownership" / "catalog-files").glob("*.json")
    entry.write_bytes(_damage(json.loads(entry.read_bytes()), how))
    capsys.readouterr()
    assert inputs.load_catalog([folder]) == plain
    err = capsys.readouterr().err
    assert err.count("ignoring the cache entry") == 1 and str(entry) in err and "it is rebuilt" in err
    assert inputs.load_catalog([folder]) == plain and capsys.readouterr().err == ""  # rebuilt


def test_a_cache_entry_whose_nodes_loop_is_read_as_data_not_followed(tmp_path: Path) -> None:
    """A Backstage record's node table may point at itself (an alias cycle): made into nodes, not recursed."""
    import hashlib

    from ownership.catalog import cachefmt
    from ownership.catalog.load import parse_file

    data = b"teams:\n  - name: web\n"
    parsed = parse_file("t.yaml", data)
    digest = hashlib.sha256(data).digest()
    entry = json.loads(cachefmt.encode(len(data), digest, parsed))
    got = cachefmt.decode(_damage(entry, "a node cycle"), len(data), digest)
    assert got is not None and got.records[0].metadata["name"].items[0] is got.records[0].metadata["name"]


@pytest.mark.parametrize("how", ["garbage", "another version", "a number for an id", "text for active"])
def test_a_roster_recall_entry_that_cannot_be_used_is_ignored_with_a_warning(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], how: str) -> None:
    import datetime as dt

    from ownership.roster import RosterSettings, guard, load

    root = org(tmp_path)
    src = str(root / "roster.csv")
    first = load(src, RosterSettings(), today=dt.date(2026, 3, 2))
    recall = guard.cache_path(src).with_suffix(".people.json")
    entry = json.loads(recall.read_bytes())
    if how == "garbage":
        blob = b"\x80\x05garbage"
    elif how == "another version":
        blob = json.dumps({**entry, "version": 3}).encode()
    elif how == "a number for an id":
        entry["people"]["id"][0] = 1
        blob = json.dumps(entry).encode()
    else:
        entry["people"]["active"][0] = "yes"  # `active` must be true or false
        blob = json.dumps(entry).encode()
    recall.write_bytes(blob)
    capsys.readouterr()
    assert load(src, RosterSettings(), today=dt.date(2026, 3, 2)) == first
    err = capsys.readouterr().err
    assert err.count("ignoring the cache entry") == 1 and str(recall) in err
    assert load(src, RosterSettings(), today=dt.date(2026, 3, 2)) == first
    assert capsys.readouterr().err == ""  # rebuilt


# what may turn bytes into objects by running code: the pickle family, marshal, shelve, PyYAML's loaders that
# construct Python objects (the catalog reads YAML as nodes, catalog/yamlnodes.py; a load with SafeLoader or
# CSafeLoader builds only plain data, as export's read-back of its own output does)
CODE_BEARING = re.compile(r"\b(pickle\.(load|loads|Unpickler)|_pickle|cPickle|dill|cloudpickle|jsonpickle|marshal"
                          r"|shelve|yaml\.(load|unsafe_load|full_load|load_all|Loader|UnsafeLoader|FullLoader))\b")
# the two unpicklings that remain read our own forked child's pipe, never a file
PIPE_ONLY = {"ownership/support/forked.py": "kind, payload = pickle.loads(frame)",
             "ownership/catalog/cache.py": "pickle.loads(later.result())"}


def test_nothing_in_the_package_loads_a_format_that_runs_code_except_our_own_childs_pipe() -> None:
    """The root of the class: a new cache (or any file read) cannot use pickle, marshal, shelve or a YAML
    loader that builds objects; only the child-to-parent pipes (forked.py, the prefetch) unpickle."""
    found = []
    for path in sorted((ROOT / "src" / "ownership").rglob("*.py")):
        rel = path.relative_to(ROOT / "src").as_posix()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            safe_yaml = re.search(r"\byaml\.(load|load_all)\(.*Loader=yaml\.C?SafeLoader\)", code)
            if CODE_BEARING.search(code) and not safe_yaml \
                    and not code.lstrip().startswith(("Why not", "the event stream")) \
                    and PIPE_ONLY.get(rel, "\0") not in code:
                found.append(f"{rel}:{n}: {line.strip()}")
    assert found == []


@pytest.mark.parametrize("planted", [b"\x80garbage", b'{"people": {"a": 1}}', b"[" * 100_000],
                         ids=["garbage", "wrong shape", "a deep nest"])
def test_a_planted_roster_snapshot_in_the_cache_is_ignored_with_a_warning(tmp_path: Path, planted: bytes) -> None:
    """The snapshot the shrink guard compares with (roster-*.json) is JSON already; one that cannot be read is
    ignored with a warning, never an internal error (JSON nested past the interpreter's recursion was one)."""
    root = org(tmp_path)
    cold = validate(root)
    (snapshot,) = [p for p in (root / "cache" / "ownership").glob("roster-*.json") if p.name.count(".") == 1]
    (root / "roster.csv").write_text(ROSTER + "4,Dan,D,dan@acme.test,,,Active,2020-01-01,0000-00-00,Payments,"
                                              "Engineer,3\n")  # another file: compared with the snapshot
    snapshot.write_bytes(planted)
    got = validate(root)
    assert (got.returncode, "Traceback" in got.stderr, "internal error" in got.stderr) == (cold.returncode, False,
                                                                                          False), got.stderr
    # the shrink guard says its baseline is damaged and keeps it (issue 25, point 2)
    assert "is damaged" in got.stderr and str(snapshot) in got.stderr, got.stderr


def test_a_history_cache_file_nested_past_recursion_is_corrupt_not_an_internal_error(tmp_path: Path) -> None:
    from ownership.history import cache

    planted = tmp_path / "history.json"
    planted.write_bytes(b"[" * 100_000)
    with pytest.raises(cache.Unusable):
        cache.read(planted)


def test_a_fifo_planted_as_a_cache_entry_is_neither_read_nor_waited_on(tmp_path: Path) -> None:
    """A FIFO with no writer blocks whoever opens it to read: planted as a catalog entry and as the roster
    recall, `page` still answers (the entries are ignored with a warning), within the subprocess timeout."""
    root = org(tmp_path)
    cold = page(root)
    cache = root / "cache" / "ownership"
    planted = [*(cache / "catalog-files").glob("*.json"), *cache.glob("roster-*.people.json")]
    assert len(planted) == 2
    for p in planted:
        p.unlink()
        os.mkfifo(p)
    got = page(root)
    assert (got.returncode, got.stdout) == (cold.returncode, cold.stdout)
    assert got.stderr.count("(not a regular file); it is rebuilt") == 2
