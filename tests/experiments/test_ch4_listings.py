"""The chapter 4 listings experiment (experiments/ch4_listings.py), in a quick version."""

import numpy as np

SCRIPT = "ch4_listings"  # the experiment fixture (conftest.py) imports experiments/ch4_listings.py


def test_quick_run_prints_the_table_and_fits_the_training_data(experiment, capsys):
    results, nan_share, broken, difference = experiment.main(
        ["--seeds", "2", "--steps", "150", "--examples", "200", "--features", "20"]
    )
    printed = capsys.readouterr().out
    for name in ("4-10", "4-11", "4-12", "4-12 tanh"):
        assert name in printed, f"the table has a row for listing {name}"
        assert len(results[name]["after"]) == 2, "one result per seed"
    assert np.mean(results["4-10"]["after"]) > np.mean(results["4-10"]["before"]), "4-10: training raises accuracy"
    assert np.mean(results["4-11"]["after"]) < 0.2 * np.mean(results["4-11"]["before"]), "4-11: the error falls"
    assert np.mean(results["4-12"]["after"]) > np.mean(results["4-12"]["before"]), "4-12: training raises accuracy"
    assert 0 < nan_share < 1, "the book's tanh output makes part of the binary cross-entropy nan"
    assert 0 <= broken <= 2, "the verbatim listing 4-10 breaks in some seeds at most"
    assert difference < 1e-8, "the graph library and autograd train listing 4-10 to the same weights"
