"""The encrypted laptop store: SQLCipher 4 under sqlite-utils (DESIGN §3, §4).

The keyed connection is handed to :class:`sqlite_utils.Database`, which creates
and records the migrations table, writes the audit log, reads the meta table
and nests transactions as savepoints (:meth:`Store.tx`). The hot paths (visit
save, household rows, search keys) keep hand-written SQL on the same connection.

Files in the data folder:
* ``store.db`` (+ ``-wal``/``-shm``): the SQLCipher database; every record,
  search key, attachment, op and device key is inside it, encrypted.
* ``store.key``: the database key, wrapped (see :mod:`fieldapp.keys`).
* ``unlock.json``: the count of recent wrong passphrases (for the delay).
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlcipher3

from fieldapp import hlc as hlc_mod
from fieldapp.errors import FieldappError, StoreExists, StoreLocked, StoreMissing, WrongPassphrase
from fieldapp.fsutil import private_mkdir, write_atomic
from fieldapp.ids import uuid7
from fieldapp.keys import KdfParams, KeyFile
from fieldapp.schema import MIGRATIONS, SCHEMA_VERSION

DB_NAME = "store.db"
KEY_NAME = "store.key"
UNLOCK_STATE = "unlock.json"
FREE_ATTEMPTS = 2  # wrong passphrases before the delay starts growing
MAX_DELAY_S = 30.0
MIGRATIONS_TABLE = "schema_migrations"


def db_path(home: Path) -> Path:
    return Path(home) / DB_NAME


def key_path(home: Path) -> Path:
    return Path(home) / KEY_NAME


def store_exists(home: Path) -> bool:
    return key_path(home).exists() and db_path(home).exists()


def utc_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def connect_encrypted(path: Path, key: bytes) -> sqlcipher3.Connection:
    """Open (or create) a SQLCipher 4 file with a raw 256-bit key."""
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10.0)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    # Temp tables and sorts stay in memory: nothing is spilled to disk in clear.
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


class _UnlockThrottle:
    """Counts wrong passphrases per data folder and makes each further try wait longer."""

    def __init__(self, home: Path) -> None:
        self.path = Path(home) / UNLOCK_STATE

    def failures(self) -> int:
        try:
            return int(json.loads(self.path.read_text("utf-8")).get("failures", 0))
        except (OSError, ValueError, AttributeError):
            return 0

    def delay_for(self, failures: int) -> float:
        if failures < FREE_ATTEMPTS:
            return 0.0
        return float(min(2 ** (failures - FREE_ATTEMPTS), MAX_DELAY_S))

    def wait(self) -> None:
        delay = self.delay_for(self.failures())
        if delay:
            time.sleep(delay)

    def record_failure(self) -> int:
        n = self.failures() + 1
        write_atomic(self.path, json.dumps({"failures": n, "at": int(time.time())}).encode())
        return n

    def reset(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


class Store:
    """An unlocked store. Create with :meth:`create` or :meth:`open`; call :meth:`close`."""

    def __init__(self, home: Path, conn: Any, db_key: bytes | None, keyfile: KeyFile | None) -> None:
        self.home = Path(home)
        self.conn = conn
        self._db_key = bytearray(db_key) if db_key is not None else None
        self.keyfile = keyfile
        import sqlite_utils  # not needed before the first unlock; keeps start-up short

        self.db = sqlite_utils.Database(conn)
        self._meta_cache: dict[str, str | None] = {}
        self._dirty_meta: set[str] = set()
        self.clock = hlc_mod.Clock()
        self.after_commit: list[Any] = []
        self._configure()
        self.migrate()
        self.clock.last = self.meta("hlc_last") or hlc_mod.encode(0, 0)

    # ----- opening -------------------------------------------------------
    @classmethod
    def create(
        cls,
        home: Path,
        passphrase: str,
        *,
        recovery_public: bytes | None = None,
        kdf: KdfParams | None = None,
        county: str = "",
    ) -> Store:
        home = Path(home)
        if key_path(home).exists() or db_path(home).exists():
            raise StoreExists(
                f"a store already exists in {home}; open it instead, or choose another folder",
                f"{home} 中已有数据库；请直接打开，或换一个文件夹",
            )
        private_mkdir(home)
        db_key = os.urandom(32)
        keyfile = KeyFile.create(passphrase, db_key, kdf)
        if recovery_public is not None:
            keyfile = keyfile.with_recovery(db_key, recovery_public)
        conn = connect_encrypted(db_path(home), db_key)
        store = cls(home, conn, db_key, keyfile)
        with store.tx():
            store.set_meta("device_id", uuid7())
            store.set_meta("device_seq", "0")
            store.set_meta("last_acked_seq", "0")
            store.set_meta("county", county)
            store.set_meta("created_at", utc_now())
            store.set_meta("card_key", os.urandom(32).hex())
        # The key file is written last: a folder without it is an unfinished init.
        keyfile.save(key_path(home))
        return store

    @classmethod
    def open(cls, home: Path, passphrase: str) -> Store:
        home = Path(home)
        if not store_exists(home):
            raise StoreMissing(
                f"no Fieldapp store in {home}; run 'fieldapp init' first (or pass --home)",
                f"{home} 中没有 Fieldapp 数据库；请先运行 fieldapp init（或用 --home 指定文件夹）",
            )
        keyfile = KeyFile.load(key_path(home))
        throttle = _UnlockThrottle(home)
        throttle.wait()
        try:
            db_key = keyfile.unlock(passphrase)
        except WrongPassphrase as exc:
            n = throttle.record_failure()
            wait = throttle.delay_for(n)
            if wait:
                exc.en += f" (next try waits {wait:.0f} s)"
                exc.zh += f"（下次尝试需等待 {wait:.0f} 秒）"
            raise
        throttle.reset()
        return cls.open_with_key(home, db_key, keyfile)

    @classmethod
    def open_with_key(cls, home: Path, db_key: bytes, keyfile: KeyFile | None = None) -> Store:
        conn = connect_encrypted(db_path(home), db_key)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError:
            conn.close()
            raise FieldappError(
                "the store file does not match its key file (damaged or replaced); run 'fieldapp doctor'",
                "数据库文件与密钥文件不匹配（已损坏或被替换）；请运行 fieldapp doctor",
                code="store_damaged",
            ) from None
        return cls(home, conn, db_key, keyfile)

    def _configure(self) -> None:
        try:
            self.conn.execute("PRAGMA busy_timeout = 10000")
            mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlcipher3.OperationalError as exc:
            raise StoreLocked(
                "the store is busy in another Fieldapp window; close it and try again",
                "数据库正被另一个 Fieldapp 窗口使用；请关闭后重试",
            ) from exc
        if str(mode).lower() != "wal":
            raise FieldappError(f"could not switch the store to WAL (got {mode})", "无法启用 WAL 日志模式")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("PRAGMA foreign_keys = ON")

    def close(self) -> None:
        """Close the database and drop the key from memory."""
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.close()
            self.conn = None
        if self._db_key is not None:
            for i in range(len(self._db_key)):
                self._db_key[i] = 0
            self._db_key = None

    @property
    def db_key(self) -> bytes:
        if self._db_key is None:
            raise FieldappError("the store is locked", "数据库已锁定")
        return bytes(self._db_key)

    # ----- schema --------------------------------------------------------
    def schema_version(self) -> int:
        table = self.db.table(MIGRATIONS_TABLE)
        if not table.exists():
            return 0
        return max((int(row["number"]) for row in table.rows), default=0)

    def migrate(self) -> list[int]:
        """Apply pending numbered migrations, each in one transaction with its record."""
        self.db.table(MIGRATIONS_TABLE).create(
            {"number": int, "name": str, "applied_at": str}, pk="number", if_not_exists=True
        )
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise FieldappError(
                f"this store was written by a newer Fieldapp (schema {current}); update Fieldapp",
                f"该数据库由更新版本的 Fieldapp 创建（结构版本 {current}）；请升级 Fieldapp",
                code="schema_too_new",
            )
        applied = []
        for number, name, sql in MIGRATIONS:
            if number <= current:
                continue
            # Statement by statement: executescript() would commit half-way.
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in _split_sql(sql):
                    self.conn.execute(statement)
                self.db.table(MIGRATIONS_TABLE).insert(
                    {"number": number, "name": name, "applied_at": utc_now()}
                )
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            applied.append(number)
        return applied

    # ----- transactions ----------------------------------------------------
    @contextlib.contextmanager
    def tx(self) -> Iterator[Store]:
        """One write transaction (``BEGIN IMMEDIATE``: the write lock up front).

        A nested call is a savepoint (sqlite-utils ``atomic``): if it fails, only
        its own writes are undone, together with the counters it advanced in
        the meta cache (device seq, HLC), so a caller that handles the error
        keeps a contiguous op sequence.
        """
        if self.conn.in_transaction:
            cache, dirty, last = dict(self._meta_cache), set(self._dirty_meta), self.clock.last
            hook_count = len(self.after_commit)
            try:
                with self.db.atomic():
                    yield self
            except BaseException:
                self._meta_cache, self._dirty_meta, self.clock.last = cache, dirty, last
                del self.after_commit[hook_count:]
                raise
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
            self._flush_meta()
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            self._meta_cache.clear()
            self._dirty_meta.clear()
            self.after_commit = []
            self.clock.last = self._read_meta("hlc_last") or hlc_mod.encode(0, 0)
            raise
        hooks, self.after_commit = self.after_commit, []
        for hook in hooks:
            hook()

    @property
    def in_tx(self) -> bool:
        return bool(self.conn.in_transaction)

    # ----- meta --------------------------------------------------------------
    def _read_meta(self, key: str) -> str | None:
        import sqlite_utils.db

        try:
            value = self.db.table("meta").get(key)["value"]
        except sqlite_utils.db.NotFoundError:
            return None
        return None if value is None else str(value)

    def meta(self, key: str, default: str | None = None) -> str | None:
        if key not in self._meta_cache:
            self._meta_cache[key] = self._read_meta(key)
        value = self._meta_cache[key]
        return default if value is None else value

    def set_meta(self, key: str, value: str | None) -> None:
        self._meta_cache[key] = value
        self._dirty_meta.add(key)
        if not self.in_tx:
            with self.tx():
                pass

    def _flush_meta(self) -> None:
        if self.clock.last != self._meta_cache.get("hlc_last"):
            self._meta_cache["hlc_last"] = self.clock.last
            self._dirty_meta.add("hlc_last")
        for key in sorted(self._dirty_meta):
            self.conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, self._meta_cache[key]),
            )
        self._dirty_meta.clear()

    @property
    def device_id(self) -> str:
        return self.meta("device_id") or ""

    def next_seq(self) -> int:
        seq = int(self.meta("device_seq", "0") or 0) + 1
        self._meta_cache["device_seq"] = str(seq)
        self._dirty_meta.add("device_seq")
        return seq

    # ----- keys --------------------------------------------------------------
    def change_passphrase(self, new_passphrase: str, kdf: KdfParams | None = None) -> None:
        """Re-wrap the database key under a new passphrase (no re-encryption)."""
        if self.keyfile is None:
            raise FieldappError("no key file loaded", "未加载密钥文件")
        self.keyfile = self.keyfile.rewrap(self.db_key, new_passphrase, kdf)
        self.keyfile.save(key_path(self.home))
        self.audit("passwd", "passphrase changed (key re-wrapped)")

    def set_recovery_key(self, recovery_public: bytes) -> None:
        if self.keyfile is None:
            raise FieldappError("no key file loaded", "未加载密钥文件")
        self.keyfile = self.keyfile.with_recovery(self.db_key, recovery_public)
        self.keyfile.save(key_path(self.home))
        self.audit("recovery_key", "county recovery wrap added")

    def audit(self, action: str, detail: str = "", actor: str = "") -> None:
        with self.tx():
            self.db.table("audit").insert(
                {"at": utc_now(), "actor": actor, "action": action, "detail": detail}
            )

    # ----- checks --------------------------------------------------------------
    def integrity_problems(self) -> list[str]:
        problems: list[str] = []
        rows = [r[0] for r in self.conn.execute("PRAGMA integrity_check").fetchall()]
        if rows != ["ok"]:
            problems.extend(f"integrity_check: {r}" for r in rows)
        cipher_rows = [r[0] for r in self.conn.execute("PRAGMA cipher_integrity_check").fetchall()]
        problems.extend(f"cipher_integrity_check: {r}" for r in cipher_rows)
        return problems

    def checkpoint(self) -> None:
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _split_sql(sql: str) -> list[str]:
    # Comments are removed first so that a ';' inside one cannot split a statement.
    code = "\n".join(ln.split("--", 1)[0] for ln in sql.splitlines())
    return [part.strip() for part in code.split(";") if part.strip()]
