"""H3 hexagon cells of incidents, for maps and models on an even grid instead of uneven districts.

Each incident with coordinates gets one cell at each of :data:`H3_RESOLUTIONS`: resolution 5
(hexagons of about 250 km², roughly a small district), 6 (about 36 km²), 7 (about 5 km², a town)
and 8 (about 0.7 km², a neighbourhood). Cells are H3 strings such as ``"88426d99c3fffff"``.

Caveats:

- The resolution 5–7 cells are the H3 *parents* of the resolution-8 cell, not the cells the point
  falls in at those resolutions. H3 hexagons do not nest exactly, so near the edge of a coarse cell
  the two can differ; parents make the resolutions nest, which keeps counts consistent when a map
  is aggregated from fine to coarse (every resolution-8 count goes into exactly one resolution-5
  cell). The point is then at most about one resolution-8 cell (~0.5 km) outside its coarse cell.
- Cells say nothing about precision: an incident placed at a district's centroid (``geo_precision``
  ``district``) gets a resolution-8 cell like any other. Filter on ``geo_precision`` before using
  fine resolutions.

Example:
    >>> h3_cells(34.0151, 71.5249)  # Peshawar
    ('85426d9bfffffff', '86426d99fffffff', '87426d99cffffff', '88426d99c3fffff')
    >>> h3_cells(None, 71.5249)
    (None, None, None, None)
    >>> h3_cells_many([34.0151, float("nan")], [71.5249, 70.0])[1]
    (None, None, None, None)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable

import h3  # type: ignore[import-untyped]
import h3.api.basic_int as h3_int  # type: ignore[import-untyped]
import numpy as np

__all__ = ["H3_RESOLUTIONS", "H3Cells", "h3_cells", "h3_cells_many"]

H3_RESOLUTIONS = (5, 6, 7, 8)
"""The H3 resolutions every located incident gets a cell at, coarsest first."""

H3Cells = tuple[str | None, str | None, str | None, str | None]
"""The cells of one point at resolutions 5, 6, 7 and 8 (all ``None`` without coordinates)."""

_FINEST = H3_RESOLUTIONS[-1]
_NO_CELLS: H3Cells = (None, None, None, None)


def h3_cells(latitude: float | None, longitude: float | None) -> H3Cells:
    """The H3 cells of one point at :data:`H3_RESOLUTIONS`; all ``None`` if either coordinate is missing or NaN.

    Raises :class:`ValueError` for coordinates outside latitude -90..90 / longitude -180..180 (H3
    itself would silently wrap them round the globe).
    """
    if latitude is None or longitude is None or math.isnan(latitude) or math.isnan(longitude):
        return _NO_CELLS
    _check_range(latitude, longitude, where="")
    return _with_parents(h3.latlng_to_cell(latitude, longitude, _FINEST))


def h3_cells_many(latitudes: Iterable[float | None], longitudes: Iterable[float | None]) -> list[H3Cells]:
    """:func:`h3_cells` for many points at once (1–3 µs a point; see ``benchmarks/bench_geo_pip.py``).

    ``None`` and NaN count as missing. Each distinct resolution-8 cell has its parents and strings
    computed once, and the points in one cell share one tuple.
    """
    lat = np.asarray(latitudes if isinstance(latitudes, np.ndarray) else list(latitudes), dtype=float)
    lon = np.asarray(longitudes if isinstance(longitudes, np.ndarray) else list(longitudes), dtype=float)
    if lat.shape != lon.shape or lat.ndim != 1:
        raise ValueError(
            f"latitudes and longitudes must be two sequences of one length, not {lat.shape} and {lon.shape}"
        )
    known = ~(np.isnan(lat) | np.isnan(lon))
    bad = known & ((np.abs(lat) > 90) | (np.abs(lon) > 180))  # infinities included
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        _check_range(float(lat[position]), float(lon[position]), where=f" at position {position}")
    count = int(known.sum())
    if count == 0:
        return [_NO_CELLS] * len(lat)

    # H3's integer API skips the string round trip per call; strings are made once per distinct cell.
    finest = np.fromiter(
        map(h3_int.latlng_to_cell, lat[known].tolist(), lon[known].tolist(), itertools.repeat(_FINEST, count)),
        dtype=np.uint64,
        count=count,
    )
    distinct, which = np.unique(finest, return_inverse=True)
    fine = distinct.tolist()
    coarse = [
        list(map(h3_int.cell_to_parent, fine, itertools.repeat(resolution))) for resolution in H3_RESOLUTIONS[:-1]
    ]
    # the string form of an H3 cell is its index in lower-case hexadecimal (what h3.int_to_str returns)
    r5, r6, r7, r8 = (list(map("{:x}".format, cells)) for cells in (*coarse, fine))
    per_cell: list[H3Cells] = list(zip(r5, r6, r7, r8, strict=True))
    if count == len(lat):
        return [per_cell[i] for i in which.tolist()]
    result = [_NO_CELLS] * len(lat)
    for row, i in zip(np.flatnonzero(known).tolist(), which.tolist(), strict=True):
        result[row] = per_cell[i]
    return result


def _with_parents(cell: str) -> H3Cells:
    to_parent = h3.cell_to_parent
    return (to_parent(cell, 5), to_parent(cell, 6), to_parent(cell, 7), cell)


def _check_range(latitude: float, longitude: float, *, where: str) -> None:
    if not -90 <= latitude <= 90:
        raise ValueError(f"latitude {latitude}{where} is outside -90..90")
    if not -180 <= longitude <= 180:
        raise ValueError(f"longitude {longitude}{where} is outside -180..180")
