"""The laptop's side of sync, on the Store API: device keys, enrollment state,
acks, uplink export and downlink import, applying received ops.

Device keys live in the store's ``meta`` table, so they are inside the
SQLCipher file like everything else (DESIGN §3).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import sqlcipher3
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from fieldapp import hlc as hlc_mod
from fieldapp.errors import FieldappError, InputRefused
from fieldapp.merge import Op
from fieldapp.oplog import (
    HELD_BY_COUNTY,
    apply_op,
    observe_remote_clock,
    outbox,
    set_aside,
)
from fieldapp.opschema import OpProblem, op_problem
from fieldapp.store import Store, utc_now
from sync import bundle as bf

# meta keys written by sync (the core owns device_id, device_seq, last_acked_seq,
# county, card_key, server_url, last_sync, enrolled_at)
SIGN_KEY = "sync_sign_key"
BOX_KEY = "sync_box_key"
COUNTY_SIGN_PUB = "sync_county_sign_pub"
COUNTY_BOX_PUB = "sync_county_box_pub"
CERT_PEM = "sync_server_cert_pem"
CERT_SHA256 = "sync_server_cert_sha256"
PULL_CURSOR = "sync_pull_cursor"
LAST_BUNDLE_HASH = "sync_last_bundle_hash"
LAST_DOWNLINK_MS = "sync_last_downlink_ms"
VILLAGES = "sync_villages"


def device_keys(store: Store) -> tuple[Ed25519PrivateKey, X25519PrivateKey]:
    """The device's Ed25519 signing key and X25519 box key, made on first use."""
    sign_hex, box_hex = store.meta(SIGN_KEY), store.meta(BOX_KEY)
    if not sign_hex or not box_hex:
        sign, box = Ed25519PrivateKey.generate(), X25519PrivateKey.generate()
        with store.tx():
            store.set_meta(SIGN_KEY, bf.raw_private(sign).hex())
            store.set_meta(BOX_KEY, bf.raw_private(box).hex())
        return sign, box
    return bf.load_ed25519(bytes.fromhex(sign_hex)), bf.load_x25519(bytes.fromhex(box_hex))


def public_keys(store: Store) -> dict[str, str]:
    sign, box = device_keys(store)
    return {"sign_public": bf.raw_public(sign).hex(), "box_public": bf.raw_public(box).hex()}


def is_enrolled(store: Store) -> bool:
    return bool(store.meta("enrolled_at")) and bool(store.meta(COUNTY_BOX_PUB))


def require_enrolled(store: Store) -> None:
    if not is_enrolled(store):
        raise InputRefused(
            "this laptop is not enrolled with a county server yet: enroll it first with the one-time code from county IT"
            " (Sync panel, or 'fieldapp enroll --server URL --code CODE')",
            "本机尚未在县服务器入网登记：请先用县里信息员给的登记码登记（同步页面，或 fieldapp enroll --server 地址 --code 登记码）",
        )


def save_enrollment(store: Store, doc: dict[str, Any], server_url: str, cert_pem: str | None = None) -> None:
    """Keep what the county sent at enrollment, in one transaction."""
    county = str(doc["county"])
    mine = store.meta("county", "") or ""
    if mine and mine != county:
        raise InputRefused(
            f"this laptop's store belongs to county {mine}, but the server is county {county}",
            f"本机数据属于县 {mine}，而服务器是县 {county}",
        )
    with store.tx():
        store.set_meta("county", county)
        store.set_meta("card_key", str(doc["card_key"]))
        store.set_meta("server_url", server_url)
        store.set_meta("enrolled_at", utc_now())
        store.set_meta(COUNTY_SIGN_PUB, str(doc["county_sign_public"]))
        store.set_meta(COUNTY_BOX_PUB, str(doc["county_box_public"]))
        store.set_meta(VILLAGES, json.dumps(doc.get("villages") or []))
        if doc.get("cadre"):
            store.set_meta("cadre_name", str(doc["cadre"]))
        if cert_pem:
            import hashlib
            import ssl

            store.set_meta(CERT_PEM, cert_pem)
            store.set_meta(CERT_SHA256, hashlib.sha256(ssl.PEM_cert_to_DER_cert(cert_pem)).hexdigest())


def acked_seq(store: Store) -> int:
    return int(store.meta("last_acked_seq", "0") or 0)


def ack(store: Store, seq: int) -> int:
    """Record the county's ack of ``seq``: only now do those ops leave the outbox."""
    own = int(store.meta("device_seq", "0") or 0)
    new = max(acked_seq(store), min(int(seq), own))
    if new != acked_seq(store):
        store.set_meta("last_acked_seq", str(new))
    return new


def county_sender(store: Store) -> bf.Sender:
    return bf.Sender(bytes.fromhex(store.meta(COUNTY_SIGN_PUB) or ""))


# ----- sequence numbers after a restore -----------------------------------------------------
def own_complete_seq(store: Store) -> int:
    """The highest n such that this laptop holds its own ops 1..n (what it lacks of its own
    lies above: ops made after the backup it was restored from)."""
    row = store.conn.execute(
        "SELECT min(device_seq), (SELECT min(o.device_seq) FROM op o WHERE o.device_id = ?1 AND NOT EXISTS"
        " (SELECT 1 FROM op p WHERE p.device_id = ?1 AND p.device_seq = o.device_seq + 1))"
        " FROM op WHERE device_id = ?1", (store.device_id,)).fetchone()
    return int(row[1]) if row and row[0] == 1 else 0


def renumber_taken(store: Store, taken: dict[int, str], top: int, county_acked: int) -> int:
    """Make sure no unsent op reuses a sequence number the county already received.

    ``taken``: seq -> op id of what the county received above our ack; ``top``: the highest seq
    it received. A laptop restored from an old backup made new ops with numbers its old self had
    already used: those ops (and every unsent op the county lacks) move above ``top``, in order;
    the county's copies of the old numbers come back with the next pull. Returns how many moved.
    """
    with store.tx():
        seq_now = int(store.meta("device_seq", "0") or 0)
        acked = acked_seq(store)
        mine = store.conn.execute("SELECT device_seq, op_id FROM op WHERE device_id = ? AND device_seq > ?"
                                  " ORDER BY device_seq", (store.device_id, acked)).fetchall()
        unknown = [(seq, op_id) for seq, op_id in mine if taken.get(seq) != op_id]
        moved = 0
        if any(seq <= top for seq, _ in unknown):
            for seq, _ in unknown:  # out of the way first: (device_id, device_seq) is unique
                store.conn.execute("UPDATE op SET device_seq = ? WHERE device_id = ? AND device_seq = ?",
                                   (-seq, store.device_id, seq))
            for i, (seq, _) in enumerate(unknown, start=1):
                store.conn.execute("UPDATE op SET device_seq = ? WHERE device_id = ? AND device_seq = ?",
                                   (top + i, store.device_id, -seq))
            moved = len(unknown)
            seq_now = top + moved
            store.audit("renumber", f"{moved} unsent changes renumbered above {top} (sequence numbers already used)")
        store.set_meta("device_seq", str(max(seq_now, top)))
        ack(store, county_acked)
    return moved


# ----- applying ops from the county -------------------------------------------------------
def decode_ops(store: Store, docs: list[Any]) -> list[Op]:
    """Ops from their JSON documents; a document that is not an op is set aside (caller's transaction)."""
    out: list[Op] = []
    for doc in docs:
        try:
            out.append(Op.from_json(doc))
        except (KeyError, TypeError, ValueError, AttributeError):
            op_id = doc.get("op_id", "?") if isinstance(doc, dict) else "?"
            set_aside(store, op_id, "bad_op", "not an op", doc)
    return out


def apply_remote(app: Any, ops: list[Op]) -> dict[str, int]:
    """Apply received ops inside the caller's transaction, each on its own.

    An op that is malformed (:func:`fieldapp.opschema.op_problem`), too far in the future,
    or that the store cannot apply is set aside with its reason; the others apply.

    Returns:
        Counts by apply status (applied, duplicate, alarm, set_aside).
    """
    store: Store = app.store
    assert store.in_tx
    counts = {"applied": 0, "duplicate": 0, "alarm": 0, "set_aside": 0}
    for op in ops:
        problem = op_problem(op)
        if problem is None and store.clock.too_far_ahead(op.hlc):
            days = max(1, (hlc_mod.decode(op.hlc)[0] - store.clock.now()) // 86_400_000)
            problem = OpProblem("clock_ahead", f"the op's clock is {days} day(s) ahead", f"数据时间超前 {days} 天")
        if problem is not None:
            set_aside(store, op.op_id, problem.code, problem.en, op.to_json())
            counts["set_aside"] += 1
            continue
        store.conn.execute("SAVEPOINT apply_one")
        try:
            observe_remote_clock(store, op)
            res = apply_op(store, op, app.projector)
        except (sqlcipher3.Error, FieldappError, KeyError, TypeError, ValueError, AttributeError) as exc:
            store.conn.execute("ROLLBACK TO apply_one")
            store.conn.execute("RELEASE apply_one")
            set_aside(store, op.op_id, "cannot_apply", f"{type(exc).__name__}: {exc}", op.to_json())
            counts["set_aside"] += 1
            continue
        store.conn.execute("RELEASE apply_one")
        counts[res.status] = counts.get(res.status, 0) + 1
    app._commit_search_keys()
    return counts


# ----- USB bundles ---------------------------------------------------------------------
def export_uplink(app: Any, folder: Path, now_ms: int | None = None) -> tuple[Path, int]:
    """Write every op not yet acked into an uplink bundle in ``folder``.

    Exporting is not delivery: the outbox is left as it is until an ack arrives.
    """
    store: Store = app.store
    require_enrolled(store)
    sign, _box = device_keys(store)
    ops = outbox(store)
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    written = bf.seal_bundle(
        kind="uplink",
        county=store.meta("county", "") or "",
        sender=store.device_id,
        sign_key=sign,
        recipient_public=bytes.fromhex(store.meta(COUNTY_BOX_PUB) or ""),
        ops=ops,
        extra={
            "acked_seq": acked_seq(store),
            "device_seq": int(store.meta("device_seq", "0") or 0),
            "downlink_cursor": int(store.meta(PULL_CURSOR, "0") or 0),
        },
        prev_bundle_hash=store.meta(LAST_BUNDLE_HASH, "") or "",
        schema_version=store.schema_version(),
        created_ms=now_ms,
    )
    sign_public = bf.raw_public(sign)

    def verify(back: bytes) -> None:
        outer = bf.parse_outer(back)
        bf.verify_outer(back, outer, sign_public)

    seq_to = written.manifest["seq_to"] or acked_seq(store)
    path = bf.write_bundle_file(Path(folder), bf.uplink_name(store.device_id, seq_to, now_ms), written.data, verify)
    store.set_meta(LAST_BUNDLE_HASH, written.sha256)
    return path, len(ops)


def import_downlink(app: Any, data: bytes) -> dict[str, Any]:
    """Verify a county downlink bundle and apply it all-or-nothing.

    Returns:
        {status: imported|already_imported, ops, applied, acked_seq, reason, reason_zh}.
    """
    store: Store = app.store
    require_enrolled(store)
    _sign, box = device_keys(store)
    county = store.meta("county", "") or ""
    expected_sender = f"county:{county}"
    sender = county_sender(store)

    def senders(name: str) -> bf.Sender | None:
        return sender if name == expected_sender else None

    try:
        opened = bf.open_bundle(data, recipient_private=box, county=county, senders=senders, kind="downlink")
    except bf.BundleRefused as exc:
        if exc.code == "unknown_device":
            raise bf.refuse("wrong_recipient") from None
        raise
    m = opened.manifest
    if m.get("device_id") != store.device_id:
        raise bf.refuse("wrong_recipient")
    created = int(m["created_ms"])
    if created <= int(store.meta(LAST_DOWNLINK_MS, "0") or 0):
        why = bf.refuse("already_imported")
        return {"status": "already_imported", "ops": len(opened.ops), "applied": 0, "acked_seq": acked_seq(store),
                "reason": why.en, "reason_zh": why.zh}
    with store.tx():
        counts = apply_remote(app, opened.ops)
        new_ack = ack(store, int(m.get("ack_seq", 0)))
        store.set_meta(HELD_BY_COUNTY, str(int(m.get("held", 0) or 0)))
        cursor = int(m.get("cursor", 0))
        if cursor > int(store.meta(PULL_CURSOR, "0") or 0):
            store.set_meta(PULL_CURSOR, str(cursor))
        store.set_meta(LAST_DOWNLINK_MS, str(created))
        store.set_meta("last_sync", utc_now())
    return {"status": "imported", "ops": len(opened.ops), "applied": counts["applied"],
            "set_aside": counts["set_aside"], "acked_seq": new_ack, "reason": "", "reason_zh": ""}
