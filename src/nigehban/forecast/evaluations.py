"""Stored backtests: what a rolling-origin backtest ran, on which data, and how every model scored.

``nigehban forecast backtest`` (and a backtest job from the web) keeps, besides its CSV, one row per
backtest in the store (``backtests``): unit, frequency, range and horizon, the models with their
settings and which is the default, the version of the data it read (as a forecast run keeps it),
the plain-language notes, the seconds it took, and each model's scores
(:func:`nigehban.forecast.scores.score_backtest`, the evaluation scorer's definitions). The forecasts
page shows them, so a commander sees how far the default model beats the baselines on the store's
own history, not only the developers' figures.

The rows of the backtest themselves are not stored (a 48-month district backtest of five models is
38,000 rows): the CSV holds them, and a stored backtest is re-run from its parameters.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine, insert, select

from nigehban.errors import BacktestNotFound
from nigehban.forecast.backtest import BacktestResult
from nigehban.forecast.scores import score_backtest
from nigehban.store.schema import BACKTESTS

__all__ = ["StoredBacktest", "best_baseline", "list_backtests", "load_backtest", "save_backtest"]

BASELINES = ("climatology", "ewma")


@dataclasses.dataclass(frozen=True)
class StoredBacktest:
    """A backtest kept in the store, with every model's scores (best AUPR first)."""

    id: int
    created_at: dt.datetime
    actor: str
    unit: str
    freq: str
    start: str
    end: str
    horizon: int
    units: int
    periods: int
    default_model: str
    models: dict[str, dict[str, Any]]
    scores: list[dict[str, Any]]
    data_version: dict[str, Any]
    notes: tuple[str, ...]
    seconds: float

    def score_of(self, model: str) -> dict[str, Any] | None:
        """The scores of ``model``, or ``None`` if this backtest did not run it."""
        return next((score for score in self.scores if score["model"] == model), None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: every field, with the best baseline and the default model's gain over it."""
        data = dataclasses.asdict(self)
        data["notes"] = list(self.notes)
        data["comparison"] = best_baseline(self)
        return data


def _sorted_scores(scores: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(scores, key=lambda score: (-(score["aupr"] if score["aupr"] is not None else -1), score["model"]))


def best_baseline(backtest: StoredBacktest) -> dict[str, Any] | None:
    """How the default model compares with the better of the baselines it ran beside (by AUPR):
    ``{"default", "baseline", "aupr_gain", "brier_gain"}`` as fractions (0.05 = 5 % better), or
    ``None`` when the backtest holds no baseline, no default, or no attack to rank."""
    default = backtest.score_of(backtest.default_model)
    baselines = [score for name in BASELINES if (score := backtest.score_of(name)) is not None]
    baselines = [score for score in baselines if score["aupr"] is not None]
    if default is None or default["aupr"] is None or not baselines or default["model"] in BASELINES:
        return None
    best = max(baselines, key=lambda score: score["aupr"])
    best_brier = min(score["brier"] for score in baselines)
    return {
        "default": default["model"],
        "baseline": best["model"],
        "aupr_gain": default["aupr"] / best["aupr"] - 1 if best["aupr"] else None,
        "brier_gain": 1 - default["brier"] / best_brier if best_brier else None,
    }


def save_backtest(
    engine: Engine,
    result: BacktestResult,
    *,
    actor: str,
    models: Mapping[str, Mapping[str, Any]],
    data_version: Mapping[str, Any],
    seconds: float,
) -> StoredBacktest:
    """Score ``result`` and store it; returns what was stored."""
    from nigehban.forecast.live import jsonable

    scores = _sorted_scores(score_backtest(result.frame))
    values = {
        "actor": actor,
        "unit": str(data_version.get("unit", "district")),
        "freq": result.freq,
        "start": result.start,
        "end": result.end,
        "horizon": result.horizon,
        "units": result.units,
        "periods": int(result.frame["period"].nunique()),
        "default_model": result.default_model,
        "models": jsonable(dict(models)),
        "scores": jsonable(scores),
        "data_version": jsonable(dict(data_version)),
        "notes": list(result.notes),
        "seconds": round(float(seconds), 3),
    }
    with engine.begin() as connection:
        backtest_id = connection.execute(insert(BACKTESTS).values(**values).returning(BACKTESTS.c.id)).scalar_one()
    return load_backtest(engine, int(backtest_id))


def _from_row(row: Mapping[Any, Any]) -> StoredBacktest:
    values = {field.name: row[field.name] for field in dataclasses.fields(StoredBacktest)}
    return StoredBacktest(**{**values, "notes": tuple(values["notes"])})


def list_backtests(
    engine: Engine, *, freq: str | None = None, unit: str | None = None, limit: int | None = None
) -> list[StoredBacktest]:
    """Stored backtests, newest first (optionally of one frequency and unit)."""
    query = select(BACKTESTS).order_by(BACKTESTS.c.id.desc())
    if freq is not None:
        query = query.where(BACKTESTS.c.freq == freq)
    if unit is not None:
        query = query.where(BACKTESTS.c.unit == unit)
    if limit is not None:
        query = query.limit(limit)
    with engine.connect() as connection:
        return [_from_row(row) for row in connection.execute(query).mappings()]


def load_backtest(engine: Engine, backtest_id: int) -> StoredBacktest:
    """One stored backtest; :class:`~nigehban.errors.BacktestNotFound` if there is none with that id."""
    with engine.connect() as connection:
        row = connection.execute(select(BACKTESTS).where(BACKTESTS.c.id == backtest_id)).mappings().first()
    if row is None:
        raise BacktestNotFound(f"no stored backtest {backtest_id}")
    return _from_row(row)
