"""HTML pages: the Jinja2 environment (autoescaped) and the one function every page renders with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from nigehban.web.security import principal_context

__all__ = ["STATIC", "TEMPLATES", "render", "templates"]

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

templates = Jinja2Templates(directory=str(TEMPLATES))


def _number(value: Any, digits: int = 0) -> str:
    """1234.5 -> '1,235'; missing -> '–' (an unknown toll is not zero)."""
    if value is None:
        return "–"
    try:
        return f"{float(value):,.{digits}f}"
    except (TypeError, ValueError):
        return str(value)


templates.env.filters["number"] = _number


def render(request: Request, template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render ``template`` with the signed-in user's name, role, permissions and CSRF token."""
    principal = getattr(request.state, "principal", None)
    response: HTMLResponse = templates.TemplateResponse(
        request, template, {**principal_context(principal), **context}, status_code=status_code
    )
    return response
