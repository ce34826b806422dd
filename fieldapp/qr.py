"""QR symbols for the whole project, made with ``qrcode`` (the design's one QR package).

Pure: returns the module matrix or a small inline SVG, never an image file, so
cards stay vector (``ui/cards_render.py`` draws the matrix) and the dashboard
can inline enrollment codes. ``qrcode`` is imported only when a symbol is made.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["ErrorLevel", "qr_matrix", "qr_svg"]

ErrorLevel = Literal["L", "M", "Q", "H"]


def qr_matrix(text: str, error: ErrorLevel = "M") -> list[list[bool]]:
    """Return the modules of the smallest QR symbol for ``text`` (True = dark), without quiet zone.

    The error-correction level is exactly ``error`` (never raised to fill the
    version), so the version depends only on the text's length and mode.
    """
    import qrcode
    import qrcode.constants
    from qrcode.util import QRData

    levels = {
        "L": qrcode.constants.ERROR_CORRECT_L,
        "M": qrcode.constants.ERROR_CORRECT_M,
        "Q": qrcode.constants.ERROR_CORRECT_Q,
        "H": qrcode.constants.ERROR_CORRECT_H,
    }
    code = qrcode.QRCode(error_correction=levels[error], border=0)
    # One segment in the best single mode (alphanumeric for card payloads).
    code.add_data(QRData(text), optimize=0)
    code.make(fit=True)
    return [[bool(v) for v in row] for row in code.get_matrix()]


def qr_svg(text: str, error: ErrorLevel = "M", scale: int = 4, quiet_zone: int = 4) -> str:
    """Return ``text`` as an inline ``<svg>`` element: one path, ``scale`` px per module."""
    matrix = qr_matrix(text, error)
    side = (len(matrix) + 2 * quiet_zone) * scale
    runs: list[str] = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            runs.append(f"M{start + quiet_zone},{y + quiet_zone}h{x - start}v1h-{x - start}z")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{side}" height="{side}" '
        f'viewBox="0 0 {side // scale} {side // scale}" role="img" aria-label="QR">'
        f'<rect width="100%" height="100%" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>'
    )
