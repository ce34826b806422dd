"""The sync trust boundary on a real ``fieldapp serve`` (SQLite and PostgreSQL):
a laptop writes only within its villages, malformed ops and reused sequence
numbers are held (acknowledged, never stored, projected or pulled), the county
releases or rejects what it holds, and honest laptops of the village keep
syncing. Each test prints what it tried, refused and stored."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import household_input
from servers import CountyServer as Server
from test_sync_server import db_url, laptop, server  # noqa: F401  (fixtures)

from fieldapp.ids import uuid7
from fieldapp.oplog import outbox_size
from fieldapp.services import Fieldapp
from sync.client import sync

V1 = "370303102201"
V2 = "370303102202"
OTHER_COUNTY = "370323102201"


def enrolled(srv: Server, home: Path, village: str) -> Fieldapp:
    from conftest import PASS

    from fieldapp.store import Store
    from sync.client import enroll

    app = Fieldapp(Store.create(home, PASS, county="370303"), actor=home.name)
    enroll(app, srv.url, srv.admin("enroll-code", "--village", village, "--cadre", home.name))
    return app


def stored_ops(srv: Server) -> int:
    return int(json.loads(srv.admin("stats", "--json"))["ops"])


def held(srv: Server, status: str = "held") -> list[dict]:
    return json.loads(srv.admin("held", "--status", status, "--json"))


def test_a_laptop_writes_only_in_its_villages(server: Server, tmp_path: Path) -> None:  # noqa: F811
    a, b = enrolled(server, tmp_path / "a", V1), enrolled(server, tmp_path / "b", V2)
    try:
        mine = a.add_household(household_input(village_code=V1))
        theirs = b.add_household(household_input(village_code=V2, phone="13700000000"))
        sync(a)
        sync(b)
        before = stored_ops(server)
        # A tampered laptop A writes, with its own key and sequence numbers, into B's village.
        from fieldapp.oplog import OpWriter

        w: OpWriter = a.ops
        tries = {
            "phone of B's household": lambda: w.set_field("household", theirs, "phone", "13999999999", "a", ()),
            "address superseding B's": lambda: w.set_field("household", theirs, "address", "x", "a", ()),
            "household created in B's village": lambda: w.fact("household", uuid7(), {"village_code": V2}, "a"),
            "B's household moved into A's village": lambda: w.set_field("household", theirs, "village_code", V1, "a", ()),
            "member added to B's household": lambda: w.fact("member", uuid7(), {"household_id": theirs, "name": "x"}, "a"),
            "household of another county": lambda: w.fact("household", uuid7(), {"village_code": OTHER_COUNTY}, "a"),
            "A's household moved out to B's village": lambda: w.set_field("household", mine, "village_code", V2, "a",
                                                                           ()),
        }
        for make in tries.values():
            with a.store.tx():
                make()
        honest = a.add_household(household_input(village_code=V1, phone="13600000000",
                                                 members=[{"name": "李四", "relation": "head"}]))
        pushed = sync(a)
        assert outbox_size(a.store) == 0, "held ops are acknowledged: nothing is sent again"
        got = held(server)
        reasons = sorted(h["reason"] for h in got)
        print(f"tried {len(tries)} writes outside A's villages: held {len(got)} ({reasons}); "
              f"stored {stored_ops(server) - before} ops (A's honest household)")
        assert len(got) == len(tries) and set(reasons) == {"outside_villages"}
        assert stored_ops(server) - before == 2  # the honest household and its head
        assert a.store.meta("sync_held_by_county") == str(len(tries))
        assert pushed["acked_seq"] == int(a.store.meta("device_seq"))
        # B never sees A's attempts; A never receives B's household.
        sync(b)
        assert b.household_record(theirs)["phone"] == "13700000000"
        assert [h["id"] for h in b.list_households()] == [theirs]
        sync(a)
        assert {h["id"] for h in a.list_households()} >= {mine, honest}
        stats = json.loads(server.admin("stats", "--json"))
        assert stats["households"] == 3
        # The county releases one attempt (its decision) and rejects another.
        phone = next(h for h in got if h["op"]["field"] == "phone")
        server.admin("release", str(phone["id"]))
        out = server.admin("reject", str(got[-1]["id"]))
        assert "rejected" in out
        sync(b)
        assert b.household_record(theirs)["phone"] == "13999999999"
        sync(a)
        assert a.store.meta("sync_held_by_county") == str(len(tries) - 2)
        assert len(held(server, "released")) == 1 and len(held(server, "rejected")) == 1
    finally:
        a.store.close()
        b.store.close()


def signed_push(app: Fieldapp, srv: Server, ops: list[dict]):
    import httpx

    from sync.client import signer

    body = json.dumps({"ops": ops}).encode()
    headers = {**signer(app.store)("POST", "/api/v1/push", body), "content-type": "application/json"}
    return httpx.post(srv.url + "/api/v1/push", content=body, headers=headers)


def test_bad_ops_are_held_and_the_village_keeps_syncing(server: Server, tmp_path: Path) -> None:  # noqa: F811
    a, b = enrolled(server, tmp_path / "a", V1), enrolled(server, tmp_path / "b", V1)
    newcomer = None
    try:
        hid = a.add_household(household_input(village_code=V1))
        sync(a)
        member = a.household_detail(hid)["members"][0]["id"]
        before = stored_ops(server)

        def op(**over):
            with a.store.tx():
                seq = a.store.next_seq()
            doc = {"op_id": uuid7(), "device_id": a.store.device_id, "device_seq": seq, "hlc": a.store.clock.tick(),
                   "entity": "household", "entity_id": hid, "field": "phone", "value": "1", "supersedes": [],
                   "county": "370303", "schema_version": 1, "author": "a"}
            doc.update(over)
            return doc

        shapes = {
            "JSON path as field name": op(field="a["),
            "member name as an object": op(entity="member", entity_id=member, field="name", value={"x": 1}),
            "member record with wrong types": op(entity="member", entity_id=uuid7(), field="*",
                                                 value={"household_id": hid, "name": ["x"], "position": "first"}),
            "problem record with wrong types": op(entity="problem", entity_id=uuid7(), field="*",
                                                  value={"household_id": hid, "indicator": 7}),
            "attachment not base64": op(entity="attachment", entity_id=uuid7(), field="*",
                                        value={"household_id": hid, "sha256": "0" * 64, "data": "!!"}),
            "NUL in a value": op(value="13\x0000"),
            "NUL in the author": op(author="a\x00"),
            "id of 40 characters": op(entity_id="x" * 40),
            "NUL in an id": op(entity_id=hid[:-1] + "\x00"),
            "huge text": op(field="address", value="x" * 100_000),
        }
        r = signed_push(a, server, list(shapes.values()))
        assert r.status_code == 200, r.text
        doc = r.json()
        reuse = op()
        reuse["device_seq"] = doc["acked_seq"]  # a sequence number already used for another op
        r2 = signed_push(a, server, [reuse])
        assert r2.status_code == 200 and r2.json()["quarantined"] == 1
        got = held(server)
        print(f"tried {len(shapes) + 1} bad op shapes: held {len(got)} "
              f"({sorted({h['reason'] for h in got})}), stored {stored_ops(server) - before}")
        assert doc["quarantined"] == len(shapes) and doc["stored"] == 0
        assert doc["acked_seq"] == int(a.store.meta("device_seq")) - 1
        assert len(got) == len(shapes) + 1 and any(h["reason"] == "sequence_reuse" for h in got)
        assert stored_ops(server) == before
        # Every honest laptop of the village still syncs, and a new one too.
        a.store.set_meta("last_acked_seq", a.store.meta("device_seq"))  # the forged seqs were never local ops
        sync(b)
        b.set_household_field(hid, "address", "北街3号")
        sync(b)
        sync(a)
        newcomer = enrolled(server, tmp_path / "c", V1)
        sync(newcomer)
        for app in (a, b, newcomer):
            assert app.household_record(hid)["address"] == "北街3号"
            assert app.household_record(hid)["phone"] == "13800000001"
        for h in got:
            out = server.admin("reject", str(h["id"]))
            assert "rejected" in out
    finally:
        for x in (a, b, newcomer):
            if x is not None:
                x.store.close()


def test_restore_from_an_old_backup_converges(server: Server, tmp_path: Path) -> None:  # noqa: F811
    """County IT restores a broken laptop from an older backup (fieldapp restore --force):
    it keeps its device id and sequence numbers, makes new edits, and syncs. Nothing is
    held, every laptop converges, and the restored laptop gets its post-backup edits back
    with the new ones on top."""
    from conftest import PASS
    from test_sync_server import live_state

    from fieldapp.maintenance import backup, restore
    from fieldapp.store import Store

    home = tmp_path / "a"
    a, b = enrolled(server, home, V1), enrolled(server, tmp_path / "b", V1)
    try:
        hid = a.add_household(household_input(village_code=V1))
        sync(a)
        sync(b)
        saved = backup(a.store, tmp_path / "backups")
        # After the backup: A edits and syncs; the county and B have it.
        a.set_household_field(hid, "phone", "13911111111")
        a.set_household_field(hid, "address", "南街5号")
        later = a.add_household(household_input(village_code=V1, members=[{"name": "王五", "relation": "head"}]))
        sync(a)
        sync(b)
        seq_before = int(a.store.meta("device_seq"))
        a.store.close()
        restore(saved, home, PASS, force=True)
        a = Fieldapp(Store.open(home, PASS), actor="a")
        assert int(a.store.meta("device_seq")) < seq_before  # the old numbers: new edits reuse them
        a.set_household_field(hid, "address", "新街9号")
        a.set_household_field(hid, "group", "2组")
        done = sync(a)
        sync(b)
        sync(a)
        print(f"restored laptop: {done['renumbered']} unsent changes renumbered, pushed {done['pushed']}, "
              f"pulled {done['pulled']}; held by the county: {len(held(server))}")
        assert done["renumbered"] == 2 and held(server) == []
        assert a.store.meta("sync_held_by_county") == "0"
        assert live_state(a) == live_state(b)
        for x in (a, b):
            rec = x.household_record(hid)
            assert rec["phone"] == "13911111111"  # the post-backup edit came back
            assert rec["address"] == "新街9号" and rec["group"] == "2组"  # the new ones on top
            assert later in {h["id"] for h in x.list_households()}
        seqs = [r[0] for r in a.store.conn.execute(
            "SELECT device_seq FROM op WHERE device_id = ? ORDER BY device_seq", (a.store.device_id,))]
        assert seqs == list(range(1, len(seqs) + 1)) and outbox_size(a.store) == 0
    finally:
        a.store.close()
        b.store.close()


def test_dashboard_held_page_releases_and_rejects(county, tmp_path: Path) -> None:
    """The county sees held changes on the dashboard and releases or rejects them (CSRF-protected forms)."""
    import re

    from fastapi.testclient import TestClient
    from servers import enrolled_laptop

    from fieldapp.oplog import outbox
    from sync.server.accounts import create_account
    from sync.server.app import create_app

    app = enrolled_laptop(county, tmp_path / "lap")
    try:
        with app.store.tx():
            app.ops.fact("household", uuid7(), {"village_code": V2}, "a")
            app.ops.fact("household", uuid7(), {"village_code": V2}, "a")
        assert county.push(app.store.device_id, outbox(app.store))["held"] == 2
        create_account(county.engine, county.county, "boss", "boss-password-2026", "county", None)
        web = TestClient(create_app(county), follow_redirects=False)
        page = web.get("/dashboard/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert token is not None
        assert web.post("/dashboard/login", data={"csrf": token.group(1), "username": "boss",
                                                  "password": "boss-password-2026"}).status_code == 303
        held_page = web.get("/dashboard/held")
        assert held_page.status_code == 200 and held_page.text.count('data-testid="held-reason"') == 2
        csrf = re.search(r'name="csrf" value="([^"]+)"', held_page.text)
        assert csrf is not None
        ids = [h["id"] for h in county.held_ops()]
        assert web.post(f"/dashboard/held/{ids[0]}/release", data={"csrf": "wrong"}).status_code == 403
        assert web.post(f"/dashboard/held/{ids[0]}/release", data={"csrf": csrf.group(1)}).status_code == 303
        assert web.post(f"/dashboard/held/{ids[1]}/reject", data={"csrf": csrf.group(1)}).status_code == 303
        print(f"dashboard: 2 held, released 1, rejected 1; households now {county.stats()['households']}")
        assert county.held_ops() == [] and county.stats()["households"] == 1
    finally:
        app.store.close()
