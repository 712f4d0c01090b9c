"""One student's grading as a task that can run on any worker of the same course.

The client reads a submission's chapter sources as bytes (``make_task``); the
task carries them, the grading settings and the course fingerprint, so no
shared file system is needed. ``run_task`` (on this machine or on a Dask
worker) refuses a task made for another course version (and reports a host
without a usable sandbox as the grader's error), stages the bytes
into a private folder and runs the hidden suites through the sandboxed
worker, exactly as local grading does. It returns what pytest reported;
scoring and the files are the client's job.

The course fingerprint is a SHA-256 over the hidden suites (``tests/chN``),
the references (``solutions/``) and the grader's own sources: two hosts with
the same fingerprint give the same grade to the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import socket
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from grader.defaults import STUDENT_TIMEOUT_S
from grader.diagnosis import Diagnosis
from grader.grading.runner import run_suite
from grader.grading.scoring import Outcome
from grader.isolation import sandbox
from grader.paths import HIDDEN_TESTS, ROOT, SOLUTIONS, chapters
from grader.staging import Sources, notebook_modules, read_submission, stage_files

TRUSTED_OPTIONS = ["--noconftest", "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT)]


class CourseMismatch(Exception):
    """A worker was sent a task made for another version of the course."""


@dataclass
class Settings:
    """How every student of one run is graded."""

    chapters: list[str]
    unsafe: bool = False
    hide: list[str] = field(default_factory=list)
    timeouts: list[str] = field(default_factory=list)
    exercises: list[str] = field(default_factory=list)  # empty: every exercise of the chapters


@dataclass
class GradingTask:
    """Everything a worker needs to grade one student: the sources travel as bytes."""

    student: str
    fingerprint: str
    settings: Settings
    files: dict[str, bytes] = field(default_factory=dict)
    notebooks: dict[str, bytes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class TaskResult:
    """What the hidden suites reported for one student, and where they ran."""

    student: str
    tests: list[Outcome]
    notes: list[str]
    grader_error: str = ""
    host: str = ""
    seconds: float = 0.0
    diagnoses: list[Diagnosis] = field(default_factory=list)


def _course_files() -> list[Path]:
    roots = [HIDDEN_TESTS / chapter for chapter in chapters(HIDDEN_TESTS)] + [SOLUTIONS, ROOT / "grader"]
    found = [ROOT / "pyproject.toml"]
    for top in roots:
        for path in top.rglob("*"):
            parts = path.relative_to(ROOT).parts
            if path.is_file() and not any(part == "__pycache__" or part.startswith(".") for part in parts):
                found.append(path)
    return sorted(found)


@functools.cache
def fingerprint() -> str:
    """SHA-256 of the hidden suites, the references and the grader (paths and contents)."""
    digest = hashlib.sha256()
    for path in _course_files():
        data = path.read_bytes()
        digest.update(f"{path.relative_to(ROOT).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def make_task(student: str, folder: Path, settings: Settings) -> GradingTask:
    """Read a submission's chapter sources (never following a link) into a task."""
    sources = read_submission(folder)
    return GradingTask(student, fingerprint(), settings, sources.files, sources.notebooks, sources.notes)


def run_task(task: GradingTask) -> TaskResult:
    """Grade one task here: refuse another course version, stage the bytes, run the hidden suites isolated."""
    mine = fingerprint()
    if task.fingerprint != mine:
        raise CourseMismatch(
            f"worker {socket.gethostname()} has course version {mine[:12]}, the task was made for "
            f"{task.fingerprint[:12]}: install the same course and grader on every worker"
        )
    started = time.monotonic()
    settings = task.settings
    reason = sandbox.unavailable_reason()
    if reason and not settings.unsafe:  # this host's fault, never the student's
        return TaskResult(task.student, [], [], f"{socket.gethostname()}: {reason}", socket.gethostname())
    sources = Sources(files=dict(task.files), notebooks=dict(task.notebooks), notes=list(task.notes))
    with tempfile.TemporaryDirectory(prefix="dlgrade-stage-") as scratch:
        staged = Path(scratch) / "submission"
        stage_files({**notebook_modules(sources), **sources.files}, staged)
        extra = ["--isolate", *settings.timeouts, *TRUSTED_OPTIONS]
        extra += [f"--hide={path}" for path in settings.hide]
        extra += ["--unsafe"] if settings.unsafe else []
        extra += [f"--exercise={name}" for name in settings.exercises]
        paths = [str(HIDDEN_TESTS / chapter) for chapter in settings.chapters]
        result = run_suite(paths, str(staged), extra=extra, timeout=STUDENT_TIMEOUT_S)
    notes = sources.notes
    if result.error:
        notes.append(f"grading stopped early: {result.error}")
    seconds = time.monotonic() - started
    host = socket.gethostname()
    return TaskResult(task.student, result.tests, notes, result.grader_error, host, seconds, result.diagnoses)
