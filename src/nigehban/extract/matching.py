"""Matching a candidate incident (from a report) to the incidents already in the store, on fields.

Two independent reports of one attack share hardly any wording ("a suicide bomber blew himself up
at the gate of the Police Lines mosque" and "84 killed in Peshawar mosque blast"), while two reports
of different attacks may share most of it. Text similarity only finds republished copies, so
matching compares the fields the extractor read, as deduplication does
(:mod:`nigehban.ingest.dedupe`), with the same scoring:

- **date**: the stored incident's date within ``window_days`` (default 3) of the candidate's; a
  candidate date read without evidence or with low confidence (a report saying only "recently", a
  date taken from the publication) widens the window to ``imprecise_window_days`` (default 10).
  Stored incidents dated to a month only match a candidate inside that month, at half the date
  score; incidents dated to a year only are never proposed. A candidate with no date matches nothing.
- **place** (a hard rule): the same district (pcode, or the district name compared loosely); where
  either side has no district, the same province. A known, different province or district never
  matches.
- **type**: attack types must be compatible (:func:`~nigehban.ingest.dedupe.attack_compatibility`);
  target types and suicide flags that disagree weigh against the pair.
- **casualties**: totals of victims and attackers killed, and the wounded, compared as
  deduplication does (a toll off by one out of eight is strong evidence; 0 and 0 is not).

The score is the weighted mean of the four components in [0, 1] (weights of
:class:`~nigehban.ingest.dedupe.ScoreWeights`), and each match carries the reasons in words.

Example:
    >>> import datetime as dt
    >>> from nigehban import Nigehban
    >>> app = Nigehban(database_url="sqlite:///:memory:")
    >>> _ = app.init()
    >>> with app.engine.connect() as connection:
    ...     find_matches(connection, {"date": dt.date(2023, 1, 30), "province": "Khyber Pakhtunkhwa"})
    []
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, select

from nigehban.errors import InvalidFieldValue
from nigehban.ingest.dedupe import (
    SUICIDE_AGREE,
    SUICIDE_CONTRADICT,
    SUICIDE_UNKNOWN,
    ScoreWeights,
    attack_compatibility,
    count_similarity,
    place_key,
)
from nigehban.store.schema import INCIDENTS
from nigehban.taxonomy import ATTACK_TYPES

__all__ = ["Match", "MatchConfig", "find_matches"]

# Target types: the same, one of them unknown, different (two sources may file a police escort
# as "police" or "government_general", so a difference lowers the score but does not veto).
TARGET_AGREE, TARGET_UNKNOWN, TARGET_DIFFER = 1.0, 0.8, 0.5
# Location: the same district pcode, the same district name, only the province known to agree.
SAME_PCODE, SAME_DISTRICT_NAME, SAME_PROVINCE, NO_PLACE = 1.0, 0.9, 0.5, 0.2
# A stored incident dated to a month only is a weaker date match.
MONTH_DATE_FACTOR = 0.5
# A candidate date with less confidence than this (or no evidence) is imprecise.
PRECISE_DATE_CONFIDENCE = 0.5

_MATCH_COLUMNS = (
    "id",
    "date",
    "date_precision",
    "province",
    "district_pcode",
    "district",
    "place",
    "attack_type",
    "target_type",
    "suicide",
    "killed",
    "killed_perpetrators",
    "wounded",
)


@dataclasses.dataclass(frozen=True)
class MatchConfig:
    """The knobs of matching (see the module notes).

    >>> MatchConfig().window_days, MatchConfig().imprecise_window_days
    (3, 10)
    """

    window_days: int = 3
    imprecise_window_days: int = 10
    min_score: float = 0.4
    """Matches scoring less are not listed."""
    limit: int = 5
    weights: ScoreWeights = dataclasses.field(default_factory=ScoreWeights)

    def __post_init__(self) -> None:
        for name in ("window_days", "imprecise_window_days"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 0:
                raise InvalidFieldValue(name, value, "must be a whole number of days, 0 or more")
        if not 0 <= self.min_score <= 1:
            raise InvalidFieldValue("min_score", self.min_score, "must be between 0 and 1")
        if self.limit < 1:
            raise InvalidFieldValue("limit", self.limit, "must be 1 or more")
        self.weights.normalised()


@dataclasses.dataclass(frozen=True)
class Match:
    """A stored incident that may be the candidate's attack: its score in [0, 1], components and reasons."""

    incident_id: int
    score: float
    components: dict[str, float]
    reasons: list[str]
    incident: dict[str, Any]
    """The stored incident's compared fields (date as ISO text)."""

    def as_json_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _total(victims: Any, attackers: Any) -> float | None:
    if victims is None:
        return None
    return float(victims) + (float(attackers) if attackers is not None else 0.0)


def _location(values: Mapping[str, Any], row: Mapping[Any, Any]) -> tuple[float, str] | None:
    """The location score and reason, or ``None`` where the places contradict."""
    province, other_province = values.get("province"), row["province"]
    if province is not None and other_province is not None and province != other_province:
        return None
    pcode, other_pcode = values.get("district_pcode"), row["district_pcode"]
    if pcode is not None and other_pcode is not None:
        return (SAME_PCODE, f"same district ({pcode})") if pcode == other_pcode else None
    name, other_name = place_key(values.get("district")), place_key(row["district"])
    if name is not None and other_name is not None:
        return (SAME_DISTRICT_NAME, f"same district name ({row['district']})") if name == other_name else None
    if province is not None and other_province is not None:
        return SAME_PROVINCE, f"same province ({province}); no district on one side"
    if province is None and pcode is None and values.get("district") is None:
        # A report that names no place the geography layer knows ("a village near the Afghan
        # border") can still be the stored attack of that day, type and toll: listed, ranked low.
        return NO_PLACE, "no place read from the report"
    return None


def find_matches(
    connection: Connection,
    values: Mapping[str, Any],
    *,
    date_confidence: float = 1.0,
    config: MatchConfig | None = None,
) -> list[Match]:
    """Stored active incidents that may be the attack described by ``values`` (candidate field values), best first.

    ``date_confidence`` is the extractor's confidence in the date (0 when it had no evidence); below
    0.5 the wider window is used.
    """
    config = config or MatchConfig()
    date = values.get("date")
    if not isinstance(date, dt.date):
        return []
    imprecise = date_confidence < PRECISE_DATE_CONFIDENCE
    window = config.imprecise_window_days if imprecise else config.window_days
    # month-precision incidents are stored on a day of their month: look a month further either way
    reach = max(window, 31)
    table = INCIDENTS
    rows = connection.execute(
        select(*(table.c[name] for name in _MATCH_COLUMNS)).where(
            table.c.merged_into_id.is_(None),
            table.c.date >= date - dt.timedelta(days=reach),
            table.c.date <= date + dt.timedelta(days=reach),
        )
    )
    weights = config.weights.normalised()
    attack = values.get("attack_type") or "unknown"
    if attack not in ATTACK_TYPES:
        raise InvalidFieldValue("attack_type", attack, "not an attack type")
    killed = _total(values.get("killed"), values.get("killed_perpetrators"))
    wounded = values.get("wounded")
    matches: list[Match] = []
    for row in rows:
        mapping = row._mapping
        reasons: list[str] = []
        precision = mapping["date_precision"]
        if precision == "year":
            continue
        if precision == "month":
            if (mapping["date"].year, mapping["date"].month) != (date.year, date.month):
                continue
            date_score = MONTH_DATE_FACTOR
            reasons.append("stored date known to the month only")
        else:
            days = abs((mapping["date"] - date).days)
            if days > window:
                continue
            date_score = 1.0 - days / (window + 1)
            reasons.append("same day" if days == 0 else f"{days} day{'s' if days > 1 else ''} apart")
        if imprecise:
            reasons.append(f"candidate date imprecise: window of {window} days")
        location = _location(values, mapping)
        if location is None:
            continue
        location_score, where = location
        reasons.append(where)
        compatibility = attack_compatibility(attack, mapping["attack_type"])
        if compatibility <= 0:
            continue
        reasons.append(
            f"same attack type ({attack})"
            if attack == mapping["attack_type"]
            else f"attack types {attack} / {mapping['attack_type']} compatible"
        )
        target, other_target = values.get("target_type") or "unknown", mapping["target_type"]
        if "unknown" in (target, other_target):
            target_factor = TARGET_UNKNOWN
        elif target == other_target:
            target_factor = TARGET_AGREE
            reasons.append(f"same target type ({target})")
        else:
            target_factor = TARGET_DIFFER
            reasons.append(f"target types differ ({target} / {other_target})")
        suicide, other_suicide = values.get("suicide"), mapping["suicide"]
        if suicide is None or other_suicide is None:
            suicide_factor = SUICIDE_UNKNOWN
        elif suicide == other_suicide:
            suicide_factor = SUICIDE_AGREE
        else:
            suicide_factor = SUICIDE_CONTRADICT
            reasons.append("suicide flags disagree")
        type_score = compatibility * target_factor * suicide_factor
        killed_similarity = count_similarity(killed, _total(mapping["killed"], mapping["killed_perpetrators"]))
        wounded_similarity = count_similarity(wounded, mapping["wounded"], wounded=True)
        if killed_similarity is None:
            casualties = 0.5 if wounded_similarity is None else wounded_similarity
        elif wounded_similarity is None:
            casualties = killed_similarity
        else:
            casualties = 0.7 * killed_similarity + 0.3 * wounded_similarity
        if killed_similarity is not None:
            reasons.append(
                f"killed {_count(killed)} / {_count(_total(mapping['killed'], mapping['killed_perpetrators']))}"
            )
        if wounded_similarity is not None:
            reasons.append(f"wounded {_count(wounded)} / {_count(mapping['wounded'])}")
        score = (
            weights[0] * date_score + weights[1] * location_score + weights[2] * type_score + weights[3] * casualties
        )
        if score < config.min_score - 1e-12 or not math.isfinite(score):
            continue
        matches.append(
            Match(
                incident_id=int(mapping["id"]),
                score=round(score, 4),
                components={
                    "date": round(date_score, 4),
                    "location": round(location_score, 4),
                    "type": round(type_score, 4),
                    "casualties": round(casualties, 4),
                },
                reasons=reasons,
                incident={
                    name: (mapping[name].isoformat() if name == "date" else mapping[name])
                    for name in _MATCH_COLUMNS
                    if name != "id"
                },
            )
        )
    matches.sort(key=lambda match: (-match.score, match.incident_id))
    return matches[: config.limit]


def _count(value: Any) -> str:
    if value is None:
        return "?"
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"
