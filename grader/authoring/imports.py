"""Which modules a Python source imports, read from its syntax tree (nothing is run).

The release follows the grader modules the student side imports; the
nbgrader course and the release follow the relative imports between
chapter modules (``from ..ch3.layers import affine_forward``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence


def import_nodes(tree: ast.AST, module_level: bool = False) -> Iterator[ast.Import | ast.ImportFrom]:
    """Import statements; with ``module_level``, only those that run when the module is imported
    (not inside functions, nor under ``if TYPE_CHECKING:``)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif module_level and isinstance(node, ast.If) and _is_type_checking(node.test):
            for other in node.orelse:
                yield from import_nodes(ast.Module(body=[other], type_ignores=[]), module_level)
        elif not (module_level and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))):
            yield from import_nodes(node, module_level)


def _is_type_checking(test: ast.expr) -> bool:
    """``TYPE_CHECKING`` or ``typing.TYPE_CHECKING``: true for type checkers only."""
    name = test.attr if isinstance(test, ast.Attribute) else test.id if isinstance(test, ast.Name) else ""
    return name == "TYPE_CHECKING"


def imported_from(node: ast.ImportFrom, package: Sequence[str]) -> list[str]:
    """The module ``from X import ...`` names, as dotted parts, for a module in ``package`` (its parts).

    ``from ..ch3.layers import f`` in package ``["ch5"]`` is ``["ch3", "layers"]``;
    ``from . import layers`` in ``["ch3"]`` is ``["ch3"]``.
    """
    named = node.module.split(".") if node.module else []
    if node.level == 0:
        return named
    return [*package[: len(package) - (node.level - 1)], *named]


def relative_imports(tree: ast.AST, package: Sequence[str]) -> Iterator[tuple[ast.ImportFrom, list[str]]]:
    """``(node, module parts)`` for every relative ``from`` import in ``tree``."""
    for node in import_nodes(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            yield node, imported_from(node, package)
