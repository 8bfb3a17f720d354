"""The self-exciting model: parameter recovery on simulated processes, no leakage, caching, warm starts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from nigehban.forecast.backtest import check_no_leakage
from nigehban.forecast.models.base import ForecastModel, InsufficientHistory
from nigehban.forecast.models.etas import EtasModel, fit_etas, simulate_etas
from nigehban.forecast.panel import Panel, build_panel


def rook_grid(rows: int, columns: int) -> sparse.csr_matrix:
    index = np.arange(rows * columns).reshape(rows, columns)
    pairs = np.concatenate(
        [np.c_[index[:, :-1].ravel(), index[:, 1:].ravel()], np.c_[index[:-1, :].ravel(), index[1:, :].ravel()]]
    )
    both = np.concatenate([pairs, pairs[:, ::-1]])
    n = rows * columns
    return sparse.csr_matrix((np.ones(len(both)), (both[:, 0], both[:, 1])), shape=(n, n))


GRID = rook_grid(8, 5)
MU = np.random.default_rng(7).uniform(0.05, 0.5, size=40)


def simulated_panel(*, periods: int = 72, end: str | None = None, seed: int = 3) -> Panel:
    """A monthly panel (from 2000-01) of a simulated process on the 8 x 5 grid; dates within months."""
    times, units = simulate_etas(mu=MU, neighbours=GRID, alpha=0.3, beta=0.2, omega=2.0, end=float(periods), seed=seed)
    months = pd.period_range("2000-01", periods=periods, freq="M")
    month = months[np.floor(times).astype(int)]
    days = np.floor((times % 1) * month.days_in_month).astype(int)
    dates = month.start_time + pd.to_timedelta(days, unit="D")
    codes = [f"U{u:02d}" for u in range(40)]
    frame = pd.DataFrame(
        {
            "date": dates,
            "district_pcode": [codes[u] for u in units],
            "killed": (np.arange(len(times)) % 4).astype(float),
            "killed_perpetrators": 0.0,
            "security_target": np.arange(len(times)) % 3 == 0,
            "perpetrator": "Unknown",
            "id": np.arange(len(times)),
            "date_precision": "day",
        }
    )
    rows, columns = GRID.nonzero()
    neighbours: dict[str, list[str]] = {}
    for a, b in zip(rows, columns, strict=True):
        neighbours.setdefault(codes[a], []).append(codes[b])
    return build_panel(frame, units=codes, start="2000-01", end=end or str(months[-1]), neighbours=neighbours)


def test_em_recovers_the_parameters_of_a_simulated_process() -> None:
    times, units = simulate_etas(mu=MU, neighbours=GRID, alpha=0.3, beta=0.2, omega=2.0, end=240.0, seed=11)
    assert 4_000 < len(times) < 7_000
    params = fit_etas(times, units, n_units=40, neighbours=GRID, end=240.0, block=240.0)
    assert params.alpha == pytest.approx(0.3, abs=0.06)
    assert params.beta == pytest.approx(0.2, abs=0.06)
    assert params.omega == pytest.approx(2.0, rel=0.2)
    assert np.median(np.abs(params.mu / MU - 1)) < 0.2
    assert np.corrcoef(params.mu, MU)[0, 1] > 0.9


def test_background_trend_follows_a_growing_process() -> None:
    trend = np.linspace(0.5, 2.0, 10)  # the background quadruples over ten yearly blocks
    times, units = simulate_etas(
        mu=MU, neighbours=GRID, alpha=0.3, beta=0.2, omega=2.0, end=120.0, trend=trend, block=12.0, seed=5
    )
    params = fit_etas(times, units, n_units=40, neighbours=GRID, end=120.0, block=12.0)
    assert params.trend[0] == 1.0
    assert params.trend[-1] == pytest.approx(0.25, abs=0.1)  # oldest block, relative to the latest
    assert params.alpha == pytest.approx(0.3, abs=0.08)
    # mu is the current level: close to the true background at the latest block
    assert np.median(np.abs(params.mu / (MU * 2.0) - 1)) < 0.3


def test_forecast_uses_no_data_at_or_after_the_origin() -> None:
    full = simulated_panel()
    origin = full.index_of("2004-07")
    cut = simulated_panel(end="2004-06")  # built from the same events, ending before the origin
    assert len(cut.periods) == origin
    assert len(full.events) > len(cut.events)
    for horizon in (1, 3):
        a = EtasModel().predict(full, origin=origin, horizon=horizon)
        b = EtasModel().predict(cut, origin=origin, horizon=horizon)
        for field in ("p_attack", "p_security_attack", "expected_attacks", "fatalities_low", "fatalities_high"):
            np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert check_no_leakage(EtasModel, full, origins=[24, origin]) == []


def test_fit_is_cached_and_warm_starts_forwards_only() -> None:
    panel = simulated_panel()
    model = EtasModel()
    assert isinstance(model, ForecastModel)
    model.fit(panel, origin=60)
    first = model.params
    model.fit(panel, origin=60)
    assert model.params is first  # same panel and origin: nothing refitted
    model.fit(panel, origin=61)
    warm = model.params
    cold = EtasModel()
    cold.fit(panel, origin=61)
    assert warm is not None
    assert cold.params is not None
    assert warm.iterations < cold.params.iterations
    assert warm.alpha == pytest.approx(cold.params.alpha, abs=0.01)
    np.testing.assert_allclose(
        model.predict(panel, origin=61).p_attack, cold.predict(panel, origin=61).p_attack, atol=0.01
    )
    model.fit(panel, origin=30)  # backwards: a cold fit, no parameters from a later origin
    again = EtasModel()
    again.fit(panel, origin=30)
    assert model.params is not None
    assert again.params is not None
    assert model.params.alpha == again.params.alpha


def test_forecast_is_coherent() -> None:
    panel = simulated_panel()
    model = EtasModel()
    forecast = model.predict(panel, origin=60)
    assert np.all(forecast.p_security_attack <= forecast.p_attack)
    assert np.all(forecast.p_attack <= -np.expm1(-forecast.expected_attacks) + 1e-12)  # clustering: fewer zeros
    assert np.all(forecast.fatalities_low <= forecast.fatalities_high)
    assert np.corrcoef(forecast.expected_attacks, MU)[0, 1] > 0.6  # background plus recent excitation
    # over the next 3 periods the model expects about what happened
    expected = sum(model.predict(panel, origin=60, horizon=h).expected_attacks.sum() for h in (1, 2, 3))
    observed = panel.attacks[60:63].sum()
    assert expected == pytest.approx(observed, rel=0.3)
    with pytest.raises(ValueError, match="horizon"):
        model.predict(panel, origin=60, horizon=0)


def test_empty_history_is_insufficient() -> None:
    panel = simulated_panel()
    with pytest.raises(InsufficientHistory, match="no events before"):
        EtasModel().fit(panel, origin=0)
    with pytest.raises(ValueError, match="outside the panel"):
        EtasModel().fit(panel, origin=len(panel.periods) + 1)
