"""The webcam as a scanner: a *Camera* button on the check-in screen when a camera exists,
a live preview (QtMultimedia), and what it reads fed to the screen exactly like a scan.

QtMultimedia is imported only here and only when asked: it needs system libraries (PulseAudio,
GStreamer/FFmpeg) a kiosk may lack, and then there is no camera to offer, not an error."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.passes.frame_decoder import FrameDecoder


def video_inputs() -> list:
    """The cameras Qt sees, or [] when QtMultimedia cannot load here."""
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError:
        return []
    return list(QMediaDevices.videoInputs())


class CameraDialog(QDialog):
    # emitted when a frame held a QR code (its text)
    code_read = Signal(str)

    def __init__(self, device, parent: QWidget | None = None):
        from PySide6.QtMultimedia import QCamera, QMediaCaptureSession
        from PySide6.QtMultimediaWidgets import QVideoWidget

        super().__init__(parent)
        self.setWindowTitle("Camera: hold a pass up to it")
        self.decoder = FrameDecoder(self)
        self.decoder.code_read.connect(self.code_read)
        self.preview = QVideoWidget()
        self.preview.setMinimumSize(480, 360)
        self.hint = QLabel("Hold the QR code steady, about a hand's width from the camera.")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.hint)
        layout.addWidget(close)
        self.camera = QCamera(device)
        self.session = QMediaCaptureSession(self)
        self.session.setCamera(self.camera)
        self.session.setVideoOutput(self.preview)
        self.preview.videoSink().videoFrameChanged.connect(self._on_sink_frame_changed)
        self.camera.start()

    def _on_sink_frame_changed(self, frame) -> None:
        if frame.isValid():
            self.decoder.offer(frame.toImage())

    def done(self, result: int) -> None:
        self.camera.stop()
        self.decoder.close()
        super().done(result)


def add_camera_button(
    row, submit: Callable[[str], None], parent: QWidget, inputs: Callable[[], list] = video_inputs
) -> QPushButton | None:
    """A *Camera* button in `row` when a camera exists (else nothing): it opens the preview,
    and each code read goes to `submit`, the screen's scanner path (same debounce, banners)."""
    devices = inputs()
    if not devices:
        return None
    button = QPushButton("Camera")
    button.setObjectName("kioskCameraButton")
    button.setAccessibleName("Scan with the camera")
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def open_camera() -> None:
        dialog = CameraDialog(devices[0], parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # one per click
        dialog.code_read.connect(submit)
        dialog.open()

    button.clicked.connect(open_camera)
    row.insertWidget(row.count() - 1, button)  # before the stretch
    return button
