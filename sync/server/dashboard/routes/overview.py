"""Overview: the area pages (county, township, village), a household's page and the JSON summary API."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sync.server.accounts import log_access
from sync.server.dashboard import lists, queries
from sync.server.dashboard.deps import AreaScope, Current, Dash, VillageScope
from sync.server.dashboard.site import LANG_COOKIE, Denied
from sync.server.params import UuidPath

router = APIRouter(prefix="/dashboard", include_in_schema=False)


@router.get("", response_class=HTMLResponse)
@router.get("/", response_class=HTMLResponse)
def index(current: Current, dash: Dash) -> Response:
    return RedirectResponse(dash.home_of(current.account), 303)


@router.get("/lang/{lang}")
def set_lang(lang: str, next: str = "/dashboard/") -> Response:  # noqa: A002
    target = next if next.startswith("/dashboard") and "//" not in next else "/dashboard/"
    resp = RedirectResponse(target, 303)
    resp.set_cookie(LANG_COOKIE, "en" if lang == "en" else "zh", max_age=365 * 86400, samesite="strict",
                    path="/dashboard")
    return resp


@router.get("/area/{code}", response_class=HTMLResponse)
def area(request: Request, current: Current, scope: AreaScope, dash: Dash, sort: str = "code",
         desc: int = 0) -> Response:
    account = current.account
    ctx = dash.area_context(account, scope, sort, bool(desc))
    households: list[Any] = []
    if scope.kind == "village":
        with dash.engine.begin() as conn:
            households = queries.households_of_village(conn, scope.code)
            if not households and not ctx["rows"]:
                known = queries.known_village_codes(conn, account)
                if scope.code not in known:
                    raise Denied(404, "not_found")
            log_access(conn, account.username, "view_village", scope.code, [h.household_id for h in households])
    lang = dash.lang(request)
    return dash.render(request, "area.html", account, current.csrf, households=households, bars=dash.bars(ctx, lang),
                       month_chart=dash.month_chart(ctx, lang), **ctx)


@router.get("/household/{hid}", response_class=HTMLResponse)
def household(request: Request, hid: UuidPath, current: Current, dash: Dash) -> Response:
    account = current.account
    with dash.engine.begin() as conn:
        doc = queries.household(conn, hid[:64])
        if doc is None:
            raise Denied(404, "not_found")
        if not account.sees_village(doc["row"].village_code):
            raise Denied(403, "forbidden")
        values = {(c.entity_id, c.field): lists.conflict_values(conn, c.entity_id, c.field) for c in doc["conflicts"]}
        log_access(conn, account.username, "view_household", hid, [hid])
    return dash.render(request, "household.html", account, current.csrf, doc=doc, conflict_values=values,
                       names=dash.names())


@router.get("/api/summary/{code}")
def api_summary(current: Current, scope: AreaScope, dash: Dash) -> Any:
    ctx = dash.area_context(current.account, scope, "code", False)
    total: queries.Unit = ctx["total"]
    return {"scope": {"kind": scope.kind, "code": scope.code}, "households": total.households,
            "monitored": total.monitored, "by_type": total.by_type, "by_monitoring": total.by_monitoring,
            "indicators": total.indicators, "overdue": total.overdue, "open_problems": total.open_problems,
            "conflicts": total.conflicts, "visited": total.visited, "all_met": total.all_met,
            "units": [{"code": u.code, "households": u.households, "monitored": u.monitored,
                       "open_problems": u.open_problems, "overdue": u.overdue} for u in ctx["rows"]],
            "problems_by_age": ctx["problems"], "devices": len(ctx["devices"])}


@router.get("/api/village/{code}/households")
def api_households(current: Current, scope: VillageScope, dash: Dash) -> Any:
    with dash.engine.begin() as conn:
        rows = queries.households_of_village(conn, scope.code)
        if not rows:
            raise Denied(404, "not_found")
        log_access(conn, current.account.username, "api_households", scope.code, [h.household_id for h in rows])
    return [{"id": h.household_id, "roster_no": h.roster_no, "head_name": h.head_name, "group": h.grp,
             "monitoring_type": h.monitoring_type, "household_type": h.household_type,
             "overall": h.overall, "last_visit_at": h.last_visit_at} for h in rows]
