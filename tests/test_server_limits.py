"""Limits before work and hardening, on a real ``fieldapp serve`` (SQLite and
PostgreSQL): body limits while reading (chunked uploads included), signature
before parsing, bundles checked as they stream in, decompression caps, security
headers, no public API docs, NUL and over-long input as a 4xx, and a first
start without a county refused in one line. Memory is read from the server
process itself (VmHWM, its peak resident set)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
import pytest
import servers
from conftest import PASS, household_input
from servers import FIELDAPP
from servers import CountyServer as Server
from test_sync_server import db_url, server  # noqa: F401  (fixtures)

MiB = 1024 * 1024


def peak_rss_mib(srv: Server) -> float:
    assert srv.proc is not None
    return servers.peak_rss_mib(srv.proc.pid)


def chunked_upload(srv: Server, path: str, total: int, chunk: bytes,
                   headers: dict[str, str] | None = None) -> tuple[int, int]:
    return servers.chunked_upload(srv.port, path, total, chunk, headers)


def test_limits_before_work(server: Server, tmp_path: Path) -> None:  # noqa: F811
    from fieldapp.services import Fieldapp
    from fieldapp.store import Store
    from sync.client import enroll, signer

    idle = peak_rss_mib(server)
    # A chunked push with no Content-Length, far over the 32 MiB limit: cut off while it is read.
    signed_looking = {"x-fieldapp-device": "01900000-0000-7000-8000-000000000009", "x-fieldapp-time": "1",
                      "x-fieldapp-nonce": "abcdefgh12345678", "x-fieldapp-signature": "00"}
    status, sent = chunked_upload(server, "/api/v1/push", 300 * MiB, b"x" * MiB, signed_looking)
    after_push = peak_rss_mib(server)
    print(f"chunked 300 MiB push: {status} after {sent // MiB} MiB sent; peak RSS {idle:.0f} -> {after_push:.0f} MiB")
    assert status == 413 and after_push - idle < 80
    # Junk as a bundle upload: refused after the first chunk.
    status, sent = chunked_upload(server, "/api/v1/bundles", 300 * MiB, b"\0" * MiB)
    after_junk = peak_rss_mib(server)
    print(f"chunked 300 MiB junk bundle: {status} after {sent // MiB} MiB sent; peak RSS {after_junk:.0f} MiB")
    assert status == 422 and after_junk - idle < 80
    # A 20 MiB push with a bad signature is refused before it becomes models.
    app = Fieldapp(Store.create(tmp_path / "a", PASS, county="370303"), actor="a")
    try:
        enroll(app, server.url, server.admin("enroll-code", "--village", "370303102201", "--cadre", "a"))
        op = {"op_id": "01900000-0000-7000-8000-000000000001", "device_id": app.store.device_id, "device_seq": 1,
              "hlc": "0000000000001-000000", "entity": "household", "entity_id": "01900000-0000-7000-8000-000000000002",
              "field": "phone", "value": "1", "supersedes": [], "county": "370303", "schema_version": 1, "author": ""}
        body = json.dumps({"ops": [op] * 45_000}).encode()
        headers = signer(app.store)("POST", "/api/v1/push", b"other body")
        r = httpx.post(server.url + "/api/v1/push", content=body, headers={**headers, "content-type": "application/json"},
                       timeout=60)
        after_sig = peak_rss_mib(server)
        print(f"{len(body) // MiB} MiB push, bad signature: {r.status_code}; peak RSS {after_sig:.0f} MiB")
        assert r.status_code == 401 and after_sig - idle < 120
        # Nobody makes the county build a device's downlink without showing one of its bundles.
        down = f"{server.url}/api/v1/devices/{app.store.device_id}/downlink"
        statuses = [httpx.get(down).status_code, httpx.get(down, params={"bundle": "0" * 64}).status_code]
        print(f"anonymous downlink requests: {statuses}")
        assert statuses == [422, 403]
    finally:
        app.store.close()
    # Hardening headers on every response; no public API documents.
    info = httpx.get(server.url + "/api/v1/info")
    for name in ("x-content-type-options", "referrer-policy", "x-frame-options", "content-security-policy"):
        assert info.headers.get(name), name
    assert httpx.get(server.url + "/docs").status_code == 404
    assert httpx.get(server.url + "/openapi.json").status_code == 404


def test_nul_and_overlong_input_is_a_4xx(server: Server) -> None:  # noqa: F811
    tried = {
        "enroll code with NUL": ("POST", "/api/v1/enroll", {"json": {"code": "AB\x00CD", "device_id": "x",
                                                                    "sign_public": "0" * 64, "box_public": "0" * 64}}),
        "device id of 40 chars": ("POST", "/api/v1/enroll", {"json": {"code": "ABCD-EFGH", "device_id": "a" * 40,
                                                                     "sign_public": "0" * 64, "box_public": "0" * 64}}),
        "login name with NUL": ("POST", "/dashboard/login", {"data": {"username": "ad\x00min", "password": "x"}}),
        "login name of 5000 chars": ("POST", "/dashboard/login", {"data": {"username": "a" * 5000, "password": "x"}}),
        "downlink of a NUL id": ("GET", "/api/v1/devices/a%00b/downlink", {}),
        "household page of a 64-char id": ("GET", "/dashboard/household/" + "a" * 64, {}),
    }
    statuses = {}
    with httpx.Client(base_url=server.url) as http:
        for name, (method, path, kw) in tried.items():
            statuses[name] = http.request(method, path, **kw).status_code
    print(f"tried {len(tried)} NUL or over-long inputs: {statuses}")
    assert all(300 <= s < 500 for s in statuses.values()), statuses  # refused (or sent to the login page)


def test_a_validly_signed_bundle_bomb_is_refused(county, tmp_path: Path, monkeypatch) -> None:
    import lzma

    from servers import enrolled_laptop

    from sync import bundle as bf
    from sync.device import export_uplink

    app = enrolled_laptop(county, tmp_path / "lap")
    try:
        app.add_household(household_input())
        # The laptop's own key signs a payload that unpacks to 200 MiB from a few KiB.
        bomb = lzma.compress(b"\n" * (200 * MiB), format=lzma.FORMAT_XZ, preset=9)
        monkeypatch.setattr(bf, "compress", lambda _data: bomb)
        path, _n = export_uplink(app, tmp_path / "usb")
        monkeypatch.undo()
        with pytest.raises(bf.BundleRefused) as err:
            county.import_bundle(path.read_bytes())
        print(f"bundle bomb: {path.stat().st_size} bytes unpacking to 200 MiB -> {err.value.code}: {err.value.en}")
        assert err.value.code == "inflated"
        assert county.stats()["ops"] == 0
    finally:
        app.store.close()


def test_first_start_without_a_county_is_refused_in_one_line(tmp_path: Path) -> None:
    out = subprocess.run([FIELDAPP, "admin", "--data", str(tmp_path / "empty"), "stats", "--json"],
                         capture_output=True, text=True, timeout=60)
    print(f"first admin without --county: exit {out.returncode}: {out.stderr.strip()}")
    assert out.returncode != 0 and "--county" in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_a_full_database_reaches_the_laptop_plainly(county, tmp_path: Path) -> None:
    """The county's disk fills up: the laptop hears 'cannot store data now (out of space)',
    not 'cannot be reached', and loses nothing."""
    import sqlalchemy as sa
    from fastapi.testclient import TestClient
    from servers import enrolled_laptop

    from fieldapp.errors import InputRefused
    from fieldapp.oplog import outbox_size
    from sync.client import push
    from sync.server.app import create_app

    app = enrolled_laptop(county, tmp_path / "lap")
    try:
        for i in range(20):
            app.add_household(household_input(phone=f"1380000{i:04d}", members=[{"name": f"户主{i}", "relation": "head"}]))
        with county.engine.connect() as conn:
            pages = int(conn.exec_driver_sql("PRAGMA page_count").scalar() or 0)

        @sa.event.listens_for(county.engine, "connect")
        def _full(dbapi_conn, _rec) -> None:  # the disk has no room for one more page
            dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

        county.engine.dispose()
        pending = outbox_size(app.store)
        with pytest.raises(InputRefused) as err:
            push(app, TestClient(create_app(county)), retries=0)
        print(f"push to a full county database: {err.value.code}: {err.value.en}; {outbox_size(app.store)} of "
              f"{pending} changes still waiting")
        assert err.value.code == "server_full" and "out of space" in err.value.en
        assert outbox_size(app.store) == pending
    finally:
        app.store.close()
