"""Fields with more than one live value, and resolving them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fieldapp.errors import InputRefused
from fieldapp.merge import LiveValue, winner
from fieldapp.oplog import live_values
from fieldapp.services.households import HouseholdServices
from fieldapp.store import utc_now


def _hlc_iso(hlc_text: str) -> str:
    try:
        ms = int(hlc_text.split("-")[0])
    except ValueError:
        return ""
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="seconds")


class ConflictServices(HouseholdServices):
    """Conflicts between concurrent edits."""

    def conflicts(self, household_id: str | None = None) -> list[dict[str, Any]]:
        """Every field with more than one live value, with all values, who and when."""
        rows = self.store.conn.execute(
            "SELECT entity, entity_id, field FROM live_value GROUP BY entity, entity_id, field HAVING count(*) > 1"
            " ORDER BY entity, entity_id, field"
        ).fetchall()
        out = []
        for entity, eid, fname in rows:
            if household_id is not None and self._household_of(entity, eid) != household_id:
                continue
            live = live_values(self.store, entity, eid, fname)
            w = winner(live)
            out.append({
                "field": f"{entity}:{eid}:{fname}", "entity": entity, "entity_id": eid, "name": fname,
                "household_id": self._household_of(entity, eid),
                "values": [lv.value for lv in live],
                "detail": [{"value": lv.value, "op_id": lv.op_id, "hlc": lv.hlc, "device_id": lv.device_id,
                            "author": lv.author, "at": _hlc_iso(lv.hlc)} for lv in live],
                "provisional": None if w is None else w.value,
            })
        return out

    def _household_of(self, entity: str, eid: str) -> str | None:
        if entity == "household":
            return eid
        table = {"member": "member", "problem": "problem", "measure": "measure"}.get(entity)
        if table is None:
            return None
        row = self.store.conn.execute(f"SELECT household_id FROM {table} WHERE id = ?", (eid,)).fetchone()  # noqa: S608
        return None if row is None else str(row[0])

    def resolve(self, field_ref: str, value: Any) -> None:
        """Resolve a conflict: one new op superseding every live value."""
        entity, eid, fname = self.parse_field_ref(field_ref)
        live = live_values(self.store, entity, eid, fname)
        if len(live) < 2:
            raise InputRefused(f"{field_ref} has no conflict to resolve", f"{field_ref} 没有需要处理的冲突")
        if entity == "problem" and fname == "status":
            value = {"status": value, "note": "conflict resolved", "at": utc_now()}
        self._write(lambda: self.ops.set_field(entity, eid, fname, value, self.actor, tuple(lv.op_id for lv in live)))

    def live(self, field_ref: str) -> list[LiveValue]:
        entity, eid, fname = self.parse_field_ref(field_ref)
        return live_values(self.store, entity, eid, fname)
