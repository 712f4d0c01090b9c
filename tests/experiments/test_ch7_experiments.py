"""The chapter 7 experiments run end to end and find what their docstrings expect.

Each runs in its own process (the scripts pin BLAS to one thread before numpy
loads): the listings on three seeds, the book's CNN on the digits for its full
30 epochs (the chapter's acceptance: at least .95 test accuracy), and short
runs of the row-reading LSTM and of listing 7-8 on generated reviews.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n"


def run(script, tmp_path, *args):
    report = tmp_path / "result.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "experiments" / script), "--out", str(tmp_path), "--json", str(report), *args],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(report.read_text()), done.stdout


def test_listings_quick_best_and_worst_optimiser_as_in_the_book(tmp_path):
    result, stdout = run("ch7_listings.py", tmp_path, "--quick")
    means = result["results"]
    assert result["seeds"] == 3
    optimisers = {name[4:]: r["loss_after"] for name, r in means.items() if name.startswith("7-5 ")}
    ranked = sorted(optimisers, key=optimisers.__getitem__)
    assert (ranked[0], ranked[-1]) == ("nadam", "adadelta")
    for number in ("7-1", "7-2", "7-3", "7-4"):
        assert means[number]["loss_after"] < means[number]["loss_before"], f"listing {number} did not learn"
    assert means["7-6 linear"]["metric_after"] < 0.05 and means["7-6 linear"]["loss_after"] > 6
    assert means["7-6 sigmoid"]["loss_after"] < 0.75
    assert (tmp_path / "listings.png").read_bytes()[:8] == PNG
    assert "expected nadam" in stdout


def test_book_cnn_on_the_digits_reaches_95_percent(tmp_path):
    (result,), _ = run("ch7_digits.py", tmp_path, "--model", "cnn")
    assert result["parameters"] == 27370 and result["epochs"] == 30
    assert result["test_accuracy"] >= 0.95, f"test accuracy {result['test_accuracy']:.3f} after 30 epochs"
    assert (tmp_path / "digits.png").read_bytes()[:8] == PNG


def test_row_lstm_quick_learns(tmp_path):
    (result,), _ = run("ch7_digits.py", tmp_path, "--model", "lstm", "--quick")
    assert result["epochs"] == 4
    assert result["test_accuracy"] > 0.5, f"test accuracy {result['test_accuracy']:.3f} after 4 epochs (chance .1)"


def test_listing_7_8_quick_learns_to_count_words(tmp_path):
    result, _ = run("ch7_reviews.py", tmp_path, "--quick")
    assert result["epochs"] == 2 and result["parameters"] == 200 * 32 + 4 * (32 * 32 + 32 * 32 + 32) + 33
    assert result["test_accuracy"] > 0.8, f"test accuracy {result['test_accuracy']:.3f} after 2 epochs (chance .5)"
    assert (tmp_path / "reviews.png").read_bytes()[:8] == PNG


def test_the_listings_closing_plot_and_summary(tmp_path, capsys):
    """Listings 7-1 to 7-4 end with Keras 1's plot(model, to_file=..., show_shapes=True); 7-7 may call summary()."""
    from solutions.ch7.model import Activation, Dense, Sequential, plot

    model = Sequential([Dense(32, input_dim=500), Activation("sigmoid"), Dense(1), Activation("sigmoid")])
    plot(model, to_file=str(tmp_path / "s2.png"), show_shapes=True)
    assert (tmp_path / "s2.png").read_bytes()[:8] == PNG
    model.summary()
    printed = capsys.readouterr().out
    assert "Dense" in printed and "(None, 32)" in printed and "Total params: 16,065" in printed
