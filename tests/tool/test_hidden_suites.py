"""Hidden suites that cannot be steered, and failures that name their real cause.

- Audit, per chapter: a submission whose every function (and every method of its classes) computes the
  right answer and then changes its array, list and dict inputs in place loses points on every exercise
  that takes such inputs, and is told so ("changed ... in place"), never "values differ": no test
  computes its expected values from inputs the student's code has changed.
- Code written for CS231n, graded through `dlgrade grade` (the isolated worker) and in-process pytest,
  reads one line naming the real cause: an input changed in place, a backward whose own forward
  returns the wrong shape, a name numpy removed (`np.int`).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from grader.authoring.markers import remove_markers
from grader.grading.scoring import Outcome, by_exercise
from grader.isolation.sandbox import unavailable_reason
from grader.paths import HIDDEN_TESTS, ROOT, SOLUTIONS, chapters
from grader.testing import Checked, ExerciseFailure, check_unchanged, difference, snapshot
from tests.tool.submission_files import reference_files, write_files

# Exercises that take no array, list or dict an answer could change: nothing to check.
TAKES_NO_DATA = {
    "ch3": {"he_init", "dense_toy_weights", "rnn_toy_weights", "train_xor_network"},  # sizes, numbers, a generator
    "ch5": {"connection_counts"},  # a tuple of sizes (tuples cannot change) and numbers
    "ch6": {"toy_sequences"},  # numbers
    "ch7": {"EarlyStopping"},  # on_epoch_end's logs dict is Keras's to extend
    "ch8": {"EarlyStopping", "lecun_init"},  # numbers; sizes and a generator
    "ch9": {"derivative"},  # a function and a number
    "ch10": {"device_report", "global_id"},  # nothing; numbers
}

SPOIL = """

# ---- the audit's wrong answer: every function returns the right answer, then changes its inputs
import functools as _dl_functools
import types as _dl_types

import numpy as _dl_np


def _dl_spoil(value):
    if isinstance(value, _dl_np.ndarray):
        if value.size and value.flags.writeable and value.dtype.kind in "biufc":
            value.flat[0] = (not value.flat[0]) if value.dtype.kind == "b" else value.flat[0] + 1
            return True
        return False
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            if _dl_spoil(item):
                return True
            if isinstance(value, list) and isinstance(item, (int, float)) and not isinstance(item, bool):
                value[index] = item + 1
                return True
        if isinstance(value, list):
            value.append(value[0] if value else 0)
            return True
        return False
    if isinstance(value, dict):
        if any(_dl_spoil(item) for item in value.values()):
            return True
        value["_dl_spoiled"] = True
        return True
    return False


def _dl_spoiling(function):
    @_dl_functools.wraps(function)
    def spoiling(*args, **kwargs):
        result = function(*args, **kwargs)
        for value in (*args, *kwargs.values()):
            _dl_spoil(value)
        return result

    return spoiling


for _dl_name, _dl_value in list(globals().items()):
    if _dl_name.startswith("_") or getattr(_dl_value, "__module__", None) != __name__:
        continue
    if isinstance(_dl_value, _dl_types.FunctionType):
        globals()[_dl_name] = _dl_spoiling(_dl_value)
    elif isinstance(_dl_value, type):
        for _dl_attr, _dl_member in list(vars(_dl_value).items()):
            if isinstance(_dl_member, _dl_types.FunctionType) and (
                not _dl_attr.startswith("_") or _dl_attr in ("__init__", "__call__")
            ):
                setattr(_dl_value, _dl_attr, _dl_spoiling(_dl_member))
"""


def edited(rel: str, old: str, new: str) -> dict[str, str]:
    """The reference file ``rel`` (under solutions/) with ``old``, which occurs once, replaced by ``new``."""
    text = remove_markers((SOLUTIONS / rel).read_text(encoding="utf-8"))
    assert text.count(old) == 1, f"{old!r} in {rel}"
    return {rel: text.replace(old, new)}


def hidden_suites(folder: Path, tmp_path: Path, *paths: str, isolate: bool = False) -> tuple[list[Outcome], str]:
    """Run hidden suites in-process (or through the isolated worker) on ``folder``: outcomes and stdout."""
    report = tmp_path / f"report-{folder.name}.json"
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "grader.pytest_plugin", "-p", "no:cacheprovider"]
    command += [*paths, f"--impl={folder}", f"--dl-report={report}", *(["--isolate"] if isolate else [])]
    done = subprocess.run(command, check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert report.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    return [Outcome.from_json(t) for t in json.loads(report.read_text(encoding="utf-8"))["tests"]], done.stdout


# ---------------------------------------------------------------- the helpers a hidden test uses


def test_a_changed_input_is_named_with_its_parameter():
    def sgd(w, dw, config=None):
        w -= 0.1 * dw
        return w, config

    w, dw = np.ones(3), np.ones(3)
    with pytest.raises(ExerciseFailure, match=r"^sgd changed w in place; return a new array"):
        Checked(sgd, "sgd", ["w", "dw", "config"], ())(w, dw)
    assert np.array_equal(w, np.ones(3)), "the next test must get its data back unchanged"


def test_a_dict_that_carries_state_may_change_but_not_its_arrays():
    def rule(w, dw, config=None):
        config.setdefault("learning_rate", 0.1)  # CS231n's own code does this
        config["velocity"] = config["velocity"] + dw
        return w - dw, config

    def in_place(w, dw, config=None):
        config["velocity"] += dw
        return w - dw, config

    checked = Checked(rule, "rule", ["w", "dw", "config"], ["config"])
    checked(np.ones(2), np.ones(2), {"velocity": np.zeros(2)})
    with pytest.raises(ExerciseFailure, match=r"changed config\['velocity'\] in place"):
        Checked(in_place, "rule", ["w", "dw", "config"], ["config"])(np.ones(2), np.ones(2), {"velocity": np.zeros(2)})
    with pytest.raises(ExerciseFailure, match=r"changed config in place; return a new dict"):
        Checked(rule, "rule", ["w", "dw", "config"], ())(np.ones(2), np.ones(2), {"velocity": np.zeros(2)})


def test_unchanged_compares_structure_lengths_and_values():
    values: list[Any] = [[np.zeros(2), 1.0], {"a": np.ones(2)}]
    copies = snapshot(*values)
    check_unchanged(values, copies, "f")
    for change in (
        lambda: values[0].append(np.zeros(2)),  # a longer list
        lambda: values[1].update(b=1),  # a new key
        lambda: values[0].__setitem__(1, 2.0),  # a number in a list
        lambda: values[1].__setitem__("a", np.ones(3)),  # another shape
    ):
        changing = snapshot(*values)
        change()
        with pytest.raises(ExerciseFailure, match="in place"):
            check_unchanged(values, changing, "f")
        assert not any(difference(v, c) for v, c in zip(values, changing)), "restored"


# ---------------------------------------------------------------- the audit, per chapter


@pytest.fixture(scope="module")
def spoiled(tmp_path_factory):
    """Every chapter's hidden suite, run once on the reference whose every function changes its inputs."""
    base = tmp_path_factory.mktemp("spoiled")
    files = {
        rel: text + ("" if rel.endswith("__init__.py") else SPOIL)
        for chapter in chapters(SOLUTIONS)
        for rel, text in reference_files(chapter).items()
    }
    folder = write_files(base / "spoiled", files)
    return hidden_suites(folder, base, *(str(HIDDEN_TESTS / chapter) for chapter in chapters(SOLUTIONS)))[0]


@pytest.mark.parametrize("chapter", chapters(SOLUTIONS))
def test_an_answer_that_changes_its_inputs_loses_points_on_every_exercise_that_takes_them(chapter, spoiled):
    outcomes = [o for o in spoiled if o.chapter == chapter]
    scores = {row.exercise: row for row in by_exercise(outcomes)}
    assert TAKES_NO_DATA.get(chapter, set()) <= set(scores), "an exercise listed as taking no data is gone"
    told = {o.exercise for o in outcomes if o.status == "failed" and " in place; return a new " in o.message}
    for exercise, row in scores.items():
        if exercise not in TAKES_NO_DATA.get(chapter, set()):
            assert row.score < row.max_score, f"{chapter} {exercise}: full marks for code that changes its inputs"
            assert exercise in told, f"{chapter} {exercise}: never told that its inputs were changed in place"


# ---------------------------------------------------------------- CS231n-era code, every road

CS231N = {
    **reference_files("ch5"),
    **reference_files("ch8"),
    # CS231n's staff sgd: correct, but it changes w in place
    **edited(
        "ch8/optim.py",
        '1e-2})\n    next_w = w - config["learning_rate"] * dw',
        '1e-2})\n    w -= config["learning_rate"] * dw\n    next_w = w',
    ),
    # a max-pooling forward of the wrong shape; its backward is right
    **edited(
        "ch5/pool.py",
        "            out[:, :, i, j] = window.max(axis=(2, 3))\n    cache = (x, pool_param)\n",
        "            out[:, :, i, j] = window.max(axis=(2, 3))\n    cache = (x, pool_param)\n"
        "    out = out.reshape(N, -1)\n",
    ),
    # 2017 code: np.float
    **edited(
        "ch5/conv.py",
        "    out = np.zeros((N, F, H_out, W_out))\n    for n in range(N):",
        "    out = np.zeros((N, F, H_out, W_out), dtype=np.float)\n    for n in range(N):",
    ),
}
IN_PLACE = "sgd changed w in place; return a new array"
FORWARD_SHAPE = "max_pool_backward_naive could not be checked: max_pool_forward_naive returns shape"
REMOVED = "np.float no longer exists in numpy (removed in 1.24 or 2.0): use float (or np.float64) instead"


def messages(outcomes: list[Outcome], exercise: str) -> set[str]:
    return {o.message for o in outcomes if o.exercise == exercise and o.status == "failed"}


@pytest.mark.parametrize("isolate", [False, True], ids=["in-process", "worker"])
def test_cs231n_code_is_told_the_real_cause(isolate, tmp_path):
    if isolate and unavailable_reason():
        pytest.skip(str(unavailable_reason()))
    folder = write_files(tmp_path / "cs231n", CS231N)
    paths = [str(HIDDEN_TESTS / "ch8" / "test_optim.py"), str(HIDDEN_TESTS / "ch5")]
    outcomes, stdout = hidden_suites(folder, tmp_path, *paths, isolate=isolate)
    sgd = messages(outcomes, "sgd")
    assert sgd and all(m.startswith(IN_PLACE) for m in sgd), sgd
    backward = messages(outcomes, "max_pool_backward_naive")
    assert backward and all(m.startswith(FORWARD_SHAPE) for m in backward), backward
    conv = messages(outcomes, "conv_forward_naive")
    assert conv and all(m.startswith(REMOVED) for m in conv), conv
    assert IN_PLACE in stdout and FORWARD_SHAPE in stdout and REMOVED in stdout
    assert not any("cannot reshape" in o.message or "has no attribute" in o.message for o in outcomes)


def test_dlgrade_grade_feedback_names_the_real_cause(tmp_path):
    if unavailable_reason():
        pytest.skip(str(unavailable_reason()))
    student = write_files(tmp_path / "class" / "cs231n", CS231N)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "grader", "grade", str(student), "--out", str(out), "--chapters", "ch5,ch8"]
    done = subprocess.run(command, check=False, cwd=ROOT, capture_output=True, text=True, timeout=1200)
    assert (out / "grades.csv").exists(), done.stderr[-3000:]
    feedback = (out / "cs231n" / "feedback.md").read_text(encoding="utf-8")
    results = (out / "cs231n" / "results.json").read_text(encoding="utf-8")
    for sentence in (IN_PLACE, FORWARD_SHAPE, REMOVED):
        assert sentence in feedback and sentence in results, sentence
    assert "cannot reshape" not in feedback and "has no attribute" not in feedback
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = {row["exercise"]: row for row in csv.DictReader(handle) if row["student"] == "cs231n"}
    assert float(rows["sgd"]["score"]) < float(rows["sgd"]["max_score"])
    assert float(rows["max_pool_backward_naive"]["score"]) < float(rows["max_pool_backward_naive"]["max_score"])


def test_a_student_running_the_public_tests_reads_the_real_cause(tmp_path):
    files = {rel: text for rel, text in CS231N.items() if rel in ("ch8/optim.py", "ch5/conv.py", "ch5/pool.py")}
    for rel in ("ch5/__init__.py", "ch8/__init__.py", "ch5/test_conv.py", "ch5/test_pool.py", "ch8/test_optim.py"):
        files[rel] = (SOLUTIONS / rel).read_text(encoding="utf-8")
    course = write_files(tmp_path / "exercises", files)
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "grader.pytest_plugin", "-p", "no:cacheprovider"]
    report = tmp_path / "public.json"
    command += [str(course / "ch8"), str(course / "ch5"), f"--dl-report={report}", f"--rootdir={tmp_path}"]
    done = subprocess.run(command, check=False, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert report.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    outcomes = [Outcome.from_json(t) for t in json.loads(report.read_text(encoding="utf-8"))["tests"]]
    sgd = messages(outcomes, "sgd")
    assert sgd and all(m.startswith(IN_PLACE) for m in sgd), sgd
    conv = messages(outcomes, "conv_forward_naive")
    assert conv and all(m.startswith(REMOVED) and "ch5/conv.py line" in m for m in conv), conv
    assert IN_PLACE in done.stdout and REMOVED in done.stdout
