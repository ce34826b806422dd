"""HTTP routes of the county dashboard (mounted under ``/dashboard``).

Every page needs a logged-in account (session cookie: random, HttpOnly,
SameSite=Strict, expiring); every form POST carries the session's CSRF token;
township accounts see only their own villages, by page and by API (403).
Views and exports of personal data go to the access log.
"""

from __future__ import annotations

import secrets
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from fieldapp.errors import FieldappError
from fieldapp.policy import load_policy
from sync.server import dash_tables as d
from sync.server import schema as t
from sync.server import spotcheck
from sync.server.accounts import (
    MIN_PASSWORD,
    ROLES,
    SESSION_SECONDS,
    Account,
    access_entries,
    add_account,
    check_password,
    end_session,
    list_accounts,
    log_access,
    new_password,
    new_session,
    reset_password,
    same_token,
    session_account,
    set_disabled,
)
from sync.server.dashboard import charts, queries
from sync.server.dashboard.i18n import code_label, tr
from sync.server.dashboard.queries import Scope
from sync.server.state import ensure_built

SESSION_COOKIE, LOGIN_COOKIE, LANG_COOKIE = "fa_session", "fa_login", "fa_lang"
PENDING_SECONDS = 1800
UNIT_SORTS = ("code", "households", "monitored", "share", "open_problems", "overdue", "conflicts")


class LoginRequired(Exception):
    pass


class Denied(Exception):
    def __init__(self, status: int, key: str) -> None:
        super().__init__(key)
        self.status, self.key = status, key


class Dashboard:
    """The dashboard over one county; ``router`` holds its routes."""

    def __init__(self, county: Any) -> None:
        self.county = county
        self.engine = county.engine
        self.policy = load_policy(county.county[:2])
        self.env = Environment(loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
                               autoescape=select_autoescape(["html"]))
        self.env.globals.update(code_label=code_label, indicators=d.INDICATORS, pct=_pct)
        self._pending: dict[str, tuple[float, str, bytes]] = {}
        self._lock = threading.Lock()
        with county._write() as conn:
            ensure_built(conn)
        self.router = APIRouter(prefix="/dashboard", include_in_schema=False)
        self._routes()

    # ----- plumbing ----------------------------------------------------------------
    def lang(self, request: Request) -> str:
        return "en" if request.cookies.get(LANG_COOKIE) == "en" else "zh"

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
            path=request.url.path + (f"?{request.url.query}" if request.url.query else ""), **ctx)
        resp = HTMLResponse(html, status_code=status)
        resp.headers["Cache-Control"] = "no-store"
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers["Content-Security-Policy"] = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:"
        return resp

    async def form(self, request: Request, csrf: str) -> dict[str, Any]:
        form = await request.form()
        if not same_token(str(form.get("csrf") or ""), csrf):
            raise Denied(403, "csrf")
        return dict(form)

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

    # ----- pages -------------------------------------------------------------------
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

    def _routes(self) -> None:
        r = self.router

        @r.get("", response_class=HTMLResponse)
        @r.get("/", response_class=HTMLResponse)
        def index(request: Request) -> Response:
            account, _csrf = self.who(request)
            return RedirectResponse(self.home_of(account), 303)

        @r.get("/login", response_class=HTMLResponse)
        def login_page(request: Request) -> Response:
            token = secrets.token_urlsafe(24)
            resp = self.render(request, "login.html", None, csrf=token, error=None)
            resp.set_cookie(LOGIN_COOKIE, token, max_age=1800, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https", path="/dashboard")
            return resp

        @r.post("/login", response_class=HTMLResponse)
        async def login(request: Request) -> Response:
            form = await request.form()
            if not same_token(str(form.get("csrf") or ""), request.cookies.get(LOGIN_COOKIE)):
                raise Denied(403, "csrf")
            account = await run_in_threadpool(check_password, self.engine, str(form.get("username") or ""),
                                              str(form.get("password") or ""))
            if account is None:
                time.sleep(0.2)
                token = secrets.token_urlsafe(24)
                resp = self.render(request, "login.html", None, csrf=token, error="bad_login", status=401)
                resp.set_cookie(LOGIN_COOKIE, token, max_age=1800, httponly=True, samesite="strict",
                                secure=request.url.scheme == "https", path="/dashboard")
                return resp
            token, _csrf = new_session(self.engine, account)
            resp2: Response = RedirectResponse(self.home_of(account), 303)
            resp2.set_cookie(SESSION_COOKIE, token, max_age=SESSION_SECONDS, httponly=True, samesite="strict",
                             secure=request.url.scheme == "https", path="/dashboard")
            resp2.delete_cookie(LOGIN_COOKIE, path="/dashboard")
            return resp2

        @r.post("/logout")
        async def logout(request: Request) -> Response:
            _account, csrf = self.who(request)
            await self.form(request, csrf)
            end_session(self.engine, request.cookies.get(SESSION_COOKIE))
            resp = RedirectResponse("/dashboard/login", 303)
            resp.delete_cookie(SESSION_COOKIE, path="/dashboard")
            return resp

        @r.get("/lang/{lang}")
        def set_lang(request: Request, lang: str, next: str = "/dashboard/") -> Response:  # noqa: A002
            target = next if next.startswith("/dashboard") and "//" not in next else "/dashboard/"
            resp = RedirectResponse(target, 303)
            resp.set_cookie(LANG_COOKIE, "en" if lang == "en" else "zh", max_age=365 * 86400, samesite="strict",
                            path="/dashboard")
            return resp

        @r.get("/area/{code}", response_class=HTMLResponse)
        def area(request: Request, code: str, sort: str = "code", desc: int = 0) -> Response:
            account, csrf = self.who(request)
            scope = self.scope_for(account, code)
            ctx = self.area_context(account, scope, sort, bool(desc))
            households: list[Any] = []
            if scope.kind == "village":
                with self.engine.begin() as conn:
                    households = queries.households_of_village(conn, scope.code)
                    if not households and not ctx["rows"]:
                        known = queries.known_village_codes(conn, account)
                        if scope.code not in known:
                            raise Denied(404, "not_found")
                    log_access(conn, account.username, "view_village", scope.code,
                               [h.household_id for h in households])
            lang = self.lang(request)
            bars = self._bars(ctx, lang)
            return self.render(request, "area.html", account, csrf, households=households, bars=bars,
                               month_chart=charts.columns(ctx["months"], (tr("opened", lang), tr("closed", lang))),
                               **ctx)

        @r.get("/household/{hid}", response_class=HTMLResponse)
        def household(request: Request, hid: str) -> Response:
            account, csrf = self.who(request)
            with self.engine.begin() as conn:
                doc = queries.household(conn, hid[:64])
                if doc is None:
                    raise Denied(404, "not_found")
                if not account.sees_village(doc["row"].village_code):
                    raise Denied(403, "forbidden")
                log_access(conn, account.username, "view_household", hid, [hid])
            return self.render(request, "household.html", account, csrf, doc=doc)

        # ----- roster ---------------------------------------------------------------
        @r.get("/roster", response_class=HTMLResponse)
        def roster_page(request: Request) -> Response:
            account, csrf = self.who(request)
            self._need_county(account)
            return self.render(request, "roster.html", account, csrf, roster=None, result=None, token=None)

        @r.get("/roster/template.xlsx")
        def roster_template(request: Request) -> Response:
            self.who(request)
            from sync.server.roster import template_xlsx

            return Response(template_xlsx(), media_type=XLSX, headers={
                "Content-Disposition": "attachment; filename=roster-template.xlsx"})

        @r.post("/roster", response_class=HTMLResponse)
        async def roster_upload(request: Request) -> Response:
            account, csrf = self.who(request)
            self._need_county(account)
            form = await self.form(request, csrf)
            upload = form.get("file")
            data = await upload.read() if upload is not None and hasattr(upload, "read") else b""
            from sync.server.roster import read_roster

            def check() -> Any:
                with self.engine.connect() as conn:
                    return read_roster(conn, self.county.county, data)

            try:
                roster = await run_in_threadpool(check)
            except FieldappError as exc:
                return self.render(request, "roster.html", account, csrf, roster=None, result=None, token=None,
                                   error=exc.zh if self.lang(request) == "zh" else exc.en, status=422)
            token = None
            if not roster.error_rows:
                token = secrets.token_urlsafe(24)
                with self._lock:
                    now = time.time()
                    self._pending = {k: v for k, v in self._pending.items() if v[0] > now}
                    self._pending[token] = (now + PENDING_SECONDS, account.username, data)
            return self.render(request, "roster.html", account, csrf, roster=roster, result=None, token=token)

        @r.post("/roster/confirm", response_class=HTMLResponse)
        async def roster_confirm(request: Request) -> Response:
            account, csrf = self.who(request)
            self._need_county(account)
            form = await self.form(request, csrf)
            with self._lock:
                pending = self._pending.pop(str(form.get("token") or ""), None)
            if pending is None or pending[1] != account.username or pending[0] < time.time():
                raise Denied(409, "not_found")
            from sync.server.roster import import_roster

            result = await run_in_threadpool(import_roster, self.county, pending[2], actor=account.username)
            return self.render(request, "roster.html", account, csrf, roster=None, result=result, token=None)

        # ----- spot checks ----------------------------------------------------------
        @r.get("/spotchecks", response_class=HTMLResponse)
        def spot_page(request: Request, day: str = "") -> Response:
            account, csrf = self.who(request)
            day = _day(day)
            with self.engine.begin() as conn:
                if account.can_write:
                    spotcheck.draw(conn, day, self.policy.spot_check_rate, account.username)
                info = spotcheck.day_info(conn, day)
                rows = spotcheck.checks(conn, account, day=day)
                log_access(conn, account.username, "view_spot_checks", day, [x.household_id for x in rows])
            return self.render(request, "spotchecks.html", account, csrf, day=day, info=info, rows=rows,
                               outcomes=spotcheck.OUTCOMES, report=False)

        @r.post("/spotchecks/{visit_id}")
        async def spot_record(request: Request, visit_id: str) -> Response:
            account, csrf = self.who(request)
            if not account.can_write:
                raise Denied(403, "readonly_note")
            form = await self.form(request, csrf)

            def save() -> None:
                with self.county._write() as conn:
                    spotcheck.record(conn, account, visit_id[:64], str(form.get("outcome") or ""),
                                     str(form.get("note") or ""), county=self.county.county,
                                     deadline_days=self.policy.rectification_deadline_days)

            try:
                await run_in_threadpool(save)
            except FieldappError as exc:
                return self.render(request, "error.html", account, csrf, status=422,
                                   key=exc.zh if self.lang(request) == "zh" else exc.en)
            return RedirectResponse(f"/dashboard/spotchecks?day={quote(_day(str(form.get('day') or '')))}", 303)

        @r.get("/spotchecks/report", response_class=HTMLResponse)
        def spot_report(request: Request) -> Response:
            account, csrf = self.who(request)
            with self.engine.begin() as conn:
                rows = spotcheck.checks(conn, account, outcome="discrepancy")
                log_access(conn, account.username, "view_discrepancies", "", [x.household_id for x in rows])
            return self.render(request, "spotchecks.html", account, csrf, day="", info=None, rows=rows,
                               outcomes=spotcheck.OUTCOMES, report=True)

        # ----- exports --------------------------------------------------------------
        @r.get("/exports", response_class=HTMLResponse)
        def exports_page(request: Request) -> Response:
            account, csrf = self.who(request)
            with self.engine.connect() as conn:
                villages = queries.known_village_codes(conn, account)
                names = queries.village_names(conn)
            return self.render(request, "exports.html", account, csrf, villages=villages, names=names)

        @r.get("/export.xlsx")
        def export_xlsx(request: Request, village: str = "") -> Response:
            account, _csrf = self.who(request)
            if village:
                self.scope_for(account, village)
            from sync.server.exports import export_workbook

            data = export_workbook(self.engine, account, county=self.county.county, village=village or None)
            stamp = time.strftime("%Y%m%d-%H%M%S")
            return Response(data, media_type=XLSX, headers={
                "Content-Disposition": f"attachment; filename=fieldapp-{village or self.county.county}-{stamp}.xlsx"})

        @r.get("/village/{code}/summary.pdf")
        def village_pdf(request: Request, code: str) -> Response:
            account, _csrf = self.who(request)
            scope = self.scope_for(account, code)
            if scope.kind != "village":
                raise Denied(404, "not_found")
            lang = self.lang(request)
            ctx = self.area_context(account, scope, "code", False)
            html = self.env.get_template("summary.html").render(
                t=lambda k: tr(k, lang), lang=lang, county=self.county.county, account=account,
                made_at=time.strftime("%Y-%m-%d %H:%M"), bars=self._bars(ctx, lang),
                month_chart=charts.columns(ctx["months"], (tr("opened", lang), tr("closed", lang))), **ctx)
            from sync.server.exports import village_summary_pdf

            try:
                pdf = village_summary_pdf(html)
            except RuntimeError as exc:
                return Response(str(exc), status_code=503, media_type="text/plain")
            return Response(pdf, media_type="application/pdf", headers={
                "Content-Disposition": f"inline; filename=village-{scope.code}.pdf"})

        # ----- devices --------------------------------------------------------------
        @r.get("/devices", response_class=HTMLResponse)
        def devices_page(request: Request) -> Response:
            account, csrf = self.who(request)
            return self._devices(request, account, csrf)

        @r.post("/devices/enroll", response_class=HTMLResponse)
        async def devices_enroll(request: Request) -> Response:
            account, csrf = self.who(request)
            self._need_county(account)
            form = await request.form()
            if not same_token(str(form.get("csrf") or ""), csrf):
                raise Denied(403, "csrf")
            villages = [str(v) for v in form.getlist("village") if str(v)]
            try:
                code = await run_in_threadpool(self.county.create_enroll_code, villages,
                                               str(form.get("cadre") or "").strip()[:100])
            except FieldappError as exc:
                return self._devices(request, account, csrf, error=exc.zh if self.lang(request) == "zh" else exc.en)
            import segno

            qr = segno.make(code, error="m").svg_inline(scale=4)
            return self._devices(request, account, csrf, code=code, qr=qr, code_villages=villages)

        @r.post("/devices/{device_id}/revoke")
        async def devices_revoke(request: Request, device_id: str) -> Response:
            account, csrf = self.who(request)
            self._need_county(account)
            await self.form(request, csrf)
            await run_in_threadpool(self.county.revoke, device_id[:64])
            return RedirectResponse("/dashboard/devices", 303)

        # ----- access log -----------------------------------------------------------
        @r.get("/access-log", response_class=HTMLResponse)
        def access_log_page(request: Request, household: str = "") -> Response:
            account, csrf = self.who(request)
            self._need_county(account)
            rows = access_entries(self.engine, 300, household[:64] or None)
            return self.render(request, "access_log.html", account, csrf, rows=rows, household=household)

        # ----- accounts (county role) ------------------------------------------------
        @r.get("/accounts", response_class=HTMLResponse)
        def accounts_page(request: Request) -> Response:
            account, csrf = self.who(request)
            self._need_county(account)
            return self._accounts(request, account, csrf)

        @r.post("/accounts", response_class=HTMLResponse)
        async def accounts_create(request: Request) -> Response:
            account, csrf = self.who(request)
            self._need_county(account)
            form = await self.form(request, csrf)
            user = str(form.get("username") or "").strip()[:64]
            role = str(form.get("role") or "")
            password = str(form.get("password") or "") or new_password()
            try:
                await run_in_threadpool(add_account, self.engine, self.county.county, account.username, user,
                                        password, role, str(form.get("township") or "")[:9] or None)
            except FieldappError as exc:
                return self._accounts(request, account, csrf, status=422, form=form,
                                      error=exc.zh if self.lang(request) == "zh" else exc.en)
            return self._accounts(request, account, csrf, done="account_created", target=user, password=password)

        @r.post("/accounts/{username}/{action}", response_class=HTMLResponse)
        async def accounts_change(request: Request, username: str, action: str) -> Response:
            account, csrf = self.who(request)
            self._need_county(account)
            form = await self.form(request, csrf)
            username = username[:64]
            password = None
            try:
                if action in ("disable", "enable"):
                    await run_in_threadpool(set_disabled, self.engine, account.username, username, action == "disable")
                elif action == "password":
                    password = str(form.get("password") or "") or new_password()
                    await run_in_threadpool(reset_password, self.engine, account.username, username, password)
                else:
                    raise Denied(404, "not_found")
            except FieldappError as exc:
                return self._accounts(request, account, csrf, status=422,
                                      error=exc.zh if self.lang(request) == "zh" else exc.en)
            return self._accounts(request, account, csrf, done=f"account_{action}d" if action != "password"
                                  else "account_password_reset", target=username, password=password)

        # ----- JSON API ---------------------------------------------------------------
        @r.get("/api/summary/{code}")
        def api_summary(request: Request, code: str) -> Any:
            account, _csrf = self.who(request)
            scope = self.scope_for(account, code)
            ctx = self.area_context(account, scope, "code", False)
            total: queries.Unit = ctx["total"]
            return {"scope": {"kind": scope.kind, "code": scope.code}, "households": total.households,
                    "monitored": total.monitored, "by_type": total.by_type, "by_monitoring": total.by_monitoring,
                    "indicators": total.indicators, "overdue": total.overdue, "open_problems": total.open_problems,
                    "conflicts": total.conflicts, "visited": total.visited, "all_met": total.all_met,
                    "units": [{"code": u.code, "households": u.households, "monitored": u.monitored,
                               "open_problems": u.open_problems, "overdue": u.overdue} for u in ctx["rows"]],
                    "problems_by_age": ctx["problems"], "devices": len(ctx["devices"])}

        @r.get("/api/village/{code}/households")
        def api_households(request: Request, code: str) -> Any:
            account, _csrf = self.who(request)
            scope = self.scope_for(account, code)
            if scope.kind != "village":
                raise Denied(404, "not_found")
            with self.engine.begin() as conn:
                rows = queries.households_of_village(conn, scope.code)
                if not rows:
                    raise Denied(404, "not_found")
                log_access(conn, account.username, "api_households", scope.code, [h.household_id for h in rows])
            return [{"id": h.household_id, "roster_no": h.roster_no, "head_name": h.head_name, "group": h.grp,
                     "monitoring_type": h.monitoring_type, "household_type": h.household_type,
                     "overall": h.overall, "last_visit_at": h.last_visit_at} for h in rows]

    def _need_county(self, account: Account) -> None:
        if not account.is_county:
            raise Denied(403, "forbidden")

    def _bars(self, ctx: dict[str, Any], lang: str) -> Any:
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
                                  legend=(tr("households", lang), tr("monitored", lang)))
        share = charts.hbars([(name(u.code), u.all_met_share or 0.0, 0.0) for u in rows], max_value=1.0,
                             percent=True, colors=("#27ae60", "#27ae60"))
        return {"households": households, "share": share, "name": name}

    def _accounts(self, request: Request, account: Account, csrf: str, status: int = 200, **extra: Any) -> HTMLResponse:
        with self.engine.connect() as conn:
            townships = sorted({v[:9] for v in queries.known_village_codes(conn, account)})
            names = queries.village_names(conn)
        tnames = {tc: next((v[1] for k, v in names.items() if k.startswith(tc) and v[1]), "") for tc in townships}
        return self.render(request, "accounts.html", account, csrf, status=status, accounts=list_accounts(self.engine),
                           roles=ROLES, townships=tnames, min_password=MIN_PASSWORD, form=extra.get("form") or {},
                           error=extra.get("error"), done=extra.get("done"), target=extra.get("target"),
                           password=extra.get("password"))

    def _devices(self, request: Request, account: Account, csrf: str, **extra: Any) -> HTMLResponse:
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


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _day(text: str) -> str:
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        return date.today().isoformat()


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def mount(app: FastAPI, county: Any) -> Dashboard:
    """Add the dashboard's routes and error pages to the county app."""
    dash = Dashboard(county)
    app.include_router(dash.router)

    async def _login(request: Request, _exc: Exception) -> Response:
        if request.url.path.startswith("/dashboard/api/"):
            return JSONResponse({"code": "login_required", "reason": "log in first", "reason_zh": "请先登录"}, 401)
        return RedirectResponse("/dashboard/login", 303)

    async def _denied(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Denied)
        if request.url.path.startswith("/dashboard/api/"):
            return JSONResponse({"code": exc.key, "reason": tr(exc.key, "en"), "reason_zh": tr(exc.key, "zh")},
                                exc.status)
        found = session_account(dash.engine, request.cookies.get(SESSION_COOKIE))
        return dash.render(request, "error.html", found[0] if found else None, found[1] if found else "",
                           status=exc.status, key=exc.key)

    app.add_exception_handler(Denied, _denied)
    app.add_exception_handler(LoginRequired, _login)
    return dash
