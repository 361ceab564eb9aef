"""QR codes out of camera frames, off the GUI thread: a frame in, `code_read` out.

At most one frame is being decoded at a time; frames arriving meanwhile are dropped (a webcam
sends 30 a second, a decode takes a few milliseconds to tens of them), so the queue never grows
and the preview never stalls. The decoder itself is app.passes.decode (zxing-cpp)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from ui.operations import OperationRunner, Policy

_LANE = "decode"


def _decode(image: QImage) -> list[str]:
    # zxing-cpp loads only once a camera is on, not with every kiosk
    from app.passes.decode import decode_grey

    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    data = bytes(grey.constBits())[: grey.bytesPerLine() * grey.height()]
    return decode_grey(data, grey.width(), grey.height(), grey.bytesPerLine())


class FrameDecoder(QObject):
    # emitted when a frame held a QR code (its text), on the GUI thread
    code_read = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        # Its own thread: decoding never waits behind the database, nor the door behind it.
        self._runner = OperationRunner({_LANE: "credopass-qr"}, self)

    def offer(self, image: QImage) -> bool:
        """Decode `image` unless a decode is running; True when it was taken."""
        if image.isNull():
            return False
        frame = image.copy()  # the camera reuses its buffers: decode a copy we own

        def job() -> list[str]:
            try:
                return _decode(frame)
            except Exception:  # a bad frame is skipped, like one without a code
                return []

        taken = self._runner.start(
            self, job, self._on_decoded, lane=_LANE, key="frame", policy=Policy.ONE_AT_A_TIME
        )
        return taken is not None

    def _on_decoded(self, texts: list) -> None:
        for text in texts:
            self.code_read.emit(text)

    def close(self) -> None:
        self._runner.shutdown(wait=True)
