"""Chapter 3: the book's listing 3-1, a 100-10-1 tanh network trained one example at a time.

The listing's setup, built from this chapter's layers (affine_forward,
tanh_forward and their backward passes): 1000 examples of 100 features and a
target, all N(0, 1); weights w1 (100 x 10), b1 (10), w2 (10 x 1) drawn
uniformly from [0, 1), b2 = 0; output tanh(tanh(x w1 + b1) w2 + b2); loss
(y - y_hat)² per example; 10 epochs of steepest descent, one example per
step, learning rate 0.01. The mean squared error over all examples is
recorded before training and after every epoch (figure 3-10).

The book labels the printed numbers "RMSE", but they are sklearn's mean
squared error (1.88214665439 before, 0.739508975012 after); and its
``rmse.append`` sits outside the loop, so its figure 3-10 has a single
point. Here the curve has a point per epoch and the numbers are called MSE.

    python experiments/ch3_listing_3_1.py                   # figure in artifacts/ch3/
    python experiments/ch3_listing_3_1.py --impl exercises  # with your own layers.py
    python experiments/ch3_listing_3_1.py --quick           # 2 seeds, 3 epochs

Expected result (seeds 0-9): MSE 1.83 ± 0.09 before training, 0.72 ± 0.08
after 10 epochs (the book's single run: 1.88 → 0.74); most of the fall
happens in the first epoch (seeds 0 and 1: 1.72 → 1.03 and 1.88 → 1.20,
then 0.98 and 1.10 after three epochs).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_OUT = ROOT / "artifacts" / "ch3"


def predict(layers, X, theta):
    w1, b1, w2, b2 = theta
    hidden, _ = layers.tanh_forward(layers.affine_forward(X, w1, b1)[0])
    out, _ = layers.tanh_forward(layers.affine_forward(hidden, w2, b2)[0])
    return out[:, 0]


def sgd_step(layers, x, y, theta, learning_rate):
    """One step on one example (x of shape (1, D)): the gradient of (y - y_hat)² by backpropagation."""
    w1, b1, w2, b2 = theta
    a1, cache_a1 = layers.affine_forward(x, w1, b1)
    h, cache_h = layers.tanh_forward(a1)
    a2, cache_a2 = layers.affine_forward(h, w2, b2)
    out, cache_out = layers.tanh_forward(a2)
    dout = 2.0 * (out - y)
    dh, dw2, db2 = layers.affine_backward(layers.tanh_backward(dout, cache_out), cache_a2)
    _, dw1, db1 = layers.affine_backward(layers.tanh_backward(dh, cache_h), cache_a1)
    return w1 - learning_rate * dw1, b1 - learning_rate * db1, w2 - learning_rate * dw2, b2 - learning_rate * db2


def run(layers, seed, epochs=10, learning_rate=0.01, examples=1000, features=100, hidden=10):
    """MSE before training and after each epoch, shape (epochs + 1,)."""
    rng = np.random.default_rng(seed)
    X, y = rng.standard_normal((examples, features)), rng.standard_normal(examples)
    theta = (rng.random((features, hidden)), rng.random(hidden), rng.random((hidden, 1)), np.zeros(1))
    mse = [np.mean((y - predict(layers, X, theta)) ** 2)]
    for _ in range(epochs):
        for j in range(examples):
            theta = sgd_step(layers, X[j : j + 1], y[j], theta, learning_rate)
        mse.append(np.mean((y - predict(layers, X, theta)) ** 2))
    return np.array(mse)


def plot(curves, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for curve in curves:
        ax.plot(range(len(curve)), curve, color="tab:blue", alpha=0.5)
    ax.axhline(0.739508975012, color="tab:red", linestyle="--", label="the book's printed value after training")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean squared error (the book's 'RMSE')")
    ax.set_title("Listing 3-1: 100-10-1 tanh network, one example per step", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--impl", default="solutions", choices=["solutions", "exercises"])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="2 seeds, 3 epochs")
    args = parser.parse_args(argv)
    layers = importlib.import_module(f"{args.impl}.ch3.layers")
    seeds, epochs = (2, 3) if args.quick else (args.seeds, 10)
    curves = np.array([run(layers, seed, epochs=epochs) for seed in range(seeds)])
    args.out.mkdir(parents=True, exist_ok=True)
    plot(curves, args.out / "listing_3_1.png")
    before, after = curves[:, 0], curves[:, -1]
    print(f"listing 3-1 over {seeds} seeds, {epochs} epochs (the book prints 1.88214665439 -> 0.739508975012)")
    print(f"  MSE before training {before.mean():.3f} +- {before.std():.3f}")
    print(f"  MSE after training  {after.mean():.3f} +- {after.std():.3f}")
    print(f"figure in {args.out}")
    return {"curves": curves}


if __name__ == "__main__":
    main()
