"""The chapter 9 experiments (experiments/ch9_autodiff.py): error against step, listing 9-3, in a quick version."""

import numpy as np
import pytest

SCRIPT = "ch9_autodiff"  # the experiment fixture (conftest.py) imports experiments/ch9_autodiff.py
PNG = b"\x89PNG\r\n\x1a\n"


def test_quick_run_reproduces_the_slopes_and_listing_9_3(experiment, tmp_path, capsys):
    result = experiment.main(["--quick", "--out", str(tmp_path)])
    for name in ("step_errors.png", "logistic_boundary.png", "logistic_loss.png"):
        assert (tmp_path / name).read_bytes()[:8] == PNG, f"{name} is written"
    assert [round(s, 1) for s in result["slopes"].values()] == [1.0, 1.0, 2.0, 4.0]
    fit = result["fit"]
    assert fit["losses"][0] == pytest.approx(464.39, abs=0.01)
    assert fit["losses"][-1] == pytest.approx(118.56, abs=0.01)
    np.testing.assert_allclose(fit["weights"], [0.76, -2.38], atol=0.005)
    assert fit["accuracy"] == pytest.approx(0.88, abs=0.005)
    assert "listing 9-3" in capsys.readouterr().out
