"""``dlgrade release``: the student repository and its solutions branch.

One release of ch3 is built per module and inspected with git. The released
copy of the tool is exercised for real: its pytest plugin and its
``dlgrade check`` run from the release (``PYTHONPATH=DEST``, plugin
autoloading off), never the project's own ``grader``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from grader.authoring import release as rel
from grader.authoring.markers import remove_markers
from grader.authoring.sync import expected_tree, header
from grader.paths import ROOT, SOLUTIONS

CHAPTERS = ["ch3"]


def student_env(root: Path) -> dict[str, str]:
    """Run with the released copy of the tool: its folder first on the path, no autoloaded plugins."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PYTHON"))}
    env.update(PYTHONPATH=str(root), PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", PYTHONDONTWRITEBYTECODE="1")
    return env


def run_in(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=root, env=env or student_env(root), capture_output=True, text=True, timeout=120
    )


def dlgrade(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return subprocess.run(
        [sys.executable, "-m", "grader", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> rel.Release:
    dest = tmp_path_factory.mktemp("release") / "not" / "yet" / "student-repo"  # parents are created
    done = dlgrade("release", str(dest), "--chapters", ",".join(CHAPTERS), "--zip")
    assert done.returncode == 0, done.stdout + done.stderr
    return rel.Release(
        dest,
        CHAPTERS,
        rel.git(dest, "rev-parse", "main").strip(),
        rel.git(dest, "rev-parse", "solutions").strip(),
        0,
        archive=rel.archive_path(dest),
    )


@pytest.fixture(scope="module")
def solutions_checkout(released, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("checkout") / "solutions"
    rel.git(released.dest, "worktree", "add", "--quiet", str(folder), "solutions")
    return folder


def files_on(repo: Path, branch: str) -> list[str]:
    return rel.git(repo, "ls-tree", "-r", "--name-only", branch).splitlines()


def stub_modules() -> list[str]:
    return sorted(rel.solved_tree(CHAPTERS))


# ---------------------------------------------------------------- what main holds


def test_main_holds_exercises_datasets_student_tools_and_nothing_else(released):
    files = set(files_on(released.dest, "main"))
    exercises = {f"exercises/{p}" for p in expected_tree() if p.count("/") == 0 or p.split("/")[0] in CHAPTERS}
    tools = set(rel.grader_tree(rel.exercise_tree(CHAPTERS)))
    assert tools >= {f"grader/{m.replace('.', '/')}.py" for m in rel.STUDENT_MODULES}
    tables = set(rel.mistake_tables(CHAPTERS))  # known mistakes on the public tests: fingerprints, explanations
    assert tables == {f"exercises/{chapter}/mistakes.json" for chapter in CHAPTERS}
    assert files == exercises | tools | tables | set(rel.dataset_files()) | {
        "README.md",
        "FROM-CS231N.md",
        "pyproject.toml",
        ".gitignore",
    }
    assert not any(f.startswith(("tests/", "solutions/")) for f in files)
    assert not any(f.startswith(("grader/authoring/", "grader/notebooks/", "grader/isolation/")) for f in files)
    assert "grader/grading/grade.py" not in files
    assert rel.git(released.dest, "branch", "--show-current").strip() == "main"
    assert sorted(rel.git(released.dest, "for-each-ref", "--format=%(refname:short)", "refs/heads").split()) == [
        "main",
        "solutions",
    ]


def test_exercises_on_main_are_exactly_what_sync_generates(released):
    for path, text in rel.exercise_tree(CHAPTERS).items():
        assert rel.git(released.dest, "show", f"main:{path}") == text, path


def test_solutions_branch_differs_from_main_only_by_the_answers(released):
    dest = released.dest
    assert rel.git(dest, "diff", "--name-only", "main", "solutions").split() == stub_modules()
    assert stub_modules(), "ch3 has stub modules"
    for path in stub_modules():
        source = SOLUTIONS / Path(path).relative_to("exercises")
        top = header(Path(path).relative_to("exercises").as_posix())
        assert rel.git(dest, "show", f"solutions:{path}") == top + remove_markers(source.read_text(encoding="utf-8"))
    # every line the solutions branch drops is a stub's raise: headers and docstrings are identical
    removed = [
        line
        for line in rel.git(dest, "diff", "-U0", "main", "solutions").splitlines()
        if line.startswith("-") and not line.startswith("---")
    ]
    assert removed and all(line[1:].strip().startswith('raise NotImplementedError("') for line in removed), removed


def test_commits_are_reproducible_with_a_fixed_author_and_date(released, tmp_path):
    again = rel.release(tmp_path / "again", CHAPTERS)
    assert (again.main, again.solutions) == (released.main, released.solutions)
    log = rel.git(released.dest, "log", "--format=%an <%ae> %cn %at %ct", "solutions").splitlines()
    author = f"{rel.AUTHOR[0]} <{rel.AUTHOR[1]}> {rel.AUTHOR[0]} {rel.DEFAULT_EPOCH} {rel.DEFAULT_EPOCH}"
    assert log == [author, author]


@pytest.mark.parametrize("chapter", ["ch8", "ch10"])
def test_known_mistakes_are_the_same_in_every_release(chapter):
    """Some wrong ch10 kernels leave memory nothing wrote, ch8's threads run in any order: such wrong answers
    (marked unsteady) stay out of the shipped table, which is then the same in every release."""
    script = f"from grader.authoring.release import public_mistakes; print(public_mistakes({chapter!r}))"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    tables = [
        subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        for _ in range(2)
    ]
    assert all(t.returncode == 0 for t in tables), tables[0].stderr + tables[1].stderr
    assert tables[0].stdout == tables[1].stdout
    assert len(json.loads(tables[0].stdout)["mistakes"]) >= 20  # the steady ones are kept


def test_zip_is_git_archive_of_main(released):
    with zipfile.ZipFile(released.archive) as archive:
        names = {n for n in archive.namelist() if not n.endswith("/")}
        prefix = released.dest.name + "/"
        assert names == {prefix + f for f in files_on(released.dest, "main")}
        assert archive.read(prefix + "exercises/ch3/layers.py").decode() == rel.git(
            released.dest, "show", "main:exercises/ch3/layers.py"
        )


def test_student_pyproject_installs_just_what_students_need(released):
    project = tomllib.loads(rel.git(released.dest, "show", "main:pyproject.toml"))
    names = [r.split("[")[0].split(">")[0].split("=")[0].strip() for r in project["project"]["dependencies"]]
    assert names == ["numpy", "autograd", "pytest", "pytest-timeout", "watchfiles", "matplotlib", "rich"]
    assert project["project"]["scripts"] == {"dlgrade": "grader.cli:main"}
    assert project["project"]["entry-points"]["pytest11"] == {"dlgrade": "grader.pytest_plugin"}
    assert project["tool"]["setuptools"]["packages"]["find"]["include"] == ["grader*", "exercises*"]
    assert any(r.startswith("pyopencl[pocl]") for r in rel.requirements(["ch3", "ch10"]))
    assert ".venv/" in rel.git(released.dest, "show", "main:.gitignore")


def test_student_readme_says_how_to_install_run_check_and_compare(released):
    readme = rel.git(released.dest, "show", "main:README.md")
    for needed in (
        "pip install -e .",
        "pytest exercises/ch3",
        "dlgrade check ch3",
        "solutions",
        "git diff main origin/solutions -- exercises/ch3",
        "dlgrade watch ch3",
        "dlgrade hint",
    ):
        assert needed in readme
    assert "git diff main solutions" not in readme, "a clone has origin/solutions, not solutions"


# ---------------------------------------------------------------- leak check


def test_main_gives_away_no_solution_and_no_hidden_test(released):
    assert rel.find_leaks(released.dest, CHAPTERS) == []
    assert len(rel.solution_lines(CHAPTERS)) > 50, "the check knows the solution lines"
    assert rel.hidden_test_names(CHAPTERS), "the check knows the hidden test names"
    # and the solutions branch does hold what the check looks for: the check sees the answers there
    assert any("solution line" in leak for leak in rel.find_leaks(released.dest, CHAPTERS, branch="solutions"))


def test_leak_check_catches_an_injected_solution_line_and_hidden_test(released, tmp_path):
    copy = tmp_path / "copy"
    rel.git(tmp_path, "clone", "--quiet", "--branch", "main", str(released.dest), str(copy))
    line, where = sorted(rel.solution_lines(CHAPTERS).items())[0]
    hidden = sorted(rel.hidden_test_names(CHAPTERS))[0]
    (copy / "README.md").write_text((copy / "README.md").read_text() + f"\n    {line}\n", encoding="utf-8")
    testing = copy / "grader" / "testing.py"
    testing.write_text(testing.read_text() + f"\n# see {hidden}\n", encoding="utf-8")
    rel.git(copy, "commit", "--quiet", "-am", "leak")
    leaks = rel.find_leaks(copy, CHAPTERS)
    assert f"README.md: contains the solution line {line!r} of solutions/{where}" in leaks
    assert f"grader/testing.py: names the hidden test {hidden}" in leaks
    assert len(leaks) == 2


def test_release_refuses_to_publish_a_leak_and_leaves_nothing(tmp_path, monkeypatch):
    line = sorted(rel.solution_lines(CHAPTERS))[0]
    readme = rel.student_readme
    monkeypatch.setattr(rel, "student_readme", lambda *a: readme(*a) + f"\n{line}\n")
    with pytest.raises(rel.ReleaseError, match="give away") as error:
        rel.release(tmp_path / "dest", CHAPTERS)
    assert error.value.code == 1
    assert list(tmp_path.iterdir()) == []


def test_instructor_only_modules_are_never_shipped():
    with pytest.raises(rel.ReleaseError, match="grader/authoring/sync, which is instructor-only"):
        rel.grader_tree({"exercises/ch3/test_x.py": "from grader.authoring.sync import render\n"})


# ---------------------------------------------------------------- errors


def test_refuses_a_destination_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    done = dlgrade("release", str(tmp_path), "--chapters", "ch3")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "not an empty folder" in done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_an_empty_destination_is_fine_and_unknown_chapters_are_refused(tmp_path):
    assert rel.release(tmp_path, CHAPTERS).main
    done = dlgrade("release", str(tmp_path.parent / "other"), "--chapters", "ch3,ch99")
    assert done.returncode == 2 and done.stderr.startswith("dlgrade release: no chapter ch99")
    assert done.stderr.strip().count("\n") == 0


def test_a_chapter_needs_the_chapters_it_imports(tmp_path):
    for chapter, text in {"ch3": "", "ch5": "from ..ch3.layers import affine_forward\n"}.items():
        (tmp_path / chapter).mkdir()
        (tmp_path / chapter / "cnn.py").write_text(text)
    with pytest.raises(rel.ReleaseError, match=r"ch5 imports ch3 .*: add ch3 to --chapters"):
        rel.select_chapters(["ch5"], solutions=tmp_path)
    assert rel.select_chapters(["ch5", "ch3"], solutions=tmp_path) == ["ch3", "ch5"]


# ---------------------------------------------------------------- the released tool, for real


def test_released_pytest_reports_not_started_on_main(released):
    which = run_in(released.dest, "-c", "import grader; print(grader.__file__)")
    assert Path(which.stdout.strip()) == released.dest / "grader" / "__init__.py"
    done = run_in(released.dest, "-m", "pytest", "-p", "grader.pytest_plugin", "exercises/ch3", "-q", "--color=no")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "not started" in done.stdout and "Next: affine_forward" in done.stdout


def test_every_public_test_passes_on_the_solutions_branch(solutions_checkout):
    done = run_in(solutions_checkout, "-m", "pytest", "-p", "grader.pytest_plugin", "exercises/ch3", "-q", "--color=no")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert " passed" in done.stdout and "failed" not in done.stdout and "not started" not in done.stdout


def test_a_new_student_reads_the_known_mistake_in_pytest_and_check(released, solutions_checkout, tmp_path):
    clone = tmp_path / "clone"
    rel.git(tmp_path, "clone", "--quiet", str(released.dest), str(clone))
    assert not (clone / "solutions").exists() and not (clone / "tests").exists()
    layers = clone / "exercises" / "ch3" / "layers.py"
    solved = (solutions_checkout / "exercises" / "ch3" / "layers.py").read_text()
    layers.write_text(solved.replace("db = dout.sum(axis=0)", "db = np.mean(dout, axis=0)"))  # as a student would
    said = "affine_backward: this looks like a known mistake. Your db is the mean of dout over the batch."
    for command in (["-m", "pytest", "-p", "grader.pytest_plugin", "exercises/ch3", "-q"], ["-m", "grader", "check"]):
        done = run_in(clone, *command)
        assert said in " ".join(done.stdout.split()), done.stdout[-3000:]
    for correct_or_blank in (solutions_checkout, released.dest):
        done = run_in(correct_or_blank, "-m", "pytest", "-p", "grader.pytest_plugin", "exercises/ch3", "-q")
        assert "known mistake" not in done.stdout


def test_released_dlgrade_check_works_and_offers_only_check(released, solutions_checkout):
    on_main = run_in(released.dest, "-m", "grader", "check", "ch3")
    assert on_main.returncode == 1 and "Next:" in on_main.stdout, on_main.stdout + on_main.stderr
    on_solutions = run_in(solutions_checkout, "-m", "grader", "check", "ch3")
    assert on_solutions.returncode == 0 and "exercises pass" in on_solutions.stdout, on_solutions.stdout
    usage = run_in(released.dest, "-m", "grader", "--help")
    assert "\n    check " in usage.stdout
    assert not any(f"\n    {c} " in usage.stdout for c in ("sync", "grade", "selftest", "nbgrader", "release"))
    assert run_in(released.dest, "-m", "grader", "sync").returncode == 2


def _can_build_offline() -> bool:
    """setuptools builds an editable wheel without network only with `wheel` or setuptools >= 70.1."""
    import setuptools

    version = tuple(int(p) for p in setuptools.__version__.split(".")[:2] if p.isdigit())
    return importlib.util.find_spec("wheel") is not None or version >= (70, 1)


@pytest.mark.skipif(
    not _can_build_offline(),
    reason="the project's venv cannot build a wheel offline (needs `wheel` or setuptools>=70.1)",
)
def test_slow_pip_installed_release_runs_dlgrade_check(solutions_checkout, tmp_path):
    """pip install -e the release into a throwaway venv that sees the project's packages (a few seconds)."""
    import site
    import venv

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # the project's site-packages as a plain path: its packages, not its editable `grader`
    Path(purelib, "course.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PYTHON", "PIP_"))}
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-e",
            str(solutions_checkout),
        ],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    which = subprocess.run(
        [str(python), "-c", "import grader; print(grader.__file__)"],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
    )
    assert Path(which.stdout.strip()) == solutions_checkout / "grader" / "__init__.py"
    done = subprocess.run(
        [str(env_dir / "bin" / "dlgrade"), "check", "ch3"],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and "exercises pass" in done.stdout, done.stdout + done.stderr


def test_imports_only_for_type_checkers_are_not_shipped():
    source = "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from grader.isolation import proxy\n"
    assert rel._grader_imports(source, "grader/x.py", module_level=True) == set()
    assert rel._grader_imports(source.replace("TYPE_CHECKING:", "True:"), "grader/x.py", module_level=True) == {
        "isolation.proxy"
    }
