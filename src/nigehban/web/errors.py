"""Errors as users should see them: a 4xx with a clear message, JSON for the API, a page for browsers.

Never a stack trace: an unexpected error is logged in full and answered with a plain 500.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from nigehban.auth.accounts import LoginThrottled
from nigehban.errors import NigehbanError
from nigehban.web.responses import JSON
from nigehban.web.security import SESSION_COOKIE, AuthError

__all__ = ["install_error_handlers", "wants_html"]

log = logging.getLogger("nigehban.web")


def wants_html(request: Request) -> bool:
    """A browser asking for a page (not the API, not htmx fragments' JSON)."""
    if request.url.path.startswith("/api/") or request.url.path == "/api":
        return False
    return "text/html" in request.headers.get("accept", "")


def _error(request: Request, status_code: int, message: str, *, extra: dict[str, Any] | None = None) -> Response:
    headers = {}
    if status_code == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="nigehban"'
    if wants_html(request):
        from nigehban.web.pages import render

        response: Response = render(request, "error.html", status_code=status_code, message=message, code=status_code)
        response.headers.update(headers)
        return response
    return JSON({"detail": message, **(extra or {})}, status_code=status_code, headers=headers)


def _field(location: tuple[Any, ...]) -> str:
    parts = [str(part) for part in location]
    if parts and parts[0] in {"query", "path", "body", "header", "cookie"}:
        kind = {"query": "query parameter", "path": "path parameter", "body": "field", "header": "header"}.get(
            parts[0], parts[0]
        )
        return f"{kind} '{'.'.join(parts[1:])}'" if len(parts) > 1 else "the request body"
    return ".".join(parts)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(AuthError)
    async def auth_error(request: Request, error: AuthError) -> Response:
        if error.status_code == 401 and wants_html(request):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            response = RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
            if request.cookies.get(SESSION_COOKIE):
                response.delete_cookie(SESSION_COOKIE, path="/")
            return response
        return _error(request, error.status_code, error.message)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        message = error.detail if isinstance(error.detail, str) else "request refused"
        if error.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}"
        if error.status_code == 405:
            message = f"{request.method} is not allowed at {request.url.path}"
        response = _error(request, error.status_code, message)
        if error.headers:
            response.headers.update(error.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        problems = [
            {"field": _field(tuple(item.get("loc", ()))), "message": str(item.get("msg", "invalid"))}
            for item in error.errors()
        ]
        message = "; ".join(f"{problem['field']}: {problem['message']}" for problem in problems[:5])
        return _error(request, 422, message or "invalid request", extra={"errors": problems})

    @app.exception_handler(NigehbanError)
    async def domain_error(request: Request, error: NigehbanError) -> Response:
        if isinstance(error, LoginThrottled):
            response = _error(request, 429, str(error))
            response.headers["Retry-After"] = str(error.retry_after)
            return response
        status_code = 404 if isinstance(error, LookupError) else 422 if isinstance(error, ValueError) else 400
        return _error(request, status_code, str(error))

    @app.exception_handler(DataError)
    async def database_data_error(request: Request, error: DataError) -> Response:
        # a value the database cannot hold (a number out of its range, a malformed value) that got past
        # the route's own checks: the request is at fault, not the server
        log.warning("database refused a value on %s %s: %s", request.method, request.url.path, error.orig)
        return _error(request, 422, "a value in the request is out of range or malformed for the database")

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, error: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _error(request, 500, "an unexpected error occurred; it has been logged for the administrator")
