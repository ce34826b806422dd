"""Bulk ingest of ops into the county's merged log, with the merge rules of
:mod:`fieldapp.merge` (the same registers and facts as on a laptop).

One call handles a batch in the caller's transaction: it reads what it needs
in a few ``IN (...)`` queries, applies the rules in memory, and writes with
``executemany`` inserts; no per-op round trips. The hot statements go to the
DBAPI driver as plain SQL with tuples (:func:`run_many`, :func:`select_in`):
SQLAlchemy's per-row parameter processing cost more than the database's work.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldapp.hlc import MAX_FUTURE_MS, decode
from fieldapp.merge import LiveValue, Op, apply_to_register, check_fact, winner
from fieldapp.store import utc_now
from sync.server import schema as t

IN_CHUNK = 500
PG_IN_CHUNK = 5000
ENTITIES = {"household", "member", "visit", "problem", "measure", "attachment", "monitor_step"}
REGISTER_ENTITIES = {"household", "member", "problem", "measure"}
OP_COLUMNS = ("op_id", "device_id", "device_seq", "hlc", "county", "entity", "entity_id", "field", "value",
              "supersedes", "schema_version", "author", "digest", "household_id", "received_at")


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
_encode_str: Any = json.encoder.encode_basestring  # type: ignore[attr-defined]  # what dumps(str) gives here


def dumps(value: Any) -> str:
    """json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")), one encoder for all."""
    return _ENCODER.encode(value)


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


# ----- plain SQL through the driver (SQLite and psycopg) -------------------------------------
def _q(name: str) -> str:
    return f'"{name}"'


def _is_pg(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def run_many(conn: Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """Run ``sql`` (``?`` placeholders) once per row, as one driver ``executemany``."""
    if not rows:
        return
    if _is_pg(conn):
        sql = sql.replace("?", "%s")
    conn.exec_driver_sql(sql, list(rows))


def _insert_sql(table: sa.Table, cols: Sequence[str], conflict: str = "") -> str:
    """INSERT INTO table (cols) VALUES (?, ...) [ON CONFLICT ...]."""
    return (f"INSERT INTO {_q(table.name)} ({', '.join(_q(c) for c in cols)}) "
            f"VALUES ({', '.join('?' for _ in cols)}){conflict}")


def insert_texts(conn: Connection, table: sa.Table, cols: Sequence[str], rows: Sequence[Sequence[str | None]]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING of rows of strings (or None): on PostgreSQL as one
    statement over arrays, one per column (``executemany`` there runs one statement a row)."""
    if not rows or not _is_pg(conn) or not all(v is None or v.__class__ is str for r in rows for v in r):
        insert_rows(conn, table, cols, rows, ignore=True)
        return
    for part in chunks(rows, PG_IN_CHUNK):
        conn.exec_driver_sql(
            f"INSERT INTO {_q(table.name)} ({', '.join(_q(c) for c in cols)}) "
            f"SELECT * FROM unnest({', '.join('%s::text[]' for _ in cols)}) ON CONFLICT DO NOTHING",
            tuple(list(col) for col in zip(*part, strict=True)))


def insert_rows(conn: Connection, table: sa.Table, cols: Sequence[str], rows: Sequence[Sequence[Any]],
                *, ignore: bool = False) -> None:
    """INSERT (... ON CONFLICT DO NOTHING when ``ignore``) of tuples in ``cols`` order."""
    run_many(conn, _insert_sql(table, cols, " ON CONFLICT DO NOTHING" if ignore else ""), rows)


def upsert_rows(conn: Connection, table: sa.Table, cols: Sequence[str], keys: Sequence[str],
                rows: Sequence[Sequence[Any]]) -> None:
    """INSERT ... ON CONFLICT (keys) DO UPDATE of tuples in ``cols`` order (keys unique in ``rows``)."""
    sets = ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in cols if c not in keys)
    run_many(conn, _insert_sql(table, cols, f" ON CONFLICT ({', '.join(_q(k) for k in keys)}) DO UPDATE SET {sets}"),
             rows)


def _in_batches(conn: Connection, sql: str, ids: Iterable[Any], params: tuple[Any, ...]) -> Iterator[tuple[str, Any]]:
    if _is_pg(conn):
        text = sql.replace("?", "%s").replace("{ids}", "= ANY(%s)")
        for batch in chunks(ids, PG_IN_CHUNK):
            yield text, (*params, batch)
        return
    for batch in chunks(ids):
        yield sql.replace("{ids}", f"IN ({','.join('?' * len(batch))})"), (*params, *batch)


def select_in(conn: Connection, sql: str, ids: Iterable[Any], *params: Any) -> Iterator[Any]:
    """Rows of ``sql``, whose ``{ids}`` marker stands for ``IN (ids)``, after ``params`` (``?``)."""
    for text, args in _in_batches(conn, sql, ids, params):
        yield from conn.exec_driver_sql(text, args)


def execute_in(conn: Connection, sql: str, ids: Iterable[Any], *params: Any) -> None:
    """Run ``sql`` (an UPDATE or DELETE) whose ``{ids}`` marker stands for ``IN (ids)``."""
    for text, args in _in_batches(conn, sql, ids, params):
        conn.exec_driver_sql(text, args)


def _copy_rows(conn: Connection, table: sa.Table, cols: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """PostgreSQL COPY ... FROM STDIN of tuples (the fastest bulk insert; rows keep their order)."""
    raw: Any = conn.connection.driver_connection
    with raw.cursor() as cur, cur.copy(f"COPY {_q(table.name)} ({', '.join(_q(c) for c in cols)}) FROM STDIN") as cp:
        for r in rows:
            cp.write_row(r)


# ----- checks -----------------------------------------------------------------------------
@dataclass
class IngestResult:
    stored: int = 0
    duplicates: int = 0
    alarms: list[str] = field(default_factory=list)
    quarantined: int = 0
    days_ahead: int = 0
    # (entity, entity id) -> (fact value, device id) of the facts this call stored: the projection
    # takes them from here instead of reading and decoding them again (see state.refresh_for_ops).
    facts: dict[tuple[str, str], tuple[dict[str, Any], str]] = field(default_factory=dict, repr=False)


def days_ahead(ops: list[Op], now_ms: int) -> int:
    """How many days the furthest op is ahead, if any op is beyond the quarantine limit; else 0."""
    worst = max((decode(op.hlc)[0] - now_ms for op in ops), default=0)
    if worst > MAX_FUTURE_MS:
        return max(1, round(worst / 86_400_000))
    return 0


# ----- ingest -----------------------------------------------------------------------------
def _digest_body(op: Op, value_json: str) -> str:
    """The text :meth:`Op.content_digest` hashes, built around an already encoded value."""
    return (f"[{_encode_str(op.entity)},{_encode_str(op.entity_id)},{_encode_str(op.field)},{value_json},"
            f"{dumps(sorted(op.supersedes)) if op.supersedes else '[]'}]")


def _encoder(sample: Op) -> Any:
    """op -> (value JSON, content digest), encoding each value once (not again for the digest).

    The digest is built around the value's JSON exactly as :meth:`Op.content_digest` builds it;
    checked on a fresh copy of ``sample``, and should the two ever differ, the op's own method is used.
    """
    def fast(op: Op) -> tuple[str, str]:
        # The screen (fieldapp.opschema.value_json) already encoded the value the same way.
        value_json = op.__dict__.get("_value_json") or dumps(op.value)
        return value_json, hashlib.sha256(_digest_body(op, value_json).encode("utf-8")).hexdigest()

    def slow(op: Op) -> tuple[str, str]:
        return dumps(op.value), op.content_digest()

    return fast if fast(replace(sample))[1] == replace(sample).content_digest() else slow


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
    for op_id, digest in select_in(conn, "SELECT op_id, digest FROM ops WHERE op_id {ids}", batch):
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

    encode = _encoder(new[0])
    entity_ids = {op.entity_id for op in new}
    facts: dict[tuple[str, str], tuple[str, str | None]] = {}
    for e, i, d, h in select_in(conn, "SELECT entity, entity_id, digest, household_id FROM facts WHERE entity_id {ids}",
                                entity_ids):
        facts[(e, i)] = (d, h)
    live: dict[tuple[str, str, str], list[LiveValue]] = {}
    reg_ids = {op.entity_id for op in new if not op.is_fact}
    for e, i, f, op_id, hlc, dev, value in select_in(
            conn, "SELECT entity, entity_id, field, op_id, hlc, device_id, value FROM live_values WHERE entity_id {ids}",
            reg_ids):
        live.setdefault((e, i, f), []).append(LiveValue(op_id, hlc, dev, json.loads(value) if value is not None else None))
    superseded: set[str] = set()
    superseded.update(r[0] for r in select_in(conn, "SELECT op_id FROM superseded WHERE op_id {ids}",
                                              [op.op_id for op in new if not op.is_fact]))

    now = utc_now()
    op_rows: list[tuple[Any, ...]] = []
    fact_rows: list[tuple[Any, ...]] = []
    sup_rows: list[tuple[str]] = []
    touched: set[tuple[str, str, str]] = set()
    villages: dict[str, str] = {}
    new_fact_ids: list[str] = []
    for op in new:
        household_id: str | None
        value_json, digest = encode(op)
        if op.is_fact:
            found = facts.get((op.entity, op.entity_id))
            verdict = check_fact(found[0] if found else None, op)
            value = op.value if isinstance(op.value, dict) else {}
            household_id = op.entity_id if op.entity == "household" else value.get("household_id")
            if verdict.alarm:
                res.alarms.append(op.op_id)
            elif verdict.applied:
                facts[(op.entity, op.entity_id)] = (digest, household_id)
                fact_rows.append((op.entity, op.entity_id, digest, household_id))
                res.facts[(op.entity, op.entity_id)] = (value, op.device_id)
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
            sup_rows.extend((s,) for s in op.supersedes)
            touched.add(key)
            if op.entity == "household" and op.field == "village_code" and ("household", op.entity_id) in facts:
                w = winner(new_live)
                if w is not None:
                    villages[op.entity_id] = str(w.value)
        op_rows.append((op.op_id, op.device_id, op.device_seq, op.hlc, op.county, op.entity, op.entity_id, op.field,
                        value_json, dumps(list(op.supersedes)) if op.supersedes else "[]", op.schema_version,
                        op.author, digest, household_id, now))
    if _is_pg(conn):
        _copy_rows(conn, t.ops, OP_COLUMNS, op_rows)
    else:
        insert_rows(conn, t.ops, OP_COLUMNS, op_rows)
    insert_texts(conn, t.superseded, ("op_id",), sup_rows)
    insert_texts(conn, t.facts, ("entity", "entity_id", "digest", "household_id"), fact_rows)
    if touched:
        run_many(conn, "DELETE FROM live_values WHERE entity = ? AND entity_id = ? AND field = ?", list(touched))
        insert_rows(conn, t.live_values, ("entity", "entity_id", "field", "op_id", "hlc", "device_id", "value"),
                    [(k[0], k[1], k[2], v.op_id, v.hlc, v.device_id, dumps(v.value)) for k in touched for v in live[k]])
    upsert_rows(conn, t.households, ("household_id", "village_code"), ("household_id",), list(villages.items()))
    # Edits that arrived before their record: give them their household now.
    orphan_ids: set[str] = set()
    orphan_ids.update(r[0] for r in select_in(
        conn, "SELECT DISTINCT entity_id FROM ops WHERE household_id IS NULL AND entity_id {ids}", new_fact_ids))
    if orphan_ids:
        run_many(conn, "UPDATE ops SET household_id = ? WHERE entity_id = ? AND household_id IS NULL",
                 [(h, i) for (e, i), (_d, h) in facts.items() if i in orphan_ids and h])
    res.stored = len(new)
    return res


def advance_high_water(conn: Connection, device_id: str, current: int, held: Iterable[int] = ()) -> int:
    """The highest contiguous device_seq received from a device, from ``current`` up: stored ops,
    and ``held`` (sequence numbers of its ops the county holds, which count as received)."""
    q = (sa.select(t.ops.c.device_seq).where(t.ops.c.device_id == device_id, t.ops.c.device_seq > current)
         .order_by(t.ops.c.device_seq))
    hw = current
    for seq in sorted({*held, *(r[0] for r in conn.execute(q))}):
        if seq == hw + 1:
            hw = seq
        elif seq > hw + 1:
            break
    return hw
