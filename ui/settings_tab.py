"""设置: language, text size, auto-lock minutes, server address (store meta
``server_url``), change passphrase. Window state lives in QSettings; nothing
personal is stored there."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fieldapp.errors import FieldappError, InputRefused
from fieldapp.keys import check_passphrase_strength
from ui.auto_sync import automatic
from ui.errors import show_error, user_text
from ui.session import Session, setting_number

TEXT_SIZES = (10, 11, 12, 14, 16)


class SettingsTab(QWidget):
    language_changed = Signal(str)
    text_size_changed = Signal(int)
    autolock_changed = Signal(int)
    auto_sync_changed = Signal(bool)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        s = session.settings
        lay = QVBoxLayout(self)
        box = QGroupBox(self.tr("This program"))
        form = QFormLayout(box)
        self.language = QComboBox()
        self.language.addItem("简体中文", "zh_CN")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(self.language.findData(session.lang), 0))
        self.text_size = QComboBox()
        for pt in TEXT_SIZES:
            self.text_size.addItem(self.tr("%1 pt").replace("%1", str(pt)), pt)
        self.text_size.setCurrentIndex(max(self.text_size.findData(int(setting_number(s.value("ui/text_size", 11)))), 0))
        self.autolock = QSpinBox()
        self.autolock.setRange(0, 240)
        self.autolock.setSuffix(self.tr(" min"))
        self.autolock.setSpecialValueText(self.tr("never"))
        self.autolock.setValue(int(setting_number(s.value("security/autolock_minutes", 10))))
        form.addRow(self.tr("Language"), self.language)
        form.addRow(self.tr("Text size"), self.text_size)
        form.addRow(self.tr("Lock after idle"), self.autolock)
        lay.addWidget(box)

        sbox = QGroupBox(self.tr("County server"))
        sform = QFormLayout(sbox)
        self.server = QLineEdit()
        self.server.setPlaceholderText("https://county.example.gov.cn")
        self.save_server = QPushButton(self.tr("Save address"))
        row = QHBoxLayout()
        row.addWidget(self.server, 1)
        row.addWidget(self.save_server)
        sform.addRow(self.tr("Server address"), row)
        self.auto_sync = QCheckBox(self.tr("Sync automatically in the background when the county can be reached"))
        self.auto_sync.setChecked(automatic(s))
        sform.addRow("", self.auto_sync)
        lay.addWidget(sbox)

        pbox = QGroupBox(self.tr("Change passphrase"))
        pform = QFormLayout(pbox)
        self.new_pass = QLineEdit()
        self.new_pass.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_pass2 = QLineEdit()
        self.new_pass2.setEchoMode(QLineEdit.EchoMode.Password)
        self.change_pass = QPushButton(self.tr("Change passphrase"))
        pform.addRow(self.tr("New passphrase"), self.new_pass)
        pform.addRow(self.tr("Repeat new passphrase"), self.new_pass2)
        pform.addRow("", self.change_pass)
        lay.addWidget(pbox)
        self.message = QLabel()
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        lay.addStretch(1)

        self.language.currentIndexChanged.connect(self._language)
        self.text_size.currentIndexChanged.connect(self._text_size)
        self.autolock.valueChanged.connect(self._autolock)
        self.save_server.clicked.connect(self._save_server)
        self.auto_sync.toggled.connect(self.auto_sync_changed.emit)
        self.change_pass.clicked.connect(self._change_pass)

    def reload(self) -> None:
        if self.session.app is not None:
            self.server.setText(self.session.call(lambda a: a.store.meta("server_url") or ""))

    def clear(self) -> None:
        self.server.clear()
        self.new_pass.clear()
        self.new_pass2.clear()
        self.message.clear()

    def _language(self) -> None:
        lang = str(self.language.currentData())
        self.session.settings.setValue("ui/language", lang)
        self.language_changed.emit(lang)

    def _text_size(self) -> None:
        pt = int(self.text_size.currentData())
        self.session.settings.setValue("ui/text_size", pt)
        self.text_size_changed.emit(pt)

    def _autolock(self, minutes: int) -> None:
        self.session.settings.setValue("security/autolock_minutes", minutes)
        self.autolock_changed.emit(minutes)

    def _save_server(self) -> None:
        url = self.server.text().strip()
        if url and not url.startswith(("https://", "http://")):
            self.message.setText(self.tr("The address must start with https://"))
            return
        self.session.call(lambda a: a.store.set_meta("server_url", url or None))
        self.message.setText(self.tr("Server address saved."))

    def _change_pass(self) -> None:
        new = self.new_pass.text()
        try:
            check_passphrase_strength(new)
        except InputRefused as exc:
            self.message.setText(user_text(exc))
            return
        if new != self.new_pass2.text():
            self.message.setText(self.tr("The two passphrases differ."))
            return
        self.change_pass.setEnabled(False)
        self.message.setText(self.tr("Changing passphrase…"))

        def done(_: object) -> None:
            self.change_pass.setEnabled(True)
            self.new_pass.clear()
            self.new_pass2.clear()
            self.message.setText(self.tr("Passphrase changed. Use the new one from now on."))

        def failed(exc: BaseException, tb: str) -> None:
            self.change_pass.setEnabled(True)
            self.message.clear()
            if isinstance(exc, FieldappError):
                self.message.setText(user_text(exc))
            else:
                show_error(self, exc, tb)

        self.session.run(lambda a, p, c: a.store.change_passphrase(new), done, failed)
