# eport-fx: `make run` serves the app on SQLite with demo data; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HTMX_VERSION ?= 2.0.11

.PHONY: run test lint test-sqlite test-postgresql setup setup-test browser services htmx bench clean

$(BIN)/eportfx: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

setup: $(BIN)/eportfx

run: setup
	$(BIN)/eportfx init-db
	$(BIN)/eportfx seed-demo
	EPORTFX_DEMO=1 $(BIN)/eportfx serve

$(VENV)/.test-deps: pyproject.toml $(BIN)/eportfx
	$(BIN)/pip install -q -e ".[test]"
	touch $@

setup-test: $(VENV)/.test-deps browser services

browser:  # Debian's Chromium for Playwright (its own browser download is not reachable here)
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk)

services:  # the PostgreSQL and Redis the tests talk to
	@pg_isready -q -h 127.0.0.1 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no

test: setup-test lint test-sqlite test-postgresql

lint:
	$(BIN)/ruff check .

# three workers keep both cores busy while the browser waits; each worker makes its own databases
test-sqlite:
	$(BIN)/pytest -n 3

# on PostgreSQL: the domain, the queries, isolation and the cross-role browser journeys; the screens and
# routes render the same over either database and run on SQLite above
test-postgresql:
	EPORTFX_TEST_DB=postgresql $(BIN)/pytest -n 3 -m "(not e2e and not routes) or journey"

htmx:  # fetch htmx again from the npm registry by version
	scripts/fetch-htmx.sh $(HTMX_VERSION)

bench: setup
	$(BIN)/python -m bench.pages
	$(BIN)/python -m bench.query

clean:
	rm -rf $(VENV) instance
