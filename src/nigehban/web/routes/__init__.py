"""The routers, one module per area; each page's JSON twin lives beside it."""

from __future__ import annotations

from fastapi import APIRouter

from nigehban.web.routes import (
    accounts,
    analysis,
    audits,
    facilities,
    forecasts,
    incidents,
    jobs,
    maps,
    overview,
    plans,
    review,
)

__all__ = ["ROUTERS"]

ROUTERS: list[APIRouter] = [
    accounts.router,
    overview.router,
    incidents.router,
    maps.router,
    analysis.router,
    forecasts.router,
    jobs.router,
    review.router,
    facilities.router,
    audits.router,
    plans.router,
]
