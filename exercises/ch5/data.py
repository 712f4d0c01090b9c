# Fill in each part that raises NotImplementedError; the docstrings say what to compute.
# `pytest exercises/ch5` checks your work, `dlgrade hint NAME` gives a hint.
"""The 8x8 handwritten digits of datasets/digits (UCI, CC BY 4.0), ready for a CNN.

Nothing to implement here: this module ships to students as it is.
"""

from pathlib import Path

import numpy as np

DIGITS_FILE = Path("datasets") / "digits" / "digits.npz"


def digits_path():
    """datasets/digits/digits.npz of the course repository above this file."""
    for folder in Path(__file__).resolve().parents:
        candidate = folder / DIGITS_FILE
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{DIGITS_FILE} not found in any folder above {Path(__file__).resolve().parent}")


def load_digits(split_seed=0, num_validation=300, num_test=300):
    """The 1,797 digits in a fixed train / validation / test split.

    Images are scaled from 0..16 to [0, 1] and get a channel axis. The rows
    are shuffled by np.random.default_rng(split_seed).permutation, then the
    first num_test rows are the test set, the next num_validation the
    validation set and the rest (1,197 by default) the training set.

    Inputs:
    - split_seed: seeds the shuffle; the same seed always gives the same split
    - num_validation, num_test: sizes of the validation and test sets

    Returns a dict with:
    - 'X_train', 'X_val', 'X_test': float64, shape (n, 1, 8, 8), values in [0, 1]
    - 'y_train', 'y_val', 'y_test': int64 labels 0..9, shape (n,)
    """
    with np.load(digits_path()) as data:
        images, labels = data["images"], data["labels"]
    X = images.astype(np.float64)[:, None, :, :] / 16.0
    y = labels.astype(np.int64)
    order = np.random.default_rng(split_seed).permutation(len(y))
    test, val, train = np.split(order, [num_test, num_test + num_validation])
    return {
        "X_train": X[train],
        "y_train": y[train],
        "X_val": X[val],
        "y_val": y[val],
        "X_test": X[test],
        "y_test": y[test],
    }
