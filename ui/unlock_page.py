"""Unlock screen and first-run enrolment.

Key derivation (Argon2id, ~0.5 s on a cheap laptop) runs in the worker while a
busy bar shows; a wrong passphrase shows the core's translated refusal (with
the growing delay it reports).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.errors import FieldappError, InputRefused
from fieldapp.keys import check_passphrase_strength, passphrase_strength
from fieldapp.store import Store, store_exists
from ui.errors import show_error, user_text
from ui.worker import Worker

if TYPE_CHECKING:
    from fieldapp.services import Fieldapp

STRENGTH_COLOURS = ("#c62828", "#ef6c00", "#f9a825", "#7cb342", "#2e7d32")


class UnlockPage(QWidget):
    """Passphrase entry; emits ``opened(Fieldapp)`` once the store is unlocked."""

    opened = Signal(object)
    relay_requested = Signal(str)  # first run: this computer is the township office's relay (server URL)

    def __init__(self, home: Path, worker: Worker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.home = Path(home)
        self.worker = worker
        self.job: Any = None
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QFrame()
        box.setObjectName("unlockBox")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        box.setMaximumWidth(620)
        lay = QVBoxLayout(box)
        lay.setSpacing(10)
        self.title = QLabel()
        self.title.setObjectName("unlockTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        lay.addWidget(self.title)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        lay.addWidget(self.intro)

        form = QFormLayout()
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("e.g. 王建国"))
        self.county_edit = QLineEdit()
        self.county_edit.setInputMask("999999;_")
        self.county_edit.setMaximumWidth(120)
        self.pass_edit = QLineEdit()
        self.pass_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pass_edit.setObjectName("passphrase")
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm_edit.setObjectName("confirm")
        self.strength = QProgressBar()
        self.strength.setRange(0, 4)
        self.strength.setTextVisible(False)
        self.strength.setMaximumHeight(8)
        self.strength_label = QLabel()
        self.name_label = QLabel(self.tr("Your name"))
        self.county_label = QLabel(self.tr("County code (optional)"))
        self.pass_label = QLabel(self.tr("Passphrase"))
        self.confirm_label = QLabel(self.tr("Repeat passphrase"))
        form.addRow(self.name_label, self.name_edit)
        form.addRow(self.county_label, self.county_edit)
        form.addRow(self.pass_label, self.pass_edit)
        strength_row = QVBoxLayout()
        strength_row.addWidget(self.strength)
        strength_row.addWidget(self.strength_label)
        self.strength_box = QWidget()
        self.strength_box.setLayout(strength_row)
        strength_row.setContentsMargins(0, 0, 0, 0)
        form.addRow("", self.strength_box)
        form.addRow(self.confirm_label, self.confirm_edit)
        lay.addLayout(form)

        self.recovery = QLabel(self.tr(
            "If you forget the passphrase, county IT can recover the data on this laptop once it has "
            "been enrolled with the county server (the county recovery key). Until then, a forgotten "
            "passphrase means the data cannot be opened. Write the passphrase down and keep it safe."))
        self.recovery.setWordWrap(True)
        self.recovery.setObjectName("hint")
        lay.addWidget(self.recovery)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("error")
        self.message.setStyleSheet("color: #b71c1c;")
        lay.addWidget(self.message)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setVisible(False)
        lay.addWidget(self.busy)
        row = QHBoxLayout()
        self.relay_button = QPushButton(self.tr("This computer is at the township office (relay)…"))
        self.relay_button.setAutoDefault(False)
        self.relay_button.clicked.connect(self._ask_relay)
        row.addWidget(self.relay_button)
        row.addStretch(1)
        self.go = QPushButton()
        self.go.setDefault(True)
        self.go.setAutoDefault(True)
        self.go.clicked.connect(self.submit)
        row.addWidget(self.go)
        lay.addLayout(row)

        center = QHBoxLayout()
        center.addStretch(1)
        center.addWidget(box, 3)
        center.addStretch(1)
        outer.addLayout(center)
        outer.addStretch(2)

        self.pass_edit.textChanged.connect(self._strength)
        self.pass_edit.returnPressed.connect(self._enter_on_pass)
        self.confirm_edit.returnPressed.connect(self.submit)
        self.refresh_mode()

    # ----- mode ---------------------------------------------------------------
    @property
    def first_run(self) -> bool:
        return not store_exists(self.home)

    def refresh_mode(self) -> None:
        first = self.first_run
        self.title.setText(self.tr("Welcome to Fieldapp") if first else self.tr("Fieldapp is locked"))
        self.intro.setText(
            self.tr("Choose a passphrase to protect the household data on this laptop. "
                    "Everything is stored encrypted; nobody can read it without the passphrase.")
            if first else self.tr("Enter your passphrase to open the household data."))
        for w in (self.name_label, self.name_edit, self.county_label, self.county_edit, self.confirm_label,
                  self.confirm_edit, self.strength_box, self.recovery, self.relay_button):
            w.setVisible(first)
        self.go.setText(self.tr("Create and open") if first else self.tr("Unlock"))
        self.message.clear()
        self.pass_edit.clear()
        self.confirm_edit.clear()
        self._strength("")

    def _ask_relay(self) -> None:
        """Set up as a township relay: no household data, no passphrase; only the county's address."""
        from PySide6.QtWidgets import QInputDialog

        url, ok = QInputDialog.getText(
            self, self.tr("Township relay"),
            self.tr("A relay takes visit bundles off USB sticks, checks them and sends them to the county. "
                    "It keeps no household data and cannot read the bundles.\n\nCounty server address:"),
            text="https://")
        url = url.strip()
        if not ok or not url:
            return
        if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            self.message.setText(self.tr("The address must start with https://"))
            return
        self.relay_requested.emit(url)

    def focus_passphrase(self) -> None:
        (self.name_edit if self.first_run else self.pass_edit).setFocus()

    def _strength(self, text: str) -> None:
        score = passphrase_strength(text)
        self.strength.setValue(score if text else 0)
        self.strength.setStyleSheet(f"QProgressBar::chunk {{ background: {STRENGTH_COLOURS[score]}; }}")
        names = [self.tr("too short (at least 8 characters)"), self.tr("weak"), self.tr("fair"),
                 self.tr("good"), self.tr("strong")]
        self.strength_label.setText(self.tr("Strength: %1").replace("%1", names[score]) if text else
                                    self.tr("Use at least 8 characters; a short sentence is easy to remember."))

    def _enter_on_pass(self) -> None:
        if self.first_run:
            self.confirm_edit.setFocus()
        else:
            self.submit()

    # ----- actions --------------------------------------------------------------
    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.go.setEnabled(not busy)
        self.pass_edit.setEnabled(not busy)
        self.confirm_edit.setEnabled(not busy)

    def submit(self) -> None:
        if self.job is not None:
            return
        passphrase = self.pass_edit.text()
        self.message.clear()
        if self.first_run:
            try:
                check_passphrase_strength(passphrase)
            except InputRefused as exc:
                self.message.setText(user_text(exc))
                return
            if passphrase != self.confirm_edit.text():
                self.message.setText(self.tr("The two passphrases differ. Type the same passphrase twice."))
                self.confirm_edit.selectAll()
                self.confirm_edit.setFocus()
                return
            county = self.county_edit.text().strip()
            name = self.name_edit.text().strip()
            self._start(lambda: _create(self.home, passphrase, county, name))
        else:
            if not passphrase:
                self.message.setText(self.tr("Enter the passphrase."))
                return
            self._start(lambda: _open_app(self.home, passphrase))

    def _start(self, open_fn: Callable[[], Fieldapp]) -> None:
        self.set_busy(True)

        def job(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Fieldapp:
            app = open_fn()
            app.search_index()  # load the search keys while the busy bar still shows
            return app

        self.job = self.worker.run(job, self._done, self._failed, uses_store=False)

    def _done(self, app: Fieldapp) -> None:
        self.job = None
        self.set_busy(False)
        self.pass_edit.clear()
        self.confirm_edit.clear()
        self.opened.emit(app)

    def _failed(self, exc: BaseException, tb: str) -> None:
        self.job = None
        self.set_busy(False)
        if isinstance(exc, FieldappError):
            self.message.setText(user_text(exc))
            self.pass_edit.selectAll()
            self.pass_edit.setFocus()
        else:
            show_error(self, exc, tb)


def _create(home: Path, passphrase: str, county: str, name: str) -> Fieldapp:
    store = Store.create(home, passphrase, county=county if len(county) == 6 else "")
    if name:
        store.set_meta("cadre_name", name)
        store.set_meta("secretary", json.dumps({"name": name}, ensure_ascii=False))
    from fieldapp.services import Fieldapp

    return Fieldapp(store, actor=name)


def _open_app(home: Path, passphrase: str) -> Any:
    """Unlock and wrap the store (in the worker); the services module loads here, not at start."""
    from fieldapp.services import Fieldapp

    return Fieldapp(Store.open(home, passphrase))
