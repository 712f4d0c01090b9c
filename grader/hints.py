"""``dlgrade hint EXERCISE``: hints in three levels, one more each time you ask.

Each chapter keeps its hints in ``chN/hints.toml``, one table per exercise:
``idea`` (what the computation is about), ``maths`` (the formulas to
derive or use) and ``shapes`` (the array bookkeeping). None of them is
code. What a student has already seen is remembered in
``.dlgrade/hints.json``, so the next call shows one level more.
"""

from __future__ import annotations

import argparse
import difflib
import json
import textwrap
import tomllib
from pathlib import Path

from grader.catalog import chapter_exercises
from grader.errors import EXIT_OK, CommandError
from grader.history import folder
from grader.paths import EXERCISES, ROOT, chapters

LEVELS = (("idea", "The idea"), ("maths", "The maths"), ("shapes", "The shapes"))
FILE = "hints.toml"
STATE = "hints.json"


class HintError(CommandError):
    """An exercise that does not exist or a hints file that cannot be read (exit status 2)."""


def load(chapter_dir: Path) -> dict[str, dict[str, str]]:
    """The hints of one chapter: exercise -> {level key -> text}; {} without a hints file."""
    path = chapter_dir / FILE
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise HintError(f"{path.relative_to(chapter_dir.parent.parent)} cannot be read: {error}") from None
    return {name: table for name, table in data.items() if isinstance(table, dict)}


def find(exercise: str, base: Path = EXERCISES) -> tuple[str, str, dict[str, str]]:
    """(chapter, module, hints) of ``exercise``; the hints are {} where none are written yet."""
    known: list[str] = []
    for chapter in chapters(base):
        declared = {d.exercise: d for d in chapter_exercises(base / chapter)}
        if exercise in declared:
            return chapter, declared[exercise].module, load(base / chapter).get(exercise, {})
        known += declared
    close = difflib.get_close_matches(exercise, known, n=3)
    suggestion = f"; did you mean {' or '.join(close)}?" if close else ""
    raise HintError(f"no exercise named {exercise!r}{suggestion}")


def _state_file(root: Path) -> Path:
    return folder(root) / STATE


def seen(root: Path) -> dict[str, int]:
    try:
        data = json.loads(_state_file(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, int)} if isinstance(data, dict) else {}


def remember(root: Path, exercise: str, level: int) -> None:
    state = seen(root)
    if level:
        state[exercise] = level
    else:
        state.pop(exercise, None)
    try:
        folder(root).mkdir(exist_ok=True)
        _state_file(root).write_text(json.dumps(state, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    except OSError:
        pass


def render(exercise: str, where: str, hints: dict[str, str], level: int) -> str:
    """Levels 1..``level`` of the hints, each under its heading."""
    parts = [f"{exercise} ({where}): hint {level} of {len(LEVELS)}", ""]
    for number, (key, title) in enumerate(LEVELS[:level], start=1):
        parts.append(f"{number}. {title}")
        for paragraph in hints.get(key, "").strip().split("\n\n"):
            parts.append(
                textwrap.fill(" ".join(paragraph.split()), width=88, initial_indent="   ", subsequent_indent="   ")
            )
        parts.append("")
    if level < len(LEVELS):
        parts.append(f"Run `dlgrade hint {exercise}` again for the next level ({LEVELS[level][1].lower()}).")
    else:
        parts.append("That was the last hint: the rest is yours to work out. The docstring says what is graded.")
    return "\n".join(parts)


def hint(exercise: str, root: Path = ROOT, base: Path = EXERCISES, reset: bool = False) -> str:
    """The text to show, after recording that one more level was revealed."""
    chapter, module, hints = find(exercise, base)
    where = f"{chapter}/{module}.py"
    if reset:
        remember(root, exercise, 0)
        return f"Hints for {exercise} hidden again."
    if not hints:
        return f"{exercise} ({where}): no hints for this exercise yet. Its docstring is the specification."
    level = min(seen(root).get(exercise, 0) + 1, len(LEVELS))
    remember(root, exercise, level)
    return render(exercise, where, hints, level)


def run(args: argparse.Namespace) -> int:
    """``dlgrade hint EXERCISE [--reset]``."""
    print(hint(args.exercise, reset=args.reset))
    return EXIT_OK
