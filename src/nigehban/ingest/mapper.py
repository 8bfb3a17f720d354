"""The interface every importer implements: a :class:`Mapper` from one source format to the record."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nigehban.errors import ImportFormatError
from nigehban.geo.apply import place_query
from nigehban.geo.resolution import PlaceQuery
from nigehban.record import IncidentRecord

__all__ = ["Mapper"]


class Mapper(abc.ABC):
    """Maps the rows of one source format onto the canonical record."""

    dataset: str
    """Name of the dataset the source records belong to (``gtd``, ``ucdp``, ...)."""
    importer: str
    """Name of the importer (the ``nigehban import`` sub-command)."""
    format_name: str
    """Human name of the format, for messages ("a GTD export")."""
    required_columns: tuple[str, ...] = ()

    def check_columns(self, path: Path, columns: Sequence[str]) -> None:
        """Raise :class:`ImportFormatError` when the file lacks a column the mapper needs."""
        missing = [column for column in self.required_columns if column not in set(columns)]
        if missing:
            raise ImportFormatError(
                path,
                f"does not look like {self.format_name}: missing required column(s) {', '.join(missing)}",
            )

    @abc.abstractmethod
    def key(self, row: dict[str, str]) -> str:
        """The row's identifier within the dataset (raise :class:`RowProblem` when it has none)."""

    @abc.abstractmethod
    def map(self, row: dict[str, str]) -> IncidentRecord:
        """The canonical record for a row (raise :class:`RowProblem` or :class:`SkipRow`)."""

    def options(self) -> dict[str, Any]:
        """What to remember about how this import was configured (kept on the batch)."""
        return {}

    def place_query(self, row: dict[str, str], record: IncidentRecord) -> PlaceQuery:
        """The place as the row reports it, for the geography layer to resolve.

        By default the mapped record's ``place``, ``district``, ``province`` and coordinates; a
        mapper whose format has more (GTD's free-text ``location``) adds it as ``detail``.
        """
        return place_query(record)
