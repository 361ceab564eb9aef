"""The kiosk's style sheet (assets/kiosk.qss), applied to the screen and its dialogs only."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def kiosk_style_sheet() -> str:
    return resources.files("assets").joinpath("kiosk.qss").read_text(encoding="utf-8")
