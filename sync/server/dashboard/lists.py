"""The lists behind the dashboard's numbers: households (filtered by type, monitoring, visits,
indicator verdicts, overdue, or a search), problems and conflicts. Sorted, filtered and paged
in the database, so a county of 100,000 households pages as fast as a village.

Each filter here is the same expression the number it drills into is counted with
(``queries.units``, ``queries.open_problems``), so a list holds exactly that many rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldapp.hlc import decode
from fieldapp.idnumber import to_halfwidth
from fieldapp.policy import Policy
from sync.server import dash_tables as d
from sync.server import schema as t
from sync.server.accounts import Account
from sync.server.dashboard.queries import MET, Scope, overdue_cutoffs

PAGE_SIZE = 50
HOUSEHOLD_SORTS = {"village": ("village_code", "grp", "roster_no"), "head": ("head_name",), "group": ("grp",),
                   "members": ("members",), "type": ("household_type",), "monitoring": ("monitoring_type",),
                   "visit": ("last_visit_at",), "overall": ("overall",), "roster_no": ("roster_no",)}
PROBLEM_SORTS = {"opened": ("opened_at",), "deadline": ("deadline",), "indicator": ("indicator",),
                 "status": ("status",), "village": ("village_code",)}
HOUSEHOLD_FILTERS = ("type", "monitoring", "visited", "all_met", "overdue", "indicator", "verdict", "q")
PROBLEM_FILTERS = ("status", "indicator", "age", "overdue")


@dataclass
class Page:
    """One page of a list: its rows, how many there are in all, and where this page is."""

    rows: list[Any]
    total: int
    page: int
    pages: int
    sort: str
    desc: bool


def _paged(conn: Connection, q: Any, order: list[Any], page: int, sort: str, desc: bool) -> Page:
    total = int(conn.execute(sa.select(sa.func.count()).select_from(q.order_by(None).subquery())).scalar() or 0)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = list(conn.execute(q.order_by(*order).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    return Page(rows, total, page, pages, sort, desc)


def _order(columns: Any, names: tuple[str, ...], desc: bool, tie: Any) -> list[Any]:
    cols = [columns[n] for n in names]
    return [*(c.desc() if desc else c.asc() for c in cols), tie]


def overdue_expr(policy: Policy, today: date) -> Any:
    """True for a household whose next visit is overdue (as ``queries.units`` counts it)."""
    h = d.hh_state.c
    cut = overdue_cutoffs(policy, today)
    cutoff = sa.case(*[(h.monitoring_type == mt, c) for mt, c in cut.items()], else_=cut["none"])
    return sa.or_(h.last_visit_at.is_(None), h.last_visit_at < cutoff)


def search_terms(text: str) -> str:
    return "".join(to_halfwidth(text).split()).upper()[:40]


def households(conn: Connection, scope: Scope, account: Account, policy: Policy, today: date,
               filters: dict[str, str], sort: str, desc: bool, page: int) -> Page:
    """Active households of the scope matching ``filters`` (see ``HOUSEHOLD_FILTERS``)."""
    h = d.hh_state.c
    where: list[Any] = [h.status == "active", scope.where(h.village_code), account.village_filter(h.village_code)]
    f = filters
    if f.get("type"):
        where.append(h.household_type == f["type"])
    if f.get("monitoring") == "monitored":
        where.append(h.monitoring_type != "none")
    elif f.get("monitoring"):
        where.append(h.monitoring_type == f["monitoring"])
    if f.get("visited"):
        where.append(h.last_visit_id.is_not(None))
    if f.get("all_met"):
        where.append(h.overall == "met")
    if f.get("overdue"):
        where.append(overdue_expr(policy, today))
    if f.get("indicator") in d.INDICATORS:
        col = h[f"v_{f['indicator']}"]
        verdict = f.get("verdict", "")
        where.append(col.in_(MET) if verdict == "met" else col == verdict if verdict in ("not_met", "unknown")
                     else col.is_not(None))
    q = search_terms(f.get("q", ""))
    if q:
        m = d.member_state.c
        name = "".join(f["q"].split())[:40]
        member_hit = sa.select(m.household_id).where(
            m.status == "active", sa.or_(m.name.contains(name, autoescape=True),
                                         m.id_number.contains(q, autoescape=True), m.phone.contains(q, autoescape=True)))
        where.append(sa.or_(h.head_name.contains(name, autoescape=True), h.roster_no.contains(q, autoescape=True),
                            h.phone.contains(q, autoescape=True), h.household_id.in_(member_hit),
                            h.household_id.in_(_initials_hits(conn, scope, account, q))))
    key = sort if sort in HOUSEHOLD_SORTS else "village"
    query = sa.select(d.hh_state).where(*where)
    return _paged(conn, query, _order(h, HOUSEHOLD_SORTS[key], desc, h.household_id), page, key, desc)


def _initials_hits(conn: Connection, scope: Scope, account: Account, q: str) -> list[str]:
    """Households whose head's or a member's name has the pinyin initials ``q`` (e.g. WDF for 王大福)."""
    if not q.isalpha() or not q.isascii() or len(q) < 2:
        return []
    from pypinyin import Style, lazy_pinyin

    h, m = d.hh_state.c, d.member_state.c
    rows = conn.execute(sa.select(m.household_id, m.name).select_from(d.member_state.join(
        d.hh_state, m.household_id == h.household_id)).where(
        m.status == "active", scope.where(h.village_code), account.village_filter(h.village_code),
        sa.func.length(m.name) == len(q)))
    return [hid for hid, name in rows
            if "".join(p[:1] for p in lazy_pinyin(name, style=Style.NORMAL)).upper() == q][:1000]


def problem_age(today: date) -> Any:
    p = d.problem_state.c
    d30, d90 = (today - timedelta(days=30)).isoformat(), (today - timedelta(days=90)).isoformat()
    return sa.case((p.opened_at >= d30, "lt30"), (p.opened_at >= d90, "d30_90"), else_="gt90")


def problems(conn: Connection, scope: Scope, account: Account, today: date, filters: dict[str, str], sort: str,
             desc: bool, page: int) -> Page:
    """Problems of the scope with their household; ``status`` "open" (default) is every status but closed."""
    p, h = d.problem_state.c, d.hh_state.c
    status = filters.get("status") or "open"
    where: list[Any] = [scope.where(p.village_code), account.village_filter(p.village_code)]
    if status == "open":
        where.append(p.status != "closed")
    elif status != "all":
        where.append(p.status == status)
    if filters.get("indicator"):
        where.append(p.indicator == filters["indicator"])
    if filters.get("age") in ("lt30", "d30_90", "gt90"):
        where.append(problem_age(today) == filters["age"])
    overdue = sa.and_(p.status != "closed", p.deadline.is_not(None), p.deadline < today.isoformat())
    if filters.get("overdue"):
        where.append(overdue)
    query = (sa.select(d.problem_state, h.head_name, h.roster_no, overdue.label("past_deadline"))
             .select_from(d.problem_state.outerjoin(d.hh_state, p.household_id == h.household_id)).where(*where))
    key = sort if sort in PROBLEM_SORTS else "opened"
    return _paged(conn, query, _order(p, PROBLEM_SORTS[key], desc, p.problem_id), page, key, desc)


def conflicts(conn: Connection, scope: Scope, account: Account, page: int) -> Page:
    """Fields with more than one live value, with their household."""
    c, h = d.conflict_state.c, d.hh_state.c
    query = (sa.select(d.conflict_state, h.head_name, h.roster_no)
             .select_from(d.conflict_state.outerjoin(d.hh_state, c.household_id == h.household_id))
             .where(scope.where(c.village_code), account.village_filter(c.village_code)))
    return _paged(conn, query, [c.village_code, c.household_id, c.entity, c.field], page, "village", False)


def conflict_row(entity_id: str, field_name: str) -> Any:
    c = d.conflict_state.c
    return sa.select(d.conflict_state).where(c.entity_id == entity_id, c.field == field_name)


def conflict_values(conn: Connection, entity_id: str, field_name: str) -> list[dict[str, Any]]:
    """Every live value of one field: the value, who wrote it (author, device) and when (HLC time, UTC)."""
    lv, o = t.live_values.c, t.ops.c
    rows = conn.execute(sa.select(lv.op_id, lv.hlc, lv.device_id, lv.value, o.author)
                        .select_from(t.live_values.outerjoin(t.ops, lv.op_id == o.op_id))
                        .where(lv.entity_id == entity_id, lv.field == field_name).order_by(lv.hlc.desc()))
    out = []
    for r in rows:
        ms, _counter = decode(r.hlc)
        out.append({"op_id": r.op_id, "value": json.loads(r.value) if r.value else None, "device_id": r.device_id,
                    "author": r.author or "", "at": datetime.fromtimestamp(ms / 1000, UTC)
                    .strftime("%Y-%m-%dT%H:%M:%SZ")})
    return out
