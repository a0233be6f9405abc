"""`ownership demo` from a plain wheel install (not editable): the example org ships as package data."""
from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

# what a clone has that the build reads: the sources, and the example org the build step copies (setup.py)
TREE = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "src", "catalog", "examples")


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
    return done


def see_running_environment(python: Path) -> None:
    """The new venv finds the dependencies where the running suite found them (offline), after its own
    site-packages, so the wheel's ownership comes first. `venv --system-site-packages` cannot do this when the
    suite itself runs in a venv: it would see the base interpreter's packages, not this venv's."""
    own = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                         capture_output=True, text=True, timeout=60, check=True).stdout.strip()
    running = [p for p in (*site.getsitepackages(), site.getusersitepackages()) if Path(p).is_dir()]
    (Path(own) / "running-suite.pth").write_text("".join(f"{p}\n" for p in running), encoding="utf-8")


def test_demo_runs_from_a_wheel_installed_in_a_fresh_venv_outside_the_checkout(tmp_path: Path) -> None:
    tree = tmp_path / "clone"
    for rel in TREE:
        if (ROOT / rel).is_dir():
            shutil.copytree(ROOT / rel, tree / rel, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            tree.mkdir(exist_ok=True)
            shutil.copyfile(ROOT / rel, tree / rel)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PIP_REQUIRE_VIRTUALENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w",
          str(tmp_path / "wheels"), str(tree)], tmp_path, env, 240)
    shutil.rmtree(tree)  # the installed demo must not need the clone
    wheel = next((tmp_path / "wheels").glob("ownership-*.whl"))
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path, env, 120)
    python, ownership = venv / "bin" / "python", venv / "bin" / "ownership"
    see_running_environment(python)
    _run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], tmp_path, env, 120)
    where = _run([str(python), "-c", "import ownership; print(ownership.__file__)"], tmp_path, env, 60)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout  # not the checkout's src/

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    demo = _run([str(ownership), "demo", "--today", "2026-11-30"], elsewhere, env, 180)
    html = elsewhere / "ownership-demo" / "reports" / "2026-11-30" / "report.html"
    assert html.is_file() and "payments-api" in html.read_text(encoding="utf-8")
    assert f"report: {html.resolve()}" in demo.stdout
    assert (elsewhere / "ownership-demo" / "catalog" / "teams.yaml").is_file()
