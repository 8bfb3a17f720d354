"""Signing in and out, the second factor, and the signed-in user's own account.

``/login`` is the only page without a session. Its form is protected against cross-site posting
by a double-submit token (a cookie and a form field that must match), since there is no session
yet whose token could be used.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from pydantic import BaseModel, Field
from starlette.responses import RedirectResponse, Response

from nigehban.auth.accounts import AccountError, authenticate, find_user, totp_verify
from nigehban.auth.sessions import Principal, end_session, start_session, verify_session
from nigehban.web.pages import render
from nigehban.web.responses import JSON
from nigehban.web.security import (
    SESSION_COOKIE,
    AuthError,
    check_csrf,
    client_ip,
    config_of,
    cookie_serializer,
    current_principal,
    nigehban_of,
    optional_principal,
)

__all__ = ["router"]

router = APIRouter()

LOGIN_COOKIE = "ngb_login"


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never ``//host`` or ``https://...``): no open redirect."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _secure(request: Request) -> bool:
    configured = config_of(request).secure_cookies
    return configured if configured is not None else request.url.scheme == "https"


def _set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        cookie_serializer(request).dumps(token),
        max_age=int(config_of(request).session.max_age.total_seconds()),
        path="/",
        httponly=True,
        samesite="strict",
        secure=_secure(request),
    )


class LoginRequest(BaseModel):
    """A sign-in from a script or the API (browsers post the form at ``/login``)."""

    name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    code: str | None = Field(default=None, max_length=12, description="the TOTP code, if the account has one")


def _sign_in(request: Request, name: str, password: str, code: str | None) -> tuple[str, Principal]:
    """Check the password (throttled), then the code if one is needed; returns (token, principal)."""
    app = nigehban_of(request)
    config = config_of(request)
    failure: AccountError | None = None
    with app.ready().begin() as connection:
        # the attempt is recorded (committed) whatever the outcome: throttling counts failures
        try:
            authenticated = authenticate(connection, name, password, ip=client_ip(request), throttle=config.throttle)
        except AccountError as error:
            failure = error
    if failure is not None:
        raise failure
    with app.ready().begin() as connection:
        user = authenticated
        verified = not user.has_totp
        if user.has_totp and code:
            if not totp_verify(connection, user.id, code):
                raise AccountError("the code is wrong or was used already; wait for the next one")
            verified = True
        token, principal = start_session(
            connection,
            user,
            verified=verified,
            ip=client_ip(request),
            user_agent=request.headers.get("user-agent"),
            config=config.session,
        )
    return token, principal


@router.post("/api/session", tags=["accounts"], summary="Sign in (JSON)")
def api_login(request: Request, body: LoginRequest) -> Response:
    """Sign in with name, password and (for two-factor accounts) the code; sets the session cookie.

    Returns the user, whether the second factor is still needed, and the CSRF token that the
    session's unsafe requests must send as ``X-CSRF-Token``.
    """
    token, principal = _sign_in(request, body.name, body.password, body.code)
    response = JSON(
        {
            "name": principal.name,
            "role": principal.role,
            "verified": principal.verified,
            "csrf_token": principal.csrf_token,
        }
    )
    _set_session_cookie(request, response, token)
    return response


@router.get("/api/session", tags=["accounts"], summary="Who am I")
def api_whoami(principal: Annotated[Principal, Depends(current_principal)]) -> Response:
    """The signed-in user, their role and permissions."""
    return JSON(
        {
            "name": principal.name,
            "role": principal.role,
            "via": principal.via,
            "permissions": sorted(principal.permissions),
            "csrf_token": principal.csrf_token,
        }
    )


@router.delete("/api/session", tags=["accounts"], summary="Sign out")
async def api_logout(request: Request) -> Response:
    """End the session (needs its CSRF token)."""
    principal = optional_principal(request, allow_unverified=True)
    if principal is None:
        raise AuthError(401, "not signed in")
    await check_csrf(request, principal)
    if principal.session_id is not None:
        with nigehban_of(request).ready().begin() as connection:
            end_session(connection, principal.session_id)
    response = JSON({"signed_out": True})
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/login", include_in_schema=False)
def login_page(request: Request, next: str | None = None) -> Response:
    form_token = secrets.token_urlsafe(24)
    response = render(request, "login.html", next=_safe_next(next), form_token=form_token, error=None)
    response.set_cookie(
        LOGIN_COOKIE, form_token, path="/login", httponly=True, samesite="strict", secure=_secure(request)
    )
    return response


@router.post("/login", include_in_schema=False)
def login_submit(
    request: Request,
    name: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    form_token: Annotated[str, Form(max_length=64)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    if not cookie or not form_token or not hmac.compare_digest(cookie, form_token):
        raise AuthError(403, "the sign-in form expired or was sent from another site; reload it and try again")
    target = _safe_next(next)
    try:
        token, principal = _sign_in(request, name, password, None)
    except AccountError as error:
        fresh = secrets.token_urlsafe(24)
        response = render(request, "login.html", status_code=401, next=target, form_token=fresh, error=str(error))
        response.set_cookie(
            LOGIN_COOKIE, fresh, path="/login", httponly=True, samesite="strict", secure=_secure(request)
        )
        return response
    destination = target if principal.verified else f"/login/code?next={target}"
    redirect = RedirectResponse(destination, status_code=303)
    _set_session_cookie(request, redirect, token)
    redirect.delete_cookie(LOGIN_COOKIE, path="/login")
    return redirect


@router.get("/login/code", include_in_schema=False)
def code_page(request: Request, next: str | None = None) -> Response:
    principal = optional_principal(request, allow_unverified=True)
    if principal is None:
        return RedirectResponse("/login", status_code=303)
    request.state.principal = principal
    return render(request, "login_code.html", next=_safe_next(next), error=None)


@router.post("/login/code", include_in_schema=False)
async def code_submit(request: Request) -> Response:
    principal = optional_principal(request, allow_unverified=True)
    if principal is None:
        raise AuthError(401, "sign in first")
    await check_csrf(request, principal)
    form = await request.form()
    code = str(form.get("code", ""))[:12]
    target = _safe_next(str(form.get("next", "/"))[:2000])
    app = nigehban_of(request)
    with app.ready().begin() as connection:
        ok = totp_verify(connection, principal.user_id, code)
        if ok and principal.session_id is not None:
            verify_session(connection, principal.session_id)
    if not ok:
        request.state.principal = principal
        return render(
            request,
            "login_code.html",
            status_code=401,
            next=target,
            error="the code is wrong or was used already; wait for the next one",
        )
    return RedirectResponse(target, status_code=303)


@router.post("/api/session/code", tags=["accounts"], summary="Give the second factor")
async def api_code(request: Request, body: dict[str, str]) -> Response:
    """Finish signing in a two-factor account: ``{"code": "123456"}``; returns a fresh CSRF token."""
    principal = optional_principal(request, allow_unverified=True)
    if principal is None:
        raise AuthError(401, "sign in first")
    await check_csrf(request, principal)
    code = str(body.get("code", ""))[:12]
    with nigehban_of(request).ready().begin() as connection:
        if not totp_verify(connection, principal.user_id, code):
            raise AuthError(401, "the code is wrong or was used already; wait for the next one")
        csrf = verify_session(connection, principal.session_id) if principal.session_id else None
    return JSON({"verified": True, "csrf_token": csrf})


@router.post("/logout", include_in_schema=False)
async def logout(request: Request) -> Response:
    principal = optional_principal(request, allow_unverified=True)
    if principal is not None:
        await check_csrf(request, principal)
        if principal.session_id is not None:
            with nigehban_of(request).ready().begin() as connection:
                end_session(connection, principal.session_id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/account", include_in_schema=False)
def account_page(request: Request, principal: Annotated[Principal, Depends(current_principal)]) -> Response:
    with nigehban_of(request).ready().connect() as connection:
        user = find_user(connection, principal.user_id)
    return render(request, "account.html", account=user)
