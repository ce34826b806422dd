"""The sync panel on real encrypted stores: USB export and import through the
sync bundle services, refusals in the user's language, enrollment and "sync
now" against a real county server (uvicorn) on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PASS, household_input
from PySide6.QtCore import QSettings
from servers import enrolled_laptop

from fieldapp.oplog import outbox_size
from fieldapp.services import Fieldapp
from fieldapp.store import Store
from ui.autolock import IdleLock
from ui.errors import set_language
from ui.main_window import MainWindow
from ui.scanner import ScannerFilter
from ui.session import Session

VILLAGE = "370303102201"


@pytest.fixture
def make_window(qtbot, tmp_path):
    made = []

    def make(home: Path, app: Fieldapp) -> MainWindow:
        set_language("en")
        session = Session(home, "en", QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
        win = MainWindow(session, idle=IdleLock(10), scanner=ScannerFilter())
        qtbot.addWidget(win)
        win.resize(1366, 768)
        win.show()
        made.append(win)
        win.on_opened(app)
        session.worker.wait()
        win.tabs.setCurrentWidget(win.status)
        return win

    yield make
    set_language("en")
    for w in made:
        w.session.worker.wait()
        if w.session.is_open:
            w.session.lock_now()


def _wait(qtbot, panel) -> None:
    qtbot.waitUntil(lambda: not panel.busy, timeout=60000)


def test_panel_shows_state_and_conflicts_button(make_window, county, home):
    app = enrolled_laptop(county, home)
    app.add_household(household_input())
    win = make_window(home, app)
    panel = win.status.sync
    assert panel.fields["outbox_pending"].text() == "2"
    assert panel.fields["last_sync"].text() == "never"
    assert "127.0.0.1:9" in panel.fields["server"].text() and "370303" in panel.fields["server"].text()
    assert VILLAGE in panel.fields["villages"].text()
    assert panel.sync_button.isEnabled() and panel.export_button.isEnabled() and not panel.enroll_button.isVisible()
    assert not panel.conflicts_button.isEnabled()  # no conflicts waiting


def test_panel_says_how_many_changes_the_county_holds(make_window, county, home, tmp_path):
    """A change outside the laptop's villages goes to the county, which holds it and acks it;
    the panel then says so (real push through the county's services, as a USB import would)."""
    from fieldapp.ids import uuid7
    from fieldapp.oplog import HELD_BY_COUNTY, outbox

    app = enrolled_laptop(county, home)
    with app.store.tx():
        app.ops.fact("household", uuid7(), {"village_code": "370303102202"}, "张书记")
    doc = county.push(app.store.device_id, outbox(app.store))
    assert doc["held"] == 1 and doc["stored"] == 0
    app.store.set_meta(HELD_BY_COUNTY, str(doc["held"]))
    win = make_window(home, app)
    panel = win.status.sync
    print(f"pushed 1 change outside the village: county held {doc['held']}, panel shows "
          f"{panel.fields['held_by_county'].text()}")
    assert panel.fields["held_by_county"].text() == "1"
    assert panel.held_note.isVisibleTo(panel) and "1 changes were held by the county" in panel.held_note.text()


def test_not_enrolled_offers_enrollment_only(make_window, home):
    app = Fieldapp(Store.create(home, PASS, county="370303"), actor="张书记")
    win = make_window(home, app)
    panel = win.status.sync
    assert panel.fields["server"].text() == "not enrolled yet"
    assert panel.enroll_button.isVisible() and panel.enroll_button.isEnabled()
    assert not panel.sync_button.isEnabled() and not panel.export_button.isEnabled()


def test_export_to_usb_writes_a_bundle_the_county_reads(make_window, county, home, tmp_path, qtbot):
    app = enrolled_laptop(county, home)
    app.add_household(household_input())
    win = make_window(home, app)
    panel = win.status.sync
    usb = tmp_path / "usb"
    assert panel.export_usb(str(usb)) is not None
    assert panel.export_usb(str(usb)) is None  # one job at a time
    _wait(qtbot, panel)
    files = list(usb.glob("fieldapp-up-*.fab"))
    assert len(files) == 1 and not list(usb.glob("*.part"))
    text = panel.result.text()
    assert str(files[0]) in text and "(2 changes)" in text and "not delivery" in text
    assert panel.fields["outbox_pending"].text() == "2"  # exporting is not delivery
    res = county.import_bundle(files[0].read_bytes())
    assert res["status"] == "imported" and res["stored"] == 2
    # the county's reply bundle, imported from the stick, acknowledges them
    down = tmp_path / "usb" / "reply.fab"
    down.write_bytes(county.downlink(app.store.device_id))
    panel.import_usb(str(down))
    _wait(qtbot, panel)
    assert "Imported" in panel.result.text()
    assert panel.fields["outbox_pending"].text() == "0"
    panel.import_usb(str(down))  # the same bundle again
    _wait(qtbot, panel)
    assert "already imported" in panel.result.text()


@pytest.mark.parametrize(("lang", "expect"), [("en", "incomplete"), ("zh_CN", "不完整")])
def test_import_refusal_shows_translated_reason(make_window, county, home, tmp_path, qtbot, lang, expect):
    app = enrolled_laptop(county, home)
    win = make_window(home, app)
    set_language(lang)
    panel = win.status.sync
    data = county.downlink(app.store.device_id)
    cut = tmp_path / "cut.fab"
    cut.write_bytes(data[: len(data) // 2])
    panel.import_usb(str(cut))
    _wait(qtbot, panel)
    assert expect in panel.result.text()
    foreign = tmp_path / "foreign.fab"
    foreign.write_bytes(b"not a bundle")
    panel.import_usb(str(foreign))
    _wait(qtbot, panel)
    assert ("not a Fieldapp data bundle" if lang == "en" else "不是 Fieldapp 数据包") in panel.result.text()


# ----- a real county server ---------------------------------------------------------------------
def test_enroll_then_sync_now_against_real_server(make_window, server, home, qtbot):
    app = Fieldapp(Store.create(home, PASS, county="370303"), actor="张书记")
    app.add_household(household_input())
    win = make_window(home, app)
    panel = win.status.sync
    code = server.admin("enroll-code", "--village", VILLAGE, "--cadre", "张书记")
    panel.enroll((server.url, code, None))  # what the enrollment dialog hands over
    _wait(qtbot, panel)
    assert "Enrolled with county 370303" in panel.result.text()
    assert panel.sync_button.isEnabled() and server.url in panel.fields["server"].text()
    assert int(panel.fields["outbox_pending"].text()) > 0
    panel.sync_button.click()
    assert panel.busy and panel.progress.isVisible() and not panel.sync_button.isEnabled()
    win.status.sync.sync_now()  # a second click while running is ignored
    # the UI thread can still use the store while the sync waits on the network
    win.session.call(lambda a: a.status())
    _wait(qtbot, panel)
    assert "Synchronised" in panel.result.text(), panel.result.text()
    assert panel.fields["outbox_pending"].text() == "0"
    assert outbox_size(app.store) == 0
    assert panel.fields["last_sync"].text() != "never"
    assert not panel.progress.isVisible()


def test_sync_cancel_and_unreachable_server(make_window, county, home, qtbot):
    app = enrolled_laptop(county, home)  # enrolled with http://127.0.0.1:9: nothing listens there
    app.add_household(household_input())
    win = make_window(home, app)
    panel = win.status.sync
    job = panel.sync_now()
    assert job is not None and panel.cancel_button.isVisible()
    panel.cancel()
    _wait(qtbot, panel)
    assert "Cancelled" in panel.result.text()
    assert panel.fields["outbox_pending"].text() == "2"
