"""明白卡: choose village / group / households, preview (paint_card), save PDF or print."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QMarginsF, Qt
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp import overview
from ui.cards_render import a4_card_rects, paint_card, render_cards_pdf
from ui.dialogs import save_file
from ui.errors import show_error
from ui.print_preview import page_width_preview
from ui.session import Session

PER_PAGE = 8


class CardsDialog(QDialog):
    def __init__(self, session: Session, preselect: list[str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.tr("Print household cards (明白卡)"))
        self.rows: list[dict[str, Any]] = session.call(lambda a: a.household_rows())
        villages = session.call(overview.villages)
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        self.village = QComboBox()
        self.village.addItem(self.tr("All villages"), None)
        for code, name in villages:
            self.village.addItem(name, code)
        self.group = QComboBox()
        self.group.addItem(self.tr("All groups"), None)
        for g in sorted({r["group"] for r in self.rows if r["group"]}, key=lambda g: (len(g), g)):
            self.group.addItem(g, g)
        self.unprinted = QComboBox()
        self.unprinted.addItem(self.tr("All households"), False)
        self.unprinted.addItem(self.tr("Only households without a card"), True)
        for w in (self.village, self.group, self.unprinted):
            top.addWidget(w)
            w.currentIndexChanged.connect(self._fill)
        top.addStretch(1)
        lay.addLayout(top)
        self.list = QListWidget()
        lay.addWidget(self.list, 1)
        sel = QHBoxLayout()
        all_b = QPushButton(self.tr("Select all"))
        none_b = QPushButton(self.tr("Select none"))
        all_b.clicked.connect(lambda: self._check_all(True))
        none_b.clicked.connect(lambda: self._check_all(False))
        sel.addWidget(all_b)
        sel.addWidget(none_b)
        self.count = QLabel()
        sel.addWidget(self.count, 1)
        lay.addLayout(sel)
        note = QLabel(self.tr("Printing gives each card a new number; older cards of the same household stop working."))
        note.setWordWrap(True)
        note.setObjectName("hint")
        lay.addWidget(note)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        lay.addWidget(self.progress)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.preview_button = buttons.addButton(self.tr("Preview…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.pdf_button = buttons.addButton(self.tr("Save PDF…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button = buttons.addButton(self.tr("Print…"), QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.preview_button.clicked.connect(self.preview)
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        self.print_button.clicked.connect(self.print_cards)
        lay.addWidget(buttons)
        self.preselect = set(preselect or [])
        self.list.itemChanged.connect(self._update_count)
        self._fill()
        self.resize(640, 560)

    def _fill(self) -> None:
        v, g, only_new = self.village.currentData(), self.group.currentData(), self.unprinted.currentData()
        self.list.blockSignals(True)
        self.list.clear()
        for r in self.rows:
            if (v and r["village_code"] != v) or (g and r["group"] != g) or (only_new and r["card_serial"]):
                continue
            serial = int(r["card_serial"] or 0)
            text = f"{r['head_name']}  ·  {r['group']}  ·  " + (self.tr("card No. %1").replace("%1", str(serial)) if serial else self.tr("no card yet"))
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, r["id"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if (not self.preselect or r["id"] in self.preselect) else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self._update_count()

    def _check_all(self, on: bool) -> None:
        for i in range(self.list.count()):
            self.list.item(i).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def _update_count(self, *args: Any) -> None:
        self.count.setText(self.tr("%1 cards").replace("%1", str(len(self.chosen()))))

    def chosen(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def _issue(self) -> list[Any]:
        ids = self.chosen()
        if not ids:
            return []
        lang = self.session.short_lang
        cards = self.session.call(lambda a: a.issue_cards(ids, lang))
        self.session.notify("")
        return cards

    def save_pdf(self, path: str | None = None) -> Any:
        if path is None:
            path = save_file(self, self.tr("Save cards"), "cards.pdf", "PDF (*.pdf)")
        if not path:
            return None
        cards = self._issue()
        if not cards:
            return None
        lang = self.session.short_lang
        self.progress.setVisible(True)
        self.progress.setRange(0, len(cards))
        return self.session.worker.run(lambda p, c: render_cards_pdf(cards, path, "a4", lang, p),
                                       lambda pages: self.progress.setVisible(False),
                                       lambda e, tb: show_error(self, e, tb),
                                       lambda done, total: self.progress.setValue(done), uses_store=False)

    def _paint(self, printer: QPrinter, cards: list[Any]) -> None:
        printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                          QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter))
        p = QPainter(printer)
        try:
            scale = printer.resolution() / 25.4
            for i, card in enumerate(cards):
                if i and i % PER_PAGE == 0:
                    printer.newPage()
                r = a4_card_rects()[i % PER_PAGE]
                from PySide6.QtCore import QRectF

                paint_card(p, QRectF(r.x() * scale, r.y() * scale, r.width() * scale, r.height() * scale), card,
                           self.session.short_lang)
        finally:
            p.end()

    def preview(self) -> None:
        """Preview the chosen cards as they would print (serials shown are the next ones)."""
        cards = self._preview_cards()
        if not cards:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dlg = page_width_preview(printer, self)
        dlg.paintRequested.connect(lambda pr: self._paint(pr, cards))
        dlg.exec()

    def _preview_cards(self) -> list[Any]:
        """The cards exactly as they will print next (serial + 1); nothing is issued by a preview."""
        ids = self.chosen()
        lang = self.session.short_lang
        return list(self.session.call(lambda a: a.card_views(ids, lang)))

    def print_cards(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec():
            cards = self._issue()
            if cards:
                self._paint(printer, cards)
