"""A small bar chart drawn with QPainter: labelled bars, value on each bar,
optional stacked segments with a legend. Used on screen and when printing."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

Segment = tuple[str, float, str]  # (legend label, value, colour)


class BarChart(QWidget):
    """Horizontal bars: ``set_data(title, [(label, [(legend, value, colour), ...]), ...])``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = ""
        self.bars: list[tuple[str, list[Segment]]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(140)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(360, 40 + 24 * max(len(self.bars), 3))

    def set_data(self, title: str, bars: Sequence[tuple[str, Sequence[Segment]]]) -> None:
        self.title = title
        self.bars = [(lab, list(segs)) for lab, segs in bars]
        self.updateGeometry()
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        try:
            paint_bars(p, QRectF(self.rect()), self.title, self.bars, self.font())
        finally:
            p.end()


def paint_bars(p: QPainter, rect: QRectF, title: str, bars: Sequence[tuple[str, Sequence[Segment]]], font: QFont) -> None:
    """Draw the chart into ``rect`` (screen or printer)."""
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    fm = QFontMetricsF(font)
    line = fm.height()
    bold = QFont(font)
    bold.setBold(True)
    p.setFont(bold)
    p.setPen(QColor("#202020"))
    p.drawText(QRectF(rect.left(), rect.top(), rect.width(), line * 1.3), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
    p.setFont(font)
    top = rect.top() + line * 1.5
    legend: dict[str, str] = {}
    for _, segs in bars:
        for name, _v, colour in segs:
            if name:
                legend.setdefault(name, colour)
    legend_h = line * 1.4 if len(legend) > 1 else 0.0
    area_h = rect.bottom() - top - legend_h
    if not bars or area_h <= 0:
        p.restore()
        return
    label_w = min(max((fm.horizontalAdvance(lab) for lab, _ in bars), default=0) + 10, rect.width() * 0.4)
    total_max = max((sum(v for _, v, _c in segs) for _, segs in bars), default=0) or 1
    bar_slot = min(area_h / len(bars), line * 2.0)
    bar_h = bar_slot * 0.7
    value_w = fm.horizontalAdvance("00000") + 6
    span = rect.width() - label_w - value_w
    for i, (lab, segs) in enumerate(bars):
        y = top + i * bar_slot
        p.setPen(QColor("#303030"))
        p.drawText(QRectF(rect.left(), y, label_w - 8, bar_slot), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                   fm.elidedText(lab, Qt.TextElideMode.ElideRight, label_w - 8))
        x = rect.left() + label_w
        total = 0.0
        for _name, value, colour in segs:
            w = span * value / total_max
            if w > 0:
                p.fillRect(QRectF(x, y + (bar_slot - bar_h) / 2, w, bar_h), QColor(colour))
            x += w
            total += value
        p.setPen(QColor("#303030"))
        p.drawText(QRectF(x + 4, y, value_w, bar_slot), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   str(int(total)) if float(total).is_integer() else f"{total:.1f}")
    if legend_h:
        x = rect.left() + label_w
        y = rect.bottom() - legend_h + line * 0.2
        for name, colour in legend.items():
            p.fillRect(QRectF(x, y + line * 0.2, line * 0.8, line * 0.8), QColor(colour))
            x += line
            p.drawText(QRectF(x, y, fm.horizontalAdvance(name) + 4, line * 1.2), Qt.AlignmentFlag.AlignVCenter, name)
            x += fm.horizontalAdvance(name) + line
    p.restore()
