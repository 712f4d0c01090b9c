"""``report.html``: where did the class struggle?

Two matplotlib figures embedded as PNG: the distribution of students'
scores (as % of the points) per exercise, and per chapter; then a table of
every student's chapter totals.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from grader.fileio import atomic_write
from grader.grading.scoring import ExerciseScore


def _png(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _image(alt: str, png: str) -> str:
    return f"<img alt='{alt}' src='data:image/png;base64,{png}'>"


def _percent(score: float, possible: float) -> float:
    return 100.0 * score / possible if possible else 0.0


def _boxes(title: str, labels: list[str], values: list[list[float]]) -> str:
    figure, axes = plt.subplots(figsize=(9, 0.32 * len(labels) + 1.2))
    axes.boxplot(values, vert=False, tick_labels=labels, widths=0.6)
    for row, points in enumerate(values, start=1):
        axes.scatter(points, [row] * len(points), s=12, alpha=0.5, color="tab:blue")
    axes.set_xlim(-5, 105)
    axes.invert_yaxis()
    axes.set_xlabel("score (% of the points)")
    axes.set_title(title)
    return _png(figure)


def write_report(path: Path, grades: dict[str, list[ExerciseScore]], problems: dict[str, list[str]]) -> None:
    students = sorted(grades)
    exercises: dict[tuple[str, str], list[float]] = {}
    chapters: dict[str, dict[str, list[float]]] = {}
    for student in students:
        for row in grades[student]:
            exercises.setdefault((row.chapter, row.exercise), []).append(_percent(row.score, row.max_score))
            totals = chapters.setdefault(row.chapter, {}).setdefault(student, [0.0, 0.0])
            totals[0] += row.score
            totals[1] += row.max_score
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>Class report</title>",
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 8px;text-align:right}"
        "th:first-child,td:first-child{text-align:left}</style></head><body>",
        f"<h1>Class report</h1><p>{len(students)} students graded.</p>",
    ]
    if exercises:
        labels = [f"{chapter} {name}" for chapter, name in exercises]
        parts.append("<h2>Score distribution per exercise</h2>")
        parts.append(_image("per exercise", _boxes("Per exercise", labels, list(exercises.values()))))
        chapter_values = [[_percent(*t) for t in per_student.values()] for per_student in chapters.values()]
        parts.append("<h2>Score distribution per chapter</h2>")
        parts.append(_image("per chapter", _boxes("Per chapter", list(chapters), chapter_values)))
    parts.append(
        "<h2>Students</h2><table><tr><th>student</th>"
        + "".join(f"<th>{html.escape(c)}</th>" for c in chapters)
        + "<th>total</th></tr>"
    )
    for student in students:
        cells = []
        for chapter in chapters:
            score, possible = chapters[chapter].get(student, [0.0, 0.0])
            cells.append(f"<td>{score:g} / {possible:g}</td>")
        total = sum(r.score for r in grades[student])
        possible = sum(r.max_score for r in grades[student])
        parts.append(f"<tr><td>{html.escape(student)}</td>{''.join(cells)}<td>{total:g} / {possible:g}</td></tr>")
    parts.append("</table>")
    if any(problems.values()):
        parts.append("<h2>Problems with submissions</h2><ul>")
        parts += [f"<li>{html.escape(s)}: {html.escape(p)}</li>" for s, ps in sorted(problems.items()) for p in ps]
        parts.append("</ul>")
    parts.append("</body></html>")
    atomic_write(path, "\n".join(parts))
