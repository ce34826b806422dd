"""Fits the screen: on a 1366x768 laptop at 125 % scaling with a 40-pixel taskbar
(1093x582 logical pixels available), the window opens inside the available area,
every tab fits in it, and a size the user chose is remembered."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
TITLE_BAR = 30  # logical pixels a window manager's title bar takes


def _probe(tmp_path: Path, lang: str, *args: str) -> dict:
    config = tmp_path / "screens.json"
    # 1366x728 physical (768 less the taskbar) at 125 %: the offscreen platform reports it in logical pixels
    config.write_text(json.dumps({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 728,
                                               "logicalDpi": 120, "logicalBaseDpi": 96, "dpr": 1.25}]}),
                      encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}", FIELDAPP_LANG=lang)
    out = subprocess.run([sys.executable, str(HERE / "screen_probe.py"), *args], capture_output=True, text=True,
                         env=env, timeout=120, cwd=HERE.parent)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_every_tab_fits_a_small_laptop_screen(tmp_path, lang) -> None:
    doc = _probe(tmp_path, lang)
    ax, ay, aw, ah = doc["avail"]
    assert (aw, ah) == (1093, 582)
    x, y, w, h = doc["frame"]
    assert x >= ax and y >= ay and x + w <= ax + aw and y + h + TITLE_BAR <= ay + ah, doc
    mw, mh = doc["window_min"]
    assert mw <= aw and mh + TITLE_BAR <= ah, doc
    cw, ch = doc["central"]
    for tab, (nw, nh) in doc["needs"].items():
        assert nw <= cw and nh <= ch, (tab, (nw, nh), (cw, ch))


def test_the_size_chosen_is_remembered(tmp_path) -> None:
    first = _probe(tmp_path, "en")
    again = _probe(tmp_path, "en", first["geometry_after_resize"])
    assert again["frame"][2:] != first["frame"][2:]
    assert again["central"][0] < first["central"][0]


def test_english_column_titles_are_not_cut(qtbot) -> None:
    from PySide6.QtCore import QSettings, Qt

    from ui.household_list import HouseholdListTab
    from ui.session import Session

    tab = HouseholdListTab(Session(Path("/nonexistent"), "en", QSettings()))
    qtbot.addWidget(tab)
    fm = tab.table.horizontalHeader().fontMetrics()
    for col in range(tab.model.columnCount()):
        title = tab.model.headerData(col, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        assert tab.table.columnWidth(col) >= fm.horizontalAdvance(title) + 20, title


def test_print_preview_opens_at_page_width(qtbot) -> None:
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewWidget

    from ui.print_preview import page_width_preview

    dlg = page_width_preview(QPrinter())
    qtbot.addWidget(dlg)
    view = dlg.findChild(QPrintPreviewWidget)
    assert view is not None and view.zoomMode() == QPrintPreviewWidget.ZoomMode.FitToWidth


def test_every_kind_of_control_shows_where_the_focus_is(qtbot, qapp) -> None:
    from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPushButton, QVBoxLayout, QWidget

    from ui.app import STYLE

    old = qapp.styleSheet()
    qapp.setStyleSheet(STYLE)
    try:
        box = QWidget()
        lay = QVBoxLayout(box)
        combo = QComboBox()
        combo.addItems(["—", "Yes", "No"])
        controls = [QPushButton("Finalise"), combo, QCheckBox("healthy"), QLineEdit("12")]
        for w in controls:
            lay.addWidget(w)
        qtbot.addWidget(box)
        box.show()
        box.activateWindow()
        qtbot.waitUntil(lambda: qapp.activeWindow() is box)
        for w in controls:
            box.setFocus()
            unfocused = w.grab().toImage()
            w.setFocus()
            qtbot.waitUntil(w.hasFocus)
            assert w.grab().toImage() != unfocused, type(w).__name__
    finally:
        qapp.setStyleSheet(old)
