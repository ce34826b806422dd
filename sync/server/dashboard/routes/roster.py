"""Roster: upload a household list, correct its column mapping, page through the preview, import.

The upload waits in the database (``roster_uploads``) until the clerk confirms it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from fieldapp.errors import FieldappError
from sync.server import divisions, roster_uploads
from sync.server.dashboard.deps import CountyCurrent, Current, Dash, Form
from sync.server.dashboard.site import XLSX, Dashboard, Denied, url_part
from sync.server.roster import (
    FIELD_EN,
    FIELD_ZH,
    Roster,
    import_roster,
    read_roster,
    refusals_xlsx,
    template_xlsx,
)
from sync.server.rosterfile import read_sheets

router = APIRouter(prefix="/dashboard", include_in_schema=False)
PAGE = 50


@router.get("/roster", response_class=HTMLResponse)
def roster_page(request: Request, current: CountyCurrent, dash: Dash) -> Response:
    return dash.render(request, "roster.html", current.account, current.csrf, roster=None, result=None, upload=None)


@router.get("/roster/template.xlsx")
def roster_template(_current: Current) -> Response:
    return Response(template_xlsx(), media_type=XLSX, headers={
        "Content-Disposition": "attachment; filename=roster-template.xlsx"})


@router.post("/roster", response_class=HTMLResponse)
async def roster_upload(request: Request, current: CountyCurrent, form: Form, dash: Dash) -> Response:
    upload = form.get("file")
    data = await upload.read() if upload is not None and not isinstance(upload, str) else b""
    filename = str(getattr(upload, "filename", "") or "")

    def keep() -> str:
        with dash.county._write() as conn:
            return roster_uploads.save(conn, current.account.username, filename, data)

    token = await run_in_threadpool(keep)
    return RedirectResponse(f"/dashboard/roster/{url_part(token)}", 303)


def _upload(dash: Dashboard, token: str, username: str) -> roster_uploads.Upload:
    with dash.engine.connect() as conn:
        found = roster_uploads.get(conn, token, username)
    if found is None:
        raise Denied(404, "upload_gone")
    return found


def _check(dash: Dashboard, up: roster_uploads.Upload) -> Roster:
    with dash.engine.connect() as conn:
        return read_roster(conn, dash.county.county, up.data, up.mapping)


def _page(items: list[Any], page: int) -> tuple[list[Any], int, int]:
    pages = max(1, -(-len(items) // PAGE))
    page = min(max(1, page), pages)
    return items[(page - 1) * PAGE: page * PAGE], page, pages


@router.get("/roster/{token}", response_class=HTMLResponse)
async def roster_preview(request: Request, token: str, current: CountyCurrent, dash: Dash, epage: int = 1,
                         hpage: int = 1) -> Response:
    account, csrf = current.account, current.csrf
    up = _upload(dash, token, account.username)
    try:
        roster = await run_in_threadpool(_check, dash, up)
    except FieldappError as exc:
        return dash.render(request, "roster.html", account, csrf, roster=None, result=None, upload=None,
                           error=dash.message(request, exc), status=422)
    errors, epage, epages = _page(roster.errors, epage)
    households, hpage, hpages = _page(roster.households, hpage)
    lang = dash.lang(request)
    fields = [(k, FIELD_ZH[k] if lang == "zh" else FIELD_EN[k]) for k in FIELD_ZH]
    return dash.render(request, "roster.html", account, csrf, roster=roster, result=None, upload=up,
                       errors=errors, epage=epage, epages=epages, households=households, hpage=hpage,
                       hpages=hpages, fields=fields, field_names=dict(fields), status=422 if roster.missing else 200)


@router.post("/roster/{token}/mapping")
async def roster_mapping(token: str, current: CountyCurrent, form: Form, dash: Dash) -> Response:
    up = _upload(dash, token, current.account.username)
    mapping = {str(form.get(f"h{i}") or ""): str(form.get(f"f{i}") or "")
               for i in range(500) if form.get(f"h{i}") is not None}

    def save() -> None:
        with dash.county._write() as conn:
            roster_uploads.set_mapping(conn, up.token, mapping)

    await run_in_threadpool(save)
    return RedirectResponse(f"/dashboard/roster/{url_part(up.token)}", 303)


@router.get("/roster/{token}/refusals.xlsx")
async def roster_refusals(token: str, current: CountyCurrent, dash: Dash) -> Response:
    up = _upload(dash, token, current.account.username)
    roster = await run_in_threadpool(_check, dash, up)
    return Response(refusals_xlsx(roster), media_type=XLSX, headers={
        "Content-Disposition": "attachment; filename=roster-refusals.xlsx"})


@router.post("/roster/{token}/confirm", response_class=HTMLResponse)
async def roster_confirm(request: Request, token: str, current: CountyCurrent, _form: Form, dash: Dash) -> Response:
    account = current.account
    up = _upload(dash, token, account.username)
    try:
        result = await run_in_threadpool(import_roster, dash.county, up.data, actor=account.username,
                                         mapping=up.mapping)
    except FieldappError as exc:
        return dash.render(request, "roster.html", account, current.csrf, roster=None, result=None, upload=None,
                           error=dash.message(request, exc), status=422)
    if result["imported"]:
        def drop() -> None:
            with dash.county._write() as conn:
                roster_uploads.drop(conn, up.token)

        await run_in_threadpool(drop)
    return dash.render(request, "roster.html", account, current.csrf, roster=None, result=result, upload=None)


# ----- the county's division list ----------------------------------------------------------------
def _divisions_page(request: Request, dash: Dashboard, current: Any, status: int = 200, **extra: Any) -> Response:
    with dash.engine.connect() as conn:
        names = divisions.all_names(conn)
    return dash.render(request, "divisions.html", current.account, current.csrf, status=status,
                       tree=divisions.as_tree(names),
                       error=extra.get("error"), done=extra.get("done"))


@router.get("/divisions", response_class=HTMLResponse)
def divisions_page(request: Request, current: CountyCurrent, dash: Dash) -> Response:
    return _divisions_page(request, dash, current)


@router.post("/divisions", response_class=HTMLResponse)
async def divisions_save(request: Request, current: CountyCurrent, form: Form, dash: Dash) -> Response:
    upload = form.get("file")
    data = await upload.read() if upload is not None and not isinstance(upload, str) else b""

    def save() -> int:
        county = dash.county.county
        if data:
            table = [[str(c) for c in row] for sheet in read_sheets(data) for row in sheet.rows]
            entries = divisions.parse_upload(county, table)
        else:
            entries = {str(form.get("code") or "").strip()[:12]: str(form.get("name") or "").strip()[:100]}
        with dash.county._write() as conn:
            return divisions.save(conn, county, entries)

    try:
        n = await run_in_threadpool(save)
    except FieldappError as exc:
        return _divisions_page(request, dash, current, 422, error=dash.message(request, exc))
    return _divisions_page(request, dash, current, done=n)
