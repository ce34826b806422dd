"""The desktop app end to end, on real encrypted stores in temporary folders."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PASS, household_input
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit

from fieldapp.codes import label
from fieldapp.services import Fieldapp
from fieldapp.store import Store, store_exists
from ui.autolock import IdleLock
from ui.errors import set_language
from ui.main_window import MainWindow
from ui.scanner import ScannerFilter
from ui.session import Session


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def make_window(qtbot, tmp_path):
    made = []

    def make(home: Path, clock: Clock | None = None) -> MainWindow:
        set_language("en")
        session = Session(home, "en", QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
        idle = IdleLock(10, clock=clock or Clock())
        scanner = ScannerFilter()
        win = MainWindow(session, idle=idle, scanner=scanner)
        qtbot.addWidget(win)
        win.resize(1366, 768)
        win.show()
        made.append(win)
        return win

    yield make
    for w in made:
        w.session.worker.wait()
        if w.session.is_open:
            w.session.lock_now()


def _unlock(win: MainWindow, app: Fieldapp) -> None:
    win.on_opened(app)
    win.session.worker.wait()


def _seed(home: Path, **over) -> tuple[Fieldapp, str]:
    app = Fieldapp(Store.create(home, PASS, county="370303"), actor="张书记")
    hid = app.add_household(household_input(**over))
    return app, hid


def test_main_window_fits_small_laptops(make_window, home):
    win = make_window(home)
    hint = win.minimumSizeHint().expandedTo(win.minimumSize())
    assert hint.width() <= 1366 and hint.height() <= 768


def test_first_run_creates_store_and_unlocks(make_window, home, qtbot):
    win = make_window(home)
    page = win.unlock
    assert page.first_run and page.confirm_edit.isVisible()
    page.name_edit.setText("张书记")  # QTest cannot type CJK characters
    QTest.keyClicks(page.pass_edit, "short")
    page.submit()
    assert "8" in page.message.text()  # too short: refused with the core's reason
    page.pass_edit.clear()
    QTest.keyClicks(page.pass_edit, PASS)
    assert page.strength.value() >= 1
    QTest.keyClicks(page.confirm_edit, PASS + "x")
    page.submit()
    assert "differ" in page.message.text()
    page.confirm_edit.clear()
    QTest.keyClicks(page.confirm_edit, PASS)
    QTest.keyClick(page.confirm_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.session.is_open, timeout=20000)
    win.session.worker.wait()
    assert store_exists(home) and win.stack.currentWidget() is win.tabs
    assert win.session.app.actor == "张书记"


def test_wrong_passphrase_refused_then_unlock(make_window, home, qtbot):
    Store.create(home, PASS).close()
    win = make_window(home)
    page = win.unlock
    assert not page.first_run
    QTest.keyClicks(page.pass_edit, "wrong passphrase")
    QTest.keyClick(page.pass_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.message.text() != "", timeout=20000)
    assert "passphrase" in page.message.text().lower()
    assert not win.session.is_open
    page.pass_edit.clear()
    QTest.keyClicks(page.pass_edit, PASS)
    QTest.keyClick(page.pass_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.session.is_open, timeout=20000)


def test_search_zs_finds_zhangsan(make_window, home, qtbot):
    app, hid = _seed(home)
    app.add_household(household_input(phone="13900000002", members=[
        {"name": "李四", "id_number": "110105194912310038", "relation": "head"}]))
    win = make_window(home)
    _unlock(win, app)
    tab = win.households
    assert tab.proxy.rowCount() == 2
    QTest.keyClicks(tab.search, "zs")
    qtbot.waitUntil(lambda: tab.proxy.rowCount() == 1)
    assert tab.proxy.household_id(0) == hid
    assert "1 of 2" in tab.count.text()
    QTest.keyClick(tab.search, Qt.Key.Key_Return)
    assert win.household.hid == hid and win.tabs.currentWidget() is win.household


def _type_answer(win: MainWindow, path: str, value) -> None:
    ed = win.visit.editor(path)
    assert ed is not None, path
    f = ed.field
    first = ed.inputs[0]
    page = win.visit.pages.indexOf(win.visit._page_of(win.visit.rows[[r.path for r in win.visit.rows].index(path)]))
    win.visit.sections.setCurrentRow(page)
    if f.type == "multi_choice":
        for box in ed.inputs:
            if isinstance(box, QCheckBox) and box.property("code") in value and not box.isChecked():
                box.setFocus()
                QTest.keyClick(box, Qt.Key.Key_Space)
        return
    first.setFocus()
    if isinstance(first, QComboBox):
        # Home, then Down to the wanted entry (typing a label would open the popup at its first space).
        target = first.findData(value)
        QTest.keyClick(first, Qt.Key.Key_Home)
        for _ in range(target):
            QTest.keyClick(first, Qt.Key.Key_Down)
        assert first.currentData() == value, (path, first.currentText())
        assert first.currentText() == (("Yes" if value else "No") if f.type == "bool" else label(f.list_name, value, "en"))
    else:
        assert isinstance(first, (QLineEdit, QPlainTextEdit))
        QTest.keyClicks(first, str(value))
    QTest.keyClick(first, Qt.Key.Key_Return)


def test_visit_by_keyboard_updates_badges_and_problems(make_window, home, qtbot, monkeypatch):
    app, hid = _seed(home)
    mid = app.members(hid)[0]["id"]
    win = make_window(home)
    _unlock(win, app)
    win.open_household(hid)
    win.start_visit(hid)
    form = win.visit
    assert form.hid == hid and form.pages.count() == len(form.form.sections)
    answers = [
        ("visit.type", "home"), ("visit.people_met", "head and spouse"), ("visit.policies_explained", True),
        ("visit.household_confirmed", True),
        ("food.staple_ok", True), ("food.protein_ok", True), ("clothing.seasonal_ok", True), ("clothing.bedding_ok", True),
        (f"members.{mid}.schooling", "graduated"), (f"members.{mid}.medical_insurance", "resident"),
        (f"members.{mid}.serious_illness_insurance", True), (f"members.{mid}.health", ["healthy"]),
        (f"members.{mid}.family_doctor", True), (f"members.{mid}.labour", "ordinary"),
        ("housing.grade", "D"), ("housing.renovation", "none"), ("housing.safe_alternative", False),
        ("housing.appraisal_date", "2026-01-05"), ("housing.appraiser", "county housing bureau"),
        ("water.zone", "rich"), ("water.source_type", "centralised"), ("water.litres_per_person_day", 80),
        ("water.piped_to_yard", True), ("water.fetch_minutes", 0), ("water.outage_days_12m", 0),
        ("water.quality", "meets"), ("water.quality_evidence", "lab_report"),
        ("income.net_income_yuan", 40000), ("income.rigid_spending_yuan", 0),
    ]
    for path, value in answers:
        ed = form.editor(path)
        if ed is not None and not form.rows[[r.path for r in form.rows].index(path)].label.isHidden():
            _type_answer(win, path, value)
    # autosaved draft on every change
    drafts = [v for v in app.visits(hid) if v["status"] == "draft"]
    assert drafts and drafts[0]["answers"]["housing"]["grade"] == "D"
    assert form.badges.verdict_of("housing") == "not_met"
    assert form.badges.verdict_of("food") == "met"
    errors = [m for m in form.show_messages(final=True) if m.severity == "error"]
    assert not errors, [(m.field, m.en) for m in errors]
    vid = form.finalise(confirm=False)
    assert vid
    assert win.household.hid == hid
    assert win.household.badges.verdict_of("housing") == "not_met"
    assert any(p["indicator"] == "housing" for p in win.household.problems_model.rows)


def test_problem_moves_to_closed(make_window, home, monkeypatch):
    app, hid = _seed(home)
    pid = app.open_problem(hid, "housing", "屋顶漏雨 (roof leaks)")
    win = make_window(home)
    _unlock(win, app)
    win.open_household(hid)
    page = win.household
    shown = []
    monkeypatch.setattr("ui.household_page.show_error", lambda parent, exc, tb="": shown.append(exc))
    page.problems_table.selectRow(0)
    assert page.step_buttons["in_progress"].isEnabled() and not page.step_buttons["closed"].isEnabled()
    assert page.move_selected("in_progress", note="已落实责任人")
    assert page.move_selected("awaiting_check", note="整改完成")
    assert not page.move_selected("closed", note="验收合格", verifier="张书记")  # the reporter cannot close
    assert shown and shown[0].code == "invalid_transition"
    assert page.move_selected("closed", note="验收合格", verifier="乡镇核查员 刘敏")
    p = app.problems(hid)[0]
    assert p["id"] == pid and p["status"] == "closed"
    assert [h["status"] for h in p["history"]] == ["in_progress", "awaiting_check", "closed"]
    assert "刘敏" in page.history.toPlainText()


def test_resolve_conflict(make_window, home):
    from fieldapp.ids import uuid7
    from fieldapp.merge import Op
    from fieldapp.oplog import apply_op

    app, hid = _seed(home)
    app.set_household_field(hid, "phone", "13911111111")
    with app.store.tx():
        # ids are canonical UUIDs (the op writer refuses anything else, supersedes included)
        apply_op(app.store, Op(str(uuid7()), str(uuid7()), 1, "9999999999999-000000", "household", hid,
                               "phone", "13722222222", (), county="370303"), app.projector)
        app._commit_search_keys()
    win = make_window(home)
    _unlock(win, app)
    win.tabs.setCurrentWidget(win.conflicts)
    tab = win.conflicts
    assert tab.model.rowCount() == 1 and tab.values.count() == 2
    assert "张三" in tab.model.data(tab.model.index(0, 0))
    tab.typed.setText("13933333333")
    assert tab.resolve_selected()
    assert app.conflicts() == [] and app.household_record(hid)["phone"] == "13933333333"
    assert tab.model.rowCount() == 0


def test_scanner_opens_household_and_records_scan(make_window, home, qapp, qtbot, monkeypatch):
    app, hid = _seed(home)
    payload = app.issue_cards([hid])[0].payload
    win = make_window(home)
    qapp.installEventFilter(win.scanner)
    try:
        _unlock(win, app)
        win.tabs.setCurrentWidget(win.households)
        search = win.households.search
        search.setFocus()
        QTest.keyClicks(search, payload)
        QTest.keyClick(search, Qt.Key.Key_Return)
        assert win.household.hid == hid and win.tabs.currentWidget() is win.household
        assert search.text() == ""  # consumed, not typed into the field
        # during a visit the scan is recorded on the draft
        win.start_visit(hid)
        field = win.visit.editor("visit.people_met").inputs[0]
        field.setFocus()
        QTest.keyClicks(field, payload)
        QTest.keyClick(field, Qt.Key.Key_Return)
        assert field.toPlainText() == ""
        draft = [v for v in app.visits(hid) if v["status"] == "draft"][0]
        assert draft["card_scan"] == payload
        # an old card is refused with the translated reason
        app.issue_cards([hid])
        warned = []
        monkeypatch.setattr("ui.main_window.QMessageBox.warning", lambda *a: warned.append(a[2]))
        search.setFocus()
        QTest.keyClicks(search, payload)
        QTest.keyClick(search, Qt.Key.Key_Return)
        assert warned and "replaced" in warned[0].lower()
    finally:
        qapp.removeEventFilter(win.scanner)


def test_autolock_after_idle_hides_data(make_window, home, qapp, qtbot):
    app, hid = _seed(home)
    clock = Clock()
    win = make_window(home, clock)
    qapp.installEventFilter(win.idle)
    try:
        _unlock(win, app)
        win.open_household(hid)
        assert win.households.model.rowCount() == 1
        clock.t += 9 * 60
        assert not win.idle.check()
        QTest.keyClick(win.households.search, Qt.Key.Key_A)  # activity resets the idle time
        clock.t += 9 * 60
        assert not win.idle.check()
        clock.t += 2 * 60
        assert win.idle.check()
        assert not win.session.is_open and app.store.conn is None  # store closed, key dropped
        assert win.stack.currentWidget() is win.unlock
        assert win.households.model.rowCount() == 0 and win.household.hid is None
        assert win.household.members_model.rowCount() == 0
    finally:
        qapp.removeEventFilter(win.idle)


def test_photo_attached_encrypted(make_window, home, tmp_path):
    app, hid = _seed(home)
    img = QImage(40, 30, QImage.Format.Format_RGB32)
    img.fill(Qt.GlobalColor.darkGreen)
    path = tmp_path / "photo.png"
    img.save(str(path))
    win = make_window(home)
    _unlock(win, app)
    win.open_household(hid)
    win.start_visit(hid)
    aid = win.visit.photos.add_file(path)
    assert aid and len(win.visit.photos.thumbs) == 1
    vid = win.visit.visit_id
    assert app.attachments(visit_id=vid)[0]["data"] == path.read_bytes()


def test_screenshots_both_languages(tmp_path, qapp):
    from ui.app import run_gui
    from ui.screenshots import SCREENS

    out = tmp_path / "shots"
    assert run_gui(tmp_path / "empty-home", screenshot_dir=str(out)) == 0
    for lang in ("zh_CN", "en"):
        for name in SCREENS:
            img = QImage(str(out / f"{name}_{lang}.png"))
            assert not img.isNull(), (name, lang)
            assert (img.width(), img.height()) == (1366, 768), (name, lang)


def test_autolock_closes_every_open_dialog(make_window, home, qapp, qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

    from ui.edit_dialog import EditDialog

    app, hid = _seed(home)
    clock = Clock()
    win = make_window(home, clock)
    _unlock(win, app)
    win.open_household(hid)
    seen: dict[str, object] = {}

    def nested_box() -> None:
        # a confirmation on top of the edit dialog, as the finalise summary is
        seen["edit"] = [w for w in QApplication.topLevelWidgets() if isinstance(w, EditDialog) and w.isVisible()]
        QTimer.singleShot(50, fire)
        seen["box"] = QMessageBox.question(win, "x", "张三 13800000001")

    def fire() -> None:
        seen["open"] = [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]
        clock.t += 11 * 60
        seen["fired"] = win.idle.check()

    QTimer.singleShot(50, nested_box)
    win.household.edit_household()  # blocks in exec() until the lock closes it
    assert seen["fired"] and len(seen["edit"]) == 1 and len(seen["open"]) == 2
    assert seen["box"] != QMessageBox.StandardButton.Yes
    assert not win.session.is_open and win.stack.currentWidget() is win.unlock
    assert [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()] == []
    assert win.household.hid is None and app.store.conn is None
    assert win.households.model.rowCount() == 0 and win.household.members_model.rowCount() == 0


def test_language_switch_retranslates_without_restart(make_window, home, qapp, qtbot):
    from ui import i18n

    app, hid = _seed(home)
    win = make_window(home)
    _unlock(win, app)
    win.open_household(hid)
    win.tabs.setCurrentWidget(win.settings_tab)
    old_tabs = win.tabs
    try:
        win.settings_tab.language.setCurrentIndex(win.settings_tab.language.findData("zh_CN"))
        qtbot.waitUntil(lambda: win.tabs is not old_tabs, timeout=5000)
        assert win.tabs.tabText(0) == "户列表" and win.tabs.tabText(5) == "同步与备份"
        assert win.session.lang == "zh_CN" and win.settings_tab.language.currentData() == "zh_CN"
        assert win.household.hid == hid and win.tabs.currentWidget() is win.settings_tab
        assert win.status.sync.sync_button.text() == "立即同步"
        assert win.session.settings.value("ui/language") == "zh_CN"
        zh_tabs = win.tabs
        win.settings_tab.language.setCurrentIndex(win.settings_tab.language.findData("en"))
        qtbot.waitUntil(lambda: win.tabs is not zh_tabs, timeout=5000)
        assert win.tabs.tabText(0) == "Households" and win.household.hid == hid
        win.lock()
        assert win.stack.currentWidget() is win.unlock
    finally:
        i18n.uninstall(qapp, win.translators)
        set_language("en")
