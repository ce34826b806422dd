"""The change log of a store: every write is an op, written in the same
transaction as the change it describes, and projected onto the entity tables.

Local writes and ops received from elsewhere go through the same
:func:`apply_op`, so a replica's tables are always a function of its ops.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fieldapp import hlc as hlc_mod
from fieldapp.errors import FieldappError, InputRefused
from fieldapp.ids import uuid7
from fieldapp.merge import FACT_FIELD, LiveValue, Op, apply_to_register, check_fact, winner
from fieldapp.monitoring import trusted_role
from fieldapp.opschema import op_problem
from fieldapp.schema import SCHEMA_VERSION
from fieldapp.store import Store, utc_now

# Columns of the entity tables that a register field projects onto; other
# fields go into the row's ``data`` JSON.
COLUMNS: dict[str, dict[str, str]] = {
    "household": {
        "village_code": "village_code",
        "group": "grp",
        "address": "address",
        "phone": "phone",
        "household_type": "household_type",
        "monitoring_type": "monitoring_type",
        "status": "status",
        "card_serial": "card_serial",
    },
    "member": {
        "name": "name",
        "id_number": "id_number",
        "relation": "relation",
        "sex": "sex",
        "birth_date": "birth_date",
        "status": "status",
    },
    "problem": {"status": "status", "deadline": "deadline"},
    "measure": {
        "category": "category",
        "description": "description",
        "start_date": "start_date",
        "end_date": "end_date",
        "status": "status",
    },
}
TABLES = {"household": "household", "member": "member", "problem": "problem", "measure": "measure"}
FACT_ENTITIES = {"household", "member", "visit", "problem", "measure", "attachment", "monitor_step", "campaign"}


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass
class ApplyResult:
    status: str  # applied | duplicate | alarm
    op: Op


class Projector:
    """Turns ops into rows of the entity tables. ``on_household_changed`` is
    called with a household id whenever its searchable data may have changed."""

    def __init__(self, store: Store, on_household_changed: Callable[[str], None] | None = None) -> None:
        self.store = store
        self.on_household_changed = on_household_changed

    def _touch(self, household_id: str) -> None:
        if self.on_household_changed is not None and household_id:
            self.on_household_changed(household_id)

    def fact(self, op: Op) -> None:
        v = dict(op.value or {})
        c = self.store.conn
        if op.entity == "household":
            c.execute(
                "INSERT OR IGNORE INTO household (id, village_code, grp, address, phone, household_type,"
                " monitoring_type, status, card_serial, data, created_at, updated_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    op.entity_id,
                    v.pop("village_code", ""),
                    v.pop("group", ""),
                    v.pop("address", ""),
                    v.pop("phone", ""),
                    v.pop("household_type", "ordinary"),
                    v.pop("monitoring_type", "none"),
                    v.pop("status", "active"),
                    int(v.pop("card_serial", 0) or 0),
                    _dumps(v),
                    v.get("created_at") or utc_now(),
                    utc_now(),
                ),
            )
            self._touch(op.entity_id)
        elif op.entity == "member":
            hid = v.pop("household_id")
            c.execute(
                "INSERT OR IGNORE INTO member (id, household_id, name, id_number, relation, sex, birth_date,"
                " status, position, data) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    op.entity_id,
                    hid,
                    v.pop("name", ""),
                    v.pop("id_number", ""),
                    v.pop("relation", "other"),
                    v.pop("sex", None),
                    v.pop("birth_date", None),
                    v.pop("status", "active"),
                    int(v.pop("position", 0) or 0),
                    _dumps(v),
                ),
            )
            self._refresh_head(hid)
            self._touch(hid)
        elif op.entity == "visit":
            c.execute(
                "INSERT OR REPLACE INTO visit (id, household_id, status, form_id, form_version, visited_at,"
                " started_at, ended_at, visitor, card_scan, answers, verdict, overall, updated_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    op.entity_id,
                    v["household_id"],
                    "final",
                    v.get("form_id", "visit"),
                    int(v.get("form_version", 1)),
                    v["visited_at"],
                    v.get("started_at"),
                    v.get("ended_at"),
                    v.get("visitor", ""),
                    v.get("card_scan"),
                    _dumps(v.get("answers", {})),
                    _dumps(v.get("verdict")),
                    (v.get("verdict") or {}).get("overall"),
                    utc_now(),
                ),
            )
        elif op.entity == "problem":
            c.execute(
                "INSERT OR IGNORE INTO problem (id, household_id, visit_id, indicator, category, source, reason,"
                " reporter, opened_at, deadline, status, data) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    op.entity_id,
                    v.pop("household_id"),
                    v.pop("visit_id", None),
                    v.pop("indicator", ""),
                    v.pop("category", ""),
                    v.pop("source", "visit"),
                    v.pop("reason", ""),
                    v.pop("reporter", op.author),
                    v.pop("opened_at", utc_now()),
                    v.pop("deadline", None),
                    "pending",
                    _dumps(v),
                ),
            )
        elif op.entity == "measure":
            c.execute(
                "INSERT OR IGNORE INTO measure (id, household_id, member_id, category, description, start_date,"
                " end_date, status, data) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    op.entity_id,
                    v.pop("household_id"),
                    v.pop("member_id", None),
                    v.pop("category", ""),
                    v.pop("description", ""),
                    v.pop("start_date", None),
                    v.pop("end_date", None),
                    v.pop("status", "active"),
                    _dumps(v),
                ),
            )
        elif op.entity == "attachment":
            import base64

            c.execute(
                "INSERT OR IGNORE INTO attachment (id, visit_id, household_id, kind, mime, sha256, data, created_at)"
                " VALUES (?,?,?,?,?,?,?,?)",
                (
                    op.entity_id,
                    v.get("visit_id"),
                    v["household_id"],
                    v.get("kind", "photo"),
                    v.get("mime", "image/jpeg"),
                    v["sha256"],
                    base64.b64decode(v["data"]),
                    v.get("created_at") or utc_now(),
                ),
            )
        elif op.entity == "monitor_step":
            c.execute(
                "INSERT OR IGNORE INTO monitor_step (id, household_id, step, at, actor, role, note, data, recorded_at)"
                " VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    op.entity_id,
                    v.pop("household_id"),
                    v.pop("step"),
                    v.pop("at"),
                    v.pop("actor", op.author),
                    trusted_role(op.device_id, v.pop("role", "village")),
                    v.pop("note", ""),
                    _dumps(v),
                    op.hlc,  # steps replay in causal (HLC) order, whatever the devices' wall clocks say
                ),
            )
        elif op.entity == "campaign":
            c.execute(
                "INSERT OR IGNORE INTO campaign (id, name, deadline, data, created_at) VALUES (?,?,?,?,?)",
                (op.entity_id, v.pop("name", ""), v.pop("deadline", None), _dumps(v), v.get("created_at") or utc_now()),
            )
        else:
            raise FieldappError(f"unknown entity {op.entity!r}", f"未知的记录类型 {op.entity!r}")

    def field(self, entity: str, entity_id: str, field_name: str, value: Any, op: Op | None) -> None:
        table = TABLES.get(entity)
        if table is None:
            raise FieldappError(f"entity {entity!r} has no mutable fields", f"记录类型 {entity!r} 没有可修改的字段")
        c = self.store.conn
        column = COLUMNS[entity].get(field_name)
        if column is not None:
            c.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (value, entity_id))  # noqa: S608
        else:
            c.execute(
                f"UPDATE {table} SET data = json_set(data, ?, json(?)) WHERE id = ?",  # noqa: S608
                ("$." + field_name, _dumps(value), entity_id),
            )
        if entity == "household":
            c.execute("UPDATE household SET updated_at = ? WHERE id = ?", (utc_now(), entity_id))
            self._touch(entity_id)
        elif entity == "member":
            row = c.execute("SELECT household_id FROM member WHERE id = ?", (entity_id,)).fetchone()
            if row:
                self._refresh_head(row[0])
                self._touch(row[0])
        elif entity == "problem" and field_name == "status" and op is not None:
            at = (op.value or {}) if isinstance(op.value, dict) else {}
            c.execute(
                "INSERT OR IGNORE INTO problem_history (op_id, problem_id, status, at, actor, note) VALUES (?,?,?,?,?,?)",
                (op.op_id, entity_id, value, at.get("at", utc_now()), op.author, at.get("note", "")),
            )

    def _refresh_head(self, household_id: str) -> None:
        self.store.conn.execute(
            "UPDATE household SET head_name = coalesce((SELECT name FROM member WHERE household_id = ?"
            " AND relation = 'head' AND status = 'active' ORDER BY position LIMIT 1), '') WHERE id = ?",
            (household_id, household_id),
        )


def register_value(op: Op) -> Any:
    """The plain value an op sets. Problem status ops carry {status, note, at}."""
    if op.entity == "problem" and op.field == "status" and isinstance(op.value, dict):
        return op.value.get("status")
    return op.value


def _store_op(store: Store, op: Op) -> None:
    store.conn.execute(
        "INSERT INTO op (op_id, device_id, device_seq, hlc, county, entity, entity_id, field, value, supersedes,"
        " schema_version, author, digest, received_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            op.op_id,
            op.device_id,
            op.device_seq,
            op.hlc,
            op.county,
            op.entity,
            op.entity_id,
            op.field,
            _dumps(op.value),
            _dumps(list(op.supersedes)),
            op.schema_version,
            op.author,
            op.content_digest(),
            utc_now(),
        ),
    )


def live_values(store: Store, entity: str, entity_id: str, field_name: str) -> list[LiveValue]:
    rows = store.conn.execute(
        "SELECT op_id, hlc, device_id, value, author FROM live_value WHERE entity=? AND entity_id=? AND field=?"
        " ORDER BY hlc, device_id",
        (entity, entity_id, field_name),
    ).fetchall()
    return [LiveValue(r[0], r[1], r[2], json.loads(r[3]) if r[3] is not None else None, r[4]) for r in rows]


def apply_op(store: Store, op: Op, projector: Projector) -> ApplyResult:
    """Apply one op (local or received) inside the caller's transaction."""
    c = store.conn
    row = c.execute("SELECT digest FROM op WHERE op_id = ?", (op.op_id,)).fetchone()
    if row is not None:
        if row[0] != op.content_digest():
            _alarm(store, op, "same op id, different content")
            return ApplyResult("alarm", op)
        return ApplyResult("duplicate", op)
    if op.field == FACT_FIELD:
        existing = c.execute("SELECT digest FROM fact WHERE entity=? AND entity_id=?", (op.entity, op.entity_id)).fetchone()
        res = check_fact(existing[0] if existing else None, op)
        _store_op(store, op)
        if res.alarm:
            _alarm(store, op, f"{op.entity} {op.entity_id} arrived again with different content")
            return ApplyResult("alarm", op)
        if not res.applied:
            return ApplyResult("duplicate", op)
        c.execute("INSERT INTO fact (entity, entity_id, digest) VALUES (?,?,?)", (op.entity, op.entity_id, op.content_digest()))
        projector.fact(op)
        if op.entity in TABLES:
            # Edits that arrived before the record itself (another delivery order) apply now.
            for field_name in [r[0] for r in c.execute(
                "SELECT DISTINCT field FROM live_value WHERE entity=? AND entity_id=?", (op.entity, op.entity_id)
            )]:
                best = winner(live_values(store, op.entity, op.entity_id, field_name))
                if best is not None:
                    projector.field(op.entity, op.entity_id, field_name, best.value, None)
        return ApplyResult("applied", op)
    live = live_values(store, op.entity, op.entity_id, op.field)
    superseded_already = c.execute("SELECT 1 FROM superseded WHERE op_id = ?", (op.op_id,)).fetchone() is not None
    new_live, _ = apply_to_register(live, op, {op.op_id} if superseded_already else set())
    _store_op(store, op)
    for sid in op.supersedes:
        c.execute("INSERT OR IGNORE INTO superseded (op_id) VALUES (?)", (sid,))
    old_ids = {lv.op_id for lv in live}
    new_ids = {lv.op_id for lv in new_live}
    for gone in old_ids - new_ids:
        c.execute("DELETE FROM live_value WHERE entity=? AND entity_id=? AND field=? AND op_id=?", (op.entity, op.entity_id, op.field, gone))
    if op.op_id in new_ids:
        c.execute(
            "INSERT INTO live_value (entity, entity_id, field, op_id, hlc, device_id, author, value) VALUES (?,?,?,?,?,?,?,?)",
            (op.entity, op.entity_id, op.field, op.op_id, op.hlc, op.device_id, op.author, _dumps(register_value(op))),
        )
    if old_ids != new_ids:
        best = winner(new_live)
        if best is not None:
            value = best.value if best.op_id != op.op_id else register_value(op)
            projector.field(op.entity, op.entity_id, op.field, value, op if best.op_id == op.op_id else None)
    return ApplyResult("applied", op)


def _alarm(store: Store, op: Op, detail: str) -> None:
    store.conn.execute("INSERT INTO integrity_alarm (op_id, at, detail) VALUES (?,?,?)", (op.op_id, utc_now(), detail))


class OpWriter:
    """Creates local ops (device id, next seq, HLC) and applies them at once."""

    def __init__(self, store: Store, projector: Projector) -> None:
        self.store = store
        self.projector = projector

    def _new_op(self, entity: str, entity_id: str, field_name: str, value: Any, supersedes: tuple[str, ...], author: str) -> Op:
        op = Op(
            op_id=uuid7(),
            device_id=self.store.device_id,
            device_seq=self.store.next_seq(),
            hlc=self.store.clock.tick(),
            entity=entity,
            entity_id=entity_id,
            field=field_name,
            value=value,
            supersedes=supersedes,
            county=self.store.meta("county", "") or "",
            schema_version=SCHEMA_VERSION,
            author=author,
        )
        problem = op_problem(op)
        if problem is not None:
            # The same definition the county and every other laptop check: an op this laptop
            # wrote that they would refuse is refused here, before it is stored.
            raise InputRefused(f"cannot save this change: {problem.en}", f"无法保存该修改：{problem.zh}",
                               code=problem.code)
        return op

    def fact(self, entity: str, entity_id: str, value: dict[str, Any], author: str = "") -> Op:
        if entity not in FACT_ENTITIES:
            raise FieldappError(f"unknown entity {entity!r}", f"未知的记录类型 {entity!r}")
        assert self.store.in_tx, "ops are written inside the transaction of their change"
        op = self._new_op(entity, entity_id, FACT_FIELD, value, (), author)
        apply_op(self.store, op, self.projector)
        return op

    def set_field(
        self, entity: str, entity_id: str, field_name: str, value: Any, author: str = "", supersedes: tuple[str, ...] | None = None
    ) -> Op:
        """Write a register op superseding what this device sees now (or the given ops)."""
        assert self.store.in_tx, "ops are written inside the transaction of their change"
        if supersedes is None:
            supersedes = tuple(lv.op_id for lv in live_values(self.store, entity, entity_id, field_name))
        op = self._new_op(entity, entity_id, field_name, value, supersedes, author)
        apply_op(self.store, op, self.projector)
        return op


def op_from_row(row: tuple[Any, ...]) -> Op:
    (op_id, device_id, device_seq, hlc, county, entity, entity_id, field_name, value, supersedes, schema_version, author) = row
    return Op(
        op_id=op_id,
        device_id=device_id,
        device_seq=int(device_seq),
        hlc=hlc,
        entity=entity,
        entity_id=entity_id,
        field=field_name,
        value=json.loads(value) if value is not None else None,
        supersedes=tuple(json.loads(supersedes)),
        county=county,
        schema_version=int(schema_version),
        author=author,
    )


OP_COLUMNS = "op_id, device_id, device_seq, hlc, county, entity, entity_id, field, value, supersedes, schema_version, author"


def outbox(store: Store, after_seq: int | None = None, limit: int | None = None) -> list[Op]:
    """Own ops not yet acknowledged by the county, in seq order."""
    acked = int(store.meta("last_acked_seq", "0") or 0) if after_seq is None else after_seq
    sql = f"SELECT {OP_COLUMNS} FROM op WHERE device_id = ? AND device_seq > ? ORDER BY device_seq"
    params: list[Any] = [store.device_id, acked]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [op_from_row(r) for r in store.conn.execute(sql, params).fetchall()]


def outbox_size(store: Store) -> int:
    acked = int(store.meta("last_acked_seq", "0") or 0)
    row = store.conn.execute("SELECT count(*) FROM op WHERE device_id = ? AND device_seq > ?", (store.device_id, acked)).fetchone()
    return int(row[0])


# meta key: how many of this laptop's changes the county holds (from its last answer)
HELD_BY_COUNTY = "sync_held_by_county"


def set_aside(store: Store, op_id: str, reason: str, detail: str, doc: Any) -> None:
    """Keep a received op that cannot be applied, with its reason (caller's transaction)."""
    store.conn.execute(
        "INSERT INTO set_aside_op (op_id, received_at, reason, detail, op) VALUES (?,?,?,?,?)",
        (str(op_id)[:64], utc_now(), reason, detail[:500],
         json.dumps(doc, ensure_ascii=True, sort_keys=True, default=str)))


def trust_counts(store: Store) -> dict[str, int]:
    """What did not go through: the county holds ``held_by_county`` of this laptop's changes,
    and this laptop set aside ``set_aside`` received changes it could not apply."""
    row = store.conn.execute("SELECT count(*) FROM set_aside_op").fetchone()
    return {"held_by_county": int(store.meta(HELD_BY_COUNTY, "0") or 0), "set_aside": int(row[0])}


def observe_remote_clock(store: Store, op: Op) -> bool:
    """Advance the HLC past a received op; False if the op is too far in the future."""
    if store.clock.too_far_ahead(op.hlc):
        return False
    store.clock.observe(op.hlc)
    return True


__all__ = [
    "ApplyResult",
    "OpWriter",
    "Projector",
    "apply_op",
    "hlc_mod",
    "live_values",
    "observe_remote_clock",
    "outbox",
    "outbox_size",
]
