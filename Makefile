# Quick start: `make demo` runs the main job, `make test` runs every check.
# Both create or reuse .venv and install what they need.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# torch is pinned here, not in pyproject: this exact release installs without a large
# download on the machines we build on, and any open range would pull a CUDA build.
TORCH := torch==2.13.0
STAMP := $(VENV)/.installed
# The optional compiled kernels: a changed source rebuilds them on the next install.
CSRC := $(wildcard src/infobits/*/*.c)

.PHONY: demo test lint format install clean bench browser fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml setup.py Makefile $(CSRC) | $(BIN)/python
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -e ".[all,test]"
	touch $(STAMP)

# Browser for the explorer's end-to-end tests, from Debian; those tests skip, saying
# why, when it cannot be installed.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null 2>&1 \
	  || echo "warning: could not install Debian chromium; browser tests will be skipped"; }

install: $(STAMP)

# The demo needs only the core and the codes extra; it reuses a full test install.
$(VENV)/.installed-demo: pyproject.toml setup.py Makefile $(CSRC) | $(BIN)/python
	@if [ -f $(STAMP) ] && [ $(STAMP) -nt pyproject.toml ]; then :; \
	else $(BIN)/python -m pip install --quiet -e ".[codes]"; fi
	touch $@

demo: $(VENV)/.installed-demo
	$(BIN)/infobits explain

lint: $(STAMP)
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

test: lint browser
	$(BIN)/python -m pytest -q

# The long fuzz profile: many more generated cases from a printed seed (SEED=... repeats a
# run), then a table of outcomes per surface. The fast profile runs inside `make test`.
SEED ?= $(shell date +%s)
fuzz: $(STAMP)
	INFOBITS_FUZZ=long $(BIN)/python -m pytest -q -p no:randomly tests/fuzz --hypothesis-seed=$(SEED)

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
