"""The example org ships inside the wheel: build_py copies catalog/ and examples/roster.csv (kept once, in the
checkout) to ownership/demo/example/, so `ownership demo` works from a plain `pip install .` or `pipx install`.
An editable install reads them from the checkout instead (ownership/demo/run.py, example_root)."""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
EXAMPLE = ("catalog", "examples/roster.csv")  # the only files the demo reads from the checkout


class BuildWithExample(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout itself
        target = Path(self.build_lib) / "ownership" / "demo" / "example"
        if target.exists():
            shutil.rmtree(target)
        for rel in EXAMPLE:
            src, dest = HERE / rel, target / Path(rel).name
            dest.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, dest)
            else:
                shutil.copyfile(src, dest)


setup(cmdclass={"build_py": BuildWithExample})
