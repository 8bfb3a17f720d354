"""Analysis of the incident record: trends, spread, hotspots and space-time tests."""

from nigehban.analysis.events import EVENT_COLUMNS, SECURITY_TARGETS, load_events
from nigehban.analysis.hotspots import HotspotResult, compute_hotspots, gi_star
from nigehban.analysis.knox import KnoxResult, knox_test
from nigehban.analysis.spread import SpreadResult, compute_spread, dispersion
from nigehban.analysis.trends import TrendResult, compute_trends

__all__ = [
    "EVENT_COLUMNS",
    "SECURITY_TARGETS",
    "HotspotResult",
    "KnoxResult",
    "SpreadResult",
    "TrendResult",
    "compute_hotspots",
    "compute_spread",
    "compute_trends",
    "dispersion",
    "gi_star",
    "knox_test",
    "load_events",
]
