# The habits of the project, one target each. CI calls the same targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run test quality lint format install install-dev clean backup restore

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## make run: install, migrate, load the demo programme and serve http://$(HOST)
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver $(HOST)

## make test: lint, migrations in step with the models, the whole suite
test: install-dev quality
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest

quality: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

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
