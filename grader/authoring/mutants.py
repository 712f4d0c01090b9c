"""The corpus of realistic wrong answers (mutants of the reference).

``tests/mutants/chN.toml`` lists entries like::

    [[mutant]]
    file = "ch3/layers.py"
    description = "affine_backward: db not summed over the batch"
    find = "db = dout.sum(axis=0)"
    replace = "db = dout[0]"
    explain = "Your db is the upstream gradient of the first example only: ..."

``explain`` is what a student whose code behaves like the entry reads
(``grader.diagnosis``); ``exercise`` names the entry's exercise where the
description does not start with it. ``find`` must occur exactly once in the reference file. Applying a mutant
writes a copy of the whole solutions tree with that one edit, which the
hidden suites then grade like any submission folder.
"""

from __future__ import annotations

import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

from grader.paths import MUTANTS, SOLUTIONS


@dataclass(frozen=True)
class Mutant:
    chapter: str
    file: str
    description: str
    find: str
    replace: str
    slow: bool = False  # only costs time (e.g. exponential recursion): caught by time limits, not by values
    explain: str = ""  # for the student whose code behaves like this: what it does, why it is wrong, what to revisit
    exercise: str = ""  # the exercise it belongs to, where the description does not start with its name
    indistinct: str = ""  # why the tests' inputs cannot tell it from another entry (selftest accepts it)
    unsteady: str = ""  # why its wrong values change from run to run (never used to name a mistake)

    @property
    def module(self) -> str:
        return Path(self.file).stem


class CorpusError(ValueError):
    """A corpus entry that does not apply to the reference."""


def load(chapter: str, corpus: Path = MUTANTS) -> list[Mutant]:
    """The wrong answers for one chapter (none if it has no corpus file)."""
    path = corpus / f"{chapter}.toml"
    if not path.exists():
        return []
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("mutant", [])
    return [
        Mutant(
            chapter,
            e["file"],
            e["description"],
            e["find"],
            e["replace"],
            bool(e.get("slow", False)),
            str(e.get("explain", "")),
            str(e.get("exercise", "")),
            str(e.get("indistinct", "")),
            str(e.get("unsteady", "")),
        )
        for e in entries
    ]


def mutated_source(mutant: Mutant, solutions: Path = SOLUTIONS) -> str:
    text = (solutions / mutant.file).read_text(encoding="utf-8")
    count = text.count(mutant.find)
    if count != 1:
        raise CorpusError(f"{mutant.chapter}: '{mutant.description}': `find` occurs {count} times in {mutant.file}")
    if mutant.find == mutant.replace:
        raise CorpusError(f"{mutant.chapter}: '{mutant.description}': replace equals find")
    return text.replace(mutant.find, mutant.replace)


def write_submission(mutant: Mutant, dest: Path, solutions: Path = SOLUTIONS) -> Path:
    """Copy the reference to ``dest`` with the mutant applied; return ``dest``."""
    source = mutated_source(mutant, solutions)
    shutil.copytree(solutions, dest, ignore=shutil.ignore_patterns("__pycache__", "test_*.py"))
    (dest / mutant.file).write_text(source, encoding="utf-8")
    return dest
