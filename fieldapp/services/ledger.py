"""The problem ledger (问题台账) and assistance measures (帮扶措施)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fieldapp.errors import InputRefused, InvalidTransition, NotFound
from fieldapp.ids import uuid7
from fieldapp.services.common import loads_json, parse_day, parse_dt
from fieldapp.services.unit import UnitOfWork
from fieldapp.store import utc_now

PROBLEM_FLOW: dict[str, tuple[str, ...]] = {
    # 问题台账 status flow (DOMAIN §10): pending -> in progress -> awaiting check -> closed;
    # a failed check sends it back to in progress.
    "pending": ("in_progress",),
    "in_progress": ("awaiting_check",),
    "awaiting_check": ("closed", "in_progress"),
    "closed": (),
}


INDICATOR_CATEGORY = {
    "food": "food", "clothing": "clothing", "education": "education", "medical": "medical",
    "housing": "housing", "water": "water", "income": "income",
}


# 一户一策: a measure is planned, running, done or cancelled (a cancelled one counts for no rule).
MEASURE_STATUSES = ("planned", "active", "done", "cancelled")
OPEN_STATUSES = ("pending", "in_progress", "awaiting_check")


class LedgerServices(UnitOfWork):
    """Problems along their status flow, and measures."""

    def problems(self, hid: str | None = None, *, open_only: bool = False) -> list[dict[str, Any]]:
        sql = ("SELECT id, household_id, visit_id, indicator, category, source, reason, reporter, opened_at, deadline,"
               " status, data FROM problem")
        where, params = [], []
        if hid:
            where.append("household_id = ?")
            params.append(hid)
        if open_only:
            where.append("status != 'closed'")
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self.store.conn.execute(sql + " ORDER BY opened_at DESC, id", params).fetchall()
        out = []
        for r in rows:
            hist = self.store.conn.execute(
                "SELECT status, at, actor, note FROM problem_history WHERE problem_id = ? ORDER BY at, op_id", (r[0],)
            ).fetchall()
            out.append({
                **(loads_json(r[11], {}) or {}),
                "id": r[0], "household_id": r[1], "visit_id": r[2], "indicator": r[3], "category": r[4], "source": r[5],
                "reason": r[6], "reporter": r[7], "opened_at": r[8], "deadline": r[9], "status": r[10],
                "history": [{"status": h[0], "at": h[1], "actor": h[2], "note": h[3]} for h in hist],
            })
        return out

    def open_problem(self, hid: str, indicator: str, reason: str, *, category: str | None = None,
                     source: str = "visit", deadline: str | None = None) -> str:
        """Open a ledger entry by hand."""
        self._require_household(hid)
        if not reason.strip():
            raise InputRefused("describe the problem", "请填写问题描述")
        pid = uuid7()
        deadline = deadline or (date.today() + timedelta(days=self.policy.rectification_deadline_days)).isoformat()
        self._write(lambda: self.ops.fact("problem", pid, {
            "household_id": hid, "indicator": indicator, "category": category or INDICATOR_CATEGORY.get(indicator, "data_error"),
            "source": source, "reason": reason, "reporter": self.actor, "opened_at": utc_now(), "deadline": deadline,
        }, self.actor))
        return pid

    def move_problem(self, pid: str, new_status: str, note: str = "", actor: str | None = None) -> None:
        """Move a problem one step along its flow; closing needs a verifier other than the reporter."""
        row = self.store.conn.execute("SELECT status, reporter FROM problem WHERE id = ?", (pid,)).fetchone()
        if row is None:
            raise NotFound(f"no problem with id {pid}", f"找不到编号为 {pid} 的问题")
        status, reporter = row
        if new_status not in PROBLEM_FLOW.get(status, ()):
            raise InvalidTransition(
                f"a problem that is '{status}' cannot move to '{new_status}' (next: {', '.join(PROBLEM_FLOW.get(status, ())) or 'none'})",
                f"问题当前为“{status}”，不能直接改为“{new_status}”",
            )
        who = actor if actor is not None else self.actor
        if new_status == "closed":
            if not note.strip():
                raise InputRefused("closing a problem needs a note on how it was fixed and checked", "销号需要填写整改和验收情况")
            if reporter and who == reporter:
                raise InvalidTransition(
                    "the person who reported a problem cannot also close it; another person must check it",
                    "问题的登记人不能自行销号，须由他人验收",
                )
        value = {"status": new_status, "note": note, "at": utc_now()}
        self._write(lambda: self.ops.set_field("problem", pid, "status", value, who))

    def _open_problems_for(self, hid: str, vid: str, verdict: dict[str, Any], visited_at: str) -> list[str]:
        """Open a ledger entry per unmet indicator, unless one is already open for it."""
        opened = []
        open_now = {r[0] for r in self.store.conn.execute(
            "SELECT indicator FROM problem WHERE household_id = ? AND status != 'closed'", (hid,)).fetchall()}
        deadline = (parse_dt(visited_at).date() + timedelta(days=self.policy.rectification_deadline_days)).isoformat()
        for p in verdict.get("problems") or []:
            ind = p.get("indicator")
            if ind in open_now:
                continue
            pid = uuid7()
            self.ops.fact("problem", pid, {
                "household_id": hid, "visit_id": vid, "indicator": ind,
                "category": INDICATOR_CATEGORY.get(ind, "data_error"), "source": "visit",
                "reason": p.get("reason", ""), "reporter": self.actor, "opened_at": visited_at, "deadline": deadline,
            }, self.actor)
            open_now.add(ind)
            opened.append(pid)
        return opened

    def add_measure(self, hid: str, category: str, description: str = "", *, member_id: str | None = None,
                    start_date: str | None = None, end_date: str | None = None, responsible: str = "",
                    status: str = "active") -> str:
        """Add a measure to the household's plan (一户一策): category, who is responsible, from and to, status."""
        self._require_household(hid)
        from fieldapp.codes import is_code

        if not is_code("measure", category):
            raise InputRefused(f"'{category}' is not an assistance measure code", f"“{category}”不是帮扶措施代码")
        if status not in MEASURE_STATUSES:
            raise InputRefused(f"'{status}' is not a measure status ({', '.join(MEASURE_STATUSES)})",
                               f"“{status}”不是措施状态")
        start = parse_day(start_date, "start_date") or date.today()
        end = parse_day(end_date, "end_date")
        if end is not None and end < start:
            raise InputRefused(f"the measure ends ({end}) before it starts ({start})", f"措施结束日期（{end}）早于开始日期（{start}）")
        mid = uuid7()
        value: dict[str, Any] = {
            "household_id": hid, "member_id": member_id, "category": category, "description": description,
            "start_date": start.isoformat(), "end_date": end.isoformat() if end else None, "status": status,
        }
        if responsible.strip():
            value["responsible"] = responsible.strip()
        self._write(lambda: self.ops.fact("measure", mid, value, self.actor))
        return mid

    def measures(self, hid: str) -> list[dict[str, Any]]:
        rows = self.store.conn.execute(
            "SELECT id, member_id, category, description, start_date, end_date, status, data FROM measure"
            " WHERE household_id = ? ORDER BY start_date DESC, id",
            (hid,),
        ).fetchall()
        return [{"id": r[0], "member_id": r[1], "category": r[2], "description": r[3], "start_date": r[4],
                 "end_date": r[5], "status": r[6], "responsible": (loads_json(r[7], {}) or {}).get("responsible", "")}
                for r in rows]

    def set_measure_status(self, measure_id: str, status: str) -> None:
        """Move a measure of the plan to planned, active, done or cancelled."""
        if status not in MEASURE_STATUSES:
            raise InputRefused(f"'{status}' is not a measure status ({', '.join(MEASURE_STATUSES)})",
                               f"“{status}”不是措施状态")
        if self.store.conn.execute("SELECT 1 FROM measure WHERE id = ?", (measure_id,)).fetchone() is None:
            raise NotFound(f"no measure with id {measure_id}", f"找不到编号为 {measure_id} 的措施")
        self._write(lambda: self.ops.set_field("measure", measure_id, "status", status, self.actor))
