# Nazaha developer commands. Every target sets up .venv first when it is missing or stale.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
JOBS ?= 2

.PHONY: setup demo test test-full lint typecheck imports unit bench screenshots clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: setup
	$(BIN)/nazaha demo

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: setup
	$(BIN)/mypy

imports: setup
	$(BIN)/lint-imports

unit: setup
	$(BIN)/pytest -n $(JOBS) tests/unit tests/property tests/vectors

test: setup node_modules/.package-lock.json lint typecheck imports
	$(BIN)/pytest -n $(JOBS) --dist worksteal

# The same suite with the long sweeps at full size (20 seeded mutations per interop record).
test-full: setup node_modules/.package-lock.json lint typecheck imports
	NAZAHA_TEST_SEEDS=20 $(BIN)/pytest -n $(JOBS) --dist worksteal

# axe-core, which the browser tests inject into the pages (package.json, pinned by package-lock.json).
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund; \
	else echo "npm not found: the axe-core accessibility test will skip (install npm, or run .ci/run, to run it)"; fi

bench: setup
	$(BIN)/python -m benchmarks

screenshots: setup
	$(BIN)/python -m benchmarks.screenshots

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
