"""The web app with 100,000 incidents in the store: API latency, throughput, the map page in Chromium.

    python -m benchmarks.bench_web [store] [latency] [throughput] [map]

Targets (issue 7): the API list and map endpoints p95 under 150 ms; at least 300 requests/s on the
incidents API with 2 workers on this 2-core machine, no errors (wrk on loopback); the map page usable
in under 2 s in headless Chromium.

The store (benchmarks/out/web100k.db): the demo world (`nigehban demo`: synthetic incidents,
district shapes, facilities) and 100,000 synthetic GTD rows over the same towns, imported with
place resolution. The server is `nigehban serve --workers 2`, started here and stopped after.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx2

from benchmarks.common import NIGEHBAN, OUT, Result, run_measured, save, synthetic_file

ROWS = 100_000
STORE = OUT / "web100k.db"
URL = f"sqlite:///{STORE}"
USER = "bench-viewer"
PASSWORD = "benchmark passphrase"

# (label, path): the API list and map endpoints measured for the p95 target
ENDPOINTS = [
    ("incidents, first page", "/api/incidents"),
    ("incidents, page 1000", "/api/incidents?page=1000"),
    ("incidents, KP attacks on police", "/api/incidents?province=KP&target_type=police"),
    ("incidents, text search", "/api/incidents?q=police%20station"),
    ("incidents, sorted by killed", "/api/incidents?sort=-killed"),
    ("incidents, sorted by wounded", "/api/incidents?sort=-wounded"),
    ("map points (H3 clusters), all", "/api/map/points"),
    ("map points, 2010-2012 TTP", "/api/map/points?since=2010-01-01&until=2012-12-31&group=TTP"),
    ("map districts (choropleth)", "/api/map/districts"),
    # {since}: a different date on every request, so that no cached count or aggregate can answer
    ("incidents, uncached filter", "/api/incidents?since={since}"),
    ("map points, uncached filter", "/api/map/points?since={since}"),
    ("map districts, uncached filter", "/api/map/districts?since={since}"),
    ("map points, uncached TTP attacks on police", "/api/map/points?since={since}&group=TTP&target_type=police"),
]


def build_store() -> None:
    """The demo world plus 100,000 synthetic GTD rows (kept and reused once built)."""
    if STORE.exists():
        return
    OUT.mkdir(exist_ok=True)
    partial = OUT / "web100k.partial.db"
    for suffix in ("", "-wal", "-shm"):
        partial.with_name(partial.name + suffix).unlink(missing_ok=True)
    database = ["--db", f"sqlite:///{partial}"]
    subprocess.run([*NIGEHBAN, *database, "demo"], check=True, stdout=subprocess.DEVNULL)
    seconds, _ = run_measured([*NIGEHBAN, *database, "import", "gtd", str(synthetic_file(ROWS, seed=7))])
    print(f"imported {ROWS:,} synthetic GTD rows in {seconds:.1f} s", flush=True)
    subprocess.run(
        [*NIGEHBAN, *database, "users", "create", USER, "--role", "viewer", "--password-stdin"],
        input=PASSWORD + "\n",
        text=True,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    subprocess.run([*NIGEHBAN, *database, "incidents", "list", "--limit", "1"], check=True, stdout=subprocess.DEVNULL)
    partial.rename(STORE)


def _token() -> str:
    output = subprocess.run(
        [*NIGEHBAN, "--db", URL, "users", "token", USER, "--label", "benchmark"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return output.strip().splitlines()[-1].strip()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def server(workers: int = 2) -> Iterator[int]:
    """``nigehban serve`` on a free port; yields the port once it answers."""
    port = _free_port()
    process = subprocess.Popen(
        [*NIGEHBAN, "--db", URL, "serve", "--port", str(port), "--workers", str(workers), "--log-level", "warning"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/openapi.json")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("nigehban serve did not start")
            time.sleep(0.2)
        time.sleep(1.0)  # both workers up
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


def count_incidents() -> int:
    import sqlite3

    with sqlite3.connect(STORE) as connection:
        return int(connection.execute("select count(*) from incidents where merged_into_id is null").fetchone()[0])


def latency(requests: int = 200) -> list[Result]:
    """p50/p95 of each endpoint, one request at a time over a kept-alive connection."""
    build_store()
    token = _token()
    headers = {"Authorization": f"Bearer {token}"}
    results = []
    incidents = count_incidents()
    with server() as port:
        # httpx keeps the connection alive as a browser does (http.client's keep-alive adds ~40 ms of
        # delayed ACKs to every answer, which no browser sees)
        client = httpx2.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=30)
        for label, path in ENDPOINTS:
            times = []
            size = 0
            for index in range(requests + 10):
                started = time.perf_counter()
                since = dt.date(1990, 1, 1) + dt.timedelta(days=index)
                response = client.get(path.format(since=since.isoformat()))
                body = response.content
                elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    raise RuntimeError(f"{path}: {response.status_code} {body[:300]!r}")
                if index >= 10:  # the first requests warm caches
                    times.append(elapsed)
                size = len(body)
            times.sort()
            p95 = times[int(0.95 * len(times)) - 1]
            results.append(
                save(
                    Result(
                        name=f"API {label}, p95 ({incidents:,} incidents)",
                        seconds=p95,
                        target_seconds=0.150,
                        command="python -m benchmarks.bench_web latency",
                        rows=incidents,
                        notes=(
                            f"`GET {path}`: p50 {statistics.median(times) * 1000:.1f} ms, "
                            f"p95 {p95 * 1000:.1f} ms, max {times[-1] * 1000:.1f} ms over {requests} requests; "
                            f"{size / 1024:.0f} KB"
                        ),
                    )
                )
            )
    return results


def throughput(seconds: int = 20, connections: int = 16) -> Result:
    """wrk against /api/incidents with 2 workers: requests per second and errors."""
    build_store()
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    token = _token()
    with server(workers=2) as port:
        output = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{seconds}s",
                "--latency",
                "-H",
                f"Authorization: Bearer {token}",
                f"http://127.0.0.1:{port}/api/incidents",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    p99 = re.search(r"99%\s+(\S+)", output)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    print(output, flush=True)
    return save(
        Result(
            name=f"API incidents throughput, 2 workers ({count_incidents():,} incidents)",
            seconds=1.0 / rate,
            target_seconds=1.0 / 300,
            command="python -m benchmarks.bench_web throughput",
            notes=(
                f"**{rate:.0f} requests/s** (target ≥ 300), {errors} non-2xx, "
                f"socket errors: {socket_errors.group(1) if socket_errors else 'none'}; "
                f"p99 {p99.group(1) if p99 else '?'}; "
                f"`wrk -t2 -c{connections} -d{seconds}s` on loopback, same 2 cores"
            ),
        )
    )


def map_page(runs: int = 5) -> Result:
    """Time until the map page has drawn its districts and incident clusters, in headless Chromium."""
    from playwright.sync_api import sync_playwright

    build_store()
    times = []
    with server() as port, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for _ in range(runs + 1):
            context = browser.new_context()
            page = context.new_page()
            answer = context.request.post(
                f"http://127.0.0.1:{port}/api/session",
                data=json.dumps({"name": USER, "password": PASSWORD}),
                headers={"Content-Type": "application/json"},
            )
            assert answer.ok, answer.text()
            started = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/map")
            page.wait_for_selector("[data-testid=map][data-ready=true]", timeout=30_000)
            times.append(time.perf_counter() - started)
            context.close()
        browser.close()
    times = sorted(times[1:])  # the first load fills the server's caches
    return save(
        Result(
            name=f"map page usable in headless Chromium ({count_incidents():,} incidents)",
            seconds=statistics.median(times),
            target_seconds=2.0,
            command="python -m benchmarks.bench_web map",
            notes=f"navigation to districts and clusters drawn; median of {len(times)}, max {times[-1]:.2f} s",
        )
    )


def main(which: list[str]) -> None:
    steps = which or ["store", "latency", "throughput", "map"]
    if "store" in steps:
        build_store()
        print(f"store {STORE}: {count_incidents():,} incidents", flush=True)
    if "latency" in steps:
        latency()
    if "throughput" in steps:
        throughput()
    if "map" in steps:
        map_page()


if __name__ == "__main__":
    main(sys.argv[1:])
