"""Cross-source deduplication: the same attack reported by several sources becomes one incident.

GTD and the Pakistan suicide-attacks list, UCDP and ACLED, an agency sheet and the press often
report the same attack. :func:`run_dedupe` finds such pairs of active incidents, merges each into
one survivor (the other incident keeps its row, with ``merged_into_id`` set), and records every
merge with its score and the components of the score; :func:`undo_merge` reverses one exactly.

Matching works on fields, never on free text:

- **sources**: only incidents whose source records come from *different* datasets can merge (two
  GTD rows on the same day in the same town are two attacks), and a merged incident never holds
  two source records of the same dataset.
- **date**: both dates of ``day`` precision, at most ``window_days`` apart. Incidents dated to a
  month or a year only are left out (counted in the report as ``imprecise``): a month holds too
  many attacks to pair them on fields.
- **place**: when both incidents have usable coordinates, the great-circle (haversine) distance
  must be at most ``max_km``. Coordinates of ``province`` or ``country`` precision count as none.
  When one incident has no usable coordinates, or one side's coordinates are only a district's
  centroid (``geo_precision="district"``) and the distance rule fails, the incidents must share a
  district (pcode or name) or place name, compared loosely ("Kurram Agency" = "Kurram district");
  on that path the provinces must not contradict. On the distance path the province is not
  checked: both GTD and the suicide-attacks list carry wrong province labels (a Dera Ghazi Khan
  attack filed under Khyber Pakhtunkhwa) where the coordinates are right.
- **type**: the attack types must be compatible (equal, related such as a bombing and an
  assassination by bomb, or one unknown); a kidnapping never matches a bombing. Disagreeing
  suicide flags do not veto a pair (GTD leaves some suicide bombings unflagged) but weigh
  heavily against it.
- **casualties**: totals of ``killed + killed_perpetrators`` are compared (sources split attackers
  from victims differently), and likewise the wounded; similar tolls count more when they are
  large (8 and 9 killed is evidence, 0 and 0 is not).

Each component is a number in [0, 1]; the score is their weighted mean (:class:`ScoreWeights`) and
pairs at or above ``threshold`` are candidates. Merging is greedy, best score first, and one-to-one
per dataset: a pair joins two groups only when their datasets are disjoint and every cross pair is
itself a candidate (so A-B and B-C never drag in a C that does not match A). Incidents merged by
earlier runs take part as members of their survivor's group, so that a later run asks of a new
report what one run would: re-running finds nothing new.

The survivor of a group is the incident whose best dataset comes first in ``dataset_priority``
(default ``gtd``, ``ucdp``, ``acled``, then every other dataset), then the lower id. It keeps its
values and fills its empty fields (``None``, and ``unknown`` attack, target and weapon types or
perpetrator) from the merged incident; coordinates are filled as a whole (latitude, longitude and
their precision). The merged incident's source records move to the survivor. Merges, what they
moved (``moved_source_ids``) and filled (``filled_fields``: field -> [before, after]) are stored in
``merges``, and both incidents get a change-log entry (action ``merge``, with the merge id).

A pair once merged and undone is never proposed again: an analyst has said "not the same". A merge
is undone only while nothing that came after depends on it (a later merge that moved its source
records on to a third incident must be undone first).

Example::

    >>> from nigehban import Nigehban
    >>> app = Nigehban(database_url="sqlite:///:memory:")
    >>> _ = app.init()
    >>> report = app.dedupe(DedupeConfig(window_days=1, max_km=30), dry_run=True)
    >>> report.merges, report.candidates
    ([], 0)
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import math
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Engine, Table, bindparam, insert, select, update

from nigehban.errors import InvalidFieldValue, MergeNotFound, MergeUndoError
from nigehban.ingest.pipeline import ProgressCallback
from nigehban.record import RECORD_FIELDS, whole_number
from nigehban.store.changelog import ChangeLogWriter, jsonable
from nigehban.store.schema import INCIDENTS, MERGES, SOURCES, utcnow
from nigehban.taxonomy import ATTACK_TYPES, UNKNOWN_PERPETRATOR, normalise_name

__all__ = [
    "DedupeConfig",
    "DedupeReport",
    "MergeInfo",
    "ScoreWeights",
    "attack_compatibility",
    "count_similarity",
    "list_merges",
    "merge_incident",
    "place_key",
    "run_dedupe",
    "undo_merge",
]

METHOD = "dedupe-fields-v1"
"""Recorded with every merge this module makes (``merges.method``)."""

EARTH_RADIUS_KM = 6371.0088

# Attack types that one source may record where another records the other: a bomb that killed
# its target is a "bombing" here and an "assassination" there; complex attacks (gunmen and suicide
# bombers) are an "armed assault", a "bombing" or a "hostage" incident depending on who tells it.
_RELATED_ATTACKS = (
    ("bombing", "assassination"),
    ("bombing", "facility_attack"),
    ("bombing", "armed_assault"),
    ("bombing", "hostage_barricade"),
    ("armed_assault", "assassination"),
    ("armed_assault", "hostage_barricade"),
    ("armed_assault", "facility_attack"),
    ("armed_assault", "unarmed_assault"),
    ("assassination", "unarmed_assault"),
    ("kidnapping", "hostage_barricade"),
    ("hijacking", "kidnapping"),
    ("hijacking", "hostage_barricade"),
)
RELATED_ATTACK_SCORE = 0.6
UNKNOWN_ATTACK_SCORE = 0.6
# Suicide flags: agreeing, one of them unknown, contradicting.
SUICIDE_AGREE, SUICIDE_UNKNOWN, SUICIDE_CONTRADICT = 1.0, 0.8, 0.2
# A shared district or place name, where coordinates cannot decide, is worth as much as a
# distance of half ``max_km``.
NAME_LOCATION_SCORE = 0.75
# Casualty similarities become fully informative from this many killed / wounded on.
KILLED_SCALE = 4.0
WOUNDED_SCALE = 10.0
# Unusable coordinates: a province's or the country's centroid says nothing about the place.
_UNUSABLE_PRECISIONS = ("province", "country")
_COARSE_PRECISIONS = ("district",)
# Words that qualify a place name without naming it ("Kurram Agency" is "Kurram").
_PLACE_NOISE = frozenset({"district", "distt", "dist", "agency", "city", "tehsil", "town", "cantt", "cantonment"})
# Fields a survivor never takes from the merged incident.
_NOT_FILLED = frozenset({"date", "date_precision"})
# Values that mean "not known" although the field has a value.
_EMPTY_VALUES: dict[str, object] = {
    "attack_type": "unknown",
    "target_type": "unknown",
    "weapon_type": "unknown",
    "perpetrator": UNKNOWN_PERPETRATOR,
}
_COORDINATES = ("latitude", "longitude", "geo_precision")
_PAIR_CHUNK = 1_000_000
SQLITE_CACHE_KIB = 256 * 1024


# configuration --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ScoreWeights:
    """Weights of the score components (any non-negative numbers; they are normalised to sum 1)."""

    date: float = 0.15
    location: float = 0.20
    type: float = 0.30
    casualties: float = 0.35

    def normalised(self) -> tuple[float, float, float, float]:
        values = (self.date, self.location, self.type, self.casualties)
        if any(value < 0 or not math.isfinite(value) for value in values) or sum(values) <= 0:
            raise InvalidFieldValue("weights", values, "weights must be non-negative with a positive sum")
        total = sum(values)
        return (values[0] / total, values[1] / total, values[2] / total, values[3] / total)


@dataclasses.dataclass(frozen=True)
class DedupeConfig:
    """The knobs of deduplication.

    Args:
        window_days: largest difference in days between the two dates (0 = same day only).
        max_km: largest distance between two incidents with coordinates.
        threshold: smallest score (0-1) at which a pair is merged.
        dataset_priority: datasets in the order their incident survives a merge; every other dataset
            comes after these, and among equals the lower incident id survives.
        weights: how much each component counts in the score.

    >>> DedupeConfig(window_days=2).max_km
    30.0
    """

    window_days: int = 1
    max_km: float = 30.0
    threshold: float = 0.6
    dataset_priority: tuple[str, ...] = ("gtd", "ucdp", "acled")
    weights: ScoreWeights = ScoreWeights()

    def __post_init__(self) -> None:
        if not isinstance(self.window_days, int) or self.window_days < 0:
            raise InvalidFieldValue("window_days", self.window_days, "must be a whole number of days, 0 or more")
        if not (math.isfinite(self.max_km) and self.max_km > 0):
            raise InvalidFieldValue("max_km", self.max_km, "must be a positive distance in kilometres")
        if not 0 <= self.threshold <= 1:
            raise InvalidFieldValue("threshold", self.threshold, "must be between 0 and 1")
        object.__setattr__(self, "dataset_priority", tuple(self.dataset_priority))
        self.weights.normalised()

    def as_json_dict(self) -> dict[str, Any]:
        return {
            "window_days": self.window_days,
            "max_km": self.max_km,
            "threshold": self.threshold,
            "dataset_priority": list(self.dataset_priority),
            "weights": dataclasses.asdict(self.weights),
        }


# results --------------------------------------------------------------------------------------------


@dataclasses.dataclass
class MergeInfo:
    """One merge: which incident was kept, which was merged into it, the score and what moved.

    ``id`` and ``created_at`` are ``None`` in the report of a dry run (nothing was written).
    ``kept_sources`` are the survivor's other source records, ``merged_sources`` those the merge
    moved (``dataset:key``).
    """

    id: int | None
    kept_incident_id: int
    merged_incident_id: int
    kept_sources: list[str]
    merged_sources: list[str]
    score: float
    components: dict[str, Any]
    filled_fields: dict[str, list[Any]]
    moved_source_ids: list[int]
    method: str
    actor: str
    created_at: dt.datetime | None = None
    undone_at: dt.datetime | None = None
    undone_by: str | None = None

    @property
    def undone(self) -> bool:
        return self.undone_at is not None

    def as_json_dict(self) -> dict[str, Any]:
        return jsonable(dataclasses.asdict(self))  # type: ignore[no-any-return]


@dataclasses.dataclass
class DedupeReport:
    """What a deduplication run found and did.

    ``incidents`` active incidents were in the store; ``candidates`` of them have a day-precision
    date and took part (``imprecise`` did not); ``pairs_considered`` pairs fell within the date
    window, ``pairs_compatible`` of them passed the hard rules (datasets, place, type),
    ``pairs_above_threshold`` scored at least the threshold, and ``merges`` were made (or, on a dry
    run, would be).
    """

    config: DedupeConfig
    dry_run: bool
    merges: list[MergeInfo]
    incidents: int = 0
    candidates: int = 0
    imprecise: int = 0
    pairs_considered: int = 0
    pairs_compatible: int = 0
    pairs_above_threshold: int = 0
    pairs_refused_before: int = 0
    seconds: float = 0.0

    def as_json_dict(self) -> dict[str, Any]:
        return {
            "config": self.config.as_json_dict(),
            "dry_run": self.dry_run,
            "incidents": self.incidents,
            "candidates": self.candidates,
            "imprecise": self.imprecise,
            "pairs_considered": self.pairs_considered,
            "pairs_compatible": self.pairs_compatible,
            "pairs_above_threshold": self.pairs_above_threshold,
            "pairs_refused_before": self.pairs_refused_before,
            "seconds": round(self.seconds, 3),
            "merges": [merge.as_json_dict() for merge in self.merges],
        }


# the candidates as columns --------------------------------------------------------------------------

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def place_key(name: str | None) -> str | None:
    """A place or district name reduced for comparison ("Kurram Agency" and "kurram district" agree).

    >>> place_key("Kurram Agency") == place_key("Kurram district")
    True
    >>> place_key("  ") is None
    True
    """
    if name is None:
        return None
    words = [word for word in normalise_name(name).split() if word not in _PLACE_NOISE]
    return " ".join(words) or None


class _Codes:
    """Integer codes for names (-1 for none), so that names compare as numbers.

    ``key`` reduces a name before coding it (each distinct spelling is reduced once).
    """

    def __init__(self, key: Callable[[str | None], str | None] | None = None) -> None:
        self._codes: dict[str, int] = {}
        self._key = key
        self._seen: dict[str | None, int] = {}

    def __call__(self, value: str | None) -> int:
        code = self._seen.get(value)
        if code is None:
            reduced = self._key(value) if self._key is not None else value
            code = -1 if reduced is None else self._codes.setdefault(reduced, len(self._codes))
            self._seen[value] = code
        return code


@dataclasses.dataclass
class _Candidates:
    """The day-precision incidents, sorted by day then id, one array per field.

    The active incidents, and with them the incidents merged into them before (``root`` is the
    active incident a row now belongs to; its own id for an active one). Earlier merges take part so
    that a later run treats a merged incident as the group it is: a new report must match every
    member, exactly as within one run, which keeps re-runs idempotent.
    """

    ids: IntArray
    root: IntArray
    day: IntArray
    lat: FloatArray
    lon: FloatArray
    coarse: BoolArray
    province: IntArray
    place: IntArray
    district: IntArray
    pcode: IntArray
    attack: IntArray
    suicide: IntArray
    killed: FloatArray
    wounded: FloatArray
    masks: npt.NDArray[np.uint64]
    rank: IntArray

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def active(self) -> BoolArray:
        result: BoolArray = self.ids == self.root
        return result


def _total(victims: float | None, attackers: float | None) -> float:
    """Victims plus attackers, NaN when the victims are not reported."""
    if victims is None:
        return math.nan
    return float(victims) + float(attackers or 0)


_SourceRow = tuple[int, int, str, str]
"""A source record: id, incident id, dataset, key."""


def _load_sources(connection: Connection) -> list[_SourceRow]:
    rows = connection.execute(
        select(SOURCES.c.id, SOURCES.c.incident_id, SOURCES.c.dataset, SOURCES.c.key).order_by(SOURCES.c.id)
    )
    return [(source_id, incident_id, dataset, key) for source_id, incident_id, dataset, key in rows]


def _load_candidates(
    connection: Connection, config: DedupeConfig, sources: list[_SourceRow]
) -> tuple[_Candidates, int, int]:
    """The candidates, the number of active incidents, and how many of those were left out as imprecise."""
    columns = (
        INCIDENTS.c.id,
        INCIDENTS.c.merged_into_id,
        INCIDENTS.c.date,
        INCIDENTS.c.date_precision,
        INCIDENTS.c.latitude,
        INCIDENTS.c.longitude,
        INCIDENTS.c.geo_precision,
        INCIDENTS.c.province,
        INCIDENTS.c.district_pcode,
        INCIDENTS.c.district,
        INCIDENTS.c.place,
        INCIDENTS.c.attack_type,
        INCIDENTS.c.suicide,
        INCIDENTS.c.killed,
        INCIDENTS.c.killed_perpetrators,
        INCIDENTS.c.wounded,
        INCIDENTS.c.wounded_perpetrators,
    )
    rows = connection.execute(select(*columns).order_by(INCIDENTS.c.date, INCIDENTS.c.id)).all()
    merged_into = {row.id: row.merged_into_id for row in rows if row.merged_into_id is not None}

    def root_of(incident_id: int) -> int:
        seen = 0
        while incident_id in merged_into and seen <= len(merged_into):
            incident_id = merged_into[incident_id]
            seen += 1
        return incident_id

    active = sum(1 for row in rows if row.merged_into_id is None)
    precise = {row.id for row in rows if row.merged_into_id is None and row.date_precision == "day"}
    imprecise = active - len(precise)
    # a merged-away incident takes part only as a member of an active, day-precision incident
    rows = [row for row in rows if row.date_precision == "day" and root_of(row.id) in precise]
    provinces, names, pcodes = _Codes(), _Codes(place_key), _Codes()
    attack_codes = {code: index for index, code in enumerate(ATTACK_TYPES)}
    unknown_attack = attack_codes["unknown"]
    n = len(rows)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    coarse = np.zeros(n, dtype=bool)
    killed = np.full(n, np.nan)
    wounded = np.full(n, np.nan)
    fields: dict[str, list[int]] = {
        name: [] for name in ("ids", "root", "day", "province", "place", "district", "pcode", "attack", "suicide")
    }
    for index, row in enumerate(rows):
        (
            incident_id,
            _,
            date,
            _,
            latitude,
            longitude,
            geo_precision,
            province,
            pcode,
            district,
            place,
            attack_type,
            suicide,
            victims,
            attackers,
            wounded_victims,
            wounded_attackers,
        ) = row
        fields["ids"].append(incident_id)
        fields["root"].append(root_of(incident_id))
        fields["day"].append(date.toordinal())
        if latitude is not None and longitude is not None and geo_precision not in _UNUSABLE_PRECISIONS:
            lat[index] = latitude
            lon[index] = longitude
            coarse[index] = geo_precision in _COARSE_PRECISIONS
        fields["province"].append(provinces(province))
        fields["place"].append(names(place))
        fields["district"].append(names(district))
        fields["pcode"].append(pcodes(pcode))
        fields["attack"].append(attack_codes.get(attack_type, unknown_attack))
        fields["suicide"].append(-1 if suicide is None else int(suicide))
        killed[index] = _total(victims, attackers)
        wounded[index] = _total(wounded_victims, wounded_attackers)
    arrays = {name: np.asarray(values, dtype=np.int64) for name, values in fields.items()}
    masks, rank = _dataset_masks(sources, arrays["root"], config.dataset_priority)
    candidates = _Candidates(
        **arrays,
        lat=lat,
        lon=lon,
        coarse=coarse,
        killed=killed,
        wounded=wounded,
        masks=masks,
        rank=rank,
    )
    return candidates, active, imprecise


def _dataset_masks(
    sources: list[_SourceRow], roots: IntArray, priority: Sequence[str]
) -> tuple[npt.NDArray[np.uint64], IntArray]:
    """Per row: a bit set of the datasets of its root's source records, and the root's survival rank."""
    rows = [(incident_id, dataset) for _, incident_id, dataset, _ in sources]
    datasets = sorted({dataset for _, dataset in rows})
    bit = {dataset: index for index, dataset in enumerate(datasets)}
    order = {dataset: index for index, dataset in enumerate(priority)}
    # every unlisted dataset ranks after the listed ones, all alike (the lower id decides among them)
    dataset_rank = {dataset: order.get(dataset, len(order)) for dataset in datasets}
    words = max(1, math.ceil(len(datasets) / 64))
    unique_roots, row_root = np.unique(roots, return_inverse=True)
    masks = np.zeros((len(unique_roots), words), dtype=np.uint64)
    rank = np.full(len(unique_roots), len(order), dtype=np.int64)
    if rows and len(unique_roots):
        incident_of = np.asarray([incident_id for incident_id, _ in rows], dtype=np.int64)
        dataset_of = np.asarray([bit[dataset] for _, dataset in rows], dtype=np.int64)
        rank_of = np.asarray([dataset_rank[dataset] for _, dataset in rows], dtype=np.int64)
        found = np.minimum(np.searchsorted(unique_roots, incident_of), len(unique_roots) - 1)
        keep = unique_roots[found] == incident_of  # sources of incidents that take no part drop out
        position = found[keep]
        dataset_of, rank_of = dataset_of[keep], rank_of[keep]
        for word in range(words):
            in_word = (dataset_of // 64) == word
            values = np.left_shift(np.uint64(1), (dataset_of[in_word] % 64).astype(np.uint64))
            np.bitwise_or.at(masks[:, word], position[in_word], values)
        np.minimum.at(rank, position, rank_of)
    return masks[row_root], rank[row_root]


# scoring --------------------------------------------------------------------------------------------


def _attack_matrix() -> FloatArray:
    codes = list(ATTACK_TYPES)
    size = len(codes)
    matrix = np.zeros((size, size))
    np.fill_diagonal(matrix, 1.0)
    unknown = codes.index("unknown")
    matrix[unknown, :] = matrix[:, unknown] = UNKNOWN_ATTACK_SCORE
    matrix[unknown, unknown] = 1.0
    for first, second in _RELATED_ATTACKS:
        a, b = codes.index(first), codes.index(second)
        matrix[a, b] = matrix[b, a] = RELATED_ATTACK_SCORE
    return matrix


_ATTACK_MATRIX = _attack_matrix()


def _haversine(lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray) -> FloatArray:
    """Great-circle distance in km (NaN where a coordinate is missing)."""
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi = phi2 - phi1
    dlambda = np.radians(lon2 - lon1)
    h = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlambda / 2) ** 2
    result: FloatArray = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return result


def _count_similarity(a: FloatArray, b: FloatArray, scale: float) -> FloatArray:
    """Similarity of two tolls in [0, 1], 0.5 ("no evidence") where either is unknown.

    ``(min + 1) / (max + 1)`` pulled towards 0.5 for small tolls: agreeing on 0 killed says little,
    agreeing on 30 says a lot.
    """
    with np.errstate(invalid="ignore"):
        low = np.fmin(a, b)
        high = np.fmax(a, b)
        ratio = (low + 1) / (high + 1)
        confidence = np.clip(high / scale, 0.0, 1.0)
        result = 0.5 + confidence * (ratio - 0.5)
    known = ~(np.isnan(a) | np.isnan(b))
    out: FloatArray = np.where(known, result, np.nan)
    return out


_ATTACK_CODES = {code: number for number, code in enumerate(ATTACK_TYPES)}


def attack_compatibility(first: str, second: str) -> float:
    """How well two attack types can describe one attack: 1 equal, 0.6 related or one unknown, 0 never.

    The rule of the pair scoring, for one pair (the review queue's matching uses it too).

    >>> attack_compatibility("bombing", "assassination"), attack_compatibility("kidnapping", "bombing")
    (0.6, 0.0)
    """
    return float(_ATTACK_MATRIX[_ATTACK_CODES[first], _ATTACK_CODES[second]])


def count_similarity(first: float | None, second: float | None, *, wounded: bool = False) -> float | None:
    """Similarity of two tolls in [0, 1] as the pair scoring computes it; ``None`` when either is unknown.

    >>> round(count_similarity(8, 9) or 0, 3), count_similarity(None, 3)
    (0.9, None)
    """
    if first is None or second is None:
        return None
    scale = WOUNDED_SCALE if wounded else KILLED_SCALE
    value = _count_similarity(np.array([float(first)]), np.array([float(second)]), scale)[0]
    return float(value)


@dataclasses.dataclass
class _Scored:
    """Pairs (positions ``i < j`` into the candidates) at or above the threshold, with components."""

    i: IntArray
    j: IntArray
    score: FloatArray
    days: IntArray
    km: FloatArray
    by_name: BoolArray
    date: FloatArray
    location: FloatArray
    type: FloatArray
    casualties: FloatArray
    killed: FloatArray  # the two totals, for the record
    killed_other: FloatArray


def _pair_chunks(day: IntArray, window: int) -> Iterator[tuple[int, IntArray, IntArray]]:
    """Every pair ``i < j`` of positions whose days differ by at most ``window``, in chunks.

    The candidates are sorted by day, so the partners of ``i`` are the positions from ``i + 1``
    up to the last one within the window: a range, found for all ``i`` at once by ``searchsorted``.
    Yields ``(last position covered, i, j)``.
    """
    n = len(day)
    if n < 2:
        return
    end = np.searchsorted(day, day + window, side="right")
    counts = end - np.arange(n) - 1
    cumulative = np.cumsum(counts)
    start = 0
    while start < n:
        # as many starting positions as keep the chunk near _PAIR_CHUNK pairs (at least one)
        before = cumulative[start - 1] if start else 0
        stop = int(np.searchsorted(cumulative, before + _PAIR_CHUNK, side="right"))
        stop = max(stop, start + 1)
        stop = min(stop, n)
        chunk_counts = counts[start:stop]
        total = int(chunk_counts.sum())
        if total:
            i = np.repeat(np.arange(start, stop, dtype=np.int64), chunk_counts)
            first = np.repeat(np.cumsum(chunk_counts) - chunk_counts, chunk_counts)
            j = i + 1 + (np.arange(total, dtype=np.int64) - first)
            yield stop, i, j
        else:
            yield stop, np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        start = stop


def _score_pairs(
    candidates: _Candidates, config: DedupeConfig, report: DedupeReport, progress: ProgressCallback | None
) -> _Scored:
    weights = config.weights.normalised()
    attack_matrix = _attack_matrix()
    c = candidates
    kept: list[dict[str, npt.NDArray[Any]]] = []
    for done, i, j in _pair_chunks(c.day, config.window_days):
        report.pairs_considered += len(i)
        # hard rules first, cheapest first, each narrowing the pairs the next one looks at
        disjoint = np.all((c.masks[i] & c.masks[j]) == 0, axis=1)
        i, j = i[disjoint], j[disjoint]
        attack = attack_matrix[c.attack[i], c.attack[j]]
        compatible = attack > 0
        i, j, attack = i[compatible], j[compatible], attack[compatible]

        km = _haversine(c.lat[i], c.lon[i], c.lat[j], c.lon[j])
        both_points = ~np.isnan(km)
        with np.errstate(invalid="ignore"):
            by_distance = both_points & (km <= config.max_km)
        same_name = (
            ((c.place[i] >= 0) & ((c.place[i] == c.place[j]) | (c.place[i] == c.district[j])))
            | ((c.district[i] >= 0) & ((c.district[i] == c.district[j]) | (c.district[i] == c.place[j])))
            | ((c.pcode[i] >= 0) & (c.pcode[i] == c.pcode[j]))
        )
        provinces_agree = (c.province[i] < 0) | (c.province[j] < 0) | (c.province[i] == c.province[j])
        names_may_decide = ~both_points | c.coarse[i] | c.coarse[j]
        by_name = ~by_distance & names_may_decide & same_name & provinces_agree
        located = by_distance | by_name
        i, j, attack, km, by_name = i[located], j[located], attack[located], km[located], by_name[located]
        report.pairs_compatible += len(i)
        if not len(i):
            if progress is not None:
                progress(done, len(c))
            continue

        days = np.abs(c.day[j] - c.day[i])
        date_score = 1.0 - days / (config.window_days + 1)
        location_score = np.where(by_name, NAME_LOCATION_SCORE, 1.0 - 0.5 * np.nan_to_num(km) / config.max_km)
        si, sj = c.suicide[i], c.suicide[j]
        suicide = np.where((si < 0) | (sj < 0), SUICIDE_UNKNOWN, np.where(si == sj, SUICIDE_AGREE, SUICIDE_CONTRADICT))
        type_score = attack * suicide
        killed = _count_similarity(c.killed[i], c.killed[j], KILLED_SCALE)
        wounded = _count_similarity(c.wounded[i], c.wounded[j], WOUNDED_SCALE)
        casualties = np.where(
            np.isnan(killed),
            np.where(np.isnan(wounded), 0.5, wounded),
            np.where(np.isnan(wounded), killed, 0.7 * killed + 0.3 * wounded),
        )
        score = (
            weights[0] * date_score + weights[1] * location_score + weights[2] * type_score + weights[3] * casualties
        )
        above = score >= config.threshold - 1e-12
        kept.append(
            {
                "i": i[above],
                "j": j[above],
                "score": score[above],
                "days": days[above],
                "km": km[above],
                "by_name": by_name[above],
                "date": date_score[above],
                "location": location_score[above],
                "type": type_score[above],
                "casualties": casualties[above],
                "killed": c.killed[i[above]],
                "killed_other": c.killed[j[above]],
            }
        )
        if progress is not None:
            progress(done, len(c))
    if not kept:
        empty_int = np.empty(0, dtype=np.int64)
        empty_float = np.empty(0)
        return _Scored(
            empty_int,
            empty_int,
            empty_float,
            empty_int,
            empty_float,
            np.empty(0, dtype=bool),
            empty_float,
            empty_float,
            empty_float,
            empty_float,
            empty_float,
            empty_float,
        )
    joined = {key: np.concatenate([part[key] for part in kept]) for key in kept[0]}
    return _Scored(**joined)


def _forbidden_pairs(connection: Connection) -> set[tuple[int, int]]:
    """Pairs of incidents an analyst has unmerged: never proposed again."""
    rows = connection.execute(
        select(MERGES.c.kept_incident_id, MERGES.c.merged_incident_id).where(MERGES.c.undone_at.is_not(None))
    )
    return {(min(a, b), max(a, b)) for a, b in rows}


# grouping -------------------------------------------------------------------------------------------


@dataclasses.dataclass
class _Planned:
    kept: int  # incident ids
    merged: int
    pair: int  # index into _Scored
    kept_first: bool  # whether the kept incident is the pair's ``i``


def _group(candidates: _Candidates, scored: _Scored, forbidden: set[tuple[int, int]]) -> tuple[list[_Planned], int]:
    """Greedy grouping, best score first; returns the merges to make and the refused-before count.

    Groups start as the active incidents with the incidents merged into them before. Two groups
    join when their datasets are disjoint and every member of one matches every member of the other
    (complete linkage); the active incidents of a joined group are then merged into its survivor.
    """
    ids = candidates.ids
    pair_index: dict[tuple[int, int], int] = {}
    refused = 0
    for index, (a, b) in enumerate(zip(scored.i.tolist(), scored.j.tolist(), strict=True)):
        key = (int(ids[a]), int(ids[b])) if ids[a] < ids[b] else (int(ids[b]), int(ids[a]))
        if key in forbidden:
            refused += 1
            continue
        pair_index[(a, b)] = index
    # best first; ties broken by distance, then by ids, so that runs are reproducible
    km = np.where(np.isnan(scored.km), np.inf, scored.km)
    order = np.lexsort((ids[scored.j], ids[scored.i], km, -scored.score))

    # the groups as they stand: every row points at the row of its active incident
    position_of = {int(incident_id): position for position, incident_id in enumerate(ids.tolist())}
    root: dict[int, int] = {}
    members: dict[int, list[int]] = {}
    for position, root_id in enumerate(candidates.root.tolist()):
        root_position = position_of[int(root_id)]
        if root_position != position:
            root[position] = root_position
            members.setdefault(root_position, [root_position]).append(position)
    mask: dict[int, int] = {}

    def find(position: int) -> int:
        while root.get(position, position) != position:
            position = root[position]
        return position

    def mask_of(position: int) -> int:
        words = candidates.masks[position]
        return sum(int(word) << (64 * index) for index, word in enumerate(words))

    def matched(a: int, b: int) -> bool:
        return ((a, b) if a < b else (b, a)) in pair_index

    for index in order.tolist():
        a, b = int(scored.i[index]), int(scored.j[index])
        if (a, b) not in pair_index:
            continue
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        group_a, group_b = members.get(ra, [ra]), members.get(rb, [rb])
        mask_a = mask.get(ra, mask_of(ra))
        mask_b = mask.get(rb, mask_of(rb))
        if mask_a & mask_b:
            continue  # a dataset would appear twice in the merged incident
        if not all(matched(x, y) for x in group_a for y in group_b):
            continue  # every member must match every other: no chains
        root[rb] = ra
        members[ra] = group_a + group_b
        mask[ra] = mask_a | mask_b
        members.pop(rb, None)
        mask.pop(rb, None)

    active = candidates.active
    planned: list[_Planned] = []
    for group in members.values():
        heads = [position for position in group if active[position]]
        if len(heads) < 2:
            continue  # a group from earlier runs that found nothing new
        ordered = sorted(heads, key=lambda position: (int(candidates.rank[position]), int(ids[position])))
        survivor = ordered[0]
        for other in ordered[1:]:
            a, b = (survivor, other) if survivor < other else (other, survivor)
            planned.append(_Planned(int(ids[survivor]), int(ids[other]), pair_index[(a, b)], survivor < other))
    planned.sort(key=lambda merge: (merge.kept, merge.merged))
    return planned, refused


def _components(scored: _Scored, index: int, config: DedupeConfig, *, kept_first: bool) -> dict[str, Any]:
    km = scored.km[index].item()
    totals = [scored.killed[index].item(), scored.killed_other[index].item()]
    if not kept_first:
        totals.reverse()  # kept, then merged
    return {
        "date": round(float(scored.date[index]), 4),
        "location": round(float(scored.location[index]), 4),
        "type": round(float(scored.type[index]), 4),
        "casualties": round(float(scored.casualties[index]), 4),
        "days": int(scored.days[index]),
        "km": None if math.isnan(km) else round(km, 2),
        "location_basis": "name" if bool(scored.by_name[index]) else "distance",
        "killed_totals": [None if math.isnan(total) else whole_number(total) for total in totals],  # kept, merged
        "config": {"window_days": config.window_days, "max_km": config.max_km, "threshold": config.threshold},
    }


# the run --------------------------------------------------------------------------------------------


def run_dedupe(
    engine: Engine,
    config: DedupeConfig,
    *,
    actor: str,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
) -> DedupeReport:
    """Find and merge incidents that several sources report (see the module docstring for the rules).

    Everything happens in one transaction: an interrupted run leaves the store as it was. With
    ``dry_run`` nothing is written; the report lists the merges that would be made (without ids).

    Example::

        report = app.dedupe(DedupeConfig(window_days=1, max_km=30, threshold=0.6))
        for merge in report.merges:
            print(merge.kept_incident_id, "<-", merge.merged_incident_id, round(merge.score, 2))
    """
    started = time.perf_counter()
    report = DedupeReport(config=config, dry_run=dry_run, merges=[])
    with engine.connect() if dry_run else engine.begin() as connection, _page_cache(connection):
        sources = _load_sources(connection)
        candidates, report.incidents, report.imprecise = _load_candidates(connection, config, sources)
        report.candidates = int(candidates.active.sum())
        scored = _score_pairs(candidates, config, report, progress)
        report.pairs_above_threshold = len(scored.score)
        planned, report.pairs_refused_before = _group(candidates, scored, _forbidden_pairs(connection))
        if planned:
            report.merges = _apply(connection, planned, scored, sources, config, actor=actor, dry_run=dry_run)
    if progress is not None:
        progress(len(candidates), len(candidates))
    report.seconds = time.perf_counter() - started
    return report


def _set_column(
    connection: Connection,
    table: Table,
    match: str,
    column: str,
    pairs: Sequence[tuple[int, int]],
    **also: Any,
) -> None:
    """``UPDATE table SET column = new (, also...) WHERE match = key`` for every ``(key, new)`` pair.

    PostgreSQL gets one statement over two arrays; elsewhere the pairs go in one executemany, in
    key order (which keeps SQLite's page cache warm).
    """
    ordered = sorted(pairs)
    if not ordered:
        return
    if connection.dialect.name == "postgresql":
        assignments = ", ".join([f"{column} = pairs.new", *(f"{name} = %({name})s" for name in also)])
        connection.exec_driver_sql(
            f"UPDATE {table.name} SET {assignments} "
            "FROM unnest(%(keys)s::integer[], %(values)s::integer[]) AS pairs(key, new) "
            f"WHERE {table.name}.{match} = pairs.key",
            {"keys": [key for key, _ in ordered], "values": [new for _, new in ordered], **also},
        )
        return
    connection.execute(
        update(table).where(table.c[match] == bindparam("b_key")).values({column: bindparam("b_new"), **also}),
        [{"b_key": key, "b_new": new} for key, new in ordered],
    )


@contextlib.contextmanager
def _page_cache(connection: Connection) -> Iterator[None]:
    """On SQLite, a larger page cache for the run.

    With foreign keys on, SQLite rewrites every index entry of a row whose ``merged_into_id`` it
    updates; with the default 2 MB cache, tens of thousands of such updates spend their time
    re-reading index pages. The connection's own setting comes back afterwards.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(previous)}")


def _chunks(values: Sequence[int], size: int = 5000) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


def _is_empty(field: str, value: object) -> bool:
    return value is None or (field in _EMPTY_VALUES and value == _EMPTY_VALUES[field])


def _fill(survivor: dict[str, Any], merged: dict[str, Any]) -> dict[str, list[Any]]:
    """Fill the survivor's empty fields from the merged incident (in place); returns field -> [before, after]."""
    filled: dict[str, list[Any]] = {}
    if survivor["latitude"] is None and merged["latitude"] is not None:
        for field in _COORDINATES:
            if survivor[field] != merged[field]:
                filled[field] = [survivor[field], merged[field]]
    for field in RECORD_FIELDS:
        if field in _NOT_FILLED or field in _COORDINATES:
            continue
        if _is_empty(field, survivor[field]) and not _is_empty(field, merged[field]):
            filled[field] = [survivor[field], merged[field]]
    for field, (_, after) in filled.items():
        survivor[field] = after
    return filled


def _apply(
    connection: Connection,
    planned: list[_Planned],
    scored: _Scored,
    source_rows: list[_SourceRow],
    config: DedupeConfig,
    *,
    actor: str,
    dry_run: bool,
) -> list[MergeInfo]:
    involved = sorted({merge.kept for merge in planned} | {merge.merged for merge in planned})
    records: dict[int, dict[str, Any]] = {}
    sources: dict[int, list[tuple[int, str]]] = {incident_id: [] for incident_id in involved}
    for source_id, incident_id, dataset, key in source_rows:  # in id order
        if incident_id in sources:
            sources[incident_id].append((source_id, f"{dataset}:{key}"))
    for chunk in _chunks(involved):
        for row in connection.execute(
            select(INCIDENTS.c.id, *(INCIDENTS.c[field] for field in RECORD_FIELDS)).where(
                INCIDENTS.c.id.in_(bindparam("ids", expanding=True))
            ),
            {"ids": chunk},
        ):
            records[row[0]] = dict(zip(RECORD_FIELDS, row[1:], strict=True))

    now = utcnow()
    merges: list[MergeInfo] = []
    kept_labels = {incident_id: [label for _, label in sources[incident_id]] for incident_id in involved}
    for plan in planned:
        moved = sources[plan.merged]
        filled = _fill(records[plan.kept], records[plan.merged])
        merges.append(
            MergeInfo(
                id=None,
                kept_incident_id=plan.kept,
                merged_incident_id=plan.merged,
                kept_sources=list(kept_labels[plan.kept]),
                merged_sources=[label for _, label in moved],
                score=round(float(scored.score[plan.pair]), 4),
                components=_components(scored, plan.pair, config, kept_first=plan.kept_first),
                filled_fields=jsonable(filled),
                moved_source_ids=[source_id for source_id, _ in moved],
                method=METHOD,
                actor=actor,
                created_at=None if dry_run else now,
            )
        )
    if dry_run:
        return merges

    # One multi-row INSERT without RETURNING (SQLite would fall back to a statement per row to keep
    # RETURNING in order); the ids are read back by the merged incident, which is unique in a run.
    connection.execute(
        insert(MERGES),
        [
            {
                "kept_incident_id": merge.kept_incident_id,
                "merged_incident_id": merge.merged_incident_id,
                "score": merge.score,
                "components": merge.components,
                "moved_source_ids": merge.moved_source_ids,
                "filled_fields": merge.filled_fields,
                "method": merge.method,
                "actor": actor,
                "created_at": now,
            }
            for merge in merges
        ],
    )
    new_ids = dict(
        connection.execute(
            select(MERGES.c.merged_incident_id, MERGES.c.id).where(
                MERGES.c.created_at == now, MERGES.c.actor == actor, MERGES.c.undone_at.is_(None)
            )
        ).all()
    )
    for merge in merges:
        merge.id = int(new_ids[merge.merged_incident_id])

    pairs = [(merge.merged_incident_id, merge.kept_incident_id) for merge in merges]
    _set_column(connection, INCIDENTS, "id", "merged_into_id", pairs, updated_at=now)
    _set_column(connection, SOURCES, "incident_id", "incident_id", pairs)
    # the survivors' filled fields, one statement per set of fields
    final: dict[int, dict[str, Any]] = {}
    for merge in merges:
        if merge.filled_fields:
            final.setdefault(merge.kept_incident_id, {}).update(
                {field: records[merge.kept_incident_id][field] for field in merge.filled_fields}
            )
    by_fields: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for incident_id, values in final.items():
        fields = tuple(sorted(values))
        by_fields.setdefault(fields, []).append({"b_id": incident_id, **{f"b_{f}": values[f] for f in fields}})
    for fields, parameters in by_fields.items():
        parameters.sort(key=lambda values: int(values["b_id"]))
        connection.execute(
            update(INCIDENTS)
            .where(INCIDENTS.c.id == bindparam("b_id"))
            .values({**{field: bindparam(f"b_{field}") for field in fields}, "updated_at": now}),
            parameters,
        )

    log = ChangeLogWriter(connection, actor=actor)
    for merge in merges:
        assert merge.id is not None
        note = f"merge {merge.id} (score {merge.score:.2f}, {METHOD})"
        log.add(
            "incident",
            merge.kept_incident_id,
            "merge",
            before={field: before for field, (before, _) in merge.filled_fields.items()},
            after={
                **{field: after for field, (_, after) in merge.filled_fields.items()},
                "merged_incident_id": merge.merged_incident_id,
                "added_source_ids": merge.moved_source_ids,
            },
            note=note,
            merge_id=merge.id,
        )
        log.add(
            "incident",
            merge.merged_incident_id,
            "merge",
            before={"merged_into_id": None, "source_ids": merge.moved_source_ids},
            after={"merged_into_id": merge.kept_incident_id, "source_ids": []},
            note=note,
            merge_id=merge.id,
        )
    log.flush()
    return merges


def merge_incident(
    connection: Connection,
    *,
    kept_incident_id: int,
    merged_incident_id: int,
    score: float,
    components: dict[str, Any],
    method: str,
    actor: str,
    note: str | None = None,
) -> MergeInfo:
    """Merge one incident into another as a deduplication run would, for a pair decided elsewhere.

    The review queue uses it when an analyst attaches a report to a stored incident: the survivor
    fills only its empty fields, the merged incident's source records move to it, the merge is
    recorded (``method``) with both change-log entries, and :func:`undo_merge` reverses it.
    """
    records: dict[int, dict[str, Any]] = {}
    for row in connection.execute(
        select(INCIDENTS.c.id, INCIDENTS.c.merged_into_id, *(INCIDENTS.c[field] for field in RECORD_FIELDS)).where(
            INCIDENTS.c.id.in_([kept_incident_id, merged_incident_id])
        )
    ):
        if row[1] is not None:
            raise InvalidFieldValue("incident", row[0], f"was merged into incident {row[1]}: merge into that one")
        records[row[0]] = dict(zip(RECORD_FIELDS, row[2:], strict=True))
    moved = [
        int(source_id)
        for source_id in connection.execute(
            select(SOURCES.c.id).where(SOURCES.c.incident_id == merged_incident_id).order_by(SOURCES.c.id)
        ).scalars()
    ]
    filled = _fill(records[kept_incident_id], records[merged_incident_id])
    now = utcnow()
    merge_id = connection.execute(
        insert(MERGES)
        .values(
            kept_incident_id=kept_incident_id,
            merged_incident_id=merged_incident_id,
            score=round(score, 4),
            components=components,
            moved_source_ids=moved,
            filled_fields=jsonable(filled),
            method=method,
            actor=actor,
            created_at=now,
        )
        .returning(MERGES.c.id)
    ).scalar_one()
    connection.execute(
        update(INCIDENTS)
        .where(INCIDENTS.c.id == merged_incident_id)
        .values(merged_into_id=kept_incident_id, updated_at=now)
    )
    connection.execute(
        update(SOURCES).where(SOURCES.c.incident_id == merged_incident_id).values(incident_id=kept_incident_id)
    )
    if filled:
        connection.execute(
            update(INCIDENTS)
            .where(INCIDENTS.c.id == kept_incident_id)
            .values({**{field: after for field, (_, after) in filled.items()}, "updated_at": now})
        )
    text = f"merge {merge_id} (score {score:.2f}, {method})" + (f": {note}" if note else "")
    log = ChangeLogWriter(connection, actor=actor, merge_id=int(merge_id))
    log.add(
        "incident",
        kept_incident_id,
        "merge",
        before={field: before for field, (before, _) in filled.items()},
        after={
            **{field: after for field, (_, after) in filled.items()},
            "merged_incident_id": merged_incident_id,
            "added_source_ids": moved,
        },
        note=text,
    )
    log.add(
        "incident",
        merged_incident_id,
        "merge",
        before={"merged_into_id": None, "source_ids": moved},
        after={"merged_into_id": kept_incident_id, "source_ids": []},
        note=text,
    )
    log.flush()
    row = connection.execute(select(MERGES).where(MERGES.c.id == merge_id)).one()
    return _merge_infos(connection, [row])[0]


# listing and undoing --------------------------------------------------------------------------------


def _labels(connection: Connection, source_ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(source_ids))
    labels: dict[int, str] = {}
    for chunk in _chunks(wanted):
        for source_id, dataset, key in connection.execute(
            select(SOURCES.c.id, SOURCES.c.dataset, SOURCES.c.key).where(
                SOURCES.c.id.in_(bindparam("ids", expanding=True))
            ),
            {"ids": chunk},
        ):
            labels[source_id] = f"{dataset}:{key}"
    return labels


def _merge_infos(connection: Connection, rows: Sequence[Any]) -> list[MergeInfo]:
    kept_ids = sorted({row.kept_incident_id for row in rows})
    current: dict[int, list[int]] = {incident_id: [] for incident_id in kept_ids}
    for chunk in _chunks(kept_ids):
        for source_id, incident_id in connection.execute(
            select(SOURCES.c.id, SOURCES.c.incident_id)
            .where(SOURCES.c.incident_id.in_(bindparam("ids", expanding=True)))
            .order_by(SOURCES.c.id),
            {"ids": chunk},
        ):
            current[incident_id].append(source_id)
    moved_all = [int(source_id) for row in rows for source_id in row.moved_source_ids]
    labels = _labels(connection, moved_all + [source for ids in current.values() for source in ids])
    infos = []
    for row in rows:
        moved = [int(source_id) for source_id in row.moved_source_ids]
        infos.append(
            MergeInfo(
                id=row.id,
                kept_incident_id=row.kept_incident_id,
                merged_incident_id=row.merged_incident_id,
                kept_sources=[labels[source] for source in current[row.kept_incident_id] if source not in set(moved)],
                merged_sources=[labels.get(source, f"#{source}") for source in moved],
                score=row.score,
                components=dict(row.components),
                filled_fields=dict(row.filled_fields),
                moved_source_ids=moved,
                method=row.method,
                actor=row.actor,
                created_at=row.created_at,
                undone_at=row.undone_at,
                undone_by=row.undone_by,
            )
        )
    return infos


def list_merges(
    connection: Connection, *, include_undone: bool = False, incident_id: int | None = None
) -> list[MergeInfo]:
    """Merges, newest first: those still standing, or all with ``include_undone``; ``incident_id``
    keeps the merges that kept or merged that incident."""
    query = select(MERGES).order_by(MERGES.c.id.desc())
    if not include_undone:
        query = query.where(MERGES.c.undone_at.is_(None))
    if incident_id is not None:
        query = query.where((MERGES.c.kept_incident_id == incident_id) | (MERGES.c.merged_incident_id == incident_id))
    return _merge_infos(connection, connection.execute(query).all())


def _blocking_merges(connection: Connection, merge: Any) -> list[int]:
    """Standing merges made after ``merge`` that moved its survivor's source records on, latest first.

    Undoing them in that order, then ``merge``, restores the state before ``merge``.
    """
    blocking: list[int] = []
    frontier = [(merge.id, merge.kept_incident_id)]
    while frontier:
        after_id, incident_id = frontier.pop()
        for row in connection.execute(
            select(MERGES.c.id, MERGES.c.kept_incident_id).where(
                MERGES.c.merged_incident_id == incident_id,
                MERGES.c.id > after_id,
                MERGES.c.undone_at.is_(None),
            )
        ):
            blocking.append(row.id)
            frontier.append((row.id, row.kept_incident_id))
    return sorted(blocking, reverse=True)


def undo_merge(connection: Connection, merge_id: int, *, actor: str) -> MergeInfo:
    """Undo a merge: the merged incident and its source records come back exactly as they were.

    Filled fields of the survivor go back to their value before the merge where they still hold
    the filled value (an analyst's later correction stays). The pair is never proposed again.

    Raises :class:`~nigehban.errors.MergeNotFound` for an unknown id and
    :class:`~nigehban.errors.MergeUndoError` for a merge already undone, or one that a later merge
    depends on (the message names the merges to undo first, in order).
    """
    merge = connection.execute(select(MERGES).where(MERGES.c.id == merge_id)).first()
    if merge is None:
        raise MergeNotFound(merge_id)
    if merge.undone_at is not None:
        raise MergeUndoError(
            f"merge {merge_id} was already undone on {merge.undone_at:%Y-%m-%d %H:%M} by {merge.undone_by}"
        )
    blocking = _blocking_merges(connection, merge)
    if blocking:
        order = ", then ".join(f"merge {blocking_id}" for blocking_id in blocking)
        raise MergeUndoError(
            f"merge {merge_id} cannot be undone while merge {blocking[-1]} stands: it moved the source records "
            f"of incident {merge.kept_incident_id} on to another incident; undo {order} first"
        )
    moved = [int(source_id) for source_id in merge.moved_source_ids]
    misplaced = sorted(
        source_id
        for source_id, incident_id in connection.execute(
            select(SOURCES.c.id, SOURCES.c.incident_id).where(SOURCES.c.id.in_(bindparam("ids", expanding=True))),
            {"ids": moved},
        )
        if incident_id != merge.kept_incident_id
    )
    merged_into = connection.execute(
        select(INCIDENTS.c.merged_into_id).where(INCIDENTS.c.id == merge.merged_incident_id)
    ).scalar_one()
    if misplaced or merged_into != merge.kept_incident_id:
        raise MergeUndoError(
            f"merge {merge_id} cannot be undone: incident {merge.merged_incident_id} or its source records "
            f"{misplaced} are no longer where the merge left them"
        )

    now = utcnow()
    kept = connection.execute(select(INCIDENTS).where(INCIDENTS.c.id == merge.kept_incident_id)).one()._mapping
    restored: dict[str, Any] = {}
    current: dict[str, Any] = {}
    left: dict[str, Any] = {}
    for field, (before, after) in dict(merge.filled_fields).items():
        value = jsonable(kept[field])
        if value == after:
            restored[field] = before
            current[field] = value
        else:
            left[field] = value
    if restored:
        connection.execute(
            update(INCIDENTS).where(INCIDENTS.c.id == merge.kept_incident_id).values(**restored, updated_at=now)
        )
    if moved:
        connection.execute(
            update(SOURCES)
            .where(SOURCES.c.id.in_(bindparam("ids", expanding=True)))
            .values(incident_id=merge.merged_incident_id),
            {"ids": moved},
        )
    connection.execute(
        update(INCIDENTS).where(INCIDENTS.c.id == merge.merged_incident_id).values(merged_into_id=None, updated_at=now)
    )
    connection.execute(update(MERGES).where(MERGES.c.id == merge_id).values(undone_at=now, undone_by=actor))

    note = f"undo of merge {merge_id}"
    if left:
        note += f"; changed since the merge, left as they are: {', '.join(sorted(left))}"
    log = ChangeLogWriter(connection, actor=actor, merge_id=merge_id)
    log.add(
        "incident",
        merge.kept_incident_id,
        "unmerge",
        before={**current, "merged_incident_id": merge.merged_incident_id, "source_ids": moved},
        after={**jsonable(restored), "source_ids": []},
        note=note,
    )
    log.add(
        "incident",
        merge.merged_incident_id,
        "unmerge",
        before={"merged_into_id": merge.kept_incident_id, "source_ids": []},
        after={"merged_into_id": None, "source_ids": moved},
        note=note,
    )
    log.flush()
    row = connection.execute(select(MERGES).where(MERGES.c.id == merge_id)).one()
    return _merge_infos(connection, [row])[0]
