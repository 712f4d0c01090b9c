"""The one walk over a module's import statements, for the release and the notebook builder.

``import_nodes`` finds the import statements of a parsed module (optionally
only those that run when it is imported); ``base`` resolves a
``from ... import`` to the package it reads from, a relative one against the
importing module's package.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator


def import_nodes(tree: ast.AST, module_level: bool = False) -> Iterator[ast.Import | ast.ImportFrom]:
    """Import statements; with ``module_level``, only those that run when the module is imported."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif not (module_level and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))):
            yield from import_nodes(node, module_level)


def base(node: ast.ImportFrom, package: list[str]) -> list[str]:
    """The package parts ``from X import ...`` reads from (``..ch3.layers`` in ``ch5`` -> ch3, layers)."""
    module = node.module.split(".") if node.module else []
    if not node.level:
        return module
    return package[: len(package) - (node.level - 1)] + module
