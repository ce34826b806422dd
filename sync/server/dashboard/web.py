"""The county dashboard (mounted under ``/dashboard``).

Every page needs a logged-in account (session cookie: random, HttpOnly,
SameSite=Strict, expiring); every form POST carries the session's CSRF token;
township accounts see only their own villages, by page and by API (403).
Views and exports of personal data go to the access log.

The routes are in ``routes/`` (one router per area), the shared plumbing in
``site.Dashboard``, the logged-in account and its scope come from ``deps``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from sync.server.accounts import session_account
from sync.server.dashboard.i18n import tr
from sync.server.dashboard.routes import ROUTERS
from sync.server.dashboard.site import (
    PASSWORD_PAGE,
    SESSION_COOKIE,
    Dashboard,
    Denied,
    LoginRequired,
    PasswordChangeRequired,
)


def mount(app: FastAPI, county: Any) -> Dashboard:
    """Add the dashboard's routes and error pages to the county app."""
    dash = Dashboard(county)
    app.state.dashboard = dash
    for router in ROUTERS:
        app.include_router(router)

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

    async def _must_change(request: Request, _exc: Exception) -> Response:
        if request.url.path.startswith("/dashboard/api/"):
            return JSONResponse({"code": "password_change", "reason": tr("must_change", "en"),
                                 "reason_zh": tr("must_change", "zh")}, 403)
        return RedirectResponse(PASSWORD_PAGE, 303)

    app.add_exception_handler(Denied, _denied)
    app.add_exception_handler(PasswordChangeRequired, _must_change)
    app.add_exception_handler(LoginRequired, _login)
    return dash
