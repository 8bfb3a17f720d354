"""The canonical incident record: one attack as the platform believes it happened.

Field names are those of DESIGN.md and of every export, API and evaluation file. Importers produce
:class:`IncidentRecord` values; the store keeps them in ``incidents`` (and, as mapped from each
source row, in ``source_records.record``).

Example:
    >>> import datetime as dt
    >>> record = IncidentRecord(date=dt.date(2023, 1, 30), province="Khyber Pakhtunkhwa",
    ...                         attack_type="bombing", target_type="police", suicide=True, killed=84)
    >>> record.validate()
    >>> record.as_json_dict()["date"]
    '2023-01-30'
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import operator
from typing import Any

from nigehban.errors import InvalidFieldValue
from nigehban.taxonomy import (
    ATTACK_TYPES,
    DATE_PRECISIONS,
    GEO_PRECISIONS,
    PROVINCES,
    TARGET_TYPES,
    UNKNOWN_PERPETRATOR,
    WEAPON_TYPES,
)

__all__ = ["COUNT_FIELDS", "EXPORT_FIELDS", "RECORD_FIELDS", "IncidentRecord", "coerce_field", "whole_number"]

COUNT_FIELDS = ("killed", "killed_perpetrators", "wounded", "wounded_perpetrators", "killed_security")
FLAG_FIELDS = ("suicide", "complex_attack", "perpetrator_claimed")


def whole_number(value: float) -> float:
    """A count as the record keeps it: ``int`` when whole (3.0 is 3), the fraction otherwise (0.25).

    >>> whole_number(3.0), whole_number(0.25)
    (3, 0.25)
    """
    number = float(value)
    return int(number) if number.is_integer() else number


COORDINATE_FIELDS = ("latitude", "longitude")
REQUIRED_FIELDS = ("date", "date_precision", "attack_type", "target_type", "weapon_type", "perpetrator")


@dataclasses.dataclass(slots=True)
class IncidentRecord:
    """The canonical fields of an incident. ``None`` means "not reported".

    Casualty counts are whole numbers except where a source spreads a shared toll over several
    related attacks (GTD does: 0.25 killed each of four); such fractions are kept so that totals add up.
    """

    date: dt.date
    date_precision: str = "day"
    province: str | None = None
    district_pcode: str | None = None
    district: str | None = None
    tehsil_pcode: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: str | None = None
    geo_confidence: float | None = None
    geo_flags: str | None = None
    h3_res5: str | None = None
    h3_res6: str | None = None
    h3_res7: str | None = None
    h3_res8: str | None = None
    place: str | None = None
    attack_type: str = "unknown"
    target_type: str = "unknown"
    target_detail: str | None = None
    weapon_type: str = "unknown"
    suicide: bool | None = None
    complex_attack: bool | None = None
    perpetrator: str = UNKNOWN_PERPETRATOR
    perpetrator_claimed: bool | None = None
    killed: float | None = None
    killed_perpetrators: float | None = None
    wounded: float | None = None
    wounded_perpetrators: float | None = None
    killed_security: float | None = None
    summary: str | None = None

    def validate(self) -> None:
        """Raise :class:`~nigehban.errors.InvalidFieldValue` for a value outside its vocabulary or range."""
        _check_choice("date_precision", self.date_precision, DATE_PRECISIONS)
        _check_choice("attack_type", self.attack_type, ATTACK_TYPES)
        _check_choice("target_type", self.target_type, TARGET_TYPES)
        _check_choice("weapon_type", self.weapon_type, WEAPON_TYPES)
        if self.geo_precision is not None:
            _check_choice("geo_precision", self.geo_precision, GEO_PRECISIONS)
        if self.province is not None:
            _check_choice("province", self.province, PROVINCES)
        if self.geo_confidence is not None and not 0 <= self.geo_confidence <= 1:
            raise InvalidFieldValue("geo_confidence", self.geo_confidence, "must be between 0 and 1")
        if (self.latitude is None) != (self.longitude is None):
            raise InvalidFieldValue(
                "latitude", self.latitude, "latitude and longitude must both be given or both be empty"
            )
        if self.latitude is not None and not (-90 <= self.latitude <= 90 and math.isfinite(self.latitude)):
            raise InvalidFieldValue("latitude", self.latitude, "must be between -90 and 90")
        if self.longitude is not None and not (-180 <= self.longitude <= 180 and math.isfinite(self.longitude)):
            raise InvalidFieldValue("longitude", self.longitude, "must be between -180 and 180")
        for name in COUNT_FIELDS:
            value = getattr(self, name)
            if value is not None and value < 0:
                raise InvalidFieldValue(name, value, "must not be negative")
        if not self.perpetrator:
            raise InvalidFieldValue("perpetrator", self.perpetrator, f"use {UNKNOWN_PERPETRATOR!r} when not known")

    def as_dict(self) -> dict[str, Any]:
        """The fields as Python values (``date`` stays a :class:`datetime.date`)."""
        return dict(zip(RECORD_FIELDS, _FIELD_VALUES(self), strict=True))

    def as_tuple(self) -> tuple[Any, ...]:
        """The field values in :data:`RECORD_FIELDS` order."""
        values: tuple[Any, ...] = _FIELD_VALUES(self)
        return values

    def as_json_dict(self) -> dict[str, Any]:
        """The fields as JSON values (``date`` as an ISO string)."""
        values = self.as_dict()
        values["date"] = self.date.isoformat()
        return values

    @classmethod
    def from_json_dict(cls, values: dict[str, Any]) -> IncidentRecord:
        """Inverse of :meth:`as_json_dict`."""
        fields = {name: values[name] for name in RECORD_FIELDS if name in values}
        fields["date"] = dt.date.fromisoformat(fields["date"])
        return cls(**fields)


def _check_choice(name: str, value: object, allowed: Any) -> None:
    if value not in allowed:
        choices = ", ".join(allowed)
        raise InvalidFieldValue(name, value, f"not one of: {choices}")


RECORD_FIELDS: tuple[str, ...] = tuple(field.name for field in dataclasses.fields(IncidentRecord))
_FIELD_VALUES = operator.attrgetter(*RECORD_FIELDS)
EXPORT_FIELDS: tuple[str, ...] = ("id", *RECORD_FIELDS, "sources")


_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


def coerce_field(name: str, value: Any) -> Any:
    """Turn a value typed by a person (``"2012-01-05"``, ``"yes"``, ``"12"``, ``""``) into the field's type.

    Empty text and ``"null"`` mean "not reported" (``None``), except for fields that must have a value.

    >>> coerce_field("killed", "12"), coerce_field("suicide", "yes"), coerce_field("wounded", "")
    (12, True, None)
    """
    if name not in RECORD_FIELDS:
        raise InvalidFieldValue(name, value, f"not a field of the incident record ({', '.join(RECORD_FIELDS)})")
    if isinstance(value, str):
        value = value.strip()
        if value in {"", "null", "None"}:
            value = None
    if value is None:
        if name in REQUIRED_FIELDS:
            raise InvalidFieldValue(name, value, "this field must have a value")
        return None
    try:
        if name == "date":
            return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        if name in COUNT_FIELDS:
            number = float(value)
            if not math.isfinite(number):
                raise ValueError
            return whole_number(number)
        if name in COORDINATE_FIELDS:
            return float(value)
        if name in FLAG_FIELDS:
            if isinstance(value, bool):
                return value
            lowered = str(value).lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
            raise ValueError
    except ValueError:
        raise InvalidFieldValue(name, value, "not a value of this field's type") from None
    return str(value)
