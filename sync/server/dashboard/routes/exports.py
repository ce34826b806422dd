"""Exports: the workbook of the account's households and the one-page village summary PDF."""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fieldapp.store import utc_now
from sync.server import localtime
from sync.server.dash_tables import INDICATORS
from sync.server.dashboard import queries
from sync.server.dashboard.deps import Current, Dash, Form, VillageScope
from sync.server.dashboard.i18n import code_label, tr
from sync.server.dashboard.site import XLSX, Denied, pct, url_part
from sync.server.exports import export_workbook
from sync.server.summary_pdf import Summary, render

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


@router.post("/exports/start")
async def export_start(current: Current, form: Form, dash: Dash) -> Response:
    """Start the workbook in the background; its page shows the progress and the download."""
    village = str(form.get("village") or "")[:12]
    if village:
        dash.scope_for(current.account, village)
    name = f"fieldapp-{village or dash.county.county}-{time.strftime('%Y%m%d-%H%M%S')}.xlsx"
    job = dash.export_jobs.start(current.account.username, name, lambda progress: export_workbook(
        dash.engine, current.account, county=dash.county.county, village=village or None, zone=dash.zone,
        progress=progress))
    return RedirectResponse(f"/dashboard/exports/job/{url_part(job.token)}", 303)


@router.get("/exports/job/{token}", response_class=HTMLResponse)
def export_job(request: Request, token: str, current: Current, dash: Dash) -> Response:
    job = dash.export_jobs.get(token, current.account.username)
    if job is None:
        raise Denied(404, "upload_gone")
    return dash.render(request, "export_job.html", current.account, current.csrf, job=job)


@router.get("/exports/job/{token}/download")
def export_download(token: str, current: Current, dash: Dash) -> Response:
    job = dash.export_jobs.get(token, current.account.username)
    if job is None or job.data is None:
        raise Denied(404, "upload_gone")
    return Response(job.data, media_type=XLSX, headers={"Content-Disposition": f"attachment; filename={job.name}"})


@router.get("/village/{code}/summary.pdf")
def village_pdf(request: Request, current: Current, scope: VillageScope, dash: Dash) -> Response:
    lang = dash.lang(request)
    ctx = dash.area_context(current.account, scope, "code", False)
    total = ctx["total"]

    def t(key: str) -> str:
        return tr(key, lang)

    summary = Summary(
        title=f"{t('summary_title')}：{dash.bars(ctx, lang)['name'](scope.code)}（{scope.code}）",
        made=f"{t('generated')} {localtime.local_text(utc_now(), dash.zone)} · {current.account.username}",
        cards=[(t(k), n) for k, n in (("households", total.households), ("monitored", total.monitored),
                                      ("visited", total.visited), ("open_problems", total.open_problems),
                                      ("overdue", total.overdue), ("conflicts", total.conflicts))],
        columns=[(code_label("monitoring_type", c, lang), total.by_monitoring.get(c, 0)) for c in queries.MONITORING]
        + [(code_label("household_type", c, lang), total.by_type.get(c, 0)) for c in queries.HOUSEHOLD_TYPES],
        indicators=[(code_label("indicator", i, lang), *(total.indicators.get(i, {}).get(k, 0)
                                                         for k in ("met", "not_met", "unknown")), pct(total.share(i)))
                    for i in INDICATORS],
        problems=[(code_label("indicator", i, lang), *(b.get(a, 0) for a in ("lt30", "d30_90", "gt90")))
                  for i, b in sorted(ctx["problems"].items(), key=lambda kv: _indicator_order(kv[0]))],
        months=ctx["months"], t=t)
    try:
        pdf = render(summary)
    except RuntimeError as exc:
        return Response(str(exc), status_code=503, media_type="text/plain")
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f"inline; filename=village-{scope.code}.pdf"})


def _indicator_order(code: str) -> int:
    return INDICATORS.index(code) if code in INDICATORS else len(INDICATORS)
