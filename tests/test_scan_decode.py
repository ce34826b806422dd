"""The scan decoder on simulated camera frames: a printed card, rotated, blurred, dim."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import math
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest

from fieldapp.cards import CardView, make_payload

KEY = bytes(range(32))
COUNTY = "520322"
A6_PX = (874, 620)  # A6 landscape at 150 dpi


def card(i: int) -> CardView:
    household = str(uuid.UUID(int=0x0196_1234_5678_7000_9000_0000_0000_0000 + i))
    return CardView(
        household_id=household,
        serial=2 + i,
        payload=make_payload(household, 2 + i, COUNTY, KEY),
        head_name=["张三", "李秀英", "欧阳明辉"][i % 3],
        village_name="石桥村",
        group="4",
        category="监测对象",
        cadre_name="李四",
        cadre_phone="13812345678",
        secretary_name="王五",
        secretary_phone="13987654321",
        county_name="桐梓县",
    )


def card_page(c: CardView) -> Any:
    """An A6 card as a 150 dpi image, painted by the same code as the PDF."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QImage, QPainter

    from ui.cards_render import paint_card

    image = QImage(*A6_PX, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    paint_card(painter, QRectF(30, 30, A6_PX[0] - 60, A6_PX[1] - 60), c, "zh")
    painter.end()
    return image


def camera_frame(
    page: Any,
    angle: float,
    blur: float = 1.0,
    dim: bool = False,
    tilt: float = 0.0,
    size: tuple[int, int] = (1280, 720),
    fill: float = 0.9,
) -> Any:
    """Photograph ``page``: place it rotated (and tilted) on a table, then blur and dim it.

    Args:
        page: The printed page image.
        angle: Rotation in degrees.
        blur: Down-and-up scaling factor (1 = sharp).
        dim: Grey, unevenly lit paper instead of white.
        tilt: Perspective strength (0 = looking straight at the card).
        size: Frame size in pixels.
        fill: Share of the frame the rotated page's bounding box covers.
    """
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter, QTransform

    frame = QImage(*size, QImage.Format.Format_RGB32)
    frame.fill(QColor(0x8B, 0x6F, 0x4E))  # a wooden table
    turn = math.radians(angle)
    cos, sin = abs(math.cos(turn)), abs(math.sin(turn))
    box_w = page.width() * cos + page.height() * sin  # the rotated page's bounding box
    box_h = page.width() * sin + page.height() * cos
    scale = fill * min(size[0] / box_w, size[1] / box_h)
    transform = QTransform()
    transform.translate(size[0] / 2, size[1] / 2)
    transform.rotate(angle)
    transform.scale(scale, scale)
    transform.translate(-page.width() / 2, -page.height() / 2)
    if tilt:
        transform = QTransform(1, 0, tilt / page.width(), 0, 1, 0, 0, 0, 1) * transform
    painter = QPainter(frame)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setTransform(transform)
    painter.drawImage(0, 0, page)
    if dim:
        painter.resetTransform()
        light = QLinearGradient(QPointF(0, 0), QPointF(size[0], size[1]))
        light.setColorAt(0, QColor(40, 40, 40, 60))
        light.setColorAt(1, QColor(40, 40, 40, 150))
        painter.fillRect(frame.rect(), light)
    painter.end()
    if blur > 1:
        small = frame.scaled(
            round(size[0] / blur),
            round(size[1] / blur),
            Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        frame = small.scaled(
            *size, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
    return frame


@pytest.mark.parametrize(
    ("angle", "blur", "dim", "tilt"),
    [
        (7, 1.0, False, 0.0),
        (-7, 2.0, False, 0.0),
        (7, 2.5, True, 0.0),
        (-6, 2.0, True, 0.15),
        (97, 2.0, False, 0.0),  # card held sideways
        (187, 1.5, True, 0.0),  # upside down
    ],
)
def test_card_in_camera_frame(qapp: Any, angle: float, blur: float, dim: bool, tilt: float) -> None:
    from ui.scan_decode import decode_payloads

    c = card(0)
    frame = camera_frame(card_page(c), angle, blur, dim, tilt)
    assert decode_payloads(frame) == [c.payload]


def test_small_webcam_frame(qapp: Any) -> None:
    from ui.scan_decode import decode_payloads

    c = card(1)
    frame = camera_frame(card_page(c), 7, blur=1.5, size=(640, 480), fill=0.95)
    assert decode_payloads(frame) == [c.payload]


def test_odd_width_is_unpadded(qapp: Any) -> None:
    """Grayscale scan lines are padded to 4 bytes; a 641-pixel frame must still decode."""
    from ui.scan_decode import decode_payloads

    c = card(2)
    frame = camera_frame(card_page(c), -7, blur=1.3, size=(641, 483), fill=0.95)
    assert frame.convertToFormat(frame.Format.Format_Grayscale8).bytesPerLine() != 641
    assert decode_payloads(frame) == [c.payload]


def test_nothing_to_find(qapp: Any) -> None:
    from PySide6.QtGui import QColor, QImage

    from ui.scan_decode import decode_payloads

    blank = QImage(320, 240, QImage.Format.Format_RGB32)
    blank.fill(QColor("white"))
    assert decode_payloads(blank) == []
    assert decode_payloads(QImage()) == []


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_photo_of_printed_a4_sheet(qapp: Any, tmp_path: Path) -> None:
    """A whole A4 sheet from the PDF, photographed at an angle: all 8 cards read."""
    from PySide6.QtGui import QImage

    from ui.cards_render import render_cards_pdf
    from ui.scan_decode import decode_payloads

    cards = [card(i) for i in range(8)]
    pdf = tmp_path / "sheet.pdf"
    render_cards_pdf(cards, pdf, layout="a4")
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "sheet")], check=True)
    (png,) = sorted(tmp_path.glob("sheet-*.png"))
    page = QImage(str(png))
    frame = camera_frame(page, 7, blur=1.4, size=(1400, 1900), fill=0.95)
    assert sorted(decode_payloads(frame)) == sorted(c.payload for c in cards)
