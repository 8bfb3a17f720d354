"""The application object: settings, the database, and every service, in one place.

The CLI, the tests (and later the web app) build it the same way::

    >>> from nigehban import Nigehban
    >>> app = Nigehban(database_url="sqlite:///:memory:")
    >>> app.init()
    '0008'
    >>> app.summary().incidents
    0
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from nigehban.errors import JobError
from nigehban.ingest.pipeline import ImportReport, Mapper, ProgressCallback, run_import
from nigehban.settings import Settings
from nigehban.store import database
from nigehban.store.queries import (
    BatchInfo,
    Incident,
    IncidentFilter,
    IncidentPage,
    StoreSummary,
    find_incidents,
    get_incident,
    list_batches,
    page_incidents,
    store_generation,
    store_summary,
    update_incident,
)
from nigehban.store.seed import seed_taxonomy

if TYPE_CHECKING:  # imported lazily below: deduplication needs numpy, geography shapely
    from pandas import DataFrame

    from nigehban.analysis.hotspots import HotspotResult
    from nigehban.analysis.knox import KnoxResult
    from nigehban.analysis.spread import SpreadResult
    from nigehban.analysis.trends import TrendResult
    from nigehban.auth.accounts import User
    from nigehban.demo_boundaries import DemoBoundariesReport
    from nigehban.extract.candidate import Document, Extraction
    from nigehban.extract.extractor import ExtractReport
    from nigehban.extract.review import ReviewAddReport, ReviewItem
    from nigehban.forecast.alerts import Alert
    from nigehban.forecast.backtest import BacktestResult
    from nigehban.forecast.evaluations import StoredBacktest
    from nigehban.forecast.live import ForecastRun
    from nigehban.forecast.live import Unit as ForecastUnit
    from nigehban.forecast.panel import Freq, Panel
    from nigehban.geo.backfill import BackfillReport
    from nigehban.geo.boundaries import Level
    from nigehban.geo.boundaryset import BoundarySet
    from nigehban.geo.gazetteer import Gazetteer
    from nigehban.geo.indicators import IndicatorFile
    from nigehban.geo.resolution import Resolution
    from nigehban.geo.resolver import Resolver
    from nigehban.geo.store import BoundaryVersionInfo, CrosswalkEntry
    from nigehban.ingest.dedupe import DedupeConfig, DedupeReport, MergeInfo
    from nigehban.jobs import Job
    from nigehban.security.audits import AnswerInput, Audit, AuditComparison
    from nigehban.security.catalogue import Catalogue
    from nigehban.security.checklist import AuditChecklist
    from nigehban.security.facilities import Facility, FacilityImportReport, FacilityInput
    from nigehban.security.hardening import HardeningPlan
    from nigehban.security.patrol import Coverage
    from nigehban.security.risk import FacilityRisk
    from nigehban.security.threat import ThreatModel

__all__ = ["Nigehban"]

# who the current request (web) or command (CLI) acts for; unset means settings.actor
_ACTING_AS: contextvars.ContextVar[str | None] = contextvars.ContextVar("nigehban_acting_as", default=None)


class Nigehban:
    """One Nigehban installation: a store and the services that work on it.

    Args:
        settings: the settings; by default read from the environment (``NIGEHBAN_*``).
        database_url: shortcut to override ``settings.database_url``.
    """

    def __init__(self, settings: Settings | None = None, *, database_url: str | None = None) -> None:
        if settings is None:
            settings = Settings() if database_url is None else Settings(database_url=database_url)
        elif database_url is not None:
            settings = settings.model_copy(update={"database_url": Settings(database_url=database_url).database_url})
        self.settings = settings
        self._engine: Engine | None = None
        self._schema_checked = False
        self._resolver: Resolver | None = None
        self._incident_counts: dict[IncidentFilter, tuple[tuple[Any, ...], int]] = {}

    def __repr__(self) -> str:
        return f"<Nigehban {self.engine.url.render_as_string(hide_password=True)}>"

    @property
    def actor(self) -> str:
        """Who the change log records for changes made now: the signed-in user, else ``settings.actor``."""
        return _ACTING_AS.get() or self.settings.actor

    @contextlib.contextmanager
    def acting_as(self, actor: str) -> Iterator[None]:
        """Record changes made inside the block as made by ``actor`` (the web app's signed-in user).

        The override lives in a context variable, so concurrent requests each keep their own.

        >>> app = Nigehban(database_url="sqlite:///:memory:")
        >>> with app.acting_as("ayesha"):
        ...     app.actor
        'ayesha'
        """
        token = _ACTING_AS.set(actor)
        try:
            yield
        finally:
            _ACTING_AS.reset(token)

    # the store -----------------------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (created on first use)."""
        if self._engine is None:
            if self.settings.database_url == "sqlite:///:memory:":
                # one shared connection, or every connection would see its own empty database
                from sqlalchemy.pool import StaticPool

                self._engine = database.create_store_engine(
                    self.settings.database_url,
                    poolclass=StaticPool,
                    connect_args={"check_same_thread": False},
                )
            else:
                self._engine = database.create_store_engine(self.settings.database_url)
        return self._engine

    def init(self) -> str:
        """Create the schema, or upgrade it to this version's, and load the taxonomy. Returns the revision."""
        revision = database.upgrade(self.engine)
        with self.engine.begin() as connection:
            seed_taxonomy(connection)
        self._schema_checked = True
        return revision

    def ready(self) -> Engine:
        """The engine, after checking the schema is current; an empty database is initialised first.

        Raises :class:`~nigehban.errors.SchemaOutdated` for an older schema (run :meth:`init`), and
        :class:`~nigehban.errors.DatabaseNotInitialised` for a database holding other tables.
        """
        if not self._schema_checked:
            if database.current_revision(self.engine) is None and not _has_tables(self.engine):
                self.init()
            database.require_schema(self.engine)
            self._schema_checked = True
        return self.engine

    def close(self) -> None:
        """Release the database connections."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
            self._schema_checked = False
            self._resolver = None

    def __enter__(self) -> Nigehban:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # imports -------------------------------------------------------------------------------------

    def import_rows(
        self,
        mapper: Mapper,
        path: str | Path,
        *,
        strict: bool = False,
        rejects: str | Path | None = None,
        progress: ProgressCallback | None = None,
    ) -> ImportReport:
        """Import a file with any :class:`~nigehban.ingest.pipeline.Mapper` (the importers below use this)."""
        try:
            return self._run_import(mapper, path, strict=strict, rejects=rejects, progress=progress)
        finally:
            self._resolver = None  # the gazetteer learns from the incidents just imported (geo.learned)

    def _run_import(
        self,
        mapper: Mapper,
        path: str | Path,
        *,
        strict: bool,
        rejects: str | Path | None,
        progress: ProgressCallback | None,
    ) -> ImportReport:
        return run_import(
            self.ready(),
            mapper,
            path,
            actor=self.actor,
            batch_rows=self.settings.import_batch_rows,
            parallel_read_bytes=self.settings.import_parallel_bytes,
            strict=strict,
            rejects=rejects,
            progress=progress,
            resolver=self.resolver(),
        )

    def import_gtd(
        self,
        path: str | Path,
        *,
        dataset: str = "gtd",
        strict: bool = False,
        rejects: str | Path | None = None,
        progress: ProgressCallback | None = None,
    ) -> ImportReport:
        """Import a GTD export (CSV or XLSX, gzip accepted) with GTD's official column names.

        Example::

            report = app.import_gtd("globalterrorismdb_0522dist.csv.gz", rejects="gtd-rejects.csv")
            print(report.inserted, report.rejected)
        """
        from nigehban.ingest.gtd import GtdMapper

        return self.import_rows(GtdMapper(dataset=dataset), path, strict=strict, rejects=rejects, progress=progress)

    def import_ucdp(
        self,
        path: str | Path,
        *,
        dataset: str = "ucdp",
        strict: bool = False,
        rejects: str | Path | None = None,
        progress: ProgressCallback | None = None,
    ) -> ImportReport:
        """Import a UCDP GED or Candidate events CSV (gzip accepted)."""
        from nigehban.ingest.ucdp import UcdpMapper

        return self.import_rows(UcdpMapper(dataset=dataset), path, strict=strict, rejects=rejects, progress=progress)

    def import_acled(
        self,
        path: str | Path,
        *,
        dataset: str = "acled",
        strict: bool = False,
        rejects: str | Path | None = None,
        progress: ProgressCallback | None = None,
    ) -> ImportReport:
        """Import an ACLED export CSV (gzip accepted)."""
        from nigehban.ingest.acled import AcledMapper

        return self.import_rows(AcledMapper(dataset=dataset), path, strict=strict, rejects=rejects, progress=progress)

    def import_csv(
        self,
        path: str | Path,
        *,
        mapping: str | Path,
        strict: bool = False,
        rejects: str | Path | None = None,
        progress: ProgressCallback | None = None,
    ) -> ImportReport:
        """Import an agency spreadsheet (CSV/XLSX) with a column mapping declared in a TOML file.

        See ``docs/mapping.md`` and ``examples/`` for the mapping format.
        """
        from nigehban.ingest.mapped_csv import ColumnMapping, MappedCsvMapper

        mapper = MappedCsvMapper(ColumnMapping.from_file(mapping))
        return self.import_rows(mapper, path, strict=strict, rejects=rejects, progress=progress)

    def batches(self, *, dataset: str | None = None) -> list[BatchInfo]:
        """Every import run, newest first."""
        with self.ready().connect() as connection:
            return list_batches(connection, dataset=dataset)

    def write_rejects(self, batch_id: int, path: str | Path) -> int:
        """Write the rows an import refused to a CSV (original columns + ``_row``, ``_column``, ``_reason``)."""
        from nigehban.ingest.rejects import write_batch_rejects

        with self.ready().connect() as connection:
            return write_batch_rejects(connection, batch_id, path)

    # incidents -----------------------------------------------------------------------------------

    def incidents(self, filter: IncidentFilter | None = None, *, limit: int | None = None) -> list[Incident]:
        """Active incidents (not merged into another) matching ``filter``, by date then id."""
        with self.ready().connect() as connection:
            return find_incidents(connection, filter or IncidentFilter(), limit=limit)

    def incident_page(
        self, filter: IncidentFilter | None = None, *, sort: str = "-date", page: int = 1, per_page: int = 50
    ) -> IncidentPage:
        """One page of incidents (from 1) and the number matching in all; ``sort`` is date, killed,
        wounded or id, with a leading ``-`` for descending."""
        filter = filter or IncidentFilter()
        with self.ready().connect() as connection:
            # counting every match is the slow part of a page: counts are kept per filter until the store changes
            generation = store_generation(connection)
            cached = self._incident_counts.get(filter)
            total = cached[1] if cached is not None and cached[0] == generation else None
            result = page_incidents(connection, filter, sort=sort, page=page, per_page=per_page, total=total)
        if total is None:
            if len(self._incident_counts) >= 1024:
                self._incident_counts.clear()
            self._incident_counts[filter] = (generation, result.total)
        return result

    def incident(self, incident_id: int) -> Incident:
        """One incident with its sources, merges and history (raises :class:`~nigehban.errors.IncidentNotFound`)."""
        with self.ready().connect() as connection:
            return get_incident(connection, incident_id)

    def update_incident(self, incident_id: int, changes: Mapping[str, Any], *, note: str | None = None) -> Incident:
        """An analyst's correction of canonical fields, kept in the change log with who, when, before, after."""
        with self.ready().begin() as connection:
            update_incident(connection, incident_id, dict(changes), actor=self.actor, note=note)
        return self.incident(incident_id)

    def export_incidents(
        self,
        output: IO[str],
        *,
        format: str = "csv",
        filter: IncidentFilter | None = None,
    ) -> int:
        """Write active incidents to ``output`` as ``csv``, ``jsonl`` or ``geojson``; returns how many.

        Field names are those of the incident record plus ``sources`` (``dataset:key`` of each source
        record, ``;``-separated in CSV, a list in JSON).
        """
        from nigehban.export import export_incidents

        return export_incidents(self.ready(), output, format=format, filter=filter or IncidentFilter())

    def summary(self) -> StoreSummary:
        """Counts of what the store holds, for a first look."""
        with self.ready().connect() as connection:
            return store_summary(connection)

    # deduplication -------------------------------------------------------------------------------

    def dedupe(
        self,
        config: DedupeConfig | None = None,
        *,
        dry_run: bool = False,
        progress: ProgressCallback | None = None,
    ) -> DedupeReport:
        """Merge incidents that several sources report (see :mod:`nigehban.ingest.dedupe`).

        Example::

            report = app.dedupe(DedupeConfig(window_days=1, max_km=30, threshold=0.6), dry_run=True)
            print(len(report.merges), "merges would be made")
        """
        from nigehban.ingest.dedupe import DedupeConfig, run_dedupe

        return run_dedupe(
            self.ready(),
            config or DedupeConfig(),
            actor=self.actor,
            dry_run=dry_run,
            progress=progress,
        )

    def merges(self, *, include_undone: bool = False, incident_id: int | None = None) -> list[MergeInfo]:
        """Merges, newest first: standing ones, or all with ``include_undone``; optionally of one incident."""
        from nigehban.ingest.dedupe import list_merges

        with self.ready().connect() as connection:
            return list_merges(connection, include_undone=include_undone, incident_id=incident_id)

    def undo_merge(self, merge_id: int) -> MergeInfo:
        """Undo a merge: the merged incident and its sources come back as they were.

        Raises :class:`~nigehban.errors.MergeNotFound` and :class:`~nigehban.errors.MergeUndoError`
        (already undone, or a later merge depends on it: the message names the merge to undo first).
        """
        from nigehban.ingest.dedupe import undo_merge

        with self.ready().begin() as connection:
            return undo_merge(connection, merge_id, actor=self.actor)

    # geography -----------------------------------------------------------------------------------

    def import_boundaries(
        self,
        path: str | Path,
        *,
        level: Level,
        pcode_property: str | None = None,
        name_property: str | None = None,
    ) -> BoundaryVersionInfo:
        """Import a COD-AB / geoBoundaries GeoJSON file as the current boundaries of ``level``.

        The file is checked whole before anything is written (see
        :func:`~nigehban.geo.boundaries.read_boundaries`); the version it replaces stays, with a
        crosswalk onto the new units. Incidents already stored get the new geography from
        :meth:`backfill_geography`.

        Example::

            app.import_boundaries("pak_adm2_districts.geojson", level="district")
            app.backfill_geography()
        """
        from nigehban.geo.boundaries import read_boundaries
        from nigehban.geo.store import save_boundary_file

        boundaries = read_boundaries(path, level=level, pcode_property=pcode_property, name_property=name_property)
        with self.ready().begin() as connection:
            version = save_boundary_file(connection, boundaries, actor=self.actor)
        self._resolver = None
        return version

    def boundary_versions(self, *, level: Level | None = None) -> list[BoundaryVersionInfo]:
        """Every imported boundary file (of ``level``), oldest first; ``current`` marks those in use."""
        from nigehban.geo.store import versions

        with self.ready().connect() as connection:
            return versions(connection, level=level)

    def boundary_set(self) -> BoundarySet:
        """The current boundaries of every level, ready for point-in-polygon."""
        return self.resolver().boundaries or _empty_boundary_set()

    def neighbours(self, *, level: Level = "district") -> dict[str, tuple[str, ...]]:
        """Contiguity of the current units of ``level`` (pcode -> pcodes it touches), for spatial models."""
        from nigehban.geo.store import neighbours

        with self.ready().connect() as connection:
            return neighbours(connection, level=level)

    def boundary_crosswalk(self, *, level: Level = "district") -> list[CrosswalkEntry]:
        """How the units of older boundary versions of ``level`` map onto newer ones (area shares)."""
        from nigehban.geo.store import crosswalk

        with self.ready().connect() as connection:
            return crosswalk(connection, level=level)

    def import_places(self, path: str | Path, *, source: str | None = None) -> int:
        """Add the places of a CSV to the gazetteer (replacing those of the same ``source``); returns how many.

        ``source`` defaults to the file's name. See :func:`~nigehban.geo.places.read_places_csv`.
        """
        from nigehban.geo.places import read_places_csv
        from nigehban.geo.store import save_places

        source = source or Path(path).stem
        places = read_places_csv(path, source=source)
        with self.ready().begin() as connection:
            save_places(connection, places, source=source)
        self._resolver = None
        return len(places)

    def gazetteer(self) -> Gazetteer:
        """The gazetteer: boundary names, GeoNames towns, aliases, the places users added, and the places
        learned from the store's geocoded incidents (:mod:`nigehban.geo.learned`)."""
        return self.resolver().gazetteer

    def resolver(self) -> Resolver:
        """The place resolver over the current boundaries and gazetteer (built once, rebuilt after imports)."""
        if self._resolver is None:
            from nigehban.geo.gazetteer import Gazetteer
            from nigehban.geo.learned import learn_places, store_reports
            from nigehban.geo.resolver import Resolver
            from nigehban.geo.store import load_boundary_set, load_places

            with self.ready().connect() as connection:
                boundaries = load_boundary_set(connection)
                places = load_places(connection)
                usable = boundaries if any(boundaries.summary().values()) else None
                if usable is not None and usable.has("district"):
                    places += learn_places(store_reports(connection), boundaries=usable)
            self._resolver = Resolver(boundaries=usable, gazetteer=Gazetteer.build(boundaries=usable, places=places))
        return self._resolver

    def resolve_place(self, text: str) -> Resolution:
        """What a place string resolves to, e.g. ``app.resolve_place("Jamrud, Khyber")``."""
        return self.resolver().resolve_text(text)

    def backfill_geography(self, *, progress: ProgressCallback | None = None) -> BackfillReport:
        """Resolve every stored source record's place again and update incidents (see :mod:`nigehban.geo.backfill`)."""
        from nigehban.geo.backfill import backfill

        return backfill(self.ready(), self.resolver(), actor=self.actor, progress=progress)

    def import_indicators(self, path: str | Path, *, dataset: str = "census2023") -> IndicatorFile:
        """Import district covariates (census indicators), replacing the ``dataset``'s earlier import.

        Rows are matched to current districts by ``adm2_pcode`` where given, else by name through the
        gazetteer (districts created after the boundary set map onto the district they lie in).
        Rows that match no district are kept, with a note, and reported.
        """
        from nigehban.geo.indicators import read_indicators
        from nigehban.geo.store import save_indicators

        boundaries = self.boundary_set()
        resolver = self.resolver()

        def resolve_district(name: str, province: str | None) -> str | None:
            from nigehban.geo.resolution import PlaceQuery

            found = resolver.resolve(PlaceQuery(district=name, province=province))
            return found.district_pcode if found.precision == "district" else None

        indicators = read_indicators(
            path,
            district_pcodes={unit.pcode: unit.name for unit in boundaries.districts} or None,
            resolve_district=resolve_district if boundaries.districts else None,
        )
        with self.ready().begin() as connection:
            save_indicators(connection, indicators, dataset=dataset)
        return indicators

    def district_indicators(self, *, dataset: str = "census2023") -> dict[str, dict[str, float]]:
        """District covariates by pcode: census districts that share a boundary district are combined
        (counts summed, rates weighted by population; see :func:`~nigehban.geo.indicators.combine_by_pcode`)."""
        from nigehban.geo.indicators import combine_by_pcode
        from nigehban.geo.store import load_indicators

        with self.ready().connect() as connection:
            return combine_by_pcode(load_indicators(connection, dataset=dataset))

    # analysis ------------------------------------------------------------------------------------

    def _analysis_events(self, filter: IncidentFilter | None) -> DataFrame:
        """The events an analysis reads; an unknown group is named as such rather than as an empty selection."""
        from nigehban.analysis.events import load_events
        from nigehban.analysis.spread import check_group

        events = load_events(self.ready(), filter)
        if events.empty and filter is not None and filter.group is not None:
            check_group(self.ready(), filter.group)
        return events

    def trends(self, filter: IncidentFilter | None = None, *, freq: str = "year") -> TrendResult:
        """Attacks, killed, wounded, lethality and the share of attacks on police per month, quarter or year
        (see :mod:`nigehban.analysis.trends`). Raises :class:`~nigehban.errors.EmptySelection` for no match."""
        from nigehban.analysis.trends import compute_trends

        events = self._analysis_events(filter)
        since, until = (filter.since, filter.until) if filter else (None, None)
        return compute_trends(events, freq=freq, start=since, end=until, filter=filter)

    def spread(self, group: str, *, filter: IncidentFilter | None = None) -> SpreadResult:
        """Where ``group`` appears for the first time each year, its centre and dispersion
        (see :mod:`nigehban.analysis.spread`). Raises :class:`~nigehban.errors.UnknownGroup`."""
        import dataclasses

        from nigehban.analysis.events import load_events
        from nigehban.analysis.spread import check_group, compute_spread

        filter = dataclasses.replace(filter or IncidentFilter(), group=group)
        assert filter.group is not None  # the filter made the name canonical
        check_group(self.ready(), filter.group)
        return compute_spread(load_events(self.ready(), filter), group=filter.group, filter=filter)

    def hotspots(
        self,
        filter: IncidentFilter | None = None,
        *,
        freq: str = "year",
        alpha: float = 0.05,
        permutations: int = 999,
        seed: int = 12345,
        progress: ProgressCallback | None = None,
    ) -> HotspotResult:
        """Getis-Ord Gi* hotspots of districts per period, and emerging/cooling hotspots
        (see :mod:`nigehban.analysis.hotspots`). Needs district boundaries (:class:`~nigehban.errors.GeoDataError`)."""
        from nigehban.analysis.hotspots import compute_hotspots
        from nigehban.errors import GeoDataError

        units = {unit.pcode: unit.name for unit in self.boundary_set().units("district")}
        if not units:
            raise GeoDataError(
                "hotspots need district boundaries: run `nigehban geo import-boundaries PATH --level district` "
                "(then `nigehban geo backfill`)"
            )
        return compute_hotspots(
            self._analysis_events(filter),
            units=units,
            neighbours=self.neighbours(level="district"),
            freq=freq,
            alpha=alpha,
            permutations=permutations,
            seed=seed,
            filter=filter,
            progress=progress,
        )

    def knox(
        self,
        filter: IncidentFilter | None = None,
        *,
        distance_km: float = 2.0,
        days: int = 14,
        permutations: int = 999,
        seed: int = 0,
        progress: ProgressCallback | None = None,
    ) -> KnoxResult:
        """Knox test of space-time clustering (e.g. near repeats of attacks on police; see
        :mod:`nigehban.analysis.knox`)."""
        from nigehban.analysis.knox import knox_test

        return knox_test(
            self._analysis_events(filter),
            distance_km=distance_km,
            days=days,
            permutations=permutations,
            seed=seed,
            filter=filter,
            progress=progress,
        )

    # forecasting ---------------------------------------------------------------------------------

    def forecast_panel(
        self, *, unit: ForecastUnit = "district", freq: Freq = "month", resolution: int = 7, end: str | None = None
    ) -> Panel:
        """The unit x period panel of the store's incidents (see :func:`nigehban.forecast.live.store_panel`)."""
        from nigehban.analysis.events import load_events

        return self._forecast_panel(load_events(self.ready()), unit=unit, freq=freq, resolution=resolution, end=end)

    def _forecast_panel(
        self, events: DataFrame, *, unit: ForecastUnit, freq: Freq, resolution: int, end: str | None
    ) -> Panel:
        import pandas as pd

        from nigehban.forecast.backtest import parse_period
        from nigehban.forecast.live import store_panel

        districts = [district.pcode for district in self.boundary_set().units("district")] if unit == "district" else []
        last: pd.Period | None = parse_period(end, freq, side="end") if end else None
        return store_panel(
            events,
            unit=unit,
            freq=freq,
            districts=districts,
            neighbours=self.neighbours(level="district") if districts else None,
            covariates=self.district_indicators() if districts else None,
            resolution=resolution,
            end=last,
        )

    def forecast_backtest(
        self,
        *,
        unit: ForecastUnit = "district",
        freq: Freq = "month",
        start: str,
        end: str,
        horizon: int = 1,
        models: Sequence[str] | None = None,
        resolution: int = 7,
        progress: ProgressCallback | None = None,
        save: bool = False,
    ) -> BacktestResult:
        """Rolling-origin backtest of ``models`` (default: all available) from ``start`` to ``end``.

        Every model is fitted only on incidents dated before each period and predicts it; see
        :mod:`nigehban.forecast.backtest`. ``result.to_csv(path)`` writes the evaluation CSV.
        With ``save``, the backtest's scores are stored with the data version it read
        (``result.stored``; :meth:`backtests` lists them). Raises
        :class:`~nigehban.errors.ForecastError` on an empty store, missing boundaries or a range
        outside the data.
        """
        import dataclasses
        import time

        from nigehban.analysis.events import load_events
        from nigehban.forecast.backtest import parse_period, run_backtest
        from nigehban.forecast.evaluations import save_backtest
        from nigehban.forecast.live import check_range, data_version, model_settings
        from nigehban.forecast.registry import select_models

        began = time.perf_counter()
        chosen = select_models(models)
        first, last = parse_period(start, freq, side="start"), parse_period(end, freq, side="end")
        events = load_events(self.ready())
        check_range(events, freq=freq, start=first, end=last)
        panel = self._forecast_panel(events, unit=unit, freq=freq, resolution=resolution, end=end)
        result = run_backtest(panel, chosen, start=first, end=last, horizon=horizon, progress=progress)
        if not save:
            return result
        try:
            stored = save_backtest(
                self.engine,
                result,
                actor=self.actor,
                models={model.name: model_settings(model) for model in chosen},
                data_version=data_version(self.engine, events, unit=unit),
                seconds=time.perf_counter() - began,
            )
        except SQLAlchemyError as error:
            # minutes of fitting are not thrown away because the store would not take the scores
            # (a read-only copy, a full disk): the rows are returned, the note says why nothing was kept
            reason = str(error.orig if isinstance(error, DBAPIError) else error).splitlines()[0]
            return dataclasses.replace(result, notes=(*result.notes, f"the scores were not stored: {reason}"))
        return dataclasses.replace(result, stored=stored)

    def backtests(
        self, *, freq: Freq | None = None, unit: ForecastUnit | None = None, limit: int | None = None
    ) -> list[StoredBacktest]:
        """Stored backtests with every model's scores, newest first (see :mod:`nigehban.forecast.evaluations`)."""
        from nigehban.forecast.evaluations import list_backtests

        return list_backtests(self.ready(), freq=freq, unit=unit, limit=limit)

    def backtest(self, backtest_id: int) -> StoredBacktest:
        """One stored backtest (:class:`~nigehban.errors.BacktestNotFound` if unknown)."""
        from nigehban.forecast.evaluations import load_backtest

        return load_backtest(self.ready(), backtest_id)

    def forecast_run(
        self,
        *,
        as_of: dt.date,
        freq: Freq = "month",
        horizon: int = 1,
        unit: ForecastUnit = "district",
        resolution: int = 7,
        models: Sequence[str] | None = None,
        save: bool = True,
    ) -> ForecastRun:
        """Forecast the period containing ``as_of`` (and ``horizon - 1`` after it) from the incidents before it.

        Fits the default model and the baselines (or ``models``) and, with ``save``, stores the run
        with the version of the data it read (``forecast runs`` lists them).
        """
        from nigehban.analysis.events import load_events
        from nigehban.forecast.live import data_version, make_forecast_run, save_run
        from nigehban.forecast.registry import available_models, default_model_name, select_models

        if models is None:
            everything = available_models()
            default = default_model_name([model.name for model in everything])
            chosen = [model for model in everything if model.name in {"climatology", "ewma", default}]
        else:
            chosen = select_models(models)
        events = load_events(self.ready())
        panel = self._forecast_panel(events, unit=unit, freq=freq, resolution=resolution, end=None)
        version = data_version(self.engine, events, unit=unit)
        run = make_forecast_run(panel, chosen, as_of=as_of, horizon=horizon, unit=unit, version=version)
        if not save:
            return run
        run_id = save_run(self.engine, run, actor=self.actor)
        return self.forecast(run_id)

    def forecast_runs(self) -> list[ForecastRun]:
        """The stored forecast runs, newest first (without their values)."""
        from nigehban.forecast.live import list_runs

        return list_runs(self.ready())

    def forecast(self, run_id: int | None = None) -> ForecastRun:
        """A stored forecast run with its values (the newest when ``run_id`` is None)."""
        from nigehban.forecast.live import load_run

        return load_run(self.ready(), run_id)

    def alerts(
        self,
        *,
        run_id: int | None = None,
        threshold: float = 0.5,
        jump: float = 0.25,
        recent_periods: int = 12,
        new_group_periods: int = 3,
    ) -> list[Alert]:
        """Alerts of a stored run (the newest by default); see :mod:`nigehban.forecast.alerts`."""
        from nigehban.forecast.live import alerts_for_run

        return alerts_for_run(
            self,
            self.forecast(run_id),
            threshold=threshold,
            jump=jump,
            recent_periods=recent_periods,
            new_group_periods=new_group_periods,
        )

    # background jobs -----------------------------------------------------------------------------

    def submit_job(self, kind: str, params: Mapping[str, Any]) -> Job:
        """Queue a background job (``forecast_run``, ``forecast_backtest``; see :mod:`nigehban.jobs`) for the
        current actor; its parameters are checked now (:class:`~nigehban.errors.JobError`)."""
        from nigehban.jobs import submit_job

        return submit_job(self.ready(), kind, params, actor=self.actor)

    def jobs(self, *, status: str | None = None, limit: int | None = 50) -> list[Job]:
        """Background jobs, newest first."""
        from nigehban.jobs import list_jobs

        return list_jobs(self.ready(), status=status, limit=limit)

    def job(self, job_id: int) -> Job:
        """One background job (:class:`~nigehban.errors.JobNotFound` if unknown)."""
        from nigehban.jobs import load_job

        return load_job(self.ready(), job_id)

    def run_job(self, job_id: int, *, worker: str | None = None) -> Job:
        """Do job ``job_id`` here and now: a queued job is claimed first; a running one only by the
        ``worker`` that claimed it (a :class:`~nigehban.jobs.JobRunner` hands its jobs to a child process
        this way). Returns the job as it ended."""
        from nigehban.jobs import claim_job, load_job, run_claimed_job, worker_name

        job = load_job(self.ready(), job_id)
        if job.status == "running" and worker is not None and job.worker == worker:
            return run_claimed_job(self, job)
        if job.status != "queued":
            raise JobError(f"job {job_id} is {job.status}, not queued: it is not run again")
        claimed = claim_job(self.engine, worker=worker or worker_name(), job_id=job_id)
        if claimed is None:
            raise JobError(f"job {job_id} was taken by another worker")
        return run_claimed_job(self, claimed)

    # extraction ----------------------------------------------------------------------------------

    def extract(
        self,
        paths: Sequence[str | Path],
        *,
        output: str | Path | None = None,
        into_review: bool = False,
        progress: ProgressCallback | None = None,
    ) -> ExtractReport:
        """Extract candidate incidents from reports (JSON lines, text, HTML) into ``output`` (JSON lines).

        Uses only the resolver (boundaries and gazetteer), never the stored incidents; see
        :mod:`nigehban.extract.extractor`. Documents with problems still get an output line.
        ``into_review=True`` puts the candidates into the review queue instead
        (:mod:`nigehban.extract.review`): the report's ``incidents`` and ``mentions`` are what was
        queued; the ``documents - attacks`` that report no attack are not queued.
        """
        from nigehban.extract.extractor import Extractor, extract_files

        extractor = Extractor(resolver=self.resolver())
        if into_review:
            from nigehban.extract.review import queue_files

            report = queue_files(paths, engine=self.ready(), extractor=extractor, actor=self.actor, progress=progress)
        elif output is None:
            raise ValueError("give output= (a JSON lines file) or into_review=True")
        else:
            report = extract_files(paths, output=output, extractor=extractor, progress=progress)
        report.warnings.extend(self.extraction_warnings())
        return report

    def extraction_warnings(self) -> list[str]:
        """What an extraction run on this store lacks, before it starts (also in its report's ``warnings``).

        Without district boundaries every incident's district is null.
        """
        if self.boundary_set().districts:
            return []
        return [
            "the store has no district boundaries, so no incident has a district (only province and "
            "coordinates): import them first with `nigehban geo import-boundaries PATH --level district`"
        ]

    # review queue --------------------------------------------------------------------------------

    def review_add(self, extractions: Iterable[tuple[Document, Extraction]]) -> ReviewAddReport:
        """Queue the candidates of (document, extraction) pairs; documents reporting no attack are counted only."""
        from nigehban.extract.review import add_extractions

        with self.ready().begin() as connection:
            return add_extractions(connection, extractions, actor=self.actor)

    def review_list(self, *, status: str | None = "pending", limit: int | None = 50) -> list[ReviewItem]:
        """Candidates in the review queue with ``status`` (pending, accepted, rejected; ``None``: all)."""
        from nigehban.extract.review import list_candidates

        with self.ready().connect() as connection:
            return list_candidates(connection, status=status, limit=limit)

    def review_show(self, candidate_id: int) -> ReviewItem:
        """One candidate with its document and each field's evidence, and (while pending) its ranked matches."""
        from nigehban.extract.review import get_candidate

        with self.ready().connect() as connection:
            return get_candidate(connection, candidate_id)

    def review_edit(self, candidate_id: int, changes: Mapping[str, Any], *, note: str | None = None) -> ReviewItem:
        """Correct fields of a pending candidate (checked against the record's vocabularies; logged)."""
        from nigehban.extract.review import edit_candidate

        with self.ready().begin() as connection:
            return edit_candidate(connection, candidate_id, changes, actor=self.actor, note=note)

    def review_accept(
        self,
        candidate_id: int,
        *,
        changes: Mapping[str, Any] | None = None,
        incident_id: int | None = None,
        match: Literal["best"] | None = None,
        note: str | None = None,
    ) -> ReviewItem:
        """Accept a candidate: a new incident, or a report of stored incident ``incident_id`` (or the best match).

        The document becomes a source record (dataset ``reports``); joining a stored incident is a
        recorded merge that fills only its empty fields (undo with :meth:`undo_merge`).
        """
        from nigehban.extract.review import accept_candidate

        with self.ready().begin() as connection:
            return accept_candidate(
                connection,
                candidate_id,
                actor=self.actor,
                resolver=self.resolver(),
                changes=changes,
                incident_id=incident_id,
                match=match,
                note=note,
            )

    def review_reject(self, candidate_id: int, *, note: str | None = None) -> ReviewItem:
        """Reject a pending candidate (kept in the queue, with the note; logged)."""
        from nigehban.extract.review import reject_candidate

        with self.ready().begin() as connection:
            return reject_candidate(connection, candidate_id, actor=self.actor, note=note)

    def extract_partitioned(
        self,
        paths: Sequence[str | Path],
        *,
        output: str | Path,
        workers: int = 2,
        scheduler: str | None = None,
        partition_size: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> ExtractReport:
        """:meth:`extract` partitioned over Dask workers: the same output, for batches of millions.

        A LocalCluster of ``workers`` processes, or the Dask scheduler at ``scheduler``; needs
        ``nigehban[distributed]``. See :mod:`nigehban.extract.batch`.
        """
        from nigehban.extract.batch import PARTITION_SIZE, extract_partitioned

        report = extract_partitioned(
            paths,
            output=output,
            resolver=self.resolver(),
            scheduler=scheduler,
            workers=workers,
            partition_size=partition_size or PARTITION_SIZE,
            progress=progress,
        )
        report.warnings.extend(self.extraction_warnings())
        return report

    # facility protection -------------------------------------------------------------------------

    def checklist(self) -> AuditChecklist:
        """The audit checklist in use (setting ``checklist``; default the packaged one)."""
        from nigehban.security.checklist import load_checklist

        return load_checklist(self.settings.checklist)

    def catalogue(self) -> Catalogue:
        """The countermeasure catalogue in use (setting ``catalogue``; default the packaged one)."""
        from nigehban.security.catalogue import load_catalogue

        return load_catalogue(self.settings.catalogue, checklist=self.checklist())

    def _save_facilities(
        self,
        facilities: Sequence[FacilityInput],
        *,
        dataset: str,
        synthetic: bool = False,
        path: str | Path | None = None,
    ) -> FacilityImportReport:
        from nigehban.security.facilities import save_facilities

        resolver, boundaries = self.resolver(), self.boundary_set()
        with self.ready().begin() as connection:
            return save_facilities(
                connection,
                facilities,
                resolver=resolver,
                boundaries=boundaries,
                dataset=dataset,
                actor=self.actor,
                synthetic=synthetic,
                path=path,
            )

    def import_facilities(self, path: str | Path, *, dataset: str = "facilities") -> FacilityImportReport:
        """Add or update (by code) the facilities of a CSV or GeoJSON file, each placed in its district.

        A file with any bad row, or any facility outside every district, is refused whole, naming
        every problem (file, row, field). See :mod:`nigehban.security.facilities` for the columns.
        """
        from nigehban.security.facilities import read_facilities

        return self._save_facilities(read_facilities(path), dataset=dataset, path=path)

    def add_facility(self, facility: FacilityInput, *, dataset: str = "facilities") -> FacilityImportReport:
        """Add (or update, by code) one facility."""
        return self._save_facilities([facility], dataset=dataset)

    def facilities(
        self,
        *,
        district: str | None = None,
        province: str | None = None,
        facility_type: str | None = None,
        dataset: str | None = None,
    ) -> list[Facility]:
        """Facilities in the registry, by id (``district``: a pcode or a name)."""
        from nigehban.security.facilities import facility_type as type_id
        from nigehban.security.facilities import list_facilities

        with self.ready().connect() as connection:
            return list_facilities(
                connection,
                district=district,
                province=province,
                facility_type=type_id(facility_type) if facility_type else None,
                dataset=dataset,
            )

    def facility(self, key: int | str) -> Facility:
        """The facility with this id or code."""
        from nigehban.security.facilities import get_facility

        with self.ready().connect() as connection:
            return get_facility(connection, key)

    def update_facility(self, key: int | str, changes: Mapping[str, Any], *, note: str | None = None) -> Facility:
        """Change fields of a facility (checked; a moved facility is placed again; logged with ``note``)."""
        from nigehban.security.facilities import update_facility

        resolver, boundaries = self.resolver(), self.boundary_set()
        with self.ready().begin() as connection:
            return update_facility(
                connection,
                key,
                changes,
                resolver=resolver,
                boundaries=boundaries,
                actor=self.actor,
                note=note,
            )

    def relocate_facilities(self) -> tuple[int, list[str]]:
        """Place every facility in the current district boundaries again (run after importing boundaries).

        Returns how many moved, and the facilities that could not be placed (they keep their district).
        """
        from nigehban.security.facilities import relocate_facilities

        resolver, boundaries = self.resolver(), self.boundary_set()
        with self.ready().begin() as connection:
            return relocate_facilities(connection, resolver=resolver, boundaries=boundaries, actor=self.actor)

    def audit_start(
        self,
        facility: int | str,
        *,
        auditor: str,
        audit_date: dt.date | None = None,
        latitude: float | None = None,
        longitude: float | None = None,
        notes: str | None = None,
    ) -> Audit:
        """Start an audit of a facility (id or code) against the checklist in use."""
        from nigehban.security.audits import start_audit

        checklist = self.checklist()
        with self.ready().begin() as connection:
            return start_audit(
                connection,
                facility,
                checklist=checklist,
                auditor=auditor,
                actor=self.actor,
                audit_date=audit_date,
                latitude=latitude,
                longitude=longitude,
                notes=notes,
            )

    def audit_answer(
        self,
        audit_id: int,
        answers: Mapping[str, AnswerInput],
        *,
        latitude: float | None = None,
        longitude: float | None = None,
        notes: str | None = None,
    ) -> Audit:
        """Save answers to an audit in progress (all checked first: a bad answer writes none)."""
        from nigehban.security.audits import answer_audit

        checklist = self.checklist()
        with self.ready().begin() as connection:
            return answer_audit(
                connection,
                audit_id,
                answers,
                checklist=checklist,
                actor=self.actor,
                latitude=latitude,
                longitude=longitude,
                notes=notes,
            )

    def audit_complete(self, audit_id: int, *, allow_unanswered: bool = False) -> Audit:
        """Complete an audit (refused while items are unanswered unless ``allow_unanswered``)."""
        from nigehban.security.audits import complete_audit

        checklist = self.checklist()
        with self.ready().begin() as connection:
            return complete_audit(
                connection,
                audit_id,
                checklist=checklist,
                actor=self.actor,
                allow_unanswered=allow_unanswered,
            )

    def audit(self, audit_id: int) -> Audit:
        """One audit."""
        from nigehban.security.audits import get_audit

        with self.ready().connect() as connection:
            return get_audit(connection, audit_id)

    def audits(self, *, facility: int | str | None = None, status: str | None = None) -> list[Audit]:
        """Audits (of one facility), newest first."""
        from nigehban.security.audits import list_audits
        from nigehban.security.facilities import get_facility

        with self.ready().connect() as connection:
            facility_id = get_facility(connection, facility).id if facility is not None else None
            return list_audits(connection, facility_id=facility_id, status=status)

    def audit_compare(self, audit_id: int) -> AuditComparison:
        """An audit beside the facility's previous completed audit: changed answers, vulnerability then and now."""
        from nigehban.security.audits import compare_audits

        checklist = self.checklist()
        with self.ready().connect() as connection:
            return compare_audits(connection, audit_id, checklist=checklist)

    def threat_model(self, *, as_of: dt.date | None = None) -> ThreatModel:
        """The threat model over the incidents and the newest district forecast (:mod:`nigehban.security.threat`)."""
        from nigehban.security.threat import ThreatModel

        return ThreatModel.from_store(self.ready(), as_of=as_of)

    def risk(
        self,
        *,
        facility: int | str | None = None,
        district: str | None = None,
        province: str | None = None,
        facility_type: str | None = None,
        as_of: dt.date | None = None,
    ) -> list[FacilityRisk]:
        """Threat × Vulnerability × Consequence per facility and scenario, highest total first.

        ``as_of`` (default: the newest incident's date) is the end of the threat's history window.
        """
        from nigehban.security.audits import latest_completed_audits
        from nigehban.security.risk import assess_facilities

        facilities = (
            [self.facility(facility)]
            if facility is not None
            else self.facilities(district=district, province=province, facility_type=facility_type)
        )
        with self.ready().connect() as connection:
            audits = latest_completed_audits(connection)
        return assess_facilities(
            facilities, audits=audits, checklist=self.checklist(), threat=self.threat_model(as_of=as_of)
        )

    def hardening_plan(
        self,
        *,
        budget_pkr: int,
        district: str | None = None,
        province: str | None = None,
        facility_type: str | None = None,
        include_unaudited: bool = False,
        curve_step_pkr: int | None = None,
        curve_max_pkr: int | None = None,
        as_of: dt.date | None = None,
        mip_rel_gap: float = 1e-4,
        time_limit: float | None = None,
    ) -> HardeningPlan:
        """The countermeasures to buy within ``budget_pkr`` that remove the most total risk (exact MILP, HiGHS).

        Facilities are those :meth:`risk` assesses (filters alike); facilities never audited are left
        out (and named) unless ``include_unaudited``. With ``curve_step_pkr`` the plan carries the
        marginal curve: the risk left at budgets 0, step, 2 × step ... up to ``curve_max_pkr``
        (default: the budget).

        ``mip_rel_gap``: HiGHS stops when no plan can remove more than ``1 + mip_rel_gap`` times the
        risk this one removes — 10⁻⁴ (HiGHS's own default) gives the plan for 2,000 facilities in about
        a second; 0 proves the exact optimum, which takes minutes at that size (seconds for a district).

        Example:
            >>> from nigehban import Nigehban
            >>> app = Nigehban(database_url="sqlite:///:memory:")
            >>> _ = app.init()
            >>> _ = app.demo_facilities()
            >>> result = app.hardening_plan(budget_pkr=50_000_000)
            >>> plan = result.plan
            >>> plan.status, plan.total_cost <= 50_000_000, plan.risk_after < plan.risk_before
            ('optimal', True, True)
        """
        from nigehban.security.hardening import HardeningPlan, plan_inputs, plan_measures
        from nigehban.security.plan import marginal_curve, optimise_plan

        risks = self.risk(district=district, province=province, facility_type=facility_type, as_of=as_of)
        checklist, catalogue = self.checklist(), self.catalogue()
        facilities, left_out = plan_inputs(
            risks, checklist=checklist, catalogue=catalogue, include_unaudited=include_unaudited
        )
        if not facilities:
            from nigehban.security.plan import InvalidPlanInput

            raise InvalidPlanInput(
                "no audited facility matches: audit facilities first (nigehban audit start) or plan with "
                "--include-unaudited"
            )
        measures = plan_measures(catalogue)
        plan = optimise_plan(
            facilities, measures, budget_pkr=budget_pkr, mip_rel_gap=mip_rel_gap, time_limit=time_limit
        )
        curve = (
            marginal_curve(
                facilities,
                measures,
                step_pkr=curve_step_pkr,
                max_budget_pkr=curve_max_pkr or budget_pkr,
                mip_rel_gap=mip_rel_gap,
                time_limit=time_limit,
            )
            if curve_step_pkr
            else []
        )
        return HardeningPlan(
            plan=plan,
            districts={risk.facility.id: risk.facility.district for risk in risks},
            codes={risk.facility.id: risk.facility.code for risk in risks},
            left_out=tuple(left_out),
            curve=tuple(curve),
            catalogue=str(self.settings.catalogue or "packaged"),
        )

    def patrol(
        self,
        *,
        units: int,
        district: str | None = None,
        province: str | None = None,
        facility_type: str | None = None,
        effectiveness: float = 0.7,
        method: Literal["origami", "origami-lp", "eraser"] = "origami",
        as_of: dt.date | None = None,
    ) -> Coverage:
        """How often each facility should have one of ``units`` patrol or quick-reaction units (Stackelberg game).

        Each facility's total risk is the attacker's prize; a covered facility's is cut by
        ``effectiveness``. The coverage minimises the best the attacker can expect (ORIGAMI; see
        :mod:`nigehban.security.patrol`); probabilities sum to ``units`` (at most one unit per facility).
        Draw duty rosters from it with :func:`nigehban.security.patrol.sample_rosters`.
        """
        from nigehban.security.hardening import patrol_targets
        from nigehban.security.patrol import solve_coverage

        risks = self.risk(district=district, province=province, facility_type=facility_type, as_of=as_of)
        return solve_coverage(patrol_targets(risks, effectiveness=effectiveness), units=units, method=method)

    # demo ----------------------------------------------------------------------------------------

    # accounts (the web app) -----------------------------------------------------------------------

    def create_user(
        self,
        name: str,
        *,
        role: str,
        password: str,
        full_name: str | None = None,
        agency: str | None = None,
    ) -> User:
        """Create a web account (roles: admin, analyst, auditor, viewer); see :mod:`nigehban.auth`."""
        from nigehban.auth.accounts import create_user

        with self.ready().begin() as connection:
            return create_user(
                connection, name, role=role, password=password, full_name=full_name, agency=agency, actor=self.actor
            )

    def users(self) -> list[User]:
        """Every web account."""
        from nigehban.auth.accounts import list_users

        with self.ready().connect() as connection:
            return list_users(connection)

    def user(self, name: str) -> User:
        """One web account; :class:`~nigehban.auth.UserNotFound` if there is none of that name."""
        from nigehban.auth.accounts import find_user

        with self.ready().connect() as connection:
            return find_user(connection, name)

    def update_user(
        self,
        name: str,
        *,
        role: str | None = None,
        active: bool | None = None,
        full_name: str | None = None,
        agency: str | None = None,
        note: str | None = None,
    ) -> User:
        """Change an account's role, agency or name, or disable it (which ends its sessions)."""
        from nigehban.auth.accounts import update_user

        with self.ready().begin() as connection:
            return update_user(
                connection,
                name,
                role=role,
                active=active,
                full_name=full_name,
                agency=agency,
                actor=self.actor,
                note=note,
            )

    def set_password(self, name: str, password: str) -> User:
        """Set an account's password; its sessions end."""
        from nigehban.auth.accounts import set_password

        with self.ready().begin() as connection:
            return set_password(connection, name, password, actor=self.actor)

    def enrol_totp(self, name: str) -> tuple[str, str]:
        """Turn on two-factor sign-in for an account; returns ``(secret, otpauth URI)``, shown once."""
        from nigehban.auth.accounts import totp_enrol

        with self.ready().begin() as connection:
            return totp_enrol(connection, name, actor=self.actor)

    def create_api_token(self, name: str, *, label: str) -> str:
        """A bearer token for scripts acting as user ``name``; only its hash is stored, so keep it."""
        from nigehban.auth.sessions import create_api_token

        with self.ready().begin() as connection:
            return create_api_token(connection, name, label=label, actor=self.actor)

    def api_tokens(self, name: str) -> list[dict[str, Any]]:
        """A user's API tokens (never the tokens themselves)."""
        from nigehban.auth.sessions import list_api_tokens

        with self.ready().connect() as connection:
            return list_api_tokens(connection, name)

    def revoke_api_token(self, token_id: int) -> None:
        """Revoke an API token by id."""
        from nigehban.auth.sessions import revoke_api_token

        with self.ready().begin() as connection:
            revoke_api_token(connection, token_id, actor=self.actor)

    def demo(self, *, seed: int = 2023, start: dt.date | None = None, end: dt.date | None = None) -> list[ImportReport]:
        """Fill the store with the synthetic demo world (clearly labelled synthetic; see :mod:`nigehban.demo`):
        the incidents, and the synthetic facilities with their audits (:meth:`demo_facilities`)."""
        from nigehban.demo import load_demo

        reports = load_demo(self, seed=seed, start=start, end=end)
        self.demo_facilities(seed=seed)
        return reports

    def demo_facilities(self, *, seed: int = 2023) -> FacilityImportReport:
        """The synthetic facility set with audits over the demo towns (see :mod:`nigehban.security.demo`)."""
        from nigehban.security.demo import load_demo_facilities

        return load_demo_facilities(self, seed=seed)

    def demo_boundaries(self) -> DemoBoundariesReport:
        """Import SYNTHETIC district (and province) boundaries for the demo world: Voronoi cells around the
        demo towns, not real boundaries (see :mod:`nigehban.demo_boundaries`); then backfill the incidents'
        geography and place the facilities again. Changes nothing if district boundaries are imported."""
        from nigehban.demo_boundaries import load_demo_boundaries

        return load_demo_boundaries(self)


def _empty_boundary_set() -> BoundarySet:
    from nigehban.geo.boundaryset import BoundarySet

    return BoundarySet()


def _has_tables(engine: Engine) -> bool:
    from sqlalchemy import inspect

    return bool(inspect(engine).get_table_names())
