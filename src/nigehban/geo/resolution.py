"""What a reported place resolves to: the value objects shared by the resolver, importers and CLI.

A :class:`PlaceQuery` is what a source says about where an attack happened; a :class:`Resolution`
is what Nigehban makes of it: the province, district and tehsil (names and pcodes), coordinates,
how precise they are (``geo_precision``), how sure the match is, and any contradiction found.

Example:
    >>> query = PlaceQuery(place="Jamrud", district="Khyber Agency", province="FATA")
    >>> query.text()
    'Jamrud, Khyber Agency, FATA'
"""

from __future__ import annotations

import dataclasses
from typing import Any

__all__ = ["PlaceQuery", "Resolution"]


@dataclasses.dataclass(frozen=True, slots=True)
class PlaceQuery:
    """A place as reported. Every part is optional; ``detail`` is free text such as GTD's ``location``.

    ``latitude``/``longitude`` are the source's own coordinates, if any (not gazetteer guesses).
    """

    place: str | None = None
    district: str | None = None
    province: str | None = None
    detail: str | None = None
    latitude: float | None = None
    longitude: float | None = None

    def text(self) -> str:
        """The named parts joined as "place, district, province"."""
        return ", ".join(part for part in (self.place, self.district, self.province) if part)


@dataclasses.dataclass(frozen=True, slots=True)
class Resolution:
    """Where a :class:`PlaceQuery` resolved to.

    Attributes:
        province: canonical province name (a key of :data:`nigehban.taxonomy.PROVINCES`).
        district, district_pcode, tehsil, tehsil_pcode: units of the imported boundaries (``None``
            where not resolved or no boundaries are imported).
        latitude, longitude: the source's coordinates, or the matched place's (then ``precision``
            says how coarse they are).
        precision: one of :data:`nigehban.taxonomy.GEO_PRECISIONS`, or ``None`` when nothing resolved.
        confidence: 0–1; 1 for coordinates inside a unit and exact name matches, lower for fuzzy ones.
        method: ``coordinates``, ``name``, ``fuzzy``, ``province`` or ``none``.
        matched: the gazetteer entry the name matched, e.g. ``"Jamrud (town, Khyber)"``.
        flags: contradictions and repairs, in words an analyst can act on, e.g.
            ``"coordinates fall in Sindh but the text says Quetta, Balochistan"``.
    """

    province: str | None = None
    district: str | None = None
    district_pcode: str | None = None
    tehsil: str | None = None
    tehsil_pcode: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    precision: str | None = None
    confidence: float = 0.0
    method: str = "none"
    matched: str | None = None
    flags: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The fields as JSON values."""
        values = dataclasses.asdict(self)
        values["flags"] = list(self.flags)
        return values
