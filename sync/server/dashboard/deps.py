"""FastAPI dependencies of the dashboard routes: the dashboard, the logged-in account and its scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData

from sync.server.accounts import Account
from sync.server.dashboard.queries import Scope
from sync.server.dashboard.site import PASSWORD_PAGE, Dashboard, Denied, PasswordChangeRequired


def dashboard(request: Request) -> Dashboard:
    """The dashboard mounted on this app (``mount`` puts it on ``app.state``)."""
    dash: Dashboard = request.app.state.dashboard
    return dash


Dash = Annotated[Dashboard, Depends(dashboard)]


@dataclass(frozen=True)
class Session:
    """The logged-in account and its session's CSRF token."""

    account: Account
    csrf: str


def session(request: Request, dash: Dash) -> Session:
    """The logged-in account; one that must change its password reaches only that page (and logout)."""
    account, csrf = dash.who(request)
    if account.must_change and request.url.path not in (PASSWORD_PAGE, "/dashboard/logout"):
        raise PasswordChangeRequired()
    return Session(account, csrf)


Current = Annotated[Session, Depends(session)]


def county_session(current: Current) -> Session:
    """The session of a county account; other roles get 403."""
    if not current.account.is_county:
        raise Denied(403, "forbidden")
    return current


CountyCurrent = Annotated[Session, Depends(county_session)]


def writer_session(current: Current) -> Session:
    """The session of an account that may change data (not read-only)."""
    if not current.account.can_write:
        raise Denied(403, "readonly_note")
    return current


WriterCurrent = Annotated[Session, Depends(writer_session)]


def area_scope(code: str, current: Current, dash: Dash) -> Scope:
    """The county, township or village named by the path's ``code``, if the account may see it."""
    return dash.scope_for(current.account, code)


AreaScope = Annotated[Scope, Depends(area_scope)]


def village_scope(scope: AreaScope) -> Scope:
    """Like ``area_scope`` but only a village."""
    if scope.kind != "village":
        raise Denied(404, "not_found")
    return scope


VillageScope = Annotated[Scope, Depends(village_scope)]


async def form_of(request: Request, current: Current, dash: Dash) -> FormData:
    """The POSTed form, after checking its CSRF token against the session's."""
    return await dash.form(request, current.csrf)


Form = Annotated[FormData, Depends(form_of)]
