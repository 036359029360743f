# `make run` serves the app on the embedded default; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# pytest-xdist workers for `make test`: one per core of the 2-core CI machine.
TEST_WORKERS ?= 2
export DJANGO_SETTINGS_MODULE ?= config.settings.local

.PHONY: prod run test lint install install-dev migrate seed worker bench load browser-deps messages screenshots clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py load_seed

# The admin's password (first run only) comes last, boxed, just before the server starts.
run: seed messages
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo "Serving on http://127.0.0.1:$(PORT)/ (admin at /admin/, API at /api/v1/, docs at /api/docs/)"
	@$(BIN)/python manage.py ensure_superuser --login-url http://127.0.0.1:$(PORT)/admin/
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

# Browser tests need Debian's chromium, and their screenshots a CJK font; install what is missing
# when we may (root, apt). gettext's msgfmt compiles the zh-hans/en message catalogues.
browser-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	fc-list 2>/dev/null | grep -qiE "noto sans cjk|wenquanyi" || missing="$$missing fonts-noto-cjk"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	      || echo "could not install$$missing; browser tests will skip unless REQUIRE_BROWSER=1"; \
	  else echo "missing:$$missing; browser tests will skip unless REQUIRE_BROWSER=1"; fi; \
	fi

# Compiled catalogues are committed too; this refreshes them from the .po files when msgfmt is there.
messages: install
	@if command -v msgfmt >/dev/null; then $(BIN)/python manage.py compilemessages --ignore=.venv --verbosity 0; \
	else echo "msgfmt missing: using the committed .mo files"; fi

test: install browser-deps messages
	$(BIN)/ruff check .
	$(BIN)/mypy .
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python -m pytest --create-db -q -n $(TEST_WORKERS) $(PYTEST_ARGS)
	@# The schemathesis run again on the embedded SQLite default (the line above uses PostgreSQL when it answers).
	TEST_DATABASE=sqlite DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python -m pytest --create-db -q \
	  -n $(TEST_WORKERS) tests/test_api_schema.py -k every_operation

# 50 readers + 5 writers for 60 s against gunicorn on 127.0.0.1 (PostgreSQL); figures to docs/load.md.
load: install
	$(BIN)/python scripts/load.py $(LOAD_ARGS)

# Retake docs/screenshots/*.png from the browser tests (needs PostgreSQL or SQLite and chromium).
# REQUIRE_BROWSER=1: without chromium the run fails instead of skipping and leaving the old PNGs.
screenshots: install browser-deps messages
	SAVE_SCREENSHOTS=1 REQUIRE_BROWSER=1 DJANGO_SETTINGS_MODULE=config.settings.test \
	  $(BIN)/python -m pytest -q -p no:randomly -m browser tests/browser/test_compare_pages.py
	@ls -1 docs/screenshots/*.png

# The production stack on this machine (scripts/prod.sh): gunicorn, a benchmarks worker, a jobs worker
# and beat from the Procfile, with config.settings.production, PostgreSQL and Redis. PROD_PORT=8000.
prod: install
	bash scripts/prod.sh

worker: install
	$(BIN)/celery -A config worker --beat --loglevel=INFO --concurrency=2

# Issue 14's performance targets side by side, at 1M synthetic tiers (scripts/bench.py): page and endpoint
# latencies, full recompute vs its floor, edit-to-visible with a real worker, API vs a bare view, import
# rows/s. Builds the template database bench_1m_template once (seed + tiers + a run), then clones it per
# run; each part rewrites only its own section of docs/benchmarks.md. About 15 min at 1M once the template
# exists; BENCH_ARGS="--tiers 100000 --quick" for a quick check, "--only pages,edit" for some parts.
bench: install
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 test.sqlite3 staticfiles
