"""Excel exports of the county's records (households, members, latest verdicts,
problems, spot checks), each marked with who made it and when, and recorded in
the access log with the households it holds."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from fieldapp.store import utc_now
from sync.server import dash_tables as d
from sync.server import xlsx
from sync.server.accounts import Account, log_access
from sync.server.dashboard.i18n import code_label
from sync.server.localtime import day, local, zone_of

SHEETS = ("说明", "户", "成员", "最新评定", "问题", "抽查结果")
# A text cell starting with one of these is a formula (or DDE) to a spreadsheet program (OWASP CSV injection).
FORMULA_START = xlsx.FORMULA_START


def formula_like(value: Any) -> bool:
    """Text a spreadsheet program would take for a formula (or DDE) if it were typed in."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def inert_csv(value: Any) -> Any:
    """A CSV field no spreadsheet evaluates: formula-like text gets a leading apostrophe (OWASP)."""
    return "'" + value if formula_like(value) else value


STATUS_ZH = {"active": "正常", "merged": "已合并", "moved": "已迁出", "dissolved": "已注销", "deceased": "已故",
             "left": "已迁出"}


@lru_cache(maxsize=4096)
def _label(list_name: str, code: Any) -> str:
    if code is None or code == "":
        return ""
    return code_label(list_name, str(code), "zh")


def _status(code: str | None) -> str:
    return STATUS_ZH.get(code or "", code or "")


def workbook_bytes(sheets: list[tuple[str, list[str], list[list[Any]]]]) -> bytes:
    """An .xlsx of (title, header, rows) sheets: bold frozen header, autofilter, inert text."""
    out = io.BytesIO()
    wb = xlsx.Workbook(out)
    for title, header, rows in sheets:
        wb.sheet(title, header, rows)
    wb.close()
    return out.getvalue()


@dataclass
class Progress:
    """How far an export is: rows written of rows to write (read by the page that polls it)."""

    total: int = 0
    done: int = 0

    @property
    def share(self) -> float:
        return min(1.0, self.done / self.total) if self.total else 0.0


def export_workbook(engine: Engine, account: Account, *, county: str, village: str | None = None,
                    zone: ZoneInfo | None = None, progress: Progress | None = None) -> bytes:
    """The workbook of every household the account may see (or one village); logs the export.

    Times are Excel dates in the county's time zone (``zone``, default Asia/Shanghai), codes are labels.
    Rows stream from the database into the workbook (``sync.server.xlsx``); ``progress`` counts them.
    """
    zone = zone or zone_of(None)
    progress = progress or Progress()

    def at(value: str | None) -> Any:
        return local(value, zone)

    made_at = utc_now()
    footer = f"{account.username} {at(made_at):%Y-%m-%d %H:%M}"
    h, m, p, s, v = d.hh_state.c, d.member_state.c, d.problem_state.c, d.spot_checks.c, d.visit_state.c
    where = account.village_filter(h.village_code)
    if village:
        where = sa.and_(where, h.village_code == village)
    sub = sa.select(h.household_id).where(where)
    queries = {
        "hh": sa.select(d.hh_state).where(where).order_by(h.village_code, h.grp, h.roster_no),
        "members": sa.select(d.member_state, h.roster_no, h.village_code)
        .select_from(d.member_state.join(d.hh_state, m.household_id == h.household_id))
        .where(where).order_by(h.village_code, h.roster_no, m.position),
        "assessed": sa.select(d.hh_state).where(where, h.last_visit_id.is_not(None))
        .order_by(h.village_code, h.grp, h.roster_no),
        "problems": sa.select(d.problem_state).where(p.household_id.in_(sub)).order_by(p.village_code, p.opened_at),
        "checks": sa.select(d.spot_checks, v.visited_at, v.visitor)
        .select_from(d.spot_checks.join(d.visit_state, s.visit_id == v.visit_id))
        .where(s.household_id.in_(sub)).order_by(s.day, s.village_code),
    }
    out = io.BytesIO()
    wb = xlsx.Workbook(out, creator=f"Fieldapp county {county}: {account.username}",
                       title="防止返贫动态监测 导出 / Fieldapp export")

    def tick(n: int) -> None:
        progress.done += n

    with engine.begin() as conn:
        counts = {k: int(conn.execute(sa.select(sa.func.count()).select_from(q.order_by(None).subquery())).scalar()
                         or 0) for k, q in queries.items()}
        progress.total = sum(counts.values()) + 1
        ids = [hid for (hid,) in conn.execute(sub)]
        log_access(conn, account.username, "export_xlsx", f"village {village}" if village else "all visible", ids)

        def rows(key: str) -> Any:
            return conn.execution_options(yield_per=5000).execute(queries[key])

        def sheet(title: str, header: list[str], values: Iterable[list[Any]]) -> None:
            wb.sheet(title, header, values, footer=footer, tick=tick)

        sheet(SHEETS[0], ["项目 / item", "内容 / value"], [
            ["导出人 / made by", account.username], ["角色 / role", account.role],
            [f"导出时间 / made at ({zone.key})", at(made_at)], ["县 / county", county],
            ["范围 / scope", village or (account.township or county)], ["户数 / households", counts["hh"]],
            ["说明", "本文件含个人信息，仅限工作使用；导出已记入访问日志。"]])
        sheet(SHEETS[1], ["户ID", "户编号", "村代码", "组", "户主", "家庭人口数", "联系电话", "家庭住址", "户类型",
                   "监测对象类别", "状态", "帮扶责任人", "最近走访"],
              ([r.household_id, r.roster_no or "", r.village_code, r.grp, r.head_name, r.members, r.phone,
               r.address, _label("household_type", r.household_type),
               _label("monitoring_type", r.monitoring_type), _status(r.status), r.cadre, at(r.last_visit_at)]
              for r in rows("hh")))
        sheet(SHEETS[2], ["成员ID", "户ID", "户编号", "村代码", "姓名", "与户主关系", "身份证号", "性别", "出生日期",
                   "联系电话", "状态"],
              ([r.member_id, r.household_id, r.roster_no or "", r.village_code, r.name,
               _label("relation", r.relation), r.id_number, _label("sex", r.sex), day(r.birth_date), r.phone,
               _status(r.status)] for r in rows("members")))
        sheet(SHEETS[3], ["户ID", "户编号", "村代码", "户主", "走访时间", "综合",
                   *[_label("indicator", i) for i in d.INDICATORS]],
              ([r.household_id, r.roster_no or "", r.village_code, r.head_name, at(r.last_visit_at),
               _label("verdict", r.overall), *[_label("verdict", getattr(r, f"v_{i}")) for i in d.INDICATORS]]
              for r in rows("assessed")))
        sheet(SHEETS[4], ["问题ID", "户ID", "村代码", "指标", "类别", "来源", "问题描述", "发现日期", "整改期限",
                   "状态", "销号时间"],
              ([r.problem_id, r.household_id, r.village_code, _label("indicator", r.indicator),
               _label("problem_category", r.category), _label("problem_source", r.source), r.reason,
               at(r.opened_at), day(r.deadline), _label("problem_status", r.status), at(r.closed_at)]
              for r in rows("problems")))
        sheet(SHEETS[5], ["日期", "走访ID", "户ID", "村代码", "走访时间", "走访人", "核查结果", "说明", "核查人",
                   "核查时间"],
              ([day(r.day), r.visit_id, r.household_id, r.village_code, at(r.visited_at), r.visitor,
               outcome_zh(r.outcome), r.note, r.recorded_by or "", at(r.recorded_at)] for r in rows("checks")))
    wb.close()
    progress.done = progress.total
    return out.getvalue()


def outcome_zh(outcome: str | None) -> str:
    return {"confirmed": "属实", "not_reached": "未联系上", "discrepancy": "不一致", None: "待核查"}.get(outcome, str(outcome))


def json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def rows_for(conn: Connection, table: Any) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() or 0)
