"""Dependency pictures drawn by Graphviz's `dot`, when it is installed and the `pictures:` setting allows it;
the built-in layered layout (render/routing.py `svg`) otherwise. The one place `dot` is run.

```yaml
pictures: auto     # auto (dot when installed, the default) | dot (say so when it is missing) | builtin
```

Catalog names are attacker input. They reach `dot` only inside the DOT text on standard input (render/routing.py
`dot` quotes and escapes every label), never on its command line; `dot` runs with a timeout, a CPU and memory
limit, and a cap on what it may write; a run spends at most BUDGET seconds in it. When it fails or times out,
that picture and every later one of the run use the built-in layout, with one warning. The output is deterministic: the DOT text lists nodes and edges in
the order of the blast radius (fixed), and the comments `dot` writes (its version, node names) are removed.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from ownership.analysis.impact import Impact
from ownership.model import SettingProblem
from ownership.render.routing import dot, svg

MODES = ("auto", "dot", "builtin")
TIMEOUT = 20.0  # seconds for one picture; a 200-system radius takes well under one
MAX_SYSTEMS = 300  # a bigger picture is unreadable anyway: the built-in layout summarises long columns
MAX_OUTPUT = 8_000_000  # bytes of SVG
BUDGET = 30.0  # seconds of `dot` per run: a site of 20,000 systems must not spend ~20 min in Graphviz
_CPU_SECONDS, _MEMORY = 60, 2 << 30
_PROLOG = re.compile(r"\A.*?(?=<svg[\s>])", re.DOTALL)  # XML declaration, DOCTYPE, the version comment
XML = '<?xml version="1.0" encoding="UTF-8"?>\n'
_COMMENT = re.compile(r"<!--.*?-->\n?", re.DOTALL)


def check(value: Any) -> list[SettingProblem]:
    """The `pictures` value (config.py adds file:line:col)."""
    if value in MODES:
        return []
    return [SettingProblem((), f"pictures must be one of {', '.join(MODES)}")]


class DotFailed(Exception):
    """`dot` did not draw the picture: the reason, in words."""


def run_dot(text: str, exe: str, timeout: float = TIMEOUT) -> str:
    """The SVG `dot` draws for the DOT `text` (given on standard input), cleaned; raises DotFailed."""
    try:
        done = subprocess.run([exe, "-Tsvg"], input=text.encode("utf-8"), capture_output=True, timeout=timeout,
                              check=False, preexec_fn=_limits if sys.platform != "win32" else None)
    except subprocess.TimeoutExpired:
        raise DotFailed(f"timed out after {timeout:g} s") from None
    except OSError as exc:
        raise DotFailed(f"cannot run ({exc.strerror or exc})") from None
    if done.returncode != 0:
        first = done.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
        raise DotFailed(f"exit {done.returncode}" + (f": {first[0][:200]}" if first else ""))
    if len(done.stdout) > MAX_OUTPUT:
        raise DotFailed(f"wrote more than {MAX_OUTPUT} bytes")
    out = clean(done.stdout.decode("utf-8", "replace"))
    if "<svg" not in out:
        raise DotFailed("wrote no SVG")
    return out


def _limits() -> None:  # in the child, before exec: a hostile layout cannot take the machine
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (_CPU_SECONDS, _CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_AS, (_MEMORY, _MEMORY))


def clean(drawn: str) -> str:
    """`dot`'s SVG without what varies between Graphviz versions or repeats catalog text in comments (its
    prolog, DOCTYPE and every comment), under the XML declaration the built-in layout writes too."""
    return XML + _COMMENT.sub("", _PROLOG.sub("", drawn, count=1)).strip() + "\n"


class Drawer:
    """Draws blast-radius pictures for one run: `dot` per the `pictures` mode, else the built-in layout.

    `warn` hears at most one warning per run: `dot` asked for and not installed, or `dot` failing (after which
    the run stops asking it)."""

    def __init__(self, mode: str = "auto", warn: Callable[[str], None] = lambda _: None,
                 timeout: float = TIMEOUT, budget: float = BUDGET) -> None:
        self.warn, self.timeout, self.left, self.drawn = warn, timeout, budget, 0
        self.exe = shutil.which("dot") if mode != "builtin" else None
        if mode == "dot" and self.exe is None:
            warn("pictures: dot: Graphviz's `dot` is not on PATH; dependency pictures use the built-in layout")

    def __call__(self, impact: Impact) -> str:
        """A self-contained SVG document of `impact` (charts.py inlines it from `<svg`)."""
        if self.exe is not None and len(impact.roots) + len(impact.hits) <= MAX_SYSTEMS:
            started = time.monotonic()
            try:
                drawn = run_dot(dot(impact), self.exe, max(min(self.timeout, self.left), 0.1))
            except DotFailed as exc:
                self.exe = None
                self.warn(f"pictures: Graphviz's dot {exc}; this and the remaining dependency pictures use "
                          "the built-in layout")
            else:
                self.drawn += 1
                self.left -= time.monotonic() - started
                if self.left <= 0:
                    self.exe = None
                    self.warn(f"pictures: Graphviz's dot used this run's {BUDGET:g} s after {self.drawn} "
                              "pictures; the remaining dependency pictures use the built-in layout")
                return drawn
        return svg(impact)


def drawn_svg(impact: Impact, use_graphviz: bool = True) -> str:
    """`blast-radius --format svg`: Graphviz's drawing of the `dot` text when `dot` is installed (and works),
    else the built-in layout."""
    return Drawer("auto" if use_graphviz else "builtin")(impact)
