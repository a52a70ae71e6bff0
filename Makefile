# `make` sets everything up and builds the bundled volume; `make test` runs the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: all setup build test lint bench clean

all: build

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock scripts/system-deps.sh
	sh scripts/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test]'
	touch $(STAMP)

build: setup
	$(BIN)/edition build

test: setup
	$(BIN)/ruff check edition tests benchmarks
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python benchmarks/stages.py

clean:
	rm -rf output $(VENV) *.egg-info
