"""同步: the county sync panel. Shows the last sync, the enrolled server, the
outbox and the conflicts; runs "sync now", USB export and import, and
enrollment through the same services as the ``fieldapp`` CLI (``sync.client``,
``sync.device`` via ``sync.gui_support``), on the worker with progress and cancel.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.errors import FieldappError
from sync import gui_support as gs
from ui.dialogs import existing_dir, open_file
from ui.errors import show_error, user_text
from ui.session import Session
from ui.worker import Job


class EnrollDialog(QDialog):
    """Server address and the one-time code from county IT (what ``fieldapp enroll`` asks for)."""

    def __init__(self, server: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Enroll this laptop"))
        lay = QVBoxLayout(self)
        hint = QLabel(self.tr("County IT gives you the server address and a one-time enrollment code. "
                              "The laptop must be online for this step."))
        hint.setWordWrap(True)
        lay.addWidget(hint)
        form = QFormLayout()
        self.server = QLineEdit(server)
        self.server.setPlaceholderText("https://county.example.gov.cn:8470")
        self.code = QLineEdit()
        self.code.setPlaceholderText(self.tr("e.g. ABCD-EFGH-JKLM"))
        self.fingerprint = QLineEdit()
        self.fingerprint.setPlaceholderText(self.tr("optional, from county IT"))
        form.addRow(self.tr("Server address"), self.server)
        form.addRow(self.tr("Enrollment code"), self.code)
        form.addRow(self.tr("Certificate fingerprint"), self.fingerprint)
        lay.addLayout(form)
        self.message = QLabel()
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Enroll"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def _accept(self) -> None:
        url = self.server.text().strip()
        if not url.startswith(("https://", "http://")):
            self.message.setText(self.tr("The address must start with https://"))
            return
        if not self.code.text().strip():
            self.message.setText(self.tr("Enter the enrollment code."))
            return
        self.accept()

    def values(self) -> tuple[str, str, str | None]:
        return self.server.text().strip(), self.code.text().strip(), self.fingerprint.text().strip() or None


class SyncPanel(QGroupBox):
    """The sync section of the "Sync and backup" tab."""

    conflicts_requested = Signal()
    synced = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Synchronisation with the county"), parent)
        self.session = session
        self.job: Job | None = None
        self.kind = ""
        lay = QVBoxLayout(self)
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.fields: dict[str, QLabel] = {}

        def field(key: str, text: str, row: int, col: int) -> QLabel:
            lab = QLabel()
            lab.setObjectName(f"status_{key}")
            lab.setWordWrap(True)
            grid.addWidget(QLabel(text), row, col)
            grid.addWidget(lab, row, col + 1)
            self.fields[key] = lab
            return lab

        field("last_sync", self.tr("Last synchronisation"), 0, 0)
        field("server", self.tr("Enrolled server"), 1, 0)
        field("villages", self.tr("Villages"), 2, 0)
        field("outbox_pending", self.tr("Changes waiting to be sent"), 0, 2)
        field("held_by_county", self.tr("Changes held by the county"), 2, 2)
        conflicts = QLabel()
        conflicts.setObjectName("status_conflicts")
        self.fields["conflicts"] = conflicts
        self.conflicts_button = QPushButton(self.tr("Review conflicts"))
        self.conflicts_button.clicked.connect(self.conflicts_requested.emit)
        grid.addWidget(QLabel(self.tr("Conflicts waiting for review")), 1, 2)
        crow = QHBoxLayout()
        crow.addWidget(conflicts)
        crow.addWidget(self.conflicts_button)
        crow.addStretch(1)
        grid.addLayout(crow, 1, 3)
        lay.addLayout(grid)

        row = QHBoxLayout()
        self.sync_button = QPushButton(self.tr("Sync now"))
        self.export_button = QPushButton(self.tr("Export to USB…"))
        self.import_button = QPushButton(self.tr("Import from USB…"))
        self.enroll_button = QPushButton(self.tr("Enroll with the county…"))
        for b in (self.sync_button, self.export_button, self.import_button, self.enroll_button):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        prow = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setVisible(False)
        prow.addWidget(self.progress, 1)
        prow.addWidget(self.cancel_button)
        lay.addLayout(prow)
        self.result = QLabel()
        self.result.setObjectName("sync_result")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.result)
        self.held_note = QLabel()
        self.held_note.setObjectName("held_note")
        self.held_note.setWordWrap(True)
        self.held_note.setVisible(False)
        lay.addWidget(self.held_note)
        note = QLabel(self.tr("Exporting to USB is not delivery: the changes stay in \"waiting to be sent\" until the "
                              "county acknowledges them (after the next sync, or when you import the county's reply "
                              "bundle from the stick)."))
        note.setObjectName("hint")
        note.setWordWrap(True)
        lay.addWidget(note)

        self.sync_button.clicked.connect(lambda: self.sync_now())
        self.export_button.clicked.connect(lambda: self.export_usb())
        self.import_button.clicked.connect(lambda: self.import_usb())
        self.enroll_button.clicked.connect(lambda: self.enroll())
        self.cancel_button.clicked.connect(self.cancel)
        self.state: dict[str, Any] = {}

    # ----- state --------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.job is not None

    def reload(self) -> None:
        if self.session.app is None:
            return
        st = self.session.call(gs.panel_state)
        self.state = st
        self.fields["last_sync"].setText(_when(st.get("last_sync")) or self.tr("never"))
        if st.get("enrolled"):
            server = str(st.get("server") or "—")
            if st.get("county"):
                server += "  " + self.tr("(county %1)").replace("%1", str(st["county"]))
            self.fields["server"].setText(server)
        else:
            self.fields["server"].setText(self.tr("not enrolled yet"))
        self.fields["villages"].setText("、".join(st.get("villages") or []) or "—")
        self.fields["outbox_pending"].setText(str(st.get("outbox_pending", 0)))
        held, aside = int(st.get("held_by_county", 0) or 0), int(st.get("set_aside", 0) or 0)
        self.fields["held_by_county"].setText(str(held))
        notes = []
        if held:
            notes.append(self.tr("%1 changes were held by the county: they are outside this laptop's villages or "
                                 "malformed. County IT can release or reject them.").replace("%1", str(held)))
        if aside:
            notes.append(self.tr("%1 changes received from the county could not be applied and were set aside; "
                                 "everything else was applied.").replace("%1", str(aside)))
        self.held_note.setText("\n".join(notes))
        self.held_note.setVisible(bool(notes))
        self.fields["conflicts"].setText(str(st.get("conflicts", 0)))
        self.conflicts_button.setEnabled(bool(st.get("conflicts")))
        self._update_buttons()

    def _update_buttons(self) -> None:
        enrolled = bool(self.state.get("enrolled"))
        idle = not self.busy and self.session.is_open
        self.sync_button.setEnabled(idle and enrolled)
        self.export_button.setEnabled(idle and enrolled)
        self.import_button.setEnabled(idle and enrolled)
        self.enroll_button.setEnabled(idle and not enrolled)
        self.enroll_button.setVisible(not enrolled)
        tip = "" if enrolled else self.tr("Enroll this laptop with the county first.")
        for b in (self.sync_button, self.export_button, self.import_button):
            b.setToolTip(tip)

    def clear(self) -> None:
        self.cancel()
        for lab in self.fields.values():
            lab.clear()
        self.result.clear()
        self.state = {}

    # ----- running jobs -------------------------------------------------------------------
    def _start(self, kind: str, text: str, fn: Any, on_done: Any, cancellable: bool = False) -> Job | None:
        if self.busy or self.session.app is None:
            return None
        self.kind = kind
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(cancellable)
        self.cancel_button.setEnabled(cancellable)
        self.result.setText(text)

        def done(res: Any) -> None:
            self._finish()
            on_done(res)

        job = self.session.run(fn, done, self._failed, self._progress)
        if job is None:
            self._finish()
            return None
        self.job = job
        job.signals.failed.connect(lambda *_: self._finish(cancelled_ok=True))
        self._update_buttons()
        return job

    def _finish(self, cancelled_ok: bool = False) -> None:
        was = self.job
        self.job = None
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        if cancelled_ok and was is not None and was.cancelled():
            self.result.setText(self.tr("Cancelled. Nothing was lost; what the county already acknowledged stays "
                                        "acknowledged."))
        if self.session.is_open:
            self.reload()
        else:
            self._update_buttons()

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)

    def _progress(self, done: int, total: int) -> None:
        if self.kind != "sync":
            return
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            self.result.setText(self.tr("Sending changes… %1 of %2").replace("%1", str(done)).replace("%2", str(total)))
        else:
            self.progress.setRange(0, 0)
            self.result.setText(self.tr("Receiving changes… %1").replace("%1", str(done)))

    def _failed(self, exc: BaseException, tb: str) -> None:
        self._finish()
        if isinstance(exc, FieldappError):
            self.result.setText(user_text(exc))
        else:
            self.result.clear()
            show_error(self, exc, tb)

    # ----- sync now ---------------------------------------------------------------------
    def sync_now(self, retries: int | None = None) -> Job | None:
        """Push then pull in the worker; ``retries`` per request (``None``: the client's default)."""
        lock = self.session.lock

        @contextmanager
        def release() -> Iterator[None]:
            # The worker holds the store lock for the whole job; during each network
            # wait the UI thread may save what the user types (DESIGN §5: never blocks typing).
            lock.release()
            try:
                yield
            finally:
                lock.acquire()

        def job(app: Any, progress: Any, cancelled: Any) -> Any:
            def stage(name: str, done: int, total: int) -> None:
                progress(done, total if name == "push" else 0)

            return gs.sync_now(app, stage, cancelled, release, retries=retries)

        return self._start("sync", self.tr("Connecting to the county server…"), job, self._synced, cancellable=True)

    def _synced(self, doc: dict[str, Any]) -> None:
        self.result.setText(self.tr("Synchronised: sent %1, received %2; %3 waiting to be sent.")
                            .replace("%1", str(doc.get("pushed", 0))).replace("%2", str(doc.get("pulled", 0)))
                            .replace("%3", str(doc.get("outbox_pending", 0))))
        self.session.notify("")
        self.synced.emit()

    # ----- USB ------------------------------------------------------------------------------
    def export_usb(self, folder: str | None = None) -> Job | None:
        if folder is None:
            folder = existing_dir(self, self.tr("Choose the USB stick (or a folder on it)"))
        if not folder:
            return None
        return self._start("export", self.tr("Writing the bundle to %1…").replace("%1", folder),
                           lambda a, p, c: gs.export_to_folder(a, Path(folder)), self._exported)

    def _exported(self, doc: dict[str, Any]) -> None:
        self.result.setText(self.tr("Bundle written: %1 (%2 changes). This is not delivery yet: take the stick to "
                                    "the township office; the changes stay waiting until the county acknowledges "
                                    "them.").replace("%1", str(doc["path"])).replace("%2", str(doc["ops"])))

    def import_usb(self, path: str | None = None) -> Job | None:
        if path is None:
            path = open_file(self, self.tr("Choose the county's bundle"), "",
                             self.tr("Fieldapp bundles (*.fab);;All files (*)"))
        if not path:
            return None
        return self._start("import", self.tr("Importing %1…").replace("%1", path),
                           lambda a, p, c: gs.import_from_file(a, Path(path)), self._imported)

    def _imported(self, res: dict[str, Any]) -> None:
        if res.get("status") != "imported":
            self.result.setText(str(res.get("reason_zh") if self.session.short_lang == "zh" else res.get("reason")))
            return
        self.result.setText(self.tr("Imported %1 changes from the county.").replace("%1", str(res.get("applied", 0))))
        self.session.notify("")
        self.synced.emit()

    # ----- enrollment ----------------------------------------------------------------------
    def enroll(self, values: tuple[str, str, str | None] | None = None) -> Job | None:
        if values is None:
            dlg = EnrollDialog(str(self.state.get("server") or ""), self)
            try:
                if not dlg.exec():
                    return None
                values = dlg.values()
            finally:
                dlg.deleteLater()
        server, code, fingerprint = values

        def job(app: Any, progress: Any, cancelled: Any) -> Any:
            from sync.client import enroll

            return enroll(app, server, code, fingerprint)

        return self._start("enroll", self.tr("Enrolling with %1…").replace("%1", server), job, self._enrolled)

    def _enrolled(self, doc: dict[str, Any]) -> None:
        self.result.setText(self.tr("Enrolled with county %1 for villages %2.")
                            .replace("%1", str(doc.get("county", ""))).replace("%2", "、".join(doc.get("villages") or [])))


def _when(iso: Any) -> str:
    """``2026-05-04T08:30:12Z`` -> ``2026-05-04 08:30`` (local clock not guessed: the stored UTC time)."""
    if not iso:
        return ""
    s = str(iso).replace("T", " ")
    return s[:16] + (" UTC" if str(iso).endswith("Z") else "")
