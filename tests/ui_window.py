"""A main window on a fresh encrypted store with one household, unlocked, for the
keyboard and draft tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from conftest import PASS
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from fieldapp.services import Fieldapp
from fieldapp.store import Store
from ui.autolock import IdleLock
from ui.errors import set_language
from ui.main_window import MainWindow
from ui.scanner import ScannerFilter
from ui.session import Session


def unlocked_window(qtbot: Any, tmp_path: Path, household: dict[str, Any]) -> Iterator[tuple[MainWindow, Fieldapp, str, Path]]:
    """Yield (window, services, household id, store folder); the store is locked afterwards."""
    set_language("en")
    home = tmp_path / "home"
    app = Fieldapp(Store.create(home, PASS, county="370303"), actor="张书记")
    hid = app.add_household(household)
    session = Session(home, "en", QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    win = MainWindow(session, idle=IdleLock(10), scanner=ScannerFilter())
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    win.on_opened(app)
    session.worker.wait()
    win.activateWindow()  # keys go to the active window, as on a desktop
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    yield win, app, hid, home
    session.worker.wait()
    if session.is_open:
        session.lock_now()
