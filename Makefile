# Kindred: `make run` to try the site, `make test` to run every test. Both install what they need.
SHELL := /bin/bash
PYTHON_VERSION := $(shell cat .python-version)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

# Without DATABASE_URL, every command below runs on a private PostgreSQL in .pgdata/ (config/embedded_db.py):
# started by the first process that loads the settings, stopped when the last one exits.

# Tests run with production-like settings (DEBUG off); only what plain HTTP on localhost needs is relaxed.
TEST_ENV := DEBUG=false SECRET_KEY=test-only-secret-key-not-for-production-0123456789abcdefghijklmnopqrstuvwxyz \
	SECURE_SSL_REDIRECT=false ALLOWED_HOSTS=localhost,127.0.0.1,testserver

.PHONY: run test install lint format serve-prod clean

run: install
	@[ -f .env ] || printf '# Local development only (git-ignored): see .env.example for every setting.\nDEBUG=true\n' > .env
	DEBUG=true $(PY) manage.py migrate --no-input
	DEBUG=true $(PY) manage.py seed_demo
	@echo "Kindred is at http://127.0.0.1:8000 (Ctrl+C to stop)."
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

# One pytest-xdist worker per core, each with its own test database; TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto

test: install
	$(TEST_ENV) $(PY) manage.py collectstatic --no-input -v 0
	$(TEST_ENV) $(PY) -m pytest --numprocesses=$(TEST_WORKERS) $(PYTEST_ARGS)

# Production settings served by gunicorn over plain HTTP, on DATABASE_URL or else the embedded PostgreSQL's
# `kindred` database (the demo's), and this machine's Redis.
# A throwaway SECRET_KEY unless you set one: sessions end when it stops.
PROD_ENV := DEBUG=false SECURE_SSL_REDIRECT=false ALLOWED_HOSTS=127.0.0.1,localhost \
	CACHE_URL=$${CACHE_URL:-redis://127.0.0.1:6379/1} \
	SECRET_KEY=$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}

serve-prod: install
	export $(PROD_ENV) && $(PY) manage.py migrate --no-input && $(PY) manage.py collectstatic --no-input -v 0 \
		&& $(VENV)/bin/gunicorn -c config/gunicorn.py config.wsgi

install: $(VENV)/.installed node_modules/.installed

# pyenv reads .python-version; without pyenv, fall back to a python3.13 on the PATH.
$(VENV)/.installed: requirements.txt requirements-dev.txt .python-version
	@if [ ! -x $(PY) ]; then \
		if command -v pyenv >/dev/null && pyenv prefix $(PYTHON_VERSION) >/dev/null 2>&1; then \
			"$$(pyenv prefix $(PYTHON_VERSION))/bin/python" -m venv $(VENV); \
		else python$$(echo $(PYTHON_VERSION) | cut -d. -f1,2) -m venv $(VENV); fi; \
	fi
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Stops the embedded PostgreSQL first if it is running, then deletes its data (.pgdata/) with the rest.
clean:
	@if [ -f .pgdata/postmaster.pid ] && [ -x $(PY) ]; then $(PY) -m config.embedded_db stop; fi
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .pgdata
