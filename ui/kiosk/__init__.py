"""The greeter's check-in screen (see screen.CheckInScreen)."""

from ui.kiosk.screen import CheckInScreen

__all__ = ["CheckInScreen"]
