"""The chapter 5 experiment runs end to end and learns: a shortened training on the digits.

Runs experiments/ch5_digits_cnn.py in its own process (it pins BLAS to one
thread before numpy loads, which an in-process import could not do) with two
epochs, and checks the accuracy it reports and the two figures it saves.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "experiments" / "ch5_digits_cnn.py"


def test_short_digits_training_is_far_above_chance(tmp_path):
    report = tmp_path / "result.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--epochs", "2", "--no-progress", "--out", str(tmp_path), "--json", str(report)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(report.read_text())
    assert result["epochs"] == 2
    # chance is 10 %; two epochs of the reference reach about 90 %
    assert result["test_accuracy"] > 0.7, f"test accuracy {result['test_accuracy']:.3f} after two epochs"
    assert result["train_accuracy"] > 0.7
    for name in ("loss_curve.png", "filters.png"):
        image = tmp_path / name
        assert image.is_file() and image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{name} is not a PNG file"
    assert "test accuracy" in done.stdout and "wall time" in done.stdout
