"""Sync figures (issue 4): server ingest ops/s on SQLite and PostgreSQL against a raw
bulk insert of the same rows; USB bundle bytes against the gzip of the bare ops;
50 laptops syncing at once with a real server on loopback."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
from common import WORK, pct, save_results  # noqa: E402

os.environ["FIELDAPP_KDF"] = "minimum"
PASS = "bench passphrase 2026"
VILLAGE = "370303102201"
HOUSEHOLDS = int(os.environ.get("BENCH_SYNC_HOUSEHOLDS", "3000"))
DEVICES = int(os.environ.get("BENCH_SYNC_DEVICES", "50"))
FIELDAPP = str(Path(sys.executable).parent / "fieldapp")


def log(msg: str) -> None:
    print(msg, flush=True)


def laptop_ops(home: Path):  # type: ignore[no-untyped-def]
    """A demo laptop store (one village of county 370303) and its outbox."""
    from fieldapp.demo import build_demo
    from fieldapp.oplog import outbox
    from fieldapp.services import Fieldapp
    from fieldapp.store import Store

    if home.exists():
        shutil.rmtree(home)
    build_demo(home, PASS, households=HOUSEHOLDS, seed=21)
    store = Store.open(home, PASS)
    app = Fieldapp(store)
    return app, outbox(store)


def ops_in_villages(ops, villages: set[str]):  # type: ignore[no-untyped-def]
    """The ops of the households of ``villages``, in their order, their sequence numbers renumbered
    from 1 (as one laptop of those villages would have written them)."""
    from dataclasses import replace

    from fieldapp.opschema import household_of

    owner: dict[str, str | None] = {o.entity_id: household_of(o, {}) for o in ops if o.field == "*"}
    keep = {o.entity_id for o in ops if o.entity == "household" and o.field == "*"
            and o.value["village_code"] in villages}
    mine = [o for o in ops if household_of(o, owner) in keep]
    return [replace(o, device_seq=i) for i, o in enumerate(mine, start=1)]


def ingest(db_url: str, data: Path, app, ops) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(ops/s through County.push, ops/s of a raw executemany of the same rows)."""
    import sqlalchemy as sa

    from sync.device import public_keys
    from sync.server.county import County

    if data.exists():
        shutil.rmtree(data)
    county = County(data, db_url, ops[0].county)
    # The laptop is assigned every village of the county its households live in: every op passes
    # authorisation (the demo's households of other counties would be held: they are left out).
    villages = sorted({str(o.value["village_code"]) for o in ops if o.entity == "household" and o.field == "*"
                       and str(o.value["village_code"]).startswith(o.county)})
    ops = ops_in_villages(ops, set(villages))
    code = county.create_enroll_code(villages, "bench")
    doc = county.enroll(code, app.store.device_id, **public_keys(app.store), recovery_wrap=None)
    from sync.device import is_enrolled, save_enrollment

    if not is_enrolled(app.store):  # so that the laptop can write bundles to this county
        save_enrollment(app.store, doc, "http://127.0.0.1:8470")
    batch = 2000
    t = time.perf_counter()
    for i in range(0, len(ops), batch):
        county.push(app.store.device_id, ops[i:i + batch])
    server_s = time.perf_counter() - t
    # The floor: the same rows into a table of the same shape (columns, keys, indexes) as the ops log.
    from sync.server import schema as sch

    raw = sch.ops.to_metadata(sa.MetaData(), name="raw_ops")
    for idx in raw.indexes:
        idx.name = f"raw_{idx.name}"
    raw.create(county.engine)
    now = "2026-11-23T00:00:00Z"
    rows = [{"op_id": o.op_id, "device_id": o.device_id, "device_seq": o.device_seq, "hlc": o.hlc,
             "county": o.county, "entity": o.entity, "entity_id": o.entity_id, "field": o.field,
             "value": json.dumps(o.value, ensure_ascii=False), "supersedes": json.dumps(list(o.supersedes)),
             "schema_version": o.schema_version, "author": o.author, "digest": o.content_digest(),
             "household_id": None, "received_at": now} for o in ops]
    t = time.perf_counter()
    for i in range(0, len(rows), batch):
        with county.engine.begin() as conn:
            conn.execute(raw.insert(), rows[i:i + batch])
    raw_s = time.perf_counter() - t
    county.close()
    return len(ops) / server_s, len(ops) / raw_s


def bundle_ratio(app, ops) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    from sync.device import export_uplink

    folder = WORK / "usb"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    path, n = export_uplink(app, folder)
    bare = "\n".join(json.dumps(o.to_json(), ensure_ascii=False, sort_keys=True) for o in ops).encode()
    return path.stat().st_size, len(gzip.compress(bare, 9))


def many_devices(db_url: str, data: Path) -> dict:  # type: ignore[type-arg]
    import httpx
    from conftest import household_input
    from pg import free_port

    from fieldapp.idnumber import check_char
    from fieldapp.services import Fieldapp
    from fieldapp.store import Store
    from sync.client import enroll, sync

    if data.exists():
        shutil.rmtree(data)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([FIELDAPP, "serve", "--data", str(data), "--db", db_url, "--county", "370303",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                if httpx.get(url + "/api/v1/info", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        apps = []
        root = WORK / "laptops"
        if root.exists():
            shutil.rmtree(root)
        seq = 0
        for d in range(DEVICES):
            s = Store.create(root / f"l{d}", PASS, county="370303")
            app = Fieldapp(s, actor=f"cadre{d}")
            code = subprocess.run([FIELDAPP, "admin", "--data", str(data), "--db", db_url, "enroll-code", "--village",
                                   VILLAGE, "--cadre", f"c{d}"], capture_output=True, text=True, encoding="utf-8", check=True).stdout.strip()
            enroll(app, url, code)
            for _ in range(5):
                seq += 1
                first17 = f"37030319800101{seq:03d}"[:17]
                idn = first17 + check_char(first17)
                app.add_household(household_input(members=[{"name": "张三", "id_number": idn, "relation": "head"}],
                                                  address=f"{d}-{seq}"), validate=False)
            apps.append(app)
        expected = sum(int(a.status()["device_seq"]) for a in apps)
        lat: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()

        def run(app) -> None:  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            try:
                sync(app)
            except Exception as exc:  # noqa: BLE001 - counted and reported
                with lock:
                    errors.append(repr(exc))
                return
            with lock:
                lat.append((time.perf_counter() - t) * 1000)

        for _ in range(2):  # the second round re-sends nothing new and pulls the others' ops
            threads = [threading.Thread(target=run, args=(a,)) for a in apps]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
        stats = json.loads(subprocess.run([FIELDAPP, "admin", "--data", str(data), "--db", db_url, "stats", "--json"],
                                          capture_output=True, text=True, encoding="utf-8", check=True).stdout)
        pending = sum(a.status()["outbox_pending"] for a in apps)
        for a in apps:
            a.store.close()
        return {"devices": DEVICES, "syncs": len(lat) + len(errors), "p50_ms": round(pct(lat, 50), 1),
                "p95_ms": round(pct(lat, 95), 1), "errors": len(errors), "error_samples": errors[:3],
                "ops_expected": expected, "ops_stored": stats["ops"], "duplicates": stats["ops"] - expected,
                "outbox_pending_after": pending}
    finally:
        proc.kill()
        proc.wait(10)


def main() -> int:
    WORK.mkdir(parents=True, exist_ok=True)
    figures: dict = {}
    rows: list[tuple[str, str, str, str]] = []
    log(f"building a demo laptop with {HOUSEHOLDS} households...")
    app, ops = laptop_ops(WORK / "sync-laptop")
    log(f"  {len(ops)} ops")
    s_rate, s_raw = ingest(f"sqlite:///{WORK / 'county-sqlite' / 'county.db'}", WORK / "county-sqlite", app, ops)
    figures["ingest_sqlite"] = {"ops": len(ops), "ops_per_s": round(s_rate), "raw_ops_per_s": round(s_raw),
                                "ratio": round(s_rate / s_raw, 2)}
    rows.append((f"server ingest, SQLite ({len(ops):,} ops, batches of 2,000)", f"{s_rate:,.0f} ops/s",
                 f"{s_rate / s_raw:.2f}x raw bulk insert ({s_raw:,.0f}/s)", ">= 10,000 ops/s and >= 0.5x"))
    cluster = None
    try:
        from pg import Cluster, pg_bin

        if pg_bin() is not None:
            cluster = Cluster()
            p_rate, p_raw = ingest(cluster.new_database(), WORK / "county-pg", app, ops)
            figures["ingest_postgresql"] = {"ops": len(ops), "ops_per_s": round(p_rate), "raw_ops_per_s": round(p_raw),
                                            "ratio": round(p_rate / p_raw, 2)}
            rows.append((f"server ingest, PostgreSQL ({len(ops):,} ops)", f"{p_rate:,.0f} ops/s",
                         f"{p_rate / p_raw:.2f}x raw bulk insert ({p_raw:,.0f}/s)", ">= 0.5x raw"))
        size, gz = bundle_ratio(app, ops)
        figures["bundle"] = {"ops": len(ops), "bundle_bytes": size, "gzip_bare_ops_bytes": gz, "ratio": round(size / gz, 3)}
        rows.append((f"USB bundle size ({len(ops):,} ops)", f"{size / 1e6:.2f} MB", f"{size / gz:.2f}x gzip of the bare ops ({gz / 1e6:.2f} MB)", "<= 1.2x"))
        app.store.close()
        db = cluster.new_database() if cluster else f"sqlite:///{WORK / 'county-many' / 'county.db'}"
        m = many_devices(db, WORK / "county-many")
        figures["many_devices"] = m
        rows.append((f"{m['devices']} laptops syncing at once (real server, {'PostgreSQL' if cluster else 'SQLite'})",
                     f"p95 {m['p95_ms']:.0f} ms (p50 {m['p50_ms']:.0f})",
                     f"{m['errors']} errors, {m['duplicates']} duplicates, {m['outbox_pending_after']} ops left unacked",
                     "zero errors, zero duplicates"))
    finally:
        if cluster is not None:
            cluster.stop()
    save_results("sync", figures, rows)
    for r in rows:
        log(" | ".join(r))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
