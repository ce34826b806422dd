"""One editor widget per form field type, with a common get/set interface.

Keyboard first: every editor takes focus with Tab, and Enter moves to the next
field (the form installs :class:`EnterMovesOn`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QDoubleValidator, QIntValidator, QKeyEvent
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLineEdit, QWidget

from fieldapp.codes import code_list
from fieldapp.forms import Field


class EnterMovesOn(QObject):
    """Enter/Return in an editor moves focus on, like Tab."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and \
                event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(watched, QWidget):
            if isinstance(watched, QComboBox) and watched.view().isVisible():
                return False
            watched.focusNextChild()
            return True
        return False


class FieldEditor(QWidget):
    """Wraps the real input widget(s); ``changed`` is called when the answer is committed."""

    def __init__(self, field: Field, lang: str, on_change: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.on_change = on_change
        self._loading = False
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.inputs: list[QWidget] = []
        t = field.type
        if t == "bool":
            combo = QComboBox()
            combo.addItem("—", None)
            combo.addItem(self.tr("Yes"), True)
            combo.addItem(self.tr("No"), False)
            combo.currentIndexChanged.connect(self._changed)
            self.inputs.append(combo)
        elif t == "choice":
            combo = QComboBox()
            combo.addItem("—", None)
            for c in code_list(field.list_name or ""):
                combo.addItem(c.text(lang), c.code)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(self._changed)
            self.inputs.append(combo)
        elif t == "multi_choice":
            for c in code_list(field.list_name or ""):
                box = QCheckBox(c.text(lang))
                box.setProperty("code", c.code)
                box.toggled.connect(self._changed)
                self.inputs.append(box)
        else:
            edit = QLineEdit()
            if t == "int":
                edit.setValidator(QIntValidator(int(field.min if field.min is not None else -10**9),
                                                int(field.max if field.max is not None else 10**9), edit))
            elif t == "number":
                v = QDoubleValidator(edit)
                v.setNotation(QDoubleValidator.Notation.StandardNotation)
                edit.setValidator(v)
            elif t == "date":
                edit.setPlaceholderText("2026-05-01")
                edit.setMaximumWidth(140)
            elif t == "datetime":
                edit.setPlaceholderText("2026-05-01T10:30")
            if t in ("int", "number"):
                edit.setMaximumWidth(140)
            edit.editingFinished.connect(self._changed)
            self.inputs.append(edit)
        for w in self.inputs:
            lay.addWidget(w)
        if field.unit_text(lang):
            from PySide6.QtWidgets import QLabel

            lay.addWidget(QLabel(field.unit_text(lang)))
        lay.addStretch(1)
        self.setFocusProxy(self.inputs[0])
        self._last = self.value()

    def _changed(self, *args: Any) -> None:
        if self._loading:
            return
        value = self.value()
        if value == self._last:
            return
        self._last = value
        self.on_change()

    def value(self) -> Any:
        t = self.field.type
        w = self.inputs[0]
        if isinstance(w, QComboBox):
            return w.currentData()
        if t == "multi_choice":
            picked = [str(b.property("code")) for b in self.inputs if isinstance(b, QCheckBox) and b.isChecked()]
            return picked or None
        assert isinstance(w, QLineEdit)
        text = w.text().strip()
        if not text:
            return None
        if t == "int":
            try:
                return int(text)
            except ValueError:
                return text
        if t == "number":
            try:
                num = float(text.replace(",", ""))
                return int(num) if num.is_integer() else num
            except ValueError:
                return text
        return text

    def set_value(self, value: Any) -> None:
        self._loading = True
        try:
            w = self.inputs[0]
            if isinstance(w, QComboBox):
                w.setCurrentIndex(max(w.findData(value), 0))
            elif self.field.type == "multi_choice":
                chosen = set(value or [])
                for b in self.inputs:
                    if isinstance(b, QCheckBox):
                        b.setChecked(str(b.property("code")) in chosen)
            elif isinstance(w, QLineEdit):
                w.setText("" if value is None else str(value))
        finally:
            self._loading = False
        self._last = self.value()
