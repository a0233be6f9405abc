"""The one exception every roster source raises."""
from __future__ import annotations

from ownership.errors import OwnershipError


class RosterError(OwnershipError):
    """The roster cannot be used. The message is one clear line (file:row or URL, and the cause); the CLI
    prints it and exits 2. Messages never contain the SCIM token."""
