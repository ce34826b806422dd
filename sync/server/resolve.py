"""Resolving a conflict from the dashboard: a county op that keeps one of the live values.

The op is written by the county device (``county:<code>``) and supersedes every
live value of the field, so it reaches the laptops on their next pull like any
other change and ends the conflict there too.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldapp.errors import InputRefused
from sync.server import schema as t
from sync.server.ingest import ingest
from sync.server.roster import CountyWriter
from sync.server.state import refresh_for_ops


def resolve(conn: Connection, county: str, author: str, entity_id: str, field_name: str, keep_op: str) -> str:
    """Keep the value of live op ``keep_op`` for the field; returns the new op's id.

    Raises:
        InputRefused: the field has no conflict (any more), or ``keep_op`` is not one of its live values.
    """
    lv = t.live_values.c
    live = list(conn.execute(sa.select(lv.entity, lv.op_id, lv.value)
                             .where(lv.entity_id == entity_id, lv.field == field_name)))
    if len(live) < 2:
        raise InputRefused("this field has no conflict any more", "该字段已没有冲突")
    kept = next((r for r in live if r.op_id == keep_op), None)
    if kept is None:
        raise InputRefused("choose one of the field's values", "请选择该字段的一个值")
    w = CountyWriter(conn, county, author)
    w.op(kept.entity, entity_id, field_name, json.loads(kept.value) if kept.value else None,
         [r.op_id for r in live])
    ingest(conn, w.ops)
    refresh_for_ops(conn, w.ops)
    return w.ops[0].op_id
