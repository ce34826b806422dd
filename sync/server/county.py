"""The county server's services: keys, database, enrollment, devices, ingest,
pull, bundles, stats. The HTTP app and the admin commands both call these.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy.engine import Connection, Engine

from fieldapp.errors import FieldappError, InputRefused
from fieldapp.fsutil import private_file, private_mkdir, write_atomic
from fieldapp.keys import generate_recovery_keypair, seal_recovery_private
from fieldapp.merge import Op
from fieldapp.store import utc_now
from sync import bundle as bf
from sync.protocol import request_message
from sync.server import schema as t
from sync.server.ingest import IngestResult, advance_high_water, days_ahead, ingest
from sync.server.screen import has_held, held_count, held_seqs, hold, retry_unknown, screen
from sync.server.state import refresh_for_ops

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CLOCK_SKEW_S = 300  # DESIGN §5: request timestamps within ±5 minutes
NONCE_KEEP_S = 2 * CLOCK_SKEW_S


class Refused(FieldappError):  # noqa: N818 (named like fieldapp.errors)
    """A request or bundle the county refuses; ``status`` is the HTTP status to answer with."""

    code = "refused"

    def __init__(self, code: str, en: str, zh: str, status: int = 422) -> None:
        super().__init__(en, zh, code=code)
        self.status = status


def default_db_url(data: Path) -> str:
    return f"sqlite:///{Path(data).resolve() / 'county.db'}"


def normalise_db_url(url: str) -> str:
    """Use psycopg 3 for ``postgresql://`` URLs."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str) -> Engine:
    url = normalise_db_url(url)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _rec: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def migrate(engine: Engine) -> None:
    """Bring the database to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


# ----- county keys --------------------------------------------------------------------
RECOVERY_PASSPHRASE_ENV = "FIELDAPP_RECOVERY_PASSPHRASE"


def recovery_key_path(data: Path, county: str) -> Path:
    """Where the first set-up writes the county recovery key file: beside ``--data``, never in it
    (the county moves it offline; the server keeps only the public key)."""
    data = Path(data).resolve()
    return data.parent / f"{data.name}-county-{county}-recovery.key"


@dataclass
class CountyKeys:
    """The county's keys in the data folder (mode 0700; files 0600, each written atomically).

    The recovery *private* key is never kept there: the first set-up writes it once, protected
    by a passphrase (``FIELDAPP_RECOVERY_PASSPHRASE``), to :func:`recovery_key_path`.
    """

    county: str
    sign: Ed25519PrivateKey
    box: X25519PrivateKey
    card_key: bytes
    recovery_public: bytes
    recovery_written: Path | None = None

    @classmethod
    def load_or_create(cls, data: Path, county: str | None = None) -> CountyKeys:
        data = Path(data)
        private_mkdir(data)
        cfg_path = data / "county.json"
        if cfg_path.exists():
            cfg = json.loads(cfg_path.read_text("utf-8"))
            if county and county != cfg["county"]:
                raise InputRefused(
                    f"{data} belongs to county {cfg['county']}, not {county}",
                    f"{data} 属于县 {cfg['county']}，不是 {county}",
                )
        else:
            code = county or os.environ.get("FIELDAPP_COUNTY")
            if not code or not (len(code) == 6 and code.isdigit()):
                raise InputRefused(
                    f"{data} holds no county yet: pass --county CODE (the 6-digit county code) the first time",
                    f"{data} 中还没有县的设置：第一次运行时请加 --county 县代码（6位数字）")
            cfg = {"county": code, "created_at": utc_now()}
        files: dict[str, Callable[[], bytes]] = {"sign.key": lambda: bf.raw_private(Ed25519PrivateKey.generate()),
                 "box.key": lambda: bf.raw_private(X25519PrivateKey.generate()),
                 "card.key": lambda: os.urandom(32)}
        for name, make in files.items():
            if not (data / name).exists():
                write_atomic(data / name, make().hex().encode())
        written = cls._recovery_key(data, cfg["county"])
        if not cfg_path.exists():
            write_atomic(cfg_path, (json.dumps(cfg, indent=1) + "\n").encode("utf-8"))

        def read(name: str) -> bytes:
            return bytes.fromhex((data / name).read_text("ascii").strip())

        return cls(cfg["county"], bf.load_ed25519(read("sign.key")), bf.load_x25519(read("box.key")),
                   read("card.key"), read("recovery.pub"), written)

    @staticmethod
    def _recovery_key(data: Path, county: str) -> Path | None:
        """Make the recovery key pair on first set-up (or move an old private key out of ``data``);
        returns the key file written, if any."""
        old = data / "recovery.key"
        if (data / "recovery.pub").exists() and not old.exists():
            return None
        passphrase = os.environ.get(RECOVERY_PASSPHRASE_ENV)
        if not passphrase:
            raise InputRefused(
                f"first set-up of county {county}: set {RECOVERY_PASSPHRASE_ENV} to the passphrase that will protect "
                "the county recovery key file (written once beside the data folder, to keep offline)",
                f"县 {county} 首次设置：请设置 {RECOVERY_PASSPHRASE_ENV}（保护县级恢复密钥文件的口令；该文件只写出一次，"
                "写在数据文件夹旁，请离线保存）")
        if old.exists():
            private = bytes.fromhex(old.read_text("ascii").strip())
            public = X25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw()
        else:
            private, public = generate_recovery_keypair()
        out = recovery_key_path(data, county)
        n = 1
        while out.exists():  # never overwrite a key file (it may be the only copy of an older key)
            n += 1
            out = out.with_name(f"{recovery_key_path(data, county).stem}-{n}.key")
        write_atomic(out, seal_recovery_private(private, public, passphrase, county))
        write_atomic(data / "recovery.pub", (public.hex() + "\n").encode("ascii"))
        if old.exists():
            old.unlink()
        return out

    @property
    def sender(self) -> str:
        return f"county:{self.county}"

    def public(self) -> dict[str, str]:
        return {
            "county": self.county,
            "county_sign_public": bf.raw_public(self.sign).hex(),
            "county_box_public": bf.raw_public(self.box).hex(),
            "recovery_public": self.recovery_public.hex(),
            "key_id": bf.key_id(bf.raw_public(self.box)),
        }


def new_enroll_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


class County:
    """One county server's state: keys in ``data``, records in the database."""

    def __init__(self, data: Path, db_url: str | None = None, county: str | None = None) -> None:
        self.data = Path(data)
        self.keys = CountyKeys.load_or_create(self.data, county)
        self.county = self.keys.county
        url = db_url or default_db_url(self.data)
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            private_file(Path(url[len("sqlite:///"):]))  # 0600 before SQLite creates it (its WAL follows)
        self.engine = make_engine(url)
        migrate(self.engine)
        self._write_lock = threading.Lock()

    def close(self) -> None:
        self.engine.dispose()

    # ----- transactions ---------------------------------------------------------------
    def _write(self) -> Any:
        """A write transaction; writers are serialised (a lock here, an advisory lock on PostgreSQL)."""
        county = self

        class _Tx:
            def __enter__(self) -> Connection:
                county._write_lock.acquire()
                try:
                    self.cm = county.engine.begin()
                    conn = self.cm.__enter__()
                    if conn.dialect.name == "postgresql":
                        conn.execute(sa.text("SELECT pg_advisory_xact_lock(8470)"))
                except BaseException:
                    county._write_lock.release()
                    raise
                return conn

            def __exit__(self, *exc: Any) -> None:
                try:
                    self.cm.__exit__(*exc)
                finally:
                    county._write_lock.release()

        return _Tx()

    # ----- enrollment and devices -----------------------------------------------------
    def create_enroll_code(self, villages: list[str], cadre: str) -> str:
        for v in villages:
            if not (len(v) == 12 and v.isdigit() and v.startswith(self.county)):
                raise InputRefused(
                    f"'{v}' is not a 12-digit village code of county {self.county}",
                    f"“{v}”不是本县（{self.county}）的12位村代码",
                )
        if not villages:
            raise InputRefused("name at least one village (--village CODE)", "请至少指定一个村（--village 代码）")
        code = new_enroll_code()
        with self._write() as conn:
            conn.execute(t.enroll_codes.insert().values(code=normalise_code(code), villages=json.dumps(villages),
                                                        cadre=cadre, created_at=utc_now()))
        return code

    def enroll(self, code: str, device_id: str, sign_public: str, box_public: str,
               recovery_wrap: dict[str, Any] | None) -> dict[str, Any]:
        from fieldapp.opschema import UUID_RE

        if not UUID_RE.match(device_id):
            # The id reaches URLs, file names and form actions (revoke): only canonical UUID text.
            raise Refused("bad_device_id", "the laptop's id is not a canonical UUID", "本机编号不是有效的 UUID", 422)
        with self._write() as conn:
            row = conn.execute(sa.select(t.enroll_codes).where(t.enroll_codes.c.code == normalise_code(code))).first()
            if row is None:
                raise Refused("bad_code", "this enrollment code is not known; check it with county IT",
                              "登记码不存在；请与县里信息员核对", 403)
            if row.used_at is not None:
                raise Refused("code_used", "this enrollment code was already used; ask county IT for a new one",
                              "该登记码已被使用；请向县里信息员申请新的登记码", 403)
            if conn.execute(sa.select(t.devices.c.device_id).where(t.devices.c.device_id == device_id)).first():
                raise Refused("already_enrolled", "this laptop is already enrolled", "本机已经登记过", 409)
            conn.execute(t.enroll_codes.update().where(t.enroll_codes.c.code == row.code)
                         .values(used_at=utc_now(), used_by=device_id))
            conn.execute(t.devices.insert().values(
                device_id=device_id, county=self.county, sign_public=sign_public, box_public=box_public,
                status="active", villages=row.villages, cadre=row.cadre, hw_seq=0, confirmed_cursor=0,
                recovery_wrap=json.dumps(recovery_wrap) if recovery_wrap else None, enrolled_at=utc_now()))
        return {**self.keys.public(), "card_key": self.keys.card_key.hex(), "villages": json.loads(row.villages),
                "cadre": row.cadre, "device_id": device_id}

    def devices(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t.devices).order_by(t.devices.c.enrolled_at)).all()
        return [{"device_id": r.device_id, "status": r.status, "cadre": r.cadre, "villages": json.loads(r.villages),
                 "acked_seq": r.hw_seq, "enrolled_at": r.enrolled_at, "revoked_at": r.revoked_at,
                 "last_seen": r.last_seen, "sign_public": r.sign_public} for r in rows]

    def device(self, conn: Connection, device_id: str) -> Any:
        return conn.execute(sa.select(t.devices).where(t.devices.c.device_id == device_id)).first()

    def revoke(self, device_id: str) -> dict[str, Any]:
        with self._write() as conn:
            if self.device(conn, device_id) is None:
                raise InputRefused(f"no device {device_id}", f"没有设备 {device_id}")
            at = utc_now()
            conn.execute(t.devices.update().where(t.devices.c.device_id == device_id)
                         .values(status="revoked", revoked_at=at))
        return {"device_id": device_id, "status": "revoked", "revoked_at": at}

    def sender(self, device_id: str) -> bf.Sender | None:
        with self.engine.connect() as conn:
            row = self.device(conn, device_id)
        if row is None:
            return None
        return bf.Sender(bytes.fromhex(row.sign_public), row.status, row.revoked_at)

    # ----- request signatures -----------------------------------------------------------
    def authenticate(self, device_id: str, ts: str, nonce: str, signature: str, method: str, path: str,
                     body: bytes, now: float | None = None) -> Any:
        """Check a signed request; returns the device row.

        Raises:
            Refused: 401 for unknown devices, bad signatures, stale timestamps and reused nonces; 403 revoked.
        """
        now = time.time() if now is None else now
        try:
            ts_i = int(ts)
            sig = bytes.fromhex(signature)
        except (TypeError, ValueError):
            raise Refused("bad_signature", "the request signature is malformed", "请求签名格式错误", 401) from None
        if not (8 <= len(nonce) <= 64) or not nonce.isalnum():
            raise Refused("bad_nonce", "the request nonce is malformed", "请求随机数格式错误", 401)
        if abs(ts_i - now) > CLOCK_SKEW_S:
            raise Refused("stale_request", "the request time is more than 5 minutes off the server's clock; "
                          "check the laptop's date and time", "请求时间与服务器相差超过5分钟；请检查笔记本的日期和时间", 401)
        with self.engine.connect() as conn:
            dev = self.device(conn, device_id)
        if dev is None:
            raise Refused("unknown_device", "this laptop is not enrolled with this county", "本机未在本县登记", 401)
        try:
            Ed25519PublicKey.from_public_bytes(bytes.fromhex(dev.sign_public)).verify(
                sig, request_message(method, path, body, ts_i, nonce))
        except (InvalidSignature, ValueError):
            raise Refused("bad_signature", "the request signature does not match this laptop's key",
                          "请求签名与本机密钥不符", 401) from None
        if dev.status != "active":
            raise Refused("revoked_device", "this laptop's access was revoked; contact county IT",
                          "本机的访问权限已被停用；请联系县里信息员", 403)
        with self._write() as conn:
            conn.execute(t.nonces.delete().where(t.nonces.c.ts < int(now) - NONCE_KEEP_S))
            if conn.execute(sa.select(t.nonces.c.nonce).where(t.nonces.c.device_id == device_id,
                                                             t.nonces.c.nonce == nonce)).first():
                raise Refused("replayed_request", "this request was already received (replayed)", "该请求已收到过（重放）", 401)
            conn.execute(t.nonces.insert().values(device_id=device_id, nonce=nonce, ts=ts_i))
            conn.execute(t.devices.update().where(t.devices.c.device_id == device_id).values(last_seen=utc_now()))
        return dev

    # ----- ingest -------------------------------------------------------------------------
    def push(self, device_id: str, ops: list[Op], now_ms: int | None = None) -> dict[str, Any]:
        """Store a device's ops; returns the acked (highest contiguous) seq and what was held."""
        now_ms = int(time.time() * 1000) if now_ms is None else now_ms
        with self._write() as conn:
            dev = self.device(conn, device_id)
            taken = self._take(conn, dev, ops, now_ms)
            if isinstance(taken, int):
                self._quarantine(conn, "ops", device_id, "clock_ahead", f"{len(ops)} ops, {taken} day(s) ahead",
                                 bf.compress(bf.encode_ops(ops)))
                why = bf.refuse("clock_ahead", days=taken)
                return {"acked_seq": dev.hw_seq, "stored": 0, "duplicates": 0, "quarantined": len(ops),
                        "held": held_count(conn, device_id), "code": why.code, "reason": why.en, "reason_zh": why.zh}
            res, held, hw = taken
            total_held = held_count(conn, device_id)
        return {"acked_seq": hw, "stored": res.stored, "duplicates": res.duplicates, "quarantined": held,
                "held": total_held, "alarms": len(res.alarms)}

    def _take(self, conn: Connection, dev: Any, ops: list[Op], now_ms: int) -> int | tuple[IngestResult, int, int]:
        """Screen, hold and ingest a device's ops (caller's transaction); acks what was received.

        Returns:
            days ahead (int) when an op is too far in the future (nothing written), else
            (ingest result, ops held now, new acked seq).
        """
        device_id = dev.device_id
        villages = json.loads(dev.villages)
        s = screen(conn, ops, county=self.county, sender=device_id, villages=villages)
        ahead = days_ahead(s.good, now_ms)
        if ahead:
            return ahead
        held = hold(conn, device_id, s.held)
        any_held = bool(held) or has_held(conn, device_id)
        res = ingest(conn, s.good)
        res.duplicates += s.resent
        refresh_for_ops(conn, s.good, res.facts)
        if s.good and any_held:
            later = retry_unknown(conn, device_id, county=self.county, villages=villages).good
            if later:
                more = ingest(conn, later)
                refresh_for_ops(conn, later, more.facts)
                res.stored += more.stored
                res.alarms += more.alarms
        for op_id in res.alarms:
            self._quarantine(conn, "alarm", device_id, "integrity_alarm", f"op {op_id} arrived with different content")
        hw = advance_high_water(conn, device_id, dev.hw_seq, held_seqs(conn, device_id, dev.hw_seq) if any_held else ())
        if hw != dev.hw_seq:
            conn.execute(t.devices.update().where(t.devices.c.device_id == device_id).values(hw_seq=hw))
        return res, held, hw

    def _quarantine(self, conn: Connection, kind: str, device_id: str | None, reason: str, detail: str,
                    data: bytes | None = None) -> None:
        conn.execute(t.quarantine.insert().values(kind=kind, device_id=device_id, reason=reason, detail=detail,
                                                  received_at=utc_now(), data=data))

    def import_bundle(self, data: bytes, now_ms: int | None = None) -> dict[str, Any]:
        """Verify and import an uplink bundle all-or-nothing; a replay is a clear no-op.

        Returns:
            {status: imported|already_imported|quarantined, device_id, ops, stored, held, acked_seq, reason,
            reason_zh}.
        Raises:
            BundleRefused: truncated, damaged, wrong county, unknown or revoked device...
        """
        now_ms = int(time.time() * 1000) if now_ms is None else now_ms
        opened = bf.open_bundle(data, recipient_private=self.keys.box, county=self.county, senders=self.sender,
                                kind="uplink")
        m = opened.manifest
        device_id = m["sender"]
        with self._write() as conn:
            dev = self.device(conn, device_id)
            done = conn.execute(sa.select(t.bundles).where(t.bundles.c.sha256 == opened.sha256)).first()
            base = {"device_id": device_id, "ops": len(opened.ops), "sha256": opened.sha256}
            if done is not None or (opened.ops and m["seq_to"] <= dev.hw_seq):
                if done is None:  # the same ops again in another file: it proves the sender all the same
                    conn.execute(t.bundles.insert().values(
                        sha256=opened.sha256, device_id=device_id, seq_from=m["seq_from"], seq_to=m["seq_to"],
                        ops=len(opened.ops), imported_at=utc_now()))
                why = bf.refuse("already_imported")
                return {**base, "status": "already_imported", "stored": 0, "acked_seq": dev.hw_seq,
                        "held": held_count(conn, device_id), "reason": why.en, "reason_zh": why.zh}
            taken = self._take(conn, dev, opened.ops, now_ms)
            if isinstance(taken, int):
                self._quarantine(conn, "bundle", device_id, "clock_ahead", f"bundle {opened.sha256}", data)
                why = bf.refuse("clock_ahead", days=taken)
                return {**base, "status": "quarantined", "stored": 0, "acked_seq": dev.hw_seq,
                        "held": held_count(conn, device_id), "reason": why.en, "reason_zh": why.zh}
            res, _held, hw = taken
            cursor = max(int(dev.confirmed_cursor), int(m.get("downlink_cursor", 0) or 0))
            conn.execute(t.devices.update().where(t.devices.c.device_id == device_id)
                         .values(confirmed_cursor=cursor, last_seen=utc_now()))
            conn.execute(t.bundles.insert().values(sha256=opened.sha256, device_id=device_id, seq_from=m["seq_from"],
                                                   seq_to=m["seq_to"], ops=len(opened.ops), imported_at=utc_now()))
            total_held = held_count(conn, device_id)
        return {**base, "status": "imported", "stored": res.stored, "acked_seq": hw, "held": total_held,
                "reason": "", "reason_zh": ""}

    # ----- county decisions and held ops ----------------------------------------------------
    def move_household(self, household_id: str, village: str, actor: str) -> dict[str, Any]:
        """The county moves a household to another village of the county (the only way a
        household crosses villages); its history then follows it to that village's laptops."""
        from fieldapp.opschema import UUID_RE, VILLAGE_RE
        from sync.server.roster import CountyWriter

        if not UUID_RE.match(household_id):
            raise InputRefused(f"'{household_id[:40]}' is not a household id", "户编号格式错误")
        if not (VILLAGE_RE.match(village) and village.startswith(self.county)):
            raise InputRefused(f"'{village[:20]}' is not a 12-digit village code of county {self.county}",
                               f"“{village[:20]}”不是本县（{self.county}）的12位村代码")
        lv = t.live_values.c
        with self._write() as conn:
            row = conn.execute(sa.select(t.households.c.village_code)
                               .where(t.households.c.household_id == household_id)).first()
            if row is None:
                raise InputRefused(f"no household {household_id}", f"没有户 {household_id}")
            live = [r[0] for r in conn.execute(sa.select(lv.op_id).where(
                lv.entity == "household", lv.entity_id == household_id, lv.field == "village_code"))]
            w = CountyWriter(conn, self.county, actor)
            w.op("household", household_id, "village_code", village, live)
            res = ingest(conn, w.ops)
            refresh_for_ops(conn, w.ops, res.facts)
        return {"household_id": household_id, "from": row[0], "to": village}

    def held_ops(self, status: str = "held") -> list[dict[str, Any]]:
        from sync.server.screen import list_held

        with self.engine.connect() as conn:
            return list_held(conn, status)

    def decide_held(self, held_id: int, release: bool, actor: str) -> dict[str, Any]:
        """Release (store as the county's decision) or reject a held op.

        Raises:
            InputRefused: no such op waiting, or an op that cannot be released (malformed,
                sequence reuse: storing those would harm every laptop), or it no longer passes.
        """
        from sync.server.screen import RELEASABLE, decide, take_held

        with self._write() as conn:
            row = take_held(conn, held_id)
            if row is None:
                raise InputRefused(f"no held change {held_id} waits for a decision", f"没有待处理的暂扣修改 {held_id}")
            if not release:
                decide(conn, held_id, "rejected", actor)
                return {"id": held_id, "status": "rejected"}
            if row.reason not in RELEASABLE:
                raise InputRefused(f"a change held for '{row.reason}' cannot be released, only rejected",
                                   f"因“{row.reason}”暂扣的修改不能放行，只能驳回")
            op = Op.from_json(json.loads(row.op))
            s = screen(conn, [op], county=self.county, sender=row.sender, villages=None, retry=True)
            if not s.good:
                raise InputRefused("the change no longer fits the county's records", "该修改已与县里的记录不符")
            res = ingest(conn, s.good)
            refresh_for_ops(conn, s.good, res.facts)
            decide(conn, held_id, "released", actor)
        return {"id": held_id, "status": "released", "stored": res.stored}

    # ----- pull and downlink ------------------------------------------------------------
    def ops_for(self, conn: Connection, device_id: str, villages: list[str], cursor: int,
                limit: int, mine_after: int | None = None) -> tuple[list[Op], int, bool]:
        """Ops of ``villages`` after ``cursor``: other devices' ops, and the device's own ops above
        ``mine_after`` (those it lacks, e.g. after a restore from an old backup)."""
        o, h = t.ops, t.households
        whose = o.c.device_id != device_id
        if mine_after is not None:
            whose = whose | (o.c.device_seq > mine_after)
        q = (sa.select(o.c.seq, o.c.op_id, o.c.device_id, o.c.device_seq, o.c.hlc, o.c.county, o.c.entity,
                       o.c.entity_id, o.c.field, o.c.value, o.c.supersedes, o.c.schema_version, o.c.author)
             .select_from(o.join(h, o.c.household_id == h.c.household_id))
             .where(o.c.seq > cursor, h.c.village_code.in_(villages), whose)
             .order_by(o.c.seq).limit(limit + 1))
        rows = conn.execute(q).all()
        more = len(rows) > limit
        rows = rows[:limit]
        # A household that moved into this device's villages in this page brings its
        # older history too (the cursor had passed it while it lived elsewhere).
        moved = sorted({r.entity_id for r in rows if r.entity == "household" and r.field == "village_code"})
        if moved and cursor > 0:
            older = (sa.select(o.c.seq, o.c.op_id, o.c.device_id, o.c.device_seq, o.c.hlc, o.c.county, o.c.entity,
                               o.c.entity_id, o.c.field, o.c.value, o.c.supersedes, o.c.schema_version, o.c.author)
                     .where(o.c.household_id.in_(moved), o.c.seq <= cursor, o.c.device_id != device_id)
                     .order_by(o.c.seq))
            rows = [*conn.execute(older).all(), *rows]
        # County-wide facts (回头看 campaigns) belong to no household: every laptop of the county gets them.
        upto = int(rows[-1].seq) if more and rows else None
        county_wide = (sa.select(o.c.seq, o.c.op_id, o.c.device_id, o.c.device_seq, o.c.hlc, o.c.county, o.c.entity,
                                 o.c.entity_id, o.c.field, o.c.value, o.c.supersedes, o.c.schema_version, o.c.author)
                       .where(o.c.seq > cursor, o.c.entity == "campaign", o.c.household_id.is_(None),
                              o.c.device_id != device_id))
        if upto is not None:
            county_wide = county_wide.where(o.c.seq <= upto)
        extra = conn.execute(county_wide.order_by(o.c.seq)).all()
        if extra:
            rows = sorted([*rows, *extra], key=lambda r: int(r.seq))
        out = [Op(op_id=r.op_id, device_id=r.device_id, device_seq=int(r.device_seq), hlc=r.hlc, entity=r.entity,
                  entity_id=r.entity_id, field=r.field, value=json.loads(r.value) if r.value is not None else None,
                  supersedes=tuple(json.loads(r.supersedes)), county=r.county, schema_version=int(r.schema_version),
                  author=r.author) for r in rows]
        if rows:
            new_cursor = max(cursor, int(rows[-1].seq))
        else:
            top = conn.execute(sa.select(sa.func.max(o.c.seq))).scalar()
            new_cursor = max(cursor, int(top or 0)) if not more else cursor
        return out, new_cursor, more

    def pull(self, device_id: str, cursor: int, limit: int = 1000, mine_after: int | None = None) -> dict[str, Any]:
        with self.engine.connect() as conn:
            dev = self.device(conn, device_id)
            ops, new_cursor, more = self.ops_for(conn, device_id, json.loads(dev.villages), cursor, limit,
                                                 mine_after)
            held = held_count(conn, device_id)
        return {"ops": [op.to_json() for op in ops], "cursor": new_cursor, "more": more, "acked_seq": dev.hw_seq,
                "held": held}

    def seqs(self, device_id: str, after: int, upto: int) -> dict[str, Any]:
        """What the county received from a device with sequence numbers in (after, upto]:
        [seq, op id] pairs (stored or held), its acked seq and the highest seq it received.
        A laptop restored from an old backup learns from this which of its numbers are taken."""
        o, h = t.ops.c, t.held_ops.c
        with self.engine.connect() as conn:
            dev = self.device(conn, device_id)
            pairs = {int(s): i for s, i in conn.execute(sa.select(o.device_seq, o.op_id).where(
                o.device_id == device_id, o.device_seq > after, o.device_seq <= upto))}
            for s, i in conn.execute(sa.select(h.device_seq, h.op_id).where(
                    h.sender == device_id, h.device_id == device_id, h.device_seq > after, h.device_seq <= upto)):
                pairs.setdefault(int(s), i or "")
            top = max(int(conn.execute(sa.select(sa.func.max(o.device_seq)).where(o.device_id == device_id))
                          .scalar() or 0),
                      int(conn.execute(sa.select(sa.func.max(h.device_seq)).where(
                          h.sender == device_id, h.device_id == device_id)).scalar() or 0))
        return {"acked_seq": int(dev.hw_seq), "top_seq": top, "ops": sorted([s, i] for s, i in pairs.items())}

    def downlink(self, device_id: str, limit: int = 200_000, proof: str | None = None) -> bytes:
        """The device's latest downlink bundle: its ack and the ops of its villages it lacks.

        Over HTTP ``proof`` is required: the SHA-256 of an uplink bundle of this device the county
        received (what a relay holding that bundle knows), so nobody can make the county build and
        compress bundles at will."""
        with self.engine.connect() as conn:
            dev = self.device(conn, device_id)
            if dev is None:
                raise Refused("unknown_device", "no such device", "没有该设备", 404)
            b = t.bundles.c
            if proof is not None and conn.execute(sa.select(b.sha256).where(
                    b.sha256 == proof, b.device_id == device_id)).first() is None:
                raise Refused("no_proof", "a device's downlink is given only with the hash of a bundle it sent",
                              "只有出示该设备上传过的数据包的哈希值，才能取得其下行数据包", 403)
            if dev.status != "active":
                raise Refused("revoked_device", "this laptop's access was revoked", "该笔记本已被停用", 403)
            ops, cursor, _more = self.ops_for(conn, device_id, json.loads(dev.villages), int(dev.confirmed_cursor), limit)
            held = held_count(conn, device_id)
        written = bf.seal_bundle(
            kind="downlink", county=self.county, sender=self.keys.sender, sign_key=self.keys.sign,
            recipient_public=bytes.fromhex(dev.box_public), ops=ops,
            extra={"device_id": device_id, "ack_seq": int(dev.hw_seq), "cursor": cursor, "held": held})
        return written.data

    def public_devices(self) -> list[dict[str, Any]]:
        """Device ids, public signing keys and status: what a township relay needs to check bundles."""
        return [{"device_id": d["device_id"], "sign_public": d["sign_public"], "status": d["status"],
                 "revoked_at": d["revoked_at"]} for d in self.devices()]

    # ----- stats --------------------------------------------------------------------------
    def stats(self) -> dict[str, int]:
        f = t.facts.c
        with self.engine.connect() as conn:
            def count(q: Any) -> int:
                return int(conn.execute(q).scalar() or 0)

            conflicts = sa.select(t.live_values.c.entity_id).group_by(
                t.live_values.c.entity, t.live_values.c.entity_id, t.live_values.c.field).having(sa.func.count() > 1)
            return {
                "households": count(sa.select(sa.func.count()).select_from(t.facts).where(f.entity == "household")),
                "members": count(sa.select(sa.func.count()).select_from(t.facts).where(f.entity == "member")),
                "visits": count(sa.select(sa.func.count()).select_from(t.facts).where(f.entity == "visit")),
                "ops": count(sa.select(sa.func.count()).select_from(t.ops)),
                "devices": count(sa.select(sa.func.count()).select_from(t.devices)),
                "conflicts": count(sa.select(sa.func.count()).select_from(conflicts.subquery())),
                "quarantined": count(sa.select(sa.func.count()).select_from(t.quarantine))
                + count(sa.select(sa.func.count()).select_from(t.held_ops).where(t.held_ops.c.status == "held")),
            }

    def state(self) -> dict[str, Any]:
        """A canonical snapshot of live values and facts, for convergence checks."""
        with self.engine.connect() as conn:
            regs: dict[str, list[str]] = {}
            for r in conn.execute(sa.select(t.live_values)):
                regs.setdefault(f"{r.entity}|{r.entity_id}|{r.field}", []).append(r.op_id)
            facts = {f"{r.entity}|{r.entity_id}": r.digest for r in conn.execute(sa.select(t.facts))}
        return {"registers": {k: sorted(v) for k, v in regs.items()}, "facts": facts}
