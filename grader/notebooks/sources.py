"""Python sources as the notebook builder sees them: top-level statements and the modules they import.

``parse_source`` splits a file into statements (with the comments that lead
or close them) and the names each defines and uses; ``needed`` follows those
names; ``reference_sources`` gathers a reference module with every module it
imports relatively. Nothing here knows about cells or nbgrader.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from grader.authoring.imports import relative_imports as imported_relatively
from grader.authoring.markers import remove_markers
from grader.errors import CommandError
from grader.paths import ROOT, SOLUTIONS


class CourseError(CommandError):
    """The sources cannot be turned into a course; the message says why."""


@dataclass
class Statement:
    """One top-level statement of a source file, with its text and names."""

    node: ast.stmt
    text: str
    defines: set[str]
    uses: set[str]
    lines: tuple[int, int] = (0, 0)  # first and last line in the file, leading and closing comments included


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


def used(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _body_end(lines: list[str], end: int) -> int:
    """The last line of a statement, counting the indented comments that close its body
    (``### END SOLUTION`` after a function's last line belongs to the function)."""
    last, index = end, end
    while index < len(lines) and (not lines[index].strip() or lines[index][:1].isspace()):
        if lines[index].strip().startswith("#"):
            last = index + 1
        elif lines[index].strip():
            break
        index += 1
    return last


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
        last = _body_end(lines, node.end_lineno or node.lineno)
        text = "\n".join(lines[first - 1 : last])
        source.statements.append(Statement(node, text, _defined(node), used(node), (first, last)))
        previous_end = last
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


def relative_imports(rel: str, text: str) -> list[str]:
    """The modules (paths under solutions/) that the module ``rel`` imports relatively."""
    found = []
    for node, target in imported_relatively(ast.parse(text), rel.split("/")[:-1]):
        found += (
            ["/".join(target) + ".py"] if node.module else ["/".join([*target, a.name]) + ".py" for a in node.names]
        )
    return found


def reference_sources(module: str) -> dict[str, str]:
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
        for imported in relative_imports(rel, text):
            visit(imported)
        files[rel] = text

    visit(module.replace(".", "/") + ".py")
    return files
