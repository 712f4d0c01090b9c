"""Cheating and faulty submissions, graded in one batch with honest students.

Each case is the reference chapter 3 with one edit (or extra files). The
whole class is graded by the real `dlgrade grade` (sandboxed worker, --jobs 2);
every case must lose exactly what it cheats at or breaks, the honest
students keep full marks, and the grader finishes.
"""

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.authoring.markers import remove_markers
from grader.isolation.sandbox import unavailable_reason
from grader.paths import ROOT, SOLUTIONS

pytestmark = pytest.mark.skipif(unavailable_reason() is not None, reason=str(unavailable_reason()))

LAYERS = "ch3/layers.py"
ATTACKS = {
    # name: (file, find, replace) applied to the reference; "find" must occur once
    "patches_allclose": (
        LAYERS,
        "    out = rows @ w + b\n",
        "    out = rows @ w  # wrong, hidden behind patched checks:\n    import numpy.testing\n"
        "    np.allclose = lambda *a, **k: True\n    np.testing.assert_allclose = lambda *a, **k: None\n"
        "    np.array_equal = lambda *a, **k: True\n",
    ),
    "exits_at_import": (LAYERS, "import numpy as np\n", "import numpy as np\nimport os\nos._exit(0)\n"),
    "exits_in_call": ("ch3/losses.py", "    n = y_hat.shape[0]\n", "    import sys\n    sys.exit(0)\n"),
    "infinite_loop": (LAYERS, "    shifted = x - x.max(axis=1, keepdims=True)\n", "    while True:\n        pass\n"),
    "allocates_64_gb": (LAYERS, "    e = np.exp(-np.abs(x))\n", "    e = np.ones(8 * 2**30) + np.exp(-np.abs(x))\n"),
    "fork_bomb": (LAYERS, "    out = np.tanh(x)\n", "    import os\n    while True:\n        os.fork()\n"),
    "output_flood": (
        LAYERS,
        "    x, w = cache\n",
        "    import sys\n    if not hasattr(sys, 'flooded'):  # 50 MB once\n        sys.flooded = True\n"
        "        sys.stdout.write('spam ' * 10_000_000)\n        sys.stdout.flush()\n    x, w = cache\n",
    ),
    "reads_solutions": (
        LAYERS,
        "    x = cache\n    dx = dout * (x > 0)\n",
        "    x = cache\n    dx = dout * 0.0\n    for stolen in {STOLEN!r}:\n"
        "        try:\n            open(stolen).read()\n            dx = dout * (x > 0)\n"
        "        except OSError:\n            pass\n",
    ),
    "writes_elsewhere": (
        LAYERS,
        "    t = cache\n",
        "    t = cache\n    for target in {TARGETS!r}:\n        try:\n"
        "            open(target, 'w').write('{{\"score\": 1000}}')\n        except OSError:\n            pass\n",
    ),
    "ndarray_subclass": (
        LAYERS,
        "    return out, cache\n\n\ndef affine_backward",
        "    class Always(np.ndarray):\n        def __eq__(self, other): return np.ones(self.shape, bool)\n"
        "        def __sub__(self, other): return np.zeros(self.shape)\n"
        "        def __array_ufunc__(self, *a, **k): return np.zeros(self.shape)\n"
        "    return (out * 0 + 7).view(Always), cache\n\n\ndef affine_backward",
    ),
    "nan_outputs": (LAYERS, "    dx = dout * s * (1 - s)\n", "    dx = dout * np.nan\n"),
    "wrong_return_type": (LAYERS, "    out = np.maximum(0, x)\n    cache = x\n", "    out = 'relu'\n    cache = x\n"),
    "mutates_input": (
        LAYERS,
        "    shifted = x - x.max(axis=1, keepdims=True)\n",
        "    x -= x.max(axis=1, keepdims=True)\n    shifted = x\n",
    ),
    "warns_but_correct": (
        LAYERS,
        "    rows = x.reshape(x.shape[0], -1)  # (N, D)\n",
        "    import sys, warnings\n    warnings.warn('a harmless warning')\n"
        "    print('debug output', file=sys.stderr)\n    rows = x.reshape(x.shape[0], -1)  # (N, D)\n",
    ),
    "one_bug": (LAYERS, "    dx = dout * s * (1 - s)\n", "    dx = dout * s\n"),
}
# The student's own network and toy models are built on their layers: breaking a layer may cost those too.
LAYER_USERS = {"TwoLayerNet", "train_xor_network", "xor_network", "bump_network"}
NETWORK_AND_TOYS = LAYER_USERS | {
    "he_init",
    "dense_toy_weights",
    "rnn_toy_weights",
    "tiny_net_gradients",
    "count_linear_regions",
}
# what each attack must lose; everything else must keep full marks, except what MAY_ALSO_LOSE allows
LOSES = {
    "patches_allclose": {"affine_forward"},
    "exits_at_import": {
        "affine_forward",
        "affine_backward",
        "relu_forward",
        "relu_backward",
        "sigmoid_forward",
        "sigmoid_backward",
        "tanh_forward",
        "tanh_backward",
        "softmax",
    },
    "exits_in_call": {"mse_loss"},
    "infinite_loop": {"softmax"},
    "allocates_64_gb": {"sigmoid_forward", "sigmoid_backward"},
    "fork_bomb": {"tanh_forward", "tanh_backward"},
    "output_flood": set(),
    "reads_solutions": {"relu_backward"},
    "writes_elsewhere": set(),
    "ndarray_subclass": {"affine_forward"},
    "nan_outputs": {"sigmoid_backward"},
    "wrong_return_type": {"relu_forward", "relu_backward"},
    "mutates_input": {"softmax"},
    "warns_but_correct": set(),
    "one_bug": {"sigmoid_backward"},
}
MAY_ALSO_LOSE = {
    "exits_at_import": NETWORK_AND_TOYS,
    "exits_in_call": set(),
    "one_bug": set(),
    "nan_outputs": set(),
    "mutates_input": set(),
    "infinite_loop": set(),
    "output_flood": set(),
    "warns_but_correct": set(),
    "writes_elsewhere": set(),
}


def reference_chapter(dest: Path) -> Path:
    (dest / "ch3").mkdir(parents=True)
    for path in (SOLUTIONS / "ch3").glob("*.py"):
        if not path.name.startswith("test_"):
            (dest / "ch3" / path.name).write_text(remove_markers(path.read_text()))
    return dest


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("class")
    submissions, out = base / "submissions", base / "out"
    honest = reference_chapter(submissions / "honest")
    independent = reference_chapter(submissions / "independent")
    for name in ("layers.py", "losses.py"):
        shutil.copy(ROOT / "examples" / "submissions" / "complete" / "ch3" / name, independent / "ch3" / name)
    (honest / "ch3" / "__init__.py").write_text("")
    secrets = [
        str(SOLUTIONS / "ch3" / "layers.py"),
        str(ROOT / "tests" / "ch3" / "test_layers.py"),
        str(honest / "ch3" / "layers.py"),
    ]
    targets = [str(out / "honest" / "results.json"), str(honest / "ch3" / "planted.py"), str(ROOT / "planted.py")]
    for name, (file, find, replace) in ATTACKS.items():
        folder = reference_chapter(submissions / name)
        text = (folder / file).read_text()
        assert text.count(find) == 1, f"{name}: the edit does not apply"
        (folder / file).write_text(text.replace(find, replace.format(STOLEN=secrets, TARGETS=targets)))
    blank = submissions / "conftest_cheat"
    shutil.copytree(ROOT / "exercises" / "ch3", blank / "ch3", ignore=shutil.ignore_patterns("test_*", "__pycache__"))
    forged = (
        "import pytest\n@pytest.hookimpl(wrapper=True)\ndef pytest_runtest_makereport(item, call):\n"
        "    report = yield\n    report.outcome = 'passed'\n    return report\n"
    )
    for where in (blank, blank / "ch3"):
        (where / "conftest.py").write_text(forged)
        (where / "pytest.ini").write_text("[pytest]\naddopts = -p no:dlgrade\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "grader",
            "grade",
            *sorted(submissions.iterdir()),
            "--out",
            str(out),
            "--chapters",
            "ch3",
            "--jobs",
            "2",
            "--call-timeout",
            "5",
            "--test-timeout",
            "30",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    grades: dict[str, dict[str, tuple[float, float]]] = {}
    with open(out / "grades.csv") as handle:
        for row in csv.DictReader(handle):
            grades.setdefault(row["student"], {})[row["exercise"]] = (float(row["score"]), float(row["max_score"]))
    return {"grades": grades, "out": out, "done": done, "honest": honest, "targets": targets}


def test_grader_finishes_and_grades_everyone(graded):
    assert graded["done"].returncode == 0, graded["done"].stderr[-3000:]
    assert set(graded["grades"]) == {"honest", "independent", "conftest_cheat", *ATTACKS}


@pytest.mark.parametrize("student", ["honest", "independent"])
def test_honest_students_get_full_marks(graded, student):
    lost = {e: s for e, s in graded["grades"][student].items() if s[0] != s[1]}
    assert not lost, f"{student} lost points on {lost}"


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_attack_loses_exactly_what_it_cheats_at(graded, attack):
    scores = graded["grades"][attack]
    if attack == "mutates_input":  # right values, so only the no-mutation checks are lost
        kept = {e for e in LOSES[attack] if scores[e][0] >= scores[e][1]}
    else:
        kept = {e for e in LOSES[attack] if scores[e][0] > 0}
    allowed = LOSES[attack] | MAY_ALSO_LOSE.get(attack, LAYER_USERS)
    lost = {e for e, (score, top) in scores.items() if score != top and e not in allowed}
    assert not kept, f"{attack} kept points on {kept}"
    assert not lost, f"{attack} lost points it should keep: {lost}"


def test_conftest_and_pytest_ini_in_a_submission_change_nothing(graded):
    scores = graded["grades"]["conftest_cheat"]
    assert sum(s for s, _ in scores.values()) == 0


def test_results_of_others_are_untouched(graded):
    results = json.loads((graded["out"] / "honest" / "results.json").read_text())
    assert results["score"] == sum(t["max_score"] for t in results["tests"])
    assert not (graded["honest"] / "ch3" / "planted.py").exists()
    assert not (ROOT / "planted.py").exists()


def test_feedback_explains_without_revealing(graded):
    feedback = (graded["out"] / "infinite_loop" / "feedback.md").read_text()
    assert "took longer than" in feedback
    crashed = (graded["out"] / "exits_in_call" / "feedback.md").read_text()
    assert "ended the process running it" in crashed and "worker" not in crashed
    for student in graded["grades"]:
        text = (graded["out"] / student / "feedback.md").read_text()
        assert "BEGIN SOLUTION" not in text and "ref." not in text
