"""Generate ``exercises/`` from ``solutions/`` (the one source).

Solution modules lose their solution blocks (see ``markers``); public tests,
hints and package files are copied. Every generated Python file starts with
a header for the student who opens it (the same header in the student
repository, so it never talks about how the file is made: ``sync --check``
guards the copies here). ``check`` reports any difference without writing.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from grader.authoring.markers import strip_solutions
from grader.errors import EXIT_FAILURES, EXIT_OK
from grader.paths import EXERCISES, SOLUTIONS, source_files


def header(rel: str) -> str:
    """The first lines of the generated ``exercises/<rel>`` (``rel`` like ``ch3/layers.py``)."""
    name = rel.rsplit("/", 1)[-1]
    if name.startswith("test_"):
        return f"# Public tests: `pytest exercises/{rel}` runs them; `dlgrade check` shows your progress.\n"
    if name == "__init__.py":
        return "# Course exercises: see README.md.\n"
    chapter = rel.split("/", 1)[0]
    return (
        "# Fill in each part that raises NotImplementedError; the docstrings say what to compute.\n"
        f"# `pytest exercises/{chapter}` checks your work, `dlgrade hint NAME` gives a hint.\n"
    )


def render(path: Path, solutions: Path = SOLUTIONS) -> str:
    """The exercise text generated from one file of ``solutions``."""
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        return text
    source = path.relative_to(solutions.parent).as_posix()
    if not path.name.startswith("test_") and path.name != "__init__.py":
        text = strip_solutions(text, source)
    return header(path.relative_to(solutions).as_posix()) + text


def expected_tree(solutions: Path = SOLUTIONS) -> dict[str, str]:
    """Relative path -> generated text, for the whole exercise tree."""
    return {p.relative_to(solutions).as_posix(): render(p, solutions) for p in source_files(solutions)}


def differences(solutions: Path = SOLUTIONS, exercises: Path = EXERCISES) -> list[str]:
    """Human-readable list of what ``sync`` would change."""
    expected = expected_tree(solutions)
    actual = {p.relative_to(exercises).as_posix(): p for p in source_files(exercises)} if exercises.exists() else {}
    problems = []
    for rel, text in expected.items():
        if rel not in actual:
            problems.append(f"missing: exercises/{rel}")
        elif actual[rel].read_text(encoding="utf-8") != text:
            problems.append(f"out of date: exercises/{rel}")
    problems += [f"not generated from solutions/: exercises/{rel}" for rel in actual if rel not in expected]
    return problems


def sync(solutions: Path = SOLUTIONS, exercises: Path = EXERCISES) -> list[str]:
    """Write the exercise tree; return the relative paths that changed."""
    expected = expected_tree(solutions)
    changed = []
    for rel, text in expected.items():
        target = exercises / rel
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            changed.append(rel)
    for path in source_files(exercises) if exercises.exists() else []:
        rel = path.relative_to(exercises).as_posix()
        if rel not in expected:
            path.unlink()
            changed.append(rel)
    return changed


def run(args: argparse.Namespace) -> int:
    """``dlgrade sync [--check]``."""
    if args.check:
        problems = differences()
        for problem in problems:
            print(problem)
        if problems:
            print("exercises/ differs from what solutions/ generates: run `dlgrade sync` and commit.")
            return EXIT_FAILURES
        print("exercises/ is up to date with solutions/.")
        return EXIT_OK
    changed = sync()
    print(f"regenerated {len(changed)} file(s) in exercises/" + "".join(f"\n  {c}" for c in changed))
    return EXIT_OK
