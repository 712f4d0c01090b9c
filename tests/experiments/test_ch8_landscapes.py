"""The chapter 8 experiment (experiments/ch8_landscapes.py): listing 8-3, a saddle point, learning rates; quick."""

import numpy as np

SCRIPT = "ch8_landscapes"  # the experiment fixture (conftest.py) imports experiments/ch8_landscapes.py
PNG = b"\x89PNG\r\n\x1a\n"


def test_quick_run(experiment, tmp_path, capsys):
    result = experiment.main(["--quick", "--every", "500", "--out", str(tmp_path)])
    for name in ("listing_8_3_train.png", "listing_8_3_validation.png", "listing_8_3_loss.png"):
        assert (tmp_path / name).read_bytes()[:8] == PNG, f"{name} is written"
    assert (tmp_path / "saddle_and_learning_rate.png").read_bytes()[:8] == PNG
    listing = result["listing"]
    assert listing["step"] == [0, 500, 1000]
    assert listing["train_loss"][-1] < listing["train_loss"][0] - 5, "the L2-dominated loss falls"
    assert listing["val_accuracy"] > 0.95, "two moons are separated after 1000 one-example steps"
    np.testing.assert_allclose(result["minima"][2.0], [1.1309, -1.0702], atol=1e-4)  # trapped: the local minimum
    np.testing.assert_allclose(result["minima"][-2.0], [-1.3008, -3.5139], atol=1e-4)  # the global minimum
    np.testing.assert_allclose(result["saddle"][0.0][-1], [0.0, 0.0], atol=1e-15)
    assert result["escapes"] == {0.0: None, 1e-8: 102}
    final = {alpha: abs(path[-1]) for alpha, path in result["learning_rates"].items()}
    assert final[0.25] == 0 and 1e-3 < final[0.05] < 0.1 and final[0.4] < 1e-4 and final[0.55] > 10
    assert "listing 8-3" in capsys.readouterr().out
