"""Dependency pictures (ownership/render/pictures.py): Graphviz's `dot` when installed, deterministic, escaped; the
built-in layout when `dot` is missing, fails or hangs; and fewer crossings than the built-in layout."""
from __future__ import annotations

import dataclasses
import shutil
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ownership.analysis.impact import Impact, blast_radius, build_graph
from ownership.config import ConfigError, load as load_config
from ownership.render import pictures as graphviz
from ownership.render.pictures import Drawer
from ownership.render.routing import dot
from tests.render.crossings import crossings
from tests.routing import orgs

DOT = shutil.which("dot")
needs_dot = pytest.mark.skipif(DOT is None, reason="Graphviz's `dot` is not installed (.ci/run installs graphviz)")
HOSTILE = 'pay"ments\\N <script>alert(1)</script>\nnext line \\'


def impact(root: str = "db") -> Impact:
    cat = orgs.catalog()
    return blast_radius(cat, build_graph(cat), [root], with_edges=True)


def hostile() -> Impact:
    """The blast radius of `db` with one dependent renamed to a name no catalog should have."""
    base = impact()
    old = base.hits[0].name
    rename = {old: HOSTILE}
    return dataclasses.replace(
        base, hits=tuple(dataclasses.replace(h, name=rename.get(h.name, h.name)) for h in base.hits),
        edges=tuple((rename.get(a, a), rename.get(b, b)) for a, b in base.edges))


def only_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str | None) -> None:
    """PATH holds one folder: a fake `dot` (a shell script standing for a hung binary) or nothing."""
    folder = tmp_path / "bin"
    folder.mkdir()
    if script is not None:
        fake = folder / "dot"
        fake.write_text(script)
        fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))


@needs_dot
def test_with_dot_installed_the_picture_is_drawn_by_graphviz() -> None:
    drawn = Drawer("auto")(impact())
    root = ET.fromstring(drawn.encode("utf-8"))
    assert root.find("{http://www.w3.org/2000/svg}g").get("class") == "graph"  # dot's structure
    assert 'class="node"' in drawn and 'class="edge"' in drawn and "<!--" not in drawn


@needs_dot
def test_graphviz_pictures_are_byte_identical_twice() -> None:
    first, second = Drawer("dot")(hostile()), Drawer("dot")(hostile())
    assert first == second and "graphviz version" not in first


@needs_dot
def test_a_hostile_name_stays_text_in_dot_and_in_the_svg() -> None:
    text = dot(hostile())
    assert '"pay\\"ments\\\\N <script>alert(1)</script>\\nnext line \\\\"' in text  # quoted, escaped, one line
    assert "\n\n" not in text and text.count("\n") == len(text.splitlines())
    warned: list[str] = []
    drawn = Drawer("dot", warned.append)(hostile())
    assert warned == []  # dot drew it: the DOT text stayed valid
    ET.fromstring(drawn.encode("utf-8"))  # well-formed
    assert "<script" not in drawn and "&lt;script&gt;alert(1)&lt;/script&gt;" in drawn
    assert "pay&quot;ments\\N" in drawn  # the label escape \N was not expanded to the node's id


def test_without_dot_on_path_the_builtin_layout_draws_it_silently(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    only_on_path(tmp_path, monkeypatch, None)
    warned: list[str] = []
    drawn = Drawer("auto", warned.append)(impact())
    assert warned == [] and "<line " in drawn and 'class="graph"' not in drawn


def test_asking_for_dot_without_it_warns_once_and_draws_builtin(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    only_on_path(tmp_path, monkeypatch, None)
    warned: list[str] = []
    draw = Drawer("dot", warned.append)
    assert all("<line " in draw(impact(r)) for r in ("db", "ledger-api"))
    assert len(warned) == 1 and "not on PATH" in warned[0]


def test_a_hung_dot_times_out_and_the_run_falls_back_with_one_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = tmp_path / "calls"
    only_on_path(tmp_path, monkeypatch, f"#!/bin/sh\necho asked >> {calls}\nexec {shutil.which('sleep')} 30\n")
    warned: list[str] = []
    draw = Drawer("auto", warned.append, timeout=0.5)
    start = time.monotonic()
    pictures = [draw(impact(r)) for r in ("db", "ledger-api", "db")]
    assert time.monotonic() - start < 25  # the hung dot was killed, not waited for (it sleeps 30 s)
    assert calls.read_text().splitlines() == ["asked"]  # one timeout, then the run stops asking dot
    assert all("<line " in p for p in pictures)
    assert len(warned) == 1 and "timed out after 0.5 s" in warned[0]


class Clock:
    """Stands for `time` in ownership.render.pictures: every reading is `step` seconds after the one before, so a
    picture "takes" `step` seconds however busy the machine is (dot itself still runs, with its own timeout)."""

    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def monotonic(self) -> float:
        self.now += self.step
        return self.now


@needs_dot
def test_a_run_stops_asking_dot_when_its_time_budget_is_spent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(graphviz, "time", Clock(step=11.0))  # each picture spends 11 s of the run's budget
    warned: list[str] = []
    draw = Drawer("dot", warned.append, budget=10.0)  # dot gets up to 10 s: no race with a busy machine
    first, second = draw(impact()), draw(impact())
    assert 'class="graph"' in first and "<line " in second  # the picture that spent it is kept
    assert len(warned) == 1 and "after 1 pictures" in warned[0]


def test_a_failing_dot_falls_back_with_its_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    only_on_path(tmp_path, monkeypatch, "#!/bin/sh\necho 'syntax error in line 1' >&2\nexit 1\n")
    warned: list[str] = []
    assert "<line " in Drawer("auto", warned.append)(impact())
    assert warned == ["pictures: Graphviz's dot exit 1: syntax error in line 1; this and the remaining "
                      "dependency pictures use the built-in layout"]


def test_builtin_setting_never_runs_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "ran"
    only_on_path(tmp_path, monkeypatch, f"#!/bin/sh\n{shutil.which('touch')} {marker}\n")
    assert "<line " in Drawer("builtin")(impact()) and not marker.exists()


def test_the_pictures_setting_takes_three_values(tmp_path: Path) -> None:
    cfg = tmp_path / "ownership.yaml"
    cfg.write_text("pictures: dot\n")
    assert load_config(cfg).get("pictures") == "dot"
    cfg.write_text("pictures: graphviz\n")
    with pytest.raises(ConfigError, match=r":1:11: invalid-value: pictures must be one of auto, dot, builtin"):
        load_config(cfg)


@needs_dot
def test_dot_draws_fewer_crossings_than_the_builtin_layout() -> None:
    cat = orgs.catalog()
    g = build_graph(cat)
    both = [(crossings(Drawer("builtin")(i)), crossings(Drawer("dot")(i)))
            for i in (blast_radius(cat, g, [n], 3, with_edges=True) for n in sorted(cat.systems) if g.in_degree(n))]
    assert sum(d for _, d in both) <= sum(b for b, _ in both)
    assert all(d <= b for b, d in both)


def test_the_crossing_count_sees_two_crossed_lines() -> None:
    svg = ('<svg xmlns="http://www.w3.org/2000/svg"><line x1="0" y1="0" x2="10" y2="10"/>'
           '<line x1="0" y1="10" x2="10" y2="0"/><line x1="0" y1="0" x2="10" y2="0"/></svg>')
    assert crossings(svg) == 1  # the third line only touches the others at their ends


@needs_dot
@pytest.mark.parametrize(("setting", "by_dot"), [("", True), ("pictures: builtin\n", False)])
def test_the_report_and_the_site_draw_with_dot_unless_the_setting_says_builtin(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str, by_dot: bool) -> None:
    from click.testing import CliRunner

    from ownership.cli import cli
    from tests.report.org import write_org

    write_org(tmp_path)
    with (tmp_path / "ownership.yaml").open("a") as f:
        f.write(setting)
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["report", "--today", "2026-11-30"]).exit_code == 0
    html = (tmp_path / "reports" / "2026-11-30" / "report.html").read_text()
    assert ('<g id="graph0" class="graph"' in html) is by_dot
    result = CliRunner().invoke(cli, ["site", "--out", "site", "--at", "2026-11-30T12:00:00Z"])
    assert result.exit_code == 0, result.output
    picture = (tmp_path / "site" / "systems" / "payments-api.blast.svg").read_text()
    assert picture.startswith("<?xml") and ('class="graph"' in picture) is by_dot
