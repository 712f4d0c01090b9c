"""``dlgrade nbgrader COURSE_DIR``: an nbgrader course built from the same sources.

For every chapter ``chN`` it writes ``COURSE_DIR/source/chN/chN.ipynb``:

- a markdown cell per module, from the module's docstring;
- a locked code cell for the code outside exercises (imports, helpers,
  constants); relative imports stay, guarded by ``if __name__ != "__main__"``,
  so the same text works in the notebook and in a rebuilt module
  (``grader.notebooks.convert.modules_from_notebook``);
- a solution cell per exercise: the whole function or class, docstring
  included, its student part between nbgrader's own solution markers;
- a test cell per exercise (locked, graded, ``points`` = the sum of the points
  of the exercise's hidden tests in ``tests/chN``, parametrized cases
  counted): the public tests, then the hidden tests and everything they need,
  the reference solution included, inside ``### BEGIN HIDDEN TESTS``.

Beside the notebook go ``dlgrade_runner.py`` (``grader/notebooks/notebook_runner.py``,
which runs a cell's tests against the notebook's globals) and
``dlgrade_testing.py`` (``grader/testing.py``); neither holds a solution or
a hidden test. ``nbgrader_config.py`` sets the course up for headless use.

Why the reference is embedded in the hidden part: nbgrader removes hidden
regions from released notebooks and restores them from its gradebook at
autograde, so whatever sits there reaches the autograder and never a
student, with no course-private folder to keep out of ``release/`` and no
path that breaks when the course folder moves.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from grader.authoring.imports import relative_imports
from grader.authoring.markers import BEGIN, END, has_solutions, remove_markers
from grader.curriculum import MODULE_ORDER
from grader.errors import EXIT_OK, CommandError
from grader.fileio import atomic_write
from grader.grading.runner import collect
from grader.notebooks.notebook_runner import pack_sources
from grader.paths import HIDDEN_TESTS, ROOT, SOLUTIONS, chapters

RUNNER_NAME = "dlgrade_runner"
TESTING_NAME = "dlgrade_testing"
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
CONFIG_HEADER = "# nbgrader configuration written by `dlgrade nbgrader`."
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
GUARD = 'if __name__ != "__main__":  # as a module; in the notebook these names are defined above'
RESERVED = {"tests", "ExerciseTests", "implementation_of", "embedded_reference"}


class CourseError(CommandError):
    """The sources cannot be turned into a course; the message says why."""


# ------------------------------------------------------------------ sources


@dataclass
class Statement:
    """One top-level statement of a source file, with its text and names."""

    node: ast.stmt
    text: str
    defines: set[str]
    uses: set[str]


@dataclass
class Source:
    path: Path
    text: str
    docstring: str
    statements: list[Statement] = field(default_factory=list)


def _defined(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    targets = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        targets = [node.target]
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def _used(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def parse_source(path: Path) -> Source:
    """A Python file split into top-level statements (leading comments attached)."""
    text = path.read_text(encoding="utf-8")
    rel = path.relative_to(ROOT).as_posix()
    try:
        tree = ast.parse(text, rel)
    except SyntaxError as error:
        raise CourseError(f"{rel}:{error.lineno}: syntax error: {error.msg}") from None
    lines = text.splitlines()
    body = list(tree.body)
    docstring = ast.get_docstring(tree) or ""
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    source = Source(path, text, docstring)
    previous_end = body[0].lineno - 1 if body else 0
    if tree.body and body and tree.body[0] is not body[0]:
        previous_end = tree.body[0].end_lineno or previous_end
    for node in body:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        while first - 1 > previous_end and lines[first - 2].strip().startswith("#"):
            first -= 1
        source.statements.append(
            Statement(node, "\n".join(lines[first - 1 : node.end_lineno]), _defined(node), _used(node))
        )
        previous_end = node.end_lineno or node.lineno
    return source


def needed(statements: list[Statement], names: set[str]) -> list[int]:
    """Indexes of the statements that define ``names``, transitively, in order."""
    chosen: set[int] = set()
    todo = set(names)
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        seen.add(name)
        for index, statement in enumerate(statements):
            if name in statement.defines and index not in chosen:
                chosen.add(index)
                todo |= statement.uses - seen
    return sorted(chosen)


def join(parts: Sequence[tuple[str, ast.stmt | None]]) -> str:
    """Statements ``(text, node)`` joined as in a source file: imports together, two blank lines around defs."""
    out = ""
    for index, (text, node) in enumerate(parts):
        if index:
            before, after = parts[index - 1][1], node
            blocky = (ast.FunctionDef, ast.ClassDef, type(None))
            if isinstance(before, (ast.Import, ast.ImportFrom)) and isinstance(after, (ast.Import, ast.ImportFrom)):
                out += "\n"
            elif isinstance(before, blocky) or isinstance(after, blocky):
                out += "\n\n\n"
            else:
                out += "\n\n"
        out += text
    return out


def markdown(docstring: str) -> str:
    """A reStructuredText-ish docstring as markdown (``x`` becomes `x`)."""
    return docstring.replace("``", "`")


# ------------------------------------------------------------------ points


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


# ------------------------------------------------------------------ tests


@dataclass
class TestFunction:
    name: str
    exercises: dict[str, float]  # exercise -> points of this function's cases for it
    text: str  # the function with the exercise mark replaced by the runner's decorator
    uses: set[str]
    node: ast.FunctionDef


def _exercise_mark(node: ast.FunctionDef) -> tuple[ast.expr | None, object, float]:
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Call) and ast.unparse(decorator.func) == "pytest.mark.exercise":
            name = decorator.args[0].value if decorator.args and isinstance(decorator.args[0], ast.Constant) else None
            points = 1.0
            for keyword in decorator.keywords:
                if keyword.arg == "points":
                    points = float(ast.literal_eval(keyword.value))
            return decorator, name, points
    return None, None, 1.0


def test_functions(source: Source, hidden: bool, collected: Collected) -> list[TestFunction]:
    """The test functions of a test file, with their exercises, ready for a cell."""
    rel = source.path.relative_to(ROOT).as_posix()
    lines = source.text.splitlines()
    found = []
    for statement in source.statements:
        node = statement.node
        if isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            raise CourseError(f"{rel}: test classes ({node.name}) are not supported in notebooks; use functions")
        if not isinstance(node, ast.FunctionDef) or not node.name.startswith("test"):
            continue
        mark, exercise, points = _exercise_mark(node)
        exercises = collected.get((rel, node.name), {})
        if not exercises or (mark is not None and not exercise):
            raise CourseError(f'{rel}: {node.name} has no @pytest.mark.exercise("name") mark')
        first = min(d.lineno for d in node.decorator_list)
        last = node.end_lineno or node.lineno
        offset = statement.text.count("\n") - (last - first)  # leading comment lines
        body = lines[first - 1 : last]
        keep = [
            line
            for number, line in enumerate(body, start=first)
            if mark is None or not mark.lineno <= number <= (mark.end_lineno or mark.lineno)
        ]
        decorator = (f"@tests.hidden(points={points:g})" if mark else "@tests.hidden()") if hidden else "@tests.public"
        comments = statement.text.splitlines()[:offset]
        text = "\n".join([*comments, decorator, *keep])
        uses = set().union(
            *(_used(n) for n in [node.args, *node.body]), *(_used(d) for d in node.decorator_list if d is not mark)
        )
        uses |= {a.arg for a in node.args.args}  # fixtures: `layers = implementation_of("ch3.layers")`
        found.append(TestFunction(node.name, exercises, text, uses, node))
    return found


def _rewrite_import(statement: Statement, rel: str, hidden: bool) -> str | None:
    """Imports as the notebook needs them: relative ones dropped, grader.testing shipped."""
    node = statement.node
    if isinstance(node, ast.ImportFrom):
        if node.level:
            return None  # the exercise modules' names are the notebook's globals
        if node.module == "grader.testing":
            names = [a for a in node.names if a.name not in ("implementation_of", "reference")]
            parts = [f"from {RUNNER_NAME} import embedded_reference, implementation_of"] if hidden else []
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


def _relative_imports(rel: str, text: str) -> list[str]:
    """The modules (paths under solutions/) that the module ``rel`` imports relatively."""
    found = []
    for node, target in relative_imports(ast.parse(text), rel.split("/")[:-1]):
        found += (
            ["/".join(target) + ".py"] if node.module else ["/".join([*target, a.name]) + ".py" for a in node.names]
        )
    return found


def _reference_sources(module: str) -> dict[str, str]:
    """The reference module ``chN.name`` and every module it imports relatively, markers removed,
    each after the modules it imports."""
    files: dict[str, str] = {}

    def visit(rel: str) -> None:
        if rel in files:
            return
        path = SOLUTIONS / rel
        if not path.is_file():
            raise CourseError(f"reference module solutions/{rel} does not exist")
        text = remove_markers(path.read_text(encoding="utf-8"))
        for imported in _relative_imports(rel, text):
            visit(imported)
        files[rel] = text

    visit(module.replace(".", "/") + ".py")
    return files


def _hidden_support(source: Source, uses: set[str]) -> list[tuple[str, ast.stmt]]:
    """The hidden module's statements the given tests need, rewritten for the notebook."""
    rel = source.path.relative_to(ROOT).as_posix()
    support = [
        s for s in source.statements if not (isinstance(s.node, ast.FunctionDef) and s.node.name.startswith("test"))
    ]
    texts: list[tuple[str, ast.stmt]] = []
    for index in needed(support, uses):
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
            packed = pack_sources(_reference_sources(module))
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
        text = _rewrite_import(statement, rel, hidden=True)
        if text:
            texts.append((text, node))
    return texts


# ------------------------------------------------------------------ notebook


def _meta(
    grade_id: str, *, solution: bool = False, grade: bool = False, locked: bool = False, points: float | None = None
) -> dict:
    data: dict[str, object] = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
    }
    if grade:
        data["points"] = points
    return {"nbgrader": data}


def _cell_id(text: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_-]", "-", text)[:64]


def _module_code(statement: Statement) -> str:
    """Relative imports guarded, so the text runs both in the notebook and as a module."""
    node = statement.node
    if isinstance(node, ast.ImportFrom) and node.level:
        return GUARD + "\n" + textwrap.indent(statement.text, "    ")
    return statement.text


def _check_markers(text: str, where: str) -> None:
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        for line in text.splitlines():
            if marker in line and line.strip() not in (BEGIN, END):
                raise CourseError(f"{where}: the text {marker!r} would confuse nbgrader: {line.strip()[:80]}")


class Chapter:
    """One chapter's notebook, assembled cell by cell."""

    def __init__(self, chapter: str):
        self.chapter = chapter
        self.cells: list = []
        self.points: dict[str, float] = {}  # exercise -> points of its test cell
        self.ungraded: list[str] = []
        self.visible_imports: set[str] = set()  # import lines students already see above

    def _sources(self) -> dict[str, str]:
        """Every module the chapter's notebook runs, each after the modules it imports (course
        order otherwise), this chapter's and other chapters' (solutions/ paths)."""
        folder = SOLUTIONS / self.chapter
        names = sorted(p.stem for p in folder.glob("*.py") if p.stem != "__init__" and not p.stem.startswith("test_"))
        order = MODULE_ORDER.get(self.chapter, [])
        sources: dict[str, str] = {}
        for name in sorted(names, key=lambda n: (order.index(n) if n in order else len(order), n)):
            sources.update(_reference_sources(f"{self.chapter}.{name}"))
        return sources

    def modules(self) -> list[str]:
        """This chapter's modules, each after those it imports."""
        return [Path(rel).stem for rel in self._sources() if rel.startswith(f"{self.chapter}/")]

    def given(self) -> dict[str, str]:
        """Other chapters' modules this chapter imports: given, reference code in locked cells."""
        return {rel: text for rel, text in self._sources().items() if not rel.startswith(f"{self.chapter}/")}

    def build(self) -> Chapter:
        folder = SOLUTIONS / self.chapter
        init = folder / "__init__.py"
        title = (
            ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) if init.exists() else ""
        ) or self.chapter
        points = collected_exercises(self.chapter)
        intro = (
            f"# {markdown(title)}\n\n"
            "Fill in every cell that says `YOUR CODE HERE`, then run the test cell below it: it runs the "
            "public tests and prints what passed. Run the notebook from the top (Kernel, Restart & Run All) "
            "before you submit. When the notebook is graded, hidden tests run in the same cells; only they "
            "give points."
        )
        self.cells.append(nbformat.v4.new_markdown_cell(intro, id=f"{self.chapter}-intro"))
        for rel, text in self.given().items():
            self._given(rel, text)
        exercise_names = {}
        sources = {name: parse_source(folder / f"{name}.py") for name in self.modules()}
        for name, source in sources.items():
            for statement in source.statements:
                for defined in statement.defines:
                    exercise_names[defined] = name
        public_emitted: set[tuple[str, int]] = set()
        for name, source in sources.items():
            self._module(name, source, points, exercise_names, public_emitted)
        return self

    def _given(self, rel: str, text: str) -> None:
        """A module of an earlier chapter, as given code (its relative imports are the cells above)."""
        statements = [node for node in ast.parse(text).body if not (isinstance(node, ast.ImportFrom) and node.level)]
        code = "\n\n\n".join(
            ast.get_source_segment(text, node) or ""
            for node in statements
            if not (isinstance(node, ast.Expr) and isinstance(getattr(node, "value", None), ast.Constant))
        )
        grade_id = _cell_id(f"given-{rel.removesuffix('.py').replace('/', '_')}")
        self.cells.append(
            nbformat.v4.new_markdown_cell(
                f"Given: `{rel}` from an earlier chapter, which this chapter builds on (reference code; run it).",
                id=_cell_id(f"{grade_id}-doc"),
            )
        )
        self.cells.append(nbformat.v4.new_code_cell(code, id=grade_id, metadata=_meta(grade_id, locked=True)))

    def _module(
        self,
        name: str,
        source: Source,
        points: Collected,
        chapter_names: dict[str, str],
        public_emitted: set[tuple[str, int]],
    ) -> None:
        chapter = self.chapter
        rel = f"{chapter}/{name}.py"
        _check_markers(source.text, f"solutions/{rel}")
        self.cells.append(
            nbformat.v4.new_markdown_cell(
                f"## `{rel}`\n\n{markdown(source.docstring)}".rstrip(), id=_cell_id(f"{chapter}-{name}-doc")
            )
        )
        public_path = SOLUTIONS / chapter / f"test_{name}.py"
        hidden_path = HIDDEN_TESTS / chapter / f"test_{name}.py"
        public = parse_source(public_path) if public_path.exists() else None
        hidden = parse_source(hidden_path) if hidden_path.exists() else None
        public_tests = test_functions(public, hidden=False, collected=points) if public else []
        hidden_tests = test_functions(hidden, hidden=True, collected=points) if hidden else []
        for source_file in (public, hidden):
            if source_file is None:
                continue
            where = source_file.path.relative_to(ROOT).as_posix()
            _check_markers(source_file.text, where)
            for statement in source_file.statements:
                clash = (statement.defines & (set(chapter_names) | RESERVED)) - {"np"}
                if clash and not isinstance(statement.node, (ast.Import, ast.ImportFrom)):
                    raise CourseError(f"{where}: {sorted(clash)[0]} is also a name of the notebook; rename it")
        exercises = []
        pending: list[tuple[str, ast.stmt | None]] = []
        code_index = 0

        def flush() -> None:
            nonlocal code_index, pending
            if pending:
                grade_id = f"{chapter}-{name}-code{code_index}"
                code = join(pending)
                self.cells.append(
                    nbformat.v4.new_code_cell(code, id=_cell_id(grade_id), metadata=_meta(grade_id, locked=True))
                )
                code_index += 1
                pending = []

        for statement in source.statements:
            node = statement.node
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and has_solutions(statement.text):
                flush()
                exercise = node.name
                exercises.append(exercise)
                grade_id = f"{chapter}-{name}-{exercise}"
                self.cells.append(
                    nbformat.v4.new_code_cell(
                        statement.text, id=_cell_id(grade_id), metadata=_meta(grade_id, solution=True)
                    )
                )
                self._tests(name, exercise, public, public_tests, hidden, hidden_tests, points, public_emitted)
            elif has_solutions(statement.text):
                raise CourseError(
                    f"solutions/{rel}:{node.lineno}: solution markers outside a top-level function or class"
                )
            else:
                relative = isinstance(node, ast.ImportFrom) and node.level
                if relative and pending and isinstance(pending[-1][1], ast.ImportFrom) and pending[-1][1].level:
                    pending[-1] = (pending[-1][0] + "\n" + textwrap.indent(statement.text, "    "), node)
                else:
                    pending.append((_module_code(statement), node))
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    self.visible_imports.add(statement.text)
        flush()
        for test in public_tests + hidden_tests:
            for exercise in test.exercises:
                if exercise not in exercises:
                    raise CourseError(
                        f"{name}: {test.name} is marked for exercise {exercise!r}, which is not an exercise of {rel}"
                    )

    def _tests(
        self,
        name: str,
        exercise: str,
        public: Source | None,
        public_tests: list[TestFunction],
        hidden: Source | None,
        hidden_tests: list[TestFunction],
        points: Collected,
        public_emitted: set[tuple[str, int]],
    ) -> None:
        chapter = self.chapter
        mine_public = [t for t in public_tests if exercise in t.exercises]
        mine_hidden = [t for t in hidden_tests if exercise in t.exercises]
        total = sum(t.exercises[exercise] for t in mine_hidden)
        if mine_hidden and total <= 0:
            raise CourseError(f"{chapter}/{name}: pytest collected no case of the hidden tests of {exercise}")
        if not mine_public and not mine_hidden:
            self.ungraded.append(exercise)
            return
        head = (
            f"# Tests of {exercise}: run this cell to check your answer with the public tests.\n"
            f"from {RUNNER_NAME} import ExerciseTests\n\ntests = ExerciseTests({exercise!r}, globals())"
        )
        visible: list[tuple[str, ast.stmt | None]] = []
        if public and mine_public:
            support = [
                s
                for s in public.statements
                if not (isinstance(s.node, ast.FunctionDef) and s.node.name.startswith("test"))
            ]
            uses = set().union(*(t.uses for t in mine_public))
            for index in needed(support, uses):
                key = (public.path.name, index)
                if key in public_emitted:
                    continue
                public_emitted.add(key)
                text = _rewrite_import(support[index], public.path.name, hidden=False)
                if text and text not in self.visible_imports:
                    visible.append((text, support[index].node))
                    if isinstance(support[index].node, (ast.Import, ast.ImportFrom)):
                        self.visible_imports.add(text)
            visible += [(t.text, t.node) for t in mine_public]
        text = head + ("\n\n\n" + join(visible) if visible else "")
        if hidden and mine_hidden:
            uses = set().union(*(t.uses for t in mine_hidden))
            hidden_parts = _hidden_support(hidden, uses) + [(t.text, t.node) for t in mine_hidden]
            text += f"\n\n\n{HIDDEN_BEGIN}\n" + join(hidden_parts) + f"\n{HIDDEN_END}"
        text += "\n\n\ntests.run()"
        grade_id = f"{chapter}-{name}-{exercise}-tests"
        if mine_hidden:
            self.points[exercise] = total
            meta = _meta(grade_id, grade=True, locked=True, points=total)
        else:
            self.ungraded.append(exercise)
            meta = _meta(grade_id, locked=True)
        self.cells.append(nbformat.v4.new_code_cell(text, id=_cell_id(grade_id), metadata=meta))

    def notebook(self) -> nbformat.NotebookNode:
        nb = nbformat.v4.new_notebook(cells=self.cells)
        nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
        nbformat.validate(nb)
        return nb


def build_notebook(chapter: str) -> tuple[nbformat.NotebookNode, dict[str, float], list[str]]:
    """(notebook, points per graded exercise, exercises without hidden tests)."""
    built = Chapter(chapter).build()
    return built.notebook(), built.points, built.ungraded


# ------------------------------------------------------------------ course

CONFIG = (
    CONFIG_HEADER
    + """
# Rebuilding the course rewrites this file unless you remove the line above.
import os

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import ClearHiddenTests, GetGrades

c = get_config()  # noqa: F821 (given by nbgrader)
here = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = here
# The gradebook lives inside the course folder (SQLite: autograde one student at a time).
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(here, "gradebook.db")

# Every cell gets this long at autograde; a test cell runs all of an exercise's hidden tests.
c.Execute.timeout = {timeout}
c.Execute.interrupt_on_timeout = True

# A grade cell a student deleted comes back from the gradebook instead of failing the notebook.
c.OverwriteCells.add_missing_cells = True

# nbgrader scores a test cell 0 when it writes anything to stderr. The test runner
# already prints warnings raised while testing on stdout; this removes whatever
# else reaches stderr (a library's warning, a student's debug print) so that a
# correct answer keeps its points, as with `dlgrade grade`.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"[\\s\\S]"

# A student's runaway print loop must not make the feedback unreadable.
c.LimitOutput.max_lines = 300
c.LimitOutput.max_traceback = 60

# Autograde overwrites every file of source/<chapter>/ in the student's copy with
# the instructor's (dlgrade_runner.py, dlgrade_testing.py): a student cannot
# change how they are graded. Nothing a student writes outside the notebook is
# graded, so no file is excluded from that.
c.Autograde.exclude_overwriting = {{}}

# Stock generate_feedback shows the hidden tests (and the reference they embed):
# remove them from feedback, as generate_assignment does from the release.
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]
"""
)


def config_text(course_id: str = "dlcourse", timeout: int = 300) -> str:
    return CONFIG.format(course_id=course_id, timeout=timeout)


def write_course(
    course_dir: Path, selected: list[str] | None = None, log: Callable[[str], object] = print
) -> dict[str, dict[str, float]]:
    """Write the course; return the points of every graded exercise per chapter."""
    available = chapters()
    selected = selected or available
    unknown = [c for c in selected if c not in available]
    if unknown:
        raise CourseError(f"unknown chapter {unknown[0]} (chapters: {', '.join(available)})")
    if course_dir.exists() and not course_dir.is_dir():
        raise CourseError(f"{course_dir} exists and is not a folder")
    built = {}
    for chapter in selected:
        notebook, points, ungraded = build_notebook(chapter)
        built[chapter] = (notebook, points, ungraded)
    config = course_dir / "nbgrader_config.py"
    if config.exists() and not config.read_text(encoding="utf-8").startswith(CONFIG_HEADER):
        log(f"kept {config} (not written by dlgrade)")
    else:
        atomic_write(config, config_text())
    here = Path(__file__).resolve().parent
    result = {}
    for chapter, (notebook, points, ungraded) in built.items():
        folder = course_dir / "source" / chapter
        atomic_write(folder / f"{chapter}.ipynb", nbformat.writes(notebook) + "\n")
        atomic_write(folder / f"{RUNNER_NAME}.py", (here / "notebook_runner.py").read_text(encoding="utf-8"))
        atomic_write(folder / f"{TESTING_NAME}.py", (here.parent / "testing.py").read_text(encoding="utf-8"))
        result[chapter] = points
        log(
            f"{folder / (chapter + '.ipynb')}: {len(points)} graded exercises, {sum(points.values()):g} points"
            + (f"; not graded (no hidden tests): {', '.join(ungraded)}" if ungraded else "")
        )
    return result


def run(args: argparse.Namespace) -> int:
    write_course(args.course_dir, args.chapters)
    print(f"Next: cd {args.course_dir} && nbgrader generate_assignment <chapter> (see docs/nbgrader.md)")
    return EXIT_OK
