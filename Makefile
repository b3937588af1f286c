# The two commands of a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LOCALSTRIPE_VENV ?= .venv-localstripe
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
TEST_TMP ?= $(or $(TMPDIR),/tmp)/dxnode-tests
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run run-federation test test-sqlite test-postgres lint check-migrations services clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

# localstripe, the Stripe-compatible server the payment tests start on loopback, in a virtual
# environment of its own: a test-only server run as a separate process, kept out of the node's dependencies
$(LOCALSTRIPE_VENV)/.installed: tests/support/localstripe-requirements.txt
	$(PYTHON) -m venv $(LOCALSTRIPE_VENV)
	$(LOCALSTRIPE_VENV)/bin/pip install --quiet -r tests/support/localstripe-requirements.txt
	touch $@

## run: create the virtual environment, migrate the embedded database, load the demo, start the node
run: $(VENV)/.installed
	$(BIN)/dxnode db upgrade
	$(BIN)/dxnode demo load
	$(BIN)/dxnode demo credentials
	DXNODE_BASE_URL=$${DXNODE_BASE_URL:-http://$(HOST):$(PORT)} $(BIN)/gunicorn --bind $(HOST):$(PORT) \
		--workers 2 --threads 4 --access-logfile - 'app.wsgi:app'

## run-federation: the demo node on PORT and a partner exchange on PARTNER_PORT (5001) that harvests it
run-federation: $(VENV)/.installed
	BIN=$(BIN) HOST=$(HOST) PORT=$(PORT) bash scripts/run-federation.sh

## test: install what the tests need, then run the whole suite on SQLite and on PostgreSQL, side by side
## (one run a core; each run's output is printed whole when it ends)
test: $(VENV)/.installed-test $(LOCALSTRIPE_VENV)/.installed services lint
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

services:
	bash scripts/ensure-services.sh

lint:
	$(BIN)/ruff check app catalog policy aggregates dsp contracts_templates settlement tests benchmarks migrations/env.py
	$(BIN)/mypy app policy catalog aggregates dsp contracts_templates settlement

test-sqlite:
	$(BIN)/python -m pytest -p no:cacheprovider --basetemp=$(TEST_TMP)-sqlite

test-postgres:
	DXNODE_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest -p no:cacheprovider -m "not browser" \
		--basetemp=$(TEST_TMP)-postgres

clean:
	rm -rf $(VENV) $(LOCALSTRIPE_VENV) instance instance-partner .pytest_cache .mypy_cache .ruff_cache
