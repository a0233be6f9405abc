"""`ownership demo`: materialise the bundled example org into a folder, then scan, audit and report on it.

The catalog (`catalog/`) and the roster (`examples/roster.csv`) are kept once, in the source checkout; the
wheel's build step (setup.py) copies them into the package as `ownership/demo/example/`, so a plain
`pip install .` or `pipx install` has them too, and an editable install reads the checkout. The git
repositories are generated (demo/history.py), so the same day always gives the same repositories, and the
same reports.
"""
from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

import ownership
from ownership.demo.history import REPO_PREFIX, Timeline, write_history
from ownership.errors import OwnershipError


class DemoError(OwnershipError):
    """The demo cannot run (no example org installed, an unwritable folder); one clear line, exit code 2."""


@dataclass(frozen=True)
class Workspace:
    root: Path
    catalog: Path
    roster: Path
    config: Path
    repos: Path
    reports: Path  # the history folder: reports/<YYYY-MM-DD>/
    cache: Path  # the scan cache, private to the demo
    history: dict[str, Timeline] = field(default_factory=dict)  # the generated repositories


@dataclass(frozen=True)
class Example:
    catalog: Path
    roster: Path


def example() -> Example:
    """The bundled example org: the wheel's copy (ownership/demo/example/), else the checkout's catalog/ and
    examples/roster.csv (an editable install: src/ownership/__init__.py -> three levels up)."""
    bundled = Path(__file__).resolve().parent / "example"
    checkout = Path(ownership.__file__).resolve().parents[2]
    for where in (Example(bundled / "catalog", bundled / "roster.csv"),
                  Example(checkout / "catalog", checkout / "examples" / "roster.csv")):
        if where.catalog.is_dir() and where.roster.is_file():
            return where
    raise DemoError(
        f"the example org is not installed: no catalog/ and roster.csv in {bundled} (a wheel) nor "
        f"catalog/ and examples/roster.csv in {checkout} (a source checkout); reinstall with `pip install .` "
        "from a clone of the repository, then run `ownership demo` again")


CONFIG = """\
# Written by `ownership demo`: the example org's repositories are generated under repos/.
catalog: catalog/
roster: roster.csv
history:
  cache: .ownership-cache/   # re-created with the repositories, so a re-run never sees "rewritten" history
  rewrite:
    "{prefix}": "repos/"         # relative to this file, so the folder can move
"""


MARKER = "# Written by `ownership demo`"


def _check_reusable(out: Path, config: Path) -> None:
    """Re-creating catalog/ and repos/ deletes them first: only ever in an empty folder or an earlier demo's,
    never in a checkout that happens to have a catalog/ (`--out .`)."""
    if not out.exists():
        return
    if not out.is_dir():
        raise DemoError(f"{out}: exists and is not a folder; choose another --out")
    try:
        earlier_demo = config.is_file() and config.read_text(encoding="utf-8").startswith(MARKER)
        empty = not any(out.iterdir())
    except OSError as exc:
        raise DemoError(f"{out}: cannot read the folder ({exc.strerror or exc})") from exc
    if not (earlier_demo or empty):
        raise DemoError(f"{out}: not empty and not an earlier demo folder (no ownership.yaml written by "
                        "`ownership demo`); choose another --out, the demo replaces catalog/ and repos/ in it")


def materialise(out: Path, today: dt.date) -> Workspace:
    """Copy the catalog and roster into `out`, (re)create the git repositories, write ownership.yaml.

    Idempotent: the catalog and the repositories are replaced; earlier reports under reports/ are kept, so a
    second run on a later day has a "what changed" section.
    """
    src = example()
    # lazy import: the catalog loader pulls in the rules, which the error path above does not need
    from ownership.catalog.load import load_paths

    ws = Workspace(out, out / "catalog", out / "roster.csv", out / "ownership.yaml", out / "repos",
                   out / "reports", out / ".ownership-cache")
    _check_reusable(out, ws.config)
    try:
        out.mkdir(parents=True, exist_ok=True)
        for old in (ws.catalog, ws.repos, ws.cache):
            if old.exists():
                shutil.rmtree(old)
        shutil.copytree(src.catalog, ws.catalog)
        shutil.copyfile(src.roster, ws.roster)
        ws.config.write_text(CONFIG.format(prefix=REPO_PREFIX), encoding="utf-8")
        ws.reports.mkdir(exist_ok=True)
    except OSError as exc:
        raise DemoError(f"{out}: cannot write the demo folder ({exc.strerror or exc})") from exc
    catalog, _ = load_paths([str(ws.catalog)])
    return replace(ws, history=write_history(catalog, ws.repos, today))
