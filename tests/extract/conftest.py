"""Fixtures shared by the extraction tests."""

from __future__ import annotations

import pytest

from nigehban.extract.extractor import Extractor
from nigehban.geo.gazetteer import Gazetteer
from nigehban.geo.resolver import Resolver
from tests.helpers import shared_data


@pytest.fixture(scope="module")
def real_extractor() -> Extractor:
    """An extractor over the real district boundaries (../shared/data, read in place), as the evaluation runs it."""
    from nigehban.geo.boundaryset import BoundarySet

    boundaries = BoundarySet.from_files(district=shared_data("geo") / "pak_adm2_districts.geojson")
    return Extractor(resolver=Resolver(boundaries=boundaries, gazetteer=Gazetteer.build(boundaries=boundaries)))
