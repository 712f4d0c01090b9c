"""Where an error in a student's code happened, said in one line.

A traceback runs through pytest, importlib and numpy; a student needs the
one frame in their own files: ``ch3/layers.py line 68``. "Their own files"
are the chapter modules under ``root`` (the folder holding ``ch3/``...),
never the public tests beside them.
"""

from __future__ import annotations

import re
from pathlib import Path

# What the exercises may import besides Python's standard library.
ALLOWED_IMPORTS = ("numpy", "autograd", "matplotlib", "pyopencl")
CHAPTER = re.compile(r"^ch\d+$")


def is_student_file(filename: str, root: Path) -> bool:
    """A chapter module under ``root`` (``root/chN/name.py``), not a public test."""
    try:
        rel = Path(filename).resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return False
    return (
        len(rel.parts) >= 2
        and bool(CHAPTER.match(rel.parts[0]))
        and rel.suffix == ".py"
        and not rel.name.startswith("test_")
    )


def student_frame(error: BaseException, root: Path) -> tuple[Path, int, str] | None:
    """(file, line, function) of the innermost frame of ``error`` in the student's files."""
    if isinstance(error, SyntaxError) and error.filename and is_student_file(error.filename, root):
        return Path(error.filename), error.lineno or 0, "<module>"
    found = None
    tb = error.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if is_student_file(code.co_filename, root):
            found = (Path(code.co_filename), tb.tb_lineno, code.co_name)
        tb = tb.tb_next
    return found


def where(error: BaseException, root: Path) -> str:
    """``ch3/layers.py line 68`` for the innermost student frame, or ''."""
    frame = student_frame(error, root)
    if frame is None:
        return ""
    path, line, _ = frame
    return f"{path.resolve().relative_to(root.resolve()).as_posix()} line {line}"


def import_problem(error: BaseException, root: Path) -> str:
    """One line for a module that does not import: the file and line at fault, and what went wrong."""
    if isinstance(error, SyntaxError):
        what = f"{type(error).__name__}: {error.msg}"
    elif removed_numpy_name(error):
        what = removed_numpy_name(error) or ""
    else:
        text = str(error).strip().splitlines()
        what = f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
    if isinstance(error, ModuleNotFoundError) and error.name:
        top = error.name.split(".")[0]
        if top not in ALLOWED_IMPORTS and not top.startswith(("ch", "_dlimpl_", "exercises", "solutions")):
            what += f"; the exercises may import only {', '.join(ALLOWED_IMPORTS)} and Python's standard library"
    place = where(error, root)
    return f"{place}: {what}" if place else what


NUMPY_HEADERS = ("Not equal to tolerance", "Arrays are not equal", "Arrays are not almost equal")


def numpy_failure(text: str) -> str | None:
    """One line for a failed ``np.testing`` comparison: what differs, how much; None for other messages."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    if not lines or not lines[0].startswith(NUMPY_HEADERS):
        return None
    rest = lines[1:]
    details = ("Mismatch", "(shapes", " ACTUAL", " DESIRED", "Max ", "x and y")
    what = rest[0].strip() if rest and rest[0].strip() and not rest[0].startswith(details) else ""
    subject = f"{what}: " if what else ""
    shapes = next((line.strip() for line in rest if line.strip().startswith("(shapes")), "")
    if shapes:
        yours, expected = shapes.removeprefix("(shapes ").removesuffix(" mismatch)").split("), ", 1)
        return f"{subject}shape {yours}), expected {expected}"
    found = {
        key: line.split(":", 1)[1].strip()
        for line in rest
        for key in ("Mismatched elements", "Max relative difference", "Max absolute difference")
        if line.startswith(key)
    }
    how = []
    if "Mismatched elements" in found:
        how.append(f"{found['Mismatched elements'].split(' (')[0]} elements differ")
    if "Max relative difference" in found:
        how.append(f"largest relative difference {found['Max relative difference']}")
    elif "Max absolute difference" in found:
        how.append(f"largest difference {found['Max absolute difference']}")
    return f"{subject}values differ from the expected ones" + (f" ({', '.join(how)})" if how else "")


# numpy names that older course code (CS231n's 2017 assignments) uses and numpy no longer has
REMOVED_NUMPY = {
    "int": "int (or np.int64)",
    "float": "float (or np.float64)",
    "bool": "bool (or np.bool_)",
    "object": "object",
    "complex": "complex (or np.complex128)",
    "str": "str (or np.str_)",
    "long": "int",
    "unicode": "str",
    "int0": "np.intp",
    "product": "np.prod",
    "cumproduct": "np.cumprod",
    "msort": "np.sort(a, axis=0)",
}
NO_ATTRIBUTE = re.compile(r"module 'numpy' has no attribute '(\w+)'")
WORKER_PLACE = re.compile(r"\((ch\d+/\S+, line \d+)[,)]")  # where the isolated worker says the error happened


def removed_numpy_name(error: BaseException, root: Path | None = None) -> str | None:
    """One line for code that uses a name numpy removed (``np.int``): what replaced it, and where."""
    text = str(error)
    found = NO_ATTRIBUTE.search(text.splitlines()[0] if text else "")
    if not isinstance(error, AttributeError) or not found or found.group(1) not in REMOVED_NUMPY:
        return None
    name = found.group(1)
    place = where(error, root) if root else ""
    if not place and (worker := WORKER_PLACE.search(text.splitlines()[-1])):
        place = worker.group(1)
    line = f"np.{name} no longer exists in numpy (removed in 1.24 or 2.0): use {REMOVED_NUMPY[name]} instead"
    return f"{line} (in {place})" if place else line
