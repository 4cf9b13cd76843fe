# «Вызов» — the two set-up commands are `make run` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP_DEPS := $(VENV)/.deps-installed
STAMP_ASSETS := vyzov/core/static/vendor/.built
# manage.py defaults to production settings; the local targets ask for development explicitly.
DEV := DJANGO_SETTINGS_MODULE=config.settings.dev
PORT ?= 8000

.PHONY: run test coverage screenshots lint bench loadtest install assets migrate demo clean backup restore-drill replica-drill

$(STAMP_DEPS): pyproject.toml constraints.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

install: $(STAMP_DEPS)

$(STAMP_ASSETS): package.json package-lock.json scripts/vendor-assets.mjs
	npm ci --no-audit --no-fund
	npm run build
	touch $@

assets: $(STAMP_ASSETS)

migrate: install
	$(DEV) $(PY) manage.py migrate --noinput

demo: migrate
	$(DEV) $(PY) manage.py load_demo

# The background worker (imports, big exports) runs beside the web server, is started again if it dies
# (scripts/run_worker.sh) and stops with the server.
run: install assets demo
	@echo "Открывайте http://127.0.0.1:$(PORT) — демо-входы перечислены выше."
	@$(DEV) $(PY) manage.py fail_stale_jobs -v 0; \
	$(DEV) scripts/run_worker.sh $(PY) manage.py db_worker --no-reload -v 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

PYTEST ?= $(BIN)/pytest
test: install assets
	$(PYTEST) $(PYTEST_ARGS)

# The suite under coverage, with the report for access, services and selectors (pyproject [tool.coverage]).
coverage: install assets
	rm -rf var/coverage && mkdir -p var/coverage
	$(BIN)/coverage run -m pytest $(PYTEST_ARGS)
	$(BIN)/coverage combine -q
	$(BIN)/coverage report

# Browser walk-throughs that also refresh docs/screenshots/ (a plain `make test` writes no tracked file).
screenshots: install assets
	SCREENSHOTS=1 $(BIN)/pytest -q -p no:cacheprovider tests/browser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

# Benchmarks need PostgreSQL (BENCH_DATABASE_URL); the first run generates the national data set.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/vyzov_bench
bench: install
	$(PY) scripts/ensure_database.py "$(BENCH_DATABASE_URL)"
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_SETTINGS_MODULE=config.settings.bench $(PY) manage.py migrate --noinput -v 0
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_SETTINGS_MODULE=config.settings.bench $(PY) manage.py bench $(BENCH_ARGS)

# Load test (docs/performance.md): gunicorn with production settings (config.settings.loadtest,
# config/gunicorn.py) on 127.0.0.1 under Locust, 50 users, bounded in time; writes bench/load.json.
# The first run creates LOADTEST_DATABASE_URL with the national data set and the demo accounts.
LOADTEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/vyzov_load
LOADTEST_ARGS ?= --scale 1.0 --users 50 --duration 120
loadtest: install assets
	LOADTEST_DATABASE_URL=$(LOADTEST_DATABASE_URL) $(PY) scripts/loadtest.py $(LOADTEST_ARGS)

# Backup of the PostgreSQL database (DATABASE_URL) and MEDIA_ROOT, and the drill that restores it into
# a fresh database and folder and compares every table's row count and every file's checksum.
BACKUP_DIR ?= var/backups
backup: install
	$(PY) scripts/backup.py --out $(BACKUP_DIR)

restore-drill: install
	$(PY) scripts/restore_drill.py --backup $(BACKUP_DIR)/latest

# A real streaming replica (pg_basebackup, a second PostgreSQL on port 5433) and the router checked on it.
replica-drill: install
	PY=$(PY) bash scripts/replica_drill.sh

clean:
	rm -rf $(VENV) node_modules vyzov/core/static/vendor staticfiles var
