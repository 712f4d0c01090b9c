"""A student's progress over time, kept in ``.dlgrade/`` of their repository.

Every run of the public tests appends one line to ``.dlgrade/history.jsonl``:
when it ran and the status of each exercise it ran. ``dlgrade check
--history`` turns that into a timeline per exercise. The folder is local
(git ignores it) and never needed: a missing or damaged file is an empty
history.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from grader.grading.scoring import ExerciseScore

FOLDER = ".dlgrade"
HISTORY = "history.jsonl"


def folder(root: Path) -> Path:
    return Path(root) / FOLDER


def record(root: Path, rows: list[ExerciseScore], when: datetime | None = None) -> None:
    """Append one run: ``{"time": ISO, "status": {"ch3/affine_forward": "passing", ...}}``."""
    if not rows or os.environ.get("DLGRADE_NO_HISTORY"):
        return
    when = when or datetime.now(UTC)
    line = {
        "time": when.astimezone().isoformat(timespec="seconds"),
        "status": {f"{r.chapter}/{r.exercise}": r.status for r in rows},
    }
    try:
        folder(root).mkdir(exist_ok=True)
        with open(folder(root) / HISTORY, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(line) + "\n")
    except OSError:  # a read-only checkout still runs its tests
        pass


def runs(root: Path) -> list[dict]:
    """Every recorded run, oldest first; unreadable lines are skipped."""
    try:
        text = (folder(root) / HISTORY).read_text(encoding="utf-8")
    except OSError:
        return []
    found = []
    for line in text.splitlines():
        try:
            run = json.loads(line)
        except ValueError:
            continue
        if isinstance(run, dict) and isinstance(run.get("status"), dict) and isinstance(run.get("time"), str):
            found.append(run)
    return found


def timelines(root: Path, chapter: str | None = None) -> dict[str, list[tuple[str, str]]]:
    """``"ch3/affine_forward"`` -> [(time, status), ...]: each change of status, in order of first appearance."""
    lines: dict[str, list[tuple[str, str]]] = {}
    for run in runs(root):
        for key, status in run["status"].items():
            if chapter and not key.startswith(chapter + "/"):
                continue
            seen = lines.setdefault(key, [])
            if not seen or seen[-1][1] != status:
                seen.append((run["time"], status))
    return lines
