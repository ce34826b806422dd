"""Find QR codes in a camera frame or a scanned page (zxing-cpp)."""

from __future__ import annotations

import zxingcpp
from PySide6.QtGui import QImage


def _gray_view(image: QImage) -> memoryview:
    """Return the image as a tightly packed (height, width) memoryview of 8-bit grey."""
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = gray.width(), gray.height(), gray.bytesPerLine()
    raw = bytes(gray.constBits())[: stride * height]
    if stride != width:  # scan lines are padded to 4 bytes; zxing wants them packed
        raw = b"".join(raw[row * stride : row * stride + width] for row in range(height))
    return memoryview(raw).cast("B", (height, width))


def decode_payloads(image: QImage) -> list[str]:
    """Decode every QR code in ``image`` and return their texts, in reading order.

    Only QR codes with text content are returned; other symbologies and
    binary codes are ignored. Rotation, inversion and downscaling are tried.

    Args:
        image: Any QImage (camera frame, rendered page).
    """
    if image.isNull() or image.width() == 0 or image.height() == 0:
        return []
    results = zxingcpp.read_barcodes(
        _gray_view(image),
        formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode),
        try_rotate=True,
        try_downscale=True,
    )
    texts: list[str] = []
    for barcode in results:
        if not barcode.valid or barcode.content_type != zxingcpp.ContentType.Text:
            continue
        if barcode.text not in texts:
            texts.append(barcode.text)
    return texts
