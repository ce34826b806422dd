"""Add an assistance measure (帮扶措施) to a household."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fieldapp.codes import code_list


class MeasureDialog(QDialog):
    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add assistance measure"))
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.category = QComboBox()
        for c in code_list("measure"):
            self.category.addItem(c.text(lang), c.code)
        self.description = QLineEdit()
        self.start = QDateEdit(QDate.currentDate())
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("yyyy-MM-dd")
        form.addRow(self.tr("Measure"), self.category)
        form.addRow(self.tr("Details"), self.description)
        form.addRow(self.tr("From"), self.start)
        lay.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def values(self) -> tuple[str, str, str]:
        return str(self.category.currentData()), self.description.text().strip(), self.start.date().toString("yyyy-MM-dd") or date.today().isoformat()
