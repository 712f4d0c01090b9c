"""Find students' submissions.

Layouts accepted: chapter folders at the top (``alice/ch3/layers.py``)
or under ``exercises/``, chapter notebooks (``alice/ch3.ipynb``), and nbgrader's
``submitted/<student>/<assignment>/<assignment>.ipynb``. Copying them safely
into a private folder is ``grader.staging``'s job.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class Submission:
    student: str
    folder: Path
    problem: str = ""  # why nothing of it can be graded


def is_nbgrader_submitted(path: Path) -> bool:
    return path.name == "submitted" and path.is_dir()


def discover(paths: list[Path]) -> list[Submission]:
    """One Submission per student named on the command line (or under nbgrader's submitted/)."""
    found: list[Submission] = []
    for path in paths:
        if is_nbgrader_submitted(path):
            found += [Submission(child.name, child) for child in sorted(path.iterdir()) if child.is_dir()]
        elif path.is_dir():
            found.append(Submission(path.name, path))
        else:
            found.append(Submission(path.name or str(path), path, f"{path}: no such folder"))
    return found
