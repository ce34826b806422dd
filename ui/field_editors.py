"""One editor widget per form field type, with a common get/set interface.

Keyboard first: every editor takes focus with Tab, and Enter moves to the next
field (the form installs :class:`EnterMovesOn`). Nothing typed is dropped:
number and date fields have no input mask; what was typed is read by
:func:`fieldapp.typed.read_typed` (full-width digits folded) and, when it does
not parse, kept as text for the validator to explain next to the field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QWidget,
)

from fieldapp.codes import code_list
from fieldapp.forms import Field
from fieldapp.typed import read_typed

TEXT_LINES = 3  # free text (people met, notes): room for a sentence or two without scrolling


class EnterMovesOn(QObject):
    """Enter/Return in an editor calls ``move_on(widget)`` (the form decides where focus goes).

    Shift+Enter still starts a new line in a multi-line text field.
    """

    def __init__(self, move_on: Callable[[QWidget], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.move_on = move_on

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and \
                event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(watched, QWidget):
            mods = event.modifiers()
            if mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
                return False  # Ctrl+Enter is "finalise"
            if isinstance(watched, QPlainTextEdit) and mods & Qt.KeyboardModifier.ShiftModifier:
                return False
            if isinstance(watched, QComboBox) and watched.view().isVisible():
                return False
            self.move_on(watched)
            return True
        return False


class _TextBox(QPlainTextEdit):
    """A wide multi-line text field that commits when focus leaves it."""

    committed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        lines = self.fontMetrics().lineSpacing() * TEXT_LINES
        self.setFixedHeight(lines + 2 * self.frameWidth() + 8)
        self.setMinimumWidth(360)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def focusOutEvent(self, e: QFocusEvent) -> None:  # noqa: N802 - Qt API
        super().focusOutEvent(e)
        self.committed.emit()


class FieldEditor(QWidget):
    """Wraps the real input widget(s).

    ``on_change`` is called when the answer is committed (Enter, focus leaving,
    a choice picked); ``edited`` is emitted on every keystroke in a text box so
    the form can save a draft once typing pauses.
    """

    edited = Signal()

    def __init__(self, field: Field, lang: str, on_change: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.on_change = on_change
        self._loading = False
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.inputs: list[QWidget] = []
        t = field.type
        stretch = True
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
        elif t == "text":
            text = _TextBox()
            text.committed.connect(self._changed)
            text.textChanged.connect(self._edited)
            self.inputs.append(text)
            stretch = False
        else:
            edit = QLineEdit()
            if t == "date":
                edit.setPlaceholderText("2026-05-01")
            elif t == "datetime":
                edit.setPlaceholderText("2026-05-01T10:30")
            edit.setMaximumWidth(180 if t == "datetime" else 140)
            edit.editingFinished.connect(self._changed)
            edit.textEdited.connect(self._edited)
            self.inputs.append(edit)
        for w in self.inputs:
            lay.addWidget(w)
        if field.unit_text(lang):
            lay.addWidget(QLabel(field.unit_text(lang)))
        if stretch:
            lay.addStretch(1)
        self.setFocusProxy(self.inputs[0])
        self._last = self.value()

    def _edited(self, *args: Any) -> None:
        if not self._loading:
            self.edited.emit()

    def _changed(self, *args: Any) -> None:
        if self._loading:
            return
        value = self.value()
        if value == self._last:
            return
        self._last = value
        w = self.inputs[0]
        # Show the number or date as read (１０００ -> 1000); text that did not parse stays as typed.
        if isinstance(w, QLineEdit) and value is not None and (not isinstance(value, str) or self.field.type == "date"):
            shown = str(value)
            if shown != w.text():
                self._loading = True
                try:
                    w.setText(shown)
                finally:
                    self._loading = False
        self.on_change()

    def commit(self) -> None:
        """Take what is in the editor now as the answer (lock, focus loss, close)."""
        self._changed()

    def value(self) -> Any:
        t = self.field.type
        w = self.inputs[0]
        if isinstance(w, QComboBox):
            return w.currentData()
        if t == "multi_choice":
            picked = [str(b.property("code")) for b in self.inputs if isinstance(b, QCheckBox) and b.isChecked()]
            return picked or None
        if isinstance(w, QPlainTextEdit):
            return read_typed(w.toPlainText(), t)
        assert isinstance(w, QLineEdit)
        return read_typed(w.text(), t)

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
            elif isinstance(w, QPlainTextEdit):
                w.setPlainText("" if value is None else str(value))
            elif isinstance(w, QLineEdit):
                w.setText("" if value is None else str(value))
        finally:
            self._loading = False
        self._last = self.value()
