"""Nothing typed is lost: every value typed is kept in the draft as typed, with its
message next to the field and counted; full-width digits are read; the field being
edited reaches the draft on lock, focus loss, close and when typing pauses; after
unlock the user is back on the same field."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PASS, household_input
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit
from ui_window import unlocked_window

from fieldapp.services import Fieldapp
from fieldapp.store import Store
from fieldapp.typed import read_typed
from ui.main_window import MainWindow


@pytest.mark.parametrize(("typed", "ftype", "read"), [
    ("１０００", "int", 1000), ("1,000", "number", 1000), ("１２．５", "number", 12.5), ("12。5", "number", 12.5),
    ("－３", "int", -3), ("abc", "int", "abc"), ("12.5", "int", 12.5), ("inf", "number", "inf"), ("  ", "int", None),
    ("2026年5月1日", "date", "2026-05-01"), ("２０２６－０５－０１", "date", "2026-05-01"), ("2026/5/1", "date", "2026-05-01"),
    ("2026-02-30", "date", "2026-02-30"), ("next week", "date", "next week"), ("见到户主", "text", "见到户主"),
])
def test_read_typed(typed, ftype, read) -> None:
    assert read_typed(typed, ftype) == read


@pytest.fixture
def visit(qtbot, tmp_path: Path):
    for win, app, hid, home in unlocked_window(qtbot, tmp_path, household_input()):
        win.open_household(hid)
        win.start_visit(hid)
        yield win, app, hid, home


def _type_into(win: MainWindow, path: str, text: str, enter: bool = True) -> QLineEdit:
    form = win.visit
    row = next(r for r in form.rows if r.path == path)
    form.restore_place(form.pages.indexOf(form._page_of(row)), path)
    w = QApplication.focusWidget()
    assert isinstance(w, QLineEdit) and w is row.editor.inputs[0]
    w.clear()
    w.insert(text)  # what an input method commits (QTest cannot type CJK or full-width characters)
    if enter:
        QTest.keyClick(w, Qt.Key.Key_Return)
    return w


def _draft(app: Fieldapp, hid: str) -> dict:
    drafts = [v for v in app.visits(hid) if v["status"] == "draft"]
    assert len(drafts) == 1
    return drafts[0]["answers"]


def _message(win: MainWindow, path: str) -> str:
    row = next(r for r in win.visit.rows if r.path == path)
    return row.message.text() if not row.message.isHidden() else ""


def test_out_of_range_and_letters_are_kept_with_a_message_and_counted(visit) -> None:
    win, app, hid, _ = visit
    _type_into(win, "water.outage_days_12m", "400")
    _type_into(win, "water.litres_per_person_day", "lots")
    answers = _draft(app, hid)
    assert answers["water"]["outage_days_12m"] == 400
    assert answers["water"]["litres_per_person_day"] == "lots"
    assert "at most 365" in _message(win, "water.outage_days_12m")
    assert "“lots” is not a number" in _message(win, "water.litres_per_person_day")
    assert win.visit.summary_label.text().startswith("2 to fix")
    # the verdict still works around the value that is not a number
    assert win.visit.overall.text() != ""


def test_full_width_digits_are_read_and_shown_normalised(visit) -> None:
    win, app, hid, _ = visit
    w = _type_into(win, "income.net_income_yuan", "３８，０００")
    assert _draft(app, hid)["income"]["net_income_yuan"] == 38000
    assert w.text() == "38000"
    assert _message(win, "income.net_income_yuan") == ""


def test_impossible_date_gets_the_real_reason(visit) -> None:
    win, app, hid, _ = visit
    win.visit.editor("housing.grade").set_value("C")
    win.visit._field_changed("housing.grade")
    _type_into(win, "housing.appraisal_date", "2026-02-30")
    assert _draft(app, hid)["housing"]["appraisal_date"] == "2026-02-30"
    assert "February 2026 has 28 days, there is no day 30" in _message(win, "housing.appraisal_date")


def test_lock_mid_field_keeps_it_and_unlock_returns_to_it(visit) -> None:
    win, app, hid, home = visit
    w = _type_into(win, "water.outage_days_12m", "12", enter=False)
    assert not [v for v in app.visits(hid) if v["status"] == "draft"]  # nothing committed yet
    win.lock()
    assert not win.session.is_open
    again = Fieldapp(Store.open(home, PASS), actor="张书记")
    assert _draft(again, hid)["water"]["outage_days_12m"] == 12
    win.on_opened(again)
    win.session.worker.wait()
    win.activateWindow()
    assert win.tabs.currentWidget() is win.visit and win.visit.hid == hid
    focus = QApplication.focusWidget()
    assert focus is win.visit.editor("water.outage_days_12m").inputs[0] and focus is not w
    assert focus.text() == "12"


def test_typing_pause_saves_without_enter_so_a_crash_loses_nothing(visit, qtbot) -> None:
    win, app, hid, _ = visit
    win.visit._typing.setInterval(50)
    form = win.visit
    form.restore_place(0, "visit.people_met")
    box = QApplication.focusWidget()
    assert box is form.editor("visit.people_met").inputs[0]
    QTest.keyClicks(box, "head and his mother")
    qtbot.waitUntil(lambda: (_draft(app, hid).get("visit") or {}).get("people_met") == "head and his mother", timeout=3000)


def test_focus_loss_and_close_commit_the_field(visit, qtbot) -> None:
    win, app, hid, home = visit
    _type_into(win, "water.outage_days_12m", "７", enter=False)
    win._app_state(Qt.ApplicationState.ApplicationInactive)  # the user switched to another program
    assert _draft(app, hid)["water"]["outage_days_12m"] == 7
    _type_into(win, "water.outage_days_12m", "8", enter=False)
    win.close()
    assert not win.session.is_open
    again = Fieldapp(Store.open(home, PASS), actor="张书记")
    try:
        assert _draft(again, hid)["water"]["outage_days_12m"] == 8
    finally:
        again.store.close()
