"""A new student's first mistakes, tried in a clone of a fresh release (ch3).

Each test clones the release, takes the reference answers from the
``solutions`` branch as "finished work", breaks one thing the way students
do, and reads what pytest and ``dlgrade check`` say. The released copy of
the tool runs (``PYTHONPATH=clone``, plugin autoloading off, its plugin named
with ``-p`` as an installed entry point would load it).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from grader.authoring import release as rel
from grader.paths import ROOT


def student_env(root: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PYTHON"))}
    env.update(
        PYTHONPATH=str(root),
        PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
        PYTEST_ADDOPTS="-p grader.pytest_plugin",
        PYTHONDONTWRITEBYTECODE="1",
        **extra,
    )
    return env


def run(root: Path, *args: str, timeout: float = 120, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=root,
        env=student_env(root, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def pytest_in(root: Path, *args: str, **extra: str) -> str:
    done = run(root, "-m", "pytest", "-q", "--color=no", *args, **extra)  # type: ignore[arg-type]
    return done.stdout + done.stderr


def check_in(root: Path, *args: str, **extra: str) -> str:
    done = run(root, "-m", "grader", "check", *args, COLUMNS="200", **extra)  # type: ignore[arg-type]
    return " ".join((done.stdout + done.stderr).split())


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("release") / "course"
    done = subprocess.run(
        [sys.executable, "-m", "grader", "release", str(dest), "--chapters", "ch3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return dest


@pytest.fixture
def clone(release, tmp_path) -> Path:
    """A student's clone with every ch3 exercise done (the reference answers)."""
    folder = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(release), str(folder)], check=True)
    subprocess.run(["git", "fetch", "--quiet", "origin", "solutions"], cwd=folder, check=True)
    subprocess.run(["git", "checkout", "--quiet", "origin/solutions", "--", "exercises"], cwd=folder, check=True)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_syntax_error_is_named_first_and_the_rest_still_runs(clone):
    layers = clone / "exercises" / "ch3" / "layers.py"
    edit(layers, "    out = np.maximum(0, x)\n", "    out = np.maximum(0, x\n")
    line = layers.read_text().splitlines().index("    out = np.maximum(0, x") + 1
    out = pytest_in(clone, "exercises/ch3")
    assert f"Fix this first: ch3/layers.py line {line}: SyntaxError" in out, out[-3000:]
    assert re.search(r"softmax_loss\s+passing", out), "losses.py does not need layers.py: it still runs"
    assert re.search(r"affine_forward\s+broken", out) and re.search(r"xor_network\s+broken", out)
    assert "toy_models.py line" not in out and "Traceback" not in out
    assert f"Fix this first: ch3/layers.py line {line}: SyntaxError" in check_in(clone, "ch3")


def test_an_import_the_course_does_not_use_names_the_file_and_what_is_allowed(clone):
    edit(clone / "exercises" / "ch3" / "losses.py", "import numpy as np\n", "import numpy as np\nimport torch\n")
    out = pytest_in(clone, "exercises/ch3")
    assert "Fix this first: ch3/losses.py line" in out and "No module named 'torch'" in out, out[-3000:]
    assert "may import only numpy" in out
    assert re.search(r"affine_forward\s+passing", out)


def test_an_endless_loop_is_stopped_and_named(clone):
    edit(
        clone / "exercises" / "ch3" / "layers.py",
        "    out = np.maximum(0, x)\n",
        "    out = np.maximum(0, x)\n    while True:\n        pass\n",
    )
    out = pytest_in(clone, "exercises/ch3/test_layers.py", "--timeout=1")
    assert "relu_forward did not return within 1 s: an infinite loop? (stopped at ch3/layers.py line" in out, out[
        -3000:
    ]
    assert "Next: relu_forward" in out
    shown = check_in(clone, "ch3", PYTEST_TIMEOUT="1")
    assert "relu_forward did not return within 1 s" in shown, shown[-2000:]


def test_a_wrong_gradient_puts_the_checks_own_message_on_the_next_line(clone):
    edit(clone / "exercises" / "ch3" / "layers.py", "    db = dout.sum(axis=0)\n", "    db = dout.sum(axis=1)\n")
    out = pytest_in(clone, "exercises/ch3/test_layers.py")
    assert "Next: affine_backward in ch3/layers.py  (affine_backward: db: shape (4,), expected (5,))" in out, out
    assert "affine_backward: db: shape (4,), expected (5,)" in check_in(clone, "ch3")


def test_a_forward_that_forgets_the_cache_is_told_to_return_a_pair(clone):
    layers = clone / "exercises" / "ch3" / "layers.py"
    text = layers.read_text()
    start = text.index("def affine_forward")
    layers.write_text(text[:start] + text[start:].replace("    return out, cache\n", "    return out\n", 1))
    out = pytest_in(clone, "exercises/ch3/test_layers.py")
    assert "Next: affine_forward in ch3/layers.py  (affine_forward must return a pair (out, cache), got ndarray)" in out


def test_public_tests_catch_an_in_place_relu_and_an_unstable_softmax_loss(clone):
    edit(clone / "exercises" / "ch3" / "layers.py", "    out = np.maximum(0, x)\n", "    x[x < 0] = 0\n    out = x\n")
    edit(
        clone / "exercises" / "ch3" / "losses.py",
        "    shifted = x - x.max(axis=1, keepdims=True)\n",
        "    shifted = x\n",
    )
    out = pytest_in(clone, "exercises/ch3/test_layers.py", "exercises/ch3/test_losses.py")
    assert "relu_forward changed x in place; return a new array" in out, out[-3000:]
    assert "softmax_loss of scores near +-1000: overflow" in out


def test_last_failed_history_and_the_readme_commands_work_in_a_clone(clone):
    edit(clone / "exercises" / "ch3" / "layers.py", "    db = dout.sum(axis=0)\n", "    db = 2 * dout.sum(axis=0)\n")
    first = pytest_in(clone, "exercises/ch3")
    assert "2 failed" in first, first[-1500:]
    again = pytest_in(clone, "--lf", "exercises/ch3")
    assert "2 failed" in again and "passed" not in again.splitlines()[-1]
    edit(clone / "exercises" / "ch3" / "layers.py", "    db = 2 * dout.sum(axis=0)\n", "    db = dout.sum(axis=0)\n")
    pytest_in(clone, "exercises/ch3")
    history = check_in(clone, "--history", "ch3")
    assert re.search(r"ch3/affine_backward .*failing .*passing", history), history
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True, check=True
    ).stdout
    assert ".dlgrade" not in status and ".pytest_cache" not in status
    readme = (clone / "README.md").read_text()
    commands = re.findall(r"^(git diff [^#\n]+?)\s*(?:#|$)", readme, re.MULTILINE)
    assert commands
    for command in commands:
        done = subprocess.run(command.split(), cwd=clone, capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"{command}: {done.stderr}"


def test_the_student_repository_offers_no_sandbox_options_and_ships_no_maintainer_text(release):
    usage = run(release, "-m", "pytest", "--help").stdout
    assert "--impl" in usage and "--isolate" not in usage and "--call-timeout" not in usage
    assert "--timeout" in usage
    for path in rel.git(release, "ls-files").split():
        if path.startswith("grader/") or not path.endswith((".py", ".md", ".toml")):
            continue
        text = (release / path).read_text(encoding="utf-8")
        for phrase in ("solutions/ch", "dlgrade sync", "maintainer", "blog post", "stub generator"):
            assert phrase not in text, f"{path} says {phrase!r}"
