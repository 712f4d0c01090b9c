"""Cheating and faulty submissions, graded in one batch with honest students.

Each case is the reference chapter 3 with one edit (or extra files, or
symbolic links). The whole class is graded by the real `dlgrade grade`
(sandboxed worker, --jobs 2); every case must lose exactly what it cheats at
or breaks, the honest students keep full marks, the grader finishes, and
nothing is left on the host (files, System V segments).
"""

import csv
import json
import os
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
GRADCHECK = "ch3/gradcheck.py"
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
    "naive_sigmoid": (
        LAYERS,
        "    e = np.exp(-np.abs(x))\n    out = np.where(x >= 0, 1 / (1 + e), e / (1 + e))\n",
        "    out = 1 / (1 + np.exp(-x))  # overflows for x = -800\n",
    ),
    # in-place edits of the test's own arguments, made so that an expected value computed afterwards would agree
    "steers_softmax": (
        LAYERS,
        "    shifted = x - x.max(axis=1, keepdims=True)\n",
        "    x[...] = 0.0\n    return np.full(x.shape, 1.0 / x.shape[1])\n    shifted = x\n",
    ),
    "steers_rel_error": (
        GRADCHECK,
        "    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)\n",
        "    x, y = np.asarray(x), np.asarray(y)\n    x[...] = 0\n    y[...] = 0\n    return 0.0\n",
    ),
    "steers_numerical_gradient": (
        GRADCHECK,
        "        plus = np.array(f(x), dtype=np.float64)  # copy: f may return a view of x\n",
        "        df[...] = 0.0\n        return np.zeros_like(x, dtype=np.float64)\n        plus = x\n",
    ),
    "steers_regions": (
        "ch3/toy_models.py",
        "    h = np.asarray(x, dtype=np.float64).reshape(-1, 1)\n",
        "    for w in weights:\n        w[...] = 0.0\n    weights.append(np.zeros((1, 1)))\n    return 1\n",
    ),
    "sysv_shared_memory": (
        LAYERS,
        "    out = np.tanh(x)\n",
        "    import ctypes, sys\n    libc = ctypes.CDLL(None, use_errno=True)\n"
        "    libc.shmat.restype = ctypes.c_void_p\n"
        "    segment = libc.shmget({SHM_KEY}, 1 << 26, 0o1666)\n"
        "    if segment >= 0 and not hasattr(sys, 'shm'):\n"
        "        sys.shm = libc.shmat(segment, None, 0)  # once per worker\n"
        "        if sys.shm not in (None, 2**64 - 1):\n"
        "            ctypes.memset(sys.shm, 1, 1 << 26)\n    out = np.tanh(x)\n",
    ),
    "fills_disk": (
        LAYERS,
        "    x, w = cache\n",
        "    import os\n    if not os.path.exists('deep'):\n        top = os.open('.', os.O_RDONLY)\n"
        "        try:\n            for _ in range(3000):\n"
        "                os.mkdir('d')\n                os.chdir('d')\n"
        "        except OSError:\n            pass\n        os.fchdir(top)\n        os.rename('d', 'deep')\n"
        "        for folder in ('.', '/tmp', '/dev/shm', '/var/tmp'):\n            for n in range(40):\n"
        "                try:\n"
        "                    with open(os.path.join(folder, f'fill{{n}}'), 'wb') as f:\n"
        "                        f.write(bytes(32 << 20))\n                except OSError:\n                    break\n"
        "    x, w = cache\n",
    ),
    "plants_files": (
        LAYERS,
        "    t = cache\n",
        "    t = cache\n    for target in {PLANTED!r}:\n        try:\n"
        "            open(target, 'w').write('a message for the next student')\n"
        "        except OSError:\n            pass\n",
    ),
    "forges_oversized_reply": (
        LAYERS,
        "    out = np.maximum(0, x)\n",
        "    import socket, struct\n    for fd in range(3, 64):\n        try:\n"
        "            channel = socket.socket(fileno=fd)\n        except OSError:\n            continue\n"
        "        try:\n            if channel.family == socket.AF_UNIX:\n"
        "                channel.sendall(struct.pack('<Q', 1 << 40) + bytes(1 << 20))\n"
        "        except OSError:\n            pass\n        finally:\n            channel.detach()\n"
        "    out = np.maximum(0, x)\n",
    ),
    "reads_host_proc": (
        LAYERS,
        "    x = cache\n    dx = dout * (x > 0)\n",
        "    import os\n    seen = b''\n    for pid in os.listdir('/proc'):\n        if pid.isdigit():\n"
        "            try:\n                seen += open(f'/proc/{{pid}}/cmdline', 'rb').read()\n"
        "            except OSError:\n                pass\n    x = cache\n    dx = dout * (x > 0)\n"
        "    if b'--dl-report' in seen or b'honest' in seen:  # another run's command line\n"
        "        dx = dout * 0.0\n",
    ),
    "multiline_message": (
        "ch3/losses.py",
        "    n = y_hat.shape[0]\n",
        "    raise ValueError(\n"
        "        '<script>alert(1)</script> **bold** [x](http://example.com)\\n# Heading\\n<img src=x>'\n    )\n",
    ),
}
SHM_KEY = 0x0D1A0D1A
PLANTED = ["/run/lock/dlgrade-planted", "/var/tmp/dlgrade-planted", "/dev/shm/dlgrade-planted", "/tmp/dlgrade-planted"]
# The student's own network and toy models are built on their layers: breaking a layer may cost those too.
LAYER_USERS = {"TwoLayerNet", "train_xor_network", "xor_network", "bump_network"}
NETWORK_AND_TOYS = LAYER_USERS | {
    "he_init",
    "dense_toy_weights",
    "rnn_toy_weights",
    "tiny_net_gradients",
    "train_tiny_net",
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
    "naive_sigmoid": {"sigmoid_forward"},
    "steers_softmax": {"softmax"},
    "steers_rel_error": {"rel_error"},
    "steers_numerical_gradient": {"eval_numerical_gradient_array"},
    "steers_regions": {"count_linear_regions"},
    "sysv_shared_memory": set(),
    "fills_disk": set(),
    "plants_files": set(),
    "forges_oversized_reply": {"relu_forward", "relu_backward"},
    "reads_host_proc": set(),
    "multiline_message": {"mse_loss"},
}
# attacks whose right answers elsewhere in an exercise keep those points: they must lose at least one check
PARTLY_RIGHT = {"mutates_input", "naive_sigmoid"}
# what a constant answer honestly earns
HONEST_CEILING = {"steers_rel_error": {"rel_error": 1.0}}
# layouts made of symbolic links to the reference: they earn nothing
LINKED = ("links_exercises", "links_chapter", "links_file")
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
    "naive_sigmoid": set(),
    "steers_softmax": set(),
    "steers_rel_error": set(),
    "steers_numerical_gradient": set(),
    "steers_regions": set(),
    "sysv_shared_memory": set(),
    "fills_disk": set(),
    "plants_files": set(),
    "reads_host_proc": set(),
    "multiline_message": set(),
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
    release = base / "another-course" / "solutions" / "ch3"  # a readable copy of the course elsewhere on the host
    release.mkdir(parents=True)
    shutil.copy(SOLUTIONS / "ch3" / "layers.py", release / "layers.py")
    for folder in [release, *release.parents]:
        if folder == base.parent:
            break
        folder.chmod(0o755)
    secrets = [
        str(SOLUTIONS / "ch3" / "layers.py"),
        str(ROOT / "tests" / "ch3" / "test_layers.py"),
        str(honest / "ch3" / "layers.py"),
        str(release / "layers.py"),
        "/proc/self/cwd/solutions/ch3/layers.py",
        "/proc/1/cwd/solutions/ch3/layers.py",
    ]
    for path in PLANTED:
        Path(path).unlink(missing_ok=True)
    targets = [str(out / "honest" / "results.json"), str(honest / "ch3" / "planted.py"), str(ROOT / "planted.py")]
    for name, (file, find, replace) in ATTACKS.items():
        folder = reference_chapter(submissions / name)
        text = (folder / file).read_text()
        assert text.count(find) == 1, f"{name}: the edit does not apply"
        edit = replace.format(STOLEN=secrets, TARGETS=targets, SHM_KEY=SHM_KEY, PLANTED=PLANTED)
        (folder / file).write_text(text.replace(find, edit))
    stubs = ROOT / "exercises" / "ch3"
    links = {name: submissions / name for name in LINKED}
    (links["links_exercises"]).mkdir()
    (links["links_exercises"] / "exercises").symlink_to("/proc/self/cwd/solutions")
    links["links_chapter"].mkdir()
    (links["links_chapter"] / "ch3").symlink_to(SOLUTIONS / "ch3")
    shutil.copytree(stubs, links["links_file"] / "ch3", ignore=shutil.ignore_patterns("test_*", "__pycache__"))
    for path in (links["links_file"] / "ch3").glob("*.py"):
        path.unlink()
        path.symlink_to(SOLUTIONS / "ch3" / path.name)
    blank = submissions / "conftest_cheat"
    shutil.copytree(ROOT / "exercises" / "ch3", blank / "ch3", ignore=shutil.ignore_patterns("test_*", "__pycache__"))
    forged = (
        "import pytest\n@pytest.hookimpl(wrapper=True)\ndef pytest_runtest_makereport(item, call):\n"
        "    report = yield\n    report.outcome = 'passed'\n    return report\n"
    )
    for where in (blank, blank / "ch3"):
        (where / "conftest.py").write_text(forged)
        (where / "pytest.ini").write_text("[pytest]\naddopts = -p no:dlgrade\n")
    segments_before = shared_memory_keys()
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
    return {
        "grades": grades,
        "out": out,
        "done": done,
        "honest": honest,
        "targets": targets,
        "segments": shared_memory_keys() - segments_before,
    }


def shared_memory_keys() -> set[int]:
    """Keys of the host's System V shared memory segments."""
    lines = Path("/proc/sysvipc/shm").read_text().splitlines()[1:]
    return {int(line.split()[0]) for line in lines if line.strip()}


def test_grader_finishes_and_grades_everyone(graded):
    assert graded["done"].returncode == 0, graded["done"].stderr[-3000:]
    assert set(graded["grades"]) == {"honest", "independent", "conftest_cheat", *ATTACKS, *LINKED}


@pytest.mark.parametrize("student", ["honest", "independent"])
def test_honest_students_get_full_marks(graded, student):
    lost = {e: s for e, s in graded["grades"][student].items() if s[0] != s[1]}
    assert not lost, f"{student} lost points on {lost}"


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_attack_loses_exactly_what_it_cheats_at(graded, attack):
    scores = graded["grades"][attack]
    ceiling = HONEST_CEILING.get(attack, {})
    if attack in PARTLY_RIGHT:  # right values elsewhere, so only the checks it fails are lost
        kept = {e for e in LOSES[attack] if scores[e][0] >= scores[e][1]}
    else:
        kept = {e for e in LOSES[attack] if scores[e][0] > ceiling.get(e, 0)}
    allowed = LOSES[attack] | MAY_ALSO_LOSE.get(attack, LAYER_USERS)
    lost = {e for e, (score, top) in scores.items() if score != top and e not in allowed}
    assert not kept, f"{attack} kept points on {kept}"
    assert not lost, f"{attack} lost points it should keep: {lost}"


@pytest.mark.parametrize("student", LINKED)
def test_symbolic_links_are_never_followed(graded, student):
    scores = graded["grades"][student]
    assert sum(s for s, _ in scores.values()) == 0
    feedback = (graded["out"] / student / "feedback.md").read_text()
    assert "symbolic link ignored" in feedback


def test_nothing_is_left_on_the_host(graded):
    assert SHM_KEY not in graded["segments"], "a System V segment outlived its worker"
    left = [path for path in PLANTED if os.path.lexists(path)]
    assert not left, f"files planted by student code outlived the worker: {left}"


def test_student_text_is_never_markup(graded):
    feedback = (graded["out"] / "multiline_message" / "feedback.md").read_text()
    assert "# Heading" not in feedback and "<img" not in feedback
    for line in feedback.splitlines():
        if "<script>" in line:
            assert line.startswith("- `") and line.endswith("`"), line
    results = json.loads((graded["out"] / "multiline_message" / "results.json").read_text())
    assert not any("\n" in test["output"] for test in results["tests"])
    report = (graded["out"] / "report.html").read_text()
    assert "<script>" not in report and "<img src=x>" not in report


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
