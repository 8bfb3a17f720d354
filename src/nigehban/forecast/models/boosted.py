"""Gradient-boosted trees (LightGBM) on lagged, neighbour and group features: the ``lightgbm`` model.

For a horizon ``h`` the model learns, on rows ``(unit, t)`` whose target period ``t + h - 1`` lies
before the fit origin, to map the features of row ``t`` (:mod:`nigehban.forecast.models.features`,
built from periods ``< t``) to what happened in period ``t + h - 1``:

- a classifier for P(at least one attack), and one for P(at least one attack on police or security
  forces);
- a Poisson regressor for the expected number of attacks, and a Tweedie regressor for expected
  fatalities, whose 80 % interval comes from the empirical 10th and 90th percentiles of observed
  fatalities among training rows with a similar prediction.

Refitting: boosters are fitted at origins on a fixed grid (every ``refit_every`` periods: 3 months or
13 weeks by default) and reused for the origins up to the next grid point. A booster fitted at ``f``
predicting origin ``o >= f`` still sees only periods ``< f`` for training and the features of row
``o`` (periods ``< o``) for prediction: honest, and the result for an origin never depends on the
order in which origins are asked for. Fitted boosters are cached per panel object, so several model
instances on one panel (the ``ensemble`` holds one) share the work.

Determinism: a fixed seed, ``deterministic=True``, column-wise histograms and a fixed thread count
(threads, never processes) give identical predictions run after run on one machine.

Caveats: the first ``burn_in`` periods are
not used for training; trees cannot extrapolate beyond the largest rates seen in training, which
matters when violence surges (the calibrated ``ensemble`` corrects the level).

>>> import numpy as np, pandas as pd
>>> from nigehban.forecast.panel import build_panel
>>> rng = np.random.default_rng(0)
>>> dates = pd.Timestamp("2000-01-01") + pd.to_timedelta(rng.integers(0, 3650, 400), unit="D")
>>> frame = pd.DataFrame({"date": dates, "district_pcode": rng.choice(["A", "B", "C"], 400, p=[.6, .3, .1]),
...     "killed": 1.0, "killed_perpetrators": 0.0, "security_target": False, "perpetrator": "Unknown",
...     "id": range(400)})
>>> panel = build_panel(frame, units=["A", "B", "C"], start="2000-01", end="2009-12")
>>> model = BoostedModel(settings=BoostedSettings(n_estimators=20))
>>> model.fit(panel, origin=100)
>>> forecast = model.predict(panel, origin=100)
>>> bool(forecast.p_attack[0] > forecast.p_attack[2])
True
"""

from __future__ import annotations

import dataclasses
import weakref
from typing import Any

import lightgbm as lgb
import numpy as np

from nigehban.forecast.models.base import Forecast, InsufficientHistory, refit_interval, training_window
from nigehban.forecast.models.features import DEFAULT_COVARIATES, FeatureSet, monotone_direction, panel_features
from nigehban.forecast.panel import Panel

__all__ = ["BoostedModel", "BoostedSettings"]


@dataclasses.dataclass(frozen=True)
class BoostedSettings:
    """Settings of :class:`BoostedModel` (chosen by rolling validation on GTD 1995-2008, see docs)."""

    n_estimators: int = 150
    """Trees of the attack classifier and the attack-count regressor."""
    aux_estimators: int = 100
    """Trees of the security-attack classifier and the fatalities regressor (secondary outputs)."""
    learning_rate: float = 0.05
    num_leaves: int = 7
    min_child_samples: int = 100
    feature_fraction: float = 0.8
    bagging_fraction: float = 0.8
    l2: float = 1.0
    refit_every: int | None = None
    """Periods between refits; ``None``: 3 for months, 13 for weeks."""
    window: int | None = 240
    """Training periods before the fit origin (default 20 years: 240 months, or 520 weeks for weekly
    panels -- see :meth:`training_window`); ``None``: all (after ``burn_in``)."""
    half_life: float | None = None
    """Weight of training rows halves every ``half_life`` periods back (recent regimes count more)."""
    burn_in: int = 12
    """First periods of the panel never used as training rows (their lags reach before the panel)."""
    covariates: tuple[str, ...] | None = DEFAULT_COVARIATES
    monotone: bool = True
    """Monotone constraints on the attack classifier: P(attack) never falls with more recent attacks in
    the unit or its neighbours, never rises with more time since the last (see
    :func:`~nigehban.forecast.models.features.monotone_direction`)."""
    seed: int = 0
    threads: int = 1

    def __post_init__(self) -> None:
        # a list given for covariates would make the settings unhashable (they key the booster cache)
        covariates = None if self.covariates is None else tuple(self.covariates)
        object.__setattr__(self, "covariates", covariates)

    def refit_interval(self, panel: Panel) -> int:
        return refit_interval(self.refit_every, panel)

    def training_window(self, panel: Panel) -> int | None:
        """``window`` in periods of ``panel``: the monthly default (240) means ten years of weeks (520)."""
        return training_window(self.window, panel)


@dataclasses.dataclass(frozen=True, eq=False)
class _Fitted:
    attack: lgb.Booster
    security: lgb.Booster | None
    count: lgb.Booster
    fatalities: lgb.Booster
    fatality_edges: np.ndarray
    fatality_low: np.ndarray
    fatality_high: np.ndarray
    constant_security: float


_BOOSTERS: weakref.WeakKeyDictionary[Panel, dict[tuple[BoostedSettings, int, int], _Fitted]] = (
    weakref.WeakKeyDictionary()
)


def _params(settings: BoostedSettings, objective: str, **extra: Any) -> dict[str, Any]:
    return {
        "objective": objective,
        "learning_rate": settings.learning_rate,
        "num_leaves": settings.num_leaves,
        "min_data_in_leaf": settings.min_child_samples,
        "feature_fraction": settings.feature_fraction,
        "bagging_fraction": settings.bagging_fraction,
        "bagging_freq": 1,
        "lambda_l2": settings.l2,
        "seed": settings.seed,
        "deterministic": True,
        "force_col_wise": True,
        "num_threads": settings.threads,
        "verbose": -1,
        **extra,
    }


def _train(
    settings: BoostedSettings,
    objective: str,
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray | None,
    *,
    rounds: int,
    **extra: Any,
) -> lgb.Booster:
    data = lgb.Dataset(x, label=y, weight=w, free_raw_data=True, params={"verbose": -1})
    return lgb.train(_params(settings, objective, **extra), data, num_boost_round=rounds)


class BoostedModel:
    """LightGBM forecaster (see the module docstring)."""

    name = "lightgbm"

    def __init__(self, *, settings: BoostedSettings | None = None) -> None:
        self.settings = settings or BoostedSettings()
        self._last: tuple[int, int] | None = None

    def fit_origin(self, panel: Panel, *, origin: int) -> int:
        """The grid origin whose boosters serve ``origin`` (the latest grid point ``<= origin``)."""
        every = self.settings.refit_interval(panel)
        return max(origin - origin % every, self._first_origin())

    def _first_origin(self) -> int:
        return self.settings.burn_in + 1

    def _check(self, panel: Panel, origin: int, horizon: int) -> None:
        periods = panel.shape[0]
        if horizon < 1:
            raise ValueError(f"horizon must be at least 1, not {horizon}")
        if not 0 <= origin <= periods:
            raise ValueError(f"origin {origin} is outside the panel (0..{periods})")
        if origin < self._first_origin() + horizon:
            raise InsufficientHistory(
                f"the lightgbm model needs at least {self._first_origin() + horizon} periods before the origin "
                f"(burn-in {self.settings.burn_in}), got {origin}"
            )

    def fit(self, panel: Panel, *, origin: int) -> None:
        """Fit (or reuse) the boosters serving ``origin``, horizon 1; idempotent and cached per panel."""
        self._check(panel, origin, 1)
        if self._last == (id(panel), origin):
            return
        self._fitted(panel, origin, 1)
        self._last = (id(panel), origin)

    def predict(self, panel: Panel, *, origin: int, horizon: int = 1) -> Forecast:
        """Forecast period ``origin + horizon - 1`` from the features of row ``origin``."""
        self._check(panel, origin, horizon)
        fitted = self._fitted(panel, origin, horizon)
        features = panel_features(panel, covariates=self.settings.covariates)
        x = features.values[origin]
        p_attack = np.clip(_predict(fitted.attack, x), 0.0, 1.0)
        if fitted.security is not None:
            p_security = np.clip(_predict(fitted.security, x), 0.0, 1.0)
        else:
            p_security = np.full(len(x), fitted.constant_security)
        expected = np.maximum(_predict(fitted.count, x), 0.0)
        fatalities = np.maximum(_predict(fitted.fatalities, x), 0.0)
        low, high = _interval(fitted, fatalities)
        return Forecast(
            p_attack=p_attack,
            p_security_attack=np.minimum(p_security, p_attack),
            expected_attacks=expected,
            expected_fatalities=fatalities,
            fatalities_low=low,
            fatalities_high=np.maximum(high, fatalities),
        )

    def _fitted(self, panel: Panel, origin: int, horizon: int) -> _Fitted:
        fit_at = self.fit_origin(panel, origin=origin)
        if fit_at < self._first_origin() + horizon:
            fit_at = origin  # the grid point lies in the burn-in: fit at the origin itself
        key = (self.settings, fit_at, horizon)
        cache = _BOOSTERS.setdefault(panel, {})
        if key not in cache:
            cache[key] = self._train(panel, panel_features(panel, covariates=self.settings.covariates), fit_at, horizon)
            # keep the cache small: boosters two refits behind the newest are not needed by a rolling backtest
            stale = [
                k
                for k in cache
                if k[0] == self.settings
                and k[2] == horizon
                and k[1] < fit_at - 3 * max(self.settings.refit_interval(panel), 1)
            ]
            for k in stale:
                del cache[k]
        return cache[key]

    def _train(self, panel: Panel, features: FeatureSet, fit_at: int, horizon: int) -> _Fitted:
        settings = self.settings
        last_row = fit_at - horizon  # target period last_row + horizon - 1 = fit_at - 1
        first_row = settings.burn_in
        window = settings.training_window(panel)
        if window is not None:
            first_row = max(first_row, last_row - window + 1)
        rows = np.arange(first_row, last_row + 1)
        targets = rows + horizon - 1
        units = panel.shape[1]
        x = features.values[rows].reshape(len(rows) * units, -1)
        attacks = panel.attacks[targets].reshape(-1).astype(np.float64)
        security = panel.security_attacks[targets].reshape(-1)
        deaths = panel.fatalities[targets].reshape(-1)
        weights = None
        if settings.half_life is not None:
            age = (last_row - rows).astype(np.float64)
            weights = np.repeat(0.5 ** (age / settings.half_life), units)
        main, aux = settings.n_estimators, settings.aux_estimators
        constraints: dict[str, Any] = {}
        if settings.monotone:
            constraints["monotone_constraints"] = [monotone_direction(name) for name in features.names]
        attack = _train(settings, "binary", x, (attacks > 0).astype(np.float64), weights, rounds=main, **constraints)
        has_security = bool((security > 0).any() and (security == 0).any())
        security_booster = (
            _train(settings, "binary", x, (security > 0).astype(np.float64), weights, rounds=aux)
            if has_security
            else None
        )
        count = _train(settings, "poisson", x, attacks, weights, rounds=main)
        fatalities = _train(settings, "tweedie", x, deaths, weights, rounds=aux, tweedie_variance_power=1.5)
        edges, low, high = _fatality_bins(np.maximum(_predict(fatalities, x), 0.0), deaths)
        return _Fitted(
            attack=attack,
            security=security_booster,
            count=count,
            fatalities=fatalities,
            fatality_edges=edges,
            fatality_low=low,
            fatality_high=high,
            constant_security=float((security > 0).mean()),
        )


def _predict(booster: lgb.Booster, x: np.ndarray) -> np.ndarray:
    return np.asarray(booster.predict(x), dtype=np.float64)


def _fatality_bins(predicted: np.ndarray, observed: np.ndarray, bins: int = 20) -> tuple[np.ndarray, ...]:
    """10th and 90th percentiles of observed fatalities per bin of predicted fatalities (in-sample)."""
    edges = np.unique(np.quantile(predicted, np.linspace(0, 1, bins + 1)[1:-1]))
    which = np.searchsorted(edges, predicted, side="right")
    low = np.zeros(len(edges) + 1)
    high = np.zeros(len(edges) + 1)
    for b in range(len(edges) + 1):
        members = observed[which == b]
        if len(members):
            low[b], high[b] = np.quantile(members, [0.1, 0.9])
    # intervals should not shrink as the prediction grows (bins with few rows are noisy)
    return edges, np.maximum.accumulate(low), np.maximum.accumulate(high)


def _interval(fitted: _Fitted, predicted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    which = np.searchsorted(fitted.fatality_edges, predicted, side="right")
    return np.minimum(fitted.fatality_low[which], predicted), fitted.fatality_high[which]
