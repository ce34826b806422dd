"""The county server as a real uvicorn process on 127.0.0.1, on SQLite and
PostgreSQL: enrollment, signed push/pull, convergence and conflicts between
real laptop stores, refusals, and a server killed (SIGKILL) mid-push."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import PASS, household_input
from servers import CountyServer as Server

from fieldapp.oplog import outbox_size
from fieldapp.services import Fieldapp
from fieldapp.store import Store

VILLAGE = "370303102201"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path: Path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'county.db'}"
    return request.getfixturevalue("pg_cluster").new_database()


@pytest.fixture
def server(tmp_path: Path, db_url: str):
    s = Server(tmp_path / "county", db_url)
    s.start()
    yield s
    s.kill()


def laptop(server: Server, home: Path) -> Fieldapp:
    from sync.client import enroll

    store = Store.create(home, PASS, county="370303")
    app = Fieldapp(store, actor=home.name)
    enroll(app, server.url, server.admin("enroll-code", "--village", VILLAGE, "--cadre", home.name))
    return app


def live_state(app: Fieldapp) -> dict:
    c = app.store.conn
    regs: dict = {}
    for e, i, f, o in c.execute("SELECT entity, entity_id, field, op_id FROM live_value"):
        regs.setdefault(f"{e}|{i}|{f}", []).append(o)
    facts = {f"{e}|{i}": d for e, i, d in c.execute("SELECT entity, entity_id, digest FROM fact")}
    return {"registers": {k: sorted(v) for k, v in regs.items()}, "facts": facts}


def test_enroll_edit_sync_converge_with_conflict(server: Server, tmp_path: Path) -> None:
    import json

    from sync.client import sync

    a, b, c = (laptop(server, tmp_path / n) for n in ("a", "b", "c"))
    try:
        assert a.store.keyfile is not None and a.store.keyfile.recovery is not None
        hid = a.add_household(household_input())
        sync(a)
        sync(b)
        sync(c)
        assert [h["id"] for h in b.list_households()] == [hid]
        a.set_household_field(hid, "phone", "13900000001")
        b.set_household_field(hid, "phone", "13900000002")
        c.set_household_field(hid, "address", "西街2号")
        for app in (a, b, c, a, b):
            sync(app)
        states = [live_state(x) for x in (a, b, c)]
        assert states[0] == states[1] == states[2]
        for x in (a, b, c):
            conflicts = x.conflicts()
            assert [k["name"] for k in conflicts] == ["phone"]
            assert sorted(conflicts[0]["values"]) == ["13900000001", "13900000002"]
            assert x.household_record(hid)["address"] == "西街2号"
        stats = json.loads(server.admin("stats", "--json"))
        assert stats["households"] == 1 and stats["conflicts"] == 1 and stats["devices"] == 3
        b.resolve(f"household:{hid}:phone", "13900000009")
        for app in (b, a, c):
            sync(app)
        assert all(x.conflicts() == [] and x.household_record(hid)["phone"] == "13900000009" for x in (a, b, c))
        assert outbox_size(a.store) == outbox_size(b.store) == outbox_size(c.store) == 0
    finally:
        for x in (a, b, c):
            x.store.close()


def test_refusals_over_http(server: Server, tmp_path: Path) -> None:
    import httpx

    from sync.client import signer, sync

    a = laptop(server, tmp_path / "a")
    try:
        sign = signer(a.store)
        body = b'{"ops": []}'
        h = sign("POST", "/api/v1/push", body)
        ok = httpx.post(server.url + "/api/v1/push", content=body, headers={**h, "content-type": "application/json"})
        assert ok.status_code == 200
        again = httpx.post(server.url + "/api/v1/push", content=body, headers={**h, "content-type": "application/json"})
        assert again.status_code == 401 and again.json()["code"] == "replayed_request"
        stale = {**sign("POST", "/api/v1/push", body)}
        stale["x-fieldapp-time"] = str(int(time.time()) - 600)
        r = httpx.post(server.url + "/api/v1/push", content=body, headers={**stale, "content-type": "application/json"})
        assert r.status_code == 401
        r = httpx.post(server.url + "/api/v1/push", content=b'{"ops": [1]}',
                       headers={**sign("POST", "/api/v1/push", b'{"ops": [1]}'), "content-type": "application/json"})
        assert r.status_code == 422
        r = httpx.post(server.url + "/api/v1/enroll", json={"code": "AAAA-BBBB", "device_id": a.store.device_id,
                                                            "sign_public": "0" * 64, "box_public": "0" * 64})
        assert r.status_code == 403 and r.json()["reason"]
        # A device id reaches URLs and form actions: only canonical UUID text is enrolled.
        tried = ["x/../../accounts/admin2/disable?", "X" * 36, a.store.device_id.upper(), "a\x00b"]
        refused = 0
        for bad in tried:
            r = httpx.post(server.url + "/api/v1/enroll", json={
                "code": server.admin("enroll-code", "--village", VILLAGE, "--cadre", "x"), "device_id": bad,
                "sign_public": "0" * 64, "box_public": "0" * 64})
            refused += r.status_code == 422
        print(f"enrollment: tried {len(tried)} device ids that are not UUIDs, refused {refused}")
        assert refused == len(tried)
        assert httpx.get(server.url + "/api/v1/devices/x%2F..%2Fy/downlink").status_code in (404, 422)
        server.admin("revoke", a.store.device_id)
        a.add_household(household_input())
        from fieldapp.errors import InputRefused

        with pytest.raises(InputRefused) as err:
            sync(a)
        assert "revoked" in err.value.en
        assert outbox_size(a.store) == 2
    finally:
        a.store.close()


def test_server_killed_mid_push_then_resumed(server: Server, tmp_path: Path) -> None:
    import json

    from fieldapp.errors import InputRefused
    from sync.client import sync

    a = laptop(server, tmp_path / "a")
    try:
        for i in range(40):
            a.add_household(household_input(phone=f"138000{i:05d}", members=[
                {"name": f"户主{i}", "relation": "head"}]))
        total = int(a.store.meta("device_seq"))
        def progress(stage: str, done: int, _total: int) -> None:
            if stage == "push" and done:
                server.kill()  # SIGKILL after the first acked batch, before the next one

        with pytest.raises(InputRefused):
            sync(a, batch_bytes=2000, retries=0, progress=progress)
        acked = int(a.store.meta("last_acked_seq"))
        assert 0 < acked < total
        server.start()
        sync(a, batch_bytes=2000)
        assert outbox_size(a.store) == 0 and int(a.store.meta("last_acked_seq")) == total
        stats = json.loads(server.admin("stats", "--json"))
        assert stats["ops"] == total and stats["households"] == 40
    finally:
        a.store.close()


def test_household_moving_into_a_village_brings_its_history(tmp_path: Path) -> None:
    """A household that moves to a village of another laptop reaches it whole:
    its earlier ops were written while it lived elsewhere, before that laptop's cursor."""
    from sync.client import enroll, sync

    server = Server(tmp_path / "county", f"sqlite:///{tmp_path / 'county.db'}")
    server.start()
    a = Fieldapp(Store.create(tmp_path / "a", PASS, county="370303"), actor="a")
    b = Fieldapp(Store.create(tmp_path / "b", PASS, county="370303"), actor="b")
    try:
        enroll(a, server.url, server.admin("enroll-code", "--village", VILLAGE, "--cadre", "a"))
        enroll(b, server.url, server.admin("enroll-code", "--village", "370303102202", "--cadre", "b"))
        hid = a.add_household(household_input())
        vid, _ = a.record_visit(hid, a.answers_from_assessment(hid, {"food": {"staple_ok": True, "protein_ok": False}}),
                                validate=False)
        sync(a)
        sync(b)
        assert b.list_households() == []  # not b's village
        # A laptop cannot move a household out of its villages: the county decides moves.
        a.set_household_field(hid, "village_code", "370303102202")
        sync(a)
        sync(b)
        assert b.list_households() == []
        assert a.store.meta("sync_held_by_county") == "1"
        server.admin("move-household", hid, "--village", "370303102202")
        sync(b)
        shown = b.household_detail(hid)
        assert shown["head_name"] == "张三" and shown["village_code"] == "370303102202"
        assert [v["id"] for v in shown["visits"]] == [vid]
        assert [p["indicator"] for p in shown["problems"]] == ["food"]
        sync(b)  # nothing new comes twice
        assert len(b.household_detail(hid)["visits"]) == 1
    finally:
        a.store.close()
        b.store.close()
        server.stop()
