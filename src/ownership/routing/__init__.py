"""Incident-time routing: who to page (page.py, its on-call level in oncall.py) and who belongs in the room
(incident.py); what else breaks is analysis/impact.py. Pure analysis over a loaded catalog, an optional roster
and the on-call providers' answers (ownership.oncall.provider.OnCallAnswer)."""
from __future__ import annotations

from ownership.routing.context import Context
from ownership.routing.incident import Room, room
from ownership.routing.page import Level, Page, last_commits, page

__all__ = ["Context", "Level", "Page", "Room", "last_commits", "page", "room"]
