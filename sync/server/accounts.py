"""Admin accounts of the county dashboard: argon2 password hashes, roles,
sessions and the access log (DESIGN §6: every view or export of personal data
is recorded: who, when, which households).

Roles: ``county`` (everything), ``township`` (the villages of one township,
whose 9-digit code the account names) and ``readonly`` (sees the whole county,
changes nothing).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.engine import Connection, Engine

from fieldapp.errors import InputRefused
from fieldapp.store import utc_now
from sync.server import dash_tables as d
from sync.server.ingest import chunks
from sync.server.throttle import Throttle

ROLES = ("county", "township", "readonly")
SESSION_SECONDS = 8 * 3600
MIN_PASSWORD = 10
USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
_hasher = PasswordHasher()
# A hash to verify against when the user does not exist, so timing does not tell.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


@dataclass(frozen=True)
class Account:
    """A logged-in dashboard user."""

    username: str
    role: str
    township: str | None
    must_change: bool = False

    @property
    def can_write(self) -> bool:
        return self.role in ("county", "township")

    @property
    def is_county(self) -> bool:
        return self.role == "county"

    def sees_village(self, village_code: str) -> bool:
        if self.role == "township":
            return bool(self.township) and village_code.startswith(str(self.township))
        return True

    def sees_township(self, township_code: str) -> bool:
        return self.role != "township" or township_code == self.township

    def village_filter(self, column: Any) -> Any:
        """A WHERE clause limiting ``column`` (a village code) to this account's villages."""
        if self.role == "township":
            return column.like(f"{self.township}%")
        return sa.true()


def _checked(county: str, username: str, role: str, township: str | None) -> str | None:
    """The township code to store, after checking the user name, role and township.

    Raises:
        InputRefused: a bad user name, role or township code.
    """
    if not USERNAME.match(username):
        raise InputRefused("the user name may hold 2-64 letters, digits and _ . @ -",
                           "用户名须为2到64位字母、数字或 _ . @ -")
    if role not in ROLES:
        raise InputRefused(f"role must be one of {', '.join(ROLES)}", f"角色须为 {'、'.join(ROLES)} 之一")
    if role == "township":
        if not (township and len(township) == 9 and township.isdigit() and township.startswith(county)):
            raise InputRefused(f"a township account needs the 9-digit code of a township of county {county}"
                               " (--township on the command line)",
                               f"乡镇账号须指定本县（{county}）的9位乡镇代码（命令行用 --township）")
        return township
    return None


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputRefused(f"the password must have at least {MIN_PASSWORD} characters",
                           f"密码至少需要{MIN_PASSWORD}个字符")


def new_password() -> str:
    """A random initial password (16 characters, shown to the admin once)."""
    return secrets.token_urlsafe(12)


def create_account(engine: Engine, county: str, username: str, password: str, role: str,
                   township: str | None = None) -> Account:
    """Create (or reset the password and role of) an account (command line).

    Raises:
        InputRefused: bad user name, role, township code or a too-short password.
    """
    township = _checked(county, username, role, township)
    _check_password(password)
    row = {"username": username, "password_hash": _hasher.hash(password), "role": role, "township": township,
           "created_at": utc_now(), "disabled": False}
    with engine.begin() as conn:
        exists = conn.execute(sa.select(d.accounts.c.username).where(d.accounts.c.username == username)).first()
        if exists:
            conn.execute(d.accounts.update().where(d.accounts.c.username == username).values(
                password_hash=row["password_hash"], role=role, township=township, disabled=False))
            conn.execute(d.sessions.delete().where(d.sessions.c.username == username))
        else:
            conn.execute(d.accounts.insert().values(**row))
    return Account(username, role, township)


def add_account(engine: Engine, county: str, actor: str, username: str, password: str, role: str,
                township: str | None = None) -> Account:
    """Create a new account from the dashboard (never overwrites one), recorded in the access log.

    Raises:
        InputRefused: bad user name, role, township code, a too-short password, or the user exists.
    """
    username = username.strip()
    township = _checked(county, username, role, (township or "").strip() or None)
    _check_password(password)
    with engine.begin() as conn:
        if conn.execute(sa.select(d.accounts.c.username).where(d.accounts.c.username == username)).first():
            raise InputRefused(f"the account '{username}' already exists", f"账号“{username}”已存在")
        conn.execute(d.accounts.insert().values(username=username, password_hash=_hasher.hash(password), role=role,
                                                township=township, created_at=utc_now(), disabled=False,
                                                must_change=True))
        log_access(conn, actor, "account_create", f"{username} {role}{' ' + township if township else ''}", [])
    return Account(username, role, township)


def _existing(conn: Connection, username: str) -> Any:
    row = conn.execute(sa.select(d.accounts).where(d.accounts.c.username == username)).first()
    if row is None:
        raise InputRefused(f"no account '{username}'", f"没有账号“{username}”")
    return row


def set_disabled(engine: Engine, actor: str, username: str, disabled: bool) -> None:
    """Disable (ending its sessions) or re-enable an account, recorded in the access log.

    Raises:
        InputRefused: no such account, or an admin disabling their own account.
    """
    if disabled and username == actor:
        raise InputRefused("you cannot disable your own account", "不能停用自己的账号")
    with engine.begin() as conn:
        _existing(conn, username)
        conn.execute(d.accounts.update().where(d.accounts.c.username == username).values(disabled=disabled))
        if disabled:
            conn.execute(d.sessions.delete().where(d.sessions.c.username == username))
        log_access(conn, actor, "account_disable" if disabled else "account_enable", username, [])


def reset_password(engine: Engine, actor: str, username: str, password: str) -> None:
    """Set a new password (ending the account's sessions), recorded in the access log.

    Raises:
        InputRefused: no such account or a too-short password.
    """
    _check_password(password)
    with engine.begin() as conn:
        _existing(conn, username)
        conn.execute(d.accounts.update().where(d.accounts.c.username == username)
                     .values(password_hash=_hasher.hash(password), must_change=username != actor))
        conn.execute(d.sessions.delete().where(d.sessions.c.username == username))
        log_access(conn, actor, "account_password", username, [])


def change_own_password(engine: Engine, username: str, current: str, new: str) -> None:
    """The account holder sets a password of their own (ends ``must_change``), recorded in the access log.

    Raises:
        InputRefused: the current password is wrong, the new one is too short or the same.
    """
    if check_password(engine, username, current) is None:
        raise InputRefused("the current password is wrong", "当前密码不正确")
    if new == current:
        raise InputRefused("choose a password different from the one you were given", "新密码不能与原密码相同")
    _check_password(new)
    with engine.begin() as conn:
        conn.execute(d.accounts.update().where(d.accounts.c.username == username)
                     .values(password_hash=_hasher.hash(new), must_change=False))
        log_access(conn, username, "own_password", username, [])


def list_accounts(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(d.accounts).order_by(d.accounts.c.username)).all()
    return [{"username": r.username, "role": r.role, "township": r.township, "created_at": r.created_at,
             "last_login": r.last_login, "disabled": bool(r.disabled)} for r in rows]


def check_password(engine: Engine, username: str, password: str) -> Account | None:
    """The account if the password is right (argon2, constant work when the user is unknown)."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(d.accounts).where(d.accounts.c.username == username)).first()
    try:
        _hasher.verify(row.password_hash if row is not None else _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if row is None or row.disabled:
        return None
    with engine.begin() as conn:
        values: dict[str, Any] = {"last_login": utc_now()}
        if _hasher.check_needs_rehash(row.password_hash):
            values["password_hash"] = _hasher.hash(password)
        conn.execute(d.accounts.update().where(d.accounts.c.username == username).values(**values))
    return Account(row.username, row.role, row.township, bool(row.must_change))


def try_login(engine: Engine, username: str, password: str, address: str) -> tuple[Account | None, Throttle]:
    """A login attempt under the throttle (sync.server.throttle): a locked account or address is
    refused before any password work; a failure counts and may lock; throttling goes to the access log."""
    from sync.server import throttle

    name = "".join(ch for ch in username if ch.isprintable())[:150]
    with engine.connect() as conn:
        locked = throttle.check(conn, name, address)
    if locked.locked:
        return None, locked
    plausible = name == username and 0 < len(username) <= 64
    account = check_password(engine, username, password) if plausible else None
    if account is not None:
        throttle.succeeded(engine, name)
        return account, Throttle(False)
    locked = throttle.failed(engine, name, address)
    if locked.locked:
        with engine.begin() as conn:
            log_access(conn, name, "login_throttled", f"from {address[:64]}, {locked.key.split(':')[0]} locked until "
                       f"{time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(locked.until))}", [])
    return None, Throttle(False)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_session(engine: Engine, account: Account, now: float | None = None) -> tuple[str, str]:
    """Start a session; returns (cookie token, CSRF token). Only the token's hash is stored."""
    now = time.time() if now is None else now
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(d.sessions.delete().where(d.sessions.c.expires_at < int(now)))
        conn.execute(d.sessions.insert().values(token_hash=_digest(token), username=account.username, csrf=csrf,
                                                created_at=utc_now(), expires_at=int(now) + SESSION_SECONDS))
    return token, csrf


def session_account(engine: Engine, token: str | None, now: float | None = None) -> tuple[Account, str] | None:
    """(account, CSRF token) of a live session cookie, else None."""
    if not token or len(token) > 200:
        return None
    now = time.time() if now is None else now
    s, a = d.sessions.c, d.accounts.c
    with engine.connect() as conn:
        row = conn.execute(sa.select(a.username, a.role, a.township, a.disabled, a.must_change, s.csrf, s.expires_at)
                           .select_from(d.sessions.join(d.accounts, s.username == a.username))
                           .where(s.token_hash == _digest(token))).first()
    if row is None or row.expires_at < now or row.disabled:
        return None
    return Account(row.username, row.role, row.township, bool(row.must_change)), row.csrf


def end_session(engine: Engine, token: str | None) -> None:
    if token:
        with engine.begin() as conn:
            conn.execute(d.sessions.delete().where(d.sessions.c.token_hash == _digest(token)))


def same_token(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


def log_access(conn: Connection, username: str, action: str, detail: str, household_ids: Iterable[str]) -> int:
    """Record that ``username`` saw or exported the personal data of these households."""
    ids = sorted(set(household_ids))
    res = conn.execute(d.access_log.insert().values(at=utc_now(), username=username, action=action,
                                                    detail=detail, households=len(ids)))
    log_id = int(res.inserted_primary_key[0])  # type: ignore[index]
    for batch in chunks(ids, 5000):
        conn.execute(d.access_log_households.insert(), [{"log_id": log_id, "household_id": h} for h in batch])
    return log_id


def access_entries(engine: Engine, limit: int = 200, household_id: str | None = None) -> list[dict[str, Any]]:
    """The newest access-log entries (optionally those touching one household)."""
    al, ah = d.access_log.c, d.access_log_households.c
    q = sa.select(d.access_log).order_by(al.id.desc()).limit(limit)
    if household_id:
        q = q.where(al.id.in_(sa.select(ah.log_id).where(ah.household_id == household_id)))
    with engine.connect() as conn:
        rows = conn.execute(q).all()
        out = []
        for r in rows:
            sample = [h for (h,) in conn.execute(sa.select(ah.household_id).where(ah.log_id == r.id).limit(5))]
            out.append({"id": r.id, "at": r.at, "username": r.username, "action": r.action, "detail": r.detail,
                        "households": r.households, "sample": sample})
    return out


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
