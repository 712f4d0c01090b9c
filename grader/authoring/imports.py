"""Which modules a Python source imports, read from its syntax tree (nothing is run).

The release follows the grader modules the student side imports; the
nbgrader course and the release follow the relative imports between
chapter modules (``from ..ch3.layers import affine_forward``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence


def import_nodes(tree: ast.AST, module_level: bool = False) -> Iterator[ast.Import | ast.ImportFrom]:
    """Import statements; with ``module_level``, only those that run when the module is imported.

    (Not those inside functions, nor under ``if TYPE_CHECKING:``, which only type checkers read.)
    """
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif module_level and _type_checking_only(node):
            yield from import_nodes(ast.Module(body=node.orelse, type_ignores=[]), module_level)  # type: ignore[attr-defined]
        elif not (module_level and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))):
            yield from import_nodes(node, module_level)


def _type_checking_only(node: ast.AST) -> bool:
    """``if TYPE_CHECKING:`` (or ``typing.TYPE_CHECKING``)."""
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


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
