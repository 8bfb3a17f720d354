"""Partitioned extraction under Dask: the same output lines, in the same order, as one process.

The documents are invented here (synthetic reports over real town names), with the bad input a
batch meets: a line that is not JSON, one without an id, one with empty text, blank lines, and a
text file and an HTML file next to the JSON lines file.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

from nigehban.extract.batch import ExtractBatchError, Piece, extract_partitioned, plan_partitions
from nigehban.extract.extractor import Extractor, extract_files
from nigehban.geo.gazetteer import Gazetteer
from nigehban.geo.resolver import Resolver
from tests.helpers import RunCli

TOWNS = ["Quetta", "Peshawar", "Karachi", "Bannu", "Miranshah", "Lahore", "Dera Ismail Khan", "Khuzdar", "Swat"]
VICTIMS = ["policemen", "soldiers", "civilians", "worshippers", "levies personnel", "students"]
EVENTS = [
    "{k} {v} were killed and {w} injured when a bomb exploded in {t} on {day}.",
    "Gunmen shot dead {k} {v} near {t} late last night, police said.",
    "A suicide bomber blew himself up at a checkpoint in {t}, killing {k} {v} and wounding {w}.",
    "Militants attacked a police station in {t} on {day}; {k} {v} and two attackers died in the gunfight.",
    "The provincial assembly in {t} passed the budget on {day}.",
]


def _documents(count: int, seed: int = 5) -> list[dict[str, str]]:
    rng = random.Random(seed)
    days = ["Monday", "Friday evening", "Sunday", "Tuesday morning"]
    rows = []
    for number in range(count):
        text = rng.choice(EVENTS).format(
            k=rng.randint(1, 30), w=rng.randint(0, 60), v=rng.choice(VICTIMS), t=rng.choice(TOWNS), day=rng.choice(days)
        )
        published = dt.date(2008, 1, 1) + dt.timedelta(days=rng.randint(0, 1500))
        rows.append({"id": f"doc{number:04d}", "text": text, "published": published.isoformat()})
    return rows


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver(boundaries=None, gazetteer=Gazetteer.build(boundaries=None))


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    # two worker processes, as the benchmark and `--workers 2` run; one thread each
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=logging.ERROR
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("batch")
    lines = [json.dumps(row) for row in _documents(200)]
    lines[17] = "not json at all"
    lines[60] = json.dumps({"text": "A grenade attack in Bannu wounded four people."})  # no id
    lines[61] = json.dumps({"id": "empty", "text": ""})
    lines.insert(100, "")  # blank lines are not documents but count in line numbers
    lines.insert(100, "   ")
    (folder / "a_reports.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "b_note.txt").write_text("Two soldiers were killed by an IED in Miranshah on Monday.\n")
    (folder / "c_page.html").write_text(
        "<html><head><title>Blast in Quetta</title></head><body><nav>Home</nav>"
        "<article><p>Six people were killed when a bomb went off in Quetta.</p></article></body></html>"
    )
    return folder


@pytest.fixture(scope="module")
def single(inputs: Path, resolver: Resolver, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    output = tmp_path_factory.mktemp("single") / "single.jsonl"
    report = extract_files([inputs], output=output, extractor=Extractor(resolver=resolver))
    assert report.documents == 202
    return output, report.problems


def test_plan_covers_every_document_once_in_order(inputs: Path) -> None:
    partitions = plan_partitions([inputs], partition_size=37)
    assert [partition.documents for partition in partitions] == [37] * 5 + [17]
    # the 200 JSON lines fill five partitions and part of a sixth, which also takes the two files
    assert partitions[5].pieces[-2:] == (
        Piece(str(inputs / "b_note.txt"), jsonl=False),
        Piece(str(inputs / "c_page.html"), jsonl=False),
    )
    ids = [loaded.document.id for partition in partitions for piece in partition.pieces for loaded in piece.read()]
    assert len(ids) == 202
    assert ids[17] == "a_reports.jsonl:18"
    assert ids[60] == "a_reports.jsonl:61"
    # after the two blank lines, line numbers run two ahead of the document count
    assert ids[150] == "doc0150"
    assert ids[-2:] == ["b_note", "c_page"]


def test_partitioned_output_is_the_single_process_output(
    inputs: Path, resolver: Resolver, client: Client, single: tuple[Path, list[str]], tmp_path: Path
) -> None:
    output = tmp_path / "partitioned.jsonl"
    seen: list[tuple[int, int]] = []
    report = extract_partitioned(
        [inputs],
        output=output,
        resolver=resolver,
        client=client,
        partition_size=37,
        progress=lambda d, t: seen.append((d, t)),
    )
    expected, problems = single
    assert output.read_text(encoding="utf-8") == expected.read_text(encoding="utf-8")
    assert report.documents == 202
    assert report.problems == problems
    assert len(problems) == 3
    assert any("a_reports.jsonl:18: not a JSON object" in problem for problem in problems)
    assert len(seen) == 6
    assert seen[-1] == (202, 202)
    assert sorted(done for done, _ in seen) == [done for done, _ in seen]
    # the partitions' files are gone
    assert [path.name for path in tmp_path.iterdir()] == ["partitioned.jsonl"]


def test_a_bad_partition_size_is_refused(inputs: Path) -> None:
    with pytest.raises(ExtractBatchError, match="partition_size must be at least 1"):
        plan_partitions([inputs], partition_size=0)


def test_the_command_with_workers(
    run_cli: RunCli, inputs: Path, single: tuple[Path, list[str]], tmp_path: Path, database_url: str
) -> None:
    assert run_cli("--db", database_url, "init").exit_code == 0
    output = tmp_path / "out.jsonl"
    result = run_cli(
        "--db",
        database_url,
        "extract",
        str(inputs),
        "--output",
        str(output),
        "--workers",
        "2",
        "--partition-size",
        "64",
    )
    assert result.exit_code == 0, result.stderr
    assert "202 documents" in result.stderr
    assert output.read_text(encoding="utf-8") == single[0].read_text(encoding="utf-8")


def test_without_dask_the_error_says_what_to_install(
    inputs: Path, resolver: Resolver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed: its import raises ImportError
    with pytest.raises(ExtractBatchError, match=r"pip install 'nigehban\[distributed\]'"):
        extract_partitioned([inputs], output=tmp_path / "out.jsonl", resolver=resolver)
    assert not (tmp_path / "out.jsonl").exists()


def test_the_core_imports_without_dask() -> None:
    code = "import sys, nigehban, nigehban.cli, nigehban.extract.batch; print('dask' in sys.modules)"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "False"


def test_the_command_refuses_workers_with_into_review(run_cli: RunCli, inputs: Path) -> None:
    result = run_cli("extract", str(inputs), "--into-review", "--workers", "2")
    assert result.exit_code == 2
    assert "not --into-review" in result.stderr
