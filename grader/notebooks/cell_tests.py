"""The tests of a test cell: which tests, worth what, and the hidden code they need.

Tests keep the text ``solutions/chN/test_*.py`` and ``tests/chN/test_*.py``
give them (marks, fixtures, parametrization); only imports change, to the
files shipped beside the notebook, and ``reference("chN.module")`` becomes
the reference's sources packed into the hidden part.
"""

from __future__ import annotations

import ast
import json
import textwrap
from dataclasses import dataclass

from grader.grading.runner import collect
from grader.notebooks.notebook_runner import pack_sources
from grader.notebooks.sources import CourseError, Source, Statement, needed, reference_sources, used
from grader.paths import HIDDEN_TESTS, ROOT, SOLUTIONS

RUNNER_NAME = "dlgrade_runner"
TESTING_NAME = "dlgrade_testing"


# (test file relative to the repository, test function) -> {exercise: points of its cases}
Collected = dict[tuple[str, str], dict[str, float]]


def collected_exercises(chapter: str) -> Collected:
    """(test file relative to the repository, test function) -> {exercise: points of its cases}.

    Asked of pytest, public and hidden tests alike, so exercise marks on single
    parameters (``pytest.param(..., marks=pytest.mark.exercise(...))``) count too.
    """
    folders = [str(f) for f in (SOLUTIONS / chapter, HIDDEN_TESTS / chapter) if f.is_dir()]
    collected = collect(folders)
    if collected.error:
        tail = collected.output.strip().splitlines()[-1:] or ["no output"]
        raise CourseError(f"cannot collect the tests of {chapter}: {collected.error}: {tail[0]}")
    found: Collected = {}
    for test in collected.tests:
        path, _, name = test.nodeid.partition("::")
        per_exercise = found.setdefault((path, name.split("[")[0]), {})
        per_exercise[test.exercise] = per_exercise.get(test.exercise, 0.0) + test.points
    return found


@dataclass
class TestFunction:
    name: str
    exercises: dict[str, float]  # exercise -> points of this function's cases for it
    text: str  # the function as written, marks included
    uses: set[str]
    node: ast.FunctionDef


def test_functions(source: Source, collected: Collected) -> list[TestFunction]:
    """The test functions of a test file, with their exercises, as written (marks and all)."""
    rel = source.path.relative_to(ROOT).as_posix()
    found = []
    for statement in source.statements:
        node = statement.node
        if isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            raise CourseError(f"{rel}: test classes ({node.name}) are not supported in notebooks; use functions")
        if not isinstance(node, ast.FunctionDef) or not node.name.startswith("test"):
            continue
        exercises = collected.get((rel, node.name), {})
        if not exercises:
            raise CourseError(f'{rel}: {node.name} has no @pytest.mark.exercise("name") mark')
        uses = used(node) | {a.arg for a in node.args.args}  # fixtures: `layers = implementation_of(...)`
        found.append(TestFunction(node.name, exercises, statement.text, uses, node))
    return found


def rewrite_import(statement: Statement, rel: str, hidden: bool) -> str | None:
    """Imports as the notebook needs them: relative ones dropped, grader.testing shipped."""
    node = statement.node
    if isinstance(node, ast.ImportFrom):
        if node.level:
            return None  # the exercise modules' names are the notebook's globals
        if node.module == "grader.testing":
            names = [a for a in node.names if a.name != "reference"]
            parts = [f"from {RUNNER_NAME} import embedded_reference"] if hidden else []
            if names:
                listed = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in names)
                parts.append(
                    "\n".join(textwrap.wrap(f"from {TESTING_NAME} import ({listed})", 110, subsequent_indent="    "))
                )
            return "\n".join(parts)
        if node.module and (node.module == "grader" or node.module.startswith(("grader.", "solutions", "exercises"))):
            raise CourseError(f"{rel}: notebooks cannot import {node.module}; use grader.testing only")
    if isinstance(node, ast.Import) and any(
        a.name.split(".")[0] in ("grader", "solutions", "exercises") for a in node.names
    ):
        raise CourseError(
            f"{rel}: notebooks cannot `import {node.names[0].name}`; use `from grader.testing import ...`"
        )
    return statement.text


def is_autouse(node: ast.stmt) -> bool:
    """A fixture that every test of its module uses without naming it."""
    return isinstance(node, ast.FunctionDef) and any(
        isinstance(d, ast.Call) and any(k.arg == "autouse" and ast.literal_eval(k.value) for k in d.keywords)
        for d in node.decorator_list
    )


def hidden_support(source: Source, uses: set[str]) -> list[tuple[str, ast.stmt]]:
    """The hidden module's statements the given tests need, rewritten for the notebook."""
    rel = source.path.relative_to(ROOT).as_posix()
    support = [
        s for s in source.statements if not (isinstance(s.node, ast.FunctionDef) and s.node.name.startswith("test"))
    ]
    autouse = {name for s in support if is_autouse(s.node) for name in s.defines}
    texts: list[tuple[str, ast.stmt]] = []
    for index in needed(support, uses | autouse | {"pytestmark"}):
        statement = support[index]
        node = statement.node
        value = getattr(node, "value", None)
        if (
            isinstance(node, ast.Assign)
            and isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id == "reference"
        ):
            module = value.args[0].value if value.args and isinstance(value.args[0], ast.Constant) else None
            if not isinstance(module, str) or len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
                raise CourseError(f'{rel}:{node.lineno}: write the reference as `name = reference("chN.module")`')
            packed = pack_sources(reference_sources(module))
            chunks = textwrap.wrap(packed, 100)
            literal = "\n".join(f"    {json.dumps(c)}" for c in chunks)
            texts.append(
                (
                    f"# the reference solution of {module}, packed: this part never reaches a student\n"
                    f"{node.targets[0].id} = embedded_reference({module!r}, (\n{literal}\n))",
                    node,
                )
            )
            continue
        if "reference" in statement.uses and not isinstance(node, ast.ImportFrom):
            raise CourseError(f'{rel}:{node.lineno}: use reference(...) only as `name = reference("chN.module")`')
        text = rewrite_import(statement, rel, hidden=True)
        if text:
            texts.append((text, node))
    return texts
