"""Test outcomes and the scores made from them.

``Outcome`` is the one record of what a test found: the pytest plugin makes
one per test, ``--dl-report`` writes them as JSON, ``runner`` reads them
back, and grading, selftest and ``dlgrade check`` use nothing else. Every
expected test counts: the expected tests come from collecting the hidden
suites (trusted code); a student's run only supplies statuses and messages,
and tests it did not report score zero. Exit codes are never consulted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Literal, get_args

from grader.curriculum import sort_key

Status = Literal["passed", "failed", "not started", "not run"]
STATUSES: tuple[Status, ...] = get_args(Status)
ExerciseStatus = Literal["passing", "failing", "not started", "broken"]

NOT_REPORTED = "did not report"
BROKEN_PREFIX = "broken: "  # the message of a test whose module does not import (a student's run)


@dataclass(frozen=True)
class Outcome:
    """One test: where it is, what it is worth, and what it found.

    ``not started``: the code under test still raises the stub's
    NotImplementedError; ``not run``: collected but never run (or never
    reported), which scores like a failure.
    """

    nodeid: str
    chapter: str
    module: str
    exercise: str
    points: float
    status: Status = "not run"
    message: str = NOT_REPORTED

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def name(self) -> str:
        """The test's name within its file (``test_x[case]``)."""
        return self.nodeid.split("::", 1)[-1]

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Outcome:
        """An outcome read from a report; raises ValueError for anything malformed."""
        try:
            outcome = cls(
                str(data["nodeid"]),
                str(data["chapter"]),
                str(data["module"]),
                str(data["exercise"]),
                float(data["points"]),
                data["status"],
                str(data["message"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"malformed test outcome {data!r}: {error}") from None
        if outcome.status not in STATUSES:
            raise ValueError(f"unknown test status {outcome.status!r}")
        return outcome


@dataclass
class ExerciseScore:
    """An exercise's total over its tests (built by ``by_exercise``)."""

    chapter: str
    module: str
    exercise: str
    score: float
    max_score: float
    passed: int
    tests: int
    messages: list[str] = field(default_factory=list)  # distinct problems, first seen first

    @property
    def status(self) -> ExerciseStatus:
        if self.passed == self.tests:
            return "passing"
        if self.passed == 0 and self.messages and all(m.startswith("not started") for m in self.messages):
            return "not started"
        if self.passed == 0 and self.messages and all(m.startswith(BROKEN_PREFIX) for m in self.messages):
            return "broken"
        return "failing"

    @property
    def message(self) -> str:
        """The first problem, or "" when there is none."""
        return self.messages[0] if self.messages else ""

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> ExerciseScore:
        return cls(**data)


def same_problem(message: str, other: str) -> bool:
    """Two failure messages that differ only in the measured error."""
    return message.split(" (largest")[0] == other.split(" (largest")[0]


def score_tests(expected: list[Outcome], reported: list[Outcome], problem: str = "") -> list[Outcome]:
    """The expected tests with the reported statuses; unreported ones fail with ``problem`` or 'did not report'.

    Only status and message come from ``reported``: where a test is, and its
    points, come from the trusted collection.
    """
    outcomes = {t.nodeid: t for t in reported}
    results = []
    for test in expected:
        got = outcomes.get(test.nodeid)
        if problem:
            results.append(replace(test, status="failed", message=problem))
        elif got is None:
            results.append(replace(test, status="not run", message=NOT_REPORTED))
        else:
            results.append(replace(test, status=got.status, message="" if got.passed else got.message))
    return results


def by_exercise(results: list[Outcome]) -> list[ExerciseScore]:
    """Exercise totals in course order (first appearance within a module)."""
    table: dict[tuple[str, str], ExerciseScore] = {}
    for result in results:
        row = table.setdefault(
            (result.chapter, result.exercise),
            ExerciseScore(result.chapter, result.module, result.exercise, 0.0, 0.0, 0, 0),
        )
        row.max_score += result.points
        row.tests += 1
        if result.passed:
            row.score += result.points
            row.passed += 1
        elif not any(same_problem(result.message, seen) for seen in row.messages):
            row.messages.append(result.message)
    return sorted(table.values(), key=lambda r: sort_key(r.chapter, r.module))
