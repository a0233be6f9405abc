"""The `ownership` command: option parsing and wiring only. Each command calls one function and returns.

group.py holds the group and the one handler of "cannot run", options.py the options the commands share; each
other module is a family of commands (catalog, history, owners, routing, report), registered on import here.
"""
from __future__ import annotations

import os
from collections.abc import Sequence

from ownership.cli import catalog, history, owners, report, routing  # noqa: F401  (they register their commands)
from ownership.cli.group import EXIT_FINDINGS, EXIT_OK, Failure, cli, _note
from ownership.cli.options import DEFAULT_CATALOG, _LegacyPaths, _Renaming
from ownership.errors import EXIT_CANNOT_RUN

__all__ = ["DEFAULT_CATALOG", "EXIT_FINDINGS", "EXIT_OK", "Failure", "cli", "main", "_LegacyPaths", "_Renaming",
           "catalog", "history", "owners", "report", "routing"]


def main(argv: Sequence[str] | None = None) -> int:
    from ownership.support import collector

    collector.no_final_collection()
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="ownership", standalone_mode=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_CANNOT_RUN)
    except Exception as exc:  # a bug, not bad input: one line for the user, the traceback on request
        if os.environ.get("OWNERSHIP_DEBUG"):
            raise
        _note(f"internal error: {type(exc).__name__}: {exc} (this is a bug; run again with OWNERSHIP_DEBUG=1 "
              "for the traceback and please report it)")
        return EXIT_CANNOT_RUN
    return EXIT_OK
