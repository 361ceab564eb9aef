"""Reading QR codes from camera frames or images (zxing-cpp): 8-bit grey pixels in, the texts
of the QR codes found out. Pure Python around the decoder, so tests feed it generated images
and the camera view (ui.passes.camera) feeds it frames on a worker thread."""

from __future__ import annotations

import zxingcpp


def decode_grey(pixels: bytes | bytearray | memoryview, width: int, height: int, stride=None):
    """Texts of the QR codes in a greyscale image, `stride` bytes per row (default `width`)."""
    stride = stride or width
    view = memoryview(pixels).cast("B")
    if stride != width:  # the decoder wants rows packed: drop each row's padding
        view = memoryview(b"".join(view[r * stride : r * stride + width] for r in range(height)))
    image = view.cast("B", (height, width))
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return [barcode.text for barcode in found if barcode.text]
