# MLCycle: `make run` starts the app, `make test` runs every test layer. Both set
# everything up on a fresh machine with Python 3.11 and are fast when nothing changed.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
WORKSPACE ?= $(or $(MLCYCLE_HOME),data/workspace)
REQ_HASH := $(shell cat requirements.txt requirements-serve.txt pyproject.toml | sha256sum | cut -c1-16)
DEV_HASH := $(shell cat requirements.txt requirements-serve.txt requirements-dev.txt pyproject.toml | sha256sum | cut -c1-16)
RUN_STAMP := $(VENV)/.stamp-run-$(REQ_HASH)
DEV_STAMP := $(VENV)/.stamp-dev-$(DEV_HASH)
CHROMIUM ?= /usr/bin/chromium
PYTEST_ARGS ?=

RAY_HASH := $(shell cat requirements-ray.txt | sha256sum | cut -c1-16)
RAY_STAMP := $(VENV)/.stamp-ray-$(RAY_HASH)

.PHONY: run setup setup-dev setup-ray browser test test-fast lint bench demo worker clean-venv

run: setup  ## start the app on http://127.0.0.1:$(PORT) (seeds the demo on first run)
	@MLCYCLE_HOME="$(WORKSPACE)" $(BIN)/mlcycle demo --if-empty
	MLCYCLE_HOME="$(WORKSPACE)" $(BIN)/streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT)

setup: $(RUN_STAMP)

$(RUN_STAMP): requirements.txt requirements-serve.txt pyproject.toml  # serve: Verify runs a bundle's server with this Python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-serve.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@rm -f $(VENV)/.stamp-run-*
	@touch $@

setup-dev: $(DEV_STAMP)

$(DEV_STAMP): $(RUN_STAMP) requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@rm -f $(VENV)/.stamp-dev-*
	@touch $@

setup-ray: $(RAY_STAMP)  ## optional: parallel trials on Ray (the Ray tests skip without it)

$(RAY_STAMP): $(RUN_STAMP) requirements-ray.txt
	$(BIN)/python -m pip install --quiet -r requirements-ray.txt
	@rm -f $(VENV)/.stamp-ray-*
	@touch $@

browser:  ## Debian's chromium for the browser tests (Playwright's own download does not work here)
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium and fonts (Hangul, emoji)..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk fonts-noto-color-emoji >/dev/null; \
	  else \
	    echo "error: $(CHROMIUM) is missing. Install Debian's chromium (sudo apt-get install -y chromium)"; \
	    echo "       or point CHROMIUM=/path/to/chromium at another Chromium build."; exit 1; \
	  fi; \
	fi

test: setup-dev browser lint  ## ruff, then every test layer: unit, pages (AppTest), e2e (Chromium)
	MLCYCLE_CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest tests $(PYTEST_ARGS); \
	  rc=$$?; if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests"; exit 1; fi; exit $$rc

test-fast: setup-dev  ## unit and page tests except those marked slow (training; worker, CLI or writer processes)
	$(BIN)/python -m pytest tests -m "not e2e and not slow" $(PYTEST_ARGS)

lint: setup-dev  ## ruff over every Python folder (make test runs it first)
	$(BIN)/ruff check core ui app_pages tests bench app.py

BENCH_HASH := $(shell cat requirements-bench.txt | sha256sum | cut -c1-16)
BENCH_STAMP := $(VENV)/.stamp-bench-$(BENCH_HASH)

bench: setup-dev $(BENCH_STAMP)  ## print speed ratios against baselines measured in the same run (MLflow: bench only)
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/profiling.py
	$(BIN)/python bench/store.py
	$(BIN)/python bench/tracking.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/explain.py
	$(BIN)/python bench/serving.py
	$(BIN)/python bench/automl_overhead.py
	$(BIN)/python bench/automl.py

$(BENCH_STAMP): $(RUN_STAMP) requirements-bench.txt  # MLflow for bench/tracking.py and bench/serving.py, never for the app or the tests
	$(BIN)/python -m pip install --quiet -r requirements-bench.txt
	@rm -f $(VENV)/.stamp-bench-*
	@touch $@

demo: setup
	MLCYCLE_HOME="$(WORKSPACE)" $(BIN)/mlcycle demo

worker: setup  ## run the background worker in this terminal
	MLCYCLE_HOME="$(WORKSPACE)" $(BIN)/mlcycle worker

clean-venv:
	rm -rf $(VENV)
