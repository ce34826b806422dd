"""Re-enabling a revoked laptop from the dashboard (revoking is ``County.revoke``)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldapp.errors import InputRefused
from sync.server import schema as t


def reenable(conn: Connection, device_id: str) -> None:
    """Let a revoked device sync again, with its keys and sequence as they were.

    Raises:
        InputRefused: no such device, or it is not revoked.
    """
    row = conn.execute(sa.select(t.devices.c.status).where(t.devices.c.device_id == device_id)).first()
    if row is None:
        raise InputRefused(f"no device {device_id}", f"没有设备 {device_id}")
    if row.status != "revoked":
        raise InputRefused("this device is not revoked", "该设备未被停用")
    conn.execute(t.devices.update().where(t.devices.c.device_id == device_id).values(status="active", revoked_at=None))
