"""Chapter 7 experiment: the book's listings 7-1 to 7-6 on the course's Keras, over several seeds.

    .venv/bin/python experiments/ch7_listings.py [--seeds 10] [--quick] [--out artifacts/ch7] [--json FILE]

Each listing trains a small model for 10 epochs (batch 32) on 1,000 random
examples of 500 uniform features with random labels, as in the book (whose
data are unseeded; here seed s draws the data and seeds the model). There is
nothing to learn beyond memorising the 1,000 examples, so the losses fall only
a little. Expected (means over 10 seeds, loss before -> after, accuracy after):

- 7-1 (Dense(1) + sigmoid, rmsprop, cross-entropy): about .81 -> .67, accuracy about .59
- 7-2 (Dense(32) + sigmoid, Dense(1) + sigmoid):    about .79 -> .66
- 7-3 (Dense(32) + relu, Dense(10) + softmax):      about 2.5 -> 2.15, accuracy about .22 (chance .10)
- 7-4 (7-2 with the mean squared error):            about .29 -> .24
- 7-5 (7-1 with each optimiser): nadam ends lowest (about .64) and adadelta highest
  (about .69), as in the book; the book's 'adadelat' is a typo and raises a ValueError.
- 7-6 (7-1 with each activation, sgd): sigmoid and hard_sigmoid end near .68; relu, tanh
  and linear outputs leave (0, 1), where the clipped cross-entropy is about 8, and the
  linear model's accuracy is about 0 (its outputs hardly ever round to 0 or 1).

Writes listings.png (before/after per listing, final loss per optimiser and per
activation) and prints a table. --quick runs 3 seeds (a few seconds).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # tiny matrices: BLAS threads only fight over the cores

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from solutions.ch7.model import Activation, Dense, Sequential, to_categorical  # noqa: E402

OPTIMISERS = ["sgd", "rmsprop", "adagrad", "adadelta", "adam", "adamax", "nadam"]
ACTIVATIONS = ["relu", "tanh", "sigmoid", "hard_sigmoid", "linear"]


def book_data(seed, classes=2):
    """1,000 examples of 500 features uniform in [0, 1) and random integer labels, shape (1000, 1)."""
    rng = np.random.default_rng(seed)
    return rng.random((1000, 500)), rng.integers(classes, size=(1000, 1))


def train(model, optimizer, loss, metrics, data, labels):
    """Compile, evaluate, fit 10 epochs in batches of 32, evaluate again: (before, after) lists."""
    model.compile(optimizer=optimizer, loss=loss, metrics=metrics)
    before = model.evaluate(data, labels, verbose=0)
    model.fit(data, labels, nb_epoch=10, batch_size=32, verbose=0)
    return before, model.evaluate(data, labels, verbose=0)


def listing(number, seed, optimizer="rmsprop", activation="sigmoid"):
    """Listing 7-<number> rebuilt on the course's Keras; returns (before, after) [loss, metric]."""
    model = Sequential(seed=seed)
    if number in (1, 5, 6):
        model.add(Dense(1, input_dim=500))
        model.add(Activation(activation=activation))
        data, labels = book_data(seed)
        return train(
            model,
            optimizer if number == 5 else ("sgd" if number == 6 else "rmsprop"),
            "binary_crossentropy",
            ["accuracy"],
            data,
            labels,
        )
    model.add(Dense(32, input_dim=500))
    model.add(Activation(activation="relu" if number == 3 else "sigmoid"))
    model.add(Dense(10 if number == 3 else 1))
    model.add(Activation(activation="softmax" if number == 3 else "sigmoid"))
    if number == 3:
        data, labels = book_data(seed, classes=10)
        return train(
            model, "rmsprop", "categorical_crossentropy", ["categorical_accuracy"], data, to_categorical(labels)
        )
    data, labels = book_data(seed)
    if number == 4:
        return train(model, "rmsprop", "mse", ["mean_squared_error"], data, labels)
    return train(model, "rmsprop", "binary_crossentropy", ["accuracy"], data, labels)


def run(seeds):
    """{name: array (seeds, 2 [before, after], 2 [loss, metric])} for every listing and variant."""
    results = {}
    for number in (1, 2, 3, 4):
        results[f"7-{number}"] = np.array([listing(number, s) for s in range(seeds)])
    for name in OPTIMISERS:
        results[f"7-5 {name}"] = np.array([listing(5, s, optimizer=name) for s in range(seeds)])
    for name in ACTIVATIONS:
        results[f"7-6 {name}"] = np.array([listing(6, s, activation=name) for s in range(seeds)])
    return results


def plot(results, path):
    figure, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    names = ["7-1", "7-2", "7-3", "7-4"]
    for offset, (when, label) in enumerate([(0, "before"), (1, "after")]):
        axes[0].bar(
            np.arange(4) + 0.4 * offset,
            [results[n][:, when, 0].mean() for n in names],
            0.4,
            label=label,
            yerr=[results[n][:, when, 0].std() for n in names],
        )
    axes[0].set_xticks(np.arange(4) + 0.2, names)
    axes[0].set_yscale("log")
    axes[0].set_title("listings 7-1 to 7-4: loss before and after 10 epochs")
    axes[0].legend()
    for ax, prefix, names, title in [
        (axes[1], "7-5", OPTIMISERS, "listing 7-5: optimisers (loss after)"),
        (axes[2], "7-6", ACTIVATIONS, "listing 7-6: activations (loss after, log)"),
    ]:
        finals = [results[f"{prefix} {n}"][:, 1, 0] for n in names]
        ax.bar(names, [f.mean() for f in finals], yerr=[f.std() for f in finals], color="tab:green")
        ax.set_title(title)
        ax.tick_params(axis="x", rotation=30)
    axes[1].set_ylim(0.6, 0.72)
    axes[2].set_yscale("log")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="3 seeds")
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "ch7")
    parser.add_argument("--json", type=Path, default=None, help="also write the means as JSON")
    args = parser.parse_args(argv)
    seeds = 3 if args.quick else args.seeds
    start = time.perf_counter()
    results = run(seeds)
    args.out.mkdir(parents=True, exist_ok=True)
    plot(results, args.out / "listings.png")
    summary = {
        name: {
            "loss_before": float(r[:, 0, 0].mean()),
            "loss_after": float(r[:, 1, 0].mean()),
            "loss_after_sd": float(r[:, 1, 0].std()),
            "metric_after": float(r[:, 1, 1].mean()),
        }
        for name, r in results.items()
    }
    print(f"{'listing':<18}{'loss before':>12}{'loss after':>18}{'metric after':>14}   ({seeds} seeds)")
    for name, s in summary.items():
        print(
            f"{name:<18}{s['loss_before']:>12.3f}{s['loss_after']:>11.3f} ± {s['loss_after_sd']:.3f}"
            f"{s['metric_after']:>14.3f}"
        )
    optimisers = {n: summary[f"7-5 {n}"]["loss_after"] for n in OPTIMISERS}
    print(
        f"best optimiser {min(optimisers, key=optimisers.__getitem__)} (expected nadam), "
        f"worst {max(optimisers, key=optimisers.__getitem__)} (expected adadelta)"
    )
    print(f"figure: {args.out / 'listings.png'}; wall time {time.perf_counter() - start:.1f} s")
    if args.json:
        args.json.write_text(json.dumps({"seeds": seeds, "results": summary}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
