# HomeNet Registry: the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export UV_PYTHON_DOWNLOADS := never
# Unless these name a PostgreSQL database, each command runs an embedded PostgreSQL 18 for as
# long as it lasts (homenet/embedded_db.py): `make run` keeps its data in var/postgres/,
# `make bench` in var/postgres-bench/, `make test` in a temporary folder. With TEST_DATABASE_URL,
# pytest-django creates test_<name> beside the database it names.
DATABASE_URL ?=
TEST_DATABASE_URL ?=
BENCH_DATABASE_URL ?=
BENCH_1M_DATABASE_URL ?=
PYTEST_ARGS ?=
EMBEDDED_DB := $(BIN)/python -m homenet.embedded_db

.PHONY: help install run serve test lint format messages check-deploy bench bench-1m throughput loadtest css clean backup restore
# Every interface language but English (settings.LANGUAGES), one -l each.
TRANSLATED_LANGUAGES := es fr pt ru hi ur ne bn ta th km lo id fil vi sw
MAKEMESSAGES := $(BIN)/python manage.py makemessages $(addprefix -l ,$(TRANSLATED_LANGUAGES)) \
	--no-location --no-obsolete \
	--ignore=.venv --ignore=var --ignore=tests --ignore=bench

help:
	@echo "make run          install, migrate, load demo data if empty, serve on http://127.0.0.1:8000"
	@echo "make serve        the production set-up (gunicorn, DEBUG off) on http://127.0.0.1:8000 (PORT=...)"
	@echo "make test         install and run the whole test suite on PostgreSQL"
	@echo "make lint         ruff, formatting, types (mypy), missing migrations and strings"
	@echo "make bench        benchmarks on a 100,000-affiliate PostgreSQL database"
	@echo "make loadtest     make serve under load, a PostgreSQL restart, a killed worker, slow clients (~4 min)"
	@echo "make bench-1m     the same on 1,000,000 affiliates (var/postgres-bench-1m/)"
	@echo "make throughput   make serve's requests per second: home, directory, distinct searches (~5 min)"
	@echo "make css          rebuild the trimmed Bootstrap in static/vendor/bootstrap/ (needs npm)"
	@echo "make backup       database and uploaded documents into var/backups/<timestamp>.tar"
	@echo "make restore FILE=var/backups/....tar  into an empty database (FORCE=1: non-empty)"

install: $(STAMP)

# Re-install only when a lock changes. uv itself comes from a hash-locked bootstrap file.
$(STAMP): requirements/bootstrap.txt requirements/dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements/bootstrap.txt
	$(BIN)/uv pip sync --quiet --python $(BIN)/python --require-hashes requirements/dev.txt
	touch $(STAMP)

# Ctrl-C stops the site, then the embedded server (if this command started it).
run: install
	$(BIN)/python manage.py compilemessages --ignore=.venv >/dev/null
	$(if $(DATABASE_URL),,$(EMBEDDED_DB) run --) bash -c '\
		$(BIN)/python manage.py migrate --no-input && \
		$(BIN)/python manage.py seed_demo --if-empty && \
		exec $(BIN)/python manage.py runserver 127.0.0.1:8000'

# Production settings on this machine over plain HTTP (deploy/serve.sh): collectstatic,
# compilemessages, migrate, gunicorn (deploy/gunicorn.conf.py); same database as `make run`.
PORT ?= 8000
serve: install
	$(if $(DATABASE_URL),,$(EMBEDDED_DB) run --) env PORT=$(PORT) BIN=$(BIN) deploy/serve.sh

# The suite runs on every core with pytest-xdist: each worker has its own test database
# (test_<name>_gw0, ...) and its own live server. --dist loadgroup keeps the browser tests
# together on one worker (one Chromium; tests/e2e/conftest.py groups them) while the other
# workers share out the rest test by test. PYTEST_ARGS="-n0" runs everything in one process.
PYTEST_XDIST ?= -n auto --dist loadgroup
test: install
	$(BIN)/python manage.py compilemessages --ignore=.venv >/dev/null
	$(if $(TEST_DATABASE_URL),DATABASE_URL="$(TEST_DATABASE_URL)",$(EMBEDDED_DB) --temp run --) \
		$(BIN)/pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# Types, with django-stubs; services and selectors strictly (pyproject.toml [tool.mypy]).
	$(BIN)/mypy
	@# Missing migrations are a matter of code: no database server needs to run for this check.
	$(BIN)/python -W "ignore:Got an error checking a consistent migration history:RuntimeWarning" \
		manage.py makemigrations --check --dry-run
	@# Every user-facing string is extracted into the catalogues (tests check it is translated).
	$(MAKEMESSAGES) >/dev/null
	git diff -I '^"POT-Creation-Date' --exit-code -- locale || \
		{ echo "New strings: run 'make messages', translate them and commit locale/"; exit 1; }

# Extract new strings into locale/*/LC_MESSAGES/django.po (then translate the empty msgstr).
messages: install
	$(MAKEMESSAGES)

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Production settings must pass Django's deployment checks with no warning.
check-deploy: install
	DEBUG=false SECRET_KEY="$$(head -c 48 /dev/urandom | base64)" ALLOWED_HOSTS=registry.example.org \
		DATABASE_URL=postgres://registry@db.example.org/registry SITE_URL=https://registry.example.org \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

BENCH_ARGS ?=
bench: install
	$(if $(BENCH_DATABASE_URL),DATABASE_URL="$(BENCH_DATABASE_URL)",\
		$(EMBEDDED_DB) --data var/postgres-bench run --) $(BIN)/python bench/run.py $(BENCH_ARGS)

# The same at 1,000,000 affiliates, in its own data folder (about 3 GB once seeded).
bench-1m: install
	$(if $(BENCH_1M_DATABASE_URL),DATABASE_URL="$(BENCH_1M_DATABASE_URL)",\
		$(EMBEDDED_DB) --data var/postgres-bench-1m run --) \
		$(BIN)/python bench/run.py --affiliates 1000000 $(BENCH_ARGS)

# The production set-up (deploy/serve.sh) on a free loopback port against the bench database
# (100,000 affiliates), one page at a time for 60 s at 16 connections, the public cache off: a
# table and bench/throughput.json (bench/throughput.py). Not part of `make test`.
THROUGHPUT_ARGS ?=
throughput: install
	$(BIN)/python bench/throughput.py $(THROUGHPUT_ARGS)

# The production set-up (deploy/serve.sh) on a free loopback port with its own embedded PostgreSQL
# (var/postgres-loadtest/, demo data with 5,000 affiliates), under load and faults: a table and
# bench/loadtest.json (bench/loadtest.py). Not part of `make test`: it takes about 4 minutes.
LOADTEST_ARGS ?=
loadtest: install
	$(BIN)/python bench/loadtest.py $(LOADTEST_ARGS)

# Rebuild the trimmed Bootstrap (and its right-to-left twin) from the npm package's Sass.
css:
	bash .ci/build-css

clean:
	rm -rf $(VENV)

# One archive of the database (pg_dump -Fc) and MEDIA_ROOT in var/backups/; its path is the
# last line printed (after the embedded server's own messages, hence the capture). Without
# DATABASE_URL, the embedded PostgreSQL of `make run`.
backup: install
	@out="$$($(if $(DATABASE_URL),,$(EMBEDDED_DB) run --) $(BIN)/python manage.py backup)" && \
		echo "$$out"

# Into the database DATABASE_URL names (or the embedded one): refused unless it is empty or
# FORCE=1 is given.
FILE ?=
FORCE ?=
restore: install
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=var/backups/homenet-backup-....tar [FORCE=1]"; exit 2; }
	$(if $(DATABASE_URL),,$(EMBEDDED_DB) run --) \
		$(BIN)/python manage.py restore "$(FILE)" $(if $(filter 1 yes true,$(FORCE)),--force)
