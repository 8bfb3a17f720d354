"""A spatio-temporal self-exciting point process (Hawkes / ETAS) over districts, fitted by EM.

The conditional intensity of attacks in unit ``u`` at time ``t`` (in periods) is

    lambda_u(t) = mu_u * s(t)
                + alpha * sum_{j in u,      t_j < t} g(t - t_j)
                + beta  * sum_{j in N(u),   t_j < t} g(t - t_j) / deg(u_j)

- ``g(x) = omega * exp(-omega * x) / (1 - exp(-omega * W))`` for ``0 < x < W``: an exponential kernel
  in time truncated at the cutoff ``W`` (and renormalised, so every event has ``alpha`` expected
  offspring in its own unit and ``beta`` spread evenly over its contiguous units: the branching
  ratio is ``alpha + beta``). ``W`` is chosen so that ``exp(-omega * W) <= 1e-4`` (capped at
  ``max_window_years``); the EM re-derives it when ``omega`` moves, so the work stays
  ``O(N * events of the unit and its neighbours within W)``.
- The background ``mu_u * s(t)``: ``s`` is piecewise constant over blocks of one year counted back
  from the origin (the latest block is always the last twelve months, whatever the origin), with
  ``s = 1`` on the latest block, so ``mu_u`` is the unit's *current* background rate. The insurgency
  grew several-fold from 2007 to 2012; a stationary background averages over the quiet years and
  under-predicts, while a per-block ``s`` lets the level follow the data. ``mu_u`` is estimated from
  the background events of each block weighted by ``0.5 ** (age / background_halflife_years)``, so
  the spatial pattern of the 1990s (Karachi) weighs less than the last years' (Khyber Pakhtunkhwa,
  FATA, Balochistan). A Gamma prior shrinks every ``mu_u`` towards the pooled national rate with a
  strength of ``prior_periods`` periods, so a unit without events keeps a small, non-zero rate.
- Forecasting extrapolates the latest block's level (``s = 1``).

EM: the latent branching structure assigns each event to the background or to one earlier event of
its unit or of a contiguous unit within ``W``; the E-step computes those probabilities, the M-step
updates ``alpha``, ``beta`` (offspring over the kernel mass each event had time to trigger before
the origin), ``omega`` (maximum likelihood of a truncated exponential), ``mu`` and ``s``.
Events at exactly the same time cannot trigger one another (many incidents share a day, and those
dated only to the month sit at the period's start).

Forecast of period ``o + h - 1``: background, plus the excitation still to come from the events
before ``o``, plus (for ``h > 1``) the mean-field offspring of the events expected in the periods in
between, plus the cascade inside the period itself. ``p_attack`` is not ``1 - exp(-expected)``:
for a Hawkes process, no event in a period means the intensity stayed at its deterministic part, so
``P(none) = exp(-integral of that part)``, which is exact for ``h = 1`` apart from the triggering by
neighbours' events in the same period (taken at its mean). Counts are simulated as Poisson clusters
(``P(0)`` and mean as above), each attack's toll drawn from the training tolls scaled by the unit's
shrunk mean toll per attack -- the 80 % fatality interval comes from 1,000 seeded simulations.

Caveats: incidents dated only to the month or year sit at the start of the period (see
:mod:`nigehban.forecast.panel`), which makes them look like background and delays nothing they
might have triggered; GTD's day-level times make ``omega`` reflect a mixture of fast (days) and slow
(months) clustering that one exponential kernel cannot represent; the trend is extrapolated flat.

>>> import numpy as np
>>> from scipy import sparse
>>> grid = sparse.csr_matrix(np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=float))
>>> times, units = simulate_etas(mu=np.array([0.5, 0.2, 0.1]), neighbours=grid, alpha=0.3, beta=0.2,
...     omega=2.0, end=120.0, seed=1)
>>> params = fit_etas(times, units, n_units=3, neighbours=grid, end=120.0, block=12.0)
>>> bool(0.1 < params.alpha < 0.5), bool(params.omega > 0.5), params.mu.shape
(True, True, (3,))
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from scipy import sparse

from nigehban.forecast.models.base import Forecast, InsufficientHistory
from nigehban.forecast.panel import Panel

__all__ = ["EtasModel", "EtasParameters", "fit_etas", "simulate_etas"]

_KERNEL_EPS = 1e-4
"""The cutoff ``W`` keeps pairs whose kernel weight ``exp(-omega * dt)`` is above this."""


@dataclasses.dataclass(frozen=True, eq=False)
class EtasParameters:
    """A fitted process. Rates are per period (of the panel's frequency)."""

    mu: np.ndarray
    """(U,) background rate of each unit at the level of the latest block."""
    trend: np.ndarray
    """(B,) background level ``s`` per block, most recent first (``trend[0] == 1``)."""
    alpha: float
    """Expected offspring of an event in its own unit."""
    beta: float
    """Expected offspring of an event in its contiguous units (all together)."""
    omega: float
    """Decay of the kernel per period (mean delay ``1 / omega`` periods before truncation)."""
    window: float
    """Cutoff ``W`` of the kernel in periods."""
    block: float
    """Length of a background block in periods."""
    iterations: int
    log_likelihood: float

    @property
    def branching_ratio(self) -> float:
        return self.alpha + self.beta


def _kernel_cdf(x: np.ndarray, omega: float, window: float) -> np.ndarray:
    """Mass of the truncated kernel on ``[0, x]``."""
    clipped = np.clip(x, 0.0, window)
    return np.asarray(-np.expm1(-omega * clipped) / -math.expm1(-omega * window))


def _truncated_exponential_rate(mean: float, window: float) -> float:
    """The rate whose exponential truncated at ``window`` has this mean (maximum likelihood)."""
    lo, hi = 1e-3 / window, 1e6 / window
    if mean >= window / 2 * (1 - 1e-9):
        return lo
    if mean <= 0:
        return hi
    for _ in range(80):  # bisection on log(rate): the truncated mean decreases with the rate
        mid = math.sqrt(lo * hi)
        value = 1 / mid - window / math.expm1(mid * window) if mid * window < 700 else 1 / mid
        if value > mean:
            lo = mid
        else:
            hi = mid
    return math.sqrt(lo * hi)


def _expand(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ranges ``[lo, hi)``: the range number and the position of every element."""
    counts = np.maximum(hi - lo, 0)
    total = int(counts.sum())
    owner = np.repeat(np.arange(len(lo)), counts)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return owner, np.repeat(lo, counts) + offsets


class _Pairs:
    """(parent, child) pairs within the cutoff, by child: the child and the delay ``dt``.

    Delays and kernel values are float32 (numpy's float32 ``exp`` is an order of magnitude faster)
    and per-child sums use ``add.reduceat`` over the pairs, which are sorted by child.
    """

    def __init__(self, n: int, child: np.ndarray, dt: np.ndarray, weight: np.ndarray | None = None) -> None:
        self.n = n
        self.child = child
        self.dt = dt.astype(np.float32)
        self.weight = None if weight is None else weight.astype(np.float32)
        counts = np.bincount(child, minlength=n)
        self.children = np.flatnonzero(counts)
        self.starts = (np.cumsum(counts) - counts)[self.children]

    def __len__(self) -> int:
        return len(self.child)

    def per_child(self, values: np.ndarray) -> np.ndarray:
        """Sum of ``values`` (one per pair) over each child's pairs, as float64 (n,)."""
        out = np.zeros(self.n)
        if len(values):
            out[self.children] = np.add.reduceat(values, self.starts)
        return out

    def within(self, window: float) -> _Pairs:
        """The pairs less than ``window`` apart."""
        keep = self.dt < window
        return _Pairs(self.n, self.child[keep], self.dt[keep], None if self.weight is None else self.weight[keep])


def _pairs(times: np.ndarray, units: np.ndarray, neighbours: sparse.csr_matrix, window: float) -> tuple[_Pairs, _Pairs]:
    """Candidate pairs within ``window`` in the same unit and from contiguous units.

    Events must be sorted by (unit, time); the neighbour pairs carry ``1 / deg(parent's unit)``: a
    parent's ``beta`` is shared by its neighbours.
    """
    n = len(times)
    origin = float(times.min()) if n else 0.0
    span = float(times.max()) - origin + window + 1.0 if n else 1.0
    key = units * span + (times - origin)
    self_lo = np.searchsorted(key, key - window, side="left")
    self_hi = np.searchsorted(key, key, side="left")  # strictly earlier: ties do not trigger
    self_child, self_parent = _expand(self_lo, self_hi)
    degree = np.diff(neighbours.indptr)
    child_rep, slot = _expand(neighbours.indptr[units], neighbours.indptr[units + 1])
    other = neighbours.indices[slot]
    query = other * span + (times[child_rep] - origin)
    nbr_lo = np.searchsorted(key, query - window, side="left")
    nbr_hi = np.searchsorted(key, query, side="left")
    which, nbr_parent = _expand(nbr_lo, nbr_hi)
    nbr_child = child_rep[which]
    own = _Pairs(n, self_child, times[self_child] - times[self_parent])
    spread = _Pairs(n, nbr_child, times[nbr_child] - times[nbr_parent], 1.0 / degree[units[nbr_parent]])
    return own, spread


def fit_etas(
    times: np.ndarray,
    units: np.ndarray,
    *,
    n_units: int,
    neighbours: sparse.csr_matrix,
    end: float,
    start: float = 0.0,
    block: float = 12.0,
    background_halflife: float | None = None,
    prior_periods: float = 1.0,
    initial: EtasParameters | None = None,
    max_iter: int = 300,
    tol: float = 1e-4,
    max_window: float = 24.0,
) -> EtasParameters:
    """Fit the process to events at ``times`` (periods, ``start <= t < end``) in ``units`` by EM.

    ``block`` and ``background_halflife`` are in periods (``None``: no down-weighting of old
    blocks); ``initial`` warm-starts EM (from another origin's fit). Raises ``ValueError`` when no
    event lies in ``[start, end)``.
    """
    times = np.asarray(times, dtype=np.float64)
    units = np.asarray(units, dtype=np.int64)
    keep = (times >= start) & (times < end)
    times, units = times[keep], units[keep]
    if len(times) == 0:
        raise ValueError(f"no events between {start} and {end} to fit the process to")
    if np.any(units < 0) or np.any(units >= n_units):
        raise ValueError("unit indices must lie in [0, n_units)")
    order = np.lexsort((times, units))
    times, units = times[order], units[order]
    neighbours = sparse.csr_matrix(neighbours)
    degree = np.diff(neighbours.indptr).astype(np.float64)
    has_neighbours = degree[units] > 0

    # background blocks counted back from the end: age 0 is the last `block` periods
    n_blocks = max(1, math.ceil((end - start) / block - 1e-9))
    ages = np.minimum(((end - times) // block).astype(np.int64), n_blocks - 1)
    exposure = np.clip(end - start - np.arange(n_blocks) * block, 0.0, block)
    weight = (
        np.ones(n_blocks) if background_halflife is None else 0.5 ** (np.arange(n_blocks) * block / background_halflife)
    )
    cell = units * n_blocks + ages

    if initial is not None:
        alpha, beta, omega = initial.alpha, initial.beta, initial.omega
        mu = np.asarray(initial.mu, dtype=np.float64).copy()
        trend = np.ones(n_blocks)
        shared = min(n_blocks, len(initial.trend))
        trend[:shared] = initial.trend[:shared]
        trend[shared:] = initial.trend[-1] if len(initial.trend) else 1.0
    else:
        alpha, beta, omega = 0.2, 0.2 if neighbours.nnz else 0.0, 1.0
        counts = np.bincount(units, minlength=n_units).astype(np.float64)
        mu = 0.5 * (counts + 0.5) / (end - start)
        trend = np.ones(n_blocks)

    window = min(max_window, math.log(1 / _KERNEL_EPS) / omega)
    iterations = 0
    log_likelihood = -math.inf
    for _ in range(6):  # widen the cutoff when omega falls below what the window was built for
        own, spread = _pairs(times, units, neighbours, window)
        left = end - times
        for _ in range(max_iter):
            iterations += 1
            norm = -math.expm1(-omega * window)
            decay = np.float32(-omega)
            self_k = np.exp(decay * own.dt) * np.float32(alpha * omega / norm)
            assert spread.weight is not None
            nbr_k = np.exp(decay * spread.dt) * spread.weight * np.float32(beta * omega / norm)
            background = mu[units] * trend[ages]
            self_sum = own.per_child(self_k)
            nbr_sum = spread.per_child(nbr_k)
            denominator = background + self_sum + nbr_sum
            reciprocal = 1.0 / denominator
            p_background = background * reciprocal
            offspring_mass = _kernel_cdf(left, omega, window)
            compensator = float(
                mu @ np.full(n_units, exposure @ trend)
                + alpha * offspring_mass.sum()
                + beta * offspring_mass[has_neighbours].sum()
            )
            log_likelihood = float(np.log(denominator).sum()) - compensator

            # M-step; sums of p over pairs as sums over children (no gather over the pairs)
            triggered_self = float(reciprocal @ self_sum)
            triggered_nbr = float(reciprocal @ nbr_sum)
            delay = own.per_child(self_k * own.dt) + spread.per_child(nbr_k * spread.dt)
            new_alpha = triggered_self / max(float(offspring_mass.sum()), 1e-12)
            new_beta = triggered_nbr / max(float(offspring_mass[has_neighbours].sum()), 1e-12)
            triggered = triggered_self + triggered_nbr
            if triggered > 1e-9:
                new_omega = _truncated_exponential_rate(float(reciprocal @ delay) / triggered, window)
            else:
                new_omega = omega
            by_cell = np.bincount(cell, p_background, minlength=n_units * n_blocks).reshape(n_units, n_blocks)
            new_mu, new_trend = mu, trend
            for _ in range(3):  # alternate mu and s: a Poisson model with unit x block structure
                numerator = by_cell @ weight
                exposed = (weight * exposure) @ new_trend
                pooled = numerator.sum() / max(exposed * n_units, 1e-12)
                new_mu = (numerator + prior_periods * pooled) / (exposed + prior_periods)
                expected = exposure * new_mu.sum()
                new_trend = (by_cell.sum(axis=0) + 1.0) / (expected + 1.0)  # one pseudo-event pulls s to 1
                new_mu = new_mu * new_trend[0]
                new_trend = new_trend / new_trend[0]
            change = max(
                abs(new_alpha - alpha) / max(alpha, 1e-3),
                abs(new_beta - beta) / max(beta, 1e-3),
                abs(new_omega - omega) / omega,
                float(np.max(np.abs(new_mu - mu)) / max(float(mu.max()), 1e-12)),
                float(np.max(np.abs(new_trend - trend))),
            )
            alpha, beta, omega, mu, trend = new_alpha, new_beta, new_omega, new_mu, new_trend
            if change < tol:
                break
            needed = min(max_window, math.log(1 / _KERNEL_EPS) / omega)
            if needed < 0.7 * window:  # omega grew: drop the pairs beyond the new cutoff (speed)
                own, spread = own.within(needed), spread.within(needed)
                window = needed
            elif needed > 1.25 * window:  # omega fell: the pairs are too few, rebuild them
                break
        needed = min(max_window, math.log(1 / _KERNEL_EPS) / omega)
        if needed <= window * 1.25:
            break
        window = needed
    return EtasParameters(
        mu=mu,
        trend=trend,
        alpha=alpha,
        beta=beta,
        omega=omega,
        window=window,
        block=block,
        iterations=iterations,
        log_likelihood=log_likelihood,
    )


def simulate_etas(
    *,
    mu: np.ndarray,
    neighbours: sparse.csr_matrix,
    alpha: float,
    beta: float,
    omega: float,
    end: float,
    trend: np.ndarray | None = None,
    block: float = 12.0,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Simulate the process on ``[0, end)`` by generations (for tests and benchmarks).

    ``trend[k]`` multiplies the background on ``[k * block, (k + 1) * block)`` (default 1); offspring
    delays are exponential with rate ``omega`` (not truncated); a neighbour offspring goes to one of
    the parent unit's neighbours drawn uniformly. Returns ``(times, units)`` sorted by time.
    """
    if alpha + beta >= 1:
        raise ValueError(f"alpha + beta = {alpha + beta} >= 1: the process would explode")
    rng = np.random.default_rng(seed)
    mu = np.asarray(mu, dtype=np.float64)
    neighbours = sparse.csr_matrix(neighbours)
    degree = np.diff(neighbours.indptr)
    n_blocks = math.ceil(end / block)
    levels = np.ones(n_blocks) if trend is None else np.resize(np.asarray(trend, dtype=np.float64), n_blocks)
    lengths = np.minimum(block, end - np.arange(n_blocks) * block)
    counts = rng.poisson(np.outer(mu, levels * lengths))
    unit_of, block_of = np.nonzero(counts)
    repeat = counts[unit_of, block_of]
    parent_units = np.repeat(unit_of, repeat)
    blocks = np.repeat(block_of, repeat)
    parent_times = blocks * block + rng.uniform(size=len(blocks)) * lengths[blocks]
    all_times, all_units = [parent_times], [parent_units]
    while len(parent_times):
        own = rng.poisson(alpha, size=len(parent_times))
        spread = np.where(degree[parent_units] > 0, rng.poisson(beta, size=len(parent_times)), 0)
        child_units = np.concatenate(
            [
                np.repeat(parent_units, own),
                _random_neighbours(np.repeat(parent_units, spread), neighbours, degree, rng),
            ]
        )
        born = np.concatenate([np.repeat(parent_times, own), np.repeat(parent_times, spread)])
        child_times = born + rng.exponential(1 / omega, size=len(born))
        inside = child_times < end
        parent_times, parent_units = child_times[inside], child_units[inside]
        all_times.append(parent_times)
        all_units.append(parent_units)
    times = np.concatenate(all_times)
    units = np.concatenate(all_units)
    order = np.argsort(times, kind="stable")
    return times[order], units[order].astype(np.int64)


def _random_neighbours(
    units: np.ndarray, neighbours: sparse.csr_matrix, degree: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    pick = (rng.uniform(size=len(units)) * degree[units]).astype(np.int64)
    return np.asarray(neighbours.indices[neighbours.indptr[units] + pick], dtype=np.int64)


class EtasModel:
    """The self-exciting model of the module docstring as a :class:`ForecastModel` (``"etas"``).

    ``fit(panel, origin=o)`` reads only events with ``time < o`` and is a no-op when called again
    with the same panel object and origin. A fit at a later origin than the previous one starts EM
    from the previous parameters (``warm_iter`` iterations at most) -- this is what makes a rolling
    backtest cheap; a fit at an earlier origin starts cold, so nothing learned after ``o`` leaks in.

    ``history_years`` limits training to the last years before the origin (``None``: the whole
    panel). An origin without any event before it raises :class:`InsufficientHistory`: a forecast
    from the prior alone would be an arbitrary constant.
    """

    name = "etas"

    def __init__(
        self,
        *,
        background_halflife_years: float | None = 4.0,
        history_years: float | None = None,
        prior_periods: float = 1.0,
        max_window_years: float = 1.0,
        max_iter: int = 300,
        warm_iter: int = 40,
        tol: float = 1e-4,
        shrinkage: float = 5.0,
        simulations: int = 1000,
        seed: int = 0,
    ) -> None:
        self.background_halflife_years = background_halflife_years
        self.history_years = history_years
        self.prior_periods = prior_periods
        self.max_window_years = max_window_years
        self.max_iter = max_iter
        self.warm_iter = warm_iter
        self.tol = tol
        self.shrinkage = shrinkage
        self.simulations = simulations
        self.seed = seed
        self.params: EtasParameters | None = None
        self._panel: Panel | None = None
        self._origin = -1
        self._marks: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._times = np.empty(0)
        self._units = np.empty(0, dtype=np.int64)

    @staticmethod
    def _periods_per_year(panel: Panel) -> float:
        return 12.0 if panel.freq == "month" else 365.25 / 7

    def fit(self, panel: Panel, *, origin: int) -> None:
        if self._panel is panel and self._origin == origin and self.params is not None:
            return
        if not 0 <= origin <= len(panel.periods):
            raise ValueError(f"origin {origin} is outside the panel (0..{len(panel.periods)})")
        per_year = self._periods_per_year(panel)
        start = 0.0 if self.history_years is None else max(0.0, origin - self.history_years * per_year)
        times = panel.events["time"].to_numpy(np.float64)
        seen = (times < origin) & (times >= start)  # nothing at or after the origin is read
        if not seen.any():
            raise InsufficientHistory(
                f"no events before {panel.period_label(origin) if origin < len(panel.periods) else 'the origin'}"
                " to fit the self-exciting model to"
            )
        units = panel.events["u"].to_numpy(np.int64)[seen]
        warm = self.params is not None and self._origin <= origin and len(self.params.mu) == len(panel.units)
        self.params = fit_etas(
            times[seen],
            units,
            n_units=len(panel.units),
            neighbours=panel.neighbours,
            end=float(origin),
            start=start,
            block=per_year,
            background_halflife=None
            if self.background_halflife_years is None
            else self.background_halflife_years * per_year,
            prior_periods=self.prior_periods,
            initial=self.params if warm else None,
            max_iter=self.warm_iter if warm else self.max_iter,
            tol=self.tol,
            max_window=self.max_window_years * per_year,
        )
        self._times, self._units = times[seen], units
        fatalities = panel.events["fatalities"].to_numpy(np.float64)[seen]
        security = panel.events["security_target"].to_numpy(bool)[seen]
        self._marks = (fatalities, security, units)
        self._panel, self._origin = panel, origin

    def predict(self, panel: Panel, *, origin: int, horizon: int = 1) -> Forecast:
        if horizon < 1:
            raise ValueError(f"horizon must be at least 1, not {horizon}")
        self.fit(panel, origin=origin)
        params = self.params
        assert params is not None
        assert self._marks is not None
        n_units = len(panel.units)
        adjacency = sparse.csr_matrix(panel.neighbours)
        degree = np.diff(adjacency.indptr).astype(np.float64)
        spread = adjacency @ sparse.diags(np.divide(1.0, degree, out=np.zeros(n_units), where=degree > 0))
        transfer = params.alpha * np.eye(n_units) + params.beta * spread.toarray()  # offspring u <- v
        neighbour_only = params.beta * spread.toarray()
        response = _period_response(params.omega, params.window, horizon)
        cascade = np.linalg.inv(np.eye(n_units) - response[0] * transfer)

        expected: list[np.ndarray] = []
        zero_exponent = np.zeros(n_units)
        for step in range(horizon):
            period = origin + step
            mass = _kernel_cdf(period + 1 - self._times, params.omega, params.window) - _kernel_cdf(
                period - self._times, params.omega, params.window
            )
            past = np.bincount(self._units, mass, minlength=n_units)
            base = params.mu + params.alpha * past + params.beta * (spread @ past)
            for earlier, counts in enumerate(expected):
                base = base + response[step - earlier] * (transfer @ counts)
            expected.append(cascade @ base)
            zero_exponent = base + response[0] * (neighbour_only @ expected[-1])
        mean = np.maximum(expected[-1], 0.0)
        zero_exponent = np.clip(zero_exponent, 0.0, mean)
        p_attack = -np.expm1(-zero_exponent)

        fatalities, security, units = self._marks
        k = self.shrinkage
        counts = np.bincount(units, minlength=n_units).astype(np.float64)
        national_toll = float(fatalities.mean())
        toll = (np.bincount(units, fatalities, minlength=n_units) + k * national_toll) / (counts + k)
        national_share = float(security.mean())
        share = (np.bincount(units, security.astype(np.float64), minlength=n_units) + k * national_share) / (counts + k)
        # clusters: K ~ Poisson(zero_exponent), each 1 + Poisson(m - 1) attacks, m = mean / zero_exponent
        cluster_size = np.divide(mean, zero_exponent, out=np.ones(n_units), where=zero_exponent > 0)
        p_security = -np.expm1(
            -zero_exponent * (1 - (1 - share) * np.exp(-(np.maximum(cluster_size, 1.0) - 1) * share))
        )
        low, high = self._fatality_interval(zero_exponent, mean, toll / max(national_toll, 1e-12), fatalities)
        return Forecast(
            p_attack=p_attack,
            p_security_attack=np.minimum(p_security, p_attack),
            expected_attacks=mean,
            expected_fatalities=mean * toll,
            fatalities_low=low,
            fatalities_high=high,
        )

    def _fatality_interval(
        self, clusters: np.ndarray, mean: np.ndarray, scale: np.ndarray, pool: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """10th and 90th percentile of simulated fatalities per unit (compound Poisson clusters)."""
        rng = np.random.default_rng(self.seed)
        n_units, sims = len(mean), self.simulations
        k = rng.poisson(np.repeat(clusters, sims))
        extra_rate = np.repeat(np.maximum(mean - clusters, 0.0) / np.maximum(clusters, 1e-12), sims)
        n = k + rng.poisson(extra_rate * k)
        draws = pool[rng.integers(0, len(pool), size=int(n.sum()))] * np.repeat(np.repeat(scale, sims), n)
        totals = np.bincount(np.repeat(np.arange(n_units * sims), n), draws, minlength=n_units * sims)
        low, high = np.quantile(totals.reshape(n_units, sims), [0.1, 0.9], axis=1)
        return low, high


def _period_response(omega: float, window: float, horizon: int) -> np.ndarray:
    """``r[d]``: kernel mass falling ``d`` periods after a parent placed uniformly in a period."""
    x = (np.arange(256) + 0.5) / 256  # the parent's position within its period
    return np.array(
        [
            float(np.mean(_kernel_cdf(d + 1 - x, omega, window) - _kernel_cdf(d - x, omega, window)))
            for d in range(horizon)
        ]
    )
