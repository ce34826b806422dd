"""Draw QR visit cards (明白卡) with QPainter: PDF sheets and the print preview.

The QR code is drawn as vector rectangles straight from the QR matrix (runs of
dark modules merged into one path), never as a scaled bitmap, so it stays sharp
on any printer. Text uses a CJK font found on this machine; Qt embeds a subset
of it in the PDF.

Layouts:
    ``a4``: 8 cards (2 x 4) of 92 x 65 mm on A4 portrait, 6 mm gutters, cut
    marks at every card corner.
    ``a6``: one card per A6 landscape page.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
)

from fieldapp.cards import QR_QUIET_ZONE, CardView, qr_matrix
from fieldapp.fsutil import write_atomic
from ui import fonts
from ui.fonts import CJK_FAMILIES  # noqa: F401 - re-exported for callers of this module

LAYOUTS = ("a4", "a6")
PDF_DPI = 1200
MM_PER_INCH = 25.4

# Card design space: 1400 x 1000 units (0.1 mm on a 140 x 100 mm card). Every
# size below is in these units; paint_card scales them to the target rect.
DESIGN_W = 1400.0
DESIGN_H = 1000.0

# A4 sheet: 2 columns x 4 rows of 92 x 65 mm cards (the same 1.4 aspect as the
# design), 6 mm gutters so a slightly crooked cut never reaches a neighbour.
A4_CARD_MM = QSizeF(92.0, 65.0)
A4_GUTTER_MM = 6.0
A4_COLS, A4_ROWS = 2, 4
CUT_MARK_GAP_MM = 1.0  # marks start this far outside the corner ...
CUT_MARK_LEN_MM = 2.0  # ... and reach the middle of the gutter
A6_MARGIN_MM = 5.0

ACCENT = QColor(0xA3, 0x1F, 0x1F)  # dark red: reads as dark grey on a mono laser printer
INK = QColor(0x11, 0x11, 0x11)
LABEL = QColor(0x5A, 0x5A, 0x5A)


_app: QGuiApplication | None = None  # keeps the app made by ensure_qt_app alive


@dataclass(frozen=True)
class _Labels:
    title: str
    subtitle: str
    head: str
    village: str
    category: str
    cadre: str
    secretary: str
    serial: str
    scan: str
    risks: str
    measures: str
    none: str
    hotline: str
    county: str
    national: str


_ZH = _Labels(
    title="明白卡 · 连心卡",
    subtitle="防止返贫动态监测",
    head="户主",
    village="村组",
    category="户类别",
    cadre="帮扶干部",
    secretary="驻村第一书记",
    serial="卡号",
    scan="入户走访请扫码",
    risks="致贫返贫风险",
    measures="帮扶措施",
    none="无",
    hotline="有困难请拨打",
    county="县帮扶热线",
    national="全国防返贫监测热线",
)
_EN = _Labels(
    title="明白卡 · 连心卡",
    subtitle="Household visit card",
    head="Head of household",
    village="Village, group",
    category="Category",
    cadre="Assistance cadre",
    secretary="First secretary",
    serial="Card No.",
    scan="Scan at each visit",
    risks="Risks",
    measures="Measures",
    none="none",
    hotline="In difficulty, call",
    county="county hotline",
    national="national hotline",
)


def ensure_qt_app() -> QGuiApplication:
    """Return the running Qt GUI application, creating an offscreen-capable one if needed.

    On Linux without a display the ``offscreen`` platform is selected, so the
    CLI can print cards on a server or in CI.

    Raises:
        RuntimeError: A non-GUI QCoreApplication already runs in this process.
    """
    global _app
    existing = QGuiApplication.instance()
    if existing is not None:
        if not isinstance(existing, QGuiApplication):
            raise RuntimeError("a QCoreApplication is running; cards need a QGuiApplication")
        return existing
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # A QApplication (not just a QGuiApplication), so that widgets can still be made
    # later in the same process (the GUI, print dialogs, tests).
    from PySide6.QtWidgets import QApplication

    _app = QApplication(sys.argv[:1] or ["fieldapp"])
    return _app


def cjk_font_family() -> str:
    """Name the font family used for cards (see :func:`ui.fonts.cjk_font_family`)."""
    ensure_qt_app()
    return fonts.cjk_font_family()


def _font(px: float, bold: bool = False) -> QFont:
    font = QFont(cjk_font_family())
    font.setPixelSize(max(1, round(px)))
    font.setBold(bold)
    # Unhinted outlines keep widths proportional to size, so fitting text in
    # design units holds at every scale (PDF, preview, printer).
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    font.setKerning(True)
    return font


def _fit(text: str, px: float, width: float, bold: bool = False, min_px: float = 26) -> QFont:
    """Largest font not above ``px`` (down to ``min_px``) in which ``text`` fits ``width``."""
    size = px
    while size > min_px:
        font = _font(size, bold)
        if QFontMetricsF(font).horizontalAdvance(text) <= width:
            return font
        size -= 2
    return _font(min_px, bold)


def _draw_line(
    painter: QPainter,
    x: float,
    baseline: float,
    width: float,
    text: str,
    px: float,
    color: QColor,
    bold: bool = False,
) -> float:
    """Draw one line of text, shrunk then elided to fit; return its advance."""
    font = _fit(text, px, width, bold)
    metrics = QFontMetricsF(font)
    shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
    painter.setFont(font)
    painter.setPen(color)
    painter.drawText(QPointF(x, baseline), shown)
    return metrics.horizontalAdvance(shown)


def format_phone(phone: str) -> str:
    """Group an 11-digit mainland mobile number 3-4-4 (138 1234 5678); others unchanged."""
    digits = phone.strip()
    if len(digits) == 11 and digits.isdigit():
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    return digits


def _module_rects(matrix: Sequence[Sequence[bool]]) -> list[tuple[int, int, int, int]]:
    """Cover the dark modules with few rectangles (x, y, w, h in modules).

    Horizontal runs are found per row; a run identical to one in the row above
    extends that rectangle downwards instead of starting a new one.
    """
    done: list[tuple[int, int, int, int]] = []
    open_runs: dict[tuple[int, int], int] = {}  # (x, w) -> top row
    for y, row in enumerate(matrix):
        runs: list[tuple[int, int]] = []
        x = 0
        n = len(row)
        while x < n:
            if row[x]:
                start = x
                while x < n and row[x]:
                    x += 1
                runs.append((start, x - start))
            else:
                x += 1
        current = set(runs)
        for key, top in list(open_runs.items()):
            if key not in current:
                done.append((key[0], top, key[1], y - top))
                del open_runs[key]
        for key in runs:
            open_runs.setdefault(key, y)
    height = len(matrix)
    for key, top in open_runs.items():
        done.append((key[0], top, key[1], height - top))
    return done


def draw_qr(painter: QPainter, rect: QRectF, payload: str) -> None:
    """Draw ``payload`` as a vector QR code centred in ``rect``, quiet zone included.

    The square symbol plus a 4-module quiet zone fills the shorter side of
    ``rect``; the quiet zone is painted white so nothing can intrude on it.
    """
    matrix = qr_matrix(payload)
    n = len(matrix)
    side = min(rect.width(), rect.height())
    module = side / (n + 2 * QR_QUIET_ZONE)
    left = rect.center().x() - side / 2
    top = rect.center().y() - side / 2
    painter.fillRect(QRectF(left, top, side, side), Qt.GlobalColor.white)
    ox = left + QR_QUIET_ZONE * module
    oy = top + QR_QUIET_ZONE * module
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.WindingFill)
    for x, y, w, h in _module_rects(matrix):
        path.addRect(QRectF(ox + x * module, oy + y * module, w * module, h * module))
    painter.fillPath(path, QColor(Qt.GlobalColor.black))


def paint_card(painter: QPainter, rect: QRectF, card: CardView, lang: str = "zh") -> None:
    """Paint one card into ``rect`` (any device: PDF, printer, preview image).

    The card keeps its 1.4 aspect ratio and is centred in ``rect``.

    Args:
        painter: An active painter.
        rect: Target rectangle in the painter's coordinates.
        card: What to print.
        lang: ``zh`` for Chinese labels, ``en`` to add English under each.
    """
    labels = _EN if lang.startswith("en") else _ZH
    english = labels is _EN
    scale = min(rect.width() / DESIGN_W, rect.height() / DESIGN_H)
    painter.save()
    try:
        painter.translate(
            rect.center().x() - DESIGN_W * scale / 2, rect.center().y() - DESIGN_H * scale / 2
        )
        painter.scale(scale, scale)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        _paint_design(painter, card, labels, english)
    finally:
        painter.restore()


def _paint_design(painter: QPainter, card: CardView, labels: _Labels, english: bool) -> None:
    inset = 30.0
    frame = QRectF(inset, inset, DESIGN_W - 2 * inset, DESIGN_H - 2 * inset)
    painter.fillRect(QRectF(0, 0, DESIGN_W, DESIGN_H), Qt.GlobalColor.white)

    # Header band with the title, county on the right.
    band_h = 150.0
    band = QPainterPath()
    band.addRoundedRect(QRectF(frame.left(), frame.top(), frame.width(), band_h), 24, 24)
    square_bottom = QPainterPath()
    square_bottom.addRect(QRectF(frame.left(), frame.top() + band_h / 2, frame.width(), band_h / 2))
    painter.fillPath(band.united(square_bottom), ACCENT)
    white = QColor(Qt.GlobalColor.white)
    text_left = frame.left() + 40
    title_w = 700.0
    if english:
        _draw_line(painter, text_left, frame.top() + 78, title_w, labels.title, 68, white, True)
        _draw_line(painter, text_left, frame.top() + 128, title_w, labels.subtitle, 36, white)
    else:
        _draw_line(painter, text_left, frame.top() + 100, title_w, labels.title, 74, white, True)
    right_w = frame.right() - 40 - (text_left + title_w + 30)
    county_font = _fit(card.county_name, 46, right_w, True)
    sub_font = _fit(_ZH.subtitle, 34, right_w)
    painter.setPen(white)
    painter.setFont(county_font)
    county_rect = QRectF(frame.right() - 40 - right_w, frame.top() + 22, right_w, 62)
    painter.drawText(
        county_rect,
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
        QFontMetricsF(county_font).elidedText(
            card.county_name, Qt.TextElideMode.ElideRight, right_w
        ),
    )
    painter.setFont(sub_font)
    painter.drawText(
        QRectF(county_rect.left(), frame.top() + 86, right_w, 48),
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
        _ZH.subtitle,
    )

    # QR on the right, with serial and a scan hint under it.
    qr_side = 420.0
    qr_rect = QRectF(frame.right() - 20 - qr_side, frame.top() + band_h + 20, qr_side, qr_side)
    draw_qr(painter, qr_rect, card.payload)
    caption_x = qr_rect.left()
    _draw_centered(
        painter,
        QRectF(caption_x, qr_rect.bottom() + 4, qr_side, 60),
        f"{labels.serial} {card.serial}",
        50,
        INK,
        bold=True,
    )
    _draw_centered(
        painter, QRectF(caption_x, qr_rect.bottom() + 66, qr_side, 44), labels.scan, 34, LABEL
    )
    _draw_centered(
        painter,
        QRectF(caption_x, qr_rect.bottom() + 112, qr_side, 36),
        # The random tail of the UUIDv7 (its head is a timestamp shared by a
        # whole import batch): a short reference to read out over the phone.
        "ID " + card.household_id.replace("-", "")[-8:].upper(),
        28,
        LABEL,
    )

    # Fields on the left: a small label line, then the value line.
    x = frame.left() + 40
    width = qr_rect.left() - 20 - x
    group = f"{card.group}组" if card.group.isdigit() else card.group
    rows: list[tuple[str, str, str, str, str]] = [
        (_ZH.head, _EN.head, card.head_name, "", ""),
        (_ZH.village, _EN.village, f"{card.village_name} {group}".strip(), "", ""),
        (_ZH.category, _EN.category, card.category, "", ""),
        (_ZH.cadre, _EN.cadre, card.cadre_name, format_phone(card.cadre_phone), card.cadre_unit),
        (_ZH.secretary, _EN.secretary, card.secretary_name, format_phone(card.secretary_phone), ""),
    ]
    top = frame.top() + band_h + 30
    row_h = 112.0
    for i, (zh_label, en_label, value, phone, unit) in enumerate(rows):
        y = top + i * row_h
        advance = _draw_line(painter, x, y + 34, width, zh_label, 32, LABEL)
        if english:
            advance += 14 + _draw_line(
                painter, x + advance + 14, y + 34, width - advance - 14, en_label, 28, LABEL
            )
        if unit:
            # The cadre's dispatching unit (帮扶单位), after the label.
            _draw_line(painter, x + advance + 14, y + 34, width - advance - 14, f"· {unit}", 30, INK)
        value_px = 56 if i == 0 else 48
        if phone:
            phone_font = _fit(phone, 50, width * 0.6, True)
            phone_w = QFontMetricsF(phone_font).horizontalAdvance(phone)
            name_w = _draw_line(
                painter, x, y + 90, width - phone_w - 30, value, value_px, INK, True
            )
            painter.setFont(phone_font)
            painter.setPen(ACCENT)
            painter.drawText(QPointF(x + name_w + 30, y + 90), phone)
        else:
            _draw_line(painter, x, y + 90, width, value, value_px, INK, bold=True)
        if i < len(rows) - 1:
            painter.setPen(QPen(QColor(0xDD, 0xDD, 0xDD), 2))
            painter.drawLine(QPointF(x, y + row_h - 8), QPointF(x + width, y + row_h - 8))

    # Risks and current measures across the card, then the hotlines.
    full = frame.right() - 40 - x
    rule_y = top + len(rows) * row_h + 4
    painter.setPen(QPen(QColor(0xDD, 0xDD, 0xDD), 2))
    painter.drawLine(QPointF(x, rule_y), QPointF(x + full, rule_y))
    for i, (title, value) in enumerate(((labels.risks, card.risks), (labels.measures, card.measures))):
        baseline = rule_y + 50 + i * 50
        head = f"{title}：" if not english else f"{title}: "
        advance = _draw_line(painter, x, baseline, full, head, 32, LABEL)
        _draw_line(painter, x + advance, baseline, full - advance, value or labels.none, 34, INK, True)
    lines = [f"{labels.county} {card.county_hotline}"] if card.county_hotline else []
    if card.national_hotline:
        lines.append(f"{labels.national} {card.national_hotline}")
    if lines:
        colon = "：" if not english else ": "
        footer = labels.hotline + colon + ("  ·  ".join(lines))
        _draw_line(painter, x, frame.bottom() - 22, full, footer, 34, ACCENT, bold=True)
    painter.setPen(QPen(ACCENT, 5))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(frame, 24, 24)


def _draw_centered(
    painter: QPainter, rect: QRectF, text: str, px: float, color: QColor, bold: bool = False
) -> None:
    font = _fit(text, px, rect.width(), bold)
    painter.setFont(font)
    painter.setPen(color)
    shown = QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, shown)


def _mm(value: float) -> float:
    return value * PDF_DPI / MM_PER_INCH


def a4_card_rects() -> list[QRectF]:
    """The 8 card rectangles of an A4 sheet, in millimetres from the top-left corner."""
    page = QPageSize(QPageSize.PageSizeId.A4).size(QPageSize.Unit.Millimeter)
    grid_w = A4_COLS * A4_CARD_MM.width() + (A4_COLS - 1) * A4_GUTTER_MM
    grid_h = A4_ROWS * A4_CARD_MM.height() + (A4_ROWS - 1) * A4_GUTTER_MM
    left = (page.width() - grid_w) / 2
    top = (page.height() - grid_h) / 2
    rects = []
    for row in range(A4_ROWS):
        for col in range(A4_COLS):
            rects.append(
                QRectF(
                    left + col * (A4_CARD_MM.width() + A4_GUTTER_MM),
                    top + row * (A4_CARD_MM.height() + A4_GUTTER_MM),
                    A4_CARD_MM.width(),
                    A4_CARD_MM.height(),
                )
            )
    return rects


def _to_device(rect_mm: QRectF) -> QRectF:
    return QRectF(_mm(rect_mm.x()), _mm(rect_mm.y()), _mm(rect_mm.width()), _mm(rect_mm.height()))


def _draw_cut_marks(painter: QPainter, card: QRectF) -> None:
    """Short lines on the extension of each card edge, outside its corners."""
    gap, length = _mm(CUT_MARK_GAP_MM), _mm(CUT_MARK_LEN_MM)
    painter.save()
    painter.setPen(QPen(QColor(Qt.GlobalColor.black), _mm(0.15)))
    for cx, dx in ((card.left(), -1), (card.right(), 1)):
        for cy, dy in ((card.top(), -1), (card.bottom(), 1)):
            painter.drawLine(QPointF(cx + dx * gap, cy), QPointF(cx + dx * (gap + length), cy))
            painter.drawLine(QPointF(cx, cy + dy * gap), QPointF(cx, cy + dy * (gap + length)))
    painter.restore()


def render_cards_pdf(
    cards: list[CardView],
    path: str | os.PathLike[str],
    layout: str = "a4",
    lang: str = "zh",
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Print cards to a PDF file, written atomically (``path.part`` then rename).

    Args:
        cards: Cards in print order.
        path: Target PDF file; replaced only once complete.
        layout: ``a4`` (8 per sheet with cut marks) or ``a6`` (one per page).
        lang: ``zh`` or ``en`` (English added under the Chinese labels).
        progress: Called as ``progress(done, total)`` after each card; it may
            raise ``fieldapp.errors.Cancelled`` to stop (nothing is written).

    Returns:
        The number of pages.

    Raises:
        ValueError: Unknown layout or no cards.
        FieldappError: No CJK font is installed.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    if not cards:
        raise ValueError("no cards to print")
    ensure_qt_app()
    cjk_font_family()  # fail before writing anything

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(PDF_DPI)
    writer.setTitle("明白卡 Fieldapp visit cards")
    writer.setCreator("Fieldapp")
    if layout == "a4":
        page_id, orientation, per_page = (
            QPageSize.PageSizeId.A4,
            QPageLayout.Orientation.Portrait,
            8,
        )
    else:
        page_id, orientation, per_page = (
            QPageSize.PageSizeId.A6,
            QPageLayout.Orientation.Landscape,
            1,
        )
    writer.setPageLayout(
        QPageLayout(
            QPageSize(page_id), orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter
        )
    )

    total = len(cards)
    pages = (total + per_page - 1) // per_page
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError("could not start the PDF writer")
    try:
        if progress is not None:
            progress(0, total)
        for index, card in enumerate(cards):
            slot = index % per_page
            if slot == 0 and index > 0:
                writer.newPage()
            if layout == "a4":
                rect = _to_device(a4_card_rects()[slot])
                _draw_cut_marks(painter, rect)
            else:
                page = QPageSize(page_id).size(QPageSize.Unit.Millimeter).transposed()
                rect = _to_device(
                    QRectF(0, 0, page.width(), page.height()).adjusted(
                        A6_MARGIN_MM, A6_MARGIN_MM, -A6_MARGIN_MM, -A6_MARGIN_MM
                    )
                )
            paint_card(painter, rect, card, lang)
            if progress is not None:
                progress(index + 1, total)
    finally:
        painter.end()
    buffer.close()
    write_atomic(Path(os.fspath(path)), bytes(buffer.data().data()))
    return pages
