"""Threat: how likely an attack of each scenario is on a facility, on the FEMA 426 1–10 scale.

For a facility of type *k* in district *d* and scenario *s*, the expected number of such attacks a
year is

    μ = 12 × λ_d × share_k × share_{k,s}

- λ_d, attacks a month on the targets this type of facility belongs to (police and security forces;
  government for courts) in the district. From the **district forecast** when one is stored (the
  newest district run's default model, first period: λ = −ln(1 − p) of its probability of an attack
  on police/security forces, per month), otherwise — the documented **fallback** — from the
  **history**: the district's count over the last ``window_months`` before ``as_of``, shrunk towards
  the province's district average by a Gamma prior worth ``prior_months`` months (so one quiet
  district in a violent province is not scored zero, and one attack is not an epidemic).
- share_k, the share of those attacks that hit facilities of type *k* (the **history of attacks on
  that facility type**: the record's target details and summaries matched against the type's names,
  "police station", "check post", "Levies", ...), with a Beta prior so that rare types are not zero.
- share_{k,s}, the share of attacks on that type that were scenario *s*: a suicide bomber on foot
  (suicide attacks without a vehicle), a vehicle-borne IED (bombs in or driven by vehicles), an
  insider (attacks by the facility's own staff) and the armed assault or complex attack (everything
  else, including stand-off grenade and rocket attacks and planted bombs, which the perimeter and
  stand-off defend against). A Dirichlet prior from all attacks on police smooths the shares.

Floors: a facility type's share is at least ``type_floor`` (2 %) — reports often say "police" without
naming the facility, and no type of police facility is safe because the record does not name it (the
Peshawar Police Lines had not been attacked before 2023) — and each scenario's share at least
``scenario_floor`` (3 %), so the record's silence never rules a scenario out (insiders above all).

The score maps μ on a log scale: μ ≤ 0.01 a year (once a century) is 1, μ ≥ 10 a year (about
monthly) is 10; FEMA 426's verbal scale runs the same way (1 very low ... 10 very high). The
interval (``low``, ``high``) is the 10th and 90th percentile of the Gamma posterior of λ_d carried
through the same map; a forecast rate takes the history's relative width.

Caveats: the facility-type shares come from free text and miss attacks whose reports do not name
the facility; the scenario rules are keyword rules; insiders are rarely identifiable in the record,
so their share is mostly the prior. A district without pcode (no boundaries imported) is matched to
incidents by district name.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any, Final

import numpy as np
import pandas as pd
from scipy import stats
from sqlalchemy import Engine, select

from nigehban.security.facilities import Facility
from nigehban.security.vocabulary import FACILITY_TYPES, SCENARIOS
from nigehban.store.queries import IncidentFilter, filter_conditions
from nigehban.store.schema import INCIDENTS

__all__ = ["ThreatConfig", "ThreatModel", "ThreatScore", "threat_score"]

# Which targets' attacks make a facility type's threat.
_TARGETS: Final[dict[str, frozenset[str]]] = {
    **{kind: frozenset({"police", "military"}) for kind in FACILITY_TYPES},
    "court": frozenset({"government_general", "police"}),
    "other": frozenset({"police", "military", "government_general"}),
}

# How reports name each type of facility.
_TYPE_PATTERNS: Final[dict[str, re.Pattern[str]]] = {
    kind: re.compile(pattern, re.IGNORECASE)
    for kind, pattern in {
        "police_station": r"police station|\bthana\b|\bP\.?S\.? ",
        "police_post": r"police (?:post|out-?post|chowki)|\bchowki\b",
        "check_post": r"check[- ]?post|check[- ]?point|picket|barricade|\bcheck post",
        "police_lines": r"police lines|police training|training (?:centre|center|school|college)|recruits?\b",
        "district_police_office": r"district police office|\bDPO\b|superintendent of police office|\bSP office",
        "police_hq": r"police (?:head ?quarters|HQ|headquarter)|central police office|\bCPO\b|\bIG office"
        r"|karachi police office",
        "ctd_office": r"\bCTD\b|counter[- ]terrorism department|\bCID\b",
        "fc_post": r"frontier corps|\bF\.?C\.? (?:post|fort|camp|check|personnel|convoy|headquarters)|\bFC\b",
        "levies_post": r"levies",
        "court": r"\bcourts?\b|judicial complex|\bkatchery|\bkachehri|session judge",
    }.items()
}

_VEHICLE: Final = re.compile(
    r"vehicle|car[- ]bomb|\bcar\b|truck|lorry|pick-?up|van\b|motorcycle|motorbike|rickshaw|VBIED|"
    r"explosives?-(?:laden|packed)|bomb-laden",
    re.IGNORECASE,
)
_INSIDER: Final = re.compile(
    r"insider|(?:own|fellow) (?:guard|colleague|policem[ae]n|officer|constable)s?|"
    r"(?:policeman|constable|guard|soldier) (?:opened fire on|shot) (?:his )?(?:colleagues|fellow)",
    re.IGNORECASE,
)


@dataclasses.dataclass(frozen=True, slots=True)
class ThreatConfig:
    """Settings of the threat model (the defaults are documented in the module doc)."""

    window_months: int = 36
    prior_months: float = 12.0
    low_per_year: float = 0.01
    high_per_year: float = 10.0
    type_prior: float = 20.0
    scenario_prior: float = 10.0
    type_floor: float = 0.02
    scenario_floor: float = 0.03


@dataclasses.dataclass(frozen=True, slots=True)
class ThreatScore:
    """The threat of one scenario to one facility: ``value`` 1–10 with its interval and its reasons."""

    scenario: str
    value: float
    low: float
    high: float
    expected_per_year: float
    reasons: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        values = dataclasses.asdict(self)
        values["reasons"] = list(self.reasons)
        return values


def threat_score(expected_per_year: float, *, config: ThreatConfig | None = None) -> float:
    """μ attacks a year on the 1–10 scale (log scale between ``low_per_year`` and ``high_per_year``).

    >>> threat_score(0.01), threat_score(10.0), round(threat_score(0.316), 1)
    (1.0, 10.0, 5.5)
    """
    config = config or ThreatConfig()
    if expected_per_year <= 0:
        return 1.0
    low, high = math.log10(config.low_per_year), math.log10(config.high_per_year)
    position = (math.log10(expected_per_year) - low) / (high - low)
    return round(min(10.0, max(1.0, 1.0 + 9.0 * position)), 2)


def _scenario(row: Any) -> str:
    text = f"{row.target_detail or ''} {row.summary or ''}"
    if _INSIDER.search(text):
        return "insider"
    bomb = row.attack_type == "bombing" or row.weapon_type == "explosives"
    if bomb and (row.weapon_type == "vehicle" or _VEHICLE.search(text)):
        return "vbied"
    if row.suicide:
        return "suicide_bomber"
    return "armed_assault"


@dataclasses.dataclass(frozen=True)
class _Rate:
    mean: float
    low: float
    high: float
    source: str


class ThreatModel:
    """Threat per facility and scenario from the store's incidents and its newest district forecast.

    Build once per scoring (it reads the incidents once): ``ThreatModel.from_store(engine, as_of=...)``.
    """

    def __init__(
        self,
        incidents: pd.DataFrame,
        *,
        as_of: dt.date,
        forecast: Mapping[str, float] | None = None,
        forecast_source: str | None = None,
        config: ThreatConfig | None = None,
    ) -> None:
        self.config = config or ThreatConfig()
        self.as_of = as_of
        self.forecast = dict(forecast or {})
        self.forecast_source = forecast_source
        frame = incidents[incidents["date"] <= pd.Timestamp(as_of)].copy()
        frame["kind"] = [_scenario(row) for row in frame.itertuples(index=False)]
        text = frame["target_detail"].fillna("") + " " + frame["summary"].fillna("")
        for kind, pattern in _TYPE_PATTERNS.items():
            frame[f"is_{kind}"] = text.str.contains(pattern, regex=True)
        self._frame = frame
        start = pd.Timestamp(as_of) - pd.DateOffset(months=self.config.window_months)
        self._recent = frame[frame["date"] > start]
        self._counts: dict[tuple[frozenset[str], bool], tuple[dict[str, int], dict[str, tuple[int, int]]]] = {}
        self._type_shares: dict[str, tuple[float, str]] = {}
        self._scenario_shares: dict[str, tuple[dict[str, float], str]] = {}
        self.history_span = (frame["date"].min().date(), frame["date"].max().date()) if len(frame) else (None, None)

    @classmethod
    def from_store(
        cls, engine: Engine, *, as_of: dt.date | None = None, config: ThreatConfig | None = None
    ) -> ThreatModel:
        """Read the incidents and the newest district forecast run (if any) of a store."""
        columns = (
            "date",
            "province",
            "district_pcode",
            "district",
            "attack_type",
            "target_type",
            "weapon_type",
            "suicide",
            "target_detail",
            "summary",
        )
        query = select(*(INCIDENTS.c[name] for name in columns)).where(
            *filter_conditions(IncidentFilter()), INCIDENTS.c.date.is_not(None)
        )
        with engine.connect() as connection:
            rows = connection.execute(query).all()
        incidents = pd.DataFrame.from_records(rows, columns=list(columns))
        incidents["date"] = pd.to_datetime(incidents["date"])
        incidents["suicide"] = incidents["suicide"].fillna(False).astype(bool)
        latest = incidents["date"].max().date() if len(incidents) else dt.date.today()
        forecast, source = _newest_forecast(engine)
        return cls(incidents, as_of=as_of or latest, forecast=forecast, forecast_source=source, config=config)

    # the three factors ------------------------------------------------------------------------

    def _targets(self, kind: str) -> pd.DataFrame:
        return self._frame[self._frame["target_type"].isin(_TARGETS[kind])]

    def _district_counts(self, facility_type: str, by_pcode: bool) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
        """Recent attacks on the type's targets: {district key: count}, {province: (count, districts)} (cached)."""
        key = (_TARGETS[facility_type], by_pcode)
        if key not in self._counts:
            recent = self._recent[self._recent["target_type"].isin(_TARGETS[facility_type])]
            column = "district_pcode" if by_pcode else "district"
            # the district key: pcode, or the name in lower case; rows with neither count for the province only
            districts = recent[column] if by_pcode else recent[column].str.strip().str.lower().replace("", None)
            by_district = {str(name): int(count) for name, count in districts.value_counts().items()}
            provinces: dict[str, tuple[int, int]] = {}
            for province, group in recent.assign(_key=districts).groupby("province"):
                provinces[str(province)] = (len(group), int(group["_key"].nunique()))
            provinces[""] = (len(recent), int(districts.nunique()))
            self._counts[key] = (by_district, provinces)
        return self._counts[key]

    def district_rate(self, facility: Facility) -> _Rate:
        """λ: attacks a month on this facility's kind of target in its district (see module doc)."""
        config = self.config
        by_pcode = bool(facility.district_pcode)
        by_district, provinces = self._district_counts(facility.facility_type, by_pcode)
        district_key = facility.district_pcode if by_pcode else (facility.district or "").strip().lower()
        count = by_district.get(str(district_key), 0)
        in_province, districts = provinces.get(facility.province or "", (0, 0))
        prior_rate = in_province / max(1, districts) / config.window_months
        # Gamma(shape, rate): prior worth prior_months months at the province's district average
        shape = prior_rate * config.prior_months + count
        rate = config.prior_months + config.window_months
        shape = max(shape, 1e-3)
        mean = shape / rate
        bounds = np.asarray(stats.gamma.ppf([0.1, 0.9], shape, scale=1.0 / rate), dtype=float)
        low, high = float(bounds[0]), float(bounds[1])
        where = facility.district or facility.district_pcode or "?"
        source = (
            f"{count} attack(s) on {'/'.join(sorted(_TARGETS[facility.facility_type]))} targets in {where} in the "
            f"{config.window_months} months to {self.as_of:%Y-%m-%d} (province average {prior_rate:.2f}/month "
            f"as a {config.prior_months:g}-month prior)"
        )
        forecast = self.forecast.get(facility.district_pcode or "")
        if forecast is not None:
            fc_rate = -math.log(max(1e-9, 1.0 - min(forecast, 1 - 1e-9)))
            scale = fc_rate / mean if mean > 0 else 1.0
            return _Rate(
                fc_rate,
                low * scale,
                high * scale,
                f"{self.forecast_source}: P(attack on police/security forces) {forecast:.2f} "
                f"→ {fc_rate:.2f}/month (history: {source})",
            )
        return _Rate(mean, low, high, f"history (no district forecast stored): {source}")

    def type_share(self, facility_type: str) -> tuple[float, str]:
        """The share of attacks on its kind of target that hit this type of facility, with its basis."""
        if facility_type not in self._type_shares:
            self._type_shares[facility_type] = self._type_share(facility_type)
        return self._type_shares[facility_type]

    def _type_share(self, facility_type: str) -> tuple[float, str]:
        targets = self._targets(facility_type)
        types = [kind for kind in _TYPE_PATTERNS if kind in FACILITY_TYPES]
        if facility_type not in _TYPE_PATTERNS:  # "other": what no type's names match
            named = np.zeros(len(targets), dtype=bool)
            for kind in types:
                named |= targets[f"is_{kind}"].to_numpy(dtype=bool)
            hits = int((~named).sum())
        else:
            hits = int(targets[f"is_{facility_type}"].sum())
        prior_mean = 1.0 / len(FACILITY_TYPES)
        share = (hits + self.config.type_prior * prior_mean) / (len(targets) + self.config.type_prior)
        label = FACILITY_TYPES[facility_type]
        basis = f"{hits} of {len(targets)} recorded attacks on such targets name a {label}"
        if share < self.config.type_floor:
            return self.config.type_floor, f"{basis}; floor {self.config.type_floor:.0%} (reports rarely name it)"
        return share, basis

    def scenario_shares(self, facility_type: str) -> tuple[dict[str, float], str]:
        """Shares of the four scenarios among attacks on this type of facility (Dirichlet-smoothed)."""
        if facility_type not in self._scenario_shares:
            self._scenario_shares[facility_type] = self._shares(facility_type)
        return self._scenario_shares[facility_type]

    def _shares(self, facility_type: str) -> tuple[dict[str, float], str]:
        targets = self._targets(facility_type)
        everything = targets["kind"].value_counts()
        total = max(1, int(everything.sum()))
        overall = {s: (int(everything.get(s, 0)) + 1) / (total + len(SCENARIOS)) for s in SCENARIOS}
        if facility_type in _TYPE_PATTERNS:
            targets = targets[targets[f"is_{facility_type}"]]
        counts = targets["kind"].value_counts()
        n = int(counts.sum())
        prior = self.config.scenario_prior
        floor = self.config.scenario_floor
        shares = {s: max(floor, (int(counts.get(s, 0)) + prior * overall[s]) / (n + prior)) for s in SCENARIOS}
        detail = ", ".join(f"{s} {int(counts.get(s, 0))}" for s in SCENARIOS)
        return shares, f"of {n} attacks on a {FACILITY_TYPES[facility_type]}: {detail}"

    def scores(self, facility: Facility) -> dict[str, ThreatScore]:
        """The threat of each scenario to ``facility``."""
        rate = self.district_rate(facility)
        type_share, type_basis = self.type_share(facility.facility_type)
        shares, scenario_basis = self.scenario_shares(facility.facility_type)
        out: dict[str, ThreatScore] = {}
        for scenario in SCENARIOS:
            factor = 12.0 * type_share * shares[scenario]
            mu = rate.mean * factor
            value = threat_score(mu, config=self.config)
            out[scenario] = ThreatScore(
                scenario=scenario,
                value=value,
                low=threat_score(rate.low * factor, config=self.config),
                high=threat_score(rate.high * factor, config=self.config),
                expected_per_year=mu,
                reasons=(
                    f"district rate {rate.mean:.3f}/month — {rate.source}",
                    f"facility type {type_share:.1%} — {type_basis}",
                    f"scenario {shares[scenario]:.1%} — {scenario_basis}",
                    f"{mu:.3g} expected a year → {value:g} on the 1–10 scale",
                ),
            )
        return out


def _newest_forecast(engine: Engine) -> tuple[dict[str, float], str | None]:
    """{district pcode: P(attack on police/security forces) in the first period} of the newest district run."""
    from nigehban.errors import ForecastError
    from nigehban.forecast.live import list_runs, load_run

    runs = [run for run in list_runs(engine) if run.unit == "district"]
    if not runs:
        return {}, None
    try:
        run = load_run(engine, runs[0].id)
    except ForecastError:
        return {}, None
    values = run.values
    values = values[(values["model"] == run.default_model) & (values["horizon"] == 1)]
    per_month = 52.0 / 12.0 if run.freq == "week" else 1.0
    forecast: dict[str, float] = {}
    for unit, p in zip(values["unit_id"], values["p_security_attack"], strict=True):
        rate = -math.log(max(1e-9, 1.0 - min(float(p), 1 - 1e-9))) * per_month
        forecast[str(unit)] = 1.0 - math.exp(-rate)
    source = f"forecast run {run.id} ({run.default_model}, {run.origin_period}, as of {run.as_of:%Y-%m-%d})"
    return forecast, source
