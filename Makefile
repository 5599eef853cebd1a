# The habits of the project, one target each. CI calls the same targets.
PYTHON ?= python3
# Another Python gets its own environment: `make test PYTHON=python3.13`.
VENV ?= $(if $(filter python3,$(PYTHON)),.venv,.venv-$(notdir $(PYTHON)))
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
# Every dependency pinned with its hashes (make lock); the project itself installed
# on top without its dependencies, since pip refuses `-e .` under --require-hashes.
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock

.PHONY: cluster-test run test quality lint format install install-dev lock clean backup restore seed-scale bench loadtest messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(DEV_LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## make lock: pin every dependency of pyproject.toml, with hashes, for Python 3.11 to 3.13
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet "uv>=0.9,<1"
	$(BIN)/uv pip compile pyproject.toml --universal --generate-hashes --python-version 3.11 \
		--quiet --output-file $(LOCK)
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --generate-hashes \
		--python-version 3.11 --quiet --output-file $(DEV_LOCK)

## make run: install, migrate, load the demo programme, start the job worker and serve http://$(HOST)
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --url http://$(HOST)
	@# The job worker (convocations, reminders) beside the web server, stopped with it.
	$(BIN)/python manage.py qcluster & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST)

## make test: lint, migrations in step with the models, the whole suite
test: install-dev quality
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest

quality: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

## make messages: the French plural catalog (locale/fr/LC_MESSAGES/django.po + .mo); needs gettext
messages: install
	$(BIN)/python manage.py plural_catalog

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## make backup: dump the PostgreSQL database into backups/ (pg_dump, custom format)
backup: install
	$(BIN)/python manage.py backup_db

## make restore FILE=backups/pacte-….dump [TARGET=postgres://…/empty_db]: load a dump into an empty database
restore: install
	@test -n "$(FILE)" || { echo "Usage : make restore FILE=backups/pacte-AAAAMMJJ-HHMMSS.dump [TARGET=postgres://…]"; exit 2; }
	$(BIN)/python manage.py restore_db "$(FILE)" $(if $(TARGET),--database-url "$(TARGET)")

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache

# Performance: a dedicated PostgreSQL database, the production settings (DEBUG off).
BENCH_DB ?= postgres://postgres@127.0.0.1:5432/pacte_bench
PARTICIPANTS ?= 100000
BENCH_ENV = DATABASE_URL=$(BENCH_DB) DEBUG=0 SECURE_SSL_REDIRECT=0 \
	ALLOWED_HOSTS=127.0.0.1,localhost,testserver \
	SECRET_KEY=$$($(BIN)/python -c "import secrets; print(secrets.token_urlsafe(60))")

## make seed-scale [PARTICIPANTS=100000] [RESET=1]: the national-scale dataset in $(BENCH_DB)
seed-scale: install
	DATABASE_URL=$(BENCH_DB) DJANGO_SETTINGS_MODULE=bench.settings $(BIN)/python manage.py migrate --noinput
	DATABASE_URL=$(BENCH_DB) DJANGO_SETTINGS_MODULE=bench.settings $(BIN)/python manage.py seed_scale --participants $(PARTICIPANTS) $(if $(RESET),--reset)

## make bench: the main pages measured in-process on that dataset (writes bench-results.txt)
bench: install
	$(BENCH_ENV) DJANGO_SETTINGS_MODULE=bench.settings $(BIN)/python manage.py migrate --noinput -v0
	$(BENCH_ENV) DJANGO_SETTINGS_MODULE=bench.settings $(BIN)/python manage.py collectstatic --noinput -v0
	$(BENCH_ENV) DJANGO_SETTINGS_MODULE=bench.settings $(BIN)/python manage.py bench

## make loadtest: gunicorn + wrk, 30 s at 20 connections (writes loadtest-results.txt)
loadtest: install
	$(BENCH_ENV) DJANGO_SETTINGS_MODULE=bench.settings $(BIN)/python manage.py migrate --noinput -v0
	$(BENCH_ENV) DJANGO_SETTINGS_MODULE=bench.settings $(BIN)/python manage.py collectstatic --noinput -v0
	$(BENCH_ENV) DJANGO_SETTINGS_MODULE=bench.settings $(BIN)/python manage.py loadtest

## make cluster-test: nginx, two app nodes, two workers, pgbouncer and Redis on the loopback,
## from deploy/ (needs Debian's nginx, pgbouncer, redis-server, wrk and a PostgreSQL server)
cluster-test: install-dev
	$(BIN)/python tests/cluster/run.py
