"""Roster: the household list upload, its preview and the confirmed import."""

from __future__ import annotations

import secrets
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from fieldapp.errors import FieldappError
from sync.server.dashboard.deps import CountyCurrent, Current, Dash, Form
from sync.server.dashboard.site import XLSX, Denied
from sync.server.roster import import_roster, read_roster, template_xlsx

router = APIRouter(prefix="/dashboard", include_in_schema=False)
PENDING_SECONDS = 1800


@router.get("/roster", response_class=HTMLResponse)
def roster_page(request: Request, current: CountyCurrent, dash: Dash) -> Response:
    return dash.render(request, "roster.html", current.account, current.csrf, roster=None, result=None, token=None)


@router.get("/roster/template.xlsx")
def roster_template(_current: Current) -> Response:
    return Response(template_xlsx(), media_type=XLSX, headers={
        "Content-Disposition": "attachment; filename=roster-template.xlsx"})


@router.post("/roster", response_class=HTMLResponse)
async def roster_upload(request: Request, current: CountyCurrent, form: Form, dash: Dash) -> Response:
    account, csrf = current.account, current.csrf
    upload = form.get("file")
    data = await upload.read() if upload is not None and hasattr(upload, "read") else b""

    def check() -> Any:
        with dash.engine.connect() as conn:
            return read_roster(conn, dash.county.county, data)

    try:
        roster = await run_in_threadpool(check)
    except FieldappError as exc:
        return dash.render(request, "roster.html", account, csrf, roster=None, result=None, token=None,
                           error=dash.message(request, exc), status=422)
    token = None
    if not roster.error_rows:
        token = secrets.token_urlsafe(24)
        with dash.lock:
            now = time.time()
            dash.pending_rosters = {k: v for k, v in dash.pending_rosters.items() if v[0] > now}
            dash.pending_rosters[token] = (now + PENDING_SECONDS, account.username, data)
    return dash.render(request, "roster.html", account, csrf, roster=roster, result=None, token=token)


@router.post("/roster/confirm", response_class=HTMLResponse)
async def roster_confirm(request: Request, current: CountyCurrent, form: Form, dash: Dash) -> Response:
    account = current.account
    with dash.lock:
        pending = dash.pending_rosters.pop(str(form.get("token") or ""), None)
    if pending is None or pending[1] != account.username or pending[0] < time.time():
        raise Denied(409, "not_found")
    result = await run_in_threadpool(import_roster, dash.county, pending[2], actor=account.username)
    return dash.render(request, "roster.html", account, current.csrf, roster=None, result=result, token=None)
