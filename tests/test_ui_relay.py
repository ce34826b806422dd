"""The township relay window against a real ``fieldapp serve`` on loopback, with a
folder standing in for the USB stick: the stick is noticed when it appears, every
bundle is listed with its device and what the check found, good ones reach the
county, the laptop's reply is written back, and the window says when to pull it out."""

from __future__ import annotations

from pathlib import Path

from conftest import PASS, household_input
from PySide6.QtCore import QSettings

from fieldapp.oplog import outbox_size
from fieldapp.services import Fieldapp
from fieldapp.store import Store
from sync.client import enroll
from sync.device import export_uplink, import_downlink
from ui.errors import set_language
from ui.relay_window import QUEUE_KEY, SERVER_KEY, RelayWindow

VILLAGE = "370303102201"


def test_relay_window_reads_a_stick_and_writes_replies(server, tmp_path: Path, qtbot) -> None:
    set_language("en")
    app = Fieldapp(Store.create(tmp_path / "laptop", PASS, county="370303"), actor="张书记")
    enroll(app, server.url, server.admin("enroll-code", "--village", VILLAGE, "--cadre", "张书记"))
    app.add_household(household_input())
    stick = tmp_path / "stick"
    stick.mkdir()
    good, _ = export_uplink(app, stick)
    data = Path(good).read_bytes()
    (stick / "fieldapp-up-cut.fab").write_bytes(data[: len(data) // 2])  # pulled out while copying

    settings = QSettings(str(tmp_path / "relay.ini"), QSettings.Format.IniFormat)
    settings.setValue(SERVER_KEY, server.url)
    settings.setValue(QUEUE_KEY, str(tmp_path / "office-queue"))
    settings.setValue("ui/language", "en")
    mounted: list[str] = []
    win = RelayWindow(settings, roots=lambda: list(mounted))
    qtbot.addWidget(win)
    win.show()
    assert "Plug in a USB stick" in win.stick_label.text()
    try:
        mounted.append(str(stick))  # the stick goes in
        with qtbot.waitSignal(win.finished, timeout=60000) as got:
            win.watcher.poll()
        doc = got.args[0]
        rows = {win.table.item(i, 0).text(): (win.table.item(i, 1).text(), win.table.item(i, 2).text())
                for i in range(win.table.rowCount())}
        assert rows[Path(good).name] == (app.store.device_id[:8], "Checked and delivered to the county")
        assert rows["fieldapp-up-cut.fab"][1].startswith("Refused:") and "incomplete" in rows["fieldapp-up-cut.fab"][1]
        assert "pull out the stick now" in win.stick_label.text() and "1 laptops" in win.stick_label.text()
        assert "0 bundles waiting" in win.queue_label.text()
        assert len(doc["downlinks"]) == 1
        # the laptop imports the reply from the stick: its changes are acknowledged
        import_downlink(app, Path(doc["downlinks"][0]).read_bytes())
        assert outbox_size(app.store) == 0
        # the same stick again: nothing new
        mounted.clear()
        win.watcher.poll()
        mounted.append(str(stick))
        with qtbot.waitSignal(win.finished, timeout=60000):
            win.watcher.poll()
        again = {win.table.item(i, 0).text(): win.table.item(i, 2).text() for i in range(win.table.rowCount())}
        assert again[Path(good).name] == "Already delivered earlier (nothing new)"
    finally:
        win.close()
        app.store.close()


def test_relay_offline_keeps_the_queue_and_says_so(server, tmp_path: Path, qtbot) -> None:
    from sync.client import relay

    set_language("en")
    app = Fieldapp(Store.create(tmp_path / "laptop", PASS, county="370303"), actor="张书记")
    enroll(app, server.url, server.admin("enroll-code", "--village", VILLAGE, "--cadre", "张书记"))
    app.add_household(household_input())
    queue = tmp_path / "office-queue"
    relay(server.url, None, queue=queue)  # the office was online once: device list saved
    stick = tmp_path / "stick"
    stick.mkdir()
    export_uplink(app, stick)
    server.stop()
    settings = QSettings(str(tmp_path / "relay.ini"), QSettings.Format.IniFormat)
    settings.setValue(SERVER_KEY, server.url)
    settings.setValue(QUEUE_KEY, str(queue))
    settings.setValue("ui/language", "en")
    win = RelayWindow(settings, roots=lambda: [])
    qtbot.addWidget(win)
    try:
        with qtbot.waitSignal(win.finished, timeout=60000):
            win.process(str(stick))
        assert win.table.item(0, 2).text().startswith("Checked; waiting in the queue")
        assert "cannot be reached" in win.queue_label.text() and "1 bundles waiting" in win.queue_label.text()
        assert "pull out the stick now" in win.stick_label.text()
    finally:
        win.close()
        app.store.close()


def test_first_run_can_set_up_a_relay(tmp_path: Path, qtbot) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QInputDialog

    from ui.autolock import IdleLock
    from ui.main_window import MainWindow
    from ui.relay_window import relay_server
    from ui.scanner import ScannerFilter
    from ui.session import Session

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    win = MainWindow(Session(tmp_path / "home", "en", settings), idle=IdleLock(10), scanner=ScannerFilter())
    qtbot.addWidget(win)
    win.show()
    assert win.unlock.first_run and win.unlock.relay_button.isVisible()
    def answer() -> None:
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, QInputDialog):
            QTimer.singleShot(20, answer)
            return
        dlg.setTextValue("https://county.example:8470")
        dlg.accept()

    QTimer.singleShot(0, answer)
    win.unlock.relay_button.click()
    assert relay_server(settings) == "https://county.example:8470"
    relay = win.relay_window
    qtbot.addWidget(relay)
    assert relay.isVisible() and not win.isVisible()
    assert not (tmp_path / "home" / "store.key").exists()  # no store, no passphrase
    relay.close()
