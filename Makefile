# Two commands from a fresh machine (python3 and make only):
#   make demo   - build .venv, install from requirements.lock, price the bundled production architecture
#   make test   - build .venv, install from requirements.lock, lint and type-check, run the whole test
#                 suite (notebooks included)
# Upgrading dependencies: `make upgrade` (re-resolves pyproject.toml + constraints.txt), then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock

.PHONY: demo test lint format bench golden lab lock upgrade mutate clean

# Exactly the versions CI tested: every package pinned with its hashes, then the project itself
# (no dependencies of its own resolved, no build isolation: setuptools comes from the lock too).
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/costmodel estimate --compare-documented
	$(BIN)/costmodel reconcile --actuals "data/actuals/ce-2026-06..2026-10.json" --month 2026-10
	$(BIN)/costmodel report --month 2026-10 --out reports

test: $(STAMP) lint
	$(BIN)/python -m pytest -n auto --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# JupyterLab on the notebooks, from .venv (the lock's `notebooks` extra).
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

# Resolve every dependency (runtime, dev and notebooks extras) for every platform and Python
# >= 3.11, with hashes. `make lock` keeps the pins that still fit (after a dependency is added or
# removed); `make upgrade` moves every pin to the newest release the ranges allow.
# uv is in the dev extra; the first lock of a new checkout can use any uv.
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --extra dev --extra notebooks -c constraints.txt \
	--universal --python-version 3.11 --generate-hashes -o $(LOCK)
lock: $(STAMP)
	$(UV_COMPILE)

upgrade: $(STAMP)
	$(UV_COMPILE) --upgrade

# Mutation testing of the money modules ([tool.mutmut] in pyproject.toml): not part of
# `make test` (slow: see docs/mutation-testing.md for the measured figures). Writes mutants/;
# `mutmut results` lists the survivors, `mutmut show NAME` shows one.
mutate: $(STAMP)
	$(BIN)/mutmut run
	$(BIN)/mutmut results

# Regenerate the golden estimate table on purpose (review the diff before committing).
golden: $(STAMP)
	$(BIN)/python -m pytest tests/test_golden.py --update-golden

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info mutants
