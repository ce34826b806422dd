"""F1: every keyboard shortcut of the app, in the UI language.

The table is the one place the shortcuts are described; the widgets that own
them (main window, household page, visit form, dialogs) bind the same keys.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def shortcut_rows() -> list[tuple[str, str, str]]:
    """(where, keys, what) for every shortcut, translated."""
    everywhere = QCoreApplication.translate("Shortcuts", "Everywhere")
    hh = QCoreApplication.translate("Shortcuts", "Household page")
    visit = QCoreApplication.translate("Shortcuts", "Visit form")
    dlg = QCoreApplication.translate("Shortcuts", "Dialogs")
    return [
        (everywhere, "F1", QCoreApplication.translate("Shortcuts", "This list of shortcuts")),
        (everywhere, "Ctrl+F", QCoreApplication.translate("Shortcuts", "Search households")),
        (everywhere, "Alt+1 … Alt+7", QCoreApplication.translate("Shortcuts", "Go to tab 1 to 7 (households … settings)")),
        (everywhere, "Ctrl+Tab / Ctrl+Shift+Tab", QCoreApplication.translate("Shortcuts", "Next / previous tab")),
        (everywhere, "Tab / Shift+Tab", QCoreApplication.translate("Shortcuts", "Next / previous control; Tab also leaves a table")),
        (everywhere, "Ctrl+L", QCoreApplication.translate("Shortcuts", "Lock now")),
        (everywhere, "Ctrl+Shift+S", QCoreApplication.translate("Shortcuts", "Scan card with camera")),
        (QCoreApplication.translate("Shortcuts", "Household list"), "Enter", QCoreApplication.translate("Shortcuts", "Open the best match, or the selected household")),
        (hh, "Ctrl+N", QCoreApplication.translate("Shortcuts", "New visit (or back to the open one)")),
        (hh, "Ctrl+E", QCoreApplication.translate("Shortcuts", "Edit household")),
        (hh, "Alt+M / Alt+V / Alt+P / Alt+A", QCoreApplication.translate("Shortcuts", "Members / visits / problems / measures")),
        (hh, "Ctrl+1", QCoreApplication.translate("Shortcuts", "Problem: start rectifying")),
        (hh, "Ctrl+2", QCoreApplication.translate("Shortcuts", "Problem: ask for check")),
        (hh, "Ctrl+3", QCoreApplication.translate("Shortcuts", "Problem: checked, close")),
        (hh, "Ctrl+4", QCoreApplication.translate("Shortcuts", "Problem: send back")),
        (visit, "Enter", QCoreApplication.translate("Shortcuts", "Next question; after the last one, next section")),
        (visit, "Shift+Enter", QCoreApplication.translate("Shortcuts", "New line in a text field")),
        (visit, "Ctrl+PgDn / Ctrl+PgUp", QCoreApplication.translate("Shortcuts", "Next / previous section")),
        (visit, "Ctrl+Enter", QCoreApplication.translate("Shortcuts", "Finalise the visit")),
        (visit, "Ctrl+Shift+Delete", QCoreApplication.translate("Shortcuts", "Discard the draft (asks first; the answer defaults to No)")),
        (visit, "↑ ↓ / Space", QCoreApplication.translate("Shortcuts", "Choose in a list / tick a box")),
        (dlg, "Ctrl+Enter", QCoreApplication.translate("Shortcuts", "Save the problem step")),
        (dlg, "Esc", QCoreApplication.translate("Shortcuts", "Cancel")),
    ]


class ShortcutsDialog(QDialog):
    """A read-only table of the shortcuts."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        rows = shortcut_rows()
        lay = QVBoxLayout(self)
        self.table = QTableWidget(len(rows), 3)
        self.table.setTabKeyNavigation(False)
        self.table.setHorizontalHeaderLabels([self.tr("Where"), self.tr("Keys"), self.tr("Action")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(r, c, item)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(760, 560)
