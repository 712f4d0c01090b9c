"""``totals.csv``: one row per student, ready for a gradebook (Canvas, Moodle).

Columns: ``student_id`` (from the roster, else the folder name), ``folder``,
the points of each chapter, ``total``, ``possible``, ``late_hours``,
``penalty`` (percent), ``final = total * (1 - penalty / 100)`` and
``percent = 100 * final / possible``. A roster is a CSV with columns
``folder`` (a folder name, or a GitHub login: GitHub Classroom names clones
``<assignment>-<login>``) and ``student_id``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from grader.fileio import atomic_write
from grader.grading.outputs import StudentRecord
from grader.paths import chapter_number


def read_roster(path: Path) -> dict[str, str]:
    """``folder -> student_id``; ValueError for a file without those columns."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if not {"folder", "student_id"} <= set(reader.fieldnames or []):
            raise ValueError(f"roster {path}: needs the columns folder,student_id (has {reader.fieldnames})")
        return {row["folder"].strip(): row["student_id"].strip() for row in reader if row["folder"].strip()}


def student_id(folder: str, roster: dict[str, str]) -> str:
    """The roster's id for ``folder`` (exactly, or as ``<assignment>-<login>``), else the folder name."""
    if folder in roster:
        return roster[folder]
    matches = [login for login in roster if folder.endswith(f"-{login}")]
    return roster[max(matches, key=len)] if matches else folder


def write_wide(path: Path, records: dict[str, StudentRecord], roster: dict[str, str]) -> None:
    chapters = sorted({c for r in records.values() for c in r.chapters}, key=chapter_number)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["student_id", "folder", *chapters, "total", "possible", "late_hours", "penalty", "final", "percent"]
    )
    for folder in sorted(records):
        record = records[folder]
        exercises = record.exercises
        per_chapter = [sum(e.score for e in exercises if e.chapter == c) for c in chapters]
        total = sum(e.score for e in exercises)
        possible = sum(e.max_score for e in exercises)
        final = total * (1 - record.penalty / 100)
        percent = 100 * final / possible if possible else 0.0
        writer.writerow(
            [
                student_id(folder, roster),
                folder,
                *[f"{p:g}" for p in per_chapter],
                f"{total:g}",
                f"{possible:g}",
                f"{record.late_hours:.2f}",
                f"{record.penalty:g}",
                f"{final:.2f}",
                f"{percent:.1f}",
            ]
        )
    atomic_write(path, buffer.getvalue())
