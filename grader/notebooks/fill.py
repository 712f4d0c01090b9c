"""Student modules into a chapter notebook: the inverse of ``grader.notebooks.convert``.

``student_notebook(template, modules)`` takes a chapter notebook (the
instructor's source or the released one) and a student's modules
(``{"ch3/layers.py": text}``) and gives the notebook that student would
hand in: each solution cell holds the student's function or class of that
name (with the helpers they added beside it), test cells hold no hidden tests,
locked cells stay as they are. A module that is missing leaves its cells as
released (stubs); one that does not parse goes whole into its first solution
cell, where it fails as it would in the terminal.

Used to make test submissions: ``dlgrade nbgrader --example-class`` and the
parity check across grading roads.
"""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Callable
from pathlib import Path

import nbformat

from grader.notebooks.convert import GRADE_ID

HIDDEN = re.compile(r"^[^\n]*BEGIN HIDDEN TESTS.*?END HIDDEN TESTS[^\n]*\n?", re.DOTALL | re.MULTILINE)
SOLUTION = re.compile(r"^([ \t]*)### BEGIN SOLUTION.*?### END SOLUTION[^\n]*$", re.DOTALL | re.MULTILINE)


def _meta(cell: nbformat.NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def released(text: str) -> str:
    """A test cell as generate_assignment releases it: hidden-test regions removed."""
    return HIDDEN.sub("", text)


def cleared(text: str) -> str:
    """A solution cell as generate_assignment releases it: each solution region a stub."""
    return SOLUTION.sub(lambda m: f"{m[1]}# YOUR CODE HERE\n{m[1]}raise NotImplementedError()", text)


def _segments(text: str) -> list[tuple[set[str], str]] | None:
    """(names defined, source with decorators and leading comments) of each top-level statement."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    lines = text.splitlines()
    found = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level:
            continue  # another module of the chapter: in the notebook, its names are defined above
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        names = {getattr(node, "name", "")} if hasattr(node, "name") else _assigned(node)
        found.append((names - {""}, "\n".join(lines[first - 1 : node.end_lineno])))
    return found


def _assigned(node: ast.stmt) -> set[str]:
    """Names a statement binds (imports inside it included)."""
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    for child in ast.walk(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in child.names}
    return names


def _locked_names(template: nbformat.NotebookNode, module: str) -> set[str]:
    """Names the template's locked cells of ``chN/module`` define (they are given, not the student's)."""
    names: set[str] = set()
    for cell in template.cells:
        match = GRADE_ID.match(_meta(cell).get("grade_id", "") or "")
        if match and f"{match[1]}/{match[2]}.py" == module and _meta(cell).get("locked"):
            for defined, _ in _segments(cell.source) or []:
                names |= defined
    return names


def _answers(template: nbformat.NotebookNode, module: str, text: str, exercises: list[str]) -> dict[str, str]:
    """exercise -> the cell text the student's module gives it."""
    segments = _segments(text)
    if segments is None:  # a syntax error: the whole file in the first cell, as it stands
        return {exercises[0]: text}
    given = _locked_names(template, module)
    answers: dict[str, str] = {}
    extra: list[str] = []  # the student's own helpers, kept with the next exercise
    for names, source in segments:
        exercise = next((e for e in exercises if e in names), None)
        if exercise:
            answers[exercise] = "\n\n\n".join([*extra, source])
            extra = []
        elif names - given:
            extra.append(source)
    if extra and exercises:
        last = exercises[-1]
        answers[last] = "\n\n\n".join([answers[last], *extra]) if last in answers else "\n\n\n".join(extra)
    return answers


def student_notebook(template: nbformat.NotebookNode, modules: dict[str, str]) -> nbformat.NotebookNode:
    """The notebook a student with these modules hands in (a new notebook; ``template`` unchanged)."""
    notebook = copy.deepcopy(template)
    cells: dict[str, list] = {}
    for cell in notebook.cells:
        meta = _meta(cell)
        if cell.cell_type == "code" and meta.get("grade"):
            cell.source = released(cell.source)
        match = GRADE_ID.match(meta.get("grade_id", "") or "")
        if match and meta.get("solution"):
            cells.setdefault(f"{match[1]}/{match[2]}.py", []).append((match[3], cell))
    for module, found in cells.items():
        text = modules.get(module)
        answers = _answers(template, module, text, [e for e, _ in found]) if text is not None else {}
        for exercise, cell in found:
            cell.source = answers.get(exercise, cleared(cell.source))
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return notebook


def folder_modules(folder: Path, chapter: str) -> dict[str, str]:
    """``{"chN/name.py": text}`` of a submission folder's chapter (tests left out)."""
    root = folder / chapter
    return {
        f"{chapter}/{path.name}": path.read_text(encoding="utf-8")
        for path in sorted(root.glob("*.py"))
        if not path.name.startswith("test_")
    }


def write_student_notebook(template_path: Path, modules: dict[str, str], dest: Path) -> Path:
    """Write the student's notebook for ``modules`` at ``dest``; return ``dest``."""
    template = nbformat.read(str(template_path), as_version=4)
    dest.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(student_notebook(template, modules), str(dest))
    return dest


EXAMPLE_CLASS = ("complete", "partial", "broken")  # examples/submissions/: full marks, some, none


def fill_example_class(
    course_dir: Path, chapters: list[str], examples: Path, log: Callable[[str], object] = print
) -> list[Path]:
    """Hand in the example class's notebooks under ``course_dir/submitted/``; return them.

    Each student of ``examples`` that has a chapter (as a folder of modules)
    gets that chapter's notebook, made from the course's source notebook as a
    student would fill in the released one.
    """
    written = []
    for chapter in chapters:
        template = course_dir / "source" / chapter / f"{chapter}.ipynb"
        for student in EXAMPLE_CLASS:
            if not (examples / student / chapter).is_dir():
                continue
            modules = folder_modules(examples / student, chapter)
            dest = course_dir / "submitted" / student / chapter / f"{chapter}.ipynb"
            written.append(write_student_notebook(template, modules, dest))
            log(f"{dest}: {student}'s {chapter} ({', '.join(sorted(Path(m).name for m in modules))})")
    return written
