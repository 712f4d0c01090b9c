"""Copy a submission's chapter sources into a private folder, safely.

``read_submission`` walks the submission without following any symbolic
link (each folder and file is opened relative to its parent with
``O_NOFOLLOW``, so a link swapped in during the walk is not followed
either): a link anywhere is reported as a problem of that path and never
read. Only ``chN/**/*.py`` sources (at the top or under ``exercises/``) and
chapter notebooks (``chN.ipynb``, ``chN/chN.ipynb``) are taken; sizes,
counts and depth are capped with a note. ``stage_files`` writes a list of
files (relative path -> bytes) into the staging folder; ``stage`` does both
(another step may add files to the list in between).

Root's rights never reach beyond the submission: no link is followed, and a
hard link can only name a file its maker owns (the kernel's protected
hard links), so what is read is what the student could read.
"""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from grader.paths import is_chapter

MAX_FILE = 1 << 20  # bytes per file
MAX_FILES = 400
MAX_TOTAL = 16 << 20  # bytes in all
MAX_DEPTH = 8  # folders below a chapter folder
OPEN_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
OPEN_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


@dataclass
class Staged:
    notes: list[str] = field(default_factory=list)  # files skipped and why


@dataclass
class Sources:
    """What a submission holds: sources by relative path, notebooks by name, and notes on what was left out."""

    files: dict[str, bytes] = field(default_factory=dict)
    notebooks: dict[str, bytes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    total: int = 0

    def take(self, relative: str, data: bytes | None, into: dict[str, bytes]) -> None:
        if data is None:
            self.notes.append(f"{relative}: larger than {MAX_FILE // 1024} KiB, ignored")
        elif len(self.files) + len(self.notebooks) >= MAX_FILES:
            self.notes.append(f"{relative}: more than {MAX_FILES} files, ignored")
        elif self.total + len(data) > MAX_TOTAL:
            self.notes.append(f"{relative}: the submission is larger than {MAX_TOTAL >> 20} MiB, ignored")
        else:
            self.total += len(data)
            into[relative] = data


def _read_file(parent_fd: int, name: str) -> bytes | None:
    """The bytes of a regular file (None when too large); OSError for anything else."""
    fd = os.open(name, OPEN_FILE, dir_fd=parent_fd)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{name} is not a regular file")
        if info.st_size > MAX_FILE:
            return None
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(MAX_FILE + 1)
        return data if len(data) <= MAX_FILE else None
    finally:
        os.close(fd)


def _entries(fd: int) -> list[os.DirEntry]:
    with os.scandir(fd) as found:
        return sorted(found, key=lambda e: e.name)


def _open_dir(parent_fd: int, name: str) -> int | None:
    try:
        return os.open(name, OPEN_DIR, dir_fd=parent_fd)
    except OSError:
        return None


def _walk_chapter(chapter_fd: int, chapter: str, sources: Sources) -> None:
    """Every .py below one chapter folder, breadth first (no recursion)."""
    pending = [(os.dup(chapter_fd), PurePosixPath(chapter), 0)]
    while pending:
        fd, relative, depth = pending.pop(0)
        try:
            for entry in _entries(fd):
                path = relative / entry.name
                if entry.is_symlink():
                    sources.notes.append(f"{path}: symbolic link ignored (never followed)")
                elif entry.is_dir(follow_symlinks=False):
                    if entry.name in ("__pycache__", ".ipynb_checkpoints"):
                        continue
                    if depth + 1 > MAX_DEPTH:
                        sources.notes.append(f"{path}: folders nested deeper than {MAX_DEPTH}, ignored")
                    elif (child := _open_dir(fd, entry.name)) is not None:
                        pending.append((child, path, depth + 1))
                elif entry.name.endswith(".py") and entry.is_file(follow_symlinks=False):
                    try:
                        sources.take(str(path), _read_file(fd, entry.name), sources.files)
                    except OSError as error:
                        sources.notes.append(f"{path}: cannot be read ({error.strerror or error}), ignored")
        finally:
            os.close(fd)
    for fd, _, _ in pending:
        os.close(fd)


def _chapter_root(top_fd: int, notes: list[str]) -> tuple[int, str]:
    """The folder that holds ``chN/``: ``exercises/`` when it is a real folder with chapters, else the top."""
    try:
        if stat.S_ISLNK(os.stat("exercises", dir_fd=top_fd, follow_symlinks=False).st_mode):
            notes.append("exercises: symbolic link ignored (never followed)")
    except OSError:
        pass
    nested = _open_dir(top_fd, "exercises")
    if nested is not None:
        if any(is_chapter(e.name) for e in _entries(nested)):
            return nested, "exercises/"
        os.close(nested)
    return os.dup(top_fd), ""


def read_submission(folder: Path) -> Sources:
    """The chapter sources and notebooks of ``folder``, read without following links."""
    sources = Sources()
    top = os.open(str(folder), OPEN_DIR & ~os.O_NOFOLLOW)  # the folder named on the command line
    try:
        root, prefix = _chapter_root(top, sources.notes)
    finally:
        os.close(top)
    try:
        for entry in _entries(root):
            if not is_chapter(entry.name.removesuffix(".ipynb")):
                continue
            if entry.is_symlink():
                sources.notes.append(f"{prefix}{entry.name}: symbolic link ignored (never followed)")
            elif entry.is_dir(follow_symlinks=False) and (chapter := _open_dir(root, entry.name)) is not None:
                try:
                    _walk_chapter(chapter, entry.name, sources)
                    _take_notebook(chapter, entry.name, f"{entry.name}.ipynb", sources, f"{entry.name}/")
                finally:
                    os.close(chapter)
            elif entry.name.endswith(".ipynb") and entry.is_file(follow_symlinks=False):
                _take_notebook(root, entry.name, entry.name, sources, "")
    finally:
        os.close(root)
    return sources


def _take_notebook(parent_fd: int, chapter: str, name: str, sources: Sources, where: str) -> None:
    try:
        info = os.stat(name, dir_fd=parent_fd, follow_symlinks=False)
    except OSError:
        return
    if stat.S_ISLNK(info.st_mode):
        sources.notes.append(f"{where}{name}: symbolic link ignored (never followed)")
    elif stat.S_ISREG(info.st_mode):
        try:
            sources.take(name, _read_file(parent_fd, name), sources.notebooks)
        except OSError as error:
            sources.notes.append(f"{where}{name}: cannot be read ({error.strerror or error}), ignored")


def notebook_modules(sources: Sources) -> dict[str, bytes]:
    """Modules rebuilt from the chapter notebooks, for files the submission does not hold itself."""
    if not sources.notebooks:
        return {}
    from grader.notebooks.convert import modules_from_notebook  # nbformat takes seconds to import

    modules: dict[str, bytes] = {}
    for name, data in sorted(sources.notebooks.items()):
        with tempfile.TemporaryDirectory(prefix="dlgrade-notebook-") as tmp:
            path = Path(tmp) / name
            path.write_bytes(data)
            try:
                found = modules_from_notebook(path)
            except Exception as error:  # a broken notebook costs only its own chapter
                first = (str(error).splitlines() or [type(error).__name__])[0].replace(tmp + "/", "")
                sources.notes.append(f"{name}: cannot be read as a notebook ({first})")
                continue
        for relative, text in found.items():
            if relative in sources.files:
                sources.notes.append(f"{relative}: found both as a file and in {name}; the file is used")
            else:
                modules[relative] = text.encode("utf-8")
    return modules


def stage_files(files: dict[str, bytes], dest: Path) -> None:
    """Write ``files`` (relative path -> bytes) under ``dest`` (created)."""
    dest.mkdir(parents=True, exist_ok=True)
    for relative, data in sorted(files.items()):
        parts = PurePosixPath(relative).parts
        if not parts or any(p in ("", ".", "..") for p in parts) or relative.startswith("/"):
            raise ValueError(f"not a relative path: {relative!r}")
        target = dest.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def stage(folder: Path, dest: Path) -> Staged:
    """Copy the chapters of ``folder`` to ``dest`` (created), as ``dest/chN/*.py``."""
    sources = read_submission(folder)
    files = {**notebook_modules(sources), **sources.files}
    stage_files(files, dest)
    return Staged(sources.notes)
