"""Spread of a group: where it appears for the first time, its spatial centre and dispersion per year.

For each year of the group's incidents: the districts where it was active, the districts where it
appears for the first time (with the date and id of the first incident there), the mean centre of
its placed incidents, their standard distance and their standard deviational ellipse.

Caveats:

* "First time" means first in the *selection* (the store and the filter): a group's first incident
  in the data is not its first act; sources cover some years and places better than others.
* Only incidents placed to a town or better (``geo_precision`` exact/town) or to a district (the
  district's centre) enter the centre, distance and ellipse; province-level places are left out.
* Distances are computed in a local equidistant plane: kilometres east and north of the year's mean
  centre, east scaled by cos(latitude of the centre). Over Pakistan's extent (about 1,500 km) the
  error of this projection stays within a few per cent; it is not a geodesic computation.
* The ellipse is that of the covariance of the projected points: its semi-axes are one standard
  deviation along the principal directions (no sqrt(2) correction, unlike ArcGIS's default), the
  bearing is the major axis's, clockwise from north in [0, 180). Fewer than 3 placed incidents
  give no ellipse.

>>> import pandas as pd
>>> events = pd.DataFrame({
...     "id": [1, 2, 3, 4], "date": pd.to_datetime(["2007-01-01", "2007-05-01", "2008-02-01", "2008-03-01"]),
...     "district_pcode": ["A", "A", "B", "A"], "district": ["Alpha", "Alpha", "Beta", "Alpha"],
...     "latitude": [30.0, 30.0, 31.0, 30.0], "longitude": [70.0, 70.0, 70.0, 70.0],
...     "geo_precision": ["town"] * 4})
>>> result = compute_spread(events, group="Example")
>>> result.new_districts[["year", "district", "first_date", "first_incident_id"]]
   year district  first_date  first_incident_id
0  2007    Alpha  2007-01-01                  1
1  2008     Beta  2008-02-01                  3
>>> result.to_frame()[["year", "districts_active", "new_districts", "cumulative_districts"]]
   year  districts_active  new_districts  cumulative_districts
0  2007                 1              1                     1
1  2008                 2              1                     2
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from nigehban.analysis.trends import describe_filter, jsonable_records, require_events
from nigehban.errors import UnknownGroup
from nigehban.store.queries import IncidentFilter
from nigehban.store.schema import INCIDENTS
from nigehban.taxonomy import UNKNOWN_PERPETRATOR

__all__ = [
    "EARTH_RADIUS_KM",
    "PLACED_PRECISIONS",
    "Dispersion",
    "SpreadResult",
    "check_group",
    "compute_spread",
    "dispersion",
]

EARTH_RADIUS_KM = 6371.0088
PLACED_PRECISIONS = frozenset({"exact", "town", "district"})
"""Geographic precisions whose coordinates enter centres and dispersions."""


@dataclasses.dataclass(frozen=True)
class Dispersion:
    """Mean centre, standard distance and standard deviational ellipse of a set of points (km)."""

    n: int
    centre_lat: float
    centre_lon: float
    standard_distance_km: float
    ellipse_major_km: float
    ellipse_minor_km: float
    ellipse_bearing_deg: float


def dispersion(latitude: np.ndarray, longitude: np.ndarray) -> Dispersion:
    """The centre and dispersion of points in degrees (see the module's caveats on the projection).

    >>> d = dispersion(np.array([30.0, 30.0, 30.0]), np.array([70.0, 71.0, 72.0]))
    >>> round(d.centre_lon, 3), round(d.ellipse_bearing_deg), round(d.ellipse_minor_km, 3)
    (71.0, 90, 0.0)
    >>> round(d.standard_distance_km / (math.radians(1) * EARTH_RADIUS_KM * math.cos(math.radians(30))), 3)
    0.816
    """
    n = len(latitude)
    if n == 0:
        nan = float("nan")
        return Dispersion(0, nan, nan, nan, nan, nan, nan)
    lat0, lon0 = float(np.mean(latitude)), float(np.mean(longitude))
    # km east and north of the centre: a local equidistant plane (cos(lat) scaling)
    east = np.radians(longitude - lon0) * EARTH_RADIUS_KM * math.cos(math.radians(lat0))
    north = np.radians(latitude - lat0) * EARTH_RADIUS_KM
    standard_distance = float(np.sqrt(np.mean(east**2 + north**2)))
    major = minor = bearing = float("nan")
    if n >= 3:
        covariance = np.cov(np.vstack([east, north]), bias=True)
        values, vectors = np.linalg.eigh(covariance)  # ascending eigenvalues
        major, minor = (float(np.sqrt(max(value, 0.0))) for value in values[::-1])
        east_component, north_component = vectors[:, 1]
        bearing = float(np.degrees(np.arctan2(east_component, north_component))) % 180.0
    return Dispersion(n, lat0, float(lon0), standard_distance, major, minor, bearing)


def check_group(engine: Engine, group: str) -> None:
    """Raise :class:`~nigehban.errors.UnknownGroup` when no active incident names ``group`` (canonical name)
    as its perpetrator; the message lists the groups with the most incidents."""
    active = INCIDENTS.c.merged_into_id.is_(None)
    with engine.connect() as connection:
        found = connection.execute(
            select(INCIDENTS.c.id).where(active, INCIDENTS.c.perpetrator == group).limit(1)
        ).first()
        if found is not None:
            return
        counted = func.count().label("n")
        top = connection.execute(
            select(INCIDENTS.c.perpetrator, counted)
            .where(active, INCIDENTS.c.perpetrator != UNKNOWN_PERPETRATOR)
            .group_by(INCIDENTS.c.perpetrator)
            .order_by(counted.desc(), INCIDENTS.c.perpetrator)
            .limit(8)
        ).all()
    known = "; ".join(f"{name} ({n:,})" for name, n in top) or "none: the store names no perpetrator"
    raise UnknownGroup(f"no incident names the group {group!r} as perpetrator; groups with most incidents: {known}")


@dataclasses.dataclass(frozen=True)
class SpreadResult:
    """A group's spread year by year (``to_frame``) and the districts it reached first each year."""

    group: str
    filter: str
    years: pd.DataFrame
    new_districts: pd.DataFrame
    active_districts: dict[int, list[str]]

    def to_frame(self) -> pd.DataFrame:
        """One row per year: ``incidents``, ``placed``, ``districts_active``, ``new_districts``,
        ``cumulative_districts``, ``centre_lat``, ``centre_lon``, ``standard_distance_km``,
        ``ellipse_major_km``, ``ellipse_minor_km``, ``ellipse_bearing_deg``."""
        return self.years.copy()

    def as_json_dict(self) -> dict[str, Any]:
        years = jsonable_records(self.years)
        new = jsonable_records(self.new_districts)
        for row in years:
            row["active_district_pcodes"] = self.active_districts.get(int(row["year"]), [])
            row["new"] = [entry for entry in new if entry["year"] == row["year"]]
        return {"analysis": "spread", "group": self.group, "filter": self.filter, "years": years}


def compute_spread(events: pd.DataFrame, *, group: str, filter: IncidentFilter | None = None) -> SpreadResult:
    """The spread of ``group`` from its ``events`` (a :func:`~nigehban.analysis.events.load_events` frame,
    already restricted to the group). Every year from the first to the last is listed.

    Raises :class:`~nigehban.errors.EmptySelection` for no events.
    """
    require_events(events, filter)
    events = events.sort_values(["date", "id"], kind="stable")
    year = events["date"].dt.year.to_numpy()
    districted = events[events["district_pcode"].notna()].assign(year=year[events["district_pcode"].notna().to_numpy()])
    first = districted.drop_duplicates("district_pcode", keep="first")
    new_districts = pd.DataFrame(
        {
            "year": first["year"].astype(int).to_numpy(),
            "district_pcode": first["district_pcode"].to_numpy(),
            "district": first["district"].to_numpy(),
            "first_date": [value.date() for value in first["date"]],
            "first_incident_id": first["id"].astype(int).to_numpy(),
        }
    ).reset_index(drop=True)
    placed_mask = (
        events["geo_precision"].isin(PLACED_PRECISIONS) & events["latitude"].notna() & events["longitude"].notna()
    )
    rows: list[dict[str, Any]] = []
    active: dict[int, list[str]] = {}
    seen: set[str] = set()
    for current in range(int(year.min()), int(year.max()) + 1):
        in_year = year == current
        districts = sorted(set(districted.loc[districted["year"] == current, "district_pcode"]))
        active[current] = districts
        seen.update(districts)
        placed = events[in_year & placed_mask.to_numpy()]
        spread = dispersion(placed["latitude"].to_numpy(dtype=float), placed["longitude"].to_numpy(dtype=float))
        rows.append(
            {
                "year": current,
                "incidents": int(in_year.sum()),
                "placed": spread.n,
                "districts_active": len(districts),
                "new_districts": int((new_districts["year"] == current).sum()),
                "cumulative_districts": len(seen),
                "centre_lat": spread.centre_lat,
                "centre_lon": spread.centre_lon,
                "standard_distance_km": spread.standard_distance_km,
                "ellipse_major_km": spread.ellipse_major_km,
                "ellipse_minor_km": spread.ellipse_minor_km,
                "ellipse_bearing_deg": spread.ellipse_bearing_deg,
            }
        )
    return SpreadResult(
        group=group,
        filter=describe_filter(filter),
        years=pd.DataFrame(rows),
        new_districts=new_districts,
        active_districts=active,
    )
