"""The camera's decoding path without a camera: rendered passes, rotated, blurred, faded, and
frames with row padding, read by app.passes.decode as the camera worker reads frames."""

from __future__ import annotations

import io

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QTransform

from app.passes.codes import new_code
from app.passes.decode import decode_grey
from app.passes.png import pass_png

CODE = new_code()


def _pass_image(scale=6) -> QImage:
    buffer = io.BytesIO()
    pass_png(CODE, buffer, scale=scale)
    image = QImage.fromData(buffer.getvalue())
    return image.convertToFormat(QImage.Format.Format_Grayscale8)


def _on_desk(image: QImage, angle: float) -> QImage:
    """The pass turned by `angle` degrees on a grey 640x480 frame, like a webcam sees it."""
    frame = QImage(640, 480, QImage.Format.Format_Grayscale8)
    frame.fill(QColor(150, 150, 150))
    painter = QPainter(frame)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    painter.translate(320, 240)
    painter.setTransform(QTransform().rotate(angle), combine=True)
    painter.drawImage(QPointF(-image.width() / 2, -image.height() / 2), image)
    painter.end()
    return frame


def _blurred(image: QImage) -> QImage:
    small = image.scaled(
        image.width() // 3, image.height() // 3, mode=Qt.TransformationMode.SmoothTransformation
    )
    return small.scaled(
        image.width(), image.height(), mode=Qt.TransformationMode.SmoothTransformation
    )


def _faded(image: QImage) -> QImage:
    """Contrast squeezed to grey 110 on grey 150, as on a dim phone screen."""
    out = image.copy()
    painter = QPainter(out)
    painter.fillRect(out.rect(), QColor(150, 150, 150, 190))
    painter.end()
    return out.convertToFormat(QImage.Format.Format_Grayscale8)


def _read(image: QImage) -> list[str]:
    image = image.convertToFormat(QImage.Format.Format_Grayscale8)
    data = bytes(image.constBits())[: image.bytesPerLine() * image.height()]
    return decode_grey(data, image.width(), image.height(), image.bytesPerLine())


@pytest.mark.parametrize("angle", [0, 17, 90, 180, 233])
def test_a_rendered_pass_reads_at_any_angle(qapp, angle):
    assert _read(_on_desk(_pass_image(), angle)) == [CODE]


def test_a_blurred_or_faded_pass_still_reads(qapp):
    assert _read(_blurred(_on_desk(_pass_image(), 10))) == [CODE]
    assert _read(_faded(_on_desk(_pass_image(), -8))) == [CODE]


def test_a_frame_without_a_code_reads_nothing(qapp):
    frame = QImage(641, 480, QImage.Format.Format_Grayscale8)  # odd width: padded rows
    frame.fill(QColor(200, 200, 200))
    assert _read(frame) == []
    assert _read(_on_desk(_pass_image(), 0).copy(0, 0, 641 - 2, 480)) == [CODE]
