"""The chapter 2 fits and ridge regression (experiments/ch2_regression.py), in a quick version."""

import numpy as np

SCRIPT = "ch2_regression"  # the experiment fixture (conftest.py) imports experiments/ch2_regression.py
PNG = b"\x89PNG\r\n\x1a\n"


def test_quick_run_reproduces_the_books_shapes(experiment, tmp_path, capsys):
    result = experiment.main(["--quick", "--out", str(tmp_path)])
    for name in ("fits.png", "regularization.png"):
        assert (tmp_path / name).read_bytes()[:8] == PNG, f"{name} is written"
    train, test = result["train"], result["test"]
    assert 0.3 < train[0] < 0.5 and test[0] > 1.0, "degree 1 underfits"
    assert train[1] < 0.12 and test[1] < 0.15, "degree 2 fits to the noise level"
    assert train[2] <= train[1] and test[2] > test[0], "degree 8 overfits: best on seen points, worst on unseen"
    assert np.all(np.diff(result["ridge_train"]) >= 0), "the ridge train RMSE rises with lambda"
    assert 0.08 < result["ridge_train"][0] < 0.1 and 0.12 < result["ridge_train"][-1] < 0.15
    assert "degree" in capsys.readouterr().out
