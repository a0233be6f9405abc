"""Nothing left behind by a kill (issue 25, point 5): each writer sweeps its own stale temporaries on its next
run (only its own, by name and age); the site and a same-day report are replaced as a whole in one step, so a
kill at any moment leaves the old or the new one, never none and never half of each."""
from __future__ import annotations

import json
import multiprocessing
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership.support import confine
from ownership.cli import cli
from tests.report.org import write_org

OLD = time.time() - confine.STALE_SECONDS - 60


def _plant(folder: Path, name: str, *, old: bool = True, folder_entry: bool = False) -> Path:
    path = folder / name
    if folder_entry:
        path.mkdir()
        (path / "index.html").write_text("half a site")
    else:
        path.write_text("half a file")
    if old:
        os.utime(path, (OLD, OLD))
    return path


def test_each_writer_sweeps_its_own_stale_temporaries_and_nothing_else(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_org(tmp_path)
    monkeypatch.chdir(tmp_path)
    week = tmp_path / "reports" / "2026-11-30"
    week.mkdir(parents=True)
    stale = [_plant(week, ".report.md.k1l2.tmp"), _plant(week, ".report.json.x9.tmp"),
             _plant(tmp_path / "reports", ".2026-11-30.ab12.tmp", folder_entry=True),
             _plant(tmp_path, "._site.zz.tmp", folder_entry=True), _plant(tmp_path, "._site.yy.old", folder_entry=True)]
    kept = [_plant(week, ".report.md.young.tmp", old=False),  # a run still going
            _plant(week, "notes.tmp"), _plant(tmp_path, ".other.tmp"), _plant(week, "my-notes.md")]
    assert CliRunner().invoke(cli, ["report", "--today", "2026-11-30"]).exit_code == 0
    assert CliRunner().invoke(cli, ["site", "--out", "_site"]).exit_code == 0
    assert [p for p in stale if os.path.lexists(p)] == []
    assert all(p.exists() for p in kept)  # the young one and other names are not ours to remove
    assert (week / "my-notes.md").read_text() == "half a file"  # carried over into the new set


def test_write_atomic_sweeps_the_targets_stale_temporaries(tmp_path: Path) -> None:
    """CODEOWNERS export and `suggest --write` (catalog/edit.py) write through confine.write_atomic."""
    target = tmp_path / "CODEOWNERS"
    stale, young = _plant(tmp_path, ".CODEOWNERS.a1.tmp"), _plant(tmp_path, ".CODEOWNERS.b2.tmp", old=False)
    other = _plant(tmp_path, ".legacy.yaml.c3.tmp")  # another file's temporary: its own writer sweeps it
    confine.write_atomic(target, b"* @acme/owners\n")
    assert not stale.exists() and young.exists() and other.exists()
    link = tmp_path / ".CODEOWNERS.d4.tmp"
    link.symlink_to(tmp_path / "outside-file")
    os.utime(link, (OLD, OLD), follow_symlinks=False)
    (tmp_path / "outside-file").write_text("kept")
    confine.write_atomic(target, b"* @acme/owners\n")
    assert not os.path.lexists(link) and (tmp_path / "outside-file").read_text() == "kept"  # never followed


def _watch_folder(out: str, stop: multiprocessing.synchronize.Event, missing: multiprocessing.sharedctypes.Synchronized,
                  ) -> None:
    while not stop.is_set():
        if not os.path.isdir(out):
            with missing.get_lock():
                missing.value += 1


def test_the_site_swap_leaves_the_old_or_the_new_site_at_every_moment(tmp_path: Path) -> None:
    from ownership.site.writer import _swap

    out = tmp_path / "_site"
    out.mkdir()
    stop, missing = multiprocessing.Event(), multiprocessing.Value("i", 0)
    watcher = multiprocessing.Process(target=_watch_folder, args=(str(out), stop, missing))
    watcher.start()
    try:
        time.sleep(0.2)
        for i in range(200):
            new = tmp_path / f"._site.{i}.tmp"
            new.mkdir()
            (new / "index.html").write_text(str(i))
            _swap(new, out)
    finally:
        stop.set()
        watcher.join(10)
    assert missing.value == 0, f"_site was missing {missing.value} times"
    assert (out / "index.html").read_text() == "199" and not list(tmp_path.glob("._site.*"))


def _watch_pair(out: str, stop: multiprocessing.synchronize.Event, mixed: multiprocessing.sharedctypes.Synchronized,
                seen: multiprocessing.sharedctypes.Synchronized) -> None:
    """Read report.md and report.json of one folder (pinned by a descriptor, as a reader opening the folder
    would see it) and count the pairs that come from two different reports."""
    while not stop.is_set():
        try:
            fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            continue
        try:
            with open("report.md", encoding="utf-8", opener=lambda p, f: os.open(p, f, dir_fd=fd)) as fh:
                md_day = fh.readline().split()[-1]
            with open("report.json", encoding="utf-8", opener=lambda p, f: os.open(p, f, dir_fd=fd)) as fh:
                json_day = json.load(fh)["date"]
        except (OSError, ValueError):
            continue  # the old folder was removed after a swap
        finally:
            os.close(fd)
        with seen.get_lock():
            seen.value += 1
        if md_day != json_day:
            with mixed.get_lock():
                mixed.value += 1


def test_a_same_day_rerun_writes_its_files_as_one_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ownership.catalog.load import load_paths
    from ownership.report import render

    write_org(tmp_path)
    monkeypatch.chdir(tmp_path)
    for day in ("2026-11-23", "2026-11-30"):
        assert CliRunner().invoke(cli, ["report", "--today", day]).exit_code == 0
    docs = [json.loads((tmp_path / "reports" / day / "report.json").read_text()) for day in ("2026-11-23", "2026-11-30")]
    catalog, _ = load_paths(["catalog"])
    out = tmp_path / "week"
    render.write(docs[0], catalog, out)
    stop = multiprocessing.Event()
    mixed, seen = multiprocessing.Value("i", 0), multiprocessing.Value("i", 0)
    watcher = multiprocessing.Process(target=_watch_pair, args=(str(out), stop, mixed, seen))
    watcher.start()
    try:
        time.sleep(0.2)
        for i in range(60):
            render.write(docs[(i + 1) % 2], catalog, out)
    finally:
        stop.set()
        watcher.join(10)
    assert seen.value > 0
    assert mixed.value == 0, f"{mixed.value} of {seen.value} reads saw a report.md of one run beside the json of another"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".week.")]


def test_the_history_cache_and_the_roster_snapshot_sweep_their_own_stale_temporaries(tmp_path: Path) -> None:
    from ownership.history import cache
    from ownership.model import Person, Roster
    from ownership.roster import files

    entry = tmp_path / "history" / "abc123.json"
    entry.parent.mkdir()
    stale, young = _plant(entry.parent, "abc123.json.k9.tmp"), _plant(entry.parent, "abc123.json.n1.tmp", old=False)
    other = _plant(entry.parent, "def456.json.k9.tmp")
    cache.write(entry, {"version": 1})
    assert not stale.exists() and young.exists() and other.exists()
    snapshot = tmp_path / "roster.json"
    stale = _plant(tmp_path, ".roster.json.q7.tmp")
    files.write_snapshot(Roster((Person(id="p1", emails=("p1@acme.test",)),)), snapshot)
    assert not stale.exists() and snapshot.is_file()
