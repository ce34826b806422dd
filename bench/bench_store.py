"""Store figures (issue 2): visit save with 100,000 visits stored against a bare
single-row committed insert; encrypted against plain SQLite on the same save
workload; household search per keystroke at 20,000 households; unlock time.

Every ratio is against a floor measured in the same run on the same disk.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import WORK, save_results, summary_ms, timed  # noqa: E402

PASS = "bench passphrase 2026"
VISITS_TARGET = int(os.environ.get("BENCH_VISITS", "100000"))
SEARCH_HOUSEHOLDS = int(os.environ.get("BENCH_SEARCH_HOUSEHOLDS", "20000"))
SAVES = int(os.environ.get("BENCH_SAVES", "300"))


def log(msg: str) -> None:
    print(msg, flush=True)


def build_store(home: Path, households: int) -> None:
    from fieldapp.demo import build_demo

    if (home / "store.key").exists():
        return
    t = time.perf_counter()
    build_demo(home, PASS, households=households, seed=7)
    log(f"  built {home.name}: {households} households in {time.perf_counter() - t:.0f} s")


def bare_insert_floor(folder: Path, n: int) -> list[float]:
    """A bare single-row committed insert, WAL + synchronous=FULL, plain SQLite, same disk."""
    path = folder / "floor.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
    body = "x" * 2000

    def one() -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (body) VALUES (?)", (body,))
        conn.execute("COMMIT")

    samples = timed(one, n)
    conn.close()
    return samples


def visit_answers(app, hid: str) -> dict:  # type: ignore[no-untyped-def]
    from fieldapp.demo_data import generate_households

    dh = next(generate_households(1, seed=99))
    answers = app.answers_from_assessment(hid, dh.visits[-1]["answers"] if dh.visits else {"food": {"staple_ok": True, "protein_ok": True}})
    answers.setdefault("visit", {}).setdefault("type", "home")
    return answers


def save_workload(app, n: int) -> list[float]:  # type: ignore[no-untyped-def]
    hids = [r[0] for r in app.store.conn.execute("SELECT id FROM household ORDER BY id LIMIT 50")]
    per = {h: visit_answers(app, h) for h in hids}
    i = [0]

    def one() -> None:
        hid = hids[i[0] % len(hids)]
        i[0] += 1
        answers = per[hid]
        msgs = app.validate_visit(hid, answers, final=False)
        assert not [m for m in msgs if m.severity == "error"], msgs
        app.record_visit(hid, answers, validate=False)

    return timed(one, n)


def plain_app(folder: Path):  # type: ignore[no-untyped-def]
    """The same services over an unencrypted SQLite file (for the ratio only)."""
    from fieldapp.services import Fieldapp
    from fieldapp.store import Store

    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    conn = sqlite3.connect(str(folder / "plain.db"), isolation_level=None, check_same_thread=False)
    store = Store(folder, conn, None, None)
    with store.tx():
        store.set_meta("device_id", str(uuid.uuid4()))  # ops carry canonical UUID ids
        store.set_meta("county", "370303")
    return Fieldapp(store, actor="bench")


def main() -> int:
    os.environ.setdefault("FIELDAPP_KDF", "")
    from fieldapp.services import Fieldapp
    from fieldapp.store import Store

    WORK.mkdir(parents=True, exist_ok=True)
    figures: dict = {}
    rows: list[tuple[str, str, str, str]] = []

    # 1. visit save with ~100k visits stored
    big = WORK / "store-100k"
    households = max(1, int(VISITS_TARGET / 1.67))
    log(f"visit save: building a store with about {VISITS_TARGET} visits (first run only)...")
    os.environ["FIELDAPP_KDF"] = "minimum"  # build speed only; unlock is measured separately below
    build_store(big, households)
    store = Store.open(big, PASS)
    app = Fieldapp(store, actor="bench")
    stored = store.conn.execute("SELECT count(*) FROM visit").fetchone()[0]
    save_workload(app, 20)  # warm-up
    saves = save_workload(app, SAVES)
    floor = bare_insert_floor(WORK, SAVES)
    enc_rate = SAVES / (sum(saves) / 1000)
    s, f = summary_ms(saves), summary_ms(floor)
    figures["visit_save"] = {"visits_stored": stored, **s, "floor": f, "p95_ratio": round(s["p95_ms"] / f["p95_ms"], 2)}
    rows.append((f"visit save p50 / p95 ({stored:,} visits stored; validate + verdict + encrypt + FULL commit)",
                 f"{s['p50_ms']:.2f} / {s['p95_ms']:.2f} ms",
                 f"{figures['visit_save']['p95_ratio']}x bare insert p95 ({f['p95_ms']:.2f} ms)", "p95 <= 2x"))
    store.close()

    # 2. encrypted vs plain on the same save workload (fresh small stores, same disk)
    small_enc = WORK / "store-small"
    if small_enc.exists():
        shutil.rmtree(small_enc)
    build_store(small_enc, 200)
    es = Store.open(small_enc, PASS)
    eapp = Fieldapp(es, actor="bench")
    papp = plain_app(WORK / "plain")
    from fieldapp.demo_data import generate_households

    for dh in generate_households(200, seed=7):
        papp.add_household(dh.household, validate=False)
    save_workload(eapp, 20)
    save_workload(papp, 20)
    enc = save_workload(eapp, SAVES)
    plain = save_workload(papp, SAVES)
    enc_tp, plain_tp = SAVES / (sum(enc) / 1000), SAVES / (sum(plain) / 1000)
    figures["encrypted_vs_plain"] = {"encrypted_saves_per_s": round(enc_tp, 1), "plain_saves_per_s": round(plain_tp, 1),
                                     "ratio": round(enc_tp / plain_tp, 3), "big_store_saves_per_s": round(enc_rate, 1)}
    rows.append(("encrypted save throughput", f"{enc_tp:.0f} saves/s", f"{enc_tp / plain_tp:.2f}x plain SQLite ({plain_tp:.0f}/s)", ">= 0.7x"))
    es.close()
    papp.store.close()

    # 3. search per keystroke at 20k households
    sh = WORK / "store-20k"
    log(f"search: building a store with {SEARCH_HOUSEHOLDS} households (first run only)...")
    build_store(sh, SEARCH_HOUSEHOLDS)
    ss = Store.open(sh, PASS)
    sapp = Fieldapp(ss, actor="bench")
    t = time.perf_counter()
    index = sapp.search_index()
    load_ms = (time.perf_counter() - t) * 1000
    names = [r[0] for r in ss.conn.execute("SELECT head_name FROM household ORDER BY id LIMIT 40")]
    ids = [r[0] for r in ss.conn.execute("SELECT id_number FROM member ORDER BY id LIMIT 20")]
    from fieldapp.search_keys import name_keys

    queries: list[str] = []
    for n in names:
        full, ini = name_keys(n)
        queries += [full[: i + 1] for i in range(len(full))] + [ini[: i + 1] for i in range(len(ini))] + [n[:1], n]
    for idn in ids:
        queries += [idn[: i + 1] for i in range(4, 12)]
    per_key: list[float] = []
    for q in queries:
        t = time.perf_counter()
        index.search(q)
        per_key.append((time.perf_counter() - t) * 1000)
    k = summary_ms(per_key)
    figures["search"] = {"households": len(index.blobs), "index_load_ms": round(load_ms, 1), **k}
    rows.append((f"household search per keystroke ({len(index.blobs):,} households)", f"p95 {k['p95_ms']:.2f} ms (p50 {k['p50_ms']:.2f})",
                 f"{len(queries)} keystrokes; index loads in {load_ms:.0f} ms", "p95 <= 16 ms"))
    ss.close()

    # 4. unlock time with the calibrated (production) key derivation
    os.environ.pop("FIELDAPP_KDF", None)
    uh = WORK / "unlock"
    if uh.exists():
        shutil.rmtree(uh)
    Store.create(uh, PASS).close()
    from fieldapp.keys import KeyFile

    kf = KeyFile.load(uh / "store.key")
    unlock = timed(lambda: Store.open(uh, PASS).close(), 5)
    u = summary_ms(unlock)
    figures["unlock"] = {**u, "memory_mib": kf.kdf.memory_kib // 1024, "iterations": kf.kdf.iterations, "lanes": kf.kdf.lanes}
    rows.append(("unlock (Argon2id + open)", f"{u['p50_ms']:.0f} ms",
                 f"m={kf.kdf.memory_kib // 1024} MiB, t={kf.kdf.iterations}, p={kf.kdf.lanes}", "about 0.5 s, >= 64 MiB/t3/p4"))
    save_results("store", figures, rows)
    for r in rows:
        log(" | ".join(r))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
