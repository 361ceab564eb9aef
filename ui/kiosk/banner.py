"""The big result banner: green welcome, amber "already", red refusal; then back to ready.

Colour is never the only signal: every state has its own glyph and its words. The state is
exposed as a dynamic property (`state`) so the style sheet picks the colours.
"""

from __future__ import annotations

import enum

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

DEFAULT_SHOW_MS = 3000


class BannerState(enum.StrEnum):
    READY = "ready"
    BUSY = "busy"
    SUCCESS = "success"
    WARNING = "warning"
    REFUSAL = "refusal"
    INFO = "info"


GLYPHS = {
    BannerState.READY: "▶",
    BannerState.BUSY: "⌛",
    BannerState.SUCCESS: "✔",
    BannerState.WARNING: "⚠",
    BannerState.REFUSAL: "✖",
    BannerState.INFO: "ℹ",
}

# Spoken prefix for screen readers, since they do not read colour.
SPOKEN = {
    BannerState.READY: "Ready",
    BannerState.BUSY: "Working",
    BannerState.SUCCESS: "Success",
    BannerState.WARNING: "Attention",
    BannerState.REFUSAL: "Refused",
    BannerState.INFO: "Note",
}


class ResultBanner(QFrame):
    # emitted when a result's display time ran out and the banner returned to ready
    returned_to_ready = Signal()

    def __init__(self, parent: QWidget | None = None, *, show_ms: int = DEFAULT_SHOW_MS):
        super().__init__(parent)
        self.setObjectName("kioskBanner")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.show_ms = show_ms
        self.glyph_label = QLabel()
        self.glyph_label.setObjectName("kioskBannerGlyph")
        self.title_label = QLabel()
        self.title_label.setObjectName("kioskBannerTitle")
        self.detail_label = QLabel()
        self.detail_label.setObjectName("kioskBannerDetail")
        for label in (self.glyph_label, self.title_label, self.detail_label):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.glyph_label)
        layout.addWidget(self.title_label)
        layout.addWidget(self.detail_label)
        layout.addStretch(1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._ready_title = "Ready"
        self._ready_detail = ""
        self.state = BannerState.READY
        self.show_ready()

    def set_ready_text(self, title: str, detail: str = "") -> None:
        """What the banner says while waiting; shown now if nothing else is on screen."""
        self._ready_title, self._ready_detail = title, detail
        if self.state is BannerState.READY:
            self._apply(BannerState.READY, title, detail)

    def show_ready(self) -> None:
        self._timer.stop()
        self._apply(BannerState.READY, self._ready_title, self._ready_detail)

    def show_busy(self, title: str = "One moment…", detail: str = "") -> None:
        self._timer.stop()
        self._apply(BannerState.BUSY, title, detail)

    def show_result(
        self, state: BannerState, title: str, detail: str = "", *, sticky: bool = False
    ) -> None:
        """Show a result for `show_ms`, then return to ready (unless `sticky`)."""
        self._apply(state, title, detail)
        if sticky:
            self._timer.stop()
        else:
            self._timer.start(self.show_ms)

    @property
    def title(self) -> str:
        return self.title_label.text()

    @property
    def detail(self) -> str:
        return self.detail_label.text()

    def _apply(self, state: BannerState, title: str, detail: str) -> None:
        self.state = state
        self.setProperty("state", state.value)
        self.glyph_label.setText(GLYPHS[state])
        self.title_label.setText(title)
        self.detail_label.setText(detail)
        self.detail_label.setVisible(bool(detail))
        self.setAccessibleName(f"{SPOKEN[state]}: {title}")
        self.setAccessibleDescription(detail)
        # Re-polish so the `state` property selects the matching style sheet rule.
        for widget in (self, self.glyph_label, self.title_label, self.detail_label):
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    def _on_timer_timeout(self) -> None:
        self.show_ready()
        self.returned_to_ready.emit()
