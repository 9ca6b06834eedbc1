# Every target installs exactly requirements/lock.txt (versions and hashes) into .venv
# with uv, which is itself installed from requirements/uv.txt (pinned, hashed) by pip.
# `make lock` refreshes the lock; `make test-latest` tries the newest releases in a
# venv of its own, so an upgrade is a decision (a new lock in a commit), not a surprise.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
UV_HOME := $(VENV)/uv
UV := $(UV_HOME)/bin/uv
LOCK := requirements/lock.txt
STAMP := $(VENV)/.synced
LATEST := .venv-latest

.PHONY: demo test lint unit bench lock test-latest clean venv

$(UV): requirements/uv.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes \
		--target $(UV_HOME) -r requirements/uv.txt
	touch $(UV)

$(STAMP): $(LOCK) pyproject.toml $(UV)
	$(UV) pip sync --quiet --python $(BIN)/python --require-hashes $(LOCK)
	$(UV) pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	$(BIN)/python tools/check_lock.py $(LOCK)
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/zonecut demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench tools
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q

test: lint unit

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

lock: $(UV)
	$(UV) pip compile --quiet pyproject.toml requirements/build.in --all-extras --universal --python-version 3.11 \
		--generate-hashes --upgrade -o $(LOCK)

test-latest: $(UV)
	$(PYTHON) -m venv $(LATEST)
	$(UV) pip install --quiet --python $(LATEST)/bin/python --upgrade -e '.[dev,bench]'
	$(LATEST)/bin/ruff check src tests bench tools
	$(LATEST)/bin/mypy
	$(LATEST)/bin/pytest -q

clean:
	rm -rf $(VENV) $(LATEST) .zonecut .pytest_cache .mypy_cache .ruff_cache
