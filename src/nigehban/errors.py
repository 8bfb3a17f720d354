"""Named errors of the Nigehban domain.

Every error a user can cause carries a message that says what to do about it. Errors about input
files name the file, and where it applies the row (as a spreadsheet shows it: the header is row 1)
and the column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = [
    "BacktestNotFound",
    "BoundaryFileError",
    "DatabaseNotInitialised",
    "EmptySelection",
    "ForecastError",
    "GeoDataError",
    "ImportFormatError",
    "ImportRowError",
    "IncidentNotFound",
    "IndicatorFileError",
    "InvalidFieldValue",
    "JobError",
    "JobNotFound",
    "MappingError",
    "MergeNotFound",
    "MergeUndoError",
    "NigehbanError",
    "PlacesFileError",
    "SchemaOutdated",
    "UnknownGroup",
]


class NigehbanError(Exception):
    """Base class of every error Nigehban raises on purpose."""

    _arguments: tuple[Any, ...] | None = None
    """The constructor's arguments, for errors whose constructor takes more than a message."""

    def __reduce__(self) -> str | tuple[Any, ...]:
        # Errors cross process boundaries (a large import reads in a second process): pickle them
        # with the arguments their constructor takes, not just the message.
        if self._arguments is not None:
            return (type(self), self._arguments)
        return super().__reduce__()


class DatabaseNotInitialised(NigehbanError):
    """The database has no Nigehban schema yet."""


class SchemaOutdated(NigehbanError):
    """The database schema is older (or newer) than this version of Nigehban expects."""


class ImportFormatError(NigehbanError):
    """A file is not of the format the importer reads (wrong type, missing columns, unreadable)."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self._arguments = (path, reason)
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class ImportRowError(NigehbanError):
    """A row of an input file that cannot be turned into an incident.

    Raised by ``--strict`` imports at the first bad row; non-strict imports record the same
    information as a reject and carry on.
    """

    def __init__(self, path: str | Path, row: int, column: str | None, reason: str) -> None:
        self._arguments = (path, row, column, reason)
        self.path = str(path)
        self.row = row
        self.column = column
        self.reason = reason
        where = f"row {row}" + (f", column {column!r}" if column else "")
        super().__init__(f"{self.path}: {where}: {reason}")


class MappingError(NigehbanError):
    """A column-mapping file for ``import csv`` is invalid."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self._arguments = (path, reason)
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class InvalidFieldValue(NigehbanError, ValueError):
    """A value is not allowed in a canonical incident field (e.g. an unknown attack type)."""

    def __init__(self, field: str, value: object, reason: str) -> None:
        self._arguments = (field, value, reason)
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"{field}={value!r}: {reason}")


class IncidentNotFound(NigehbanError, LookupError):
    """No incident has the given id."""

    def __init__(self, incident_id: int) -> None:
        self._arguments = (incident_id,)
        self.incident_id = incident_id
        super().__init__(f"no incident with id {incident_id}")


class MergeNotFound(NigehbanError, LookupError):
    """No merge has the given id."""

    def __init__(self, merge_id: int) -> None:
        self._arguments = (merge_id,)
        self.merge_id = merge_id
        super().__init__(f"no merge with id {merge_id}")


class MergeUndoError(NigehbanError):
    """A merge cannot be undone as things stand (e.g. it was already undone)."""


class BoundaryFileError(NigehbanError):
    """A boundary file cannot be imported (malformed GeoJSON, missing codes, broken polygons)."""

    def __init__(self, path: str | Path, feature: int | None, reason: str) -> None:
        self._arguments = (path, feature, reason)
        self.path = str(path)
        self.feature = feature
        self.reason = reason
        where = f"feature {feature}: " if feature is not None else ""
        super().__init__(f"{self.path}: {where}{reason}")


class EmptySelection(NigehbanError):
    """No incident matches the filter an analysis was asked to run on (never a silent empty result)."""


class UnknownGroup(NigehbanError, LookupError):
    """No incident in the store names the group as its perpetrator."""


class GeoDataError(NigehbanError):
    """The geography the store holds cannot answer the question (e.g. no district boundaries imported)."""


class ForecastError(NigehbanError):
    """A forecast or backtest cannot be made as asked (empty store, no boundaries, a range outside the data)."""


class BacktestNotFound(ForecastError, LookupError):
    """No stored backtest has that id."""


class JobError(NigehbanError, ValueError):
    """A background job cannot be submitted as asked (unknown kind, bad parameters)."""


class JobNotFound(NigehbanError, LookupError):
    """No background job has that id."""


class IndicatorFileError(NigehbanError):
    """A district indicator (census) file cannot be imported."""

    def __init__(self, path: str | Path, row: int | None, column: str | None, reason: str) -> None:
        self._arguments = (path, row, column, reason)
        self.path = str(path)
        self.row = row
        self.column = column
        self.reason = reason
        where = "" if row is None else f"row {row}" + (f", column {column!r}" if column else "") + ": "
        super().__init__(f"{self.path}: {where}{reason}")


class PlacesFileError(NigehbanError):
    """A file of places (a gazetteer the user adds) cannot be read."""

    def __init__(self, path: str | Path, row: int | None, column: str | None, reason: str) -> None:
        self._arguments = (path, row, column, reason)
        self.path = str(path)
        self.row = row
        self.column = column
        self.reason = reason
        where = "" if row is None else f"row {row}" + (f", column {column!r}" if column else "") + ": "
        super().__init__(f"{self.path}: {where}{reason}")
