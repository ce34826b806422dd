"""Merge rules, as pure functions (DESIGN §4).

Mutable fields are per-field multi-value registers: an op names the op ids it
supersedes (the values its author saw). The live ops of a field are those no
known op supersedes. One live op: that is the value. Several: a conflict; all
values are kept, a deterministic provisional winner is shown (highest HLC,
then device id), and a person resolves it by writing an op that supersedes
them all. Insert-only facts (visits, attachments, problem openings) are
applied once; the same id with different content is an integrity alarm.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

FACT_FIELD = "*"  # field name of an insert-only fact op


@dataclass(frozen=True)
class Op:
    """One change, as it travels between replicas."""

    op_id: str
    device_id: str
    device_seq: int
    hlc: str
    entity: str
    entity_id: str
    field: str
    value: Any
    supersedes: tuple[str, ...] = ()
    county: str = ""
    schema_version: int = 1
    author: str = ""

    @property
    def is_fact(self) -> bool:
        return self.field == FACT_FIELD

    def order_key(self) -> tuple[str, str]:
        return (self.hlc, self.device_id)

    def content_digest(self) -> str:
        """SHA-256 over what the op says (not who or when); memoised, ops are immutable."""
        cached = self.__dict__.get("_digest")
        if cached is not None:
            return str(cached)
        body = json.dumps(
            [self.entity, self.entity_id, self.field, self.value, sorted(self.supersedes)],
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
        self.__dict__["_digest"] = digest  # frozen dataclass: bypass __setattr__ for the memo
        return digest

    def to_json(self) -> dict[str, Any]:
        return {
            "op_id": self.op_id,
            "device_id": self.device_id,
            "device_seq": self.device_seq,
            "hlc": self.hlc,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "field": self.field,
            "value": self.value,
            "supersedes": list(self.supersedes),
            "county": self.county,
            "schema_version": self.schema_version,
            "author": self.author,
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Op:
        return cls(
            op_id=str(d["op_id"]),
            device_id=str(d["device_id"]),
            device_seq=int(d["device_seq"]),
            hlc=str(d["hlc"]),
            entity=str(d["entity"]),
            entity_id=str(d["entity_id"]),
            field=str(d["field"]),
            value=d.get("value"),
            supersedes=tuple(str(s) for s in d.get("supersedes") or ()),
            county=str(d.get("county", "")),
            schema_version=int(d.get("schema_version", 1)),
            author=str(d.get("author", "")),
        )


@dataclass(frozen=True)
class LiveValue:
    """A live op of a register, as kept by a replica."""

    op_id: str
    hlc: str
    device_id: str
    value: Any
    author: str = ""

    @classmethod
    def of(cls, op: Op) -> LiveValue:
        return cls(op.op_id, op.hlc, op.device_id, op.value, op.author)


def apply_to_register(
    live: Iterable[LiveValue], op: Op, superseded: frozenset[str] | set[str]
) -> tuple[list[LiveValue], bool]:
    """Apply a register op to the live set of its field.

    Args:
        live: the field's current live values.
        op: the incoming op (not seen before by this replica).
        superseded: every op id some known op supersedes, *before* this op.

    Returns:
        The new live set, sorted by (hlc, device id), and whether the op
        itself is live (False when a known op already superseded it).
    """
    kill = set(op.supersedes)
    kept = [lv for lv in live if lv.op_id not in kill and lv.op_id != op.op_id]
    is_live = op.op_id not in superseded
    if is_live:
        kept.append(LiveValue.of(op))
    kept.sort(key=lambda lv: (lv.hlc, lv.device_id))
    return kept, is_live


def winner(live: Iterable[LiveValue]) -> LiveValue | None:
    """The provisional winner of a register: highest HLC, then device id."""
    best: LiveValue | None = None
    for lv in live:
        if best is None or (lv.hlc, lv.device_id) > (best.hlc, best.device_id):
            best = lv
    return best


def is_conflict(live: Iterable[LiveValue]) -> bool:
    return len(list(live)) > 1


@dataclass
class FactResult:
    applied: bool
    alarm: bool = False


def check_fact(existing_digest: str | None, op: Op) -> FactResult:
    """Insert-only fact: new -> apply; same content -> no-op; different content -> alarm."""
    if existing_digest is None:
        return FactResult(applied=True)
    if existing_digest == op.content_digest():
        return FactResult(applied=False)
    return FactResult(applied=False, alarm=True)


@dataclass
class Replica:
    """An in-memory replica of the op log and derived state.

    The store implements the same rules on SQL tables; this class exists so
    that the rules can be proven by randomized tests without a database, and
    the server can reuse it for small derived views.
    """

    ops: dict[str, Op] = field(default_factory=dict)
    superseded: set[str] = field(default_factory=set)
    registers: dict[tuple[str, str, str], list[LiveValue]] = field(default_factory=dict)
    facts: dict[tuple[str, str], str] = field(default_factory=dict)
    alarms: list[str] = field(default_factory=list)

    def apply(self, op: Op) -> bool:
        """Apply an op; returns True when it changed anything (False for a replay)."""
        if op.op_id in self.ops:
            if self.ops[op.op_id].content_digest() != op.content_digest():
                self.alarms.append(op.op_id)
            return False
        if op.is_fact:
            res = check_fact(self.facts.get((op.entity, op.entity_id)), op)
            if res.alarm:
                self.alarms.append(op.op_id)
            if not res.applied:
                self.ops[op.op_id] = op
                return False
            self.facts[(op.entity, op.entity_id)] = op.content_digest()
            self.ops[op.op_id] = op
            return True
        key = (op.entity, op.entity_id, op.field)
        new_live, _ = apply_to_register(self.registers.get(key, []), op, self.superseded)
        self.registers[key] = new_live
        self.superseded.update(op.supersedes)
        self.ops[op.op_id] = op
        return True

    def live(self, entity: str, entity_id: str, field_name: str) -> list[LiveValue]:
        return list(self.registers.get((entity, entity_id, field_name), []))

    def value(self, entity: str, entity_id: str, field_name: str) -> Any:
        w = winner(self.registers.get((entity, entity_id, field_name), []))
        return None if w is None else w.value

    def conflicts(self) -> dict[tuple[str, str, str], list[LiveValue]]:
        return {k: v for k, v in self.registers.items() if len(v) > 1}

    def state(self) -> dict[str, Any]:
        """A canonical snapshot for convergence checks."""
        regs = {
            "|".join(k): sorted((lv.op_id, json.dumps(lv.value, sort_keys=True)) for lv in v)
            for k, v in self.registers.items()
        }
        return {"registers": regs, "facts": dict(sorted((f"{k[0]}|{k[1]}", d) for k, d in self.facts.items()))}
