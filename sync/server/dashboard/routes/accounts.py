"""Accounts: logging in and out, the county's account management and the access log."""

from __future__ import annotations

import asyncio
import secrets
import time

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from fieldapp.errors import FieldappError, InputRefused
from sync.server import divisions
from sync.server.accounts import (
    SESSION_SECONDS,
    access_entries,
    add_account,
    change_own_password,
    end_session,
    new_password,
    new_session,
    reset_password,
    same_token,
    set_disabled,
    try_login,
)
from sync.server.dashboard.deps import CountyCurrent, Current, Dash, Form
from sync.server.dashboard.site import LOGIN_COOKIE, SESSION_COOKIE, Dashboard, Denied

router = APIRouter(prefix="/dashboard", include_in_schema=False)
# Password checks (argon2: 64 MiB and tens of ms each) run at most two at a time, so that a
# crowd of failed logins cannot take the server's CPU and memory from other requests.
_VERIFYING = asyncio.Semaphore(2)


def _login_form(request: Request, dash: Dashboard, error: str | None = None, status: int = 200,
                until: str = "") -> Response:
    token = secrets.token_urlsafe(24)
    resp = dash.render(request, "login.html", None, csrf=token, error=error, status=status, until=until)
    resp.set_cookie(LOGIN_COOKIE, token, max_age=1800, httponly=True, samesite="strict",
                    secure=request.url.scheme == "https", path="/dashboard")
    return resp


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, dash: Dash) -> Response:
    return _login_form(request, dash)


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request, dash: Dash) -> Response:
    form = await request.form()
    if not same_token(str(form.get("csrf") or ""), request.cookies.get(LOGIN_COOKIE)):
        raise Denied(403, "csrf")
    address = request.client.host if request.client else "?"
    async with _VERIFYING:  # a crowd of logins waits here, without a thread, CPU or memory each
        account, locked = await run_in_threadpool(try_login, dash.engine, str(form.get("username") or ""),
                                                  str(form.get("password") or ""), address)
    if locked.locked:
        return _login_form(request, dash, "login_locked", 429,
                           until=time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(locked.until)))
    if account is None:
        return _login_form(request, dash, "bad_login", 401)
    token, _csrf = new_session(dash.engine, account)
    resp: Response = RedirectResponse(dash.home_of(account), 303)
    resp.set_cookie(SESSION_COOKIE, token, max_age=SESSION_SECONDS, httponly=True, samesite="strict",
                    secure=request.url.scheme == "https", path="/dashboard")
    resp.delete_cookie(LOGIN_COOKIE, path="/dashboard")
    return resp


@router.post("/logout")
def logout(request: Request, _form: Form, dash: Dash) -> Response:
    end_session(dash.engine, request.cookies.get(SESSION_COOKIE))
    resp = RedirectResponse("/dashboard/login", 303)
    resp.delete_cookie(SESSION_COOKIE, path="/dashboard")
    return resp


@router.get("/password", response_class=HTMLResponse)
def password_page(request: Request, current: Current, dash: Dash) -> Response:
    return dash.render(request, "password.html", current.account, current.csrf, error=None, done=False)


@router.post("/password", response_class=HTMLResponse)
async def password_change(request: Request, current: Current, form: Form, dash: Dash) -> Response:
    new = str(form.get("new") or "")
    try:
        if new != str(form.get("repeat") or ""):
            raise InputRefused("the two new passwords differ", "两次输入的新密码不一致")
        await run_in_threadpool(change_own_password, dash.engine, current.account.username,
                                str(form.get("current") or ""), new)
    except FieldappError as exc:
        return dash.render(request, "password.html", current.account, current.csrf, status=422,
                           error=dash.message(request, exc), done=False)
    return RedirectResponse(dash.home_of(current.account), 303)


@router.get("/access-log", response_class=HTMLResponse)
def access_log_page(request: Request, current: CountyCurrent, dash: Dash, household: str = "") -> Response:
    rows = access_entries(dash.engine, 300, household[:64] or None)
    return dash.render(request, "access_log.html", current.account, current.csrf, rows=rows, household=household)


@router.get("/accounts", response_class=HTMLResponse)
def accounts_page(request: Request, current: CountyCurrent, dash: Dash) -> Response:
    return dash.accounts_page(request, current.account, current.csrf)


@router.post("/accounts", response_class=HTMLResponse)
async def accounts_create(request: Request, current: CountyCurrent, form: Form, dash: Dash) -> Response:
    account, csrf = current.account, current.csrf
    user = str(form.get("username") or "").strip()[:64]
    role = str(form.get("role") or "")
    password = str(form.get("password") or "") or new_password()
    township = str(form.get("township") or "").strip()[:9] or None
    try:
        if role == "township" and township:
            with dash.engine.connect() as conn:
                divisions.check_township(conn, dash.county.county, township)
        await run_in_threadpool(add_account, dash.engine, dash.county.county, account.username, user,
                                password, role, township)
    except FieldappError as exc:
        return dash.accounts_page(request, account, csrf, status=422, form=form, error=dash.message(request, exc))
    return dash.accounts_page(request, account, csrf, done="account_created", target=user, password=password)


@router.post("/accounts/{username}/{action}", response_class=HTMLResponse)
async def accounts_change(request: Request, username: str, action: str, current: CountyCurrent, form: Form,
                          dash: Dash) -> Response:
    account, csrf = current.account, current.csrf
    username = username[:64]
    password = None
    try:
        if action in ("disable", "enable"):
            await run_in_threadpool(set_disabled, dash.engine, account.username, username, action == "disable")
        elif action == "password":
            password = str(form.get("password") or "") or new_password()
            await run_in_threadpool(reset_password, dash.engine, account.username, username, password)
        else:
            raise Denied(404, "not_found")
    except FieldappError as exc:
        return dash.accounts_page(request, account, csrf, status=422, error=dash.message(request, exc))
    done = f"account_{action}d" if action != "password" else "account_password_reset"
    return dash.accounts_page(request, account, csrf, done=done, target=username, password=password)
