# Undersight: every target sets up what it needs on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench bench-export eval clean

# System packages the report and its tests need (Debian): headless Chromium
# (tests load the HTML), Noto Sans CJK (Chinese glyphs in HTML and PDF),
# poppler-utils (pdftoppm, pdftotext, pdffonts in the tests) and WeasyPrint's
# Pango/HarfBuzz libraries. Installed once when missing, remembered by a stamp.
SYSTEM_PACKAGES := chromium fonts-noto-cjk poppler-utils fontconfig \
	libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0
SYSTEM_STAMP := $(VENV)/.system-packages

# The extractor's hot modules are compiled (setup.py, mypyc): editing them
# reinstalls, so a stale compiled module never shadows its source.
COMPILED_SOURCES := $(wildcard src/undersight/extract/*.py src/undersight/text/*.py src/undersight/learn/*.py)

$(STAMP): pyproject.toml setup.py $(COMPILED_SOURCES)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(SYSTEM_STAMP): | $(STAMP)
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing system packages: $$missing" >&2; \
		if [ "$$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq >&2 && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >&2; \
	fi
	touch $@

# Spark support (tests/test_spark.py): the `spark` extra (pyspark) and a Java
# runtime for it, installed when missing (Debian's OpenJDK 17), like the above.
SPARK_STAMP := $(VENV)/.spark

$(SPARK_STAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install --quiet $$($(BIN)/python scripts/extra-requirements.py spark)
	@if ! command -v java >/dev/null 2>&1; then \
		echo "installing a Java runtime for Spark" >&2; \
		if [ "$$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq >&2 && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
			openjdk-17-jre-headless >&2; \
	fi
	touch $@

demo: $(STAMP) $(SYSTEM_STAMP)
	$(BIN)/undersight demo

# The suite runs against a real PostgreSQL server on loopback, started here and
# stopped after, whatever the outcome.
test: $(STAMP) $(SYSTEM_STAMP) $(SPARK_STAMP)
	$(BIN)/ruff check src tests bench scripts setup.py
	@url=$$(scripts/pg-test-server.sh start) || exit 1; \
	UNDERSIGHT_TEST_PG=$$url $(BIN)/python -m pytest -q; status=$$?; \
	scripts/pg-test-server.sh stop; exit $$status

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts setup.py
	$(BIN)/ruff format --check src tests bench scripts setup.py

# Scores per corpus, written vs real (the real sets need ../shared/data/real).
eval: $(STAMP)
	@if [ -d ../shared/data/real ]; then \
		$(BIN)/undersight eval tests/data/dev tests/data/holdout3 tests/data/real --real ../shared/data/real; \
	else \
		$(BIN)/undersight eval tests/data/dev tests/data/holdout3; \
	fi

# The whole benchmark suite, one table of ratios (bench/suite.py): the
# comparison packages, pyspark and a throwaway PostgreSQL server (its own port
# and folder, so it never meets the test server) are set up here.
# BENCH_ARGS=--quick divides every size by ten.
BENCH_STAMP := $(VENV)/.bench
BENCH_PG := UNDERSIGHT_PG_PORT=55433 UNDERSIGHT_PG_DATA=/tmp/undersight-pg-bench

$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install --quiet $$($(BIN)/python scripts/extra-requirements.py bench)
	touch $@

bench: $(BENCH_STAMP) $(SYSTEM_STAMP) $(SPARK_STAMP)
	@url=$$($(BENCH_PG) scripts/pg-test-server.sh start) || exit 1; \
	UNDERSIGHT_BENCH_PG=$$url $(BIN)/python bench/suite.py $(BENCH_ARGS); status=$$?; \
	$(BENCH_PG) scripts/pg-test-server.sh stop; exit $$status

# Export throughput and memory alone (about 15 minutes with 1M offers; also part of bench).
bench-export: $(STAMP)
	$(BIN)/python bench/export.py 100000 1000000

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache
	find src -name '*.so' -delete
