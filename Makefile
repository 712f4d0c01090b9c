# The two commands of the README: `make demo` and `make test`. Both build
# .venv from nothing with the Python 3.11 on PATH.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: demo test bench sync clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(STAMP)

# The test suite also exercises nbgrader (an optional extra for instructors).
$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e ".[dev,nbgrader]"
	touch $(TEST_STAMP)

DEMO_CLASS := $(wildcard examples/submissions/*/)

demo: $(STAMP)
	$(BIN)/python -m grader grade $(DEMO_CLASS) --chapters ch3 --jobs 2 --out out/demo

test: $(TEST_STAMP)
	$(BIN)/python -m grader sync --check
	$(BIN)/python -m pytest -q solutions
	$(BIN)/python -m pytest -q tests
	$(BIN)/python -m grader selftest

bench: $(STAMP)
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

sync: $(STAMP)
	$(BIN)/python -m grader sync

clean:
	rm -rf $(VENV) build *.egg-info
