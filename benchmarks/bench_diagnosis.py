"""Cost of naming known mistakes (grader.diagnosis), measured as ratios within one run.

1. A class of ch3 submissions: the reference, and copies with one wrong answer of
   the corpus each (the mistakes a class makes). Each graded as `dlgrade grade`
   grades it (hidden ch3 suite, isolated worker), with diagnosis and with
   `--dl-no-diagnosis`. Target: with / without <= 1.20.
2. A student's `pytest` on ch3's public tests, every exercise done and one
   failing (db averaged; TwoLayerNet, built on it, fails too), with the table of
   known mistakes a release ships beside them: wall time with and without
   diagnosis. Target: < 2 s. Then the same without the table (a course
   checkout, where the wrong answers run in the test process).

Usage: python benchmarks/bench_diagnosis.py [--students N] [--repeat R]
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.timing import ENV, PYTEST, seconds  # noqa: E402
from grader.authoring import mutants as corpus  # noqa: E402
from grader.diagnosis import TABLE_NAME  # noqa: E402

DB_AVERAGED = "affine_backward: db averaged instead of summed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    wrong = corpus.load("ch3")
    picks = [wrong[(index * 7) % len(wrong)] for index in range(max(0, args.students - 1))]
    with tempfile.TemporaryDirectory() as tmp:
        klass = [shutil.copytree(ROOT / "solutions", Path(tmp) / "reference", ignore=shutil.ignore_patterns("test_*"))]
        klass += [corpus.write_submission(m, Path(tmp) / f"student{i:02d}") for i, m in enumerate(picks)]
        isolated = [*PYTEST, str(ROOT / "tests" / "ch3"), "--isolate"]
        runs = [[*isolated, f"--impl={folder}"] for folder in klass]
        with_it = seconds(runs, args.repeat)
        without = seconds([[*run, "--dl-no-diagnosis"] for run in runs], args.repeat)
        print(
            f"{len(klass)} ch3 submissions graded isolated: {with_it:.1f} s with diagnosis, {without:.1f} s without "
            f"(ratio {with_it / without:.2f}, target <= 1.20)"
        )
        student = Path(tmp) / "student"
        shutil.copytree(ROOT / "solutions" / "ch3", student / "ch3", ignore=shutil.ignore_patterns("__pycache__"))
        mistake = next(m for m in wrong if m.description == DB_AVERAGED)
        (student / "ch3" / "layers.py").write_text(corpus.mutated_source(mistake), encoding="utf-8")
        public = [*PYTEST, "ch3"]
        live = seconds([public], args.repeat, cwd=student)
        table = student / "ch3" / TABLE_NAME
        writing = [*PYTEST, "solutions/ch3", f"--dl-mistakes-table={table}"]
        subprocess.run(writing, cwd=ROOT, env=ENV, check=False, capture_output=True)
        with_it = seconds([public], args.repeat, cwd=student)
        without = seconds([[*public, "--dl-no-diagnosis"]], args.repeat, cwd=student)
        print(
            f"pytest on ch3's public tests, one exercise failing: {with_it:.2f} s with diagnosis from the shipped "
            f"table, {without:.2f} s without (ratio {with_it / without:.2f}; target < 2 s); "
            f"{live:.2f} s running the wrong answers in a course checkout"
        )


if __name__ == "__main__":
    main()
