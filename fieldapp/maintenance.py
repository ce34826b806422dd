"""Doctor, backup, restore and recovery of a laptop store."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

from fieldapp.errors import FieldappError, InputRefused, StoreExists
from fieldapp.fsutil import atomic_writer, fsync_dir, private_mkdir, write_atomic
from fieldapp.keys import KeyFile, recovery_key_id, recovery_unwrap
from fieldapp.store import Store, connect_encrypted, db_path, key_path, utc_now

BACKUP_MAGIC = b"FIELDAPP-BACKUP/1\n"
_CHUNK = 1 << 20


def doctor(home: Path, passphrase: str) -> dict[str, Any]:
    """Run every check; returns {"ok", "checks": [{check, ok, detail}]}."""
    checks: list[dict[str, Any]] = []

    def add(name: str, ok: bool, detail: str = "") -> None:
        checks.append({"check": name, "ok": bool(ok), "detail": detail})

    home = Path(home)
    try:
        keyfile = KeyFile.load(key_path(home))
        add("key file", True, f"argon2id m={keyfile.kdf.memory_kib // 1024} MiB t={keyfile.kdf.iterations} p={keyfile.kdf.lanes}; "
            + ("county recovery wrap present" if keyfile.recovery else "no county recovery wrap yet (enroll to add one)"))
    except (OSError, FieldappError) as exc:
        add("key file", False, str(exc))
        return {"ok": False, "checks": checks}
    with open(db_path(home), "rb") as fh:
        head = fh.read(16)
    add("database encrypted", head != b"SQLite format 3\x00", "file header is not plain SQLite")
    store = Store.open(home, passphrase)
    try:
        problems = store.integrity_problems()
        add("integrity_check + cipher_integrity_check", not problems, "; ".join(problems[:5]) or "ok")
        add("schema version", True, str(store.schema_version()))
        seq = int(store.meta("device_seq", "0") or 0)
        own = store.conn.execute("SELECT count(*), coalesce(min(device_seq), 0), coalesce(max(device_seq), 0) FROM op WHERE device_id = ?",
                                 (store.device_id,)).fetchone()
        contiguous = own[0] == own[2] - own[1] + 1 if own[0] else True
        add("change log", contiguous and own[2] == seq, f"{own[0]} own ops, seq {own[1]}..{own[2]}, counter {seq}")
        alarms = store.conn.execute("SELECT count(*) FROM integrity_alarm").fetchone()[0]
        add("integrity alarms", alarms == 0, f"{alarms} alarm(s)")
    finally:
        store.close()
    return {"ok": all(c["ok"] for c in checks), "checks": checks}


def backup(store: Store, to_dir: Path) -> Path:
    """Write an encrypted, verified copy of the whole store (SQLite backup API) into ``to_dir``."""
    if store.keyfile is None:
        raise FieldappError("the key file is not loaded", "未加载密钥文件")
    to_dir = Path(to_dir)
    try:
        private_mkdir(to_dir)
    except OSError as exc:
        raise InputRefused(f"cannot write to {to_dir}: {exc.strerror}", f"无法写入 {to_dir}：{exc.strerror}") from None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    final = to_dir / f"fieldapp-backup-{stamp}.fab"
    tmp_db = to_dir / f".fieldapp-backup-{stamp}.db.part"
    key = store.db_key
    target = connect_encrypted(tmp_db, key)
    try:
        store.conn.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")
        rows = [r[0] for r in target.execute("PRAGMA integrity_check").fetchall()]
        if rows != ["ok"]:
            raise FieldappError("the backup copy failed its integrity check; nothing was written", "备份校验失败，未写入任何文件")
    finally:
        target.close()
    try:
        digest = hashlib.sha256()
        size = 0
        with open(tmp_db, "rb") as fh:
            for chunk in iter(lambda: fh.read(_CHUNK), b""):
                digest.update(chunk)
                size += len(chunk)
        header = {
            "created_at": utc_now(),
            "device_id": store.device_id,
            "schema_version": store.schema_version(),
            "db_sha256": digest.hexdigest(),
            "db_size": size,
            "keyfile": json.loads(store.keyfile.to_bytes()),
        }
        with atomic_writer(final) as out, open(tmp_db, "rb") as fh:
            out.write(BACKUP_MAGIC)
            out.write(json.dumps(header, sort_keys=True).encode("utf-8") + b"\n")
            for chunk in iter(lambda: fh.read(_CHUNK), b""):
                out.write(chunk)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp_db)
    # Read back what reached the stick: FAT renames are not atomic, the file must speak for itself.
    read_backup_header(final, verify=True)
    store.audit("backup", f"backup written ({size} bytes)")
    return final


def read_backup_header(path: Path, verify: bool = False) -> dict[str, Any]:
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed by the with block below; open errors get a message
    except OSError:
        raise InputRefused(f"cannot read {path}", f"无法读取 {path}") from None
    with fh:
        if fh.read(len(BACKUP_MAGIC)) != BACKUP_MAGIC:
            raise InputRefused(f"{path} is not a Fieldapp backup", f"{path} 不是 Fieldapp 备份文件")
        try:
            header = json.loads(fh.readline(1 << 20).decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise InputRefused(f"the backup {path} is damaged (header)", f"备份 {path} 已损坏（文件头）") from None
        offset = fh.tell()
        if verify:
            digest = hashlib.sha256()
            size = 0
            for chunk in iter(lambda: fh.read(_CHUNK), b""):
                digest.update(chunk)
                size += len(chunk)
            if size != header.get("db_size") or digest.hexdigest() != header.get("db_sha256"):
                raise InputRefused(f"the backup {path} is truncated or damaged", f"备份 {path} 不完整或已损坏")
        header["_offset"] = offset
        return dict(header)


def restore(path: Path, home: Path, passphrase: str, force: bool = False) -> dict[str, Any]:
    """Restore a backup into ``home``; the passphrase is the one valid when it was made."""
    header = read_backup_header(path, verify=True)
    keyfile = KeyFile.from_bytes(json.dumps(header["keyfile"]).encode())
    db_key = keyfile.unlock(passphrase)
    home = Path(home)
    if key_path(home).exists() or db_path(home).exists():
        if not force:
            raise StoreExists(f"{home} already holds a store; use --force to replace it", f"{home} 中已有数据库；如需替换请加 --force")
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for p in (db_path(home), key_path(home)):
            if p.exists():
                os.replace(p, p.with_name(p.name + f".replaced-{stamp}"))
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(str(db_path(home)) + suffix)
    private_mkdir(home)
    with open(path, "rb") as fh, atomic_writer(db_path(home)) as out:
        fh.seek(header["_offset"])
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            out.write(chunk)
    keyfile.save(key_path(home))
    fsync_dir(home)
    store = Store.open_with_key(home, db_key, keyfile)
    try:
        problems = store.integrity_problems()
        if problems:
            raise FieldappError("the restored store failed its integrity check", "恢复后的数据库校验失败")
        store.audit("restore", f"restored from backup made {header.get('created_at')}")
        return {"home": str(home), "device_id": store.device_id, "backup_created_at": header.get("created_at")}
    finally:
        store.close()


def recover(home: Path, recovery_private: bytes, new_passphrase: str, operator: str = "county-it") -> dict[str, Any]:
    """County IT: unwrap the database key with the county recovery key and wrap it under a new passphrase.

    The act is recorded in the store's audit log.
    """
    keyfile = KeyFile.load(key_path(home))
    if not keyfile.recovery:
        raise InputRefused(
            "this store has no county recovery wrap (it was never enrolled); it cannot be recovered",
            "该数据库没有县级恢复封装（未注册），无法恢复",
        )
    db_key = recovery_unwrap(keyfile.recovery, recovery_private)
    new_keyfile = keyfile.rewrap(db_key, new_passphrase)
    store = Store.open_with_key(home, db_key, new_keyfile)
    try:
        store.audit("recovery", f"passphrase reset with county recovery key {keyfile.recovery.get('key_id')}", actor=operator)
        write_atomic(key_path(home), new_keyfile.to_bytes())
        with contextlib.suppress(FileNotFoundError):
            os.unlink(Path(home) / "unlock.json")
        return {"home": str(home), "device_id": store.device_id, "recovery_key_id": keyfile.recovery.get("key_id"), "operator": operator}
    finally:
        store.close()


__all__ = ["backup", "doctor", "read_backup_header", "recover", "recovery_key_id", "restore"]
