"""Where the code under test comes from: ``--impl=solutions|exercises|PATH``.

An implementation hands out chapter modules by dotted name (``"ch3.layers"``).
``solutions`` and ``exercises`` are the repository's packages; a PATH is a
submission folder holding chapter folders at its top (``alice/ch3/layers.py``)
or under ``exercises/`` (``alice/exercises/ch3/layers.py``), or chapter
notebooks (``alice/ch3.ipynb``). A submission is graded chapter by chapter
(``grader.given``): chapter N's modules are the student's, what they import
from other chapters is the reference's. Each chapter's view is imported under
a private package name, so the student's own relative imports
(``from .layers import affine_forward``) work and nothing clashes with the
repository's packages; messages never show that name.
"""

from __future__ import annotations

import hashlib
import importlib
import re
import shutil
import sys
import tempfile
import types
from pathlib import Path
from types import ModuleType
from typing import NoReturn

from grader.diagnose import import_problem

PRIVATE_NAME = re.compile(r"_dlimpl_[0-9a-f]{12}\.?")


def public_text(text: str) -> str:
    """``text`` without the private package name a submission is imported under."""
    return PRIVATE_NAME.sub("", text)


class OneLineError(Exception):
    """An error whose message is the whole story (no traceback needed)."""


class SubmissionError(OneLineError):
    """The submission lacks a module or the module does not import."""


class MissingChapter:
    """Stands for a module of a chapter the submission does not hold: any use of it says so."""

    def __init__(self, chapter: str):
        self.message = f"no {chapter} folder in this submission"

    def __getattr__(self, name: str) -> NoReturn:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        raise SubmissionError(self.message)


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
        chapter = module.split(".")[0]
        full = f"{self.package}.{module}"
        try:
            return importlib.import_module(full)
        except ModuleNotFoundError as error:
            missing = error.name or ""
            if self.root is not None and missing == f"{self.package}.{chapter}":
                raise SubmissionError(MissingChapter(chapter).message) from None
            if missing and (missing == full or full.startswith(missing + ".")):
                raise SubmissionError(f"{relpath} is missing") from None
            other = missing.removeprefix(self.package + ".")
            if self.root is not None and other != missing and other.split(".")[0] != chapter:
                raise SubmissionError(
                    f"{relpath} does not import: it needs {other.replace('.', '/')}.py, but when {chapter} is "
                    f"graded, the code it uses from other chapters is the course's reference, and only the "
                    f"modules {chapter}'s reference imports are there"
                ) from None
            raise SubmissionError(self._broken(relpath, error)) from None
        except Exception as error:  # a syntax error, or anything raised while the student's module runs
            raise SubmissionError(self._broken(relpath, error)) from None

    def _broken(self, relpath: str, error: BaseException) -> str:
        """``ch3/toy_models.py does not import: ch3/layers.py line 68: SyntaxError: ...``: the file at fault."""
        root = self.root or Path(importlib.import_module(self.package).__path__[0])
        problem = import_problem(error, root)
        return public_text(f"{relpath} does not import: {problem.removeprefix(relpath + ' ')}")


def chapter_root(folder: Path) -> Path:
    """The folder that holds ``chN/`` in a submission (its top or ``exercises/``)."""
    nested = folder / "exercises"
    if nested.is_dir() and any(nested.glob("ch*")):
        return nested
    return folder


def from_folder(folder: Path) -> Implementation:
    """Import a folder of chapters (a chapter's view, ``grader.given.write_view``) under a private package name."""
    root = chapter_root(folder.resolve())
    package = "_dlimpl_" + hashlib.sha1(str(root).encode()).hexdigest()[:12]
    if package not in sys.modules:
        module = types.ModuleType(package)
        module.__path__ = [str(root)]
        sys.modules[package] = module
    return Implementation(package, root)


class ChapterViews:
    """A folder of chapter views: module ``chN.name`` comes from ``root/chN/``, which holds the
    student's chapter N and what it is given from other chapters (``grader.given.write_view``)."""

    def __init__(self, root: Path):
        self.root = root
        self._views: dict[str, Implementation] = {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.root})"

    def load(self, module: str) -> ModuleType:
        chapter = module.split(".")[0]
        if chapter not in self._views:
            self._views[chapter] = from_folder(self.root / chapter)
        return self._views[chapter].load(module)


class FolderImplementation(ChapterViews):
    """``--impl=PATH`` in this process: the submission is staged as the grader stages it, and each
    chapter's view is written when a test first asks for it."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._scratch = Path(tempfile.mkdtemp(prefix="dlgrade-views-"))
        super().__init__(self._scratch / "views")

    def __repr__(self) -> str:
        return f"FolderImplementation({self.folder})"

    def load(self, module: str) -> ModuleType:
        chapter = module.split(".")[0]
        if not (self.root / chapter).exists():
            from grader.given import write_view
            from grader.staging import stage

            staged = self._scratch / "staged"
            if not staged.exists():
                stage(self.folder, staged)
            write_view(staged, chapter, self.root / chapter)
        return super().load(module)

    def close(self) -> None:
        shutil.rmtree(self._scratch, ignore_errors=True)


def resolve(spec: str) -> Implementation | FolderImplementation:
    """Parse the value of ``--impl``."""
    if spec in ("solutions", "exercises"):
        return Implementation(spec)
    folder = Path(spec)
    if not folder.is_dir():
        raise SubmissionError(f"--impl: {spec!r} is neither 'solutions', 'exercises' nor a folder")
    return FolderImplementation(folder)
