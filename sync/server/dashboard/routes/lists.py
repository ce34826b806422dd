"""Drill-down: the households, problems and conflicts behind each number, and the household search."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from fieldapp.errors import FieldappError
from sync.server.accounts import log_access
from sync.server.dashboard import lists
from sync.server.dashboard.deps import CountyCurrent, Current, Dash, Form, Session
from sync.server.dashboard.queries import Scope
from sync.server.dashboard.site import Dashboard, Denied, url_part
from sync.server.resolve import resolve

router = APIRouter(prefix="/dashboard", include_in_schema=False)


def _scope(dash: Dashboard, current: Session, code: str) -> Scope:
    """The list's area: the one asked for, else the account's home area."""
    return dash.scope_for(current.account, code or (current.account.township or dash.county.county))


def _query(request: Request, keys: tuple[str, ...]) -> dict[str, str]:
    return {k: str(request.query_params.get(k, ""))[:40] for k in keys if request.query_params.get(k)}


@router.get("/households", response_class=HTMLResponse)
def household_list(request: Request, current: Current, dash: Dash, scope: str = "", sort: str = "village",
                   desc: int = 0, page: int = 1) -> Response:
    area = _scope(dash, current, scope)
    filters = _query(request, lists.HOUSEHOLD_FILTERS)
    with dash.engine.begin() as conn:
        result = lists.households(conn, area, current.account, dash.policy, date.today(), filters, sort, bool(desc),
                                  page)
        log_access(conn, current.account.username, "view_list", f"households {area.code} {filters}",
                   [r.household_id for r in result.rows])
    return dash.render(request, "list_households.html", current.account, current.csrf, area=area, result=result,
                       filters=filters, names=dash.names())


@router.get("/search", response_class=HTMLResponse)
def search(q: str = "", scope: str = "") -> Response:
    return RedirectResponse(f"/dashboard/households?q={url_part(q[:40])}&scope={url_part(scope)}", 303)


@router.get("/monitored", response_class=HTMLResponse)
def monitored(scope: str = "") -> Response:
    return RedirectResponse(f"/dashboard/households?monitoring=monitored&scope={url_part(scope)}", 303)


@router.get("/overdue", response_class=HTMLResponse)
def overdue(scope: str = "") -> Response:
    return RedirectResponse(f"/dashboard/households?overdue=1&scope={url_part(scope)}", 303)


@router.get("/problems", response_class=HTMLResponse)
def problem_list(request: Request, current: Current, dash: Dash, scope: str = "", sort: str = "opened",
                 desc: int = 1, page: int = 1) -> Response:
    area = _scope(dash, current, scope)
    filters = _query(request, lists.PROBLEM_FILTERS)
    with dash.engine.begin() as conn:
        result = lists.problems(conn, area, current.account, date.today(), filters, sort, bool(desc), page)
        log_access(conn, current.account.username, "view_list", f"problems {area.code} {filters}",
                   sorted({r.household_id for r in result.rows}))
    return dash.render(request, "list_problems.html", current.account, current.csrf, area=area, result=result,
                       filters=filters, names=dash.names())


def _conflicts_page(request: Request, current: Session, dash: Dashboard, scope: str, page: int = 1,
                    error: str | None = None, status: int = 200) -> Response:
    area = _scope(dash, current, scope)
    with dash.engine.begin() as conn:
        result = lists.conflicts(conn, area, current.account, page)
        values = {(r.entity_id, r.field): lists.conflict_values(conn, r.entity_id, r.field) for r in result.rows}
        log_access(conn, current.account.username, "view_list", f"conflicts {area.code}",
                   sorted({r.household_id for r in result.rows}))
    return dash.render(request, "list_conflicts.html", current.account, current.csrf, area=area, result=result,
                       values=values, filters={}, names=dash.names(), error=error, status=status)


@router.get("/conflicts", response_class=HTMLResponse)
def conflict_list(request: Request, current: Current, dash: Dash, scope: str = "", page: int = 1) -> Response:
    return _conflicts_page(request, current, dash, scope, page)


@router.post("/conflicts/resolve", response_class=HTMLResponse)
async def conflict_resolve(request: Request, current: CountyCurrent, form: Form, dash: Dash) -> Response:
    """Keep one value of a conflicting field: a county op that reaches the laptops."""
    entity_id, field_name, keep = (str(form.get(k) or "")[:64] for k in ("entity_id", "field", "keep"))
    scope = str(form.get("scope") or "")

    def save() -> None:
        with dash.county._write() as conn:
            row = conn.execute(lists.conflict_row(entity_id, field_name)).first()
            if row is None or not current.account.sees_village(row.village_code):
                raise Denied(404, "not_found")
            resolve(conn, dash.county.county, current.account.username, entity_id, field_name, keep)

    try:
        await run_in_threadpool(save)
    except FieldappError as exc:
        return await run_in_threadpool(_conflicts_page, request, current, dash, scope, 1, dash.message(request, exc),
                                       422)
    return RedirectResponse(f"/dashboard/conflicts?scope={url_part(scope)}", 303)
