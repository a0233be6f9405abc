"""A size budget for src/ownership (issue 26), beside test_layers.py: no module over 400 lines and no function
over 60 lines, except the ones named below with their size today as a ceiling.

The lists only shrink: a named module or function that grows fails, a new one over the limit fails, and one
that dropped to the limit (or is gone) must leave its list. Function lengths are read with `ast`, from the
`def` line to the last line of the body (decorators not counted), nested functions and methods each on
their own.
"""
from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "src" / "ownership"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

LONG_MODULES = {  # path under src/ownership: lines today
    "model.py": 796,
    "catalog/load.py": 674,
    "catalog/backstage_model.py": 634,
    "history/git.py": 586,
    "catalog/backstage.py": 564,
    "routing/drill.py": 555,
    "analysis/people.py": 521,
    "analysis/impact.py": 472,
    "chat/slack.py": 465,
    "catalog/schema.py": 456,
    "history/state.py": 423,
    "history/scan.py": 414,
    "catalog/cachefmt.py": 404,
    "render/routing.py": 404,
}
LONG_FUNCTIONS = {  # "path:qualified name": lines today
    "catalog/yamlnodes.py:_build": 95,
    "render/routing.py:room_sections": 84,
    "history/git.py:stream": 76,
    "history/scan.py:split": 73,
    "history/scan.py:scan_repo": 72,
    "history/activity.py:_system": 70,
    "routing/incident.py:_roles": 61,
}


def module_lines(package: Path) -> dict[str, int]:
    return {p.relative_to(package).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
            for p in sorted(package.rglob("*.py"))}


def function_lines(package: Path) -> dict[str, int]:
    """"path:Class.method" -> lines, for every function and method (nested ones under their parent's name)."""
    out: dict[str, int] = {}

    def visit(node: ast.AST, rel: str, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = prefix + child.name
                if not isinstance(child, ast.ClassDef):
                    out[f"{rel}:{name}"] = max(out.get(f"{rel}:{name}", 0),
                                               (child.end_lineno or child.lineno) - child.lineno + 1)
                visit(child, rel, name + ".")
            else:
                visit(child, rel, prefix)

    for p in sorted(package.rglob("*.py")):
        visit(ast.parse(p.read_text(encoding="utf-8")), p.relative_to(package).as_posix(), "")
    return out


def over_budget(sizes: dict[str, int], allowed: dict[str, int], limit: int, what: str) -> list[str]:
    """What breaks the budget: new ones over the limit, named ones that grew, named ones back within it."""
    bad = [f"{key}: {n} lines, over {limit}: split it ({what})" for key, n in sorted(sizes.items())
           if n > limit and key not in allowed]
    bad += [f"{key}: {sizes[key]} lines, its ceiling is {ceiling}: split it, never raise the ceiling ({what})"
            for key, ceiling in sorted(allowed.items()) if sizes.get(key, 0) > ceiling]
    bad += [f"{key}: {f'{sizes[key]} lines now' if key in sizes else 'gone'}, within {limit}: remove it from "
            f"the list ({what})" for key in sorted(allowed) if sizes.get(key, 0) <= limit]
    return bad


def test_no_module_over_400_lines_but_the_named_ones_and_those_only_shrink() -> None:
    assert over_budget(module_lines(PACKAGE), LONG_MODULES, MAX_MODULE_LINES, "LONG_MODULES") == []


def test_no_function_over_60_lines_but_the_named_ones_and_those_only_shrink() -> None:
    assert over_budget(function_lines(PACKAGE), LONG_FUNCTIONS, MAX_FUNCTION_LINES, "LONG_FUNCTIONS") == []


def test_the_budget_fails_a_grown_a_new_and_a_shrunk_module(tmp_path: Path) -> None:
    (tmp_path / "grew.py").write_text("x = 1\n" * 12)
    (tmp_path / "new.py").write_text("x = 1\n" * 11)
    (tmp_path / "shrunk.py").write_text("x = 1\n" * 9)
    (tmp_path / "same.py").write_text("x = 1\n" * 15)
    allowed = {"grew.py": 11, "shrunk.py": 14, "same.py": 15, "moved.py": 20}
    assert over_budget(module_lines(tmp_path), allowed, 10, "LONG_MODULES") == [
        "new.py: 11 lines, over 10: split it (LONG_MODULES)",
        "grew.py: 12 lines, its ceiling is 11: split it, never raise the ceiling (LONG_MODULES)",
        "moved.py: gone, within 10: remove it from the list (LONG_MODULES)",
        "shrunk.py: 9 lines now, within 10: remove it from the list (LONG_MODULES)"]


def test_function_lengths_are_read_with_ast_per_function_and_method(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(
        "@decorator\n"
        "def f(\n    a: int,\n) -> int:\n    return a\n\n\n"
        "class C:\n    def method(self) -> None:\n        def inner() -> None:\n            pass\n"
        "        inner()\n")
    assert function_lines(tmp_path) == {"m.py:f": 4, "m.py:C.method": 4, "m.py:C.method.inner": 2}
    assert over_budget(function_lines(tmp_path), {"m.py:f": 3, "m.py:C.method.inner": 2}, 3, "LONG_FUNCTIONS") == [
        "m.py:C.method: 4 lines, over 3: split it (LONG_FUNCTIONS)",
        "m.py:f: 4 lines, its ceiling is 3: split it, never raise the ceiling (LONG_FUNCTIONS)",
        "m.py:C.method.inner: 2 lines now, within 3: remove it from the list (LONG_FUNCTIONS)"]
