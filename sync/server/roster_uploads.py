"""Roster uploads waiting for the clerk's confirmation, and the header mapping the county remembers.

An upload is kept in the database (not in a server process), so its preview
can be paged, its mapping corrected and its import confirmed from any worker,
and it survives a restart until it expires.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldapp.store import utc_now
from sync.server import dash_tables as d
from sync.server.ingest import upsert
from sync.server.roster import FIELD_ZH

PENDING_SECONDS = 3600


@dataclass(frozen=True)
class Upload:
    token: str
    username: str
    filename: str
    mapping: dict[str, str]
    data: bytes


def remembered(conn: Connection) -> dict[str, str]:
    """Header -> field the clerks chose before ("" = ignore the column)."""
    return {h: f for h, f in conn.execute(sa.select(d.roster_headers.c.header, d.roster_headers.c.field))}


def save(conn: Connection, username: str, filename: str, data: bytes) -> str:
    """Keep an upload (with the remembered mapping) and return its token; drops expired uploads."""
    now = int(time.time())
    conn.execute(d.roster_uploads.delete().where(d.roster_uploads.c.expires_at < now))
    token = secrets.token_urlsafe(24)
    conn.execute(d.roster_uploads.insert().values(
        token=token, username=username, filename=filename[:200], created_at=utc_now(),
        expires_at=now + PENDING_SECONDS, mapping=json.dumps(remembered(conn), ensure_ascii=False), data=data))
    return token


def get(conn: Connection, token: str, username: str) -> Upload | None:
    """The upload of ``username`` under ``token``, unless it expired."""
    u = d.roster_uploads.c
    row = conn.execute(sa.select(d.roster_uploads).where(u.token == token[:64], u.username == username,
                                                         u.expires_at >= int(time.time()))).first()
    if row is None:
        return None
    return Upload(row.token, row.username, row.filename, json.loads(row.mapping), bytes(row.data))


def set_mapping(conn: Connection, token: str, mapping: dict[str, str]) -> None:
    """Correct an upload's mapping and remember it for the next import (unknown fields are dropped)."""
    clean = {h[:200]: f for h, f in mapping.items() if f == "" or f in FIELD_ZH}
    u = d.roster_uploads.c
    old = conn.execute(sa.select(u.mapping).where(u.token == token)).scalar()
    merged = {**json.loads(old or "{}"), **clean}
    conn.execute(d.roster_uploads.update().where(u.token == token).values(
        mapping=json.dumps(merged, ensure_ascii=False)))
    upsert(conn, d.roster_headers, [{"header": h, "field": f} for h, f in clean.items()], ["header"])


def drop(conn: Connection, token: str) -> None:
    conn.execute(d.roster_uploads.delete().where(d.roster_uploads.c.token == token))
