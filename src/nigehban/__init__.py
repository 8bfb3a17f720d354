"""Nigehban: the incident record, analysis and early warning for police counter-terrorism work in Pakistan.

The Python API is the product; the ``nigehban`` command mirrors it.

    >>> from nigehban import Nigehban, IncidentFilter
    >>> app = Nigehban(database_url="sqlite:///:memory:")
    >>> _ = app.init()
    >>> app.incidents(IncidentFilter(province="NWFP"))
    []
"""

from nigehban.app import Nigehban
from nigehban.errors import (
    DatabaseNotInitialised,
    ImportFormatError,
    ImportRowError,
    IncidentNotFound,
    InvalidFieldValue,
    MappingError,
    MergeNotFound,
    MergeUndoError,
    NigehbanError,
    SchemaOutdated,
)
from nigehban.ingest.pipeline import ImportReport
from nigehban.ingest.rejects import RejectedRow
from nigehban.record import EXPORT_FIELDS, RECORD_FIELDS, IncidentRecord
from nigehban.settings import Settings
from nigehban.store.queries import BatchInfo, Incident, IncidentFilter, StoreSummary

__version__ = "0.1.0"

__all__ = [
    "EXPORT_FIELDS",
    "RECORD_FIELDS",
    "BatchInfo",
    "DatabaseNotInitialised",
    "ImportFormatError",
    "ImportReport",
    "ImportRowError",
    "Incident",
    "IncidentFilter",
    "IncidentNotFound",
    "IncidentRecord",
    "InvalidFieldValue",
    "MappingError",
    "MergeNotFound",
    "MergeUndoError",
    "Nigehban",
    "NigehbanError",
    "RejectedRow",
    "SchemaOutdated",
    "Settings",
    "StoreSummary",
    "__version__",
]
