"""回头看 campaigns: defining one (county accounts) and its progress per township and village."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from fieldapp.campaigns import STATE_GROUPS
from fieldapp.errors import FieldappError
from fieldapp.forms import load_form
from sync.server import campaigns as cs
from sync.server.accounts import Account, log_access
from sync.server.dashboard import queries
from sync.server.dashboard.deps import CountyCurrent, Current, Dash, Form
from sync.server.dashboard.routes.monitoring import county_today
from sync.server.dashboard.site import Dashboard, Denied, url_part

router = APIRouter(prefix="/dashboard", include_in_schema=False)

TEXT: dict[str, tuple[str, str]] = {
    "title": ("回头看", "Look-back campaigns"), "new": ("新建回头看", "New campaign"),
    "name": ("名称", "Name"), "deadline": ("截止日期", "Deadline"), "villages": ("村（不选为全部）", "Villages (none: all)"),
    "household_types": ("户类型（不选为全部）", "Household categories (none: all)"),
    "states": ("监测状态（不选为全部）", "Monitoring states (none: all)"),
    "sections": ("复核的表单部分", "Form sections to re-check"), "create": ("发布", "Publish"),
    "in_scope": ("应复核户数", "Households in scope"), "completed": ("已完成", "Completed"), "share": ("完成率", "Done"),
    "progress": ("进度", "Progress"), "unit": ("单位", "Unit"), "none": ("无", "None"), "overdue": ("已逾期", "Overdue"),
    "st_none": ("非监测对象", "Not monitored"), "st_in_identification": ("识别中", "Being identified"),
    "st_monitoring": ("监测帮扶中", "Monitoring"), "st_in_elimination": ("风险消除办理中", "Elimination under way"),
    "st_eliminated": ("风险已消除", "Risk eliminated"), "head": ("户主", "Head"), "done": ("已完成", "Done"),
    "todo": ("未完成", "Not yet"),
    "help": ("发布后，本县各笔记本在下次同步或导入下行数据包时收到；范围内的户显示为“回头看”待走访，"
             "以“回头看”方式完成一次走访即为完成。",
             "Laptops receive it with their next sync or downlink bundle; households in scope show as due, and a "
             "visit of type 'look-back' completes them."),
}


def text(key: str, lang: str) -> str:
    pair = TEXT.get(key)
    return key if pair is None else (pair[0] if lang == "zh" else pair[1])


def _home(dash: Dashboard, account: Account) -> str | None:
    return str(account.township) if account.role == "township" else None


@router.get("/campaigns", response_class=HTMLResponse)
def campaigns_page(request: Request, current: Current, dash: Dash) -> Response:
    account = current.account
    lang = dash.lang(request)
    with dash.engine.connect() as conn:
        items = [(c, cs.progress(conn, c, village_like=_home(dash, account))) for c in cs.all_campaigns(conn)]
        villages = queries.known_village_codes(conn, account)
        names = queries.village_names(conn)
    sections = [(s.code, s.text(lang)) for s in load_form("visit").sections]
    return dash.render(request, "campaigns.html", account, current.csrf, items=items, villages=villages, names=names,
                       sections=sections, state_groups=STATE_GROUPS, m=lambda k: text(k, lang), today=county_today(dash),
                       error=request.query_params.get("error"))


@router.get("/campaigns/{cid}", response_class=HTMLResponse)
def campaign_page(request: Request, cid: str, current: Current, dash: Dash) -> Response:
    account = current.account
    lang = dash.lang(request)
    with dash.engine.begin() as conn:
        found = [c for c in cs.all_campaigns(conn) if c.id == cid[:64]]
        if not found:
            raise Denied(404, "not_found")
        total, towns, villages = cs.progress(conn, found[0], village_like=_home(dash, account))
        names = queries.village_names(conn)
        log_access(conn, account.username, "view_campaign", cid, [h[0] for v in villages.values() for h in v.households])
    return dash.render(request, "campaign.html", account, current.csrf, c=found[0], total=total, towns=towns,
                       villages=villages, names=names, m=lambda k: text(k, lang), today=county_today(dash))


@router.post("/campaigns")
async def define(request: Request, current: CountyCurrent, form: Form, dash: Dash) -> Response:
    def save() -> str:
        return cs.define(dash.county, name=str(form.get("name") or ""), deadline=str(form.get("deadline") or "") or None,
                         villages=form.getlist("villages"), household_types=form.getlist("household_types"),
                         states=form.getlist("states"), sections=form.getlist("sections"),
                         actor=current.account.username)

    try:
        cid = await run_in_threadpool(save)
    except FieldappError as exc:
        return dash.render(request, "error.html", current.account, current.csrf, status=422,
                           key=dash.message(request, exc))
    return RedirectResponse(f"/dashboard/campaigns/{url_part(cid)}", 303)


@router.get("/api/campaigns")
def api_campaigns(current: Current, dash: Dash) -> Any:
    out = []
    with dash.engine.connect() as conn:
        for c in cs.all_campaigns(conn):
            total, towns, villages = cs.progress(conn, c, village_like=_home(dash, current.account))
            out.append({"id": c.id, "name": c.name, "deadline": c.deadline.isoformat() if c.deadline else None,
                        "villages": list(c.villages), "household_types": list(c.household_types),
                        "states": list(c.states), "sections": list(c.sections), **total.to_json(),
                        "townships": [p.to_json() for p in towns.values()],
                        "by_village": [p.to_json() for p in villages.values()]})
    return out
