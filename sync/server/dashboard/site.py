"""The county dashboard's shared plumbing: templates, sessions, scopes and the page contexts.

The routes live in ``sync.server.dashboard.routes`` (one router per area) and
reach this object and the logged-in account through the dependencies of
``sync.server.dashboard.deps``.
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import sqlalchemy as sa
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import FormData

from fieldapp.errors import FieldappError
from fieldapp.policy import load_policy
from sync.server import dash_tables as d
from sync.server import divisions, localtime
from sync.server import schema as t
from sync.server.accounts import (
    MIN_PASSWORD,
    ROLES,
    Account,
    list_accounts,
    same_token,
    session_account,
)
from sync.server.dashboard import charts, queries
from sync.server.dashboard.i18n import code_label, tr
from sync.server.dashboard.queries import Scope
from sync.server.export_jobs import ExportJobs
from sync.server.roster import value_text
from sync.server.state import ensure_built

SESSION_COOKIE, LOGIN_COOKIE, LANG_COOKIE = "fa_session", "fa_login", "fa_lang"
PASSWORD_PAGE = "/dashboard/password"
UNIT_SORTS = ("code", "households", "monitored", "share", "open_problems", "overdue", "conflicts")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class LoginRequired(Exception):
    pass


class PasswordChangeRequired(Exception):
    """The account's password was set by someone else: it must choose its own first."""


class Denied(Exception):
    def __init__(self, status: int, key: str) -> None:
        super().__init__(key)
        self.status, self.key = status, key


class Dashboard:
    """The dashboard over one county: what every route needs besides its own logic."""

    def __init__(self, county: Any) -> None:
        self.county = county
        self.engine = county.engine
        self.policy = load_policy(county.county[:2])
        self.env = Environment(loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
                               autoescape=select_autoescape(["html"]))
        self.env.globals.update(code_label=code_label, indicators=d.INDICATORS, pct=pct, value_text=value_text)
        self.zone = localtime.zone_of(getattr(county, "data", None))
        self.env.filters["seg"] = url_part
        self.env.globals["link"] = link
        self.env.filters["local"] = lambda v, seconds=False: localtime.local_text(v, self.zone, seconds)
        # roster uploads waiting for the clerk's confirmation: token -> (expires, username, file)
        self.pending_rosters: dict[str, tuple[float, str, bytes]] = {}
        self.lock = threading.Lock()
        self.export_jobs = ExportJobs()
        with county._write() as conn:
            ensure_built(conn)
            divisions.ensure_loaded(conn, county.county)

    # ----- plumbing ----------------------------------------------------------------
    def lang(self, request: Request) -> str:
        return "en" if request.cookies.get(LANG_COOKIE) == "en" else "zh"

    def message(self, request: Request, exc: FieldappError) -> str:
        """A user-facing error in the page's language."""
        return exc.zh if self.lang(request) == "zh" else exc.en

    def who(self, request: Request) -> tuple[Account, str]:
        found = session_account(self.engine, request.cookies.get(SESSION_COOKIE))
        if found is None:
            raise LoginRequired()
        return found

    def render(self, request: Request, name: str, account: Account | None, csrf: str = "", status: int = 200,
               **ctx: Any) -> HTMLResponse:
        lang = self.lang(request)
        html = self.env.get_template(name).render(
            t=lambda k: tr(k, lang), lang=lang, account=account, csrf=csrf, county=self.county.county,
            county_name=self.county_name(), min_password=MIN_PASSWORD,
            path=request.url.path + (f"?{request.url.query}" if request.url.query else ""), **ctx)
        resp = HTMLResponse(html, status_code=status)
        resp.headers["Cache-Control"] = "no-store"
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers["Content-Security-Policy"] = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:"
        return resp

    async def form(self, request: Request, csrf: str) -> FormData:
        form = await request.form()
        if not same_token(str(form.get("csrf") or ""), csrf):
            raise Denied(403, "csrf")
        return form

    def scope_for(self, account: Account, code: str) -> Scope:
        try:
            scope = Scope.parse(self.county.county, code)
        except ValueError:
            raise Denied(404, "not_found") from None
        if scope.kind != "county" and not scope.code.startswith(self.county.county):
            raise Denied(404, "not_found")
        if not scope.allowed(account):
            raise Denied(403, "forbidden")
        return scope

    def home_of(self, account: Account) -> str:
        return f"/dashboard/area/{account.township if account.role == 'township' else self.county.county}"

    def county_name(self) -> str:
        with self.engine.connect() as conn:
            name = conn.execute(sa.select(d.divisions.c.name).where(d.divisions.c.code == self.county.county)).scalar()
        return str(name or "")

    def names(self) -> dict[str, str]:
        """Code -> name of the county, its townships and villages (the division list, then roster names)."""
        with self.engine.connect() as conn:
            out = {code: name for code, (name, _tn) in queries.village_names(conn).items() if name}
            out.update(divisions.all_names(conn))
        return out

    # ----- shared page contexts ------------------------------------------------------
    def area_context(self, account: Account, scope: Scope, sort: str, desc: bool) -> dict[str, Any]:
        today = date.today()
        with self.engine.connect() as conn:
            total, children = queries.units(conn, scope, self.policy, today)
            problems = queries.open_problems(conn, scope, today)
            months = queries.problems_by_month(conn, scope, today)
            names = queries.village_names(conn)
            devices = queries.devices_in(conn, scope, account)
        rows = list(children.values())
        key = sort if sort in UNIT_SORTS else "code"

        def sort_key(u: queries.Unit) -> Any:
            if key == "code":
                return u.code
            if key == "share":
                return u.all_met_share if u.all_met_share is not None else -1.0
            return getattr(u, key)

        rows.sort(key=sort_key, reverse=desc)
        return {"scope": scope, "total": total, "rows": rows, "problems": problems, "months": months,
                "names": names, "devices": devices, "sort": key, "desc": desc}

    def bars(self, ctx: dict[str, Any], lang: str) -> Any:
        names = ctx["names"]
        rows = sorted(ctx["rows"], key=lambda u: u.code)

        def name(code: str) -> str:
            if len(code) == 12 and code in names:
                return names[code][0] or code
            if len(code) == 9:
                tn = next((v[1] for k, v in names.items() if k.startswith(code) and v[1]), "")
                return tn or code
            return code

        households = charts.hbars([(name(u.code), float(u.households), float(u.monitored)) for u in rows],
                                  legend=(tr("households", lang), tr("monitored", lang)),
                                  title=tr("chart_villages", lang),
                                  links=[link("/dashboard/households", scope=u.code) for u in rows])
        share = charts.hbars([(name(u.code), u.all_met_share or 0.0, 0.0) for u in rows], max_value=1.0,
                             percent=True, colors=("#1b7340", "#1b7340"), title=tr("chart_share", lang),
                             links=[link("/dashboard/households", scope=u.code, all_met=1) for u in rows])
        return {"households": households, "share": share, "name": name}

    def month_chart(self, ctx: dict[str, Any], lang: str) -> str:
        return charts.columns(ctx["months"], (tr("opened", lang), tr("closed", lang)),
                              title=tr("problems_over_time", lang))

    def accounts_page(self, request: Request, account: Account, csrf: str, status: int = 200,
                      **extra: Any) -> HTMLResponse:
        with self.engine.connect() as conn:
            townships = sorted({v[:9] for v in queries.known_village_codes(conn, account)})
            names = queries.village_names(conn)
        tnames = {tc: next((v[1] for k, v in names.items() if k.startswith(tc) and v[1]), "") for tc in townships}
        return self.render(request, "accounts.html", account, csrf, status=status, accounts=list_accounts(self.engine),
                           roles=ROLES, townships=tnames, form=extra.get("form") or {},
                           error=extra.get("error"), done=extra.get("done"), target=extra.get("target"),
                           password=extra.get("password"))

    def devices_page(self, request: Request, account: Account, csrf: str, **extra: Any) -> HTMLResponse:
        scope = Scope("county", self.county.county)
        with self.engine.connect() as conn:
            devices = queries.devices_in(conn, scope, account)
            quarantined = list(conn.execute(
                sa.select(t.quarantine.c.id, t.quarantine.c.kind, t.quarantine.c.device_id, t.quarantine.c.reason,
                          t.quarantine.c.detail, t.quarantine.c.received_at)
                .order_by(t.quarantine.c.id.desc()).limit(200)))
            villages = queries.known_village_codes(conn, account)
            names = queries.village_names(conn)
        if account.role == "township":
            mine = {dv["device_id"] for dv in devices}
            quarantined = [q for q in quarantined if q.device_id in mine]
        return self.render(request, "devices.html", account, csrf, devices=devices, quarantined=quarantined,
                           villages=villages, names=names, code=extra.get("code"), qr=extra.get("qr"),
                           code_villages=extra.get("code_villages"), error=extra.get("error"))


def url_part(value: object) -> str:
    """A value quoted for one URL path segment or query value (``/``, ``?``, ``&``, ``#`` included)."""
    return quote(str(value), safe="")


def link(path: str, params: dict[str, Any] | None = None, **more: Any) -> str:
    """``path`` with the non-empty ``params`` (then ``more``) as a quoted query string."""
    merged = {**(params or {}), **more}
    query = urlencode({k: v for k, v in merged.items() if v not in (None, "", 0, False)})
    return f"{path}?{query}" if query else path


def day_or_today(text: str) -> str:
    """An ISO day from a query value, today when it is not one."""
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        return date.today().isoformat()


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"
