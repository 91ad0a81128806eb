# Two commands set everything up on a fresh machine:
#   make demo   installs babelwire in .venv and clusters the bundled examples/
#   make test   installs babelwire with its test tools in .venv, lints, type-checks and runs the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DB     ?= examples.db

.PHONY: demo test install install-dev browser lint typecheck bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[all]"

# torch only as exactly 2.13.0 (the machine's local CPU wheel), before sentence-transformers asks for any.
install-dev: $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[dev,st]"

# Debian's chromium for the browser tests (skipped where it is already there).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }

demo: install
	rm -f $(DB) $(DB)-wal $(DB)-shm
	$(BIN)/babelwire cluster examples --db $(DB)

test: install-dev browser
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache $(DB)
