"""Devices: the enrolled laptops, enrolment codes and revocation."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from fieldapp.errors import FieldappError
from fieldapp.qr import qr_svg
from sync.server.dashboard.deps import CountyCurrent, Current, Dash, Form

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


@router.post("/devices/{device_id}/revoke")
async def devices_revoke(device_id: str, _current: CountyCurrent, _form: Form, dash: Dash) -> Response:
    await run_in_threadpool(dash.county.revoke, device_id[:64])
    return RedirectResponse("/dashboard/devices", 303)
