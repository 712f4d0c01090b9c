"""The tool's defaults, each named once: time limits, sizes, environment.

Command-line options (``dlgrade grade --call-timeout``, pytest's
``--call-timeout``) take their defaults from here, and so do the modules
that run without a command line (the worker client, the suite runner).
"""

from __future__ import annotations

# Time limits, in seconds.
CALL_TIMEOUT_S = 30.0  # one call of a student's function in the isolated worker
TEST_TIMEOUT_S = 120.0  # one hidden test, all its calls together
PUBLIC_TEST_TIMEOUT_S = 5.0  # one public test in a student's run (pytest --timeout=N overrides it)
SUITE_TIMEOUT_S = 600.0  # one pytest run of `dlgrade check` or `dlgrade selftest`
STUDENT_TIMEOUT_S = 3600.0  # all the hidden suites of one student in `dlgrade grade`

# Parallelism.
GRADE_JOBS = 1  # students graded at once
SELFTEST_JOBS = 2  # wrong answers checked at once

# How much of a failed pytest run's output a message shows (its last characters).
OUTPUT_TAIL_CHARS = 2000

# Numerical libraries use one thread in a worker: a class graded in parallel
# would otherwise start cores x students threads, and timings would vary.
ONE_THREAD_BLAS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
