"""Incident-time routing: who to page (page.py) and who belongs in the room (incident.py); what else breaks
is analysis/impact.py. Pure analysis over a loaded catalog, an optional roster and an optional PagerDuty answer."""
from __future__ import annotations

from ownership.routing.incident import Room, room
from ownership.routing.page import Context, Level, Page, PagerDutyAnswer, last_commits, page

__all__ = ["Context", "Level", "Page", "PagerDutyAnswer", "Room", "last_commits", "page", "room"]
