"""Messages next to form fields: each goes as soon as its field's value is right."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtWidgets import QLabel

from app.errors import ValidationError


def hide_fixed_messages(labels: Mapping[str, QLabel], validate: Callable[[], object]) -> None:
    """Hide the shown messages whose field `validate` no longer complains about.

    `validate` runs the engine's own rules on the form's current values (read here only to hide
    messages; the engine still decides on submit), raising ValidationError with field errors."""
    shown = [field for field, label in labels.items() if not label.isHidden()]
    if not shown:
        return
    try:
        validate()
        still_bad = {}
    except ValidationError as exc:
        still_bad = exc.errors
    for field in shown:
        if field not in still_bad:
            labels[field].clear()
            labels[field].setVisible(False)
