# `make` sets everything up and builds the bundled volume; `make test` runs the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: all setup build test lint bench gallery clean

all: build

setup: $(STAMP)

# npm installs the checkers (vnu-jar, axe-core) and pagedjs-cli (benchmarks) without install scripts:
# vnu-jar's would download a Java runtime and puppeteer a Chromium; the system's are used instead.
$(STAMP): pyproject.toml requirements.lock scripts/system-deps.sh scripts/apt-install.sh package.json package-lock.json
	sh scripts/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test]'
	npm ci --no-audit --no-fund --ignore-scripts
	touch $(STAMP)

build: setup
	$(BIN)/edition build

test: setup
	$(BIN)/ruff check edition tests benchmarks
	$(BIN)/python -m pytest

# Not part of `test`: the numbers depend on the machine. bench-deps.sh installs XeLaTeX (the pandoc →
# xelatex peer) for the benchmark alone. BENCH_ARGS=--quick: one run of each scenario, no scale curve.
bench: setup
	sh scripts/bench-deps.sh
	$(BIN)/python benchmarks/build.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/longdoc.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/validate.py

# The pages of docs/gallery/, from the book `make` built (scripts/gallery.sh says which).
gallery: build
	sh scripts/gallery.sh

clean:
	rm -rf output $(VENV) *.egg-info node_modules
