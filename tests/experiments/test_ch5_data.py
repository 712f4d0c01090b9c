"""The digits that ship with ch5 (given code, not an exercise): the split is fixed."""

import numpy as np

from solutions.ch5.data import load_digits


def test_digits_split_sizes_and_ranges():
    data = load_digits()
    sizes = {name: len(data[f"y_{name}"]) for name in ("train", "val", "test")}
    assert sizes == {"train": 1197, "val": 300, "test": 300}
    for name in ("train", "val", "test"):
        X, y = data[f"X_{name}"], data[f"y_{name}"]
        assert X.shape == (len(y), 1, 8, 8) and X.dtype == np.float64
        assert X.min() >= 0.0 and X.max() <= 1.0
        assert set(np.unique(y)) == set(range(10)), f"every digit appears in the {name} set"


def test_digits_split_is_deterministic():
    first, again, other = load_digits(), load_digits(), load_digits(split_seed=1)
    for key in first:
        np.testing.assert_array_equal(first[key], again[key], err_msg=f"{key} changed between calls")
    assert not np.array_equal(first["y_test"], other["y_test"]), "another split_seed gives another split"
    labels = np.concatenate([first["y_train"], first["y_val"], first["y_test"]])
    np.testing.assert_array_equal(
        np.bincount(labels),
        [178, 182, 177, 183, 181, 182, 181, 179, 174, 180],
        err_msg="the three sets together hold each of the 1,797 digits once",
    )
