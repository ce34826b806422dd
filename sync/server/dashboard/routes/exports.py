"""Exports: the workbook of the account's households and the one-page village summary PDF."""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from fieldapp.store import utc_now
from sync.server import localtime
from sync.server.dashboard import queries
from sync.server.dashboard.deps import Current, Dash, VillageScope
from sync.server.dashboard.i18n import tr
from sync.server.dashboard.site import XLSX
from sync.server.exports import export_workbook, village_summary_pdf

router = APIRouter(prefix="/dashboard", include_in_schema=False)


@router.get("/exports", response_class=HTMLResponse)
def exports_page(request: Request, current: Current, dash: Dash) -> Response:
    with dash.engine.connect() as conn:
        villages = queries.known_village_codes(conn, current.account)
        names = queries.village_names(conn)
    return dash.render(request, "exports.html", current.account, current.csrf, villages=villages, names=names)


@router.get("/export.xlsx")
def export_xlsx(current: Current, dash: Dash, village: str = "") -> Response:
    if village:
        dash.scope_for(current.account, village)
    data = export_workbook(dash.engine, current.account, county=dash.county.county, village=village or None,
                           zone=dash.zone)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    return Response(data, media_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename=fieldapp-{village or dash.county.county}-{stamp}.xlsx"})


@router.get("/village/{code}/summary.pdf")
def village_pdf(request: Request, current: Current, scope: VillageScope, dash: Dash) -> Response:
    lang = dash.lang(request)
    ctx = dash.area_context(current.account, scope, "code", False)
    html = dash.env.get_template("summary.html").render(
        t=lambda k: tr(k, lang), lang=lang, county=dash.county.county, account=current.account,
        made_at=localtime.local_text(utc_now(), dash.zone), bars=dash.bars(ctx, lang), month_chart=dash.month_chart(ctx, lang),
        **ctx)
    try:
        pdf = village_summary_pdf(html)
    except RuntimeError as exc:
        return Response(str(exc), status_code=503, media_type="text/plain")
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f"inline; filename=village-{scope.code}.pdf"})
