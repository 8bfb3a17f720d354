"""A regularised logistic regression on monotone transforms of the features: the ensemble's ``glm`` component.

P(at least one attack in period ``t + h - 1``) is a logistic function of a few transforms of row
``t`` of the feature tensor (:mod:`nigehban.forecast.models.features`) -- the same rows, training
window and refit grid as the boosted model (:mod:`nigehban.forecast.models.boosted`):

- ``log1p`` of the unit's attacks last period, its sums over 3, 12 and 24 periods, its exponentially
  decayed sums (every time constant of the tensor) and its long-run rate; the share of the last 12
  and 24 periods with an attack, and the long-run share;
- ``log1p`` of the neighbours' attacks last period, their sums over 3, 12 and 24 periods and their
  decayed sums;
- ``log1p`` of the time since the unit's last event and since the last attack in any neighbour
  (capped at 120 months or 520 weeks), each with a 0/1 column for "never".

Columns are standardised on the training rows; the penalty is L2 (``GlmSettings.regularisation`` is
scikit-learn's ``C``). Why a linear model next to the trees: it is biased differently -- smooth and
log-linear in the counts, so it keeps ranking (and extrapolating) beyond the largest counts it was
trained on, where a tree is flat. On the rolling validation it ranked as well as the trees alone
(district-month AUPR 0.515 against 0.507 for 2005-2008, 0.278 against 0.248 for 2001-2004) and the
ensemble averages its logit with the trees' and ETAS's (see docs/forecasting.md, "Later experiments").

Only ``p_attack`` is modelled. The other fields of the :class:`~nigehban.forecast.models.base.Forecast`
are crude and meant as placeholders (the ensemble takes them from the boosted model): P(attack on
security forces) is ``p_attack`` times the training rows' share of attack periods that had one,
expected attacks and fatalities are ``p_attack`` times their training means over periods with an
attack, and the fatality interval is ``0 .. expected``.

Caveats: no census covariates, groups, season or national totals (adding the national totals did not
help on validation); needs ``burn_in + 1 + horizon`` periods of history (:class:`InsufficientHistory`
before). Deterministic (L-BFGS from zero, one BLAS thread; no warm starts, so an origin's forecast never
depends on the order origins are asked for). Fitted regressions are cached per panel object, shared between
instances with the same settings.

>>> import numpy as np, pandas as pd
>>> from nigehban.forecast.panel import build_panel
>>> rng = np.random.default_rng(0)
>>> dates = pd.Timestamp("2000-01-01") + pd.to_timedelta(rng.integers(0, 3650, 400), unit="D")
>>> frame = pd.DataFrame({"date": dates, "district_pcode": rng.choice(["A", "B", "C"], 400, p=[.6, .3, .1]),
...     "killed": 1.0, "killed_perpetrators": 0.0, "security_target": False, "perpetrator": "Unknown",
...     "id": range(400)})
>>> panel = build_panel(frame, units=["A", "B", "C"], start="2000-01", end="2009-12")
>>> model = GlmModel()
>>> model.fit(panel, origin=100)
>>> forecast = model.predict(panel, origin=100)
>>> bool(forecast.p_attack[0] > forecast.p_attack[2])
True
"""

from __future__ import annotations

import dataclasses
import weakref

import numpy as np
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from nigehban.forecast.models.base import Forecast, InsufficientHistory, refit_interval, training_window
from nigehban.forecast.models.features import FeatureSet, panel_features
from nigehban.forecast.panel import Panel

__all__ = ["GlmModel", "GlmSettings", "glm_columns"]

_LOG_OWN = ("attacks_lag1", "attacks_sum3", "attacks_sum12", "attacks_sum24")
_LOG_NEIGHBOUR = (
    "neighbour_attacks_lag1",
    "neighbour_attacks_sum3",
    "neighbour_attacks_sum12",
    "neighbour_attacks_sum24",
)


@dataclasses.dataclass(frozen=True)
class GlmSettings:
    """Settings of :class:`GlmModel` (training rows and refits as in the boosted model's settings)."""

    regularisation: float = 1.0
    """Inverse L2 penalty ``C`` on the standardised columns (0.01 ranked worse on validation)."""
    refit_every: int | None = None
    """Periods between refits; ``None``: 3 for months, 13 for weeks."""
    window: int | None = 240
    """Training periods before the fit origin (240 months; 520 for weekly panels); ``None``: all."""
    burn_in: int = 12
    """First periods of the panel never used as training rows."""

    def refit_interval(self, panel: Panel) -> int:
        return refit_interval(self.refit_every, panel)

    def training_window(self, panel: Panel) -> int | None:
        """``window`` in periods of ``panel``: the monthly default (240) means ten years of weeks (520)."""
        return training_window(self.window, panel)


def glm_columns(features: FeatureSet, rows: np.ndarray, *, weekly: bool) -> tuple[tuple[str, ...], np.ndarray]:
    """The regression's columns for ``rows`` of ``features``: names and a ``(len(rows), units, columns)`` array.

    Every column is a non-decreasing or non-increasing transform of one feature (see the module docstring).
    """
    cap = 520.0 if weekly else 120.0
    names = features.names
    decayed = tuple(name for name in names if name.startswith("decayed_attacks_"))
    neighbour_decayed = tuple(name for name in names if name.startswith("neighbour_decayed_attacks_"))
    values: dict[str, np.ndarray] = {}

    def column(name: str) -> np.ndarray:
        return np.asarray(features.values[rows, :, names.index(name)], dtype=np.float64)

    for name in (*_LOG_OWN, *decayed):
        values[f"log1p_{name}"] = np.log1p(np.maximum(column(name), 0.0))
    values["active_share12"] = column("active_periods12") / 12.0
    values["active_share24"] = column("active_periods24") / 24.0
    for name in ("since_attack_exact",):
        since = column(name)
        values[f"log1p_{name}"] = np.log1p(np.minimum(np.nan_to_num(since, nan=cap), cap))
        values[f"never_{name}"] = np.isnan(since).astype(np.float64)
    values["log1p_longrun_rate"] = np.log1p(np.maximum(column("longrun_rate"), 0.0))
    values["longrun_active_share"] = column("longrun_active_share")
    for name in (*_LOG_NEIGHBOUR, *neighbour_decayed):
        values[f"log1p_{name}"] = np.log1p(np.maximum(column(name), 0.0))
    since = column("since_neighbour_attack")
    values["log1p_since_neighbour_attack"] = np.log1p(np.minimum(np.nan_to_num(since, nan=cap), cap))
    values["never_since_neighbour_attack"] = np.isnan(since).astype(np.float64)
    return tuple(values), np.stack(list(values.values()), axis=-1)


@dataclasses.dataclass(frozen=True, eq=False)
class _Fitted:
    model: LogisticRegression | None
    """None when every training row had the same outcome (then ``constant`` is the forecast)."""
    mean: np.ndarray
    scale: np.ndarray
    constant: float
    security_share: float
    attacks_per_active: float
    fatalities_per_active: float


_FITTED: weakref.WeakKeyDictionary[Panel, dict[tuple[GlmSettings, int, int], _Fitted]] = weakref.WeakKeyDictionary()


class GlmModel:
    """Regularised logistic regression for P(attack) (see the module docstring)."""

    name = "glm"

    def __init__(self, *, settings: GlmSettings | None = None) -> None:
        self.settings = settings or GlmSettings()

    def fit_origin(self, panel: Panel, *, origin: int) -> int:
        """The grid origin whose regression serves ``origin`` (the latest grid point ``<= origin``)."""
        every = self.settings.refit_interval(panel)
        return max(origin - origin % every, self.settings.burn_in + 1)

    def _check(self, panel: Panel, origin: int, horizon: int) -> None:
        if horizon < 1:
            raise ValueError(f"horizon must be at least 1, not {horizon}")
        if not 0 <= origin <= panel.shape[0]:
            raise ValueError(f"origin {origin} is outside the panel (0..{panel.shape[0]})")
        needed = self.settings.burn_in + 1 + horizon
        if origin < needed:
            raise InsufficientHistory(
                f"the glm model needs at least {needed} periods before the origin "
                f"(burn-in {self.settings.burn_in}), got {origin}"
            )

    def fit(self, panel: Panel, *, origin: int) -> None:
        """Fit (or reuse) the regression serving ``origin``, horizon 1; idempotent and cached per panel."""
        self._check(panel, origin, 1)
        self._fitted(panel, origin, 1)

    def predict(self, panel: Panel, *, origin: int, horizon: int = 1) -> Forecast:
        """Forecast period ``origin + horizon - 1`` from the features of row ``origin``."""
        self._check(panel, origin, horizon)
        fitted = self._fitted(panel, origin, horizon)
        features = panel_features(panel)
        _, x = glm_columns(features, np.array([origin]), weekly=panel.freq == "week")
        if fitted.model is None:
            p_attack = np.full(panel.shape[1], fitted.constant)
        else:
            p_attack = np.asarray(fitted.model.predict_proba((x[0] - fitted.mean) / fitted.scale)[:, 1])
        expected_fatalities = p_attack * fitted.fatalities_per_active
        return Forecast(
            p_attack=p_attack,
            p_security_attack=p_attack * fitted.security_share,
            expected_attacks=p_attack * fitted.attacks_per_active,
            expected_fatalities=expected_fatalities,
            fatalities_low=np.zeros_like(p_attack),
            fatalities_high=expected_fatalities,
        )

    def _fitted(self, panel: Panel, origin: int, horizon: int) -> _Fitted:
        fit_at = self.fit_origin(panel, origin=origin)
        if fit_at < self.settings.burn_in + 1 + horizon:
            fit_at = origin  # the grid point lies in the burn-in: fit at the origin itself
        key = (self.settings, fit_at, horizon)
        cache = _FITTED.setdefault(panel, {})
        if key not in cache:
            cache[key] = self._train(panel, fit_at, horizon)
            every = self.settings.refit_interval(panel)
            stale = [k for k in cache if k[0] == self.settings and k[2] == horizon and k[1] < fit_at - 3 * every]
            for k in stale:
                del cache[k]
        return cache[key]

    def _train(self, panel: Panel, fit_at: int, horizon: int) -> _Fitted:
        settings = self.settings
        last_row = fit_at - horizon  # target period last_row + horizon - 1 = fit_at - 1
        first_row = settings.burn_in
        window = settings.training_window(panel)
        if window is not None:
            first_row = max(first_row, last_row - window + 1)
        rows = np.arange(first_row, last_row + 1)
        targets = rows + horizon - 1
        _, x3 = glm_columns(panel_features(panel), rows, weekly=panel.freq == "week")
        x = x3.reshape(len(rows) * panel.shape[1], -1)
        attacks = panel.attacks[targets].reshape(-1)
        active = attacks > 0
        security = panel.security_attacks[targets].reshape(-1) > 0
        deaths = panel.fatalities[targets].reshape(-1)
        mean = x.mean(axis=0)
        scale = x.std(axis=0)
        scale[scale == 0] = 1.0
        model: LogisticRegression | None = None
        if active.any() and not active.all():
            model = LogisticRegression(C=settings.regularisation, max_iter=2000)
            # one BLAS thread: on a busy two-core machine spinning threads made each fit ten times slower
            with threadpool_limits(limits=1):
                model.fit((x - mean) / scale, active.astype(int))
        n_active = int(active.sum())
        return _Fitted(
            model=model,
            mean=mean,
            scale=scale,
            constant=float(active.mean()),
            security_share=float(security.sum() / n_active) if n_active else 0.0,
            attacks_per_active=float(attacks[active].mean()) if n_active else 1.0,
            fatalities_per_active=float(deaths[active].mean()) if n_active else 0.0,
        )
