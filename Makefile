# Two commands from a fresh machine (python3 and make only):
#   make demo   - build .venv, install, price the bundled production architecture
#   make test   - build .venv, install, lint and type-check, run the whole test suite (notebooks included)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint format bench golden clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/costmodel estimate --compare-documented
	$(BIN)/costmodel reconcile --actuals "data/actuals/ce-2026-06..2026-10.json" --month 2026-10
	$(BIN)/costmodel report --month 2026-10 --out reports

test: $(STAMP) lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# Regenerate the golden estimate table on purpose (review the diff before committing).
golden: $(STAMP)
	$(BIN)/python -m pytest tests/test_golden.py --update-golden

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
