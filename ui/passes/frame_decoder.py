"""QR codes out of camera frames, off the GUI thread: a frame in, `code_read` out.

At most one frame is being decoded at a time; frames arriving meanwhile are dropped (a webcam
sends 30 a second, a decode takes a few milliseconds to tens of them), so the queue never grows
and the preview never stalls. The decoder itself is app.passes.decode (zxing-cpp)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage


def _decode(image: QImage) -> list[str]:
    # zxing-cpp loads only once a camera is on, not with every kiosk
    from app.passes.decode import decode_grey

    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    data = bytes(grey.constBits())[: grey.bytesPerLine() * grey.height()]
    return decode_grey(data, grey.width(), grey.height(), grey.bytesPerLine())


class FrameDecoder(QObject):
    # emitted when a frame held a QR code (its text), on the GUI thread
    code_read = Signal(str)
    # internal: a decode finished on the pool thread
    _decoded = Signal(list)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="credopass-qr")
        self._busy = False
        self._closed = False
        self._decoded.connect(self._on_self_decoded)

    def offer(self, image: QImage) -> bool:
        """Decode `image` unless a decode is running; True when it was taken."""
        if self._busy or self._closed or image.isNull():
            return False
        self._busy = True
        frame = image.copy()  # the camera reuses its buffers: decode a copy we own

        def job():
            try:
                texts = _decode(frame)
            except Exception:  # a bad frame is skipped, like one without a code
                texts = []
            if not self._closed:
                self._decoded.emit(texts)

        self._pool.submit(job)
        return True

    def _on_self_decoded(self, texts: list) -> None:
        self._busy = False
        for text in texts:
            self.code_read.emit(text)

    def close(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)
