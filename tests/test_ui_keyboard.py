"""Keyboard all the way: a whole visit driven by key presses sent only to the
widget that has the focus (as a person at the keyboard would), counting the keys
that are not text. A step that would need the mouse fails: the focus is never on
a hidden widget, and the test never picks a widget to type into."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QTableView, QWidget
from ui_window import unlocked_window

NON_TEXT_GOAL = 100  # the goal for a 3-member visit (it took 207 keys before)

ADULT = {"medical_insurance": "resident", "serious_illness_insurance": True, "health": ["healthy"], "labour": "ordinary"}
FAMILY = {
    "village_code": "370303102201", "group": "1组", "address": "东街1号", "phone": "13800000001",
    "members": [
        {"name": "张三", "id_number": "37030319600315001X", "relation": "head", **ADULT},
        {"name": "李梅", "id_number": "370303196207200023", "relation": "spouse", **ADULT},
        {"name": "张小军", "id_number": "37030320130901003X", "relation": "child", "schooling": "grade7",
         "medical_insurance": "resident", "serious_illness_insurance": True, "health": ["healthy"], "labour": "none"},
    ],
}


class Keyboard:
    """Sends keys to whatever has the focus and counts them."""

    def __init__(self) -> None:
        self.non_text = 0
        self.text = 0
        self.log: list[str] = []
        self.errors: list[str] = []

    @staticmethod
    def focus() -> QWidget:
        w = QApplication.focusWidget()
        for _ in range(50):  # after a dialog closes, the window gets the focus back a moment later
            if w is not None:
                break
            if QApplication.activeWindow() is None:
                # what the window manager does when a dialog closes (the offscreen platform does not)
                shown = [t for t in QApplication.topLevelWidgets() if t.isVisible() and t.isWindow()]
                if len(shown) == 1:
                    shown[0].activateWindow()
            QTest.qWait(20)
            w = QApplication.focusWidget()
        assert w is not None, "nothing has the focus: the next step would need the mouse"
        assert w.isVisible(), f"focus on a hidden widget: {w!r}"
        return w

    def press(self, key: Qt.Key, mod: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier, times: int = 1) -> None:
        for _ in range(times):
            self.non_text += 1
            self.log.append(f"{mod.name}+{key.name}" if mod != Qt.KeyboardModifier.NoModifier else key.name)
            QTest.keyClick(self.focus(), key, mod)

    def type(self, text: str) -> None:
        self.text += len(text)
        QTest.keyClicks(self.focus(), text)

    def answer_dialog(self, *steps: tuple[str, object]) -> None:
        """Once a modal dialog is up and has the focus, press/type ``steps`` into it.

        If it never gets the focus the dialog is closed (so the test cannot hang) and
        the failure is reported by :meth:`check_dialogs`.
        """
        tries = [0]

        def run() -> None:
            dlg = QApplication.activeModalWidget()
            focus = QApplication.focusWidget()
            if dlg is None or not dlg.isVisible() or focus is None or not dlg.isAncestorOf(focus):
                tries[0] += 1
                if dlg is not None and tries[0] > 100:
                    self.errors.append(f"dialog {dlg.windowTitle()!r} never had the focus ({focus!r})")
                    dlg.close()
                    return
                if dlg is not None:
                    dlg.activateWindow()
                QTimer.singleShot(20, run)
                return
            try:
                for kind, what in steps:
                    if kind == "press":
                        assert isinstance(what, Qt.Key)
                        self.press(what)
                    elif kind == "ctrl":
                        assert isinstance(what, Qt.Key)
                        self.press(what, Qt.KeyboardModifier.ControlModifier)
                    else:
                        self.type(str(what))
            except AssertionError as exc:
                self.errors.append(str(exc))
                dlg.close()

        QTimer.singleShot(0, run)

    def check_dialogs(self) -> None:
        assert not self.errors, self.errors


@pytest.fixture
def window(qtbot, tmp_path: Path):
    for win, app, hid, _ in unlocked_window(qtbot, tmp_path, FAMILY):
        qtbot.waitUntil(lambda w=win: w.households.proxy.rowCount() == 1)
        yield win, app, hid


def test_three_member_visit_by_keys_only(window, qtbot) -> None:
    win, app, hid = window
    kb = Keyboard()
    K, C = Qt.Key, Qt.KeyboardModifier.ControlModifier  # noqa: N806 - short names keep the key script readable
    kb.press(K.Key_F, C)  # search
    kb.type("zs")
    qtbot.waitUntil(lambda: win.households.proxy.rowCount() == 1)
    kb.press(K.Key_Return)
    assert win.household.hid == hid
    kb.press(K.Key_N, C)  # new visit: the cursor is in the first question
    form = win.visit
    assert form.hid == hid and kb.focus() is form.editor("visit.type").inputs[0]
    kb.press(K.Key_Return)  # type of visit: home, as prefilled
    kb.type("head and spouse")
    kb.press(K.Key_Return)
    kb.press(K.Key_Down)  # policies explained: yes
    kb.press(K.Key_Return)
    kb.press(K.Key_Return)  # next visit due: left empty
    kb.press(K.Key_Down)  # household confirmed: yes
    kb.press(K.Key_Return)  # ... and Enter after the last question opens the next section
    assert form.sections.currentRow() == 1
    for _ in range(4):  # food and clothing: four times yes
        kb.press(K.Key_Down)
        kb.press(K.Key_Return)
    assert form.sections.currentRow() == 3  # members: prefilled from their records (adults: past school)
    kb.press(K.Key_PageDown, C)
    assert form.sections.currentRow() == 4
    kb.press(K.Key_Down, times=4)  # housing grade D
    kb.press(K.Key_Return)
    kb.press(K.Key_Down)  # renovation: none
    kb.press(K.Key_Return)
    kb.press(K.Key_Down, times=2)  # safe alternative: no
    kb.press(K.Key_Return)
    kb.type("2026-01-05")
    kb.press(K.Key_Return)
    kb.type("county housing bureau")
    kb.press(K.Key_Return)
    assert form.sections.currentRow() == 5  # water
    for choice_downs, typed in ((1, None), (1, None), (0, "80"), (1, None), (0, "0"), (1, None), (1, None)):
        if typed is not None:
            kb.type(typed)
        kb.press(K.Key_Down, times=choice_downs)
        kb.press(K.Key_Return)
    assert form.sections.currentRow() == 6  # income
    kb.press(K.Key_Return, times=5)  # wage ... production cost: not asked today
    kb.type("40000")
    kb.press(K.Key_Return)
    assert kb.focus() is form.editor("income.household_size").inputs[0]
    kb.press(K.Key_Return)  # household size 3, prefilled
    kb.type("0")
    kb.press(K.Key_Return)
    kb.press(K.Key_PageDown, C)  # risks: none
    kb.press(K.Key_PageDown, C)  # measures: none
    answers = app.visits(hid)[0]["answers"]
    assert answers["housing"]["grade"] == "D" and answers["water"]["litres_per_person_day"] == 80
    assert form.summary_label.text().startswith("0 to fix"), form.summary_label.text()
    kb.answer_dialog(("press", K.Key_Return))  # the summary: Finalise is the default
    kb.press(K.Key_Return, C)
    kb.check_dialogs()
    assert form.hid is None, form.summary_label.text()
    assert win.household.hid == hid and win.tabs.currentWidget() is win.household
    visits = [v for v in app.visits(hid) if v["status"] != "draft"]
    assert len(visits) == 1
    kb.press(K.Key_P, Qt.KeyboardModifier.AltModifier)  # problems, first one selected
    assert isinstance(kb.focus(), QTableView) and win.household.selected_problem() is not None
    assert win.household.selected_problem()["indicator"] == "housing"
    kb.answer_dialog(("text", "repair plan sent to the township"), ("ctrl", K.Key_Return))
    kb.press(K.Key_1, C)  # start rectifying
    kb.check_dialogs()
    problem = win.household.selected_problem()
    assert problem is not None and problem["status"] == "in_progress"
    print(f"non-text keys: {kb.non_text}, text keys: {kb.text}")  # reported in the issue note
    assert kb.non_text < NON_TEXT_GOAL, kb.log


def test_tab_leaves_every_table_and_reload_keeps_selection(window, qtbot) -> None:
    win, app, hid = window
    app.open_problem(hid, "housing", "屋顶漏雨")
    win.open_household(hid)
    kb = Keyboard()
    page = win.household
    kb.press(Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    assert kb.focus() is page.problems_table
    kb.press(Qt.Key.Key_Tab)
    assert kb.focus() is not page.problems_table  # Tab leaves the table instead of walking its cells
    kb.press(Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    assert kb.focus() is page.members_table
    kb.press(Qt.Key.Key_Tab)
    assert kb.focus() is page.edit_member_button
    kb.press(Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert kb.focus() is win.households.search
    kb.press(Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)  # back to the household page: selection kept
    page.show_section(2)
    pid = page.selected_problem()["id"]
    win.go_tab(0)
    win.go_tab(1)
    assert page.selected_problem() is not None and page.selected_problem()["id"] == pid


def test_discard_is_off_the_tab_path_and_defaults_to_no(window, qtbot) -> None:
    win, app, hid = window
    win.open_household(hid)
    win.start_visit(hid)
    form = win.visit
    assert form.discard_button.focusPolicy() == Qt.FocusPolicy.NoFocus
    form.finalise_button.setFocus()
    kb = Keyboard()
    kb.press(Qt.Key.Key_Tab)
    assert kb.focus() is not form.discard_button
    kb.answer_dialog(("press", Qt.Key.Key_Return))  # Enter on the question: the default, "No"
    form.autosave()
    kb.press(Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    kb.check_dialogs()
    assert form.hid == hid and [v for v in app.visits(hid) if v["status"] == "draft"]


def test_f1_lists_the_shortcuts_in_both_languages(window, qtbot) -> None:
    from ui.shortcuts_help import ShortcutsDialog, shortcut_rows

    win, _, _ = window
    kb = Keyboard()
    win.households.search.setFocus()
    kb.press(Qt.Key.Key_F1)
    dlg = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ShortcutsDialog) and w.isVisible())
    keys = {r[1] for r in shortcut_rows()}
    assert {"F1", "Ctrl+F", "Ctrl+PgDn / Ctrl+PgUp", "Ctrl+Enter", "Ctrl+1"} <= keys
    assert dlg.table.rowCount() == len(shortcut_rows())
    dlg.reject()
    from ui import i18n

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    translators = i18n.install(app, "zh_CN")
    try:
        zh = shortcut_rows()
        assert any(r[2] == "搜索农户" for r in zh), zh[:3]
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in r[2]) for r in zh), [r[2] for r in zh]
    finally:
        i18n.uninstall(app, translators)

