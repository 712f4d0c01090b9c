"""Per-student and per-class files written by ``dlgrade grade``, atomically.

- ``<student>/results.json``: Gradescope's autograder format;
- ``<student>/feedback.md``: per exercise, what failed and a hint (never
  the hidden expected values: messages are the checks' one-liners), and the
  known mistake the exercise behaves like, where one does (``grader.diagnosis``);
- ``<student>/scores.json``: the ``StudentRecord`` (every test outcome, the
  submission's digest, time taken), read back to merge and to resume;
- ``grades.csv``: ``student,chapter,exercise,score,max_score`` and the
  submission time, hours late and late penalty (percent of the total).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.diagnosis import Diagnosis
from grader.fileio import atomic_write
from grader.grading.scoring import ExerciseScore, Outcome, by_exercise
from grader.paths import chapter_number

VISIBILITIES = ("visible", "after_published", "after_due_date", "hidden")  # Gradescope's

HINTS = {
    "not started": "Not started yet: implement it; its docstring is the full specification.",
    "is missing": "The file was not found: keep the layout `chN/<module>.py` (or the chapter notebook).",
    "does not import": "The module fails to import: run `pytest` on it locally to see the error.",
    "syntax error": "Fix the syntax error first; nothing in this module can run until then.",
    "shape": "Check the shapes in the docstring (reshape, axes of sums, keepdims).",
    "modified its input": "Do not change inputs in place: work on copies (e.g. `x = x.copy()`) or new arrays.",
    "took longer": "Your code ran out of time: look for an infinite loop or a Python loop that should be vectorized.",
    "ended the worker": "Never exit the process (sys.exit, os._exit) from your functions.",
    "NaN": "Your result contains NaN or infinity: look for overflow (exp of large numbers) or division by zero.",
    "differ": "Values are wrong: compare with a small example you can do by hand and with a numerical gradient.",
}

# Internal wording that must never reach a student, and what it means for them.
PLAIN: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"_dlimpl_[0-9a-f]+\."), ""),
    (
        re.compile(r"unknown object \(from an earlier worker\?\)"),
        "an object made before your code was restarted (after a crash or a time-out) can no longer be used",
    ),
    (
        re.compile(r"AttributeError: module '(?P<module>[\w.]+)' has no attribute '(?P<name>\w+)'"),
        lambda m: f"{m['module'].replace('.', '/')}.py does not define {m['name']}",
    ),
    (re.compile(r"\bthe worker process\b"), "the process running it"),
    (re.compile(r"\bworker process\b"), "process"),
    (re.compile(r"\bthe worker\b"), "the process"),
    (re.compile(r"\bworker\b"), "process"),
]
FILE_PROBLEM = re.compile(r"^(?P<file>\S+\.py) (?P<what>is missing|does not import|has a syntax error)")
MISSING_CHAPTER = re.compile(r"^`?no (?P<chapter>ch\d+) folder in this submission")


def file_problem(message: str) -> tuple[str, str] | None:
    """``(file, message)`` when ``message`` says a file or a whole chapter folder is missing or broken."""
    match = FILE_PROBLEM.match(message)
    if match:
        return match["file"], message
    match = MISSING_CHAPTER.match(message)
    if match:
        return f"{match['chapter']}/", f"{match['chapter']}/ is missing"
    return None


def plain(message: str) -> str:
    """``message`` without the grader's internal names."""
    for pattern, replacement in PLAIN:
        message = pattern.sub(replacement, message)
    return message


@dataclass
class StudentRecord:
    """Everything known about one graded student; ``scores.json`` holds it."""

    student: str
    tests: list[Outcome]
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    digest: str = ""  # of the submission's files, to resume only unchanged students
    submitted: str = ""  # ISO time of the submission, where known
    late_hours: float = 0.0
    penalty: float = 0.0  # percent of the total taken off for lateness
    diagnoses: list[Diagnosis] = field(default_factory=list)  # failing exercises that behave like a known mistake

    @property
    def exercises(self) -> list[ExerciseScore]:
        return by_exercise(self.tests)

    @property
    def chapters(self) -> list[str]:
        return sorted({t.chapter for t in self.tests}, key=chapter_number)

    def to_json(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if k not in ("tests", "diagnoses")}
        data["diagnoses"] = [d.to_json() for d in self.diagnoses]
        return {**data, "exercises": [e.to_json() for e in self.exercises], "tests": [t.to_json() for t in self.tests]}

    @classmethod
    def from_json(cls, data: dict) -> StudentRecord:
        tests = [Outcome.from_json(t) for t in data["tests"]]
        fields = {k: data[k] for k in ("notes", "seconds", "digest", "submitted", "late_hours", "penalty") if k in data}
        diagnoses = [Diagnosis.from_json(d) for d in data.get("diagnoses", [])]
        return cls(str(data["student"]), tests, **fields, diagnoses=diagnoses)


def hint(messages: list[str]) -> str:
    for message in messages:
        for key, text in HINTS.items():
            if key in message:
                return text
    return "Run the public tests of this exercise and read the failing check."


def literal(text: str, limit: int = 300) -> str:
    """Text from a student's code as one literal line of markdown: an inline code span, never markup."""
    line = " ".join(str(text).split())[:limit].replace("`", "'")
    return f"`{line}`" if line else ""


def gradescope(record: StudentRecord, visibility: str = "after_published") -> dict:
    """Gradescope's results.json; ``visibility`` applies to every test (names and messages)."""
    chapter_numbers: dict[str, dict[str, int]] = {}
    tests = []
    for result in record.tests:
        number = chapter_numbers.setdefault(result.chapter, {})
        index = number.setdefault(result.exercise, len(number) + 1)
        tests.append(
            {
                "name": f"{result.chapter} {result.exercise}: {result.name}",
                "number": f"{chapter_number(result.chapter)}.{index}",
                "score": result.points if result.passed else 0.0,
                "max_score": result.points,
                "status": "passed" if result.passed else "failed",
                "output": " ".join(plain(result.message).split())[:300],
                "output_format": "text",
                "visibility": visibility,
            }
        )
    exercises = record.exercises
    total = sum(e.score for e in exercises)
    possible = sum(e.max_score for e in exercises)
    summary = [f"Score {total:g} / {possible:g}."] + [f"- note: {literal(plain(note))}" for note in record.notes]
    summary += [f"- {d.chapter} {d.sentence()}" for d in record.diagnoses]
    return {
        "score": total,
        "execution_time": round(record.seconds, 1),
        "output": "\n".join(summary),
        "output_format": "md",
        "visibility": "after_published",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def file_problems(exercises: list[ExerciseScore]) -> dict[str, str]:
    """Files that are missing or do not import, each with its first message (in plain words)."""
    found: dict[str, str] = {}
    for row in exercises:
        for message in row.messages:
            problem = file_problem(message)
            if problem:
                found.setdefault(problem[0], plain(problem[1]))
    return found


def by_cause(files: dict[str, str]) -> dict[str, list[str]]:
    """``{cause: files}``: files that share a problem (a file importing a broken one) together."""
    causes: dict[str, list[str]] = {}
    for file, message in files.items():
        causes.setdefault(message.removeprefix(file).strip(), []).append(file)
    return causes


def file_notes(files: dict[str, str]) -> list[str]:
    """One note per cause, for the top of the feedback."""
    notes = []
    for cause, names in by_cause(files).items():
        if cause == "is missing":
            notes.append(f"Not found, so their exercises score 0: {', '.join(names)}.")
        elif len(names) == 1:
            notes.append(f"{names[0]} {cause}: nothing in it can run, so its exercises score 0.")
        else:
            notes.append(
                f"{', '.join(names)}: {cause}. Nothing in these files can "
                "run (a file that imports a broken one breaks too), so their exercises score 0."
            )
    return notes


def feedback(record: StudentRecord) -> str:
    """The student's feedback: a note per missing or broken file, then what failed per exercise."""
    exercises = record.exercises
    total = sum(e.score for e in exercises)
    possible = sum(e.max_score for e in exercises)
    lines = [f"# Feedback for {record.student}", "", f"Total: **{total:g} / {possible:g}** points.", ""]
    notes = [plain(n) for n in record.notes] + file_notes(file_problems(exercises))
    if notes:
        lines += ["Notes on your submission:", *[f"- {literal(note)}" for note in notes], ""]
    if record.late_hours > 0:
        lines += [f"Submitted {record.late_hours:.1f} hours late: {record.penalty:g}% off the total.", ""]
    chapter = None
    for row in exercises:
        if row.chapter != chapter:
            chapter = row.chapter
            lines += [f"## {chapter}", "", "| exercise | status | points |", "|---|---|---|"]
            lines += [
                f"| {e.exercise} | {e.status} | {e.score:g} / {e.max_score:g} |"
                for e in exercises
                if e.chapter == chapter
            ]
            lines.append("")
    for row in exercises:
        raw = [m for m in row.messages if not file_problem(m)]
        if len(raw) > 1:  # a restart's aftermath only repeats the cause (a time-out, a crash)
            raw = [m for m in raw if "earlier worker" not in m] or raw
        if row.status == "passing" or not raw:  # file problems are the note at the top
            continue
        messages = [plain(m) for m in raw]
        lines += [f"### {row.chapter} {row.exercise}: {row.passed}/{row.tests} checks passed", ""]
        lines += [f"- {literal(message)}" for message in messages[:3]]
        if len(messages) > 3:
            lines.append(f"- ... and {len(messages) - 3} more")
        named = next((d for d in record.diagnoses if (d.chapter, d.exercise) == (row.chapter, row.exercise)), None)
        if named:
            lines += ["", f"This looks like a known mistake: {named.explain}"]
        lines += ["", f"Hint: {hint(raw)}", ""]
    return "\n".join(lines)


def write_student(folder: Path, record: StudentRecord, visibility: str = "after_published") -> None:
    atomic_write(folder / "feedback.md", feedback(record))
    atomic_write(folder / "results.json", json.dumps(gradescope(record, visibility), indent=1))
    atomic_write(folder / "scores.json", json.dumps(record.to_json(), indent=1))  # last: marks the student done


def read_student(folder: Path) -> StudentRecord | None:
    """The record of a student graded earlier, or None if not (completely, readably) graded."""
    try:
        return StudentRecord.from_json(json.loads((folder / "scores.json").read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def read_class(out: Path) -> dict[str, StudentRecord]:
    """Every student graded into ``out`` so far."""
    records = (read_student(folder) for folder in sorted(out.iterdir()) if folder.is_dir())
    return {r.student: r for r in records if r is not None}


def write_grades(path: Path, records: dict[str, StudentRecord]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", "chapter", "exercise", "score", "max_score", "submitted", "late_hours", "penalty"])
    for student in sorted(records):
        record = records[student]
        late = [record.submitted, f"{record.late_hours:.2f}", f"{record.penalty:g}"]
        for row in record.exercises:
            writer.writerow([student, row.chapter, row.exercise, f"{row.score:g}", f"{row.max_score:g}", *late])
    atomic_write(path, buffer.getvalue())
