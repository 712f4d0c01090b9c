"""``dlgrade release DEST``: the student repository, with a solutions branch.

DEST becomes a new git repository with two branches:

- ``main``, for students: ``exercises/`` exactly as ``dlgrade sync``
  generates it (only the selected chapters) plus each chapter's table of
  known mistakes on the public tests (``grader.diagnosis``: fingerprints and
  explanations, no code and no values), ``datasets/``, the student side
  of the tool (the pytest plugin, ``dlgrade check``, ``watch`` and ``hint``
  with what they import, never the generator, the hidden suites, the corpus
  or the grader), a student README, a ``pyproject.toml`` and a ``.gitignore``.
- ``solutions``: the same tree where every stub module is the reference
  implementation with the marker lines removed, under the same header, so
  ``git diff main solutions`` shows exactly the answers.

The tree is built in a temporary folder next to DEST and moved there only
when both branches are committed and ``main`` passed the leak check, so a
failed release leaves nothing behind. Commits have a fixed author, committer
and date (``SOURCE_DATE_EPOCH`` overrides the date), and git runs without the
user's configuration, so the same sources give the same commit hashes.
"""

from __future__ import annotations

import argparse
import ast
import functools
import json
import os
import re
import shutil
import subprocess
import tempfile
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from grader.authoring.imports import import_nodes, imported_from, relative_imports
from grader.authoring.markers import BEGIN, END, remove_markers
from grader.authoring.sync import expected_tree, header, render
from grader.curriculum import sort_key
from grader.errors import EXIT_FAILURES, EXIT_OK, CommandError
from grader.paths import ROOT, SOLUTIONS, is_chapter, source_files
from grader.paths import chapters as chapters_in

GRADER = ROOT / "grader"
DATASETS = ROOT / "datasets"
HIDDEN = ROOT / "tests"

# What the student side of the tool needs; anything these (or the exercises)
# import from grader is shipped too, unless it is instructor-only.
STUDENT_MODULES = (
    "__init__",
    "__main__",
    "cli",
    "pytest_plugin",
    "testing",
    "implementations",
    "check",
    "watch",
    "hints",
    "grading.runner",
    "curriculum",
    "paths",
)
INSTRUCTOR_ONLY = frozenset(
    {
        "authoring",
        "notebooks",
        "isolation",
        "staging",
        "grading.grade",
        "grading.submissions",
        "grading.outputs",
        "grading.report",
    }
)
# Requirements students install; pyopencl only with the OpenCL chapter.
STUDENT_REQUIREMENTS = ("numpy", "autograd", "pytest", "pytest-timeout", "watchfiles", "matplotlib", "rich")
OPENCL_CHAPTER, OPENCL_REQUIREMENT = "ch10", "pyopencl[pocl]"

AUTHOR = ("dlgrade release", "dlgrade-release@users.noreply.github.com")
DEFAULT_EPOCH = 1704067200  # 2024-01-01T00:00:00Z; SOURCE_DATE_EPOCH overrides it
MIN_LINE = 15  # solution lines shorter than this are too common to count as leaks


GITIGNORE = """\
__pycache__/
*.py[cod]
*.egg-info/
build/
.venv/
venv/
.pytest_cache/
.ipynb_checkpoints/
.dlgrade/
"""


class ReleaseError(CommandError):
    """A release that cannot be made; ``code`` is the exit status."""


@dataclass
class Release:
    """What ``release`` wrote."""

    dest: Path
    chapters: list[str]
    main: str
    solutions: str
    files: int
    archive: Path | None = None
    grader_modules: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- the trees


def select_chapters(requested: list[str] | None, solutions: Path = SOLUTIONS) -> list[str]:
    """The chapters to release, in course order; every chapter in solutions/ by default."""
    available = chapters_in(solutions)
    if requested is None:
        if not available:
            raise ReleaseError(f"no chapters in {solutions}")
        return available
    if not requested:
        raise ReleaseError("--chapters names no chapter")
    unknown = [c for c in requested if c not in available]
    if unknown:
        raise ReleaseError(f"no chapter {', '.join(unknown)} in solutions/ (have: {', '.join(available)})")
    selected = sorted(set(requested), key=lambda c: sort_key(c, ""))
    _check_chapter_imports(selected, solutions)
    return selected


def _check_chapter_imports(selected: list[str], solutions: Path) -> None:
    """A chapter importing another (``from ..ch3.layers import``) needs it released too."""
    for chapter in selected:
        for path in sorted((solutions / chapter).rglob("*.py")):
            package = list(path.relative_to(solutions).parent.parts)
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            for _, module in relative_imports(tree, package):
                needed = module[0] if module else ""
                if needed not in selected and is_chapter(needed):
                    raise ReleaseError(
                        f"{chapter} imports {needed} ({path.relative_to(solutions.parent)}): add {needed} to --chapters"
                    )


def _in_release(rel: str, selected: list[str]) -> bool:
    """Files of the selected chapters, and the package files above them."""
    top = rel.split("/", 1)[0]
    return "/" not in rel or not is_chapter(top) or top in selected


def exercise_tree(selected: list[str], solutions: Path = SOLUTIONS) -> dict[str, str]:
    """``exercises/...`` -> text, exactly as ``dlgrade sync`` generates it."""
    return {f"exercises/{rel}": text for rel, text in expected_tree(solutions).items() if _in_release(rel, selected)}


def mistake_tables(selected: list[str]) -> dict[str, str]:
    """``exercises/chN/mistakes.json`` for each selected chapter with explained known mistakes."""
    from grader.diagnosis import TABLE_NAME

    tables = {chapter: public_mistakes(chapter) for chapter in selected}
    return {f"exercises/{chapter}/{TABLE_NAME}": table for chapter, table in tables.items() if table}


@functools.cache
def public_mistakes(chapter: str) -> str:
    """The table of ``chapter``'s explained known mistakes on its public tests ('' if none)."""
    from grader.authoring.diagnosable import fingerprint_table

    table = fingerprint_table([str(SOLUTIONS / chapter)], impl="solutions")
    table.mistakes = {
        key: {"exercise": m["exercise"], "explain": m["explain"]} for key, m in table.mistakes.items() if m["explain"]
    }
    table.tests = {test: {k: f for k, f in row.items() if k in table.mistakes} for test, row in table.tests.items()}
    return table.to_json() if table.mistakes else ""


def solved_tree(selected: list[str], solutions: Path = SOLUTIONS) -> dict[str, str]:
    """The stub modules of ``exercise_tree`` with their answers: header + reference minus marker lines."""
    solved = {}
    for path in source_files(solutions):
        rel = path.relative_to(solutions).as_posix()
        if path.suffix != ".py" or not _in_release(rel, selected):
            continue
        text = path.read_text(encoding="utf-8")
        top = header(rel)
        if render(path, solutions) != top + text:  # a stub: sync stripped something
            solved[f"exercises/{rel}"] = top + remove_markers(text)
    return solved


def _module_file(name: str, grader: Path = GRADER) -> Path | None:
    """The file of grader module ``a.b`` (``a/b.py`` or ``a/b/__init__.py``), if it exists."""
    base = grader.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _grader_imports(text: str, filename: str, module_level: bool = False) -> set[str]:
    """Dotted grader modules a source imports (``grader.a.b`` -> ``a.b``, relative imports inside grader too)."""
    path = Path(filename)
    package: list[str] | None = None
    if path.is_absolute() and GRADER in path.parents:
        package = list(path.relative_to(GRADER).parent.parts)
    names: set[str] = set()
    for node in import_nodes(ast.parse(text, filename), module_level):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "grader" and len(parts) > 1:
                    names.add(".".join(parts[1:]))
            continue
        if node.level == 0 and node.module and node.module.split(".")[0] == "grader":
            base = node.module.split(".")[1:]
        elif node.level > 0 and package is not None:
            base = imported_from(node, package)
        else:
            continue
        for alias in node.names:  # ``from grader.a import b``: b may be a module or a name in a
            candidate = ".".join([*base, alias.name])
            names.add(candidate if _module_file(candidate) else ".".join(base))
    names.discard("")
    return names


def _instructor_only(name: str) -> bool:
    return any(name == banned or name.startswith(banned + ".") for banned in INSTRUCTOR_ONLY)


def grader_tree(exercises: dict[str, str], grader: Path = GRADER) -> dict[str, str]:
    """``grader/...`` -> text: the student modules and what they and the exercises import.

    Imports inside functions of shipped tool modules are optional features
    (``--isolate`` loads the grader's sandbox and proxy that way) and are not
    followed; everything the exercises and the student command line import is.
    """
    wanted = list(STUDENT_MODULES)
    for rel, text in exercises.items():
        if rel.endswith(".py"):
            wanted += sorted(_grader_imports(text, rel))
    tree: dict[str, str] = {}
    seen: set[str] = set()
    while wanted:
        name = wanted.pop(0)
        if name in seen:
            continue
        seen.add(name)
        shown = "grader/" + name.replace(".", "/")
        if _instructor_only(name):
            raise ReleaseError(
                f"the student side would need {shown}, which is instructor-only "
                f"(imported by the exercises or by {', '.join(sorted(tree))})"
            )
        path = _module_file(name, grader)
        if path is None:
            if name in STUDENT_MODULES:
                raise ReleaseError(f"{shown}.py is missing")
            continue
        parents = [".".join(name.split(".")[:i]) + ".__init__" for i in range(1, name.count(".") + 1)]
        wanted += parents
        text = path.read_text(encoding="utf-8")
        tree[f"grader/{path.relative_to(grader).as_posix()}"] = text
        wanted += sorted(_grader_imports(text, str(path), module_level=True))
    return tree


def dataset_files(root: Path = ROOT) -> dict[str, Path]:
    """``datasets/...`` -> file: what git would commit there (tracked or new, never ignored)."""
    folder = root / "datasets"
    if not folder.is_dir():
        return {}
    try:
        listed = (
            subprocess.run(
                ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "datasets"],
                cwd=root,
                capture_output=True,
                check=True,
            )
            .stdout.decode()
            .split("\0")
        )
        paths = [root / p for p in listed if p]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: take the folder as it is
        paths = source_files(folder)
    return {p.relative_to(root).as_posix(): p for p in sorted(set(paths)) if p.is_file()}


def requirements(selected: list[str], pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """The course's requirements that students need, with the course's version bounds."""
    declared = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"].get("dependencies", [])
    by_name = {re.split(r"[^A-Za-z0-9_.-]", d, maxsplit=1)[0].lower(): d for d in declared}
    wanted = list(STUDENT_REQUIREMENTS) + ([OPENCL_REQUIREMENT] if OPENCL_CHAPTER in selected else [])
    return [by_name.get(w.split("[")[0], w) for w in wanted]


def student_pyproject(selected: list[str], pyproject: Path = ROOT / "pyproject.toml") -> str:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    deps = "".join(f"    {json.dumps(d)},\n" for d in requirements(selected, pyproject))
    return f"""\
[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = {json.dumps(project["name"] + "-exercises")}
version = {json.dumps(project.get("version", "0.0.0"))}
description = "Exercises of the deep-learning course ({", ".join(selected)}): fill them in, run their tests"
readme = "README.md"
requires-python = {json.dumps(project.get("requires-python", ">=3.11"))}
dependencies = [
{deps}]

[project.scripts]
dlgrade = "grader.cli:main"

[project.entry-points.pytest11]
dlgrade = "grader.pytest_plugin"

[tool.setuptools.packages.find]
include = ["grader*", "exercises*"]

[tool.pytest.ini_options]
pythonpath = ["."]
testpaths = ["exercises"]
"""


def student_readme(selected: list[str], exercises: dict[str, str]) -> str:
    first = selected[0]
    rows = []
    for chapter in selected:
        modules = sorted(
            (
                Path(rel).stem
                for rel in exercises
                if rel.startswith(f"exercises/{chapter}/")
                and rel.endswith(".py")
                and not Path(rel).name.startswith(("test_", "__"))
            ),
            key=lambda m: sort_key(chapter, m),
        )
        title = ""
        init = exercises.get(f"exercises/{chapter}/__init__.py", "")
        doc = re.search(r'^"""(.+?)(?:"""|$)', init, re.M)
        if doc:
            title = doc.group(1).strip().rstrip(".")
        rows.append(f"| `{chapter}` | {title} | {', '.join(f'`{m}.py`' for m in modules)} |")
    table = "\n".join(rows)
    return f"""\
# Deep-learning course: exercises

You implement the building blocks of neural networks in numpy. Every
exercise is a function in `exercises/chN/<module>.py` that raises
`NotImplementedError`; its docstring is the full specification. The public
tests next to it (`exercises/chN/test_<module>.py`) tell you whether it works.

| chapter | topic | modules, in the order to do them |
|---|---|---|
{table}

## Install

Python 3.11 or newer:

```
python -m venv .venv
source .venv/bin/activate        # Windows: .venv\\Scripts\\activate
pip install -e .
```

## Work on a chapter

```
pytest exercises/{first}                  # every public test of the chapter
pytest exercises/{first}/test_layers.py   # one module (use the module you are on)
dlgrade check {first}                     # a progress table and the next exercise to do
```

A test of an exercise you have not started reports `not started: <name>`;
a failing check says in one line what was expected. Fill in the code where
the stub raises `NotImplementedError`, keep the function's name and
signature, and run the tests again. `dlgrade check` with no chapter shows
every chapter.

- A file that does not import (a syntax error, a module the course does not
  use) is reported first, with its line: the exercises that need it show as
  `broken` until it imports again.
- Each public test has a time limit of a few seconds, so an endless loop
  is reported by name; `pytest --timeout=60 ...` gives more time.
- `pytest --lf exercises/{first}` reruns only the tests that failed last time.
- `dlgrade check --history` shows how each exercise went over your runs
  (kept in `.dlgrade/`, which git ignores).

## While you work

```
dlgrade watch {first}           # reruns the tests each time you save; shows the exercise to do now
dlgrade hint affine_backward   # a hint; ask again for the next level (idea, maths, shapes)
```

The exercises use numpy (and, where a chapter says so, autograd,
matplotlib or pyopencl) and Python's standard library, nothing else.
Coming from Stanford's CS231n? `FROM-CS231N.md` says where each of its
functions goes here and which conventions differ.

Your grade comes from further tests that your instructor runs on your
submission: passing the public tests is necessary, not sufficient. Each
public test file shows every kind of check the grader makes (inputs left
unchanged, large values, a batch of one, what is returned), and each
docstring states everything that is graded.

## Compare with the solutions (after the deadline)

The reference solutions live on a branch named `solutions`, which is
published once the deadline has passed. Commit your work first, then:

```
git fetch origin solutions
git diff HEAD origin/solutions -- exercises/{first}/layers.py   # your code against the reference
git diff main origin/solutions -- exercises/{first}             # just the answers
```

If you are studying on your own, try each exercise before looking: the
same two commands work in your clone as soon as `git fetch origin solutions`
has brought the branch.
"""


# ---------------------------------------------------------------- git


def _git_env() -> dict[str, str]:
    """No user or system configuration (hooks, signing, templates); fixed identity and dates."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    epoch = os.environ.get("SOURCE_DATE_EPOCH", str(DEFAULT_EPOCH))
    if not epoch.isdigit():
        raise ReleaseError(f"SOURCE_DATE_EPOCH must be a number of seconds, not {epoch!r}")
    date = f"@{epoch} +0000"
    env.update(
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME=AUTHOR[0],
        GIT_AUTHOR_EMAIL=AUTHOR[1],
        GIT_AUTHOR_DATE=date,
        GIT_COMMITTER_NAME=AUTHOR[0],
        GIT_COMMITTER_EMAIL=AUTHOR[1],
        GIT_COMMITTER_DATE=date,
    )
    return env


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=repo, env=env or _git_env(), capture_output=True, text=True)
    except FileNotFoundError:
        raise ReleaseError("git is not installed (or not on PATH)") from None
    if done.returncode != 0:
        message = (done.stderr.strip() or done.stdout.strip()).splitlines()
        raise ReleaseError(f"git {args[0]} failed: {message[-1] if message else done.returncode}")
    return done.stdout


def _write(root: Path, tree: Mapping[str, str | Path]) -> None:
    for rel, content in tree.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copyfile(content, target)
        else:
            target.write_text(content, encoding="utf-8", newline="\n")


# ---------------------------------------------------------------- leak check


def solution_lines(
    selected: list[str], solutions: Path = SOLUTIONS, min_length: int = MIN_LINE, public_text: str = ""
) -> dict[str, str]:
    """Stripped line -> its file, for every line inside a solution block that is long
    enough to be telling and that occurs nowhere outside the blocks of the chapters
    (not even inside a longer line: docstrings state the maths, ``dx = dout * s * (1 - s)``)
    nor in ``public_text``."""
    inside: dict[str, str] = {}
    public: list[str] = []
    for chapter in selected:
        for path in source_files(solutions / chapter):
            if path.suffix != ".py":
                continue
            in_block = False
            for line in path.read_text(encoding="utf-8").splitlines():
                text = line.strip()
                if text.startswith(BEGIN):
                    in_block = True
                elif text.startswith(END):
                    in_block = False
                elif in_block:
                    inside.setdefault(text, path.relative_to(solutions).as_posix())
                else:
                    public.append(text)
    outside = "\n".join(public) + "\n" + public_text
    return {line: where for line, where in inside.items() if len(line) >= min_length and line not in outside}


def hidden_test_names(selected: list[str], hidden: Path = HIDDEN, solutions: Path = SOLUTIONS) -> set[str]:
    """Test function names of the hidden suites that the public tests do not also use."""

    def names(paths: Iterable[Path]) -> set[str]:
        found: set[str] = set()
        for path in paths:
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            found |= {
                n.name
                for n in ast.walk(tree)
                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name.startswith("test_")
            }
        return found

    hidden_names = names(p for c in selected for p in sorted((hidden / c).glob("*.py")))
    return hidden_names - names(p for c in selected for p in sorted((solutions / c).glob("test_*.py")))


FORBIDDEN_TEXT = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "tests/mutants")


def branch_files(repo: Path, branch: str) -> dict[str, bytes]:
    """Every blob of ``branch``: path -> bytes."""
    listing = git(repo, "ls-tree", "-r", "-z", branch)
    entries = [line.split("\t", 1) for line in listing.split("\0") if line]
    blobs = [(meta.split()[2], path) for meta, path in entries if meta.split()[1] == "blob"]
    batch = subprocess.run(
        ["git", "cat-file", "--batch"],
        cwd=repo,
        env=_git_env(),
        check=True,
        capture_output=True,
        input="".join(f"{sha}\n" for sha, _ in blobs).encode(),
    ).stdout
    files, offset = {}, 0
    for _, path in blobs:
        header_end = batch.index(b"\n", offset)
        size = int(batch[offset:header_end].split()[2])
        files[path] = batch[header_end + 1 : header_end + 1 + size]
        offset = header_end + 1 + size + 1
    return files


def find_leaks(
    repo: Path,
    selected: list[str],
    branch: str = "main",
    solutions: Path = SOLUTIONS,
    hidden: Path = HIDDEN,
    grader: Path = GRADER,
) -> list[str]:
    """What on ``branch`` gives away the answers or the hidden suites, one line each.

    Every blob is searched. The course's own tool code that ships is public by
    design (``grader.testing.numerical_gradient`` is a central difference, like
    the gradcheck exercise), so a solution line also found in the project's copy
    of a shipped ``grader/`` file does not count; the same line anywhere else does.
    """
    files = branch_files(repo, branch)
    tool = [grader.parent / path for path in files if path.startswith("grader/")]
    public_text = "\n".join(p.read_text(encoding="utf-8") for p in tool if p.is_file())
    lines = solution_lines(selected, solutions, public_text=public_text)
    names = hidden_test_names(selected, hidden, solutions)
    leaks = []
    for path, data in sorted(files.items()):
        if path.split("/", 1)[0] in ("tests", "solutions"):
            leaks.append(f"{path}: course-only folder {path.split('/', 1)[0]}/ shipped")
        leaks += [f"{path}: contains {text!r}" for text in FORBIDDEN_TEXT if text.encode() in data]
        leaks += [
            f"{path}: contains the solution line {line!r} of solutions/{where}"
            for line, where in lines.items()
            if line.encode() in data
        ]
        leaks += [
            f"{path}: names the hidden test {name}"
            for name in sorted(names)
            if re.search(rb"\b%s\b" % name.encode(), data)
        ]  # whole names: test_x is not test_x_large
    return leaks


# ---------------------------------------------------------------- release


def _empty_or_absent(dest: Path) -> None:
    if dest.is_symlink() or (dest.exists() and (not dest.is_dir() or any(dest.iterdir()))):
        raise ReleaseError(f"{dest} exists and is not an empty folder; choose a new one")


def release(dest: Path, requested: list[str] | None = None, archive: bool = False) -> Release:
    dest = Path(dest).absolute()
    _empty_or_absent(dest)
    selected = select_chapters(requested)
    exercises = exercise_tree(selected)
    grader = grader_tree(exercises)
    main_tree: dict[str, str | Path] = {
        **exercises,
        **mistake_tables(selected),
        **grader,
        **dataset_files(),
        "README.md": student_readme(selected, exercises),
        "FROM-CS231N.md": ROOT / "docs" / "from-cs231n.md",
        "pyproject.toml": student_pyproject(selected),
        ".gitignore": GITIGNORE,
    }
    solved = solved_tree(selected)
    names = ", ".join(selected)
    env = _git_env()

    dest.parent.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        umask = os.umask(0o022)
        os.umask(umask)
        build.chmod(0o777 & ~umask)  # mkdtemp's folder is private; DEST should not be
        _write(build, main_tree)
        git(build, "init", "--quiet", "--initial-branch=main", "--template=", env=env)
        git(build, "add", "--all", env=env)
        git(build, "commit", "--quiet", "--no-verify", "-m", f"Exercises: {names}", env=env)
        git(build, "checkout", "--quiet", "-b", "solutions", env=env)
        _write(build, solved)
        git(build, "add", "--all", env=env)
        git(build, "commit", "--quiet", "--no-verify", "-m", f"Reference solutions: {names}", env=env)
        git(build, "checkout", "--quiet", "main", env=env)
        leaks = find_leaks(build, selected)
        if leaks:
            raise ReleaseError(
                f"main would give away course-only text ({len(leaks)} finding(s)); first: {leaks[0]}",
                code=EXIT_FAILURES,
            )
        _empty_or_absent(dest)
        if dest.exists():  # an empty folder, maybe the shell's current one: keep it, fill it
            for child in build.iterdir():
                os.rename(child, dest / child.name)
            build.rmdir()
        else:
            os.rename(build, dest)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    result = Release(
        dest,
        selected,
        git(dest, "rev-parse", "main").strip(),
        git(dest, "rev-parse", "solutions").strip(),
        len(main_tree),
        grader_modules=sorted(grader),
    )
    if archive:
        result.archive = write_archive(dest)
    return result


def archive_path(dest: Path) -> Path:
    """Where ``--zip`` writes: next to DEST, named DEST.zip."""
    return dest.with_name(dest.name + ".zip")


def write_archive(dest: Path) -> Path:
    """``git archive`` of main as DEST.zip (files under a folder named like DEST); replaces an old one."""
    target = archive_path(dest)
    partial = target.with_name(f".{target.name}.partial")
    try:
        git(dest, "archive", "--format=zip", f"--prefix={dest.name}/", "-o", str(partial), "main")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def run(args: argparse.Namespace) -> int:
    done = release(args.dest, args.chapters, archive=args.zip)
    print(
        f"released {', '.join(done.chapters)} to {done.dest}: branch main {done.main[:10]} ({done.files} files), "
        f"branch solutions {done.solutions[:10]}"
    )
    if done.archive:
        print(f"archive of main: {done.archive}")
    print("Publish main to students now; push the solutions branch after the deadline.")
    return EXIT_OK
