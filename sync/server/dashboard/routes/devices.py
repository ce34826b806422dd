"""Devices: the enrolled laptops, enrolment codes and revocation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from fieldapp.errors import FieldappError
from fieldapp.qr import qr_svg
from sync.server.accounts import log_access
from sync.server.dashboard import queries
from sync.server.dashboard.deps import CountyCurrent, Current, Dash, Form, Session
from sync.server.dashboard.queries import Scope
from sync.server.dashboard.site import Dashboard, Denied, url_part
from sync.server.device_status import reenable
from sync.server.params import UuidPath

router = APIRouter(prefix="/dashboard", include_in_schema=False)


@router.get("/devices", response_class=HTMLResponse)
def devices_page(request: Request, current: Current, dash: Dash) -> Response:
    return dash.devices_page(request, current.account, current.csrf)


@router.post("/devices/enroll", response_class=HTMLResponse)
async def devices_enroll(request: Request, current: CountyCurrent, form: Form, dash: Dash) -> Response:
    account, csrf = current.account, current.csrf
    villages = [str(v) for v in form.getlist("village") if str(v)]
    try:
        code = await run_in_threadpool(dash.county.create_enroll_code, villages,
                                       str(form.get("cadre") or "").strip()[:100])
    except FieldappError as exc:
        return dash.devices_page(request, account, csrf, error=dash.message(request, exc))
    qr = qr_svg(code, "M", scale=4)
    return dash.devices_page(request, account, csrf, code=code, qr=qr, code_villages=villages)


@router.get("/devices/{device_id}/revoke", response_class=HTMLResponse)
def devices_revoke_confirm(request: Request, device_id: UuidPath, current: CountyCurrent, dash: Dash) -> Response:
    """What revoking would stop, and the button that does it."""
    found = [dv for dv in _devices(dash, current) if dv["device_id"] == device_id]
    if not found:
        raise Denied(404, "not_found")
    return dash.render(request, "device_revoke.html", current.account, current.csrf, device=found[0])


@router.post("/devices/{device_id}/revoke")
async def devices_revoke(device_id: UuidPath, current: CountyCurrent, form: Form, dash: Dash) -> Response:
    if form.get("confirm") != "yes":
        return RedirectResponse(f"/dashboard/devices/{url_part(device_id)}/revoke", 303)
    await run_in_threadpool(_change, dash, current, device_id, "device_revoke")
    return RedirectResponse("/dashboard/devices", 303)


@router.post("/devices/{device_id}/enable")
async def devices_enable(request: Request, device_id: UuidPath, current: CountyCurrent, _form: Form,
                         dash: Dash) -> Response:
    try:
        await run_in_threadpool(_change, dash, current, device_id, "device_enable")
    except FieldappError as exc:
        return dash.devices_page(request, current.account, current.csrf, error=dash.message(request, exc))
    return RedirectResponse("/dashboard/devices", 303)


def _devices(dash: Dashboard, current: Session) -> list[dict[str, Any]]:
    with dash.engine.connect() as conn:
        return queries.devices_in(conn, Scope("county", dash.county.county), current.account)


def _change(dash: Dashboard, current: Session, device_id: str, action: str) -> None:
    if action == "device_revoke":
        dash.county.revoke(device_id)
    with dash.county._write() as conn:
        if action == "device_enable":
            reenable(conn, device_id)
        log_access(conn, current.account.username, action, device_id, [])
