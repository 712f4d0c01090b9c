"""The chapter 3 experiment (experiments/ch3_listing_3_1.py): listing 3-1 in a quick version."""

import numpy as np

SCRIPT = "ch3_listing_3_1"  # the experiment fixture (conftest.py) imports experiments/ch3_listing_3_1.py
PNG = b"\x89PNG\r\n\x1a\n"


def test_quick_run_reproduces_the_first_epochs(experiment, tmp_path, capsys):
    curves = experiment.main(["--quick", "--out", str(tmp_path)])["curves"]
    assert (tmp_path / "listing_3_1.png").read_bytes()[:8] == PNG, "the figure is written"
    assert curves.shape == (2, 4), "two seeds, the MSE before training and after each of three epochs"
    np.testing.assert_allclose(curves[:, 0], [1.72443001, 1.87832746], rtol=1e-6)
    np.testing.assert_allclose(curves[:, -1], [0.98499771, 1.10475103], rtol=1e-6)
    assert np.all(np.diff(curves, axis=1) < 0), "the error falls every epoch"
    assert "listing 3-1" in capsys.readouterr().out
