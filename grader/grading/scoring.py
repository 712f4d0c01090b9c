"""Scores from reports: every expected test counts, missing ones score zero.

The expected tests come from collecting the hidden suites (trusted code);
a student's run only supplies outcomes. Exit codes are never consulted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from grader.curriculum import sort_key

PASSED = "passed"


@dataclass
class TestResult:
    nodeid: str
    chapter: str
    module: str
    exercise: str
    points: float
    passed: bool
    message: str

    @property
    def name(self) -> str:
        return self.nodeid.split("::", 1)[-1]


@dataclass
class ExerciseScore:
    chapter: str
    module: str
    exercise: str
    score: float
    max_score: float
    passed: int
    tests: int
    messages: list[str]

    @property
    def status(self) -> str:
        if self.passed == self.tests:
            return "passing"
        if self.passed == 0 and self.messages and all(m.startswith("not started") for m in self.messages):
            return "not started"
        return "failing"


def same_problem(message: str, other: str) -> bool:
    """Two failure messages that differ only in the measured error."""
    return message.split(" (largest")[0] == other.split(" (largest")[0]


def score_tests(expected: list[dict], reported: list[dict], problem: str = "") -> list[TestResult]:
    """One TestResult per expected test; unreported tests fail with ``problem`` or 'did not report'."""
    outcomes = {t["nodeid"]: t for t in reported}
    results = []
    for test in expected:
        got = outcomes.get(test["nodeid"])
        passed = bool(got) and got["outcome"] == PASSED and not problem
        message = "" if passed else (problem or (got["message"] if got else "did not report"))
        results.append(
            TestResult(
                test["nodeid"],
                test["chapter"],
                test["module"],
                test["exercise"],
                float(test["points"]),
                passed,
                message,
            )
        )
    return results


def by_exercise(results: list[TestResult]) -> list[ExerciseScore]:
    """Exercise totals in course order (first appearance within a module)."""
    table: dict[tuple[str, str], ExerciseScore] = {}
    for result in results:
        row = table.setdefault(
            (result.chapter, result.exercise),
            ExerciseScore(result.chapter, result.module, result.exercise, 0.0, 0.0, 0, 0, []),
        )
        row.max_score += result.points
        row.tests += 1
        if result.passed:
            row.score += result.points
            row.passed += 1
        elif not any(same_problem(result.message, seen) for seen in row.messages):
            row.messages.append(result.message)
    return sorted(table.values(), key=lambda r: sort_key(r.chapter, r.module))


def to_dict(row) -> dict:
    return asdict(row)
