"""Monitoring: the lifecycle counts counties report (per village, township and county), the steps
due and overdue, elimination candidates and those held back, taking a step, and the Excel export."""

from __future__ import annotations

import time
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from fieldapp import monitoring as mon
from fieldapp.campaigns import state_group
from fieldapp.codes import label
from fieldapp.errors import FieldappError
from sync.server import lifecycle
from sync.server.accounts import Account, log_access
from sync.server.dashboard import queries
from sync.server.dashboard.deps import Current, Dash, Form, WriterCurrent
from sync.server.dashboard.queries import HOUSEHOLD_TYPES, Scope
from sync.server.dashboard.site import XLSX, Dashboard, Denied, url_part
from sync.server.exports import workbook_bytes
from sync.server.ingest import select_in

router = APIRouter(prefix="/dashboard", include_in_schema=False)


def county_today(dash: Dashboard) -> date:
    """Today in the county's time zone."""
    return datetime.now(dash.zone).date()

TEXT: dict[str, tuple[str, str]] = {
    "title": ("监测帮扶流程", "Monitoring lifecycle"),
    "unit": ("单位", "Unit"),
    "in_identification": ("识别中", "Being identified"),
    "monitoring": ("监测帮扶中", "Monitoring"),
    "in_elimination": ("风险消除办理中", "Elimination under way"),
    "eliminated": ("风险已消除", "Risk eliminated"),
    "steps_due": ("待办环节", "Steps due"),
    "steps_overdue": ("逾期环节", "Steps overdue"),
    "candidates": ("可提出风险消除", "Elimination candidates"),
    "held_back": ("暂不能消除", "Held back"),
    "phase_out_ending": ("本月渐退期届满", "渐退期 ending this month"),
    "by_type": ("按监测类型", "By monitoring type"),
    "by_household_type": ("按户类型（监测对象）", "By household category (monitored)"),
    "due_list": ("待办与逾期环节", "Steps due and overdue"),
    "held_list": ("暂不能风险消除的户及原因", "Households held back from elimination, and why"),
    "candidate_list": ("满足风险消除条件的户", "Households meeting every elimination condition"),
    "next_step": ("下一环节", "Next step"), "by": ("办理单位", "Taken by"), "deadline": ("期限", "Deadline"),
    "overdue": ("已逾期", "Overdue"), "take": ("办理", "Record"), "at": ("日期", "Date"), "note": ("说明", "Note"),
    "reject": ("退回", "Reject"), "history": ("办理记录", "Steps taken"), "state": ("状态", "State"),
    "since": ("自", "Since"), "failing": ("未满足的条件", "Conditions not met"), "who": ("办理人", "By"),
    "export": ("导出 Excel", "Export to Excel"), "none": ("无", "None"), "household": ("户", "Household"),
    "head": ("户主", "Head"), "village": ("村", "Village"), "type": ("监测类型", "Monitoring type"),
    "mode": ("消除方式", "Elimination mode"), "role_village": ("村", "village"), "role_township": ("乡镇", "township"),
    "role_county": ("县", "county"), "phase_out_until": ("渐退期至", "Phase-out until"),
    "total": ("合计", "Total"), "evidence": ("依据", "Evidence"), "evidence_visit": ("走访", "visit"),
    "files": ("张照片/签名", "photos/signatures"), "as_of": ("统计日期", "As of"), "campaigns": ("回头看", "Look-back campaigns"),
}
STATE_GROUPS = ("in_identification", "monitoring", "in_elimination", "eliminated")


def text(key: str, lang: str) -> str:
    pair = TEXT.get(key)
    return key if pair is None else (pair[0] if lang == "zh" else pair[1])


def _scope(dash: Dashboard, account: Account, code: str) -> Scope:
    if not code:
        code = str(account.township) if account.role == "township" else dash.county.county
    return dash.scope_for(account, code)


def _rows(dash: Dashboard, scope: Scope, today: date) -> list[lifecycle.HouseholdLifecycle]:
    with dash.engine.connect() as conn:
        rows = lifecycle.lifecycles(conn, dash.policy, today, village_like=None if scope.kind == "county" else scope.code)
    return [r for r in rows if r.lifecycle.state != mon.NONE]


def _counts(rows: list[lifecycle.HouseholdLifecycle], scope: Scope, today: date) -> tuple[Any, Any]:
    return lifecycle.counts(rows, scope.child_key, scope.code, today)


def _grouped(c: lifecycle.LifecycleCounts) -> dict[str, int]:
    out = dict.fromkeys(STATE_GROUPS, 0)
    for state, n in c.by_state.items():
        if state != mon.NONE:
            out[state_group(state)] += n
    return out


def counts_json(total: lifecycle.LifecycleCounts, units: dict[str, lifecycle.LifecycleCounts]) -> dict[str, Any]:
    return {**total.to_json(), "by_group": _grouped(total),
            "units": [{**u.to_json(), "by_group": _grouped(u)} for u in units.values()]}


@router.get("/monitoring", response_class=HTMLResponse)
def monitoring_page(request: Request, current: Current, dash: Dash, scope: str = "") -> Response:
    account = current.account
    sc = _scope(dash, account, scope)
    today = county_today(dash)
    rows = _rows(dash, sc, today)
    total, units = _counts(rows, sc, today)
    lang = dash.lang(request)
    due = sorted((r for r in rows if r.lifecycle.next_step is not None),
                 key=lambda r: (not r.lifecycle.next_step.overdue, r.lifecycle.next_step.deadline))  # type: ignore[union-attr]
    with dash.engine.begin() as conn:
        names = queries.village_names(conn)
        log_access(conn, account.username, "view_monitoring", sc.code, [r.household_id for r in rows])
    return dash.render(
        request, "monitoring.html", account, current.csrf, scope=sc, total=total, units=units, groups=STATE_GROUPS,
        grouped=_grouped, due=due, held=[r for r in rows if r.failing], candidates=[r for r in rows if r.candidate],
        names=names, today=today, m=lambda k: text(k, lang), mon=mon, state_group=state_group,
        role=("county" if account.is_county else "township"), policy=dash.policy.lifecycle,
        condition=lambda code, lc: mon.condition_text(code, lc, dash.policy.lifecycle, lang),
        step_label=lambda s: mon.label(mon.STEP_LABELS, s, lang), type_label=lambda t: label("monitoring_type", t, lang))


@router.get("/monitoring/household/{hid}", response_class=HTMLResponse)
def monitoring_household(request: Request, hid: str, current: Current, dash: Dash) -> Response:
    account = current.account
    row = _household(dash, account, hid[:64])
    lang = dash.lang(request)
    lc = row.lifecycle
    allowed = [s for s, roles in mon.allowed_steps(lc, dash.policy.lifecycle).items()
               if ("county" if account.is_county else "township") in roles] if account.can_write else []
    with dash.engine.begin() as conn:
        log_access(conn, account.username, "view_monitoring_household", hid, [hid])
        visits = dict(select_in(conn, "SELECT visit_id, visited_at FROM visit_state WHERE visit_id {ids}",
                                [s.evidence_visit for s in lc.history if s.evidence_visit]))
    return dash.render(
        request, "monitoring_household.html", account, current.csrf, h=row, lc=lc, allowed=allowed, today=county_today(dash),
        evidence_visits=visits,
        m=lambda k: text(k, lang), mon=mon,
        condition=lambda code: mon.condition_text(code, lc, dash.policy.lifecycle, lang),
        step_label=lambda s: mon.label(mon.STEP_LABELS, s, lang), type_label=lambda t: label("monitoring_type", t, lang))


def _household(dash: Dashboard, account: Account, hid: str) -> lifecycle.HouseholdLifecycle:
    with dash.engine.connect() as conn:
        found = lifecycle.lifecycles(conn, dash.policy, county_today(dash), hids=[hid])
    if not found or not found[0].village_code:
        raise Denied(404, "not_found")
    if not account.sees_village(found[0].village_code):
        raise Denied(403, "forbidden")
    return found[0]


@router.post("/monitoring/household/{hid}/step")
async def take_step(request: Request, hid: str, current: WriterCurrent, form: Form, dash: Dash) -> Response:
    account = current.account
    hid = hid[:64]
    _household(dash, account, hid)
    step = str(form.get("step") or "")

    def save() -> None:
        lifecycle.take_steps(dash.county, hid, [step], at=str(form.get("at") or "") or None, actor=account.username,
                             role="county" if account.is_county else "township", note=str(form.get("note") or ""),
                             type=str(form.get("type") or "") or None, mode=str(form.get("mode") or "") or None)

    try:
        await run_in_threadpool(save)
    except FieldappError as exc:
        return dash.render(request, "error.html", account, current.csrf, status=422, key=dash.message(request, exc))
    return RedirectResponse(f"/dashboard/monitoring/household/{url_part(hid)}", 303)


@router.get("/api/monitoring/counts")
def api_counts(current: Current, dash: Dash, scope: str = "") -> Any:
    sc = _scope(dash, current.account, scope)
    today = county_today(dash)
    total, units = _counts(_rows(dash, sc, today), sc, today)
    return {"scope": {"kind": sc.kind, "code": sc.code}, "as_of": today.isoformat(), **counts_json(total, units)}


@router.get("/api/monitoring/household/{hid}")
def api_household(current: Current, dash: Dash, hid: str) -> Any:
    row = _household(dash, current.account, hid[:64])
    lc = row.lifecycle
    with dash.engine.begin() as conn:
        log_access(conn, current.account.username, "api_monitoring_household", hid, [hid])
    return {"household_id": row.household_id, "village_code": row.village_code, "state": lc.state,
            "type": lc.type if lc.state != mon.NONE else None, "since": lc.since.isoformat() if lc.since else None,
            "eligible_for_elimination": row.candidate, "failing": list(row.failing),
            "next_step": lc.next_step.to_json() if lc.next_step else None,
            "phase_out_until": lc.phase_out_until.isoformat() if lc.phase_out_until else None,
            "steps": [s.to_json() for s in lc.history]}


@router.get("/monitoring.xlsx")
def export_counts(request: Request, current: Current, dash: Dash, scope: str = "") -> Response:
    """The counts of the page (per unit and total) and the households behind them, as Excel."""
    account = current.account
    sc = _scope(dash, account, scope)
    today = county_today(dash)
    lang = dash.lang(request)
    rows = _rows(dash, sc, today)
    total, units = _counts(rows, sc, today)
    head = [text("unit", lang), *(text(g, lang) for g in STATE_GROUPS),
            *(label("monitoring_type", t, lang) for t in mon.MONITORING_TYPES), text("steps_due", lang),
            text("steps_overdue", lang), text("candidates", lang),
            *(f"{text('held_back', lang)}: {mon.label(mon.CONDITION_TEXT, c, lang)}" for c in mon.CONDITIONS),
            text("phase_out_ending", lang), *(f"{text('monitoring', lang)}: {label('household_type', t, lang)}"
                                              for t in HOUSEHOLD_TYPES)]

    def line(c: lifecycle.LifecycleCounts, name: str) -> list[Any]:
        g = _grouped(c)
        return [name, *(g[k] for k in STATE_GROUPS), *(c.by_type.get(t, 0) for t in mon.MONITORING_TYPES),
                c.steps_due, c.steps_overdue, c.candidates, *(c.held_back.get(k, 0) for k in mon.CONDITIONS),
                c.phase_out_ending, *(c.by_household_type.get(t, 0) for t in HOUSEHOLD_TYPES)]

    count_rows = [line(u, u.code) for u in units.values()] + [line(total, f"{text('total', lang)} {sc.code}")]
    hh_head = [text("household", lang), text("village", lang), text("head", lang), text("state", lang),
               text("type", lang), text("since", lang), text("next_step", lang), text("deadline", lang),
               text("overdue", lang), text("failing", lang), text("phase_out_until", lang)]
    hh_rows = []
    for r in rows:
        lc, nxt = r.lifecycle, r.lifecycle.next_step
        hh_rows.append([r.household_id, r.village_code, r.head_name, mon.state_label(lc.state, lang),
                        label("monitoring_type", lc.type, lang) if lc.type else "", lc.since.isoformat() if lc.since else "",
                        mon.label(mon.STEP_LABELS, nxt.step, lang) if nxt else "", nxt.deadline.isoformat() if nxt else "",
                        "✔" if nxt and nxt.overdue else "", "；".join(mon.label(mon.CONDITION_TEXT, c, lang) for c in r.failing),
                        lc.phase_out_until.isoformat() if lc.phase_out_until else ""])
    about = [[text("title", lang), sc.code], [text("as_of", lang), today.isoformat()], [text("who", lang), account.username]]
    data = workbook_bytes([("说明" if lang == "zh" else "About", ["", ""], about),
                           (text("title", lang)[:31], head, count_rows),
                           (text("household", lang), hh_head, hh_rows)])
    with dash.engine.begin() as conn:
        log_access(conn, account.username, "export_monitoring", sc.code, [r.household_id for r in rows])
    stamp = time.strftime("%Y%m%d-%H%M%S")
    return Response(data, media_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename=monitoring-{sc.code}-{stamp}.xlsx"})
