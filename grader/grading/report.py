"""``report.html``: who struggles with what, and why, at a glance.

One self-contained page (no network): a student × exercise heatmap of the
share of points (sortable by total or name), then per exercise the share of
students passing it and its most common failure messages (counted), then per
student a link to their feedback, the time grading took and notes (empty,
broken, timed out, late), and the distribution of totals. Every text that
comes from a submission is escaped.
"""

from __future__ import annotations

import base64
import html
import io
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from grader.fileio import atomic_write
from grader.grading.outputs import StudentRecord, by_cause, file_problems, plain
from grader.grading.scoring import ExerciseScore

COMMON_FAILURES = 3  # messages shown per exercise

STYLE = """
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:.5em 0}
td,th{padding:2px 6px;border:1px solid #ddd;text-align:left;vertical-align:top}
th[data-sort]{cursor:pointer;text-decoration:underline dotted}
.heat td.cell{width:2.4em;text-align:center;font-size:.8em}
.heat th.ex{writing-mode:vertical-rl;transform:rotate(180deg);font-weight:normal;font-size:.8em}
.legend span{display:inline-block;width:3.5em;text-align:center;font-size:.8em}
.num{text-align:right}
.note{color:#a33}
"""

SORT_SCRIPT = """
document.querySelectorAll("th[data-sort]").forEach(function (th) {
  th.addEventListener("click", function () {
    var body = th.closest("table").tBodies[0];
    var column = th.cellIndex, numeric = th.dataset.sort === "number";
    var descending = th.dataset.order !== "desc";
    th.dataset.order = descending ? "desc" : "asc";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[column].dataset.value, y = b.cells[column].dataset.value;
      var order = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _percent(score: float, possible: float) -> float:
    return 100.0 * score / possible if possible else 0.0


def _colour(percent: float) -> str:
    """Red (0 %) through yellow to green (100 %)."""
    return f"hsl({1.2 * percent:.0f},70%,{75 if percent < 100 else 65}%)"


def short(message: str) -> str:
    """A failure message without its measured numbers, to count alike ones together."""
    return plain(message).split(" (largest")[0]


def notes(record: StudentRecord) -> list[str]:
    """What an instructor should know about a submission beyond its score."""
    found: list[str] = []
    messages = [short(m) for e in record.exercises for m in e.messages]
    causes = by_cause(file_problems(record.exercises))
    if not any(e.passed for e in record.exercises):
        unwritten = ("is missing", "does not define", "not started")
        found.append(
            "empty: nothing implemented" if all(any(u in m for u in unwritten) for m in messages) else "nothing passes"
        )
    found += [f"missing: {', '.join(files)}" for cause, files in causes.items() if cause == "is missing"]
    found += [f"broken: {', '.join(files)} {cause}" for cause, files in causes.items() if cause != "is missing"]
    if any("took longer" in m for m in messages) or any("stopped early" in n for n in record.notes):
        found.append("timed out")
    if record.late_hours > 0:
        found.append(f"late: {record.late_hours:.1f} h, −{record.penalty:g}%")
    found += [plain(n) for n in record.notes]
    return found


def _heatmap(students: list[str], records: dict[str, StudentRecord], columns: list[tuple[str, str]]) -> str:
    head = "".join(f"<th class='ex' title='{_e(c)} {_e(x)}'>{_e(c)} {_e(x)}</th>" for c, x in columns)
    rows = []
    for student in students:
        cells = {(e.chapter, e.exercise): e for e in records[student].exercises}
        parts = [f"<td data-value='{_e(student)}'>{_e(student)}</td>"]
        for column in columns:
            row = cells.get(column)
            if row is None:
                parts.append("<td class='cell' title='not graded'>·</td>")
                continue
            percent = _percent(row.score, row.max_score)
            why = f": {short(row.message)}" if row.message else ""
            tip = f"{student}, {column[1]}: {row.score:g}/{row.max_score:g}{why}"
            parts.append(f"<td class='cell' style='background:{_colour(percent)}' title='{_e(tip)}'>{percent:.0f}</td>")
        total = _total(records[student])
        parts.append(f"<td class='num' data-value='{total:.3f}'>{total:.0f}%</td>")
        rows.append(f"<tr>{''.join(parts)}</tr>")
    legend = "".join(f"<span style='background:{_colour(p)}'>{p}%</span>" for p in range(0, 101, 25))
    return (
        "<h2 id='heatmap'>Who struggles with what</h2>"
        "<p class='legend'>Each cell: the student's share of an exercise's points. Colour: "
        f"{legend} <span>·</span> not graded. Hover a cell for the first failure. "
        "Click <b>student</b> or <b>total</b> to sort.</p>"
        "<table class='heat'><thead><tr><th data-sort='text'>student</th>"
        f"{head}<th data-sort='number'>total</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _total(record: StudentRecord) -> float:
    exercises = record.exercises
    return _percent(sum(e.score for e in exercises), sum(e.max_score for e in exercises))


def mistake_names() -> dict[str, str]:
    """Each known wrong answer's id -> its description for maintainers (what the mistake is, in short)."""
    from grader.authoring import mutants as corpus
    from grader.diagnosis import mutant_id
    from grader.paths import chapters

    return {mutant_id(m): m.description.split(":", 1)[-1].strip() for c in chapters() for m in corpus.load(c)}


def _mistakes(records: dict[str, StudentRecord]) -> dict[tuple[str, str], str]:
    """Per exercise, the known mistakes diagnosed across the class: ``<li>14 students: ...</li>``."""
    names = mistake_names()
    counts: dict[tuple[str, str], Counter[str]] = {}
    for record in records.values():
        for d in record.diagnoses:
            counts.setdefault((d.chapter, d.exercise), Counter())[d.mistake] += 1
    return {
        column: "".join(
            f"<li>{n} student{'s' if n > 1 else ''}: {_e(names.get(m, 'a known mistake'))}</li>"
            for m, n in found.most_common()
        )
        for column, found in counts.items()
    }


def _exercises(by_column: dict[tuple[str, str], list[ExerciseScore]], mistakes: dict[tuple[str, str], str]) -> str:
    rows = []
    for (chapter, exercise), scores in by_column.items():
        passing = sum(1 for s in scores if s.status == "passing")
        failures = Counter(short(m) for s in scores for m in dict.fromkeys(short(x) for x in s.messages))
        common = "".join(f"<li>{n}× {_e(m)}</li>" for m, n in failures.most_common(COMMON_FAILURES))
        share = _percent(passing, len(scores))
        rows.append(
            f"<tr><td>{_e(chapter)} {_e(exercise)}</td>"
            f"<td class='num' data-value='{share:.3f}'>{passing}/{len(scores)} ({share:.0f}%)</td>"
            f"<td><ul>{common}</ul></td><td><ul>{mistakes.get((chapter, exercise), '')}</ul></td></tr>"
        )
    return (
        "<h2 id='exercises'>Exercises</h2><p>Passing: students with every check of the exercise passing. "
        "Failures: the most common messages, with how many students got each. Known mistakes: failing "
        "exercises that behave exactly like a wrong answer of the course's corpus, with how many students"
        " made each.</p>"
        "<table><thead><tr><th>exercise</th><th data-sort='number'>passing</th>"
        f"<th>most common failures</th><th>known mistakes</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _students(students: list[str], records: dict[str, StudentRecord]) -> str:
    rows = []
    for student in students:
        record = records[student]
        exercises = record.exercises
        total, possible = sum(e.score for e in exercises), sum(e.max_score for e in exercises)
        remarks = "".join(f"<li class='note'>{_e(n)}</li>" for n in notes(record))
        rows.append(
            f"<tr><td data-value='{_e(student)}'><a href='{_e(quote(student))}/feedback.md'>{_e(student)}</a></td>"
            f"<td class='num' data-value='{total:g}'>{total:g} / {possible:g}</td>"
            f"<td class='num' data-value='{record.seconds:.1f}'>{record.seconds:.0f} s</td>"
            f"<td><ul>{remarks}</ul></td></tr>"
        )
    return (
        "<h2 id='students'>Students</h2><p>Each name links to the feedback the student gets.</p>"
        "<table><thead><tr><th data-sort='text'>student</th><th data-sort='number'>points</th>"
        f"<th data-sort='number'>grading time</th><th>notes</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _distribution(totals: list[float]) -> str:
    figure, axes = plt.subplots(figsize=(7, 2.6))
    axes.hist(totals, bins=[i * 10 for i in range(11)], color="tab:blue", edgecolor="white", label="students")
    if totals:
        mean = sum(totals) / len(totals)
        axes.axvline(mean, color="tab:red", linestyle="--", label=f"mean {mean:.0f}%")
    axes.set_xlim(0, 100)
    axes.set_xlabel("total (% of the points)")
    axes.set_ylabel("students")
    axes.legend(loc="upper left")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(figure)
    png = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        "<h2 id='distribution'>Distribution of totals</h2>"
        f"<img alt='histogram of the students\\' totals' src='data:image/png;base64,{png}'>"
    )


def write_report(path: Path, records: dict[str, StudentRecord]) -> None:
    """The class report; it links ``similarity.html`` where one lies beside it."""
    students = sorted(records, key=lambda s: (-_total(records[s]), s))
    by_column: dict[tuple[str, str], list[ExerciseScore]] = {}
    for student in students:
        for row in records[student].exercises:
            by_column.setdefault((row.chapter, row.exercise), []).append(row)
    totals = [_total(records[s]) for s in students]
    mean = sum(totals) / len(totals) if totals else 0.0
    links = "".join(
        f"<a href='#{a}'>{t}</a> · "
        for a, t in [("heatmap", "heatmap"), ("exercises", "exercises"), ("students", "students")]
    )
    similar = (path.parent / "similarity.html").is_file()
    extra = " · <a href='similarity.html'>similarity between submissions</a>" if similar else ""
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Class report</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>Class report</h1><p>{len(students)} students graded; mean total {mean:.0f}%.</p>",
        f"<p>{links}<a href='#distribution'>distribution</a>{extra}</p>",
        _heatmap(students, records, list(by_column)),
        _exercises(by_column, _mistakes(records)),
        _students(students, records),
        _distribution(totals),
        f"<script>{SORT_SCRIPT}</script></body></html>",
    ]
    atomic_write(path, "\n".join(parts))
