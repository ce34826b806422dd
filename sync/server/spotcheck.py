"""Daily phone spot checks (DOMAIN §10): a random sample, at the policy's
``spot_check_rate`` (default 2%), of the visits made on a day, with the outcome
of each call (confirmed / not reached / discrepancy).

The draw is per visit: a visit is in the sample when a keyed hash of its id
(the key is a random secret of the county, so nobody can predict it) falls
under the rate. Each visit is drawn whenever it reaches the server, so a visit
synced late enters the sample like the others; a draw, once made, stays.

A discrepancy opens a problem in the ledger (问题台账, source 抽查): a problem fact
op of the county device ``county:<code>``, made like the roster's ops and like a
laptop's ``open_problem``, ingested and projected in the caller's transaction,
so the dashboard counts it and the household's laptops receive it on their
next pull. One problem per sampled visit, however often the outcome is recorded.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldapp.errors import InputRefused
from fieldapp.ids import uuid7
from fieldapp.merge import FACT_FIELD
from fieldapp.store import utc_now
from sync.server import dash_tables as d
from sync.server.accounts import Account
from sync.server.ingest import ingest, upsert
from sync.server.roster import CountyWriter
from sync.server.state import refresh_for_ops

OUTCOMES = ("confirmed", "not_reached", "discrepancy")
# The ledger entry a discrepancy opens (DOMAIN §10: category 数据错误, source 抽查).
PROBLEM_SOURCE, PROBLEM_CATEGORY, PROBLEM_INDICATOR = "spot_check", "data_error", "data_error"
SECRET_KEY = "spot_check_key"


def sample_size(visits: int, rate: float) -> int:
    """At least one visit of a day that had any (a 2% rate of 20 visits still checks one)."""
    return min(visits, max(1, math.ceil(visits * rate))) if visits else 0


def _secret(conn: Connection) -> bytes:
    """The county's draw key (made once, from the operating system's random source)."""
    meta = d.projection_meta.c
    row = conn.execute(sa.select(meta.value).where(meta.key == SECRET_KEY)).first()
    if row is None:
        upsert(conn, d.projection_meta, [{"key": SECRET_KEY, "value": secrets.token_hex(32)}], ["key"])
        row = conn.execute(sa.select(meta.value).where(meta.key == SECRET_KEY)).first()
        assert row is not None
    return bytes.fromhex(row[0])


def score(secret: bytes, visit_id: str) -> float:
    """A visit's draw number in [0, 1): the same for the same visit and key, unpredictable without the key."""
    digest = hmac.new(secret, visit_id.encode("utf-8"), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def draw(conn: Connection, day: str, rate: float, username: str) -> int:
    """Draw the day's visits that were not drawn yet; returns the size of the day's sample.

    A visit is in the sample when its score is under ``rate``; a day with visits checks at least one
    (the lowest score), as :func:`sample_size` promises.
    """
    v, s = d.visit_state.c, d.spot_checks.c
    visits = list(conn.execute(sa.select(v.visit_id, v.household_id, v.village_code).where(v.visit_date == day)))
    drawn = {r[0] for r in conn.execute(sa.select(s.visit_id).where(s.day == day))}
    secret = _secret(conn)
    scores = {r.visit_id: score(secret, r.visit_id) for r in visits}
    picked = [r for r in visits if r.visit_id not in drawn and scores[r.visit_id] < rate]
    if visits and not drawn and not picked:
        picked = [min(visits, key=lambda r: scores[r.visit_id])]
    if picked:
        conn.execute(d.spot_checks.insert(), [{"visit_id": r.visit_id, "day": day, "household_id": r.household_id,
                                               "village_code": r.village_code, "outcome": None, "note": ""}
                                              for r in picked])
    days = d.spot_check_days.c
    if conn.execute(sa.select(days.day).where(days.day == day)).first() is None:
        conn.execute(d.spot_check_days.insert().values(day=day, drawn_at=utc_now(), drawn_by=username,
                                                       visits=len(visits), rate=rate))
    else:
        conn.execute(d.spot_check_days.update().where(days.day == day).values(visits=len(visits)))
    return len(drawn) + len(picked)


def day_info(conn: Connection, day: str, account: Account) -> dict[str, Any] | None:
    """The day's visits and sample within the account's villages (a township counts its own)."""
    row = conn.execute(sa.select(d.spot_check_days).where(d.spot_check_days.c.day == day)).first()
    if row is None:
        return None
    v = d.visit_state.c
    visits = conn.execute(sa.select(sa.func.count()).select_from(d.visit_state)
                          .where(v.visit_date == day, account.village_filter(v.village_code))).scalar()
    return {"day": row.day, "drawn_at": row.drawn_at, "drawn_by": row.drawn_by, "visits": int(visits or 0),
            "rate": row.rate}


def checks(conn: Connection, account: Account, *, day: str | None = None, outcome: str | None = None) -> list[Any]:
    """Sampled visits with household head, phone and visitor (personal data: log the view)."""
    s, v, h = d.spot_checks.c, d.visit_state.c, d.hh_state.c
    q = (sa.select(s.visit_id, s.day, s.household_id, s.village_code, s.outcome, s.note, s.recorded_by,
                   s.recorded_at, s.problem_id, v.visited_at, v.visitor, h.head_name, h.phone, h.grp)
         .select_from(d.spot_checks.join(d.visit_state, s.visit_id == v.visit_id)
                      .outerjoin(d.hh_state, s.household_id == h.household_id))
         .where(account.village_filter(s.village_code)).order_by(s.day.desc(), s.village_code, v.visited_at))
    if day:
        q = q.where(s.day == day)
    if outcome:
        q = q.where(s.outcome == outcome)
    return list(conn.execute(q))


def record(conn: Connection, account: Account, visit_id: str, outcome: str, note: str, *, county: str,
           deadline_days: int, today: date | None = None) -> str | None:
    """Record the outcome of one spot-check call; a discrepancy opens a ledger problem (once per visit).

    Must run in a county write transaction (``County._write``): the problem is an op of the county device.

    Returns:
        The id of the problem this call opened, else None.

    Raises:
        InputRefused: unknown outcome, a visit not in the sample, or one outside the account's villages;
            a discrepancy without a note.
    """
    if outcome not in OUTCOMES:
        raise InputRefused(f"outcome must be one of {', '.join(OUTCOMES)}", "核查结果无效")
    if outcome == "discrepancy" and not note.strip():
        raise InputRefused("describe the discrepancy", "请填写不一致的情况")
    row = conn.execute(sa.select(d.spot_checks).where(d.spot_checks.c.visit_id == visit_id)).first()
    if row is None or not account.sees_village(row.village_code):
        raise InputRefused("this visit is not in a spot-check sample you can see", "该走访不在您可查看的抽查样本中")
    note = note.strip()[:2000]
    values: dict[str, Any] = {"outcome": outcome, "note": note, "recorded_by": account.username,
                              "recorded_at": utc_now()}
    opened = None
    if outcome == "discrepancy" and not row.problem_id:
        opened = open_problem(conn, county, row.household_id, note, account.username,
                              deadline_days=deadline_days, today=today)
        values["problem_id"] = opened
    conn.execute(d.spot_checks.update().where(d.spot_checks.c.visit_id == visit_id).values(**values))
    return opened


def open_problem(conn: Connection, county: str, household_id: str, reason: str, reporter: str, *,
                 deadline_days: int, today: date | None = None) -> str:
    """Write a spot-check problem fact as an op of the county device, ingest it and project it.

    The value has the shape of a laptop's ``Services.open_problem`` (household_id, indicator, category,
    source, reason, reporter, opened_at, deadline), so laptops store it like one of their own.
    """
    deadline = ((today or date.today()) + timedelta(days=deadline_days)).isoformat()
    w = CountyWriter(conn, county, reporter)
    w.op("problem", uuid7(), FACT_FIELD, {
        "household_id": household_id, "indicator": PROBLEM_INDICATOR, "category": PROBLEM_CATEGORY,
        "source": PROBLEM_SOURCE, "reason": reason, "reporter": reporter, "opened_at": utc_now(),
        "deadline": deadline})
    ingest(conn, w.ops)
    refresh_for_ops(conn, w.ops)
    return w.ops[0].entity_id
