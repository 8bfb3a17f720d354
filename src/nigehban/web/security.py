"""Who is asking, and may they: sessions and tokens, roles, CSRF, cookies and security headers.

- A request is authenticated by ``Authorization: Bearer TOKEN`` (scripts) or by the session
  cookie (browsers). The cookie holds the session token signed with the installation's key
  (itsdangerous); the store holds only the token's hash.
- Every route states the permission it needs (:func:`require`); the check is here, in the API,
  not in the templates.
- A browser's unsafe request (POST, PUT, PATCH, DELETE) must carry the session's CSRF token, in
  the ``X-CSRF-Token`` header (htmx, fetch) or a ``csrf_token`` form field. Token requests need
  none: a cross-site page cannot make a browser send a bearer token.
- Every response carries a content security policy without inline scripts, and refuses framing.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from fastapi import Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nigehban.auth.roles import Permission
from nigehban.auth.sessions import Principal, SessionExpired, app_secret, principal_for_session, principal_for_token

if TYPE_CHECKING:
    from nigehban.app import Nigehban
    from nigehban.web.config import WebConfig

__all__ = [
    "CSP",
    "SESSION_COOKIE",
    "AuthError",
    "BodyLimitMiddleware",
    "SecurityHeadersMiddleware",
    "client_ip",
    "cookie_serializer",
    "current_principal",
    "require",
]

SESSION_COOKIE = "ngb_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


class AuthError(Exception):
    """A request is refused: 401 (who are you?) or 403 (you may not), with a message for the user."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def nigehban_of(request: Request) -> Nigehban:
    app: Nigehban = request.app.state.nigehban
    return app


def config_of(request: Request) -> WebConfig:
    config: WebConfig = request.app.state.config
    return config


def cookie_serializer(request: Request) -> URLSafeTimedSerializer:
    """The signer of session cookies, keyed by the installation's secret (made once, shared by workers)."""
    state = request.app.state
    if getattr(state, "cookie_serializer", None) is None:
        app = nigehban_of(request)
        key = app.settings.secret_key.get_secret_value() if app.settings.secret_key else None
        if key is None:
            with app.ready().begin() as connection:
                key = app_secret(connection)
        state.cookie_serializer = URLSafeTimedSerializer(key, salt="nigehban-session")
    serializer: URLSafeTimedSerializer = state.cookie_serializer
    return serializer


def client_ip(request: Request) -> str | None:
    """The client's address (from ``X-Forwarded-For`` only if the config trusts a proxy)."""
    if config_of(request).trust_proxy_headers:
        forwarded = request.headers.get("x-forwarded-for")
        if forwarded:
            return forwarded.split(",")[0].strip()[:64]
    return request.client.host if request.client else None


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise AuthError(401, "the Authorization header must be 'Bearer TOKEN'")
    return value.strip()


def session_token(request: Request) -> str | None:
    """The session token from the signed cookie, or ``None`` (no cookie, or a forged or stale one)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    max_age = int(config_of(request).session.max_age.total_seconds())
    try:
        token = cookie_serializer(request).loads(cookie, max_age=max_age)
    except BadSignature:
        return None
    return token if isinstance(token, str) else None


def optional_principal(request: Request, *, allow_unverified: bool = False) -> Principal | None:
    """The principal of the request, or ``None`` if it carries no credentials at all.

    Raises :class:`AuthError` (401) for credentials that are wrong, expired or revoked.
    """
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        principal: Principal = cached
    else:
        bearer = _bearer(request)
        token = None if bearer else session_token(request)
        if bearer is None and token is None:
            if request.cookies.get(SESSION_COOKIE):
                raise AuthError(401, "your session has ended; sign in again")
            return None
        app = nigehban_of(request)
        try:
            with app.ready().begin() as connection:
                if bearer is not None:
                    principal = principal_for_token(connection, bearer)
                else:
                    assert token is not None
                    principal = principal_for_session(connection, token, config=config_of(request).session)
        except SessionExpired as error:
            raise AuthError(401, str(error)) from None
        request.state.principal = principal
    if not principal.verified and not allow_unverified:
        raise AuthError(401, "enter the code from your authenticator app to finish signing in")
    return principal


def current_principal(request: Request) -> Principal:
    """Dependency: the signed-in principal; 401 without a session or token."""
    principal = optional_principal(request)
    if principal is None:
        raise AuthError(401, "sign in first (a session cookie or an 'Authorization: Bearer' token)")
    return principal


async def check_csrf(request: Request, principal: Principal) -> None:
    """Refuse (403) a browser's unsafe request without the session's CSRF token."""
    if request.method in SAFE_METHODS or principal.via != "session":
        return
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get("csrf_token")
            sent = value if isinstance(value, str) else None
    if not sent or not principal.csrf_token or not hmac.compare_digest(sent, principal.csrf_token):
        raise AuthError(403, "the form's security token is missing or wrong; reload the page and try again")


def require(permission: Permission) -> Callable[..., Awaitable[Principal]]:
    """Dependency factory: the principal, if their role grants ``permission`` (403 otherwise) and,
    for a browser's unsafe request, the CSRF token matches (403 otherwise)."""

    async def dependency(request: Request) -> Principal:
        # looked up here, not in a thread of its own: one indexed read costs less than the hand-over
        principal = current_principal(request)
        if not principal.can(permission):
            raise AuthError(403, f"your role ({principal.role}) may not do this (needs '{permission}')")
        await check_csrf(request, principal)
        return principal

    dependency.__name__ = f"require_{permission}"
    return dependency


class SecurityHeadersMiddleware:
    """Adds the security headers to every response (pure ASGI: no cost per request beyond the headers)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                extra: list[tuple[bytes, bytes]] = [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"permissions-policy", b"geolocation=(self), camera=(self), microphone=()"),
                ]
                if not is_static and b"cache-control" not in names:
                    # pages and data are sensitive: not kept in shared or browser caches
                    extra.append((b"cache-control", b"no-store"))
                headers.extend(extra)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimitMiddleware:
    """Refuses request bodies over ``max_bytes`` with 413, whether or not Content-Length is sent."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared < 0 or declared > self.max_bytes:
                    await _too_large(send, self.max_bytes)
                    return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _BodyTooLarge:
            await _too_large(send, self.max_bytes)


class _BodyTooLarge(Exception):
    pass


async def _too_large(send: Send, max_bytes: int) -> None:
    import orjson

    body = orjson.dumps({"detail": f"the request is larger than the limit of {max_bytes:,} bytes"})
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def principal_context(principal: Principal | None) -> dict[str, Any]:
    """What templates need to know about the user (name, role, what they may do, the CSRF token)."""
    if principal is None:
        return {"user": None, "can": frozenset(), "csrf_token": ""}
    return {"user": principal, "can": principal.permissions, "csrf_token": principal.csrf_token or ""}
