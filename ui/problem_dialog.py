"""One step of a ledger entry (整改销号): a note, and who checked it when closing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class ProblemStepDialog(QDialog):
    def __init__(self, title: str, needs_verifier: bool, actor: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(90)
        form.addRow(self.tr("Note"), self.note)
        self.verifier = QLineEdit(actor)
        if needs_verifier:
            form.addRow(self.tr("Checked by"), self.verifier)
            hint = QLabel(self.tr("Closing needs a note on how it was fixed, and a checker other than the person who reported it."))
            hint.setWordWrap(True)
            hint.setObjectName("hint")
            lay.addWidget(hint)
        lay.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        # Enter in the note starts a new line; Ctrl+Enter records the step (Tab reaches OK too).
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.accept).setContext(Qt.ShortcutContext.WindowShortcut)
        hint = QLabel(self.tr("Ctrl+Enter: save this step"))
        hint.setObjectName("hint")
        lay.addWidget(hint)

    def values(self) -> tuple[str, str]:
        return self.note.toPlainText().strip(), self.verifier.text().strip()
