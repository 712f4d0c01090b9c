"""A shortened run of experiments/ch6_lstm_adding.py (the LSTM on the adding problem).

The full experiment (T = 30, 800 steps) reaches a test MSE far below 0.01;
here T = 10 and 300 steps, which is enough for the LSTM to beat the
predict-the-mean baseline (1/6) by a wide margin, and the loss figure is
written as a PNG.
"""

import numpy as np

SCRIPT = "ch6_lstm_adding"  # the experiment fixture (conftest.py) imports experiments/ch6_lstm_adding.py


def test_adding_problem_targets_are_the_sum_of_the_two_marked_values(experiment):
    x, y = experiment.adding_problem(50, 12, np.random.default_rng(0))
    assert x.shape == (50, 12, 2) and y.shape == (50,)
    assert np.all(x[:, :, 1].sum(axis=1) == 2), "exactly two markers per sequence"
    assert np.all(x[:, :6, 1].sum(axis=1) == 1), "one marker in each half"
    np.testing.assert_allclose(y, np.sum(x[:, :, 0] * x[:, :, 1], axis=1))


def test_lstm_learns_the_adding_problem_and_plots_its_loss(experiment, tmp_path):
    result = experiment.train("lstm", length=10, steps=300, seed=0, progress=False)
    assert len(result["losses"]) == 300
    assert result["test_mse"] < 0.02, f"LSTM test MSE {result['test_mse']:.4f}, baseline {experiment.BASELINE_MSE:.4f}"
    png = experiment.plot_losses({"LSTM": result}, tmp_path / "ch6" / "adding_loss.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
