"""Bulk ingest of ops into the county's merged log, with the merge rules of
:mod:`fieldapp.merge` (the same registers and facts as on a laptop).

One call handles a batch in the caller's transaction: it reads what it needs
in a few ``IN (...)`` queries, applies the rules in memory, and writes with
``executemany`` inserts; no per-op round trips.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldapp.hlc import MAX_FUTURE_MS, decode
from fieldapp.merge import FACT_FIELD, LiveValue, Op, apply_to_register, check_fact, winner
from fieldapp.store import utc_now
from sync.server import schema as t

IN_CHUNK = 500
ENTITIES = {"household", "member", "visit", "problem", "measure", "attachment"}
REGISTER_ENTITIES = {"household", "member", "problem", "measure"}


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def chunks(values: Iterable[Any], size: int = IN_CHUNK) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for v in values:
        batch.append(v)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def insert_ignore(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING, many rows at once."""
    if not rows:
        return
    conn.execute(_dialect_insert(conn, table).on_conflict_do_nothing(), rows)


def upsert(conn: Connection, table: sa.Table, rows: list[dict[str, Any]], keys: list[str]) -> None:
    """INSERT ... ON CONFLICT (keys) DO UPDATE, many rows at once."""
    if not rows:
        return
    stmt = _dialect_insert(conn, table)
    cols = {c: stmt.excluded[c] for c in rows[0] if c not in keys}
    conn.execute(stmt.on_conflict_do_update(index_elements=keys, set_=cols), rows)


def _dialect_insert(conn: Connection, table: sa.Table) -> Any:
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


class OpRefused(ValueError):  # noqa: N818
    """A batch holds an op this server must not take (wrong county, malformed)."""

    def __init__(self, code: str, en: str, zh: str) -> None:
        super().__init__(en)
        self.code, self.en, self.zh = code, en, zh


@dataclass
class IngestResult:
    stored: int = 0
    duplicates: int = 0
    alarms: list[str] = field(default_factory=list)
    quarantined: int = 0
    days_ahead: int = 0


def check_ops(ops: list[Op], *, county: str, device_id: str | None) -> None:
    """Refuse a batch with an op that is malformed, from another county or another device."""
    for op in ops:
        if op.county != county:
            raise OpRefused("wrong_county", f"an op is for county {op.county or '?'}, this server is county {county}",
                            f"有数据属于县 {op.county or '?'}，本服务器是县 {county}")
        if device_id is not None and op.device_id != device_id:
            raise OpRefused("foreign_op", "a device may only send its own ops", "设备只能上传本机产生的数据")
        if op.entity not in ENTITIES or not op.field or op.device_seq < 1:
            raise OpRefused("bad_op", f"malformed op {op.op_id}", f"数据格式错误：{op.op_id}")
        if op.field != FACT_FIELD and op.entity not in REGISTER_ENTITIES:
            raise OpRefused("bad_op", f"{op.entity} has no mutable fields", f"{op.entity} 没有可修改的字段")
        if op.is_fact and op.entity != "household" and not isinstance((op.value or {}).get("household_id"), str):
            raise OpRefused("bad_op", f"op {op.op_id} names no household", f"数据 {op.op_id} 缺少所属户")
        try:
            decode(op.hlc)
        except ValueError:
            raise OpRefused("bad_op", f"op {op.op_id} has a malformed clock", f"数据 {op.op_id} 时钟格式错误") from None


def days_ahead(ops: list[Op], now_ms: int) -> int:
    """How many days the furthest op is ahead, if any op is beyond the quarantine limit; else 0."""
    worst = max((decode(op.hlc)[0] - now_ms for op in ops), default=0)
    if worst > MAX_FUTURE_MS:
        return max(1, round(worst / 86_400_000))
    return 0


def ingest(conn: Connection, ops: list[Op]) -> IngestResult:
    """Store new ops and update live values, facts and households (caller's transaction)."""
    res = IngestResult()
    batch: dict[str, Op] = {}
    for op in ops:
        prev = batch.get(op.op_id)
        if prev is None:
            batch[op.op_id] = op
        elif prev.content_digest() != op.content_digest():
            res.alarms.append(op.op_id)
    existing: dict[str, str] = {}
    for ids in chunks(batch):
        for op_id, digest in conn.execute(sa.select(t.ops.c.op_id, t.ops.c.digest).where(t.ops.c.op_id.in_(ids))):
            existing[op_id] = digest
    new: list[Op] = []
    for op in batch.values():
        if op.op_id in existing:
            if existing[op.op_id] != op.content_digest():
                res.alarms.append(op.op_id)
            res.duplicates += 1
        else:
            new.append(op)
    res.duplicates += len(ops) - len(batch)
    if not new:
        return res

    entity_ids = {op.entity_id for op in new}
    facts: dict[tuple[str, str], tuple[str, str | None]] = {}
    for ids in chunks(entity_ids):
        q = sa.select(t.facts.c.entity, t.facts.c.entity_id, t.facts.c.digest, t.facts.c.household_id)
        for e, i, d, h in conn.execute(q.where(t.facts.c.entity_id.in_(ids))):
            facts[(e, i)] = (d, h)
    live: dict[tuple[str, str, str], list[LiveValue]] = {}
    reg_ids = {op.entity_id for op in new if not op.is_fact}
    for ids in chunks(reg_ids):
        q = sa.select(t.live_values).where(t.live_values.c.entity_id.in_(ids))
        for r in conn.execute(q):
            live.setdefault((r.entity, r.entity_id, r.field), []).append(
                LiveValue(r.op_id, r.hlc, r.device_id, json.loads(r.value) if r.value is not None else None))
    superseded: set[str] = set()
    for ids in chunks([op.op_id for op in new if not op.is_fact]):
        superseded.update(r[0] for r in conn.execute(sa.select(t.superseded.c.op_id).where(t.superseded.c.op_id.in_(ids))))

    now = utc_now()
    op_rows: list[dict[str, Any]] = []
    fact_rows: list[dict[str, Any]] = []
    sup_rows: list[dict[str, Any]] = []
    touched: set[tuple[str, str, str]] = set()
    villages: dict[str, str] = {}
    new_fact_ids: list[str] = []
    for op in new:
        household_id: str | None
        if op.is_fact:
            found = facts.get((op.entity, op.entity_id))
            verdict = check_fact(found[0] if found else None, op)
            value = op.value if isinstance(op.value, dict) else {}
            household_id = op.entity_id if op.entity == "household" else value.get("household_id")
            if verdict.alarm:
                res.alarms.append(op.op_id)
            elif verdict.applied:
                facts[(op.entity, op.entity_id)] = (op.content_digest(), household_id)
                fact_rows.append({"entity": op.entity, "entity_id": op.entity_id, "digest": op.content_digest(),
                                  "household_id": household_id})
                new_fact_ids.append(op.entity_id)
                if op.entity == "household":
                    key = ("household", op.entity_id, "village_code")
                    w = winner(live.get(key, []))
                    villages[op.entity_id] = str(w.value if w is not None else value.get("village_code", ""))
        else:
            key = (op.entity, op.entity_id, op.field)
            found = facts.get((op.entity, op.entity_id))
            household_id = op.entity_id if op.entity == "household" else (found[1] if found else None)
            new_live, _ = apply_to_register(live.get(key, []), op, {op.op_id} if op.op_id in superseded else set())
            live[key] = new_live
            superseded.update(op.supersedes)
            sup_rows.extend({"op_id": s} for s in op.supersedes)
            touched.add(key)
            if op.entity == "household" and op.field == "village_code" and ("household", op.entity_id) in facts:
                w = winner(new_live)
                if w is not None:
                    villages[op.entity_id] = str(w.value)
        op_rows.append({
            "op_id": op.op_id, "device_id": op.device_id, "device_seq": op.device_seq, "hlc": op.hlc,
            "county": op.county, "entity": op.entity, "entity_id": op.entity_id, "field": op.field,
            "value": dumps(op.value), "supersedes": dumps(list(op.supersedes)), "schema_version": op.schema_version,
            "author": op.author, "digest": op.content_digest(), "household_id": household_id, "received_at": now,
        })
    conn.execute(t.ops.insert(), op_rows)
    insert_ignore(conn, t.superseded, sup_rows)
    insert_ignore(conn, t.facts, fact_rows)
    if touched:
        lv = t.live_values.c
        conn.execute(
            t.live_values.delete().where(lv.entity == sa.bindparam("e"), lv.entity_id == sa.bindparam("i"),
                                         lv.field == sa.bindparam("f")),
            [{"e": k[0], "i": k[1], "f": k[2]} for k in touched],
        )
        rows = [{"entity": k[0], "entity_id": k[1], "field": k[2], "op_id": v.op_id, "hlc": v.hlc,
                 "device_id": v.device_id, "value": dumps(v.value)} for k in touched for v in live[k]]
        if rows:
            conn.execute(t.live_values.insert(), rows)
    upsert(conn, t.households, [{"household_id": h, "village_code": v} for h, v in villages.items()], ["household_id"])
    # Edits that arrived before their record: give them their household now.
    orphan_ids: set[str] = set()
    for ids in chunks(new_fact_ids):
        q = sa.select(t.ops.c.entity_id).where(t.ops.c.entity_id.in_(ids), t.ops.c.household_id.is_(None)).distinct()
        orphan_ids.update(r[0] for r in conn.execute(q))
    if orphan_ids:
        conn.execute(
            t.ops.update().where(t.ops.c.entity_id == sa.bindparam("i"), t.ops.c.household_id.is_(None))
            .values(household_id=sa.bindparam("h")),
            [{"i": i, "h": h} for (e, i), (_d, h) in facts.items() if i in orphan_ids and h],
        )
    res.stored = len(new)
    return res


def advance_high_water(conn: Connection, device_id: str, current: int) -> int:
    """The highest contiguous device_seq stored for a device, from ``current`` up."""
    hw = current
    q = (sa.select(t.ops.c.device_seq).where(t.ops.c.device_id == device_id, t.ops.c.device_seq > hw)
         .order_by(t.ops.c.device_seq))
    for (seq,) in conn.execute(q):
        if seq == hw + 1:
            hw = seq
        elif seq > hw + 1:
            break
    return hw
