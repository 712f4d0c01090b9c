"""Where the code under test comes from: ``--impl=solutions|exercises|PATH``.

An implementation hands out chapter modules by dotted name (``"ch3.layers"``).
``solutions`` and ``exercises`` are the repository's packages; a PATH is a
submission folder holding chapter folders at its top (``alice/ch3/layers.py``)
or under ``exercises/`` (``alice/exercises/ch3/layers.py``). A folder is
imported under a private package name, so the student's own relative imports
(``from .layers import affine_forward``) work and nothing clashes with the
repository's packages.
"""

from __future__ import annotations

import hashlib
import importlib
import sys
import types
from pathlib import Path
from types import ModuleType

from grader.diagnose import import_problem


class OneLineError(Exception):
    """An error whose message is the whole story (no traceback needed)."""


class SubmissionError(OneLineError):
    """The submission lacks a module or the module does not import."""


class Implementation:
    """Loads chapter modules from one place and caches them."""

    def __init__(self, package: str, root: Path | None = None):
        self.package = package
        self.root = root
        self._modules: dict[str, ModuleType] = {}

    def __repr__(self) -> str:
        return f"Implementation({self.root or self.package})"

    def load(self, module: str) -> ModuleType:
        """The module ``chN.name`` of this implementation."""
        if module not in self._modules:
            self._modules[module] = self._import(module)
        return self._modules[module]

    def _import(self, module: str) -> ModuleType:
        relpath = module.replace(".", "/") + ".py"
        try:
            return importlib.import_module(f"{self.package}.{module}")
        except ModuleNotFoundError as error:
            if error.name and (
                error.name == f"{self.package}.{module}" or f"{self.package}.{module}".startswith(error.name + ".")
            ):
                raise SubmissionError(f"{relpath} is missing") from None
            if error.name and error.name.startswith(self.package + "."):  # an earlier chapter it builds on
                wanted = error.name[len(self.package) + 1 :].split(".")
                missing = "/".join(wanted) + (".py" if len(wanted) > 1 else "/")
                raise SubmissionError(
                    f"{relpath} imports {missing}, which is not in the submission: {relpath} "
                    f"builds on chapter {wanted[0]}, so hand in your {wanted[0]} folder too"
                ) from None
            raise SubmissionError(self._broken(relpath, error)) from None
        except Exception as error:  # a syntax error, or anything raised while the student's module runs
            raise SubmissionError(self._broken(relpath, error)) from None

    def _broken(self, relpath: str, error: BaseException) -> str:
        """``ch3/toy_models.py does not import: ch3/layers.py line 68: SyntaxError: ...``: the file at fault."""
        root = self.root or Path(importlib.import_module(self.package).__path__[0])
        problem = import_problem(error, root)
        return f"{relpath} does not import: {problem.removeprefix(relpath + ' ')}"


def chapter_root(folder: Path) -> Path:
    """The folder that holds ``chN/`` in a submission (its top or ``exercises/``)."""
    nested = folder / "exercises"
    if nested.is_dir() and any(nested.glob("ch*")):
        return nested
    return folder


def from_folder(folder: Path) -> Implementation:
    """Import a submission folder under a private package name."""
    root = chapter_root(folder.resolve())
    package = "_dlimpl_" + hashlib.sha1(str(root).encode()).hexdigest()[:12]
    if package not in sys.modules:
        module = types.ModuleType(package)
        module.__path__ = [str(root)]
        sys.modules[package] = module
    return Implementation(package, root)


def resolve(spec: str) -> Implementation:
    """Parse the value of ``--impl``."""
    if spec in ("solutions", "exercises"):
        return Implementation(spec)
    folder = Path(spec)
    if not folder.is_dir():
        raise SubmissionError(f"--impl: {spec!r} is neither 'solutions', 'exercises' nor a folder")
    return from_folder(folder)
