"""The module graph of src/ has no import cycles and no upward imports (issue 13), read with `ast`.

Every import counts, function-local and TYPE_CHECKING ones too: a lazy import hides a cycle from the
interpreter, not from a reader. `from package import name` depends on `package.name` when that is a module,
else on the package. Layers (DESIGN.md): sources (catalog, roster, history, oncall, codeowners) never import
config, the analysis layer or anything above it; analysis never imports rules, routing, commands or output.
"""
from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

from tests.conftest import ROOT

SRC = ROOT / "src"
SOURCES = ("ownership.catalog", "ownership.roster", "ownership.history", "ownership.oncall", "ownership.codeowners")
ABOVE_SOURCES = ("ownership.config", "ownership.analysis", "ownership.rules", "ownership.routing",
                 "ownership.commands", "ownership.inputs", "ownership.cli", "ownership.render", "ownership.report",
                 "ownership.site", "ownership.audit", "ownership.offboard", "ownership.demo")
ABOVE_ANALYSIS = tuple(m for m in ABOVE_SOURCES if m not in ("ownership.analysis", "ownership.config"))


def _module(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_graph(src: Path) -> nx.DiGraph:
    files = {_module(p, src): p for p in src.rglob("*.py")}
    g = nx.DiGraph()
    for name, path in files.items():
        g.add_node(name)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join(up + ([base] if base else []))
                subs = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in files]
                plain = [a for a in node.names if f"{base}.{a.name}" not in files]
                targets = subs + ([base] if plain else [])
            for target in targets:
                if target in files and target != name:
                    g.add_edge(name, target)
    return g


def upward(g: nx.DiGraph) -> list[str]:
    bad = []
    for a, b in g.edges:
        if a.startswith(SOURCES) and b.startswith(ABOVE_SOURCES):
            bad.append(f"{a} -> {b} (a source imports {b.split('.')[1]})")
        elif a.startswith("ownership.analysis") and b.startswith(ABOVE_ANALYSIS):
            bad.append(f"{a} -> {b} (the analysis layer imports {b.split('.')[1]})")
    return sorted(bad)


def test_src_has_no_import_cycles() -> None:
    cycles = sorted(" -> ".join(c) for c in nx.simple_cycles(module_graph(SRC)))
    assert cycles == []


def test_no_source_or_analysis_module_imports_upward() -> None:
    assert upward(module_graph(SRC)) == []


def test_the_checks_see_a_lazy_cycle_and_an_upward_import(tmp_path: Path) -> None:
    pkg = tmp_path / "ownership"
    (pkg / "catalog").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "config.py").write_text("from ownership.catalog import load\n")
    (pkg / "catalog" / "__init__.py").write_text("")
    (pkg / "catalog" / "load.py").write_text("def f():\n    from ownership import config\n")
    g = module_graph(tmp_path)
    assert list(nx.simple_cycles(g)) and upward(g) == [
        "ownership.catalog.load -> ownership.config (a source imports config)"]
