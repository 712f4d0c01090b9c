"""The chapter 2 and chapter 9 experiments (experiments/ch2_regression.py, experiments/ch9_autodiff.py), quickly."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

EXPERIMENTS = Path(__file__).resolve().parents[2] / "experiments"
PNG = b"\x89PNG\r\n\x1a\n"


def load(name):
    spec = importlib.util.spec_from_file_location(name, EXPERIMENTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def ch2():
    return load("ch2_regression")


@pytest.fixture(scope="module")
def ch9():
    return load("ch9_autodiff")


def test_ch2_quick_run_reproduces_the_books_shapes(ch2, tmp_path, capsys):
    result = ch2.main(["--quick", "--out", str(tmp_path)])
    for name in ("fits.png", "regularization.png"):
        assert (tmp_path / name).read_bytes()[:8] == PNG, f"{name} is written"
    train, test = result["train"], result["test"]
    assert 0.3 < train[0] < 0.5 and test[0] > 1.0, "degree 1 underfits"
    assert train[1] < 0.12 and test[1] < 0.15, "degree 2 fits to the noise level"
    assert train[2] <= train[1] and test[2] > test[0], "degree 8 overfits: best on seen points, worst on unseen"
    assert np.all(np.diff(result["ridge_train"]) >= 0), "the ridge train RMSE rises with lambda"
    assert 0.08 < result["ridge_train"][0] < 0.1 and 0.12 < result["ridge_train"][-1] < 0.15
    assert "degree" in capsys.readouterr().out


def test_ch9_quick_run_reproduces_the_slopes_and_listing_9_3(ch9, tmp_path, capsys):
    result = ch9.main(["--quick", "--out", str(tmp_path)])
    for name in ("step_errors.png", "logistic_boundary.png", "logistic_loss.png"):
        assert (tmp_path / name).read_bytes()[:8] == PNG, f"{name} is written"
    assert [round(s, 1) for s in result["slopes"].values()] == [1.0, 1.0, 2.0, 4.0]
    fit = result["fit"]
    assert fit["losses"][0] == pytest.approx(464.39, abs=0.01) and fit["losses"][-1] == pytest.approx(118.56, abs=0.01)
    np.testing.assert_allclose(fit["weights"], [0.76, -2.38], atol=0.005)
    assert fit["accuracy"] == pytest.approx(0.88, abs=0.005)
    assert "listing 9-3" in capsys.readouterr().out
