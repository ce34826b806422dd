"""Run in a subprocess on a configured offscreen screen (see test_ui_screen.py):
opens the main window on a fresh store and reports, as JSON, where it opened and
how much room every tab needs."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

os.environ["FIELDAPP_KDF"] = "minimum"
sys.path.insert(0, str(Path(__file__).parent))

from conftest import PASS, household_input  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def main() -> None:
    qapp = QApplication([])
    from fieldapp.services import Fieldapp
    from fieldapp.store import Store
    from ui.main_window import MainWindow
    from ui.session import Session

    tmp = Path(tempfile.mkdtemp())
    app = Fieldapp(Store.create(tmp / "home", PASS, county="370303"), actor="张书记")
    hid = app.add_household(household_input())
    settings = QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat)
    if len(sys.argv) > 1:
        settings.setValue("window/geometry", bytes.fromhex(sys.argv[1]))
    win = MainWindow(Session(tmp / "home", os.environ.get("FIELDAPP_LANG", "en"), settings))
    win.show()
    qapp.processEvents()
    win.on_opened(app)
    win.session.worker.wait()
    qapp.processEvents()
    win.open_household(hid)
    win.start_visit(hid)
    avail = qapp.primaryScreen().availableGeometry()
    frame = win.frameGeometry()
    needs = {}
    for i in range(win.tabs.count()):
        win.tabs.setCurrentIndex(i)
        qapp.processEvents()
        hint = win.tabs.widget(i).minimumSizeHint()
        needs[win.tabs.tabText(i)] = [hint.width(), hint.height()]
    win_hint = win.minimumSizeHint().expandedTo(win.minimumSize())
    out = {
        "avail": [avail.x(), avail.y(), avail.width(), avail.height()],
        "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
        "window_min": [win_hint.width(), win_hint.height()],
        "central": [win.tabs.width(), win.tabs.height()],
        "needs": needs,
        "geometry": bytes(win.saveGeometry().data()).hex(),
    }
    win.resize(avail.width() - 200, avail.height() - 100)
    out["resized"] = [win.width(), win.height()]
    out["geometry_after_resize"] = bytes(win.saveGeometry().data()).hex()
    print(json.dumps(out))
    win.session.lock_now()


if __name__ == "__main__":
    main()
