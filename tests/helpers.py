"""Helpers for the tests: where real data lives, skipping without it, running the CLI."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType
from typing import Protocol

import pytest

__all__ = [
    "BACKENDS",
    "DATA",
    "FIXTURES",
    "GTD_PAKISTAN",
    "ON_CI",
    "POSTGRES_URL",
    "SUICIDE_ATTACKS",
    "UCDP_AEC",
    "CliResult",
    "RunCli",
    "eval_scorer",
    "shared_data",
    "unavailable",
]

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NIGEHBAN_SHARED", REPO.parent / "shared"))
DATA = SHARED / "data"
FIXTURES = Path(__file__).with_name("fixtures")
POSTGRES_URL = os.environ.get("NIGEHBAN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = [name.strip() for name in os.environ.get("NIGEHBAN_TEST_BACKENDS", "sqlite,postgresql").split(",")]
ON_CI = os.environ.get("CI", "").lower() == "true"

GTD_PAKISTAN = "incidents/gtd_pakistan_1970_2012.csv.gz"
SUICIDE_ATTACKS = "incidents/kaggle_pakistan_suicide_attacks_1995_2017.csv"
UCDP_AEC = "ucdp_aec_pakistan_events.csv"


def unavailable(reason: str) -> None:
    """Skip, or fail on CI, where something the test needs is missing."""
    if ON_CI:
        pytest.fail(f"{reason} (CI=true: required)")
    pytest.skip(reason)


def shared_data(relative: str) -> Path:
    """A file of ../shared/data, read in place (never copied into the repository)."""
    path = DATA / relative
    if not path.exists():
        unavailable(f"real data not available: {path} (set NIGEHBAN_SHARED to the shared folder)")
    return path


def eval_scorer(name: str) -> ModuleType:
    """A scorer of ../shared/eval (``"score_forecast"``, ``"score_extraction"``) as a module, read in place."""
    path = SHARED / "eval" / f"{name}.py"
    if not path.exists():
        unavailable(f"the evaluation scorer is not available: {path}")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class CliResult:
    def __init__(self, exit_code: int, stdout: str, stderr: str) -> None:
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr

    def __repr__(self) -> str:
        return f"CliResult(exit_code={self.exit_code}, stdout={self.stdout[:300]!r}, stderr={self.stderr[:300]!r})"


class RunCli(Protocol):
    def __call__(self, *args: str) -> CliResult: ...
