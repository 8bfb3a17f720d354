"""What the benchmarks share: the machine, timed commands with their peak memory, results on disk."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psutil
import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
RESULTS = OUT / "results.json"
REPO = HERE.parent
SHARED_DATA = Path(os.environ.get("NIGEHBAN_SHARED", REPO.parent / "shared")) / "data"
POSTGRES_URL = os.environ.get("NIGEHBAN_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
NIGEHBAN = [sys.executable, "-m", "nigehban"]


@dataclass
class Result:
    """One measured figure."""

    name: str
    seconds: float
    target_seconds: float | None
    command: str
    peak_rss_mb: float | None = None
    target_rss_mb: float | None = None
    rows: int | None = None
    notes: str = ""
    machine: dict[str, Any] = field(default_factory=lambda: machine())
    date: str = field(default_factory=lambda: dt.date.today().isoformat())

    @property
    def met(self) -> bool:
        fast = self.target_seconds is None or self.seconds <= self.target_seconds
        small = self.target_rss_mb is None or (self.peak_rss_mb or 0) <= self.target_rss_mb
        return fast and small


def machine() -> dict[str, Any]:
    """The machine the figures were measured on."""
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        memory_kb = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    except (OSError, StopIteration):
        memory_kb = 0
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "sqlite": __import__("sqlite3").sqlite_version,
        "os": platform.platform(),
    }


def run_measured(arguments: Sequence[str], *, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run a command; return its wall time (s) and peak memory (MB).

    Peak memory is the largest total resident memory of the command and every process it starts
    (a large import reads in a second process), sampled every 50 ms; the command's own peak from the
    kernel's rusage is a lower bound for it.
    """
    started = time.perf_counter()
    process = subprocess.Popen(list(arguments), env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL)
    watched = psutil.Process(process.pid)
    peak = 0
    while process.poll() is None:
        try:
            tree = [watched, *watched.children(recursive=True)]
            peak = max(peak, sum(member.memory_info().rss for member in tree))
        except psutil.Error:
            pass  # a process ended while it was being measured
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    if process.returncode not in (0, 3):
        raise RuntimeError(f"{' '.join(arguments)} exited with {process.returncode}")
    return seconds, peak / 1024 / 1024


def save(result: Result) -> Result:
    """Record a result (replacing an earlier one of the same name) and print it."""
    OUT.mkdir(exist_ok=True)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[result.name] = asdict(result)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    memory = f", peak {result.peak_rss_mb:.0f} MB" if result.peak_rss_mb is not None else ""
    target = f" (target {result.target_seconds:g} s)" if result.target_seconds is not None else ""
    print(f"{result.name}: {result.seconds:.1f} s{memory}{target} {'OK' if result.met else 'MISSED'}", flush=True)
    return result


def fresh_sqlite(name: str) -> str:
    """The URL of a new, empty SQLite file under benchmarks/out."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"{name}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


@contextmanager
def fresh_postgres(name: str) -> Iterator[str]:
    """The URL of a new, empty schema in the PostgreSQL database, dropped afterwards."""
    engine = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    schema = f"bench_{name}_{uuid.uuid4().hex[:8]}"
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def synthetic_file(rows: int, *, seed: int = 1) -> Path:
    """The synthetic GTD-format file of ``rows`` rows under benchmarks/out (written once, then reused)."""
    from benchmarks.synthetic_gtd import write

    path = OUT / f"gtd_synthetic_{rows}_{seed}.csv"
    if not path.exists():
        print(f"writing {rows:,} synthetic GTD rows to {path} ...", flush=True)
        partial = path.with_suffix(".partial")
        write(partial, rows, seed=seed)
        partial.rename(path)
    return path
