# Undersight: every target sets up what it needs on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench eval clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m undersight.demo

# The suite runs against a real PostgreSQL server on loopback, started here and
# stopped after, whatever the outcome.
test: $(STAMP)
	$(BIN)/ruff check src tests bench
	@url=$$(scripts/pg-test-server.sh start) || exit 1; \
	UNDERSIGHT_TEST_PG=$$url $(BIN)/python -m pytest -q; status=$$?; \
	scripts/pg-test-server.sh stop; exit $$status

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

eval: $(STAMP)
	$(BIN)/undersight eval tests/data/dev

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache
