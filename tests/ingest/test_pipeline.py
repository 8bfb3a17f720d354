"""The import pipeline shared by every importer: batches, interruptions, keys, rejects, progress."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from nigehban import ImportFormatError, ImportRowError, Nigehban, Settings
from tests.helpers import FIXTURES

SAMPLE = FIXTURES / "gtd_synthetic_sample.csv"


def _sample_rows() -> tuple[list[str], list[dict[str, str]]]:
    with SAMPLE.open(newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_many(path: Path, count: int) -> Path:
    """A GTD-format file of ``count`` synthetic rows (the sample's rows with new event ids)."""
    columns, rows = _sample_rows()
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for index in range(count):
            row = dict(rows[index % len(rows)])
            row["eventid"] = str(300000000000 + index)
            writer.writerow(row)
    return path


def _consistency(engine: sa.Engine) -> tuple[int, int, int, int]:
    """(incidents, source records, incidents without a source, source keys seen twice)."""
    with engine.connect() as connection:
        incidents = connection.execute(sa.text("select count(*) from incidents")).scalar_one()
        sources = connection.execute(sa.text("select count(*) from source_records")).scalar_one()
        orphans = connection.execute(
            sa.text(
                "select count(*) from incidents i where not exists "
                "(select 1 from source_records s where s.incident_id = i.id)"
            )
        ).scalar_one()
        duplicates = connection.execute(
            sa.text("select count(*) from (select key from source_records group by dataset, key having count(*) > 1) d")
        ).scalar_one()
    return incidents, sources, orphans, duplicates


@pytest.mark.parametrize("reader", ["inline", "second-process"])
def test_a_killed_import_leaves_a_consistent_store_and_completes_when_run_again(
    app: Nigehban, settings: Settings, tmp_path: Path, reader: str
) -> None:
    total = 30_000
    path = write_many(tmp_path / "many.csv", total)
    environment = {
        **os.environ,
        "NIGEHBAN_DATABASE_URL": settings.database_url,
        "NIGEHBAN_IMPORT_BATCH_ROWS": "500",
        "NIGEHBAN_IMPORT_PARALLEL_BYTES": "0" if reader == "second-process" else str(1 << 40),
    }
    log = (tmp_path / "import.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "nigehban", "import", "gtd", str(path)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if _consistency(app.engine)[1] >= 2_000:
                break
            assert process.poll() is None, "the import finished before it could be interrupted"
            time.sleep(0.02)
        else:
            pytest.fail("the import made no progress within a minute")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
        log.close()
    assert process.returncode == -signal.SIGKILL, (tmp_path / "import.log").read_text()

    incidents, sources, orphans, duplicates = _consistency(app.engine)
    assert 2_000 <= sources < total
    assert sources % 500 == 0  # only whole batches were written
    assert (incidents, orphans, duplicates) == (sources, 0, 0)
    (batch,) = app.batches()
    assert batch.status == "running"  # no process runs it: it was interrupted

    report = app.import_gtd(path)
    assert (report.inserted + report.unchanged, report.unchanged, report.rejected) == (total, sources, 0)
    assert _consistency(app.engine) == (total, total, 0, 0)
    assert app.batches()[0].status == "complete"


def test_duplicate_keys_in_one_file_are_rejected_naming_the_first(sqlite_app: Nigehban, tmp_path: Path) -> None:
    columns, rows = _sample_rows()
    path = tmp_path / "dupes.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows([*rows, rows[1]])
    report = sqlite_app.import_gtd(path)
    assert (report.inserted, report.rejected) == (5, 1)
    assert str(report.first_rejects[0]) == "row 7: duplicate key '201302150002': row 3 has the same key"


def test_ragged_rows_blank_lines_and_repeated_columns(sqlite_app: Nigehban, tmp_path: Path) -> None:
    text = SAMPLE.read_text().splitlines()
    ragged = tmp_path / "ragged.csv"
    # row 3 gains a stray cell; a blank line follows; the last row lost its trailing empty cell
    ragged.write_text("\n".join([text[0], text[1], text[2] + ",surplus", "", text[3], text[4], text[5]]) + "\n")
    report = sqlite_app.import_gtd(ragged)
    assert (report.inserted, report.rejected) == (4, 1)
    assert str(report.first_rejects[0]) == "row 3: the row has 26 cells but the header has 25 columns"

    repeated = tmp_path / "repeated.csv"
    repeated.write_text(text[0] + ",city\n" + text[1] + ",X\n")
    with pytest.raises(ImportFormatError, match="names column 'city' twice"):
        sqlite_app.import_gtd(repeated)


def test_progress_is_reported_to_the_end(sqlite_app: Nigehban, tmp_path: Path) -> None:
    path = write_many(tmp_path / "many.csv", 3_000)
    calls: list[tuple[int, int]] = []
    sqlite_app.settings.import_batch_rows = 1_000
    sqlite_app.import_gtd(path, progress=lambda done, total: calls.append((done, total)))
    assert len(calls) >= 3
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert calls[-1] == (path.stat().st_size, path.stat().st_size)


def test_a_batch_records_what_it_read(sqlite_app: Nigehban) -> None:
    report = sqlite_app.import_gtd(SAMPLE)
    (batch,) = sqlite_app.batches()
    assert (batch.id, batch.dataset, batch.importer, batch.status) == (report.batch_id, "gtd", "gtd", "complete")
    assert (batch.rows_read, batch.rows_inserted, batch.rows_rejected) == (5, 5, 0)
    assert batch.source_path == str(SAMPLE.resolve())
    assert batch.actor == "test-analyst"
    assert batch.finished_at is not None
    assert batch.finished_at >= batch.started_at


def test_rejects_are_kept_with_the_batch_and_written_later(sqlite_app: Nigehban, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    lines = SAMPLE.read_text().splitlines()
    bad.write_text("\n".join([lines[0], lines[1].replace(",34.008,", ",north,"), *lines[2:]]) + "\n")
    report = sqlite_app.import_gtd(bad)
    assert report.rejected == 1
    assert report.rejects_path is None
    assert report.batch_id is not None
    output = tmp_path / "later.csv"
    assert sqlite_app.write_rejects(report.batch_id, output) == 1
    with output.open(newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["_row"], row["_column"], row["latitude"], row["eventid"]) == ("2", "latitude", "north", "201301010001")


def test_a_second_process_reads_large_files_with_the_same_outcome(tmp_path: Path) -> None:
    """Files above ``import_parallel_bytes`` are read in a second process: results must not differ."""
    lines = SAMPLE.read_text().splitlines()
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([lines[0], lines[1].replace(",34.008,", ",north,"), *lines[2:]]) + "\n")
    outcomes = []
    for threshold in (1 << 40, 0):  # inline, then always in a second process
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / f'store-{threshold}.db'}",
            actor="test-analyst",
            import_parallel_bytes=threshold,
            import_batch_rows=2,
        )
        with Nigehban(settings) as app:
            calls: list[tuple[int, int]] = []

            def record(done: int, total: int, calls: list[tuple[int, int]] = calls) -> None:
                calls.append((done, total))

            report = app.import_gtd(bad, rejects=tmp_path / f"rejects-{threshold}.csv", progress=record)
            assert calls[-1] == (bad.stat().st_size, bad.stat().st_size)
            with pytest.raises(ImportRowError) as error:
                app.import_gtd(bad, dataset="strict", strict=True)
            assert (error.value.path, error.value.row, error.value.column) == (str(bad), 2, "latitude")
            outcomes.append(
                (
                    (report.rows_read, report.inserted, report.rejected),
                    [str(reject) for reject in report.first_rejects],
                    [incident.as_json_dict() for incident in app.incidents()],
                    (tmp_path / f"rejects-{threshold}.csv").read_text(),
                )
            )
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] == (5, 4, 1)
