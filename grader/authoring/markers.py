"""Turn reference code into exercise stubs.

Each student part of a solution module sits between nbgrader's markers::

    def relu_forward(x):
        \"\"\"...docstring...\"\"\"
        ### BEGIN SOLUTION
        out = np.maximum(0, x)
        ### END SOLUTION
        return out, x

In the stub the whole block becomes one line at the block's indentation,
``raise NotImplementedError("relu_forward: not started ...")``, naming the
function (or ``Class.method``) that encloses it. Everything outside the
markers is kept, so a stub still imports and its docstring is the full
specification.
"""

from __future__ import annotations

import ast

from grader.errors import CommandError

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
NOT_STARTED = "not started, see its docstring"


class MarkerError(CommandError, ValueError):
    """A solution file whose markers are unbalanced or misplaced."""


def _scopes(tree: ast.AST, prefix: str = "") -> list[tuple[int, int, str]]:
    """(first line, last line, dotted name) of every function and class."""
    scopes = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            name = prefix + node.name
            scopes.append((node.lineno, node.end_lineno or node.lineno, name))
            scopes.extend(_scopes(node, name + "."))
    return scopes


def _enclosing(scopes: list[tuple[int, int, str]], lineno: int, filename: str) -> str:
    inside = [(first, name) for first, last, name in scopes if first < lineno <= last]
    if not inside:
        raise MarkerError(f"{filename}:{lineno}: solution block outside any function or class")
    return max(inside)[1]


def strip_solutions(source: str, filename: str = "<source>") -> str:
    """Return ``source`` with every solution block replaced by a stub raise."""
    scopes = _scopes(ast.parse(source, filename))
    out: list[str] = []
    in_block = False
    for lineno, line in enumerate(source.splitlines(keepends=True), start=1):
        stripped = line.strip()
        if stripped.startswith(BEGIN):
            if in_block:
                raise MarkerError(f"{filename}:{lineno}: nested {BEGIN}")
            in_block = True
            indent = line[: len(line) - len(line.lstrip())]
            name = _enclosing(scopes, lineno, filename)
            out.append(f'{indent}raise NotImplementedError("{name}: {NOT_STARTED}")\n')
        elif stripped.startswith(END):
            if not in_block:
                raise MarkerError(f"{filename}:{lineno}: {END} without {BEGIN}")
            in_block = False
        elif not in_block:
            out.append(line)
    if in_block:
        raise MarkerError(f"{filename}: {BEGIN} never closed")
    return "".join(out)


def remove_markers(source: str) -> str:
    """Return ``source`` with the marker lines dropped and the solutions kept."""
    return "".join(line for line in source.splitlines(keepends=True) if not line.strip().startswith((BEGIN, END)))


def has_solutions(source: str) -> bool:
    return any(line.strip().startswith(BEGIN) for line in source.splitlines())
