# The two commands of the README: `make demo` and `make test`. Both build
# .venv from nothing with the Python 3.11 on PATH.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
OPENCL_STAMP := $(VENV)/.opencl
BWRAP_STAMP := $(VENV)/.bwrap
OPENCL_PROBE := import solutions.ch10.opencl as ocl; print("OpenCL:", ", ".join(p.name for p in ocl.platforms()))
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: demo lint test bench sync clean

# The grader's sandbox is bubblewrap; where it is missing, install Debian's (as root).
BWRAP_INSTALL := if ! command -v bwrap >/dev/null && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing bubblewrap (the grader's sandbox)"; export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -qq bubblewrap >/dev/null 2>&1 || \
	  { apt-get update -qq && apt-get install -y -qq bubblewrap >/dev/null; }; fi

$(BWRAP_STAMP): $(STAMP)
	@$(BWRAP_INSTALL)
	touch $@

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(STAMP)

# The test suite also exercises nbgrader and Dask (optional extras for instructors).
$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e ".[dev,nbgrader,cluster]"
	touch $(TEST_STAMP)

DEMO_CLASS := $(wildcard examples/submissions/*/)

demo: $(STAMP) $(BWRAP_STAMP)
	$(BIN)/python -m grader grade $(DEMO_CLASS) --chapters ch3 --jobs 2 --out out/demo

# The PoCL that comes with pyopencl cannot compile for CPUs its LLVM does not know
# (recent AMD Zen, for one); where so, add the system's PoCL (Debian/Ubuntu, as root).
$(OPENCL_STAMP): $(STAMP)
	@$(BIN)/python -c '$(OPENCL_PROBE)' 2>/dev/null || { \
	  echo "pyopencl's PoCL cannot compile here: installing the system's PoCL (pocl-opencl-icd)"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -qq pocl-opencl-icd >/dev/null 2>&1 || \
	  { apt-get update -qq && apt-get install -y -qq pocl-opencl-icd >/dev/null; }; }
	$(BIN)/python -c '$(OPENCL_PROBE)'
	touch $@

# The report test opens report.html in Debian's chromium (driven by Playwright); as root, install it when missing.
CHROMIUM_STAMP := $(VENV)/.chromium
$(CHROMIUM_STAMP): $(TEST_STAMP)
	@command -v chromium >/dev/null || { \
	  echo "installing Debian's chromium for the report test"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -qq chromium >/dev/null 2>&1 || \
	  { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }; }
	touch $@

# Lint, format and type gates first: they take seconds and fail on any new finding.
lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint $(OPENCL_STAMP) $(CHROMIUM_STAMP) $(BWRAP_STAMP)
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
