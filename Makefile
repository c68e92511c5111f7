# `make run` starts the console; `make test` runs the whole suite. Both build .venv on first use,
# from lock files of exact versions with hashes (`make upgrade` refreshes them).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ARGS ?=
LOCK := requirements.lock
TEST_LOCK := requirements-test.lock
COMPILE = $(BIN)/uv pip compile pyproject.toml --upgrade --generate-hashes --python-version 3.11 \
	--custom-compile-command "make upgrade" --quiet

.PHONY: run test lint format bench soak fuzz upgrade clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-installed: pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml $(TEST_LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(TEST_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.run-installed

run: $(VENV)/.run-installed
	$(BIN)/onwatch $(ARGS)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/lint_imports.py

test: lint
	$(BIN)/python -m pytest $(ARGS)

format: $(VENV)/.test-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.test-installed  # `make bench ARGS="glances --duration 20"` for one
	$(BIN)/python -m bench $(ARGS)

# The fault tests at full strength: 200 kills of the engine, the 24-hour soak (several minutes).
soak: $(VENV)/.test-installed
	ONWATCH_FAULT_SCALE=full $(BIN)/python -m pytest -p no:cacheprovider --timeout=0 -s tests/faults $(ARGS)

# The fuzz tests with many random examples each (FUZZ_EXAMPLES=N to change how many).
FUZZ_EXAMPLES ?= 5000
fuzz: $(VENV)/.test-installed
	ONWATCH_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -p no:cacheprovider --timeout=0 tests/fuzz $(ARGS)

# The newest versions pyproject.toml allows, written to the lock files; review, test, commit.
upgrade: | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv
	$(COMPILE) -o $(LOCK)
	$(COMPILE) --extra test -o $(TEST_LOCK)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
