# Two commands do all set-up on a fresh Debian machine with Python 3.11:
#   make run    — create .venv, install, build the demo if missing, open the dashboard
#   make test   — create .venv, install (with test extras), run the whole test suite
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= data/warehouse.duckdb
PORT ?= 8501

.PHONY: run test install install-test demo bench clean

$(BIN)/servicecircle: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: $(BIN)/servicecircle
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/servicecircle
install-test: $(VENV)/.test-installed

$(DB): | $(BIN)/servicecircle
	$(BIN)/servicecircle demo --db $(DB)

demo: $(DB)

run: $(BIN)/servicecircle $(DB)
	$(BIN)/servicecircle serve --db $(DB) --port $(PORT)

# unit, page and slow tests on both cores; then the real-browser tests, which share one
# demo warehouse and one server, in a single process
test: $(VENV)/.test-installed
	$(BIN)/python -m pytest -n 2 --dist loadgroup -m "not e2e" --durations=15
	$(BIN)/python -m pytest -m e2e --durations=5

bench: $(BIN)/servicecircle
	$(BIN)/python benchmarks/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) data/warehouse.duckdb data/demo
