# The two commands of the README: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The store `make run` fills: a SQLite file in this directory unless NIGEHBAN_DATABASE_URL says otherwise.
export NIGEHBAN_DATABASE_URL ?= sqlite:///nigehban.db

.PHONY: run test check bench install clean

$(BIN)/nigehban: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(BIN)/nigehban

## run: set up, load the synthetic demo world, link duplicate reports, serve the dashboard on localhost:8000
run: install
	$(BIN)/nigehban init
	$(BIN)/nigehban demo
	$(BIN)/nigehban dedupe
	$(BIN)/nigehban users create demo --role admin --full-name "Demo administrator" --generate-password --exist-ok
	$(BIN)/nigehban serve --port 8000

## test: the whole suite, on SQLite and PostgreSQL (PostgreSQL tests skip if it is not running, fail under CI=true),
## one worker per core; a test file stays on one worker, so its module fixtures are built once
test: install
	$(BIN)/python -m pytest -q -n auto --dist loadfile

## check: formatting, lint and types
check: install
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

## bench: the benchmarks behind BENCHMARKS.md (minutes; writes into benchmarks/out/)
bench: install
	$(BIN)/python -m benchmarks.run_all

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache benchmarks/out
