"""Incident-time routing: who to page (page.py), what else breaks (impact.py), who belongs in the room
(incident.py). Pure analysis over a loaded catalog, an optional roster and an optional PagerDuty answer."""
from __future__ import annotations

from ownership.routing.impact import Hit, Impact, UnknownSystem, blast_radius, find_system
from ownership.routing.incident import Room, room
from ownership.routing.page import Context, Level, Page, PagerDutyAnswer, last_commits, page

__all__ = ["Context", "Hit", "Impact", "Level", "Page", "PagerDutyAnswer", "Room", "UnknownSystem", "blast_radius",
           "find_system", "last_commits", "page", "room"]
