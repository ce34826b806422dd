"""Edit household or member fields; the core validates and its messages show in place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fieldapp.codes import code_list
from fieldapp.errors import FieldappError, ValidationFailed
from ui.errors import user_text

# (field, list name or None)
HOUSEHOLD_EDITABLE: tuple[tuple[str, str | None], ...] = (
    ("group", None), ("address", None), ("phone", None), ("household_type", "household_type"),
    ("monitoring_type", "monitoring_type"), ("notes", None),
)
MEMBER_EDITABLE: tuple[tuple[str, str | None], ...] = (
    ("name", None), ("id_number", None), ("relation", "relation"), ("phone", None), ("schooling", "schooling"),
    ("labour", "labour"), ("medical_insurance", "medical_insurance"),
)


class EditDialog(QDialog):
    """A form over some fields; ``save(field, value)`` is called for each changed one."""

    def __init__(self, title: str, fields: tuple[tuple[str, str | None], ...], labels: dict[str, str],
                 record: dict[str, Any], save: Callable[[str, Any], object], lang: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.record = record
        self.save_fn = save
        self.editors: dict[str, QLineEdit | QComboBox] = {}
        lay = QVBoxLayout(self)
        form = QFormLayout()
        for name, list_name in fields:
            value = record.get(name)
            if list_name:
                combo = QComboBox()
                combo.addItem("—", None)
                for c in code_list(list_name):
                    combo.addItem(c.text(lang), c.code)
                combo.setCurrentIndex(max(combo.findData(value), 0))
                self.editors[name] = combo
            else:
                edit = QLineEdit("" if value is None else str(value))
                self.editors[name] = edit
            form.addRow(labels.get(name, name), self.editors[name])
        lay.addLayout(form)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b71c1c;")
        self.message.setObjectName("error")
        lay.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def value(self, name: str) -> Any:
        w = self.editors[name]
        if isinstance(w, QComboBox):
            return w.currentData()
        return w.text().strip()

    def apply(self) -> None:
        for name in self.editors:
            new = self.value(name)
            old = self.record.get(name)
            if (old or None) == (new or None):
                continue
            try:
                self.save_fn(name, new)
            except ValidationFailed as exc:
                self.message.setText(user_text(exc))
                self.editors[name].setFocus()
                return
            except FieldappError as exc:
                self.message.setText(user_text(exc))
                return
            self.record[name] = new
        self.accept()
