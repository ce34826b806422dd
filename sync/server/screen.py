"""The county's trust boundary for ops: what a device sends is screened before
anything is stored (push, USB bundle, relay upload, admin import alike).

An op passes when it is well-formed (:mod:`fieldapp.opschema`, the laptop's
own definition), is of this county and of the sending device, does not reuse a
sequence number the device already used for another op, and touches only
households that belong, before and after the op, to one of the device's
assigned villages (members, visits, problems, measures and attachments through
their household). Only county-made ops cross villages: a household moves to
another village by a county decision.

An op that fails is *held*: kept with its reason in ``held_ops``, never
projected nor sent to a laptop, and counted as received for the device's
acknowledgement, so the device does not send it again. The county releases or
rejects held ops (:func:`release`, :func:`reject`).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldapp.merge import FACT_FIELD, Op
from fieldapp.opschema import UUID_RE, op_problem
from fieldapp.store import utc_now
from sync.server import schema as t
from sync.server.ingest import select_in

# Reasons a county may override by releasing the op; the others (malformed, sequence reuse,
# another device's op) can only be rejected: storing them would harm every laptop.
RELEASABLE = ("outside_villages", "unknown_household")
REASONS: dict[str, tuple[str, str]] = {
    "outside_villages": ("the household is not in the villages assigned to this laptop",
                         "该户不在本机负责的村"),
    "unknown_household": ("the record's household is not known to the county", "县里没有该记录所属的户"),
    "sequence_reuse": ("the laptop reused a sequence number it had already used for another change "
                       "(restored from an old backup?)", "本机重复使用了已用过的序号（是否从旧备份恢复？）"),
    "wrong_county": ("the change is for another county", "该修改属于其他县"),
    "foreign_op": ("a laptop may only send its own changes", "设备只能上传本机产生的修改"),
}


@dataclass
class HeldOp:
    """An op the county does not store, with its reason (a code of :data:`REASONS` or of opschema)."""

    op: Op
    reason: str
    detail: str
    household_id: str | None = None


@dataclass
class Screened:
    good: list[Op] = field(default_factory=list)
    held: list[HeldOp] = field(default_factory=list)
    resent: int = 0  # ops held before and sent again: neither stored nor held twice


def _detail(code: str) -> str:
    return REASONS[code][0]


def has_held(conn: Connection, device_id: str) -> bool:
    """Whether the county ever held an op of this device (most devices: never)."""
    return conn.execute(sa.select(t.held_ops.c.id).where(t.held_ops.c.device_id == device_id).limit(1)).first() \
        is not None


def _ops_by_seq(conn: Connection, device_id: str, seqs: Collection[int], held: bool) -> dict[int, str | None]:
    """device_seq -> op id of what the county holds already (stored or held) for a device."""
    out: dict[int, str | None] = {}
    if held:
        out.update(select_in(conn, "SELECT device_seq, op_id FROM held_ops WHERE device_id = ? AND device_seq {ids}",
                             seqs, device_id))
    out.update(select_in(conn, "SELECT device_seq, op_id FROM ops WHERE device_id = ? AND device_seq {ids}",
                         seqs, device_id))
    return out


def screen(conn: Connection, ops: list[Op], *, county: str, sender: str,
           villages: Collection[str] | None, retry: bool = False) -> Screened:
    """Split ``ops`` sent by ``sender`` into those to store and those to hold.

    Args:
        villages: the sender's assigned villages; None for the county itself (no village rule).
        retry: the ops are held ones screened again (:func:`retry_unknown`), not a resend.
    """
    res = Screened()
    candidates: list[Op] = []
    for op in ops:
        problem = op_problem(op)
        if problem is not None:
            res.held.append(HeldOp(op, problem.code, problem.en))
        elif op.county != county:
            res.held.append(HeldOp(op, "wrong_county", _detail("wrong_county")))
        elif op.device_id != sender:
            res.held.append(HeldOp(op, "foreign_op", _detail("foreign_op")))
        else:
            candidates.append(op)
    if not candidates:
        return res
    held_before = has_held(conn, sender)
    taken = _ops_by_seq(conn, sender, {op.device_seq for op in candidates}, held_before)
    held_ids: set[str] = set()
    if held_before and not retry:
        held_ids.update(r[0] for r in select_in(conn, "SELECT op_id FROM held_ops WHERE op_id {ids}",
                                                {op.op_id for op in candidates}))
    fresh: list[Op] = []
    for op in candidates:
        if op.op_id in held_ids:
            res.resent += 1
            continue
        have = taken.get(op.device_seq, op.op_id)
        if have != op.op_id:
            res.held.append(HeldOp(op, "sequence_reuse", _detail("sequence_reuse")))
            continue
        taken[op.device_seq] = op.op_id
        fresh.append(op)
    if villages is None:
        res.good = fresh
        return res
    _authorise(conn, fresh, set(villages), res)
    return res


def _authorise(conn: Connection, ops: list[Op], villages: set[str], res: Screened) -> None:
    """Keep the ops whose household is in ``villages`` before and after them; hold the rest."""
    edited = {op.entity_id for op in ops if op.entity != "household" and op.field != FACT_FIELD}
    owner: dict[str, str | None] = dict(select_in(
        conn, "SELECT entity_id, household_id FROM facts WHERE entity_id {ids}", edited))
    for op in ops:
        if op.entity != "household" and op.field == FACT_FIELD:
            owner.setdefault(op.entity_id, op.value.get("household_id"))
    hids = {op.entity_id if op.entity == "household" else owner.get(op.entity_id) for op in ops}
    village: dict[str, str] = dict(select_in(
        conn, "SELECT household_id, village_code FROM households WHERE household_id {ids}",
        [h for h in hids if h]))
    for op in ops:  # a record whose household comes later in the same batch (any delivery order)
        if op.entity == "household" and op.field == FACT_FIELD:
            village.setdefault(op.entity_id, str(op.value.get("village_code")))
    for op in ops:
        hid = op.entity_id if op.entity == "household" else owner.get(op.entity_id)
        before = village.get(hid) if hid else None
        after = before
        if op.entity == "household" and op.field == FACT_FIELD:
            after = str(op.value.get("village_code"))
            before = before or after
        elif op.entity == "household" and op.field == "village_code":
            after = str(op.value)
        if before is None:
            res.held.append(HeldOp(op, "unknown_household", _detail("unknown_household"), hid))
        elif before not in villages or after not in villages:
            res.held.append(HeldOp(op, "outside_villages",
                                   f"{_detail('outside_villages')} ({before if before not in villages else after})",
                                   hid))
        else:
            if hid is not None and op.entity == "household":
                village[hid] = after
            res.good.append(op)


def retry_unknown(conn: Connection, sender: str, *, county: str, villages: Collection[str]) -> Screened:
    """Screen again the sender's ops held because their household was not known yet (an edit
    that arrived before its record); those that pass now are marked released, ready to store."""
    h = t.held_ops.c
    rows = conn.execute(sa.select(h.id, h.op).where(h.sender == sender, h.status == "held",
                                                    h.reason == "unknown_household").order_by(h.id)).all()
    if not rows:
        return Screened()
    by_op: dict[str, int] = {}
    ops: list[Op] = []
    for row_id, doc in rows:
        op = Op.from_json(json.loads(doc))
        by_op[op.op_id] = row_id
        ops.append(op)
    res = screen(conn, ops, county=county, sender=sender, villages=villages, retry=True)
    for op in res.good:
        decide(conn, by_op[op.op_id], "released", "county:auto")
    res.held = []  # still waiting: they stay as they are
    return res


def hold(conn: Connection, sender: str, held: Iterable[HeldOp]) -> int:
    """Keep held ops with their reasons; returns how many."""
    now = utc_now()
    rows = [{"sender": sender[:64], "device_id": str(h.op.device_id)[:64], "device_seq": int(h.op.device_seq),
             "op_id": h.op.op_id if UUID_RE.match(str(h.op.op_id)) else None,
             "household_id": h.household_id if h.household_id and UUID_RE.match(h.household_id) else None,
             "reason": h.reason[:32], "detail": h.detail, "received_at": now, "status": "held",
             # ASCII JSON: NUL and lone surrogates become escapes that every database can keep.
             "op": json.dumps(h.op.to_json(), ensure_ascii=True, sort_keys=True, default=str)}
            for h in held]
    if rows:
        conn.execute(t.held_ops.insert(), rows)
    return len(rows)


def held_count(conn: Connection, device_id: str) -> int:
    """How many of a device's ops the county holds now (not yet released or rejected)."""
    h = t.held_ops.c
    return int(conn.execute(sa.select(sa.func.count()).select_from(t.held_ops)
                            .where(h.sender == device_id, h.status == "held")).scalar() or 0)


def held_seqs(conn: Connection, device_id: str, after: int) -> list[int]:
    """The device's sequence numbers above ``after`` that the county received and holds
    (whatever became of them): they count as received for the device's acknowledgement."""
    h = t.held_ops.c
    return [int(r[0]) for r in conn.execute(sa.select(h.device_seq).where(
        h.sender == device_id, h.device_id == device_id, h.device_seq > after))]


def list_held(conn: Connection, status: str = "held", limit: int = 500) -> list[dict[str, Any]]:
    h = t.held_ops.c
    rows = conn.execute(sa.select(t.held_ops).where(h.status == status).order_by(h.id).limit(limit)).all()
    return [{"id": r.id, "sender": r.sender, "device_seq": r.device_seq, "op_id": r.op_id,
             "household_id": r.household_id, "reason": r.reason, "detail": r.detail,
             "received_at": r.received_at, "status": r.status, "releasable": r.reason in RELEASABLE,
             "op": json.loads(r.op)} for r in rows]


def take_held(conn: Connection, held_id: int) -> Any:
    """The held row ``held_id`` if it still waits for a decision, else None."""
    h = t.held_ops.c
    return conn.execute(sa.select(t.held_ops).where(h.id == held_id, h.status == "held")).first()


def decide(conn: Connection, held_id: int, status: str, actor: str) -> None:
    conn.execute(t.held_ops.update().where(t.held_ops.c.id == held_id)
                 .values(status=status, decided_by=actor[:64], decided_at=utc_now()))
