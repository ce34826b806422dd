"""The township relay with a real county server: check, queue, upload, write downlinks;
offline it queues from the saved device list and uploads on the next run."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import PASS, household_input, run_cli
from servers import CountyServer

from fieldapp.oplog import outbox_size
from fieldapp.services import Fieldapp
from fieldapp.store import Store

VILLAGE = "370303102201"


def _laptop(server: CountyServer, home: Path) -> Fieldapp:
    from sync.client import enroll

    app = Fieldapp(Store.create(home, PASS, county="370303"), actor="张书记")
    enroll(app, server.url, server.admin("enroll-code", "--village", VILLAGE, "--cadre", "张书记"))
    app.add_household(household_input())
    return app


def test_relay_uploads_and_writes_downlink_that_acks(server, tmp_path):
    from sync.client import relay
    from sync.device import export_uplink, import_downlink

    app = _laptop(server, tmp_path / "laptop")
    usb, queue = tmp_path / "usb", tmp_path / "office-queue"
    usb.mkdir()
    try:
        path, n = export_uplink(app, usb)
        assert n == outbox_size(app.store) == 2  # exporting is not delivery
        doc = relay(server.url, usb, queue=queue)
        assert doc["online"] and [r["status"] for r in doc["uploaded"]] == ["imported"]
        assert doc["queued"] == [] and len(doc["downlinks"]) == 1
        assert json.loads(server.admin("stats", "--json"))["households"] == 1
        import_downlink(app, Path(doc["downlinks"][0]).read_bytes())
        assert outbox_size(app.store) == 0
        again = relay(server.url, usb, queue=queue)  # the same stick twice: nothing new
        assert [r["status"] for r in again["uploaded"]] == ["already_imported"]
    finally:
        app.store.close()


def test_relay_offline_queues_then_uploads(server, tmp_path):
    from sync.client import relay
    from sync.device import export_uplink

    app = _laptop(server, tmp_path / "laptop")
    usb, queue = tmp_path / "usb", tmp_path / "office-queue"
    usb.mkdir()
    try:
        relay(server.url, None, queue=queue)  # the office connects once: device list saved
        export_uplink(app, usb)
        server.stop()
        doc = relay(server.url, usb, queue=queue)
        assert not doc["online"] and [r["status"] for r in doc["uploaded"]] == ["queued"]
        assert len(doc["queued"]) == 1 and doc["downlinks"] == []
        # a bundle altered on the stick is refused offline too, and never queued
        bad = usb / "fieldapp-up-tampered.fab"
        data = bytearray(next(usb.glob("fieldapp-up-*.fab")).read_bytes())
        data[-10] ^= 0xFF
        bad.write_bytes(bytes(data))
        doc = relay(server.url, usb, queue=queue)
        assert sorted(r["status"] for r in doc["uploaded"]) == ["queued", "refused"]
        assert len(doc["queued"]) == 1
        server.start()
        doc = relay(server.url, None, queue=queue)  # back online: the queue empties
        assert doc["online"] and [r["status"] for r in doc["uploaded"]] == ["imported"] and doc["queued"] == []
        assert json.loads(server.admin("stats", "--json"))["ops"] == 2
    finally:
        app.store.close()


def test_relay_without_any_device_list_refuses_clearly(tmp_path):
    p = run_cli("relay", "--server", "http://127.0.0.1:9", "--queue", str(tmp_path / "q"), home=tmp_path / "h")
    assert p.returncode == 1 and "no device list" in p.stderr and "Traceback" not in p.stderr
