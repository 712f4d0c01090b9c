"""Per-student and per-class files written by ``dlgrade grade``, atomically.

- ``<student>/results.json``: Gradescope's autograder format;
- ``<student>/feedback.md``: per exercise, what failed and a hint (never
  the hidden expected values: messages are the checks' one-liners);
- ``<student>/scores.json``: the exercise rows, read back by ``--resume``;
- ``grades.csv``: ``student,chapter,exercise,score,max_score``.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from grader.fileio import atomic_write
from grader.grading.scoring import ExerciseScore, Outcome
from grader.paths import chapter_number

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


def hint(messages: list[str]) -> str:
    for message in messages:
        for key, text in HINTS.items():
            if key in message:
                return text
    return "Run the public tests of this exercise and read the failing check."


def plain(text: str, limit: int = 300) -> str:
    """Text from a student's code as one literal line of markdown: an inline code span, never markup."""
    line = " ".join(str(text).split())[:limit].replace("`", "'")
    return f"`{line}`" if line else ""


def gradescope(results: list[Outcome], exercises: list[ExerciseScore], seconds: float, notes: list[str]) -> dict:
    chapter_numbers: dict[str, dict[str, int]] = {}
    tests = []
    for result in results:
        number = chapter_numbers.setdefault(result.chapter, {})
        index = number.setdefault(result.exercise, len(number) + 1)
        tests.append(
            {
                "name": f"{result.chapter} {result.exercise}: {result.name}",
                "number": f"{chapter_number(result.chapter)}.{index}",
                "score": result.points if result.passed else 0.0,
                "max_score": result.points,
                "status": "passed" if result.passed else "failed",
                "output": " ".join(result.message.split())[:300],
                "output_format": "text",
                "visibility": "visible",
            }
        )
    total = sum(e.score for e in exercises)
    possible = sum(e.max_score for e in exercises)
    summary = [f"Score {total:g} / {possible:g}."] + [f"- note: {plain(note)}" for note in notes]
    return {
        "score": total,
        "execution_time": round(seconds, 1),
        "output": "\n".join(summary),
        "output_format": "md",
        "visibility": "after_published",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def feedback(student: str, exercises: list[ExerciseScore], notes: list[str]) -> str:
    total = sum(e.score for e in exercises)
    possible = sum(e.max_score for e in exercises)
    lines = [f"# Feedback for {student}", "", f"Total: **{total:g} / {possible:g}** points.", ""]
    if notes:
        lines += ["Notes on your submission:", *[f"- {plain(note)}" for note in notes], ""]
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
        if row.status == "passing":
            continue
        lines += [f"### {row.chapter} {row.exercise}: {row.passed}/{row.tests} checks passed", ""]
        lines += [f"- {plain(message)}" for message in row.messages[:3]]
        if len(row.messages) > 3:
            lines.append(f"- ... and {len(row.messages) - 3} more")
        lines += ["", f"Hint: {hint(row.messages)}", ""]
    return "\n".join(lines)


def write_student(
    folder: Path,
    student: str,
    results: list[Outcome],
    exercises: list[ExerciseScore],
    seconds: float,
    notes: list[str],
) -> None:
    atomic_write(folder / "feedback.md", feedback(student, exercises, notes))
    atomic_write(
        folder / "scores.json",
        json.dumps({"student": student, "notes": notes, "exercises": [e.to_json() for e in exercises]}, indent=1),
    )
    atomic_write(folder / "results.json", json.dumps(gradescope(results, exercises, seconds, notes), indent=1))


def read_student(folder: Path) -> list[ExerciseScore] | None:
    """The rows of a student graded earlier, or None if not (completely) graded."""
    if not (folder / "results.json").exists() or not (folder / "scores.json").exists():
        return None
    data = json.loads((folder / "scores.json").read_text(encoding="utf-8"))
    return [ExerciseScore.from_json(row) for row in data["exercises"]]


def write_grades(path: Path, grades: dict[str, list[ExerciseScore]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", "chapter", "exercise", "score", "max_score"])
    for student in sorted(grades):
        for row in grades[student]:
            writer.writerow([student, row.chapter, row.exercise, f"{row.score:g}", f"{row.max_score:g}"])
    atomic_write(path, buffer.getvalue())
