"""Sync by itself: an enrolled laptop syncs in the background against a real
``fieldapp serve`` through a slow, lossy loopback link, with back-off while the
county cannot be reached, and finishes with nothing lost or repeated."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import PASS, household_input
from lossy_proxy import Cut, LossyProxy
from PySide6.QtCore import QSettings

from fieldapp.oplog import outbox, outbox_size
from fieldapp.services import Fieldapp
from fieldapp.store import Store
from sync.client import enroll
from ui.auto_sync import SETTING, Timing
from ui.autolock import IdleLock
from ui.errors import set_language
from ui.main_window import MainWindow
from ui.scanner import ScannerFilter
from ui.session import Session

VILLAGE = "370303102201"
FAST = Timing(after_unlock=0.05, after_change=0.1, every=60, first_backoff=0.2, max_backoff=1.0)


def _ids(n: int) -> list[str]:
    from fieldapp.idnumber import check_char

    out = []
    for i in range(n):
        first = f"3703031970{i % 12 + 1:02d}{i % 28 + 1:02d}{i + 1:03d}"
        out.append(first + check_char(first))
    return out


def _server_ops(server, device_id: str) -> list[tuple[str, int]]:
    db = server.db.removeprefix("sqlite:///")
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT op_id, device_seq FROM ops WHERE device_id = ? ORDER BY device_seq",
                            (device_id,)).fetchall()


@pytest.fixture
def laptop(server, tmp_path: Path, qtbot):
    set_language("en")
    home = tmp_path / "home"
    app = Fieldapp(Store.create(home, PASS, county="370303"), actor="张书记")
    enroll(app, server.url, server.admin("enroll-code", "--village", VILLAGE, "--cadre", "张书记"))
    for i, idn in enumerate(_ids(25)):
        app.add_household(household_input(phone=f"1380000{i:04d}", members=[
            {"name": f"王{i}", "id_number": idn, "relation": "head"}]))
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    session = Session(home, "en", settings)
    win = MainWindow(session, idle=IdleLock(10), scanner=ScannerFilter())
    win.auto_sync.timing = FAST
    qtbot.addWidget(win)
    win.show()
    yield win, app
    win.auto_sync.stop()
    session.worker.wait()
    if session.is_open:
        session.lock_now()


def _point_at(win: MainWindow, app: Fieldapp, url: str) -> None:
    """Change the server address (under the store lock, as the settings tab does, while a sync may run)."""
    with win.session.lock:
        app.store.set_meta("server_url", url)


def test_background_sync_over_a_lossy_link_loses_and_repeats_nothing(laptop, server, qtbot):
    win, app = laptop
    # connection 1: the request is cut on the way up; connection 2: the server stores the batch
    # but the answer is cut on the way down (the re-send must not store anything twice).
    proxy = LossyProxy(server.port, delay_s=0.01, bytes_per_s=512 * 1024,
                       cuts=[Cut(conn=1, after=3000, up=True), Cut(conn=2, after=20, up=False)])
    try:
        _point_at(win, app, proxy.url)
        pending = outbox_size(app.store)
        assert pending >= 50
        mine = {op.op_id for op in outbox(app.store)}
        win.on_opened(app)
        qtbot.waitUntil(lambda: outbox_size(app.store) == 0 and not win.auto_sync.running, timeout=60000)
        assert sorted(proxy.cut_done) == [1, 2]
        assert win.auto_sync.reachable is True and win.auto_sync.failures == 0
        ops = _server_ops(server, app.store.device_id)
        assert len(ops) == pending == len({op for op, _ in ops})  # each op stored once
        assert {op for op, _ in ops} == mine
        assert [seq for _, seq in ops] == list(range(1, pending + 1))  # none lost
        assert "0 changes waiting" in win.sync_label.text() and "county reachable" in win.sync_label.text()
        # typing was never blocked: the UI thread could use the store during the sync
        assert app.household_rows()
    finally:
        proxy.close()


def test_unreachable_backs_off_then_syncs_after_a_change(laptop, server, qtbot):
    win, app = laptop
    from pg import free_port

    _point_at(win, app, f"http://127.0.0.1:{free_port()}")  # nothing listens there
    win.on_opened(app)
    qtbot.waitUntil(lambda: win.auto_sync.failures >= 2, timeout=20000)
    assert win.auto_sync.reachable is False
    assert win.auto_sync.backoff() > FAST.first_backoff  # it grows
    assert "county not reachable" in win.sync_label.text()
    assert outbox_size(app.store) > 0
    _point_at(win, app, server.url)  # the connection comes back
    qtbot.waitUntil(lambda: win.auto_sync.reachable is True, timeout=30000)
    assert outbox_size(app.store) == 0 and win.auto_sync.failures == 0
    # after a save goes quiet, the new change goes up by itself
    hid = app.household_rows()[0]["id"]
    win.session.call(lambda a: a.open_problem(hid, "housing", "屋顶漏雨"))
    assert outbox_size(app.store) > 0
    win.session.notify(hid)
    qtbot.waitUntil(lambda: outbox_size(app.store) == 0, timeout=30000)


def test_setting_turns_it_off(laptop, qtbot):
    win, app = laptop
    win.session.settings.setValue(SETTING, False)
    win.on_opened(app)
    assert not win.auto_sync.timer.isActive()
    assert not win.auto_sync.run_now()
    qtbot.wait(300)
    assert outbox_size(app.store) > 0
    assert "automatic sync off" in win.sync_label.text()
    win.tabs.setCurrentWidget(win.settings_tab)
    win.settings_tab.auto_sync.setChecked(True)
    assert win.auto_sync.enabled and win.auto_sync.timer.isActive()
