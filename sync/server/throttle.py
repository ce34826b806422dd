"""Login throttling (DESIGN §6, issue 10): per account and per client address, growing
lock windows after repeated failures and a temporary lockout, kept in the database so
that every server process of the county sees the same counts and a restart forgets
nothing. Nothing here sleeps: a throttled login is answered at once with the time it
may try again, so failed logins cost the server (and other requests) nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sync.server import schema as t
from sync.server.ingest import upsert_rows

FREE_FAILURES = 3  # failures of one account before the first wait
ADDRESS_FREE_FAILURES = 10  # an office behind one address has many users
MAX_WAIT_S = 60  # growing waits: 1, 2, 4 ... seconds, at most this
ACCOUNT_LOCKOUT_AT = 10  # failures of one account: locked for LOCKOUT_S
ADDRESS_LOCKOUT_AT = 30  # failures from one address (many accounts tried)
LOCKOUT_S = 15 * 60
FORGET_S = 60 * 60  # a quiet hour clears the count


@dataclass(frozen=True)
class Throttle:
    """Whether a login may be tried now; ``until`` is the epoch second it may be tried again."""

    locked: bool
    until: int = 0
    key: str = ""


def _keys(username: str, address: str) -> list[str]:
    return [f"user:{username[:150]}", f"addr:{address[:150]}"]


def check(conn: Connection, username: str, address: str, now: float | None = None) -> Throttle:
    now = time.time() if now is None else now
    c = t.login_throttle.c
    rows = conn.execute(sa.select(c.key, c.locked_until).where(c.key.in_(_keys(username, address)))).all()
    worst = max(rows, key=lambda r: r.locked_until, default=None)
    if worst is not None and worst.locked_until > now:
        return Throttle(True, int(worst.locked_until), worst.key)
    return Throttle(False)


def _wait(failures: int, free: int, lockout_at: int) -> int:
    if failures >= lockout_at:
        return LOCKOUT_S
    if failures < free:
        return 0
    return int(min(MAX_WAIT_S, 2 ** (failures - free)))


def failed(engine: Engine, username: str, address: str, now: float | None = None) -> Throttle:
    """Count a failed login; returns the lock it now brings (if any)."""
    now = time.time() if now is None else now
    c = t.login_throttle.c
    keys = _keys(username, address)
    with engine.begin() as conn:
        old = {r.key: r for r in conn.execute(sa.select(t.login_throttle).where(c.key.in_(keys)))}
        rows = []
        worst = Throttle(False)
        limits = ((FREE_FAILURES, ACCOUNT_LOCKOUT_AT), (ADDRESS_FREE_FAILURES, ADDRESS_LOCKOUT_AT))
        for key, (free, lockout_at) in zip(keys, limits, strict=True):
            prev = old.get(key)
            failures = 1 if prev is None or now - prev.last_at > FORGET_S else int(prev.failures) + 1
            wait = _wait(failures, free, lockout_at)
            until = int(now) + wait if wait else 0
            rows.append((key, failures, int(now), until))
            if until > worst.until:
                worst = Throttle(True, until, key)
        upsert_rows(conn, t.login_throttle, ("key", "failures", "last_at", "locked_until"), ("key",), rows)
    return worst


def succeeded(engine: Engine, username: str) -> None:
    with engine.begin() as conn:
        conn.execute(t.login_throttle.delete().where(t.login_throttle.c.key == _keys(username, "")[0]))
