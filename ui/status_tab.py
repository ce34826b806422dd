"""同步与备份: the laptop's state from ``status()`` (pending changes, last sync,
conflicts), and backup to / restore from a folder, in the worker with progress."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
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
from ui.errors import show_error
from ui.session import Session


class StatusTab(QWidget):
    conflicts_requested = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        lay = QVBoxLayout(self)
        box = QGroupBox(self.tr("This laptop"))
        form = QFormLayout(box)
        self.fields: dict[str, QLabel] = {}
        for key, text in (("households", self.tr("Households")), ("outbox_pending", self.tr("Changes waiting to be sent")),
                          ("last_sync", self.tr("Last synchronisation")), ("server", self.tr("County server")),
                          ("conflicts", self.tr("Conflicts to review")), ("enrolled", self.tr("Enrolled with the county")),
                          ("county", self.tr("County code")), ("device_id", self.tr("Device")),
                          ("schema_version", self.tr("Data format version"))):
            lab = QLabel()
            lab.setObjectName(f"status_{key}")
            form.addRow(text, lab)
            self.fields[key] = lab
        lay.addWidget(box)
        self.conflicts_button = QPushButton(self.tr("Review conflicts"))
        self.conflicts_button.clicked.connect(self.conflicts_requested.emit)
        sync_note = QLabel(self.tr("Synchronisation with the county server and USB exchange are started from the "
                                   "command line for now (fieldapp sync, fieldapp export / import)."))
        sync_note.setWordWrap(True)
        sync_note.setObjectName("hint")
        lay.addWidget(sync_note)
        lay.addWidget(self.conflicts_button)

        bbox = QGroupBox(self.tr("Backup"))
        bl = QVBoxLayout(bbox)
        hint = QLabel(self.tr("A backup is an encrypted copy of everything on this laptop. Keep it on a USB stick "
                              "in a safe place; it opens only with your passphrase."))
        hint.setWordWrap(True)
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

    def reload(self) -> None:
        if self.session.app is None:
            return
        st = self.session.call(lambda a: a.status())
        yes, no = self.tr("yes"), self.tr("no")
        for key, lab in self.fields.items():
            v = st.get(key)
            if isinstance(v, bool):
                v = yes if v else no
            if key == "last_sync" and not v:
                v = self.tr("never")
            if key == "server" and not v:
                v = self.tr("not set (see Settings)")
            lab.setText(str(v if v not in (None, "") else "—"))
        self.conflicts_button.setEnabled(bool(st.get("conflicts")))

    def clear(self) -> None:
        for lab in self.fields.values():
            lab.clear()
        self.result.clear()

    def _browse(self) -> None:
        d = QFileDialog.getExistingDirectory(self, self.tr("Choose a folder"))
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
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a backup"), self.folder.text(), "Fieldapp (*.fab)")
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
