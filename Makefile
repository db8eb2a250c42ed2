# Two commands do everything: `make run` and `make test`. The virtualenv is ours alone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean distclean

$(STAMP): pyproject.toml
	@$(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
	@$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]' >/dev/null
	@touch $(STAMP)

run: $(STAMP)
	@$(PY) -m bot

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint
	@.ci/ensure-chromium
	@.ci/ensure-postgresql
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) -m bench

# The demo database and the console's saved files; the virtualenv stays (distclean removes it).
clean:
	rm -rf data/demo.sqlite3* data/console

distclean: clean
	rm -rf $(VENV)
