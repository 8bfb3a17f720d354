"""The hardening plan builder: the countermeasures to buy within a budget that remove the most risk.

``POST /api/plans`` runs :meth:`nigehban.app.Nigehban.hardening_plan` (an exact MILP with HiGHS to a
relative gap of 10⁻⁴ by default; about a second on the demo world's 257 facilities, risk included)
and answers with the plan as the library gives it. ``/plans`` is the page: a budget slider whose
every stop posts the form (``plan.js``) and shows the plan, with the marginal curve (the risk left
at ten budgets up to the one chosen, a few tenths of a second more). Without JavaScript the form
posts and the page comes back with the plan.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import Response

from nigehban.auth.sessions import Principal
from nigehban.errors import InvalidFieldValue, NigehbanError
from nigehban.security.plan import BudgetTooSmall
from nigehban.security.vocabulary import FACILITY_TYPES
from nigehban.web.pages import render
from nigehban.web.responses import JSON
from nigehban.web.routes.facilities import known_province, posted_form
from nigehban.web.security import nigehban_of, require

if TYPE_CHECKING:
    from nigehban.app import Nigehban

__all__ = ["PlanRequest", "curve_chart", "router"]

router = APIRouter()

PlanPrincipal = Annotated[Principal, Depends(require("plan"))]

DEFAULT_BUDGET = 50_000_000
MAX_BUDGET = 10**12


class PlanRequest(BaseModel):
    """What to plan: the budget, which facilities, how close to the optimum, and the marginal curve."""

    model_config = ConfigDict(extra="forbid")

    budget_pkr: Annotated[StrictInt, Field(ge=0, le=MAX_BUDGET, description="the money to spend, in PKR")]
    gap: float = Field(
        default=1e-4,
        ge=0,
        le=0.5,
        allow_inf_nan=False,
        description="stop when no plan can remove more than (1 + gap) × this plan's risk removed; 0 proves the optimum",
    )
    include_unaudited: bool = Field(default=False, description="plan for facilities never audited too")
    district: str | None = Field(default=None, max_length=120, description="only this district (name or pcode)")
    province: str | None = Field(default=None, max_length=64)
    facility_type: str | None = Field(default=None, max_length=40)
    curve_points: int = Field(default=0, ge=0, le=20, description="points of the marginal curve up to the budget")
    time_limit: float = Field(default=30.0, gt=0, le=120, allow_inf_nan=False, description="seconds per solve")


def _given(value: str | None) -> str | None:
    return (value.strip() or None) if value is not None else None


def plan_data(app: Nigehban, body: PlanRequest) -> dict[str, Any]:
    """The plan (:meth:`HardeningPlan.as_dict`), its rows with running cost, and how long it took."""
    started = time.perf_counter()
    step = max(1, body.budget_pkr // body.curve_points) if body.curve_points and body.budget_pkr else None
    result = app.hardening_plan(
        budget_pkr=body.budget_pkr,
        district=_given(body.district),
        province=known_province(body.province),
        facility_type=_given(body.facility_type),
        include_unaudited=body.include_unaudited,
        curve_step_pkr=step,
        curve_max_pkr=body.budget_pkr if step else None,
        mip_rel_gap=body.gap,
        time_limit=body.time_limit,
    )
    data = result.as_dict()
    data["rows"] = result.rows()
    data["seconds"] = round(time.perf_counter() - started, 3)
    data["request"] = body.model_dump(mode="json")
    return data


@router.post("/api/plans", tags=["plans"], summary="Build a hardening plan")
def api_plan(request: Request, principal: PlanPrincipal, body: PlanRequest) -> Response:
    """The countermeasures to buy within the budget that remove the most total risk (Threat ×
    Vulnerability × Consequence over the four scenarios): each measure with its facility, cost and the
    risk it removes; each facility's risk before and after; the facilities left out (never audited);
    and, with ``curve_points``, the risk left at budgets up to this one. A budget that buys nothing is
    refused (422) naming the cheapest useful measure."""
    try:
        return JSON(plan_data(nigehban_of(request), body))
    except BudgetTooSmall as error:
        raise HTTPException(422, str(error)) from None


def curve_chart(points: list[dict[str, Any]], *, width: int = 640, height: int = 220) -> dict[str, Any] | None:
    """The marginal curve as SVG coordinates (no inline styles: the CSS colours it), or None if too short."""
    if len(points) < 2:
        return None
    left, right, top, bottom = 64, 12, 12, 36
    budgets = [int(point["budget_pkr"]) for point in points]
    risks = [float(point["risk_after"]) for point in points]
    high, low = float(max(risks)), float(min(risks))
    span_x = (max(budgets) - min(budgets)) or 1
    span_y = (high - low) or 1.0

    def x(value: float) -> float:
        return round(left + (value - min(budgets)) / span_x * (width - left - right), 1)

    def y(value: float) -> float:
        return round(top + (high - value) / span_y * (height - top - bottom), 1)

    return {
        "width": width,
        "height": height,
        "line": " ".join(f"{x(b)},{y(r)}" for b, r in zip(budgets, risks, strict=True)),
        "dots": [{"x": x(b), "y": y(r), "budget": b, "risk": r} for b, r in zip(budgets, risks, strict=True)],
        "axis": {"x0": left, "x1": width - right, "y0": top, "y1": height - bottom},
        "labels": {
            "high": high,
            "low": low,
            "budget_max": max(budgets),
            "budget_min": min(budgets),
        },
    }


def _page(request: Request, form: dict[str, Any], result: dict[str, Any] | None, error: str | None) -> Response:
    template = "facilities/plan_result.html" if request.headers.get("hx-request") else "facilities/plan.html"
    chart = curve_chart(result["marginal_curve"]) if result else None
    return render(
        request,
        template,
        active="facilities",
        form=form,
        result=result,
        chart=chart,
        error=error,
        types=FACILITY_TYPES,
        default_budget=DEFAULT_BUDGET,
    )


@router.get("/plans", include_in_schema=False)
def plans_page(request: Request, principal: PlanPrincipal) -> Response:
    return _page(request, {"budget_pkr": DEFAULT_BUDGET}, None, None)


def _form_request(form: dict[str, Any]) -> PlanRequest:
    """The page form's fields as a plan request (a budget typed with separators is understood)."""
    budget_text = str(form.get("budget_pkr", "")).replace(",", "").replace("_", "").strip()
    try:
        budget = int(float(budget_text)) if budget_text else DEFAULT_BUDGET
    except ValueError:
        raise InvalidFieldValue("budget_pkr", budget_text, "not a number of PKR") from None
    try:
        return PlanRequest(
            budget_pkr=budget,
            include_unaudited=str(form.get("include_unaudited", "")) in {"1", "on", "true", "yes"},
            district=str(form.get("district") or "") or None,
            facility_type=str(form.get("facility_type") or "") or None,
            curve_points=10,
        )
    except ValidationError as error:
        problem = error.errors()[0]
        field = ".".join(str(part) for part in problem["loc"])
        raise InvalidFieldValue(field, form.get(field), str(problem["msg"])) from None


@router.post("/plans", include_in_schema=False)
async def plans_form(request: Request, principal: PlanPrincipal) -> Response:
    """The page's form: from htmx (the slider) the result fragment, else the whole page with it."""
    async with posted_form(request) as posted:
        form = {key: value for key, value in posted.items() if isinstance(value, str)}
    body = _form_request(form)
    shown = {**form, "budget_pkr": body.budget_pkr}
    try:
        result = await run_in_threadpool(plan_data, nigehban_of(request), body)
    except NigehbanError as error:  # a budget that buys nothing, no audited facility, an unknown type ...
        return _page(request, shown, None, str(error))
    return _page(request, shown, result, None)
