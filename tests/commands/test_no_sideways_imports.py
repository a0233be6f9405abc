"""Commands gather their inputs through ownership.inputs, never through another command's helpers (issue 13:
"Commands assemble inputs through one module"). Checked over the source with `ast`, function-local imports
included. The exceptions are compositions: `demo` runs the `report` command, and `gameday` (the game-day card
of `drill --scenario`) renders the room the `incident` command builds."""
from __future__ import annotations

import ast
from pathlib import Path

import ownership.commands

COMMANDS = Path(ownership.commands.__file__).parent
ALLOWED = {("demo", "report"), ("gameday", "incident")}  # compositions of whole commands, not borrowed plumbing


def imported_commands(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.ImportFrom):  # relative: from . import x / from .x import y
            names = ["ownership.commands." + (node.module or a.name) for a in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[:2] == ["ownership", "commands"] and len(parts) > 2 and parts[2] != "__init__":
                found.add(parts[2])
    return found


def sideways(folder: Path) -> list[str]:
    out = []
    for path in sorted(folder.glob("*.py")):
        here = path.stem
        for other in sorted(imported_commands(ast.parse(path.read_text(encoding="utf-8"))) - {here}):
            if (here, other) not in ALLOWED:
                out.append(f"commands/{path.name} imports commands.{other}")
    return out


def test_no_command_module_imports_another_command_module() -> None:
    assert sideways(COMMANDS) == []


def test_the_check_sees_top_level_function_local_and_relative_imports(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("from ownership.commands.page import run\n")
    (tmp_path / "b.py").write_text("def f():\n    from ownership.commands import audit\n")
    (tmp_path / "c.py").write_text("from .roster import source_of\nimport ownership.commands.site\n")
    (tmp_path / "demo.py").write_text("from ownership.commands import report\n")
    (tmp_path / "d.py").write_text("from ownership.inputs import prepare\nfrom ownership import commands\n")
    assert sideways(tmp_path) == ["commands/a.py imports commands.page", "commands/b.py imports commands.audit",
                                  "commands/c.py imports commands.roster", "commands/c.py imports commands.site"]
