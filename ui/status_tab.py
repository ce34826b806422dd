"""同步与备份: the sync panel (:mod:`ui.sync_panel`), this laptop's identity, and
backup to / restore from a folder, in the worker with progress."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp import maintenance
from ui.dialogs import existing_dir, open_file
from ui.errors import show_error
from ui.session import Session
from ui.sync_panel import SyncPanel


class StatusTab(QWidget):
    conflicts_requested = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        lay = QVBoxLayout(self)
        self.sync = SyncPanel(session)
        self.sync.conflicts_requested.connect(self.conflicts_requested.emit)
        lay.addWidget(self.sync)

        box = QGroupBox(self.tr("This laptop"))
        grid = QGridLayout(box)
        self.fields: dict[str, QLabel] = {}
        for i, (key, text) in enumerate((("households", self.tr("Households")), ("device_id", self.tr("Device")),
                                         ("schema_version", self.tr("Data format version")))):
            lab = QLabel()
            lab.setObjectName(f"status_{key}")
            lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(QLabel(text), 0, 2 * i)
            lab.setContentsMargins(0, 0, 24, 0)
            grid.addWidget(lab, 0, 2 * i + 1)
            self.fields[key] = lab
        grid.setColumnStretch(6, 1)
        lay.addWidget(box)

        bbox = QGroupBox(self.tr("Backup"))
        bl = QVBoxLayout(bbox)
        hint = QLabel(self.tr("A backup is an encrypted copy of everything on this laptop. Keep it on a USB stick "
                              "in a safe place; it opens only with your passphrase."))
        hint.setWordWrap(True)
        hint.setObjectName("hint")
        bl.addWidget(hint)
        row = QHBoxLayout()
        self.folder = QLineEdit()
        self.folder.setPlaceholderText(self.tr("Folder, e.g. the USB stick"))
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._browse)
        self.backup_button = QPushButton(self.tr("Back up now"))
        self.restore_button = QPushButton(self.tr("Restore from backup…"))
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        row.addWidget(self.backup_button)
        row.addWidget(self.restore_button)
        bl.addLayout(row)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        bl.addWidget(self.progress)
        self.result = QLabel()
        self.result.setWordWrap(True)
        bl.addWidget(self.result)
        lay.addWidget(bbox)
        lay.addStretch(1)
        self.backup_button.clicked.connect(lambda: self.backup())
        self.restore_button.clicked.connect(self.restore)

    @property
    def conflicts_button(self) -> QPushButton:
        return self.sync.conflicts_button

    def reload(self) -> None:
        if self.session.app is None:
            return
        self.sync.reload()
        st = self.sync.state
        for key, lab in self.fields.items():
            v = st.get(key)
            lab.setText(str(v if v not in (None, "") else "—"))

    def clear(self) -> None:
        self.sync.clear()
        for lab in self.fields.values():
            lab.clear()
        self.result.clear()

    def _browse(self) -> None:
        d = existing_dir(self, self.tr("Choose a folder"))
        if d:
            self.folder.setText(d)

    def backup(self, folder: str | None = None) -> Any:
        folder = folder or self.folder.text().strip()
        if not folder:
            self._browse()
            folder = self.folder.text().strip()
            if not folder:
                return None
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.backup_button.setEnabled(False)
        self.result.setText(self.tr("Backing up…"))
        return self.session.run(lambda a, p, c: maintenance.backup(a.store, Path(folder)), self._backup_done, self._failed)

    def _backup_done(self, path: Any) -> None:
        self.progress.setVisible(False)
        self.backup_button.setEnabled(True)
        self.result.setText(self.tr("Backup written: %1").replace("%1", str(path)))

    def _failed(self, exc: BaseException, tb: str) -> None:
        self.progress.setVisible(False)
        self.backup_button.setEnabled(True)
        self.result.clear()
        show_error(self, exc, tb)

    def restore(self) -> None:
        path = open_file(self, self.tr("Choose a backup"), self.folder.text(), "Fieldapp (*.fab)")
        if not path:
            return
        if QMessageBox.warning(self, self.tr("Restore"), self.tr("Restoring replaces the data on this laptop with the "
                               "backup. Changes made since the backup are lost. Continue?"),
                               QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No) != QMessageBox.StandardButton.Yes:
            return
        passphrase, ok = QInputDialog.getText(self, self.tr("Restore"), self.tr("Passphrase of the backup:"),
                                              QLineEdit.EchoMode.Password)
        if not ok:
            return
        home = self.session.home
        self.session.lock_now()  # the store is closed before its files are replaced
        self.session.worker.run(lambda p, c: maintenance.restore(Path(path), home, passphrase, force=True),
                                lambda r: QMessageBox.information(None, self.tr("Restore"), self.tr("Restored. Unlock to continue.")),
                                lambda e, tb: show_error(None, e, tb), uses_store=False)
