"""JSON responses serialised with orjson (dates, numpy numbers and dataclasses as JSON can hold them)."""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson
from starlette.responses import Response

__all__ = ["JSON"]


def _default(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    if hasattr(value, "item"):  # numpy and pandas scalars
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__} to JSON")


class JSON(Response):
    """A JSON response; NaN becomes ``null`` (orjson's own rule), keys may be numbers or dates."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(
            content,
            default=_default,
            option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY,
        )
