"""What the overview, the map and the district profiles read, cached for the life of the web process.

- Counts (:mod:`nigehban.analysis.situation`) are cached under the request's parameters and the
  store's data signature (:func:`~nigehban.analysis.situation.data_signature`: the newest incident,
  change-log entry, forecast run and boundary version). A signature costs four primary-key lookups,
  so a repeated map request answers without scanning the incidents, and any write to the record
  makes the next request count afresh.
- The current boundaries are read once per boundary version (straight from the store:
  :meth:`nigehban.Nigehban.boundary_set` would also build the place resolver and its gazetteer,
  seconds of work on a large store that the map does not need).
- District polygons are simplified once per boundary version (``shapely.simplify`` with a tolerance
  of 0.01 degrees, about 1 km, then rounded to 4 decimals, about 11 m): the 158 districts of
  Pakistan weigh about 190 kB as GeoJSON instead of several MB.
- The forecast risk layer is the newest stored forecast by district, its default model, first period.
"""

from __future__ import annotations

import collections
import dataclasses
import threading
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, TypeVar

from fastapi import Request

from nigehban.analysis.situation import data_signature
from nigehban.web.security import nigehban_of

if TYPE_CHECKING:
    from nigehban.app import Nigehban
    from nigehban.geo.boundaryset import BoundarySet

__all__ = [
    "SIMPLIFY_TOLERANCE",
    "DistrictShapes",
    "ResultCache",
    "RiskLayer",
    "cached",
    "current_boundaries",
    "district_risk",
    "district_shapes",
    "simplified_features",
]

T = TypeVar("T")

SIMPLIFY_TOLERANCE = 0.01
"""Degrees (about 1 km): district outlines stay recognisable at the zoom a whole province needs."""

COORDINATE_DECIMALS = 4

NO_FORECAST = "no forecast stored yet — an analyst runs `nigehban forecast run --as-of DATE`"


class ResultCache:
    """A small least-recently-used cache shared by the request threads of one web app."""

    def __init__(self, *, maxsize: int = 512) -> None:
        self.maxsize = maxsize
        self._items: collections.OrderedDict[Hashable, Any] = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value cached under ``key``, computed (outside the lock) when missing."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                found: T = self._items[key]
                return found
        value = compute()
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)
        return value


def _state_cache(request: Request, name: str) -> ResultCache:
    state = request.app.state
    cache = getattr(state, name, None)
    if cache is None:
        with _STATE_LOCK:
            cache = getattr(state, name, None)
            if cache is None:
                cache = ResultCache()
                setattr(state, name, cache)
    assert isinstance(cache, ResultCache)
    return cache


_STATE_LOCK = threading.Lock()


def cached(request: Request, name: str, params: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or its result cached for ``(name, params)`` under the store's current data signature."""
    app = nigehban_of(request)
    with app.ready().connect() as connection:
        signature = data_signature(connection)
    return _state_cache(request, "situation_cache").get((name, params, signature), compute)


@dataclasses.dataclass(frozen=True)
class DistrictShapes:
    """The current districts as simplified GeoJSON features (``id`` and ``properties.pcode``: the pcode)."""

    version: int | None
    """The boundary version drawn (``None``: no district boundaries stored)."""
    features: list[dict[str, Any]]
    names: dict[str, str]
    """pcode -> district name."""
    provinces: dict[str, str | None]
    """pcode -> province name (where the province boundaries or the file name it)."""


def simplified_features(boundaries: BoundarySet, *, tolerance: float = SIMPLIFY_TOLERANCE) -> list[dict[str, Any]]:
    """The districts of ``boundaries`` as GeoJSON features, simplified (topology kept) and rounded."""
    import shapely
    from shapely.geometry import mapping

    features = []
    for unit in boundaries.units("district"):
        geometry = shapely.simplify(unit.geometry, tolerance, preserve_topology=True)
        geometry = shapely.set_precision(geometry, 10**-COORDINATE_DECIMALS)
        if geometry.is_empty:  # a sliver smaller than the grid: keep the unit, drawn as its original
            geometry = unit.geometry
        province = boundaries.unit("province", unit.province_pcode) if unit.province_pcode else None
        features.append(
            {
                "type": "Feature",
                "id": unit.pcode,
                "properties": {
                    "pcode": unit.pcode,
                    "name": unit.name,
                    "province": province.name if province is not None else None,
                },
                "geometry": mapping(geometry),
            }
        )
    return features


def current_boundaries(request: Request) -> BoundarySet:
    """The current boundaries of every level, read once per set of current boundary versions."""
    from sqlalchemy import select

    from nigehban.geo.store import load_boundary_set
    from nigehban.store.schema import BOUNDARY_VERSIONS

    app = nigehban_of(request)
    with app.ready().connect() as connection:
        current = tuple(
            (str(level), int(version_id))
            for level, version_id in connection.execute(
                select(BOUNDARY_VERSIONS.c.level, BOUNDARY_VERSIONS.c.id)
                .where(BOUNDARY_VERSIONS.c.current.is_(True))
                .order_by(BOUNDARY_VERSIONS.c.level)
            )
        )

    def load() -> BoundarySet:
        with app.ready().connect() as connection:
            return load_boundary_set(connection)

    return _state_cache(request, "boundary_cache").get(current, load)


def district_shapes(request: Request) -> DistrictShapes:
    """The simplified district polygons of the current boundary version (made once per version)."""
    boundaries = current_boundaries(request)
    version = boundaries.versions.get("district") if boundaries.has("district") else None

    def build() -> DistrictShapes:
        features = simplified_features(boundaries) if version is not None else []
        return DistrictShapes(
            version=version,
            features=features,
            names={feature["id"]: feature["properties"]["name"] for feature in features},
            provinces={feature["id"]: feature["properties"]["province"] for feature in features},
        )

    key = (version, boundaries.versions.get("province"))
    return _state_cache(request, "shape_cache").get(key, build)


@dataclasses.dataclass(frozen=True)
class RiskLayer:
    """The newest district forecast: its run and, per district pcode, the default model's first period."""

    run_id: int
    as_of: str
    period: str
    freq: str
    model: str
    values: dict[str, dict[str, float]]
    """pcode -> ``p_attack``, ``p_security_attack``, ``expected_attacks``, ``expected_fatalities``,
    ``fatalities_low``, ``fatalities_high``."""

    def describe(self) -> dict[str, Any]:
        """The run, without the values."""
        return {
            "run_id": self.run_id,
            "as_of": self.as_of,
            "period": self.period,
            "freq": self.freq,
            "model": self.model,
        }


RISK_FIELDS = (
    "p_attack",
    "p_security_attack",
    "expected_attacks",
    "expected_fatalities",
    "fatalities_low",
    "fatalities_high",
)


def _risk_layer(app: Nigehban, run_id: int) -> RiskLayer:
    run = app.forecast(run_id)
    values = run.values
    first = values[(values["model"] == run.default_model) & (values["horizon"] == 1)]
    by_unit = {
        str(row["unit_id"]): {name: round(float(row[name]), 4) for name in RISK_FIELDS if name in row}
        for row in first.to_dict(orient="records")
    }
    period = str(first["period"].iloc[0]) if len(first) else run.origin_period
    return RiskLayer(
        run_id=run_id,
        as_of=run.as_of.isoformat(),
        period=period,
        freq=run.freq,
        model=run.default_model,
        values=by_unit,
    )


def district_risk(request: Request) -> tuple[RiskLayer | None, str | None]:
    """The newest stored forecast by district, or ``None`` and why not (for the page to say)."""
    app = nigehban_of(request)
    runs = app.forecast_runs()
    if not runs:
        return None, NO_FORECAST
    district_runs = [run for run in runs if run.unit == "district" and run.id is not None]
    if not district_runs:
        return None, (
            "the stored forecasts are by H3 cell, not district — an analyst runs "
            "`nigehban forecast run --as-of DATE --unit district`"
        )
    run_id = int(district_runs[0].id or 0)
    layer = _state_cache(request, "risk_cache").get(run_id, lambda: _risk_layer(app, run_id))
    return layer, None
