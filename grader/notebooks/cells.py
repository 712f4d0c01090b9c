"""A chapter notebook, cell by cell: given code, solution cells, test cells, progress.

``Chapter(chN).build()`` lays out, per module of the chapter (in course
order), a markdown cell from its docstring, locked cells for its code outside
exercises, and per exercise a solution cell and a test cell (see
``grader.notebooks.cell_tests``); other chapters' modules it imports come
first as locked reference cells, and a progress cell comes right after the
introduction.
"""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import nbformat

from grader.authoring.markers import BEGIN, END, has_solutions
from grader.curriculum import MODULE_ORDER
from grader.notebooks.cell_tests import (
    RUNNER_NAME,
    Collected,
    TestFunction,
    collected_exercises,
    hidden_support,
    rewrite_import,
    test_functions,
)
from grader.notebooks.sources import (
    CourseError,
    Source,
    Statement,
    join,
    markdown,
    needed,
    parse_source,
    reference_sources,
)
from grader.paths import HIDDEN_TESTS, ROOT, SOLUTIONS

HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
GUARD = 'if __name__ != "__main__":  # as a module; in the notebook these names are defined above'
RESERVED = {"tests", "ExerciseTests", "embedded_reference", "show_progress"}


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


def _check_test_files(files: list[Source], notebook_names: set[str]) -> None:
    """Test files whose text nbgrader can take and whose names do not shadow the notebook's."""
    for source_file in files:
        where = source_file.path.relative_to(ROOT).as_posix()
        _check_markers(source_file.text, where)
        for statement in source_file.statements:
            clash = (statement.defines & (notebook_names | RESERVED)) - {"np"}
            if clash and not isinstance(statement.node, (ast.Import, ast.ImportFrom)):
                raise CourseError(f"{where}: {sorted(clash)[0]} is also a name of the notebook; rename it")


def _check_marked(tests: list, exercises: list[str], rel: str) -> None:
    """Every test is marked for an exercise of its module."""
    for test in tests:
        for exercise in test.exercises:
            if exercise not in exercises:
                raise CourseError(
                    f"{rel}: {test.name} is marked for exercise {exercise!r}, which is not an exercise of {rel}"
                )


class Chapter:
    """One chapter's notebook, assembled cell by cell."""

    def __init__(self, chapter: str):
        self.chapter = chapter
        self.cells: list = []
        self.points: dict[str, float] = {}  # exercise -> points of its test cell
        self.ungraded: list[str] = []
        self.tested: list[str] = []  # exercises with a test cell, in notebook order
        self.visible_imports: set[str] = set()  # import lines students already see above

    def _sources(self) -> dict[str, str]:
        """Every module the chapter's notebook runs, each after the modules it imports (course
        order otherwise), this chapter's and other chapters' (solutions/ paths)."""
        folder = SOLUTIONS / self.chapter
        names = sorted(p.stem for p in folder.glob("*.py") if p.stem != "__init__" and not p.stem.startswith("test_"))
        order = MODULE_ORDER.get(self.chapter, [])
        sources: dict[str, str] = {}
        for name in sorted(names, key=lambda n: (order.index(n) if n in order else len(order), n)):
            sources.update(reference_sources(f"{self.chapter}.{name}"))
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
            "public tests with pytest and prints one line per check. The progress cell below shows every "
            "exercise's state and the next one to do. Run the notebook from the top (Kernel, Restart & Run All) "
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
        self.cells.insert(1, self._progress_cell())
        return self

    def _progress_cell(self) -> nbformat.NotebookNode:
        """The table of the chapter's exercises and the next one to do, updated by every test cell."""
        text = (
            "# Your progress: run this cell first. Its table updates every time you run a test cell below,\n"
            "# and it names the next exercise to do.\n"
            f"from {RUNNER_NAME} import show_progress\n\n"
            + "\n".join(
                textwrap.wrap(
                    f"show_progress({self.chapter!r}, {self.tested!r})",
                    110,
                    subsequent_indent="    ",
                    break_long_words=False,
                )
            )
        )
        grade_id = f"{self.chapter}-progress"
        return nbformat.v4.new_code_cell(text, id=grade_id, metadata=_meta(grade_id, locked=True))

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
        public_tests = test_functions(public, points) if public else []
        hidden_tests = test_functions(hidden, points) if hidden else []
        _check_test_files([f for f in (public, hidden) if f], set(chapter_names))
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
        _check_marked(public_tests + hidden_tests, exercises, rel)

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
        self.tested.append(exercise)
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
                text = rewrite_import(support[index], public.path.name, hidden=False)
                if text and text not in self.visible_imports:
                    visible.append((text, support[index].node))
                    if isinstance(support[index].node, (ast.Import, ast.ImportFrom)):
                        self.visible_imports.add(text)
            visible += [(t.text, t.node) for t in mine_public]
        text = head + ("\n\n\n" + join(visible) if visible else "")
        if hidden and mine_hidden:
            uses = set().union(*(t.uses for t in mine_hidden))
            hidden_parts = hidden_support(hidden, uses) + [(t.text, t.node) for t in mine_hidden]
            hidden_parts.insert(0, ("tests.begin_hidden()", ast.parse("tests.begin_hidden()").body[0]))
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
