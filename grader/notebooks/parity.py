"""``dlgrade selftest --paths``: one score on every road, proven on every chapter's wrong answers.

For each chapter, the submissions are the complete reference, the blank
stubs, and every wrong answer of the corpus (``tests/mutants/chN.toml``)
whose edit lies in an exercise's function or class (a solution cell of the
notebook; nbgrader puts given code back, so an edit there is left out). Each becomes the
three forms a class hands in: a folder, a chapter notebook, and nbgrader's
``submitted/<student>/chN/chN.ipynb``. They are graded by

- ``pytest``: the hidden suite in-process on the folder (``--impl=FOLDER``);
- ``grade``: ``dlgrade grade`` on the folders, on the notebooks and on
  ``submitted/``;
- ``nbgrader``: stock ``generate_assignment``, ``autograde``,
  ``generate_feedback`` and ``export`` on a course written by ``dlgrade
  nbgrader``, scores read from its gradebook (and checked against the export);

and every exercise's score must be the same on every road. ``--sample``
keeps the complete, the blank and two wrong answers per chapter (handed in
together when they edit different files), and grades the notebook form only
as nbgrader's ``submitted/`` (``dlgrade grade`` reads both the same way).
"""

from __future__ import annotations

import ast
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from rich.console import Console
from rich.table import Table

from grader.authoring import mutants as corpus
from grader.authoring.markers import has_solutions
from grader.defaults import CALL_TIMEOUT_S, SUITE_TIMEOUT_S
from grader.grading.runner import run_suite
from grader.notebooks.fill import folder_modules, write_student_notebook
from grader.notebooks.nbgrader_course import write_course
from grader.notebooks.sources import parse_source
from grader.paths import EXERCISES, HIDDEN_TESTS, ROOT, SOLUTIONS, chapters

FOLDER, NOTEBOOK = "-folder", "-notebook"  # student names of the other forms in one `dlgrade grade`
ROADS = ("pytest", "grade folder", "grade notebook", "grade submitted", "nbgrader")


@dataclass
class Variant:
    """One submission of one chapter: its name (the student), what it is, and its modules."""

    student: str
    what: str
    modules: dict[str, str]
    slow: bool = False  # a wrong answer that only costs time: each road's own time limits catch it


@dataclass
class Verdict:
    variant: Variant
    roads: tuple[str, ...] = ROADS
    scores: dict[str, dict[str, float]] = field(default_factory=dict)  # road -> exercise -> score
    problems: list[str] = field(default_factory=list)  # what the notebook showed that it should not

    def differences(self, complete: dict[str, float] | None = None) -> list[str]:
        """Per-exercise differences from the in-process road; for a slow answer, every road that does not
        catch it (scores it as the ``complete`` reference), since the roads' time limits differ by design."""
        baseline = self.scores.get("pytest", {})
        found = list(self.problems)
        if self.variant.slow:
            for road in self.roads:
                theirs = self.scores.get(road)
                if theirs is None:
                    found.append(f"{road}: no scores")
                elif complete is not None and all(theirs.get(e, 0) >= s - 1e-6 for e, s in complete.items()):
                    found.append(f"{road}: full marks for an answer that only costs time")
            return found
        for road in self.roads[1:]:
            theirs = self.scores.get(road)
            if theirs is None:
                found.append(f"{road}: no scores")
                continue
            for exercise in sorted(set(baseline) | set(theirs)):
                a, b = baseline.get(exercise), theirs.get(exercise)
                if a is None or b is None or abs(a - b) > 1e-6:
                    found.append(f"{exercise}: pytest {a}, {road} {b}")
        return found


def in_student_part(mutant: corpus.Mutant) -> bool:
    """Whether the wrong answer edits an exercise's function or class: a solution cell in the notebook,
    the student's own code in a folder (an edit of given code is undone by nbgrader, so it is left out)."""
    text = (SOLUTIONS / mutant.file).read_text(encoding="utf-8")
    same = next((i for i, (a, b) in enumerate(zip(mutant.find, mutant.replace)) if a != b), len(mutant.find))
    line = text[: text.find(mutant.find) + same].count("\n") + 1  # the first line the edit changes
    return any(
        first <= line <= last and isinstance(s.node, (ast.FunctionDef, ast.ClassDef)) and has_solutions(s.text)
        for s in parse_source(SOLUTIONS / mutant.file).statements
        for first, last in [s.lines]
    )


def variants(chapter: str, sample: bool = False) -> tuple[list[Variant], list[str]]:
    """(the chapter's submissions, the corpus entries left out and why).

    The sample hands in its two wrong answers together, in one submission, when they edit different
    files (one exercise each, so every exercise's score still tells them apart)."""
    found = [
        Variant("complete", "the reference solution", folder_modules(SOLUTIONS, chapter)),
        Variant("blank", "the stubs, nothing started", folder_modules(EXERCISES, chapter)),
    ]
    wrong = corpus.load(chapter)
    usable = [m for m in wrong if in_student_part(m)]
    skipped = [f"{chapter}: {m.description}: edits given code, not a student's part" for m in wrong if m not in usable]
    if sample:  # wrong answers that only cost time hang nbgrader's kernel until its cell timeout: full run only
        usable = _spread([m for m in usable if not m.slow], 2)
    groups = [usable] if sample and len({m.file for m in usable}) == len(usable) > 1 else [[m] for m in usable]
    for index, group in enumerate(groups, start=1):
        modules = folder_modules(SOLUTIONS, chapter)
        for mutant in group:
            modules[mutant.file] = corpus.mutated_source(mutant)
        slow = len(group) == 1 and group[0].slow
        found.append(Variant(f"wrong{index:02d}", "; ".join(m.description for m in group), modules, slow))
    return found, skipped


def _spread(items: list, count: int) -> list:
    """``count`` items from different files where possible, the first and the last first."""
    if len(items) <= count:
        return items
    chosen = [items[0], items[-1]]
    if chosen[0].file == chosen[1].file:
        other = next((m for m in items if m.file != chosen[0].file), None)
        chosen[1] = other or chosen[1]
    return chosen[:count]


# ------------------------------------------------------------------ forms


def write_folder(variant: Variant, chapter: str, dest: Path) -> Path:
    """The reference's chapters with this chapter replaced by the variant's modules (a folder form)."""
    shutil.copytree(SOLUTIONS, dest, ignore=shutil.ignore_patterns("__pycache__", "test_*.py"))
    shutil.rmtree(dest / chapter)
    (dest / chapter).mkdir()
    for rel, text in variant.modules.items():
        (dest / rel).write_text(text, encoding="utf-8")
    return dest


# ------------------------------------------------------------------ roads


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    """Stock nbgrader in the course folder (its ``alembic`` beside this Python on PATH)."""
    bin_dir = str(Path(sys.executable).parent)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    command = [os.path.join(bin_dir, "nbgrader"), *args]
    return subprocess.run(command, cwd=course, env=env, capture_output=True, text=True)


def pytest_scores(folder: Path, chapter: str, slow: bool = False) -> dict[str, float]:
    """The hidden suite in-process; a slow answer gets the worker's limit per call as its limit per test,
    so that the run ends."""
    extra = ["--timeout", f"{CALL_TIMEOUT_S:.0f}"] if slow else []
    result = run_suite([str(HIDDEN_TESTS / chapter)], str(folder), extra, (3 if slow else 1) * SUITE_TIMEOUT_S)
    return {row.exercise: row.score for row in result.exercises}


def grade_scores(paths: list[Path], chapter: str, out: Path) -> dict[str, dict[str, float]]:
    """``dlgrade grade`` (its command line, as an instructor runs it): student -> exercise -> score."""
    command = [sys.executable, "-m", "grader", "grade", *map(str, paths), "--out", str(out)]
    command += ["--chapters", chapter, "--unsafe", "--jobs", "2"]
    subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    scores: dict[str, dict[str, float]] = {}
    if (out / "grades.csv").exists():
        with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                scores.setdefault(row["student"], {})[row["exercise"]] = float(row["score"])
    return scores


def nbgrader_scores(course: Path, chapter: str, students: list[str]) -> dict[str, dict[str, float]]:
    """Stock autograde and export; per-exercise points from the gradebook, checked against the export."""
    autograde = nbgrader(course, "autograde", chapter, "--force")
    feedback = nbgrader(course, "generate_feedback", chapter, "--force")
    export = nbgrader(course, "export", "--to", str(course / "grades.csv"))
    for step, done in (("generate_feedback", feedback), ("export", export)):
        if done.returncode != 0:
            raise RuntimeError(f"nbgrader {step} failed: {done.stderr[-1000:]}")
    from nbgrader.api import Gradebook

    scores: dict[str, dict[str, float]] = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in students:
            try:
                notebook = gradebook.find_submission_notebook(chapter, chapter, student)
            except Exception:  # no autograded notebook for this student
                continue
            scores[student] = {
                grade.name.split("-")[2]: float(grade.score)
                for grade in notebook.grades
                if grade.name.endswith("-tests")
            }
    with open(course / "grades.csv", newline="", encoding="utf-8") as handle:
        totals = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    for student, per_exercise in scores.items():
        if abs(totals.get(student, -1) - sum(per_exercise.values())) > 1e-6:
            raise RuntimeError(f"nbgrader export gives {student} {totals.get(student)}, the cells {per_exercise}")
    if autograde.returncode != 0 and len(scores) < len(students):
        raise RuntimeError(f"nbgrader autograde failed: {autograde.stderr[-2000:]}")
    return scores


def check_chapter(
    chapter: str, work: Path, sample: bool = False, timings: dict[str, float] | None = None
) -> tuple[list[Verdict], list[str]]:
    """Every road on every submission of one chapter (seconds per road into ``timings``)."""
    timings = {} if timings is None else timings
    found, skipped = variants(chapter, sample)
    started = time.monotonic()
    course = work / "course"
    write_course(course, [chapter], log=lambda line: None)
    released = nbgrader(course, "generate_assignment", chapter, "--force")
    if released.returncode != 0:
        raise RuntimeError(f"nbgrader generate_assignment {chapter} failed: {released.stderr[-2000:]}")
    template = course / "release" / chapter / f"{chapter}.ipynb"
    timings["generate_assignment"] = time.monotonic() - started
    started = time.monotonic()
    roads = tuple(r for r in ROADS if not (sample and r == "grade notebook"))  # as "grade submitted"
    verdicts = [Verdict(v, roads) for v in found]
    folders, notebooks = [], []
    for verdict in verdicts:
        student = verdict.variant.student
        folder = write_folder(verdict.variant, chapter, work / "folders" / (student + FOLDER))
        folders.append(folder)
        notebook = write_student_notebook(
            template, verdict.variant.modules, work / "notebooks" / (student + NOTEBOOK) / f"{chapter}.ipynb"
        )
        notebooks.append(notebook.parent)
        shutil.copyfile(notebook, _submitted(course, student, chapter))
        verdict.scores["pytest"] = pytest_scores(folder, chapter, verdict.variant.slow)
    timings["pytest"] = time.monotonic() - started
    started = time.monotonic()
    forms = [*folders, *([] if sample else notebooks), course / "submitted"]
    graded = grade_scores(forms, chapter, work / "graded")
    for verdict in verdicts:
        for road, suffix in (("grade folder", FOLDER), ("grade notebook", NOTEBOOK), ("grade submitted", "")):
            if verdict.variant.student + suffix in graded:
                verdict.scores[road] = graded[verdict.variant.student + suffix]
    timings["grade"] = time.monotonic() - started
    started = time.monotonic()
    graded = nbgrader_scores(course, chapter, [v.variant.student for v in verdicts])
    for verdict in verdicts:
        if verdict.variant.student in graded:
            verdict.scores["nbgrader"] = graded[verdict.variant.student]
    timings["nbgrader"] = time.monotonic() - started
    verdicts[0].problems += public_failures(course / "autograded" / "complete" / chapter / f"{chapter}.ipynb")
    for verdict in verdicts:
        verdict.problems += revealed(course / "feedback" / verdict.variant.student / chapter / f"{chapter}.html")
    return verdicts, skipped


def revealed(path: Path) -> list[str]:
    """What a student's feedback must not show: hidden tests, the reference."""
    if not path.exists():
        return [f"no feedback {path.name}"]
    text = path.read_text(encoding="utf-8")
    return [f"feedback shows {secret!r}" for secret in ("BEGIN HIDDEN TESTS", "embedded_reference") if secret in text]


def public_failures(path: Path) -> list[str]:
    """The public tests a notebook's test cells show failing (none, for the complete reference)."""
    if not path.exists():
        return [f"no autograded notebook {path.name}"]
    found = []
    for cell in nbformat.read(str(path), as_version=4).cells:
        for output in cell.get("outputs", []):
            text = output.get("text", "") if output.get("output_type") == "stream" else ""
            found += [f"public test failed: {line.strip()}" for line in text.splitlines() if "FAIL test_" in line]
            if output.get("output_type") == "error":
                found.append(f"a cell raised {output.get('ename')}: {output.get('evalue', '')[:200]}")
    return found


def _submitted(course: Path, student: str, chapter: str) -> Path:
    folder = course / "submitted" / student / chapter
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{chapter}.ipynb"


# ------------------------------------------------------------------ command


def run_parity(selected: list[str] | None = None, sample: bool = False, console: Console | None = None) -> int:
    console = console or Console()
    table = Table(title="One score on every road" + (" (sample)" if sample else ""))
    for column in ("chapter", "submissions", "exercises", "differences", "seconds (release, pytest, grade, nbgrader)"):
        table.add_column(column, justify="left" if column == "chapter" else "right")
    problems: list[str] = []
    notes: list[str] = []
    for chapter in selected or chapters(HIDDEN_TESTS):
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix=f"dlgrade-parity-{chapter}-") as work:
            timings: dict[str, float] = {}
            try:
                verdicts, skipped = check_chapter(chapter, Path(work), sample, timings)
            except RuntimeError as error:
                problems.append(f"{chapter}: {error}")
                continue
        notes += skipped
        differing = 0
        for verdict in verdicts:
            for difference in verdict.differences(verdicts[0].scores.get("pytest")):
                differing += 1
                problems.append(f"{chapter} {verdict.variant.student} ({verdict.variant.what}): {difference}")
        exercises = len(verdicts[0].scores.get("pytest", {})) if verdicts else 0
        split = ", ".join(f"{timings.get(k, 0):.0f}" for k in ("generate_assignment", "pytest", "grade", "nbgrader"))
        row = (
            chapter,
            str(len(verdicts)),
            str(exercises),
            str(differing),
            f"{time.monotonic() - started:.0f} ({split})",
        )
        table.add_row(*row)
        console.print(f"{chapter}: {len(verdicts)} submissions, {differing} differences, {row[-1]} s", highlight=False)
    console.print(table)
    for note in notes:
        console.print(f"left out: {note}", highlight=False)
    for problem in problems:
        console.print(f"[red]DIFF[/red] {problem}", highlight=False)
    if problems:
        console.print(f"parity: {len(problems)} difference(s)")
        return 1
    console.print(f"parity: every exercise scores the same on the {len(ROADS)} roads ({', '.join(ROADS)})")
    return 0
