"""Photos and signature images, stored encrypted in the store."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from fieldapp.errors import InputRefused
from fieldapp.ids import uuid7
from fieldapp.services.unit import UnitOfWork
from fieldapp.store import utc_now


class AttachmentServices(UnitOfWork):
    """Attachments of households and visits."""

    def add_attachment(self, hid: str, data: bytes, *, visit_id: str | None = None, kind: str = "photo",
                       mime: str = "image/jpeg") -> str:
        self._require_household(hid)
        if not data:
            raise InputRefused("the photo is empty", "照片为空")
        aid = uuid7()
        self._write(lambda: self.ops.fact("attachment", aid, {
            "household_id": hid, "visit_id": visit_id, "kind": kind, "mime": mime,
            "sha256": hashlib.sha256(data).hexdigest(), "data": base64.b64encode(data).decode("ascii"),
            "created_at": utc_now(),
        }, self.actor))
        return aid

    def attachments(self, visit_id: str | None = None, hid: str | None = None) -> list[dict[str, Any]]:
        if visit_id:
            rows = self.store.conn.execute("SELECT id, kind, mime, data, created_at FROM attachment WHERE visit_id = ? ORDER BY created_at", (visit_id,)).fetchall()
        else:
            rows = self.store.conn.execute("SELECT id, kind, mime, data, created_at FROM attachment WHERE household_id = ? ORDER BY created_at", (hid,)).fetchall()
        return [{"id": r[0], "kind": r[1], "mime": r[2], "data": bytes(r[3]), "created_at": r[4]} for r in rows]
