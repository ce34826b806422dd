"""The dashboard's numbers, from the projected state tables (a few grouped
queries per page; nothing scales with the number of visits except the day's
spot-check sample)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldapp.policy import Policy
from sync.server import dash_tables as d
from sync.server import schema as t
from sync.server.accounts import Account

AGE_BUCKETS = ("lt30", "d30_90", "gt90")
MONITORING = ("none", "unstable", "marginal", "sudden")
HOUSEHOLD_TYPES = ("tuopin_general", "tuopin_dibao", "tuopin_tekun", "ordinary")
MET = ("met", "basic")


@dataclass(frozen=True)
class Scope:
    """What a page covers: the county, one township (9 digits) or one village (12 digits)."""

    kind: str
    code: str

    @classmethod
    def parse(cls, county: str, text: str | None) -> Scope:
        text = (text or "").strip()
        if not text or text == county:
            return cls("county", county)
        if len(text) == 9 and text.isdigit():
            return cls("township", text)
        if len(text) == 12 and text.isdigit():
            return cls("village", text)
        raise ValueError(text)

    def where(self, column: Any) -> Any:
        return sa.true() if self.kind == "county" else column.like(f"{self.code}%")

    def child_key(self, village_code: str) -> str:
        """The unit one level down a village belongs to (township for the county, else the village)."""
        return village_code[:9] if self.kind == "county" else village_code

    def allowed(self, account: Account) -> bool:
        if account.role != "township":
            return True
        return self.kind != "county" and self.code.startswith(str(account.township))


@dataclass
class Unit:
    """Counts of one township or village (or the whole scope)."""

    code: str
    households: int = 0
    monitored: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    by_monitoring: dict[str, int] = field(default_factory=dict)
    indicators: dict[str, dict[str, int]] = field(default_factory=dict)
    visited: int = 0
    all_met: int = 0
    overdue: int = 0
    open_problems: int = 0
    conflicts: int = 0

    def add(self, other: Unit) -> None:
        self.households += other.households
        self.monitored += other.monitored
        self.visited += other.visited
        self.all_met += other.all_met
        self.overdue += other.overdue
        self.open_problems += other.open_problems
        self.conflicts += other.conflicts
        for k, v in other.by_type.items():
            self.by_type[k] = self.by_type.get(k, 0) + v
        for k, v in other.by_monitoring.items():
            self.by_monitoring[k] = self.by_monitoring.get(k, 0) + v
        for ind, counts in other.indicators.items():
            mine = self.indicators.setdefault(ind, {})
            for k, v in counts.items():
                mine[k] = mine.get(k, 0) + v

    def share(self, indicator: str) -> float | None:
        """Share of assessed households (met, basic, not met, unknown) meeting the indicator."""
        c = self.indicators.get(indicator, {})
        assessed = c.get("met", 0) + c.get("not_met", 0) + c.get("unknown", 0)
        return c.get("met", 0) / assessed if assessed else None

    @property
    def all_met_share(self) -> float | None:
        return self.all_met / self.visited if self.visited else None


def overdue_cutoffs(policy: Policy, today: date) -> dict[str, str]:
    """Monitoring type -> the visit date before which a household is overdue (policy visit intervals)."""
    out = {}
    for mt in MONITORING:
        try:
            days = policy.visit_interval_days(mt)
        except Exception:  # a type the policy has no interval for is never overdue
            days = 3650
        out[mt] = (today - timedelta(days=days)).isoformat()
    return out


def units(conn: Connection, scope: Scope, policy: Policy, today: date) -> tuple[Unit, dict[str, Unit]]:
    """(the whole scope, its child units by code), from three grouped queries."""
    h = d.hh_state.c
    cut = overdue_cutoffs(policy, today)
    cutoff = sa.case(*[(h.monitoring_type == mt, c) for mt, c in cut.items()], else_=cut["none"])
    overdue = sa.case((sa.or_(h.last_visit_at.is_(None), h.last_visit_at < cutoff), 1), else_=0)
    cols: list[Any] = [h.village_code, h.household_type, h.monitoring_type, sa.func.count().label("n"),
                       sa.func.sum(overdue).label("overdue"),
                       sa.func.sum(sa.case((h.last_visit_id.is_not(None), 1), else_=0)).label("visited"),
                       sa.func.sum(sa.case((h.overall == "met", 1), else_=0)).label("all_met")]
    for ind in d.INDICATORS:
        col = h[f"v_{ind}"]
        cols.append(sa.func.sum(sa.case((col.in_(MET), 1), else_=0)).label(f"{ind}_met"))
        cols.append(sa.func.sum(sa.case((col == "not_met", 1), else_=0)).label(f"{ind}_not_met"))
        cols.append(sa.func.sum(sa.case((col == "unknown", 1), else_=0)).label(f"{ind}_unknown"))
    q = (sa.select(*cols).where(h.status == "active", scope.where(h.village_code))
         .group_by(h.village_code, h.household_type, h.monitoring_type))
    children: dict[str, Unit] = {}
    for r in conn.execute(q):
        u = Unit(scope.child_key(r.village_code))
        n = int(r.n)
        u.households = n
        u.monitored = n if r.monitoring_type != "none" else 0
        u.by_type = {r.household_type: n}
        u.by_monitoring = {r.monitoring_type: n}
        u.overdue, u.visited, u.all_met = int(r.overdue or 0), int(r.visited or 0), int(r.all_met or 0)
        for ind in d.INDICATORS:
            u.indicators[ind] = {k: int(getattr(r, f"{ind}_{k}") or 0) for k in ("met", "not_met", "unknown")}
        children.setdefault(u.code, Unit(u.code)).add(u)
    p = d.problem_state.c
    q2 = (sa.select(p.village_code, sa.func.count()).where(p.status != "closed", scope.where(p.village_code))
          .group_by(p.village_code))
    for code, n in conn.execute(q2):
        children.setdefault(scope.child_key(code), Unit(scope.child_key(code))).open_problems += int(n)
    c = d.conflict_state.c
    q3 = sa.select(c.village_code, sa.func.count()).where(scope.where(c.village_code)).group_by(c.village_code)
    for code, n in conn.execute(q3):
        children.setdefault(scope.child_key(code), Unit(scope.child_key(code))).conflicts += int(n)
    total = Unit(scope.code)
    for u in children.values():
        total.add(u)
    return total, children


def open_problems(conn: Connection, scope: Scope, today: date) -> dict[str, dict[str, int]]:
    """indicator -> age bucket -> open problems."""
    p = d.problem_state.c
    d30, d90 = (today - timedelta(days=30)).isoformat(), (today - timedelta(days=90)).isoformat()
    bucket = sa.case((p.opened_at >= d30, "lt30"), (p.opened_at >= d90, "d30_90"), else_="gt90")
    q = (sa.select(p.indicator, bucket.label("b"), sa.func.count()).where(p.status != "closed", scope.where(p.village_code))
         .group_by(p.indicator, bucket))
    out: dict[str, dict[str, int]] = {}
    for ind, b, n in conn.execute(q):
        out.setdefault(ind or "other", {})[b] = int(n)
    return out


def problems_by_month(conn: Connection, scope: Scope, today: date, months: int = 12) -> list[tuple[str, int, int]]:
    """[(YYYY-MM, opened, closed)] for the last ``months`` months."""
    keys = []
    y, m = today.year, today.month
    for _ in range(months):
        keys.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    keys.reverse()
    start = keys[0] + "-01"
    p = d.problem_state.c
    opened: dict[str, int] = {}
    closed: dict[str, int] = {}
    for col, target in ((p.opened_at, opened), (p.closed_at, closed)):
        month = sa.func.substr(col, 1, 7)
        q = sa.select(month, sa.func.count()).where(col >= start, scope.where(p.village_code)).group_by(month)
        target.update({k: int(n) for k, n in conn.execute(q)})
    return [(k, opened.get(k, 0), closed.get(k, 0)) for k in keys]


def village_names(conn: Connection) -> dict[str, tuple[str, str]]:
    return {r.village_code: (r.name, r.township_name) for r in conn.execute(sa.select(d.villages))}


def devices_in(conn: Connection, scope: Scope, account: Account) -> list[dict[str, Any]]:
    out = []
    for r in conn.execute(sa.select(t.devices).order_by(t.devices.c.enrolled_at)):
        villages = json.loads(r.villages)
        mine = [v for v in villages if (scope.kind == "county" or v.startswith(scope.code)) and account.sees_village(v)]
        if not mine:
            continue
        out.append({"device_id": r.device_id, "cadre": r.cadre, "status": r.status, "villages": villages,
                    "last_seen": r.last_seen, "acked_seq": int(r.hw_seq), "enrolled_at": r.enrolled_at,
                    "revoked_at": r.revoked_at})
    return out


def households_of_village(conn: Connection, village: str) -> list[Any]:
    h = d.hh_state.c
    return list(conn.execute(sa.select(d.hh_state).where(h.village_code == village)
                             .order_by(h.grp, h.head_name, h.household_id)))


def household(conn: Connection, hid: str) -> dict[str, Any] | None:
    row = conn.execute(sa.select(d.hh_state).where(d.hh_state.c.household_id == hid)).first()
    if row is None:
        return None
    m, v, p = d.member_state.c, d.visit_state.c, d.problem_state.c
    return {
        "row": row,
        "members": list(conn.execute(sa.select(d.member_state).where(m.household_id == hid).order_by(m.position))),
        "visits": list(conn.execute(sa.select(d.visit_state).where(v.household_id == hid).order_by(v.visited_at.desc()))),
        "problems": list(conn.execute(sa.select(d.problem_state).where(p.household_id == hid)
                                      .order_by(p.opened_at.desc()))),
        "conflicts": list(conn.execute(sa.select(d.conflict_state).where(d.conflict_state.c.household_id == hid))),
    }


def known_village_codes(conn: Connection, account: Account) -> list[str]:
    from sync.server.roster import known_villages

    return sorted(v for v in known_villages(conn) if account.sees_village(v))
