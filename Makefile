# The developer's loop. `make check` runs what CI runs (.ci/run): the whole test suite,
# then ruff and mypy, in the project's virtual environment (`make setup` makes it).

PYTHON ?= .venv/bin/python

.PHONY: check setup

check:
	$(PYTHON) -m pytest
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .
	$(PYTHON) -m mypy

setup:
	python3 -m venv .venv
	.venv/bin/pip install -c constraints.txt -e ".[test]"
