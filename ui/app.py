"""Entry point of the desktop app: ``fieldapp gui`` calls :func:`run_gui`."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from ui import i18n
from ui.autolock import IdleLock
from ui.errors import install_excepthook, set_language
from ui.main_window import MainWindow
from ui.session import Session, setting_number

STYLE = """
QLabel#hint { color: #555555; }
QGroupBox { font-weight: bold; }
QGroupBox QLabel, QGroupBox QLineEdit, QGroupBox QComboBox, QGroupBox QCheckBox { font-weight: normal; }
QWidget#figure { background: #f3f6fa; border-radius: 6px; }
QTabBar::tab { padding: 6px 14px; }
QPushButton { border: 1px solid #9a9a9a; border-radius: 4px; padding: 4px 10px; background: #f7f7f7; }
QPushButton:hover { background: #eef3fb; }
QPushButton:pressed { background: #dce6f5; }
QPushButton:disabled { color: #9a9a9a; border-color: #c8c8c8; }
QPushButton:focus { border: 2px solid #1565c0; padding: 3px 9px; background: #e8f0fe; }
QToolButton { border: 1px solid transparent; border-radius: 4px; padding: 3px 8px; }
QToolButton:focus { border: 2px solid #1565c0; padding: 2px 7px; background: #e8f0fe; }
QComboBox:focus, QLineEdit:focus, QPlainTextEdit:focus, QSpinBox:focus { border: 2px solid #1565c0; }
QCheckBox:focus, QRadioButton:focus { background: #e8f0fe; }
QTableView:focus, QListWidget:focus, QTextBrowser:focus { border: 2px solid #1565c0; }
"""


def make_app(lang: str, text_pt: int | None = None) -> QApplication:
    """The QApplication with a CJK-capable font, our style and translations."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        if sys.platform.startswith("linux") and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication(sys.argv[:1] or ["fieldapp"])
    app.setOrganizationName("Fieldapp")
    app.setApplicationName("Fieldapp")
    font = QFont(app.font())
    try:
        from ui.fonts import cjk_font_family

        font.setFamilies([cjk_font_family(), *font.families()])
    except Exception:  # noqa: BLE001 - no CJK font: Qt falls back as best it can
        pass
    if text_pt:
        font.setPointSize(text_pt)
    app.setFont(font)
    app.setStyleSheet(STYLE)
    return app


def settings() -> QSettings:
    return QSettings("Fieldapp", "Fieldapp")


def run_gui(home: Path, screenshot_dir: str | None = None, lang: str | None = None,
            passphrase_hint: str | None = None) -> int:
    """Open the desktop app on ``home``; with ``screenshot_dir``, render every screen to PNG and exit."""
    # A missing lrelease must not stop the app: the shipped .qm files are used.
    with contextlib.suppress(Exception):
        i18n.build_translations()
    if screenshot_dir:
        from ui.screenshots import render_all

        return render_all(Path(home), Path(screenshot_dir), [i18n.normalise_lang(lang)] if lang else list(i18n.LANGS))
    s = settings()
    lang = i18n.normalise_lang(lang or str(s.value("ui/language", "") or os.environ.get("FIELDAPP_LANG", "") or i18n.DEFAULT_LANG))
    app = make_app(lang, int(setting_number(s.value("ui/text_size", 11))))
    from PySide6.QtGui import QIcon

    from fieldapp.resources import resource_path

    app.setWindowIcon(QIcon(str(resource_path("icons", "fieldapp.png"))))
    translators = i18n.install(app, lang)
    set_language(lang)
    from ui.relay_window import RelayWindow, relay_server

    if relay_server(s):  # set up as the township office's relay: no store, no passphrase
        relay = RelayWindow(s)
        relay.show()
        code = app.exec()
        i18n.uninstall(app, translators)
        return int(code)
    from ui.single_instance import claim, refusal_text

    instance = claim(Path(home))
    if instance is None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(None, *refusal_text())
        i18n.uninstall(app, translators)
        return 3
    install_excepthook()
    session = Session(Path(home), lang, s)
    idle = IdleLock(float(setting_number(s.value("security/autolock_minutes", 10))))
    window = MainWindow(session, idle=idle)
    window.translators = translators
    app.installEventFilter(idle)
    app.installEventFilter(window.scanner)
    if passphrase_hint:
        window.unlock.pass_edit.setText(passphrase_hint)
    window.show()
    code = app.exec()
    i18n.uninstall(app, window.translators)
    instance.unlock()
    return int(code)
