"""The Events tab: plan events, change their status, see who came and the live figures."""

from ui.events.tab import EventsTab

__all__ = ["EventsTab"]
