"""乡镇中转站: the township office's window for the relay (DESIGN §5).

The same app, set up at first run as a relay: it holds no household data and
asks for no passphrase (it cannot read the bundles; it only checks their
signatures against the county's device list). It notices a USB stick when one
is plugged in (drive letters on Windows, mounts under /media, /run/media or
/mnt on Linux), runs :func:`sync.client.relay` on it in the worker (check,
queue, upload when the county answers, write each device's latest downlink back
onto the stick), lists every bundle with the device it came from and what the
check found, and says when the stick can be pulled out.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, QStorageInfo, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldapp.errors import FieldappError
from ui.dialogs import existing_dir
from ui.errors import user_text
from ui.worker import Worker

SERVER_KEY = "relay/server"
QUEUE_KEY = "relay/queue"
STICK_MOUNTS = ("/media/", "/run/media/", "/mnt/")


def relay_server(settings: QSettings) -> str:
    """The county server this computer relays to; empty when it is not set up as a relay."""
    return str(settings.value(SERVER_KEY, "") or "")


def removable_roots() -> list[str]:
    """Where USB sticks are mounted now: drive letters other than the system drive on
    Windows, mounts under /media, /run/media and /mnt on Linux."""
    out = []
    system = os.environ.get("SYSTEMDRIVE", "C:").upper()
    for vol in QStorageInfo.mountedVolumes():
        if not vol.isValid() or not vol.isReady() or vol.isReadOnly():
            continue
        root = vol.rootPath()
        if sys.platform == "win32":
            if not root.upper().startswith(system):
                out.append(root)
        elif root.startswith(STICK_MOUNTS):
            out.append(root)
    return sorted(out)


class StickWatcher(QObject):
    """Polls the mounted volumes; ``inserted(root)`` / ``removed(root)`` as sticks come and go."""

    inserted = Signal(str)
    removed = Signal(str)

    def __init__(self, roots: Callable[[], list[str]] = removable_roots, interval_ms: int = 1500,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.roots = roots
        self.known: set[str] = set(roots())  # sticks already in at start are not "inserted"
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    def poll(self) -> None:
        now = set(self.roots())
        for root in sorted(now - self.known):
            self.inserted.emit(root)
        for root in sorted(self.known - now):
            self.removed.emit(root)
        self.known = now


class RelayWindow(QMainWindow):
    """The relay: one stick at a time; the queue is uploaded whenever the county answers."""

    finished = Signal(dict)

    def __init__(self, settings: QSettings, roots: Callable[[], list[str]] = removable_roots,
                 relay: Callable[..., dict[str, Any]] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.server = relay_server(settings)
        self.queue = Path(str(settings.value(QUEUE_KEY, "") or Path.home() / "FieldappRelay"))
        if relay is None:
            from sync.client import relay as relay_fn

            relay = relay_fn
        self.relay = relay
        self.worker = Worker(None, self)
        self.current: str | None = None
        self.waiting: list[str] = []
        self.setWindowTitle(self.tr("Fieldapp — township relay"))
        central = QWidget()
        lay = QVBoxLayout(central)
        title = QLabel(self.tr("Township relay: USB sticks to the county and back"))
        f = title.font()
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() * 1.3)
        title.setFont(f)
        lay.addWidget(title)
        self.server_label = QLabel(self.tr("County server: %1").replace("%1", self.server))
        lay.addWidget(self.server_label)
        self.stick_label = QLabel()
        self.stick_label.setObjectName("stick")
        sf = self.stick_label.font()
        sf.setPointSizeF(sf.pointSizeF() * 1.4)
        self.stick_label.setFont(sf)
        self.stick_label.setWordWrap(True)
        lay.addWidget(self.stick_label)
        self.table = QTableWidget(0, 3)
        self.table.setTabKeyNavigation(False)
        self.table.setHorizontalHeaderLabels([self.tr("Bundle"), self.tr("From device"), self.tr("Result")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.table, 1)
        self.queue_label = QLabel()
        self.queue_label.setWordWrap(True)
        lay.addWidget(self.queue_label)
        row = QHBoxLayout()
        self.folder_button = QPushButton(self.tr("Read a folder instead…"))
        self.upload_button = QPushButton(self.tr("Upload the queue now"))
        row.addWidget(self.folder_button)
        row.addWidget(self.upload_button)
        row.addStretch(1)
        lay.addLayout(row)
        self.setCentralWidget(central)
        self.folder_button.clicked.connect(self._choose_folder)
        self.upload_button.clicked.connect(lambda: self.process(None))
        self.watcher = StickWatcher(roots, parent=self)
        self.watcher.inserted.connect(self.process)
        self.watcher.removed.connect(self._removed)
        self._show_waiting()
        queued = sorted(self.queue.glob("fieldapp-up-*.fab")) if self.queue.is_dir() else []
        self.queue_label.setText(self.tr("%1 bundles waiting in the queue.").replace("%1", str(len(queued))))

    # ----- states ----------------------------------------------------------------------
    def _show_waiting(self) -> None:
        self.stick_label.setText(self.tr("Plug in a USB stick with visit data. It is read as soon as it is in."))
        self.stick_label.setStyleSheet("")

    def _removed(self, root: str) -> None:
        if root != self.current:
            self._show_waiting()

    def _choose_folder(self) -> None:
        folder = existing_dir(self, self.tr("Choose the USB stick (or a folder on it)"))
        if folder:
            self.process(folder)

    # ----- the relay -------------------------------------------------------------------
    def process(self, folder: str | None) -> bool:
        """Check, queue and upload what is in ``folder`` (None: only upload the queue)."""
        if self.current is not None or self.worker.busy:
            if folder is not None and folder not in self.waiting:
                self.waiting.append(folder)
            return False
        self.current = folder or ""
        if folder:
            self.stick_label.setText(self.tr("Reading the stick %1 … do not pull it out yet.").replace("%1", folder))
            self.stick_label.setStyleSheet("color: #8a5a00;")
        server, queue, relay = self.server, self.queue, self.relay

        def job(progress: Any, cancelled: Any) -> dict[str, Any]:
            return relay(server, Path(folder) if folder else None, queue=queue)

        self.worker.run(job, self._done, self._failed)
        return True

    def _done(self, doc: dict[str, Any]) -> None:
        folder, self.current = self.current, None
        self._show_results(doc)
        if folder:
            n = len(doc.get("downlinks") or [])
            self.stick_label.setText(
                self.tr("Done. You can pull out the stick now. Replies for %1 laptops were written onto it.")
                .replace("%1", str(n)))
            self.stick_label.setStyleSheet("color: #1b5e20; font-weight: bold;")
        self.finished.emit(doc)
        self._next()

    def _failed(self, exc: BaseException, tb: str) -> None:
        folder, self.current = self.current, None
        if isinstance(exc, FieldappError):
            text = user_text(exc)
        else:
            from ui.errors import show_error

            show_error(self, exc, tb)
            text = ""
        if folder:
            text = self.tr("Nothing was changed on the stick; you can pull it out. %1").replace("%1", text)
        self.stick_label.setText(text)
        self.stick_label.setStyleSheet("color: #b71c1c;")
        self._next()

    def _next(self) -> None:
        if self.waiting:
            self.process(self.waiting.pop(0))

    def _show_results(self, doc: dict[str, Any]) -> None:
        results = doc.get("uploaded") or []
        self.table.setRowCount(len(results))
        zh = self._zh()
        for i, r in enumerate(results):
            device = str(r.get("device") or "")
            cells = [str(r.get("file") or ""), device[:8] if device else "—", self.result_text(r, zh)]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                if c == 1 and device:
                    item.setToolTip(device)
                self.table.setItem(i, c, item)
        queued = doc.get("queued") or []
        online = bool(doc.get("online"))
        text = self.tr("County reachable.") if online else \
            self.tr("The county cannot be reached now: good bundles wait in the office queue.")
        text += " " + self.tr("%1 bundles waiting in the queue.").replace("%1", str(len(queued)))
        self.queue_label.setText(text)

    def result_text(self, r: dict[str, Any], zh: bool) -> str:
        status = r.get("status")
        if status == "imported":
            return self.tr("Checked and delivered to the county")
        if status == "already_imported":
            return self.tr("Already delivered earlier (nothing new)")
        reason = r.get("reason_zh") if zh else r.get("reason")
        if status == "queued":
            return self.tr("Checked; waiting in the queue") + (f" — {reason}" if reason else "")
        return self.tr("Refused: %1").replace("%1", str(reason or r.get("code") or ""))

    def _zh(self) -> bool:
        return str(self.settings.value("ui/language", "zh_CN") or "zh_CN").lower().startswith("zh")

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        self.watcher.timer.stop()
        self.worker.wait()
        super().closeEvent(event)
