"""``dlgrade gradescope OUT.zip``: a Gradescope autograder built from this course.

The zip holds Gradescope's two scripts at its top and the course (grader,
reference solutions, hidden suites of the chosen chapters) under
``dlcourse/``. Gradescope unpacks it into ``/autograder/source``, runs
``setup.sh`` once as root, then ``run_autograder`` per submission:
``dlgrade grade`` on ``/autograder/submission`` and its ``results.json``
copied to ``/autograder/results/``. ``DLGRADE_AUTOGRADER`` (default
``/autograder``) and ``DLGRADE_PYTHON`` move both, for a local trial run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from grader.errors import EXIT_OK, CommandError
from grader.fileio import atomic_write
from grader.paths import HIDDEN_TESTS, ROOT, SKIPPED_PARTS, chapters, is_chapter

CONFIG = "dlgrade-gradescope.json"
COURSE = "dlcourse"
SHIPPED = ["pyproject.toml", "README.md", "grader", "solutions", "exercises", "datasets"]

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, on its Ubuntu image: a Python 3.11+
# virtual environment with the course installed (editable, so that the grader
# finds its hidden suites beside it) and bubblewrap for the sandbox.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3 python3-pip python3-venv bubblewrap git >/dev/null
python3 -m pip install --quiet --break-system-packages uv 2>/dev/null || python3 -m pip install --quiet uv
python3 -m uv venv --python 3.11 /autograder/venv
python3 -m uv pip install --python /autograder/venv/bin/python --quiet -e /autograder/source/dlcourse
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission; it writes results/results.json.
set -uo pipefail
AUTOGRADER="${DLGRADE_AUTOGRADER:-/autograder}"
PYTHON="${DLGRADE_PYTHON:-$AUTOGRADER/venv/bin/python}"
cd "$AUTOGRADER/source/dlcourse"
exec "$PYTHON" -m grader.grading.gradescope "$AUTOGRADER"
"""


class GradescopeError(CommandError):
    """A wrong argument: one line, exit 2."""


def _add(archive: zipfile.ZipFile, path: Path, name: str) -> None:
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            parts = child.relative_to(path).parts
            if child.is_file() and not SKIPPED_PARTS & set(parts) and child.suffix != ".pyc":
                archive.write(child, f"{name}/{'/'.join(parts)}")
    elif path.is_file():
        archive.write(path, name)


def _script(archive: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name)
    info.external_attr = 0o100755 << 16  # executable, as Gradescope runs them
    archive.writestr(info, text)


def build(dest: Path, selected: list[str], visibility: str, unsafe: bool) -> None:
    """Write the autograder zip for the chapters ``selected``."""
    config = {"chapters": selected, "visibility": visibility, "unsafe": unsafe}
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as archive:
        _script(archive, "setup.sh", SETUP)
        _script(archive, "run_autograder", RUN)
        info = zipfile.ZipInfo(CONFIG)
        info.external_attr = 0o100644 << 16
        archive.writestr(info, json.dumps(config, indent=1))
        for name in SHIPPED:
            _add(archive, ROOT / name, f"{COURSE}/{name}")
        for chapter in selected:
            _add(archive, HIDDEN_TESTS / chapter, f"{COURSE}/tests/{chapter}")


def student_folder(submission: Path, selected: list[str], scratch: Path) -> Path:
    """The submission as ``dlgrade grade`` reads it: files dropped flat go under the (only) chapter."""
    has_chapters = any(is_chapter(p.name.removesuffix(".ipynb")) for p in submission.iterdir())
    has_chapters = has_chapters or (submission / "exercises").is_dir()
    if has_chapters or len(selected) != 1:
        return submission
    student = scratch / "submission"
    shutil.copytree(submission, student / selected[0], symlinks=True)
    return student


def failed(message: str) -> dict:
    """Results that tell the student (and the instructor) that grading itself failed."""
    return {"score": 0.0, "output": f"The autograder could not grade this submission: {message}", "tests": []}


def autograde(root: Path) -> int:
    """Grade ``root/submission`` into ``root/results/results.json``; always writes a results file."""
    config = json.loads((root / "source" / CONFIG).read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="dlgrade-gradescope-") as scratch:
        student = student_folder(root / "submission", config["chapters"], Path(scratch))
        out = Path(scratch) / "out"
        command = [sys.executable, "-m", "grader", "grade", str(student), "--out", str(out)]
        command += ["--chapters", ",".join(config["chapters"]), "--visibility", config["visibility"]]
        command += ["--unsafe"] if config["unsafe"] else []
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        print(done.stdout[-4000:], done.stderr[-4000:], sep="\n")
        produced = out / student.name / "results.json"
        if produced.is_file():
            results = json.loads(produced.read_text(encoding="utf-8"))
            results["output"] = (produced.parent / "feedback.md").read_text(encoding="utf-8")
        else:
            results = failed(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}")
    atomic_write(root / "results" / "results.json", json.dumps(results, indent=1))
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    available = chapters(HIDDEN_TESTS)
    selected = args.chapters or available
    unknown = [c for c in selected if c not in available]
    if unknown:
        raise GradescopeError(f"no hidden suite for {', '.join(unknown)} (have: {', '.join(available)})")
    if args.dest.suffix != ".zip":
        raise GradescopeError(f"{args.dest}: the autograder must be a .zip file")
    if not args.dest.parent.is_dir():
        raise GradescopeError(f"{args.dest.parent}: no such folder")
    build(args.dest, selected, args.visibility, args.unsafe)
    print(f"autograder: {args.dest} (chapters {', '.join(selected)}): upload it in Gradescope's Configure Autograder")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(autograde(Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("DLGRADE_AUTOGRADER", "/autograder"))))
