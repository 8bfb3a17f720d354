"""A live server and a real browser for the browser tests: uvicorn on a free port in a thread, and
Debian's Chromium (``/usr/bin/chromium``) driven by Playwright. Playwright's own browser downloads
are never used.

Screenshots go to ``$NIGEHBAN_TEST_ARTIFACTS`` (default ``test-artifacts/`` in the repository),
kept after the run as the tests' artefacts.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from nigehban import Nigehban
from nigehban.web import WebConfig, create_app
from tests.helpers import unavailable

CHROMIUM = os.environ.get("NIGEHBAN_TEST_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("NIGEHBAN_TEST_ARTIFACTS", Path(__file__).parents[2] / "test-artifacts"))


def require_chromium() -> str:
    """The Chromium executable, or a skip (a failure under CI=true) saying how to install it."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def live_server(nigehban: Nigehban, config: WebConfig) -> Iterator[str]:
    """Serve ``nigehban`` over HTTP on 127.0.0.1; yields the base URL."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(nigehban, config=config), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def screenshot_path(name: str) -> Path:
    """Where a test's screenshot goes."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{name}.png"
