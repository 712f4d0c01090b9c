"""What a student sees when running pytest on exercises."""

import json
import os
import subprocess
import sys

from grader.grading.scoring import Outcome
from grader.paths import ROOT


def run_pytest(*args, cwd=ROOT):
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "grader.pytest_plugin", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )


def test_stubs_report_not_started_without_tracebacks():
    done = run_pytest(str(ROOT / "exercises" / "ch3" / "test_layers.py"))
    assert done.returncode == 1
    assert "not started" in done.stdout.splitlines()[-1]
    assert "Traceback" not in done.stdout and "NotImplementedError" not in done.stdout
    assert "Next: affine_forward in ch3/layers.py" in done.stdout


def test_a_wrong_answer_fails_with_one_readable_line(tmp_path):
    (tmp_path / "ch3").mkdir()
    source = (ROOT / "solutions" / "ch3" / "layers.py").read_text().replace("out = rows @ w + b", "out = rows @ w")
    (tmp_path / "ch3" / "layers.py").write_text(source)
    report = tmp_path / "report.json"
    done = run_pytest(
        str(ROOT / "tests" / "ch3" / "test_layers.py"),
        f"--impl={tmp_path}",
        f"--dl-report={report}",
        "-k",
        "affine_forward",
    )
    assert done.returncode == 1
    assert "affine_forward output: values differ from the expected ones" in done.stdout
    outcomes = [Outcome.from_json(t) for t in json.loads(report.read_text())["tests"]]
    assert {t.status for t in outcomes} == {"failed"}
    assert {t.exercise for t in outcomes} == {"affine_forward"}


def test_missing_module_and_syntax_error_are_one_line(tmp_path):
    (tmp_path / "ch3").mkdir()
    (tmp_path / "ch3" / "losses.py").write_text("def mse_loss(y_hat, y)\n    pass\n")
    layers = run_pytest(str(ROOT / "tests" / "ch3" / "test_layers.py"), f"--impl={tmp_path}", "-k", "softmax")
    assert "ch3/layers.py is missing" in layers.stdout
    losses = run_pytest(str(ROOT / "tests" / "ch3" / "test_losses.py"), f"--impl={tmp_path}", "-k", "mse")
    assert "ch3/losses.py does not import: line 1: SyntaxError" in losses.stdout


def test_the_grader_names_the_file_that_fails_to_import(tmp_path):
    (tmp_path / "ch3").mkdir()
    for name in ("layers", "toy_models"):
        (tmp_path / "ch3" / f"{name}.py").write_text((ROOT / "solutions" / "ch3" / f"{name}.py").read_text())
    layers = tmp_path / "ch3" / "layers.py"
    layers.write_text(layers.read_text().replace("out = np.maximum(0, x)", "out = np.maximum(0, x"))
    done = run_pytest(str(ROOT / "tests" / "ch3" / "test_toy_models.py"), f"--impl={tmp_path}", "-k", "xor")
    assert "ch3/toy_models.py does not import: ch3/layers.py line" in done.stdout, done.stdout[-2000:]
    assert "SyntaxError" in done.stdout


def test_a_chapter_without_the_chapters_it_builds_on_says_which_to_hand_in(tmp_path):
    (tmp_path / "ch7").mkdir()
    (tmp_path / "ch7" / "model.py").write_text((ROOT / "solutions" / "ch7" / "model.py").read_text())
    done = run_pytest(str(ROOT / "tests" / "ch7" / "test_model.py"), f"--impl={tmp_path}", "-k", "pad_sequences")
    assert "ch7/model.py imports ch3/, which is not in the submission" in done.stdout
    assert "hand in your ch3 folder too" in done.stdout


def test_wrong_impl_is_a_usage_error():
    done = run_pytest(str(ROOT / "tests" / "ch3"), "--impl=/no/such/folder")
    assert done.returncode == 4
    assert "neither 'solutions', 'exercises' nor a folder" in done.stderr


def test_check_shows_a_table_and_the_next_exercise():
    done = subprocess.run([sys.executable, "-m", "grader", "check", "ch3"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 1
    assert "not started" in done.stdout and "Next: affine_forward" in " ".join(done.stdout.split())
    unknown = subprocess.run(
        [sys.executable, "-m", "grader", "check", "ch99"], cwd=ROOT, capture_output=True, text=True
    )
    assert unknown.returncode == 2 and unknown.stderr.startswith("dlgrade check: no chapter 'ch99'")
