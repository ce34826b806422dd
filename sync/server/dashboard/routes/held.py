"""Held changes: ops the county did not store (outside a laptop's villages, malformed,
reused sequence numbers), with their reasons; the county releases or rejects them."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from fieldapp.errors import FieldappError
from sync.server.dashboard.deps import CountyCurrent, Dash, Form

router = APIRouter(prefix="/dashboard", include_in_schema=False)


def _page(request: Request, current: CountyCurrent, dash: Dash, error: str = "", status: int = 200) -> Response:
    rows = dash.county.held_ops("held")
    return dash.render(request, "held.html", current.account, current.csrf, rows=rows, error=error, status=status)


@router.get("/held", response_class=HTMLResponse)
def held_page(request: Request, current: CountyCurrent, dash: Dash) -> Response:
    return _page(request, current, dash)


@router.post("/held/{held_id}/{decision}", response_class=HTMLResponse)
async def held_decide(request: Request, held_id: int, decision: str, current: CountyCurrent, _form: Form,
                      dash: Dash) -> Response:
    if decision not in ("release", "reject"):
        return _page(request, current, dash, status=404)
    try:
        await run_in_threadpool(dash.county.decide_held, held_id, decision == "release", current.account.username)
    except FieldappError as exc:
        return _page(request, current, dash, error=dash.message(request, exc), status=422)
    return RedirectResponse("/dashboard/held", 303)

