"""The tables of the store.

- ``source_records``: every row an import has read, untouched (dataset, key, raw payload, content
  hash, the batches that brought it), with the canonical record it was mapped to and the incident
  it currently belongs to.
- ``incidents``: the canonical incidents. An incident merged into another by deduplication keeps
  its row (``merged_into_id`` points at the survivor) so that the merge can be undone.
- ``merges``: every merge with its score, what it moved and what it filled in; undone merges stay.
- ``change_log``: append-only (enforced by triggers) record of who changed what, when, before, after.
- ``import_batches`` and ``import_rejects``: one row per import run, and every row it refused.
- geography: ``boundary_versions`` (one per imported boundary file; the newest of a level is
  current), ``boundaries`` (units with WKB polygons), ``boundary_crosswalk`` (old units onto new),
  ``boundary_neighbours`` (contiguity), ``places`` (user gazetteer), ``district_indicators``.
- forecasts: ``forecast_runs`` (one per stored forecast, with the data version it read) and
  ``forecast_values`` (one row per model, unit and period).
- review: ``review_candidates`` (incidents proposed by extraction from reports, waiting for an
  analyst's decision; the decision, who made it, and the incident it created or joined).
- facility protection: ``facilities`` (the registry of police facilities with their district and
  the factors of their security level) and ``audits`` (security audits against a versioned
  checklist: answers, notes, evidence, in progress or completed).
- accounts (the web app): ``agencies``, ``users`` (role, argon2 password hash, TOTP secret and the
  last time step used), ``user_sessions`` (server-side sessions: hash of the token, CSRF token,
  expiry), ``api_tokens`` (hashes of bearer tokens), ``login_attempts`` (for throttling) and
  ``app_secrets`` (the key that signs cookies, shared by every worker).
- taxonomy: ``attack_types``, ``target_types``, ``weapon_types``, ``groups``, ``group_aliases``.

The Alembic migrations in ``store/migrations`` create exactly these tables; a test compares them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from nigehban.record import whole_number

__all__ = [
    "AGENCIES",
    "API_TOKENS",
    "APP_SECRETS",
    "AUDITS",
    "BACKTESTS",
    "BATCHES",
    "BOUNDARIES",
    "BOUNDARY_CROSSWALK",
    "BOUNDARY_NEIGHBOURS",
    "BOUNDARY_VERSIONS",
    "CHANGE_LOG",
    "DISTRICT_INDICATORS",
    "FACILITIES",
    "FORECAST_RUNS",
    "FORECAST_VALUES",
    "GROUPS_TABLE",
    "GROUP_ALIASES",
    "INCIDENTS",
    "JOBS",
    "LOGIN_ATTEMPTS",
    "MERGES",
    "PLACES",
    "REJECTS",
    "REVIEW_CANDIDATES",
    "SOURCES",
    "USERS",
    "USER_SESSIONS",
    "AgencyRow",
    "ApiTokenRow",
    "AppSecretRow",
    "AttackType",
    "AuditRow",
    "BacktestRow",
    "Base",
    "BoundaryCrosswalkRow",
    "BoundaryNeighbour",
    "BoundaryRow",
    "BoundaryVersion",
    "ChangeLogEntry",
    "Count",
    "DistrictIndicator",
    "FacilityRow",
    "ForecastRunRow",
    "ForecastValueRow",
    "GroupAlias",
    "GroupRow",
    "ImportBatch",
    "ImportReject",
    "IncidentRow",
    "JobRow",
    "LoginAttemptRow",
    "MergeRow",
    "PlaceRow",
    "ReviewCandidateRow",
    "SourceRecord",
    "TargetType",
    "UserRow",
    "UserSessionRow",
    "WeaponType",
    "utcnow",
]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Timestamps are stored in UTC."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Count(TypeDecorator[float]):
    """A casualty count: stored as a float (GTD spreads shared tolls as fractions), read back as an
    ``int`` when whole so that 3 is 3, not 3.0."""

    impl = Float
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Dialect) -> float | None:
        return None if value is None else whole_number(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}  # noqa: RUF012 - SQLAlchemy's hook


class AttackType(Base):
    __tablename__ = "attack_types"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))


class TargetType(Base):
    __tablename__ = "target_types"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))


class WeaponType(Base):
    __tablename__ = "weapon_types"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))


class GroupRow(Base):
    __tablename__ = "groups"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"))
    kind: Mapped[str] = mapped_column(String(16), default="group")
    note: Mapped[str] = mapped_column(Text, default="")


class GroupAlias(Base):
    __tablename__ = "group_aliases"
    normalised: Mapped[str] = mapped_column(String(200), primary_key=True)
    alias: Mapped[str] = mapped_column(String(200))
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)


class ImportBatch(Base):
    __tablename__ = "import_batches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset: Mapped[str] = mapped_column(String(64), index=True)
    importer: Mapped[str] = mapped_column(String(32))
    source_path: Mapped[str] = mapped_column(Text)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    file_size: Mapped[int | None] = mapped_column(Integer)
    header: Mapped[list[Any] | None] = mapped_column(JSON)
    options: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="running")
    actor: Mapped[str] = mapped_column(String(120))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_inserted: Mapped[int] = mapped_column(Integer, default=0)
    rows_updated: Mapped[int] = mapped_column(Integer, default=0)
    rows_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    rows_skipped: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)


class ImportReject(Base):
    __tablename__ = "import_rejects"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)
    row_number: Mapped[int] = mapped_column(Integer)
    column: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    # "rejected" (bad data) or "skipped" (out of scope for the importer, e.g. an ACLED protest)
    kind: Mapped[str] = mapped_column(String(16), default="rejected")
    payload: Mapped[str] = mapped_column(Text)


class IncidentRow(Base):
    __tablename__ = "incidents"
    __table_args__ = (
        # pages of active incidents newest first: walk this index, never sort the table
        Index("ix_incidents_active_date", "merged_into_id", "date", "id"),
        # ... and deadliest first
        Index("ix_incidents_active_killed", "merged_into_id", "killed", "id"),
        # counts per H3 cell (at the zoom that shows all Pakistan) and per district for the map, by
        # date, group and target, from the index alone (no table reads); every import writes it, so
        # it holds only what the map's common filters and sums use
        Index(
            "ix_incidents_map",
            "merged_into_id",
            "date",
            "h3_res5",
            "district_pcode",
            "target_type",
            "perpetrator",
            "killed",
            "wounded",
        ),
        # the newest change to any incident: caches of counts and analyses compare it
        Index("ix_incidents_updated_at", "updated_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    date_precision: Mapped[str] = mapped_column(String(8), default="day")
    province: Mapped[str | None] = mapped_column(String(64), index=True)
    district_pcode: Mapped[str | None] = mapped_column(String(40), index=True)
    district: Mapped[str | None] = mapped_column(String(120))
    tehsil_pcode: Mapped[str | None] = mapped_column(String(40))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    geo_precision: Mapped[str | None] = mapped_column(String(16))
    geo_confidence: Mapped[float | None] = mapped_column(Float)
    geo_flags: Mapped[str | None] = mapped_column(Text)
    h3_res5: Mapped[str | None] = mapped_column(String(16))
    h3_res6: Mapped[str | None] = mapped_column(String(16))
    h3_res7: Mapped[str | None] = mapped_column(String(16))
    h3_res8: Mapped[str | None] = mapped_column(String(16))
    place: Mapped[str | None] = mapped_column(Text)
    attack_type: Mapped[str] = mapped_column(ForeignKey("attack_types.code"), index=True, default="unknown")
    target_type: Mapped[str] = mapped_column(ForeignKey("target_types.code"), index=True, default="unknown")
    target_detail: Mapped[str | None] = mapped_column(Text)
    weapon_type: Mapped[str] = mapped_column(ForeignKey("weapon_types.code"), default="unknown")
    suicide: Mapped[bool | None] = mapped_column(Boolean)
    complex_attack: Mapped[bool | None] = mapped_column(Boolean)
    perpetrator: Mapped[str] = mapped_column(String(200), index=True, default="Unknown")
    perpetrator_claimed: Mapped[bool | None] = mapped_column(Boolean)
    killed: Mapped[float | None] = mapped_column(Count)
    killed_perpetrators: Mapped[float | None] = mapped_column(Count)
    wounded: Mapped[float | None] = mapped_column(Count)
    wounded_perpetrators: Mapped[float | None] = mapped_column(Count)
    killed_security: Mapped[float | None] = mapped_column(Count)
    summary: Mapped[str | None] = mapped_column(Text)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class SourceRecord(Base):
    __tablename__ = "source_records"
    __table_args__ = (UniqueConstraint("dataset", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(200))
    # JSON object of the row's non-empty cells exactly as read (strings); the header is on the batch.
    payload: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(40))
    # JSON of the canonical record the importer mapped the payload to; compared on re-import so that
    # a corrected file (or mapping) updates only what changed.
    record: Mapped[str] = mapped_column(Text)
    # JSON of the place as the source reported it (a PlaceQuery): what the record's geography is
    # resolved from, again whenever the boundaries or the gazetteer change (``geo backfill``).
    place_query: Mapped[str | None] = mapped_column(Text)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    first_batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"))
    last_batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class MergeRow(Base):
    __tablename__ = "merges"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kept_incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    merged_incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    score: Mapped[float] = mapped_column(Float)
    components: Mapped[dict[str, Any]] = mapped_column(JSON)
    moved_source_ids: Mapped[list[Any]] = mapped_column(JSON)
    filled_fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    method: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    undone_by: Mapped[str | None] = mapped_column(String(120))


class ChangeLogEntry(Base):
    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_entity", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(32))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    merge_id: Mapped[int | None] = mapped_column(ForeignKey("merges.id"))
    note: Mapped[str | None] = mapped_column(Text)


class BoundaryVersion(Base):
    """One imported boundary file of one level; the newest of a level is the current one."""

    __tablename__ = "boundary_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    level: Mapped[str] = mapped_column(String(16), index=True)
    source_path: Mapped[str] = mapped_column(Text)
    file_sha256: Mapped[str] = mapped_column(String(64))
    valid_on: Mapped[str | None] = mapped_column(String(10))
    unit_count: Mapped[int] = mapped_column(Integer)
    skipped: Mapped[list[Any]] = mapped_column(JSON)
    repaired: Mapped[list[Any]] = mapped_column(JSON)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    actor: Mapped[str] = mapped_column(String(120))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class BoundaryRow(Base):
    """A unit (province, district or tehsil) of a boundary version, its polygon as WKB."""

    __tablename__ = "boundaries"
    __table_args__ = (UniqueConstraint("version_id", "pcode"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("boundary_versions.id"), index=True)
    level: Mapped[str] = mapped_column(String(16))
    pcode: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    parent_pcode: Mapped[str | None] = mapped_column(String(40))
    province_pcode: Mapped[str | None] = mapped_column(String(40))
    area_sqkm: Mapped[float] = mapped_column(Float)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    geometry: Mapped[bytes] = mapped_column(LargeBinary)


class BoundaryCrosswalkRow(Base):
    """How the units of an older boundary version map onto a newer one (share of the old unit's area)."""

    __tablename__ = "boundary_crosswalk"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    from_version_id: Mapped[int] = mapped_column(ForeignKey("boundary_versions.id"), index=True)
    from_pcode: Mapped[str] = mapped_column(String(40))
    to_version_id: Mapped[int] = mapped_column(ForeignKey("boundary_versions.id"))
    to_pcode: Mapped[str] = mapped_column(String(40))
    share: Mapped[float] = mapped_column(Float)


class BoundaryNeighbour(Base):
    """Contiguity of the units of a boundary version (both directions are stored)."""

    __tablename__ = "boundary_neighbours"
    version_id: Mapped[int] = mapped_column(ForeignKey("boundary_versions.id"), primary_key=True)
    pcode: Mapped[str] = mapped_column(String(40), primary_key=True)
    neighbour_pcode: Mapped[str] = mapped_column(String(40), primary_key=True)


class PlaceRow(Base):
    """A place a user added to the gazetteer (e.g. from the GeoNames postal gazetteer)."""

    __tablename__ = "places"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    alternate_names: Mapped[list[Any]] = mapped_column(JSON)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    province: Mapped[str | None] = mapped_column(String(64))
    district: Mapped[str | None] = mapped_column(String(200))
    population: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class DistrictIndicator(Base):
    """One value of one district covariate (long form), from an imported indicator file."""

    __tablename__ = "district_indicators"
    __table_args__ = (Index("ix_district_indicators_dataset_pcode", "dataset", "district_pcode"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset: Mapped[str] = mapped_column(String(64))
    row_number: Mapped[int] = mapped_column(Integer)
    province: Mapped[str | None] = mapped_column(String(64))
    district_name: Mapped[str] = mapped_column(String(200))
    district_pcode: Mapped[str | None] = mapped_column(String(40))
    match_note: Mapped[str | None] = mapped_column(Text)
    indicator: Mapped[str] = mapped_column(String(120))
    value: Mapped[float | None] = mapped_column(Float)


class ForecastRunRow(Base):
    """A stored forecast: when, from what data (``data_version``), with which models and settings."""

    __tablename__ = "forecast_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    as_of: Mapped[dt.date] = mapped_column(Date, index=True)
    unit: Mapped[str] = mapped_column(String(16))
    freq: Mapped[str] = mapped_column(String(8))
    horizon: Mapped[int] = mapped_column(Integer)
    origin_period: Mapped[str] = mapped_column(String(16))
    default_model: Mapped[str] = mapped_column(String(64))
    # {model name: its settings}
    models: Mapped[dict[str, Any]] = mapped_column(JSON)
    # incidents read (count, max id, sha256 of their fields), max change-log id, boundary version ids
    data_version: Mapped[dict[str, Any]] = mapped_column(JSON)
    notes: Mapped[list[Any]] = mapped_column(JSON)


class ForecastValueRow(Base):
    """One model's forecast for one unit and period of a stored run."""

    __tablename__ = "forecast_values"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("forecast_runs.id", ondelete="CASCADE"), index=True)
    model: Mapped[str] = mapped_column(String(64))
    unit_id: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(16))
    horizon: Mapped[int] = mapped_column(Integer)
    p_attack: Mapped[float] = mapped_column(Float)
    p_security_attack: Mapped[float] = mapped_column(Float)
    expected_attacks: Mapped[float] = mapped_column(Float)
    expected_fatalities: Mapped[float] = mapped_column(Float)
    fatalities_low: Mapped[float] = mapped_column(Float)
    fatalities_high: Mapped[float] = mapped_column(Float)


class ReviewCandidateRow(Base):
    """An incident (or a recalled earlier attack) proposed by extraction, with its document, in the review queue."""

    __tablename__ = "review_candidates"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[str] = mapped_column(String(200), index=True)
    document_text: Mapped[str] = mapped_column(Text)
    published: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(Text)
    # which of the document's candidates this is (0 = the most confident), so that the document and
    # position name the source record an accepted candidate becomes
    position: Mapped[int] = mapped_column(Integer)
    # "incident" (a new incident the document reports) or "mention" (an earlier attack it recalls)
    kind: Mapped[str] = mapped_column(String(16))
    # {"fields": {name: {"value", "confidence", "evidence": {"start", "end", "text"} | null}}, "confidence"}
    candidate: Mapped[dict[str, Any]] = mapped_column(JSON)
    confidence: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16), index=True, default="pending")
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    merge_id: Mapped[int | None] = mapped_column(ForeignKey("merges.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    note: Mapped[str | None] = mapped_column(Text)


class FacilityRow(Base):
    """A police facility (station, post, lines, office, court, ...) in the registry."""

    __tablename__ = "facilities"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # the owner's own identifier (unique): imports update the facility with the same code
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    facility_type: Mapped[str] = mapped_column(String(40), index=True)
    place: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    province: Mapped[str | None] = mapped_column(String(64))
    district: Mapped[str | None] = mapped_column(String(200))
    district_pcode: Mapped[str | None] = mapped_column(String(40), index=True)
    staff: Mapped[int | None] = mapped_column(Integer)
    daily_visitors: Mapped[int | None] = mapped_column(Integer)
    area_m2: Mapped[float | None] = mapped_column(Float)
    # ISC facility security level factors, 1 (very low) to 4 (very high)
    mission_criticality: Mapped[int] = mapped_column(Integer)
    symbolism: Mapped[int] = mapped_column(Integer)
    tenant_threat: Mapped[int | None] = mapped_column(Integer)
    # an agency's own determination of the security level (1-5), overriding the factors
    security_level: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    dataset: Mapped[str] = mapped_column(String(64))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AuditRow(Base):
    """A security audit of one facility against one version of a checklist."""

    __tablename__ = "audits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"), index=True)
    checklist_id: Mapped[str] = mapped_column(String(80))
    checklist_version: Mapped[str] = mapped_column(String(40))
    auditor: Mapped[str] = mapped_column(String(120))
    # "in_progress" or "completed"
    status: Mapped[str] = mapped_column(String(16), index=True)
    audit_date: Mapped[dt.date] = mapped_column(Date)
    # {item id: {"answer": level | "na", "note", "evidence": [{"file", "sha256", "bytes"}], "at"}}
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    notes: Mapped[str | None] = mapped_column(Text)
    # where the auditor stood (GPS), if recorded
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class AgencyRow(Base):
    """An agency whose staff use this installation (a CTD, a district police, a special branch)."""

    __tablename__ = "agencies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class UserRow(Base):
    """A person who signs in to the web app; the role decides what they may do."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str | None] = mapped_column(String(200))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    # admin, analyst, auditor or viewer (nigehban.auth.roles)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # the last TOTP time step accepted: a code of this step or an earlier one is refused (replay)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class UserSessionRow(Base):
    """A signed-in browser: only the SHA-256 of its token is kept."""

    __tablename__ = "user_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    # False between a correct password and a correct second factor
    verified: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))


class ApiTokenRow(Base):
    """A bearer token for scripts (``Authorization: Bearer ...``); only its SHA-256 is kept."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class LoginAttemptRow(Base):
    """One attempt to sign in, kept for throttling (per account and per address)."""

    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    ip: Mapped[str | None] = mapped_column(String(64), index=True)
    success: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class AppSecretRow(Base):
    """A secret the installation made for itself (the cookie-signing key), shared by all workers."""

    __tablename__ = "app_secrets"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class BacktestRow(Base):
    """A stored rolling-origin backtest: what was run, on which data, and every model's scores."""

    __tablename__ = "backtests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    unit: Mapped[str] = mapped_column(String(16))
    freq: Mapped[str] = mapped_column(String(8))
    start: Mapped[str] = mapped_column(String(16))
    end: Mapped[str] = mapped_column(String(16))
    horizon: Mapped[int] = mapped_column(Integer)
    units: Mapped[int] = mapped_column(Integer)
    periods: Mapped[int] = mapped_column(Integer)
    default_model: Mapped[str] = mapped_column(String(64))
    # {model name: its settings}
    models: Mapped[dict[str, Any]] = mapped_column(JSON)
    # [{model, default, aupr, auroc, brier, ...}] (nigehban.forecast.scores.score_backtest)
    scores: Mapped[list[Any]] = mapped_column(JSON)
    data_version: Mapped[dict[str, Any]] = mapped_column(JSON)
    notes: Mapped[list[Any]] = mapped_column(JSON)
    seconds: Mapped[float] = mapped_column(Float)


class JobRow(Base):
    """Long work asked for from the web (a forecast run, a backtest), done in the background.

    ``status`` goes queued -> running -> done | failed; ``heartbeat_at`` moves while it runs, so a
    job whose worker died is found and marked failed instead of looking busy for ever.
    """

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), index=True)
    actor: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    worker: Mapped[str | None] = mapped_column(String(120))
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str | None] = mapped_column(String(500))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)


# The Core tables, typed, for the bulk paths that bypass the ORM.
INCIDENTS = cast(Table, IncidentRow.__table__)
SOURCES = cast(Table, SourceRecord.__table__)
MERGES = cast(Table, MergeRow.__table__)
CHANGE_LOG = cast(Table, ChangeLogEntry.__table__)
BATCHES = cast(Table, ImportBatch.__table__)
REJECTS = cast(Table, ImportReject.__table__)
GROUPS_TABLE = cast(Table, GroupRow.__table__)
GROUP_ALIASES = cast(Table, GroupAlias.__table__)
BOUNDARY_VERSIONS = cast(Table, BoundaryVersion.__table__)
BOUNDARIES = cast(Table, BoundaryRow.__table__)
BOUNDARY_CROSSWALK = cast(Table, BoundaryCrosswalkRow.__table__)
BOUNDARY_NEIGHBOURS = cast(Table, BoundaryNeighbour.__table__)
PLACES = cast(Table, PlaceRow.__table__)
DISTRICT_INDICATORS = cast(Table, DistrictIndicator.__table__)
FORECAST_RUNS = cast(Table, ForecastRunRow.__table__)
FORECAST_VALUES = cast(Table, ForecastValueRow.__table__)
REVIEW_CANDIDATES = cast(Table, ReviewCandidateRow.__table__)
FACILITIES = cast(Table, FacilityRow.__table__)
AUDITS = cast(Table, AuditRow.__table__)
AGENCIES = cast(Table, AgencyRow.__table__)
USERS = cast(Table, UserRow.__table__)
USER_SESSIONS = cast(Table, UserSessionRow.__table__)
API_TOKENS = cast(Table, ApiTokenRow.__table__)
LOGIN_ATTEMPTS = cast(Table, LoginAttemptRow.__table__)
APP_SECRETS = cast(Table, AppSecretRow.__table__)
BACKTESTS = cast(Table, BacktestRow.__table__)
JOBS = cast(Table, JobRow.__table__)
