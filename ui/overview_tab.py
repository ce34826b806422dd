"""村情概览: this month's visits, overdue households, open problems by indicator
and age, monitored households; bar charts; a one-page printable summary."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp import overview
from fieldapp.codes import label
from fieldapp.rules import INDICATORS
from ui.badges import VERDICT_COLOURS
from ui.bar_chart import BarChart, Segment, paint_bars
from ui.dialogs import save_file
from ui.memory import release_memory
from ui.session import Session

AGE_COLOURS = {"le7": "#90caf9", "le30": "#42a5f5", "le90": "#ef6c00", "gt90": "#c62828"}


class OverviewTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.lang = session.short_lang
        self.data: dict[str, Any] = {}
        lay = QVBoxLayout(self)
        self.cards = QGridLayout()
        self.figures: dict[str, QLabel] = {}
        names = [("visits_this_month", self.tr("Visits this month")), ("overdue", self.tr("Households overdue for a visit")),
                 ("open_problems", self.tr("Open problems")), ("monitored", self.tr("Monitored households")),
                 ("households", self.tr("Households")), ("problems_past_deadline", self.tr("Problems past deadline"))]
        for i, (key, text) in enumerate(names):
            box = QWidget()
            box.setObjectName("figure")
            bl = QVBoxLayout(box)
            num = QLabel("–")
            f = num.font()
            f.setPointSizeF(f.pointSizeF() * 1.8)
            f.setBold(True)
            num.setFont(f)
            bl.addWidget(num)
            bl.addWidget(QLabel(text))
            self.figures[key] = num
            self.cards.addWidget(box, 0, i)
        lay.addLayout(self.cards)
        charts = QGridLayout()
        self.verdict_chart = BarChart()
        self.problem_chart = BarChart()
        self.age_chart = BarChart()
        self.month_chart = BarChart()
        charts.addWidget(self.verdict_chart, 0, 0)
        charts.addWidget(self.problem_chart, 0, 1)
        charts.addWidget(self.month_chart, 1, 0)
        charts.addWidget(self.age_chart, 1, 1)
        lay.addLayout(charts, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.pdf_button = QPushButton(self.tr("Save summary as PDF…"))
        self.print_button = QPushButton(self.tr("Print summary…"))
        row.addWidget(self.pdf_button)
        row.addWidget(self.print_button)
        lay.addLayout(row)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.print_button.clicked.connect(self.print_summary)

    def reload(self) -> None:
        if self.session.app is None:
            return
        self.session.run(lambda a, p, c: overview.village_overview(a), self.show_data)

    def clear(self) -> None:
        self.data = {}
        for w in self.figures.values():
            w.setText("–")
        for c in (self.verdict_chart, self.problem_chart, self.age_chart, self.month_chart):
            c.set_data("", [])

    def chart_data(self) -> dict[str, tuple[str, list[tuple[str, list[Segment]]]]]:
        d, lang = self.data, self.lang
        vlegend = ["met", "basic", "not_met", "unknown"]
        verdict_bars = [(label("indicator", ind, lang),
                         [(label("verdict", v, lang), float(d["verdicts"].get(ind, {}).get(v, 0)), VERDICT_COLOURS[v][1] if v != "not_met" else "#c62828")
                          for v in vlegend]) for ind in INDICATORS]
        problem_bars = [(label("indicator", ind, lang), [("", float(d["open_by_indicator"].get(ind, 0)), "#c62828")]) for ind in INDICATORS]
        ages = {"le7": self.tr("up to 7 days"), "le30": self.tr("8–30 days"), "le90": self.tr("31–90 days"), "gt90": self.tr("over 90 days")}
        age_bars = [(ages[k], [("", float(v), AGE_COLOURS[k])]) for k, v in d["open_by_age"].items()]
        month_bars = [(k, [("", float(v), "#1565c0")]) for k, v in d["visits_per_month"].items()]
        return {
            "verdict": (self.tr("Latest verdict per indicator (households)"), verdict_bars),
            "problem": (self.tr("Open problems by indicator"), problem_bars),
            "month": (self.tr("Visits per month"), month_bars),
            "age": (self.tr("Open problems by age"), age_bars),
        }

    def show_data(self, data: dict[str, Any]) -> None:
        self.data = data
        for key, w in self.figures.items():
            w.setText(str(data.get(key, 0)))
        cd = self.chart_data()
        self.verdict_chart.set_data(*cd["verdict"])
        self.problem_chart.set_data(*cd["problem"])
        self.month_chart.set_data(*cd["month"])
        self.age_chart.set_data(*cd["age"])
        release_memory()  # the overview's pass over every visit was a large, short-lived peak

    # ----- printing --------------------------------------------------------------
    def _printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                          QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
        return printer

    def render_page(self, printer: QPrinter) -> None:
        """One A4 page: title, the figures and the four charts."""
        if not self.data:
            return
        p = QPainter(printer)
        try:
            page = QRectF(printer.pageLayout().paintRectPixels(printer.resolution()))
            page.moveTo(0, 0)
            font = QFont(self.font())
            font.setPointSizeF(10)
            p.setFont(font)
            big = QFont(font)
            big.setPointSizeF(16)
            big.setBold(True)
            p.setFont(big)
            line = page.height() / 40
            p.drawText(QRectF(0, 0, page.width(), line * 1.6), Qt.AlignmentFlag.AlignLeft,
                       self.tr("Village overview") + "  " + str(self.data.get("today")))
            p.setFont(font)
            y = line * 2
            names = {"visits_this_month": self.tr("Visits this month"), "overdue": self.tr("Households overdue for a visit"),
                     "open_problems": self.tr("Open problems"), "monitored": self.tr("Monitored households"),
                     "households": self.tr("Households"), "problems_past_deadline": self.tr("Problems past deadline")}
            col_w = page.width() / 3
            for i, (k, text) in enumerate(names.items()):
                p.drawText(QRectF((i % 3) * col_w, y + (i // 3) * line * 1.3, col_w, line * 1.3), Qt.AlignmentFlag.AlignLeft,
                           f"{text}: {self.data.get(k, 0)}")
            y += line * 3.2
            h = (page.height() - y) / 4
            for key in ("verdict", "problem", "month", "age"):
                title, bars = self.chart_data()[key]
                paint_bars(p, QRectF(0, y, page.width(), h * 0.95), title, bars, font)
                y += h
        finally:
            p.end()

    def save_pdf(self, path: str | None = None) -> str | None:
        if path is None:
            path = save_file(self, self.tr("Save summary"), "village-overview.pdf", "PDF (*.pdf)")
        if not path:
            return None
        printer = self._printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(path)
        self.render_page(printer)
        return path

    def print_summary(self) -> None:
        printer = self._printer()
        dlg = QPrintDialog(printer, self)
        if dlg.exec():
            self.render_page(printer)
