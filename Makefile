# Journeymap — the two commands a new user needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
CHROMIUM ?= /usr/bin/chromium
# pytest-xdist workers per suite: one per core.
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/vite.config.ts frontend/tsconfig.json -type f 2>/dev/null)

.PHONY: install run serve test test-deps test-api lint typecheck test-sqlite test-postgres test-frontend test-e2e bench fmt frontend clean prod-deps prod-up reliability

## install: Python packages into .venv, npm packages and the frontend build
install: $(VENV)/.installed frontend

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

frontend: frontend/dist/.vite/manifest.json

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

frontend/dist/.vite/manifest.json: frontend/node_modules/.package-lock.json $(FRONTEND_SOURCES)
	cd frontend && npm run build --silent

## run: install, migrate the embedded SQLite database, load the demo and serve on $(PORT)
# DEBUG=1 brings the laptop defaults (settings fail closed without it); ADMIN_ENABLED=1 opens /admin/.
run: export DEBUG = 1
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Journeymap on http://127.0.0.1:$(PORT)/  (sign in as demo / demo)"
	$(VENV)/bin/daphne -b 127.0.0.1 -p $(PORT) journeymap.asgi:application

## test: lint, types and every test — on SQLite, on PostgreSQL, the frontend and the browser
test: install test-deps lint typecheck test-sqlite test-postgres test-api test-frontend test-e2e

## test-deps: what the browser and PDF tests need from Debian (installed when running as root)
test-deps:
	@missing=""; \
	[ -x $(CHROMIUM) ] || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
			echo "installing from Debian:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "The browser and PDF tests need:$$missing. Install them with:"; \
			echo "    sudo apt-get install -y$$missing"; \
		fi; \
	fi

## lint: style, formatting and the layers (imports only point down, docs/architecture.md)
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	JOURNEYMAP_TESTING=1 $(PY) manage.py entity_schema --check

# The test targets run with the test defaults of journeymap/settings.py (TESTING): a development
# key and localhost, with DEBUG off.
typecheck test-sqlite test-postgres test-api test-e2e bench: export JOURNEYMAP_TESTING = 1

typecheck:
	$(VENV)/bin/mypy journeymap personas frontend tests bench deploy reliability

test-sqlite:
	@echo "== Python suite on SQLite (live layer in memory and on Redis) =="
	env -u DATABASE_URL TEST_REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest -n $(TEST_WORKERS)

test-postgres:
	@echo "== Python suite on PostgreSQL =="
	@if $(PY) -c "import psycopg; psycopg.connect('$(PG_TEST_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		DATABASE_URL=$(PG_TEST_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest -n $(TEST_WORKERS); \
	elif [ "$$REQUIRE_SERVICES" = "1" ]; then \
		echo "PostgreSQL is required (REQUIRE_SERVICES=1) but not reachable at $(PG_TEST_URL)"; exit 1; \
	else \
		echo "SKIPPED: PostgreSQL not reachable at $(PG_TEST_URL)"; \
	fi

## test-api: schemathesis against the live API as owner, viewer and stranger (tests/fuzz)
test-api: install
	@echo "== schemathesis against /api/schema/ =="
	$(PY) tests/fuzz/run_schemathesis.py

test-frontend: frontend
	cd frontend && npm test --silent

test-e2e: install
	@if [ -x $(CHROMIUM) ]; then \
		DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest tests/e2e -p no:asyncio --override-ini addopts="-q -p no:cacheprovider"; \
	elif [ "$$REQUIRE_SERVICES" = "1" ]; then \
		echo "Chromium is required (REQUIRE_SERVICES=1) but $(CHROMIUM) is missing: apt-get install -y chromium"; exit 1; \
	else \
		echo "SKIPPED: browser tests need $(CHROMIUM) (apt-get install -y chromium)"; \
	fi

## bench: the benchmarks in bench/, each printing its ratio to a baseline run beside it
bench: install
	$(PY) bench/map_read.py
	$(PY) bench/apply_ops.py
	$(PY) bench/ws_fanout.py
	$(PY) bench/ws_flood.py
	$(PY) bench/analysis.py
	$(PY) bench/event_import.py
	$(PY) bench/pdf.py
	$(PY) bench/segments.py
	$(PY) bench/access_poll.py
	$(PY) bench/gc_pause.py
	$(PY) bench/sqlite_commit.py

## prod-deps: nginx from Debian (installed when running as root), for prod-up and reliability
prod-deps:
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
			echo "installing nginx from Debian"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
		else \
			echo "prod-up needs nginx: sudo apt-get install -y nginx"; exit 1; \
		fi; \
	fi

## prod-up: the production set-up on loopback (docs/deploy.md): nginx, 2 daphne, PostgreSQL, Redis
prod-up: install prod-deps
	$(PY) deploy/stack.py up

## reliability: the scenarios of docs/reliability.md through nginx, printed as one table
reliability: install prod-deps
	$(PY) reliability/run.py

fmt:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist staticfiles
