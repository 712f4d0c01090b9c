"""When a submission came in, and what being late costs.

The time comes from nbgrader's ``timestamp.txt`` (in the student's folder or
an assignment folder in it) or, for a clone that is its own git repository
(GitHub Classroom), from its last commit. Like nbgrader's late plugins the
penalty applies to the total: ``penalty = min(100, ceil(hours / 24) * percent_per_day)``.
"""

from __future__ import annotations

import math
import subprocess
from datetime import UTC, datetime
from pathlib import Path

NBGRADER_FORMATS = ("%Y-%m-%d %H:%M:%S.%f %Z", "%Y-%m-%d %H:%M:%S %Z", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S")


def parse_time(text: str) -> datetime:
    """An ISO or nbgrader time; one without a zone is taken as UTC. ValueError if neither."""
    text = text.strip()
    for parse in [datetime.fromisoformat, *[lambda t, f=f: datetime.strptime(t, f) for f in NBGRADER_FORMATS]]:
        try:
            moment = parse(text)
        except ValueError:
            continue
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    raise ValueError(f"not a date and time: {text!r} (use e.g. 2026-11-20T23:59+01:00)")


def _git_time(folder: Path) -> datetime | None:
    """The last commit's time, only where ``folder`` is the top of its own repository."""
    try:
        top = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--show-toplevel"], capture_output=True, text=True, timeout=30
        )
        if top.returncode or Path(top.stdout.strip()).resolve() != folder.resolve():
            return None
        log = subprocess.run(
            ["git", "-C", str(folder), "log", "-1", "--format=%cI"], capture_output=True, text=True, timeout=30
        )
        return parse_time(log.stdout) if log.returncode == 0 and log.stdout.strip() else None
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


def submission_time(folder: Path) -> datetime | None:
    """When ``folder`` was submitted (the latest nbgrader timestamp, else its git commit), or None."""
    stamps = []
    for stamp in [folder / "timestamp.txt", *sorted(folder.glob("*/timestamp.txt"))]:
        if stamp.is_file() and not stamp.is_symlink():
            try:
                stamps.append(parse_time(stamp.read_text(encoding="utf-8", errors="replace")[:100]))
            except ValueError:
                continue
    return max(stamps) if stamps else _git_time(folder)


def lateness(submitted: datetime | None, deadline: datetime | None, percent_per_day: float) -> tuple[float, float]:
    """Hours late and the penalty in percent of the total (0, 0 when on time or unknown)."""
    if submitted is None or deadline is None or submitted <= deadline:
        return 0.0, 0.0
    hours = (submitted - deadline).total_seconds() / 3600
    return hours, float(min(100.0, math.ceil(hours / 24) * percent_per_day))
