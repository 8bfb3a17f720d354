"""The public API is deliberate: what ``nigehban`` exports is listed and importable."""

from __future__ import annotations

import types

import nigehban


def test_all_is_the_public_api() -> None:
    public = {
        name
        for name, value in vars(nigehban).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType) and name != "annotations"
    }
    assert set(nigehban.__all__) - {"__version__"} == public
    assert nigehban.__version__ == "0.1.0"


def test_errors_share_a_base() -> None:
    errors = [getattr(nigehban, name) for name in nigehban.__all__ if name.endswith(("Error", "Found", "Initialised"))]
    errors.append(nigehban.SchemaOutdated)
    assert len(errors) >= 9
    assert all(issubclass(error, nigehban.NigehbanError) for error in errors)
