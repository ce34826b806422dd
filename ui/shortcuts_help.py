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


def _t(text: str) -> str:
    return QCoreApplication.translate("Shortcuts", text)


def shortcut_rows() -> list[tuple[str, str, str]]:
    """(where, keys, what) for every shortcut, translated."""
    everywhere, hh, visit, dlg = _t("Everywhere"), _t("Household page"), _t("Visit form"), _t("Dialogs")
    return [
        (everywhere, "F1", _t("This list of shortcuts")),
        (everywhere, "Ctrl+F", _t("Search households")),
        (everywhere, "Alt+1 … Alt+7", _t("Go to tab 1 to 7 (households … settings)")),
        (everywhere, "Ctrl+Tab / Ctrl+Shift+Tab", _t("Next / previous tab")),
        (everywhere, "Tab / Shift+Tab", _t("Next / previous control; Tab also leaves a table")),
        (everywhere, "Ctrl+L", _t("Lock now")),
        (everywhere, "Ctrl+Shift+S", _t("Scan card with camera")),
        (everywhere, "Ctrl+Shift+Y", _t("Sync now")),
        (_t("Household list"), "Enter", _t("Open the first household found, or the selected one")),
        (hh, "Ctrl+N", _t("New visit (or back to the open one)")),
        (hh, "Ctrl+E", _t("Edit household")),
        (hh, "Alt+M / Alt+V / Alt+P / Alt+A", _t("Members / visits / problems / measures")),
        (hh, "Ctrl+1", _t("Problem: start rectifying")),
        (hh, "Ctrl+2", _t("Problem: ask for check")),
        (hh, "Ctrl+3", _t("Problem: checked, close")),
        (hh, "Ctrl+4", _t("Problem: send back")),
        (visit, "Enter", _t("Next question; after the last one, next section")),
        (visit, "Shift+Enter", _t("New line in a text field")),
        (visit, "Ctrl+PgDn / Ctrl+PgUp", _t("Next / previous section")),
        (visit, "Ctrl+Enter", _t("Finalise the visit")),
        (visit, "Ctrl+Shift+Delete", _t("Discard the draft (asks first; the answer defaults to No)")),
        (visit, "↑ ↓ / Space", _t("Choose in a list / tick a box")),
        (dlg, "Ctrl+Enter", _t("Save the problem step")),
        (dlg, "Esc", _t("Cancel")),
    ]


class ShortcutsDialog(QDialog):
    """A read-only table of the shortcuts."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_t("Keyboard shortcuts"))
        rows = shortcut_rows()
        lay = QVBoxLayout(self)
        self.table = QTableWidget(len(rows), 3)
        self.table.setTabKeyNavigation(False)
        self.table.setHorizontalHeaderLabels([_t("Where"), _t("Keys"), _t("Action")])
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
