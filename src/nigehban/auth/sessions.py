"""Server-side sessions, API tokens and the key that signs cookies.

A session or token is 32 random bytes given to the browser or script once; the store keeps only
its SHA-256, so a copy of the database does not let anyone in. A session carries its own CSRF
token and knows whether the second factor was given. Sessions end after a time idle and after a
maximum age, whichever comes first.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from nigehban.auth.accounts import User, UserNotFound, find_user, new_id
from nigehban.auth.roles import Permission, Role, permissions_of
from nigehban.errors import NigehbanError
from nigehban.store.changelog import ChangeLogWriter
from nigehban.store.schema import API_TOKENS, APP_SECRETS, USER_SESSIONS, USERS, utcnow

__all__ = [
    "SESSION_TOUCH_INTERVAL",
    "Principal",
    "SessionConfig",
    "SessionExpired",
    "app_secret",
    "create_api_token",
    "end_session",
    "end_sessions_of",
    "list_api_tokens",
    "principal_for_session",
    "principal_for_token",
    "revoke_api_token",
    "start_session",
    "verify_session",
]

# last_seen_at is written at most this often, so that reading pages does not write on every request
SESSION_TOUCH_INTERVAL = dt.timedelta(minutes=1)


class SessionExpired(NigehbanError):
    """The session timed out or was ended (signed out, password changed, account disabled)."""


@dataclasses.dataclass(frozen=True, slots=True)
class SessionConfig:
    """How long a session lives: ``idle`` without a request, ``max_age`` at most."""

    idle: dt.timedelta = dt.timedelta(minutes=60)
    max_age: dt.timedelta = dt.timedelta(hours=12)


@dataclasses.dataclass(frozen=True, slots=True)
class Principal:
    """Who is making a request, and through what (a browser session or an API token)."""

    user_id: int
    name: str
    role: Role
    via: str  # "session" or "token"
    session_id: int | None = None
    csrf_token: str | None = None
    verified: bool = True  # False while a session waits for the second factor

    @property
    def permissions(self) -> frozenset[Permission]:
        return permissions_of(self.role)

    def can(self, permission: Permission) -> bool:
        """Whether this principal's role grants ``permission``."""
        return permission in self.permissions


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def app_secret(connection: Connection, name: str = "cookie_key") -> str:
    """The installation's secret of that name, made (and stored for every worker) on first use."""
    found = connection.execute(select(APP_SECRETS.c.value).where(APP_SECRETS.c.name == name)).scalar()
    if found is not None:
        return str(found)
    value = secrets.token_urlsafe(48)
    try:
        with connection.begin_nested():
            connection.execute(insert(APP_SECRETS).values(name=name, value=value, created_at=utcnow()))
    except IntegrityError:  # another worker made it first
        return str(connection.execute(select(APP_SECRETS.c.value).where(APP_SECRETS.c.name == name)).scalar_one())
    return value


def start_session(
    connection: Connection,
    user: User,
    *,
    verified: bool,
    ip: str | None = None,
    user_agent: str | None = None,
    config: SessionConfig | None = None,
) -> tuple[str, Principal]:
    """Open a session for ``user``; returns the token (for the cookie) and the principal."""
    config = config or SessionConfig()
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = utcnow()
    session_id = new_id(
        connection.execute(
            insert(USER_SESSIONS).values(
                token_hash=_hash(token),
                user_id=user.id,
                csrf_token=csrf,
                verified=verified,
                created_at=now,
                last_seen_at=now,
                expires_at=now + config.max_age,
                ip=ip,
                user_agent=(user_agent or "")[:300] or None,
            )
        )
    )
    principal = Principal(
        user_id=user.id,
        name=user.name,
        role=user.role,
        via="session",
        session_id=int(session_id),
        csrf_token=csrf,
        verified=verified,
    )
    return token, principal


def principal_for_session(
    connection: Connection, token: str, *, config: SessionConfig | None = None, now: dt.datetime | None = None
) -> Principal:
    """The principal of a live session; :class:`SessionExpired` if it timed out or ended."""
    config = config or SessionConfig()
    now = now or utcnow()
    row = connection.execute(
        select(
            USER_SESSIONS.c.id,
            USER_SESSIONS.c.user_id,
            USER_SESSIONS.c.csrf_token,
            USER_SESSIONS.c.verified,
            USER_SESSIONS.c.last_seen_at,
            USER_SESSIONS.c.expires_at,
            USER_SESSIONS.c.ended_at,
            USERS.c.name,
            USERS.c.role,
            USERS.c.active,
        )
        .join(USERS, USERS.c.id == USER_SESSIONS.c.user_id)
        .where(USER_SESSIONS.c.token_hash == _hash(token))
    ).first()
    if row is None or row.ended_at is not None or not row.active:
        raise SessionExpired("your session has ended; sign in again")
    if now >= row.expires_at or now - row.last_seen_at >= config.idle:
        connection.execute(update(USER_SESSIONS).where(USER_SESSIONS.c.id == row.id).values(ended_at=now))
        raise SessionExpired("your session has expired; sign in again")
    if now - row.last_seen_at >= SESSION_TOUCH_INTERVAL:
        connection.execute(update(USER_SESSIONS).where(USER_SESSIONS.c.id == row.id).values(last_seen_at=now))
    return Principal(
        user_id=row.user_id,
        name=row.name,
        role=row.role,
        via="session",
        session_id=row.id,
        csrf_token=row.csrf_token,
        verified=row.verified,
    )


def verify_session(connection: Connection, session_id: int) -> str:
    """Mark a session's second factor as given; returns a fresh CSRF token (the old one is dropped)."""
    csrf = secrets.token_urlsafe(32)
    connection.execute(
        update(USER_SESSIONS).where(USER_SESSIONS.c.id == session_id).values(verified=True, csrf_token=csrf)
    )
    return csrf


def end_session(connection: Connection, session_id: int) -> None:
    """Sign a session out."""
    connection.execute(
        update(USER_SESSIONS)
        .where(USER_SESSIONS.c.id == session_id, USER_SESSIONS.c.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def end_sessions_of(connection: Connection, user_id: int) -> None:
    """Sign every browser of one user out (after a password change, a role change, disabling)."""
    connection.execute(
        update(USER_SESSIONS)
        .where(USER_SESSIONS.c.user_id == user_id, USER_SESSIONS.c.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def create_api_token(connection: Connection, name: str, *, label: str, actor: str) -> str:
    """A new bearer token for user ``name``; shown once, only its hash is kept."""
    user = find_user(connection, name)
    token = "ngb_" + secrets.token_urlsafe(32)
    token_id = new_id(
        connection.execute(
            insert(API_TOKENS).values(token_hash=_hash(token), user_id=user.id, name=label, created_at=utcnow())
        )
    )
    log = ChangeLogWriter(connection, actor=actor)
    log.add("user", user.id, "token_create", after={"token_id": token_id, "label": label})
    log.flush()
    return token


def list_api_tokens(connection: Connection, name: str) -> list[dict[str, Any]]:
    """A user's tokens (id, label, created, last used, revoked), never the tokens themselves."""
    user = find_user(connection, name)
    rows = connection.execute(select(API_TOKENS).where(API_TOKENS.c.user_id == user.id).order_by(API_TOKENS.c.id)).all()
    return [
        {
            "id": row.id,
            "label": row.name,
            "created_at": row.created_at.isoformat(),
            "last_used_at": row.last_used_at.isoformat() if row.last_used_at else None,
            "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None,
        }
        for row in rows
    ]


def revoke_api_token(connection: Connection, token_id: int, *, actor: str) -> None:
    """Revoke a token by its id (``nigehban users tokens NAME`` lists them)."""
    row = connection.execute(select(API_TOKENS).where(API_TOKENS.c.id == token_id)).first()
    if row is None:
        raise UserNotFound(f"token {token_id}")
    if row.revoked_at is None:
        connection.execute(update(API_TOKENS).where(API_TOKENS.c.id == token_id).values(revoked_at=utcnow()))
        log = ChangeLogWriter(connection, actor=actor)
        log.add("user", row.user_id, "token_revoke", after={"token_id": token_id})
        log.flush()


def principal_for_token(connection: Connection, token: str, *, now: dt.datetime | None = None) -> Principal:
    """The principal of a bearer token; :class:`SessionExpired` if it is unknown or revoked."""
    now = now or utcnow()
    row = connection.execute(
        select(API_TOKENS.c.id, API_TOKENS.c.last_used_at, USERS.c.id.label("user_id"), USERS.c.name, USERS.c.role)
        .join(USERS, USERS.c.id == API_TOKENS.c.user_id)
        .where(API_TOKENS.c.token_hash == _hash(token), API_TOKENS.c.revoked_at.is_(None), USERS.c.active.is_(True))
    ).first()
    if row is None:
        raise SessionExpired("unknown or revoked API token")
    if row.last_used_at is None or now - row.last_used_at >= SESSION_TOUCH_INTERVAL:
        connection.execute(update(API_TOKENS).where(API_TOKENS.c.id == row.id).values(last_used_at=now))
    return Principal(user_id=row.user_id, name=row.name, role=row.role, via="token")
