"""Static charts of the analyses (altair, rendered offline to SVG or PNG by vl-convert).

>>> import pandas as pd
>>> from nigehban.analysis.trends import compute_trends
>>> events = pd.DataFrame({"id": [1, 2], "date": pd.to_datetime(["2010-01-05", "2011-03-01"]),
...     "killed": [2.0, 1.0], "wounded": [1.0, 0.0], "security_target": [True, False]})
>>> chart_for(compute_trends(events)).to_dict()["vconcat"][0]["mark"]["type"]
'line'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from nigehban.analysis.hotspots import HotspotResult
from nigehban.analysis.knox import KnoxResult
from nigehban.analysis.spread import SpreadResult
from nigehban.analysis.trends import TrendResult
from nigehban.errors import InvalidFieldValue

__all__ = ["CHART_SUFFIXES", "chart_for", "save_chart"]

CHART_SUFFIXES = (".svg", ".png")
WIDTH = 640


def _trends(result: TrendResult) -> alt.VConcatChart:
    frame = result.frame.assign(start=pd.to_datetime(result.frame["start"]))
    counts = frame.melt(id_vars=["start"], value_vars=["attacks", "killed", "wounded"], var_name="measure")
    top = (
        alt.Chart(counts, title=f"Attacks and casualties per {result.freq} — {result.filter}")
        .mark_line(point=True)
        .encode(x=alt.X("start:T", title=result.freq), y=alt.Y("value:Q", title="count"), color="measure:N")
        .properties(width=WIDTH, height=220)
    )
    share = (
        alt.Chart(frame, title="Share of attacks on police and security forces")
        .mark_bar()
        .encode(
            x=alt.X("start:T", title=result.freq),
            y=alt.Y("security_share:Q", title="share", axis=alt.Axis(format="%")),
        )
        .properties(width=WIDTH, height=120)
    )
    return alt.vconcat(top, share)


def _spread(result: SpreadResult) -> alt.VConcatChart:
    frame = result.years
    districts = frame.melt(
        id_vars=["year"], value_vars=["districts_active", "new_districts", "cumulative_districts"], var_name="measure"
    )
    top = (
        alt.Chart(districts, title=f"Districts of {result.group} per year")
        .mark_line(point=True)
        .encode(x=alt.X("year:O"), y=alt.Y("value:Q", title="districts"), color="measure:N")
        .properties(width=WIDTH, height=220)
    )
    distance = (
        alt.Chart(frame, title="Standard distance (km) of placed incidents")
        .mark_bar()
        .encode(x=alt.X("year:O"), y=alt.Y("standard_distance_km:Q", title="km"))
        .properties(width=WIDTH, height=120)
    )
    return alt.vconcat(top, distance)


def _hotspots(result: HotspotResult) -> alt.Chart:
    ever = set(result.districts.loc[result.districts["category"] != "not_hot", "district_pcode"])
    cells = result.cells[result.cells["district_pcode"].isin(ever)]
    chart: alt.Chart = (
        alt.Chart(cells, title=f"Gi* z per {result.freq} (hot: p < {result.alpha}) — {result.filter}")
        .mark_rect()
        .encode(
            x=alt.X("period:O"),
            y=alt.Y("district:N", sort="-x"),
            color=alt.Color("z:Q", scale=alt.Scale(scheme="redblue", reverse=True, domainMid=0)),
            stroke=alt.condition("datum.hot", alt.value("black"), alt.value(None)),
            tooltip=["district", "period", "count", "z", "p"],
        )
        .properties(width=WIDTH)
    )
    return chart


def _knox(result: KnoxResult) -> alt.LayerChart | alt.FacetChart:
    permuted = pd.DataFrame({"close_pairs": result.permuted})
    histogram = (
        alt.Chart(
            permuted,
            title=f"Knox: {result.distance_km:g} km, {result.days} days — observed {result.observed:,}, "
            f"expected {result.expected:,.0f}, p = {result.p_value:.3g}",
        )
        .mark_bar()
        .encode(x=alt.X("close_pairs:Q", bin=alt.Bin(maxbins=40), title="close pairs"), y="count()")
    )
    observed = (
        alt.Chart(pd.DataFrame({"close_pairs": [result.observed]}))
        .mark_rule(color="red", size=2)
        .encode(x="close_pairs:Q")
    )
    return alt.layer(histogram, observed).properties(width=WIDTH, height=240)


def chart_for(result: TrendResult | SpreadResult | HotspotResult | KnoxResult) -> Any:
    """The chart of an analysis result."""
    if isinstance(result, TrendResult):
        return _trends(result)
    if isinstance(result, SpreadResult):
        return _spread(result)
    if isinstance(result, HotspotResult):
        return _hotspots(result)
    return _knox(result)


def save_chart(result: TrendResult | SpreadResult | HotspotResult | KnoxResult, path: str | Path) -> Path:
    """Write the chart of ``result`` to ``path``, SVG or PNG by its suffix (rendered offline)."""
    path = Path(path)
    if path.suffix.lower() not in CHART_SUFFIXES:
        raise InvalidFieldValue("chart", str(path), f"the chart's file name must end in {' or '.join(CHART_SUFFIXES)}")
    chart = chart_for(result)
    # the rows are ours and few (periods x districts); the limit guards notebooks against huge inline data
    with alt.data_transformers.disable_max_rows():
        chart.save(str(path), format=path.suffix.lower().lstrip("."))
    return path
