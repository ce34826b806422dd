"""The encrypted store: real SQLCipher files, keys, migrations, pragmas."""

from __future__ import annotations

import sqlite3

import pytest
import sqlcipher3
from conftest import PASS

from fieldapp import keys
from fieldapp.errors import StoreExists, StoreMissing, WrongPassphrase
from fieldapp.schema import SCHEMA_VERSION
from fieldapp.store import Store, _UnlockThrottle, db_path, key_path


def test_create_open_roundtrip(home):
    s = Store.create(home, PASS, county="370303")
    dev = s.device_id
    s.close()
    s2 = Store.open(home, PASS)
    try:
        assert s2.device_id == dev
        assert s2.meta("county") == "370303"
        assert s2.schema_version() == SCHEMA_VERSION
        assert s2.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s2.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert s2.conn.execute("PRAGMA cipher_version").fetchone()[0].startswith("4.")
        assert s2.integrity_problems() == []
    finally:
        s2.close()


def test_plain_sqlite_cannot_read_the_store(store, home):
    store.checkpoint()
    assert db_path(home).read_bytes()[:16] != b"SQLite format 3\x00"
    conn = sqlite3.connect(str(db_path(home)))
    with pytest.raises(sqlite3.DatabaseError):
        conn.execute("SELECT * FROM sqlite_master").fetchall()


def test_wrong_passphrase_leaves_file_untouched(store, home):
    store.checkpoint()
    store.close()
    before = (db_path(home).read_bytes(), key_path(home).read_bytes())
    with pytest.raises(WrongPassphrase) as info:
        Store.open(home, "not the passphrase")
    assert "wrong passphrase" in info.value.en and "口令" in info.value.zh
    assert (db_path(home).read_bytes(), key_path(home).read_bytes()) == before
    Store.open(home, PASS).close()


def test_wrong_passphrase_delay_grows_and_resets(store, home, monkeypatch):
    store.close()
    throttle = _UnlockThrottle(home)
    slept: list[float] = []
    monkeypatch.setattr("fieldapp.store.time.sleep", lambda s: slept.append(s))
    for _ in range(5):
        with pytest.raises(WrongPassphrase):
            Store.open(home, "nope-nope-nope")
    assert throttle.failures() == 5
    assert slept == [1.0, 2.0, 4.0]  # two free tries, then 1, 2, 4 s ...
    assert throttle.delay_for(50) == 30.0
    Store.open(home, PASS).close()
    assert throttle.failures() == 0


def test_create_refuses_existing(store, home):
    with pytest.raises(StoreExists):
        Store.create(home, PASS)


def test_open_missing(tmp_path):
    with pytest.raises(StoreMissing):
        Store.open(tmp_path / "none", PASS)


def test_kdf_parameters_never_below_floor(store, home):
    kf = keys.KeyFile.load(key_path(home))
    assert kf.kdf.memory_kib >= 64 * 1024 and kf.kdf.iterations >= 3 and kf.kdf.lanes == 4
    raw = kf.to_bytes().replace(b'"memory_kib": 65536', b'"memory_kib": 1024')
    with pytest.raises(Exception, match="below the minimum|damaged"):
        keys.KeyFile.from_bytes(raw)


def test_calibration_targets_half_a_second(monkeypatch):
    monkeypatch.delenv("FIELDAPP_KDF", raising=False)
    params = keys.calibrate_kdf(target_seconds=0.3)
    assert params.memory_kib >= 64 * 1024 and params.iterations >= 3


def test_passphrase_change_rewraps_without_reencrypting(store, home):
    store.checkpoint()
    before = db_path(home).read_bytes()
    store.change_passphrase("a brand new passphrase")
    store.close()
    assert db_path(home).read_bytes()[:4096] == before[:4096]  # same page 1: same key, same salt
    with pytest.raises(WrongPassphrase):
        Store.open(home, PASS)
    Store.open(home, "a brand new passphrase").close()


def test_weak_passphrase_refused(tmp_path):
    from fieldapp.errors import InputRefused

    with pytest.raises(InputRefused):
        Store.create(tmp_path / "h", "short")
    assert keys.passphrase_strength("short") == 0
    assert keys.passphrase_strength("Long-Passphrase-2026!") == 4


def test_recovery_path(home):
    priv, pub = keys.generate_recovery_keypair()
    s = Store.create(home, PASS, recovery_public=pub)
    s.set_meta("marker", "unsynced data")
    s.close()
    from fieldapp.maintenance import recover

    info = recover(home, priv, "new passphrase after recovery", operator="county IT Li")
    assert info["recovery_key_id"] == keys.recovery_key_id(pub)
    with pytest.raises(WrongPassphrase):
        Store.open(home, PASS)
    s = Store.open(home, "new passphrase after recovery")
    try:
        assert s.meta("marker") == "unsynced data"
        audit = s.conn.execute("SELECT actor, action FROM audit WHERE action='recovery'").fetchall()
        assert audit == [("county IT Li", "recovery")]
    finally:
        s.close()


def test_recovery_with_wrong_county_key(home):
    _, pub = keys.generate_recovery_keypair()
    other_priv, _ = keys.generate_recovery_keypair()
    Store.create(home, PASS, recovery_public=pub).close()
    from fieldapp.errors import InputRefused
    from fieldapp.maintenance import recover

    with pytest.raises(InputRefused):
        recover(home, other_priv, "whatever passphrase")
    Store.open(home, PASS).close()


def test_recovery_wrap_added_later(store, home):
    priv, pub = keys.generate_recovery_keypair()
    store.set_recovery_key(pub)
    kf = keys.KeyFile.load(key_path(home))
    assert keys.recovery_unwrap(kf.recovery, priv) == store.db_key


def test_migrations_are_recorded_and_idempotent(store):
    rows = store.conn.execute("SELECT number, name FROM schema_migrations").fetchall()
    assert [r[0] for r in rows] == list(range(1, SCHEMA_VERSION + 1))
    assert store.migrate() == []


def test_failed_migration_rolls_back(store, monkeypatch):
    import fieldapp.store as st

    bad = [
        *st.MIGRATIONS,
        (SCHEMA_VERSION + 1, "broken", "CREATE TABLE ok_table (a); THIS IS NOT SQL"),
    ]
    monkeypatch.setattr(st, "MIGRATIONS", bad)
    monkeypatch.setattr(st, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(sqlcipher3.OperationalError):
        store.migrate()
    assert store.schema_version() == SCHEMA_VERSION
    assert not store.db["ok_table"].exists()


def test_newer_schema_refused(store, home):
    store.conn.execute(
        "INSERT INTO schema_migrations (number, name, applied_at) VALUES (999, 'future', 'x')"
    )
    store.close()
    with pytest.raises(Exception, match="newer Fieldapp"):
        Store.open(home, PASS)


def test_transaction_rolls_back_meta_and_rows(store):
    with pytest.raises(RuntimeError), store.tx():
        store.set_meta("x", "1")
        store.conn.execute("INSERT INTO audit (at, action) VALUES ('t', 'a')")
        raise RuntimeError
    assert store.meta("x") is None
    assert store.conn.execute("SELECT count(*) FROM audit").fetchone()[0] == 0


def test_close_drops_key(store):
    store.close()
    with pytest.raises(Exception, match="locked"):
        _ = store.db_key


# --- transactions as sqlite-utils savepoints (issue 12) ----------------------------------------


def _audits(store) -> list[str]:
    return [r["action"] for r in store.db["audit"].rows_where(order_by="id")]


def test_nested_transaction_is_a_savepoint(store):
    """A failed inner block undoes only its own writes; the outer one commits the rest."""
    with store.tx():
        store.audit("outer-before")
        with pytest.raises(RuntimeError), store.tx():
            store.audit("inner")
            assert store.in_tx
            raise RuntimeError
        store.audit("outer-after")
    assert _audits(store) == ["outer-before", "outer-after"]
    assert not store.in_tx


def test_failed_savepoint_keeps_the_op_sequence_contiguous(app):
    """Counters advanced inside a failed savepoint are put back with its rows."""
    from conftest import household_input

    from fieldapp.oplog import outbox

    store = app.store
    with store.tx():
        app.add_household(household_input())
        seq_before = int(store.meta("device_seq") or 0)
        with pytest.raises(RuntimeError), store.tx():
            app.set_household_field(app.list_households()[0]["id"], "phone", "13900000000")
            assert int(store.meta("device_seq") or 0) == seq_before + 1
            raise RuntimeError
        assert int(store.meta("device_seq") or 0) == seq_before
        hid = app.list_households()[0]["id"]
        assert app.household_record(hid)["phone"] == "13800000001"
        app.set_household_field(hid, "address", "西街9号")
    seqs = [op.device_seq for op in outbox(store)]
    assert seqs == list(range(1, len(seqs) + 1))
    assert store.meta("device_seq") == str(len(seqs))


def test_failed_outer_transaction_rolls_back_nested_work(store):
    with pytest.raises(RuntimeError), store.tx():
        with store.tx():
            store.audit("inner")
        raise RuntimeError
    assert _audits(store) == []


def test_after_commit_hooks_of_a_failed_savepoint_do_not_run(store):
    ran: list[str] = []
    with store.tx():
        store.after_commit.append(lambda: ran.append("outer"))
        with pytest.raises(RuntimeError), store.tx():
            store.after_commit.append(lambda: ran.append("inner"))
            raise RuntimeError
    assert ran == ["outer"]


def test_schema_and_meta_through_sqlite_utils(store):
    table = store.db["schema_migrations"]
    assert table.pks == ["number"]
    assert table.count == SCHEMA_VERSION
    store.audit("checked", "by the test")
    assert store.db["audit"].count == 1
    store.set_meta("language", "zh")
    store._meta_cache.clear()
    assert store.meta("language") == "zh" and store.meta("missing") is None
