# eport-fx: `make run` serves the app on SQLite with demo data; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HTMX_VERSION ?= 2.0.11
AXE_VERSION ?= 4.14.1

.PHONY: run test lint test-sqlite test-postgresql setup setup-test browser services nginx htmx axe screenshot translations bench bench-load bench-slow bench-cpu wrk clean

$(BIN)/eportfx: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

setup: $(BIN)/eportfx

run: export EPORTFX_DEMO = 1
run: setup
	$(BIN)/eportfx init-db
	$(BIN)/eportfx seed-demo
	$(BIN)/eportfx serve

$(VENV)/.test-deps: pyproject.toml $(BIN)/eportfx
	$(BIN)/pip install -q -e ".[test]"
	touch $@

setup-test: $(VENV)/.test-deps browser services nginx

browser:  # Debian's Chromium for Playwright (its own browser download is not reachable here)
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk)

nginx:  # Debian's nginx with the brotli module, for the deploy/nginx.conf tests (not started as a service)
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y -qq --no-install-recommends nginx-light libnginx-mod-http-brotli-filter)

services:  # the PostgreSQL and Redis the tests talk to
	@pg_isready -q -h 127.0.0.1 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no

test: setup-test lint test-sqlite test-postgresql

lint: $(VENV)/.test-deps
	$(BIN)/ruff check .
	$(BIN)/hadolint Dockerfile
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec compose.yaml

# three workers keep both cores busy while the browser waits; each worker makes its own databases
test-sqlite:
	$(BIN)/pytest -n 3

# on PostgreSQL: the domain, the queries, isolation and the cross-role browser journeys; the screens and
# routes render the same over either database and run on SQLite above
test-postgresql:
	EPORTFX_TEST_DB=postgresql $(BIN)/pytest -n 3 -m "(not e2e and not routes) or journey"

htmx:  # fetch htmx again from the npm registry by version
	scripts/fetch-htmx.sh $(HTMX_VERSION)

screenshot: $(VENV)/.test-deps browser  # docs/login-demo.png, the README's screenshot, from the real app
	@command -v pngquant >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pngquant)
	$(BIN)/python scripts/screenshot.py docs/login-demo.png

# the English catalogue: find every marked word (babel.cfg), add the new ones to the .po (to be translated
# there), compile the .mo the app reads; tests/test_translations.py fails while one is untranslated
translations: $(VENV)/.test-deps
	$(BIN)/pybabel --quiet extract -F babel.cfg -k t --no-location --sort-output --omit-header -o translations/messages.pot app.py blueprints db templates
	$(BIN)/pybabel --quiet update -i translations/messages.pot -d translations -l en --no-fuzzy-matching --ignore-obsolete
	sed -i '/^"POT-Creation-Date\|^"PO-Revision-Date/d' translations/en/LC_MESSAGES/messages.po  # no date to merge
	$(BIN)/pybabel --quiet compile -d translations -l en
	rm translations/messages.pot

axe:  # fetch axe-core again from the npm registry by version (tests only, never served)
	scripts/fetch-axe.sh $(AXE_VERSION)

bench: setup
	$(BIN)/python -m bench.pages
	$(BIN)/python -m bench.query

wrk:  # Debian's wrk drives bench.load
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)

bench-load: setup wrk
	$(BIN)/python -m bench.load --forms 10000 --workers 1
	$(BIN)/python -m bench.load --forms 10000 --workers 2

bench-slow: setup-test  # Chromium on an emulated Regular 2G link: login, 查找, 全选, 设置口岸, 组合查询
	$(BIN)/python -m bench.slow

bench-cpu: setup  # CPU per request in process (Flask's test client)
	$(BIN)/python -m bench.cpu --forms 10000

clean:
	rm -rf $(VENV) instance
