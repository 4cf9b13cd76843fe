# «Вызов» — the two set-up commands are `make run` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP_DEPS := $(VENV)/.deps-installed
STAMP_ASSETS := vyzov/core/static/vendor/.built

.PHONY: run test lint bench install assets migrate demo clean

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
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: install assets demo
	@echo "Открывайте http://127.0.0.1:8000 — демо-входы перечислены выше."
	$(PY) manage.py runserver 127.0.0.1:8000

test: install assets
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install
	@echo "make bench: benchmarks arrive with the register of children (issue 4); nothing to measure yet."

clean:
	rm -rf $(VENV) node_modules vyzov/core/static/vendor staticfiles var
