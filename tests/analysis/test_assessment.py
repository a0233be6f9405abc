"""Derived facts once per snapshot (issue 26): `ownership report` on the example org (real git history, real
roster) derives each system's knowledge-loss, employed truck factor, active owners and successors exactly
once, and runs the on-call drill once, in the command, not inside the report's data model.

The derivation functions are the real ones, wrapped to count their calls (the wrapper calls through and
returns the real answer); nothing about their behaviour is replaced.
"""
from __future__ import annotations

import ast
import functools
from collections import Counter
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ownership.analysis import people, successors
from ownership.catalog.load import load_paths
from ownership.cli import cli
from ownership.commands import report as report_command
from ownership.demo.history import ANCHOR, write_repos
from ownership.report import document
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working folder for the example org: its repos/ and an ownership.yaml that reads them."""
    root = tmp_path_factory.mktemp("example")
    catalog, _ = load_paths([ROOT / "catalog"])
    write_repos(catalog, root / "repos", ANCHOR)
    (root / "ownership.yaml").write_text("history:\n  rewrite: {'https://git.acme.test/acme/': 'repos/'}\n"
                                         "  cache: cache/\n")
    return root


def _count(monkeypatch: pytest.MonkeyPatch, module: Any, name: str, key: Callable[..., Hashable]) -> Counter[Hashable]:
    """Wrap `module.name` so that every call is counted under `key(*args, **kwargs)`, then runs the real one."""
    calls: Counter[Hashable] = Counter()
    real = getattr(module, name)

    @functools.wraps(real)
    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[key(*args, **kwargs)] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def _report(root: Path, monkeypatch: pytest.MonkeyPatch, out: str) -> None:
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["report", "--catalog", str(ROOT / "catalog"), "--roster",
                                      str(ROOT / "examples" / "roster.csv"), "--today", ANCHOR.isoformat(),
                                      "--out", out, "--allow-roster-shrink"])
    assert result.exit_code == 0, result.output + result.stderr


def test_report_derives_each_fact_once_per_system(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loss = _count(monkeypatch, people, "knowledge_loss", lambda snap, sa: sa.system)
    truck = _count(monkeypatch, people, "employed_truck_factor", lambda snap, sa: sa.system)
    owners = _count(monkeypatch, people, "active_owners", lambda snap, s, slug="orphaned", teams=None: (s.name, slug))
    suggested = _count(monkeypatch, successors, "suggest",
                       lambda snap, system, limit=3, exclude=(), teams=None: (system, frozenset(exclude)))
    _report(example, monkeypatch, "out/once")
    # the example org has history, a roster, leavers and risky systems: every fact is asked for
    assert len(loss) >= 25 and len(truck) >= 25 and len(owners) >= 25 and suggested
    for name, calls in (("knowledge_loss", loss), ("employed_truck_factor", truck), ("active_owners", owners),
                        ("successors.suggest", suggested)):
        again = {k: n for k, n in calls.items() if n > 1}
        assert again == {}, f"{name} derived more than once for {again}"


def test_report_runs_the_drill_once_in_the_command(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    drills = _count(monkeypatch, report_command, "drill", lambda *a, **k: "drill")
    _report(example, monkeypatch, "out/drill")
    assert drills == Counter({"drill": 1})
    assert (example / "out" / "drill" / "report.json").read_text().count('"coverage"') == 1


def test_the_report_data_model_imports_no_routing() -> None:
    """report/document.py formats the drill it is given; it cannot run one (not even through a lazy import)."""
    tree = ast.parse(Path(document.__file__).read_text(encoding="utf-8"))
    # names for type hints only (`if TYPE_CHECKING:`) run nothing
    tree.body = [n for n in tree.body if not (isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test))]
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {m for m in imported if m.startswith("ownership.routing")}


def test_site_simulations_derive_each_fact_once_per_system_and_roster(example: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The site simulates every person leaving: the unchanged side of each simulation is the audit's own
    Assessment, and a simulation's narrowed rule run shares its facts, so nothing is derived twice for one
    roster (each simulation has a roster of its own)."""
    rosters: list[object] = []  # kept alive, so that no id() is reused for another roster during the run

    def by_roster(snap: Any, name: str, *more: Any) -> Hashable:
        rosters.append(snap.roster)
        return (name, id(snap.roster), *more)

    truck = _count(monkeypatch, people, "employed_truck_factor", lambda snap, sa: by_roster(snap, sa.system))
    loss = _count(monkeypatch, people, "knowledge_loss", lambda snap, sa: by_roster(snap, sa.system))
    owners = _count(monkeypatch, people, "active_owners",
                    lambda snap, s, slug="orphaned", teams=None: by_roster(snap, s.name, slug))
    monkeypatch.chdir(example)
    result = CliRunner().invoke(cli, ["site", "--catalog", str(ROOT / "catalog"), "--roster",
                                      str(ROOT / "examples" / "roster.csv"), "--out", "out/site",
                                      "--at", f"{ANCHOR.isoformat()}T12:00:00+00:00", "--allow-roster-shrink"])
    assert result.exit_code == 0, result.output + result.stderr
    assert len({key[1] for key in owners}) >= 20  # the audit's roster and one per simulated person
    for name, calls in (("employed_truck_factor", truck), ("knowledge_loss", loss), ("active_owners", owners)):
        again = {k: n for k, n in calls.items() if n > 1}
        assert again == {}, f"{name} derived more than once for {again}"
