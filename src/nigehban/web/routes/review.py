"""Routes of the review area (pages and their JSON twins)."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter()
