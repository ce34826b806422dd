"""Spot checks: the day's sample, recording an outcome and the discrepancy report."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from fieldapp.errors import FieldappError
from sync.server import spotcheck
from sync.server.accounts import log_access
from sync.server.dashboard.deps import Current, Dash, Form, Session, WriterCurrent
from sync.server.dashboard.site import Dashboard, day_or_today, url_part
from sync.server.params import UuidPath

router = APIRouter(prefix="/dashboard", include_in_schema=False)


def _day_page(request: Request, current: Session, dash: Dashboard, day: str, status: int = 200,
              **typed: Any) -> Response:
    """The day's sample (drawn first, so visits synced since the last view enter it)."""
    account = current.account
    with dash.county._write() as conn:
        spotcheck.draw(conn, day, dash.policy.spot_check_rate, account.username)
        info = spotcheck.day_info(conn, day, account)
        rows = spotcheck.checks(conn, account, day=day)
        log_access(conn, account.username, "view_spot_checks", day, [x.household_id for x in rows])
    return dash.render(request, "spotchecks.html", account, current.csrf, day=day, info=info, rows=rows,
                       outcomes=spotcheck.OUTCOMES, report=False, status=status, typed=typed)


@router.get("/spotchecks", response_class=HTMLResponse)
def spot_page(request: Request, current: Current, dash: Dash, day: str = "") -> Response:
    return _day_page(request, current, dash, day_or_today(day))


@router.get("/spotchecks/report", response_class=HTMLResponse)
def spot_report(request: Request, current: Current, dash: Dash) -> Response:
    account = current.account
    with dash.engine.begin() as conn:
        rows = spotcheck.checks(conn, account, outcome="discrepancy")
        log_access(conn, account.username, "view_discrepancies", "", [x.household_id for x in rows])
    return dash.render(request, "spotchecks.html", account, current.csrf, day="", info=None, rows=rows,
                       outcomes=spotcheck.OUTCOMES, report=True, typed={})


@router.post("/spotchecks/{visit_id}")
async def spot_record(request: Request, visit_id: UuidPath, current: WriterCurrent, form: Form, dash: Dash) -> Response:
    account = current.account

    def save() -> None:
        with dash.county._write() as conn:
            spotcheck.record(conn, account, visit_id[:64], str(form.get("outcome") or ""),
                             str(form.get("note") or ""), county=dash.county.county,
                             deadline_days=dash.policy.rectification_deadline_days)

    day = day_or_today(str(form.get("day") or ""))
    try:
        await run_in_threadpool(save)
    except FieldappError as exc:
        # The page again, with what was typed and why it was refused.
        return await run_in_threadpool(_day_page, request, current, dash, day, 422, visit=visit_id,
                                       outcome=str(form.get("outcome") or ""), note=str(form.get("note") or ""),
                                       error=dash.message(request, exc))
    return RedirectResponse(f"/dashboard/spotchecks?day={url_part(day)}", 303)
