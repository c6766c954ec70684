# echoorg: `make run` to try it, `make test` to check it. Both set everything up first.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
             command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
             && { command -v $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PIP_FLAGS ?= --disable-pip-version-check -q
# Test processes (pytest-xdist, each test module kept on one worker so that its module-wide
# fixtures such as the demo load once); TEST_WORKERS=0 runs the suite in this one process.
TEST_WORKERS ?= 2

.PHONY: run test bench lint install install-dev clean scenarios scenario-paths

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then echo "echoorg needs Python 3.11 or newer; none was found." >&2; exit 1; fi
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml setup.py constraints.txt echoorg/core/diagnostic/_fast.c echoorg/core/diagnostic/_fast_core.h | $(BIN)/python
	$(BIN)/python -m pip install $(PIP_FLAGS) -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml setup.py constraints.txt echoorg/core/diagnostic/_fast.c echoorg/core/diagnostic/_fast_core.h | $(BIN)/python
	$(BIN)/python -m pip install $(PIP_FLAGS) -c constraints.txt -e '.[dev]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/echoorg migrate --noinput -v0
	$(BIN)/echoorg demo
	$(BIN)/echoorg serve --port $(PORT)

test: install-dev
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

bench: install-dev
	$(BIN)/python -m benchmarks

lint: install-dev
	$(BIN)/ruff check echoorg tests benchmarks
	$(BIN)/ruff format --check echoorg tests benchmarks
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

# Ink scenarios (issue 12): recompile every .ink source with the compiler in the pinned
# inkjs package (tools/ink/package-lock.json), then walk every path with inkjs's runtime.
INK_DIR := echoorg/scenarios/ink
tools/ink/node_modules/.package-lock.json: tools/ink/package.json tools/ink/package-lock.json
	cd tools/ink && npm ci --no-audit --no-fund

scenarios: tools/ink/node_modules/.package-lock.json
	node tools/ink/compile.js $(INK_DIR)/*.ink
	node tools/ink/walk.js $(INK_DIR)/*.ink.json > /dev/null

scenario-paths: tools/ink/node_modules/.package-lock.json
	node tools/ink/walk.js $(INK_DIR)/*.ink.json

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache
