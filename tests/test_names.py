"""One name per thing (issue 13): no public class name is defined by two modules of src/, and no two modules
share the name people.py. Read with the standard library's `ast`, nothing is imported."""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from tests.conftest import ROOT

SRC = ROOT / "src" / "ownership"

# Deliberate exceptions, each with its reason. A name listed here must stay local: no other module imports it.
SAME_NAME_ALLOWED = {
    "Outcome": "each command module's own result record, used only inside that module (commands/*.py)",
    "Request": "each command module's parsed options, built by the CLI for that module's run() (commands/*.py)",
}
ONE_MODULE_NAMED = ("people.py",)


def _modules(src: Path = SRC) -> list[Path]:
    return sorted(src.rglob("*.py"))


def _public_classes(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return [n.name for n in tree.body if isinstance(n, ast.ClassDef) and not n.name.startswith("_")]


def _imported_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names}


def duplicate_classes(src: Path = SRC) -> dict[str, list[str]]:
    """{class name: the modules defining it} for every public class name defined in more than one module."""
    where: dict[str, list[str]] = defaultdict(list)
    for path in _modules(src):
        for name in _public_classes(path):
            where[name].append(path.relative_to(src).as_posix())
    return {name: files for name, files in sorted(where.items()) if len(files) > 1}


def same_named_modules(src: Path = SRC) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for path in _modules(src):
        if path.name in ONE_MODULE_NAMED:
            found[path.name].append(path.relative_to(src).as_posix())
    return {name: files for name, files in found.items() if len(files) > 1}


def test_no_two_modules_define_the_same_public_class() -> None:
    clashes = {name: files for name, files in duplicate_classes().items() if name not in SAME_NAME_ALLOWED}
    assert clashes == {}, "give each its own name (or allow-list it with a reason): " + repr(clashes)


def test_allowed_same_names_stay_local_to_their_module() -> None:
    leaks = sorted(path.relative_to(SRC).as_posix() for path in _modules()
                   if _imported_names(path) & set(SAME_NAME_ALLOWED))
    assert leaks == []


def test_one_module_named_people_py() -> None:
    assert same_named_modules() == {}


def test_the_checks_see_a_clash_and_a_second_people_module(tmp_path: Path) -> None:
    for rel, text in {"a/people.py": "class Page:\n    pass\n", "b/people.py": "class _Private:\n    pass\n",
                      "c/site.py": "class Page:\n    pass\nclass _Private:\n    pass\n"}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    assert duplicate_classes(tmp_path) == {"Page": ["a/people.py", "c/site.py"]}
    assert same_named_modules(tmp_path) == {"people.py": ["a/people.py", "b/people.py"]}
