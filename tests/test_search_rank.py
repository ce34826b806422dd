"""Search ranking: exact name, then initials, then the rest; the head first at each level."""

from __future__ import annotations

import time

import pytest

from fieldapp.search_keys import search_blob
from fieldapp.search_rank import CONTAINS, EXACT_NAME, INITIALS, rank, rank_key

HOUSEHOLDS = {
    # id: (head, other members)
    "a": ("秦晓川", []),                  # qxc exactly, head
    "b": ("王德", ["秦小春"]),            # qxc: initials of another member
    "c": ("秦小成", []),                  # qxc exactly, head (second in input order)
    "d": ("李秦", ["邱新超"]),            # contains "qxc"? no: qxc initials of other member
    "e": ("秦新春花", []),                # initials qxch: contains qxc
    "f": ("张三", []),
    "g": ("Tom Lee", []),
}


def _blob(head: str, others: list[str]) -> str:
    return search_blob([head, *others], [], [], ["1组"])


BLOBS = {h: _blob(head, others) for h, (head, others) in HOUSEHOLDS.items()}
HEADS = {h: head for h, (head, _) in HOUSEHOLDS.items()}


@pytest.mark.parametrize(("query", "hid", "key"), [
    ("秦晓川", "a", (EXACT_NAME, 0)), ("qinxiaochuan", "a", (EXACT_NAME, 0)), ("qxc", "a", (INITIALS, 0)),
    ("qxc", "b", (INITIALS, 1)), ("qxc", "e", (CONTAINS, 0)), ("秦小春", "b", (EXACT_NAME, 1)),
    ("zs", "f", (INITIALS, 0)), ("张", "f", (CONTAINS, 0)), ("tomlee", "g", (EXACT_NAME, 0)),
    ("1组", "f", (EXACT_NAME, 1)),
])
def test_rank_key(query, hid, key) -> None:
    assert rank_key(query, HEADS[hid], BLOBS[hid]) == key


def test_qxc_ranks_heads_with_those_initials_first() -> None:
    hits = [h for h in ("e", "d", "b", "c", "a") if "qxc" in BLOBS[h]]
    assert rank("qxc", hits, HEADS, BLOBS) == ["c", "a", "d", "b", "e"]  # ties keep their order


def test_rank_is_quick_on_twenty_thousand_hits() -> None:
    blobs = {f"h{i}": _blob(f"秦{i % 100}", []) for i in range(20000)}
    heads = {f"h{i}": f"秦{i % 100}" for i in range(20000)}
    t = time.perf_counter()
    out = rank("q", list(blobs), heads, blobs)
    assert len(out) == 20000 and time.perf_counter() - t < 0.5


def test_typing_qxc_and_enter_opens_the_head_with_those_initials(qtbot, tmp_path) -> None:
    from conftest import HEAD_ID, household_input
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from ui_window import unlocked_window

    first = household_input(members=[{"name": "王德", "id_number": "37030319600315001X", "relation": "head"},
                                     {"name": "秦晓春", "id_number": "370303196207200023", "relation": "spouse"}])
    for win, app, _, _ in unlocked_window(qtbot, tmp_path, first):
        qin = app.add_household(household_input(phone="13900000009", members=[
            {"name": "秦小川", "id_number": HEAD_ID, "relation": "head"}]))
        win.households.reload()
        win.session.worker.wait()
        qtbot.waitUntil(lambda w=win: w.households.proxy.rowCount() == 2)
        assert win.households.proxy.household_id(0) != qin  # listed by village, group, name: 王 before 秦
        win.households.search.setFocus()
        QTest.keyClicks(win.households.search, "qxc")
        qtbot.waitUntil(lambda w=win: w.households.proxy.rowCount() == 2)
        QTest.keyClick(win.households.search, Qt.Key.Key_Return)
        assert win.household.hid == qin
