"""The one base of every "cannot run" error: bad input the user can fix, never a bug.

Each feature keeps its own subclass (CatalogError, ConfigError, GitError, RosterError, ...) beside the code
that raises it; `cli` turns any of them into one line, `ownership: error: <message>`, and exit code 2. Any
other exception is a bug and is reported as an internal error.
"""
from __future__ import annotations

EXIT_CANNOT_RUN = 2


class OwnershipError(Exception):
    """The command cannot run; the message is one clear line (file:line or URL, and the cause)."""
