# kepatuhan — run `make` or `make help` to see every target.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell (cat pyproject.toml; $(PYTHON) --version 2>&1) | sha1sum | cut -c1-12)

.DEFAULT_GOAL := help
.PHONY: help setup data reports notebooks chromium test lint lab bench clean geometry serve audit

help: ## List every target with one line each
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@echo "Setting up $(VENV) (python3 -m venv + pip install -e '.[dev]')…"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e ".[dev]"
	@$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	@rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP) ## Create .venv and install the project (runs by itself when pyproject.toml changes)

data: $(STAMP) ## Validate data/raw and (re)build data/processed
	@$(BIN)/kepatuhan validate
	@$(BIN)/kepatuhan process

reports: $(STAMP) ## Validate the data if it changed, then build every HTML report into reports/ (index.html)
	@$(BIN)/kepatuhan build

notebooks: $(STAMP) ## Re-execute the notebooks in place on the shipped data and normalise them
	@$(BIN)/python -m kepatuhan.notebooks refresh

lint: $(STAMP) ## ruff over src/ and tests/
	@$(BIN)/ruff check src tests

CHROMIUM_INSTALL := apt-get install -y --no-install-recommends chromium

chromium: ## Install Debian's chromium for the browser tests when missing (as root with apt-get)
	@if command -v chromium >/dev/null 2>&1; then exit 0; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian's chromium for the browser tests…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(CHROMIUM_INSTALL) -qq >/dev/null \
	  || { echo "make: could not install chromium; run: sudo $(CHROMIUM_INSTALL)" >&2; exit 1; }; \
	else echo "make: the browser tests need Chromium; run: sudo $(CHROMIUM_INSTALL)" >&2; exit 1; fi

AXE_CORE_VERSION := 4.10.3
AXE_CORE := .audit/node_modules/axe-core/axe.min.js

$(AXE_CORE):
	@command -v npm >/dev/null || { echo "make: the accessibility test needs npm (Node.js) to install axe-core" >&2; exit 1; }
	@echo "Installing axe-core@$(AXE_CORE_VERSION) into .audit/ (npm) for the accessibility test…"
	@npm install --prefix .audit --no-audit --no-fund --silent --save-exact axe-core@$(AXE_CORE_VERSION)

test: $(STAMP) chromium $(AXE_CORE) ## ruff, then the whole pytest suite (notebooks by nbval; brings Chromium, axe-core)
	@$(BIN)/ruff check src tests
	@$(BIN)/python -m pytest

lab: $(STAMP) ## Start JupyterLab with the project installed
	@$(BIN)/jupyter lab --notebook-dir=notebooks $$([ "$$(id -u)" = 0 ] && echo --allow-root)

PORT ?= 8000

serve: ## Preview reports/ as a web site on http://127.0.0.1:8000/ (PORT=… to change; .gz twins served gzipped)
	@test -f reports/index.html || { echo "make: no reports/index.html yet; run make reports" >&2; exit 1; }
	@$(PYTHON) src/kepatuhan/serve.py $(PORT) --bind 127.0.0.1 --directory reports

SITE ?= reports
AUDIT_PORT ?= 8765
AUDIT_PAGES ?= index.html en/index.html entity/17.02/2024.html province/17/2024.html national/2025.html ranking/2024/kabupaten.html methodology.html
LIGHTHOUSE := .audit/node_modules/.bin/lighthouse
CHROME_FLAGS := --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run

$(LIGHTHOUSE):
	@echo "Installing lighthouse@12.2.3 into .audit/ (npm)…"
	@npm install --prefix .audit --no-audit --no-fund --silent --save-exact lighthouse@12.2.3

export SCORES := const r = require(process.argv[1]); console.log(process.argv[2].padEnd(26), Object.values(r.categories).map(c => c.id + " " + Math.round(c.score * 100)).join("  "))

audit: $(LIGHTHOUSE) ## Lighthouse (mobile) on seven pages of reports/ (SITE=…) served on 127.0.0.1: scores per page
	@test -f $(SITE)/index.html || { echo "make: no $(SITE)/index.html; run make reports (or SITE=folder)" >&2; exit 1; }
	@$(PYTHON) src/kepatuhan/serve.py $(AUDIT_PORT) --bind 127.0.0.1 --directory $(SITE) >/dev/null 2>&1 & server=$$!; \
	trap "kill $$server" EXIT; sleep 1; \
	for page in $(AUDIT_PAGES); do \
	  report=.audit/$$(echo $$page | tr / _).json; \
	  CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(LIGHTHOUSE) http://127.0.0.1:$(AUDIT_PORT)/$$page --quiet \
	    --output=json --output-path=$$report --chrome-flags="$(CHROME_FLAGS)" || exit 1; \
	  node -e "$$SCORES" "$$PWD/$$report" $$page; \
	done

bench: $(STAMP) ## Benchmark report building: hand loop vs build, no-op rebuild, floor, scaling
	@$(BIN)/python -m kepatuhan.bench

geometry: $(STAMP) ## Rebuild data/reference/boundaries/ from SOURCE=DIR (a checkout of cahyadsn/wilayah_boundaries)
	@test -n "$(SOURCE)" || { echo "make geometry SOURCE=DIR: DIR is a checkout of https://github.com/cahyadsn/wilayah_boundaries" >&2; exit 2; }
	@$(BIN)/kepatuhan geometry --source "$(SOURCE)"

clean: ## Remove built reports and processed tables (raw data is never touched)
	@rm -rf reports/*.html reports/*.gz reports/search-index.js reports/entity reports/province reports/national \
	  reports/ranking reports/.build reports/en reports/assets reports/downloads reports/favicon.svg reports/robots.txt \
	  reports/sitemap.xml data/processed/*.csv data/processed/*.json data/processed/*.parquet
