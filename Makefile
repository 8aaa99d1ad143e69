# Switchboard: `make demo` and `make test` are all a fresh clone needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# uv is bootstrapped into the user's pip prefix if it is not on PATH.
UV ?= $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
RUN := $(UV) run --frozen
PORT ?= 8501
DAGSTER_PORT ?= 3000
DAYS ?= 90
AGENTS ?= 60
SEED ?= 42
BENCH_SIZES ?= 100k,1m,10m
BENCH_RUNS ?= 3
# full builds per size (empty: BENCH_RUNS, but 1 at 10m)
BENCH_BUILD_RUNS ?=
export PYTHONUNBUFFERED := 1

.PHONY: help setup demo build app dagster test contracts lint bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(UV):
	@echo "[switchboard] uv not found: installing it with pip (user install)"
	python3 -m pip install --user --quiet uv

setup: | $(UV)  ## install uv if missing, sync the locked environment, parse the dbt project
	@start=$$(date +%s); echo "[switchboard] syncing the locked Python environment (uv sync --frozen)"; \
	$(UV) sync --frozen --quiet --compile-bytecode && \
	$(RUN) python -m orchestration.cli init >/dev/null && \
	echo "[switchboard] environment ready in $$(( $$(date +%s) - start ))s"

demo: setup  ## set up, generate demo exports, build everything, serve the app
	@start=$$(date +%s); $(RUN) python -m orchestration.cli demo-data --days $(DAYS) --agents $(AGENTS) --seed $(SEED) && \
	echo "[switchboard] step done in $$(( $$(date +%s) - start ))s"
	@$(MAKE) --no-print-directory build
	@echo ""
	@$(RUN) python -m apps.auth list-demo-users
	@echo "[switchboard] Serving the app at http://localhost:$(PORT)  (Ctrl-C to stop)"
	@echo "[switchboard] Dagster UI (lineage, runs, checks): run 'make dagster' in another terminal, then open http://localhost:$(DAGSTER_PORT)"
	@$(MAKE) --no-print-directory app

build: setup  ## materialize every asset from the landing folder (FULL_REFRESH=1: rebuild all days)
	@start=$$(date +%s); $(RUN) python -m orchestration.cli build $(if $(FULL_REFRESH),--full-refresh) $(if $(FROM_DATE),--from-date $(FROM_DATE)) && \
	echo "[switchboard] build step done in $$(( $$(date +%s) - start ))s"

app: setup  ## serve the Streamlit app on the published snapshot
	@$(RUN) streamlit run apps/streamlit_app.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

dagster: setup  ## serve the Dagster UI (lineage graph, runs, asset checks, schedule and sensor)
	@echo "[switchboard] Dagster UI at http://localhost:$(DAGSTER_PORT)"
	@set -a; eval "$$($(RUN) python -c 'from orchestration.settings import get_settings; [print(f"{k}={v}") for k, v in get_settings().env_for_subprocesses().items()]')"; set +a; \
	PYTHONPATH="$(CURDIR)$${PYTHONPATH:+:$$PYTHONPATH}" $(RUN) dagster dev -m orchestration.definitions -h 127.0.0.1 -p $(DAGSTER_PORT)

test: setup  ## set up, then run the full test suite
	@$(RUN) pytest

bench: setup  ## benchmarks at 100k / 1M / 10M segments into BENCHMARKS.md (not part of make test)
	@$(RUN) python -m orchestration.bench --sizes $(BENCH_SIZES) --runs $(BENCH_RUNS) $(if $(BENCH_BUILD_RUNS),--build-runs $(BENCH_BUILD_RUNS))

contracts: setup  ## regenerate the dbt sources and README contract section from the landing contract
	@$(RUN) python -m orchestration.contracts.render

lint: setup  ## ruff + contract drift check
	@$(RUN) ruff check . && $(RUN) python -m orchestration.contracts.render --check

clean:  ## remove generated data and build artefacts (keeps the environment)
	rm -rf data dbt_project/target dbt_project/logs
