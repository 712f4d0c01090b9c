"""Chapter 8: the book's listings 8-2 and 8-3, a local minimum, a saddle point, and the learning rate.

1. Listings 8-2 and 8-3 (figures 8-11 to 8-13): a 2-1000-2 network (affine -
   tanh - affine - softmax, chapter 3's layers through ch8's moons_net_loss,
   L2 penalty 0.01/2 · ΣW²) with weights from N(0, 1) and zero biases, trained
   by plain SGD on one example per step on 4000 points of two moons (noise
   0.1); the last 1000 of 5000 points are the validation set. The book runs
   Downhill's defaults for 10,000 steps and prints no learning rate; here it
   is 0.01. Figures: the decision boundary over the training and the
   validation points, and both losses (recorded every ``--every`` steps).
2. A local minimum (figure 8-3): f(x) = x⁴ − 3x² + x, gradient descent with
   learning rate 0.01 for 200 steps. From x = 2 it settles in the local
   minimum x ≈ 1.131 (f ≈ −1.070); from x = −2 in the global one x ≈ −1.301
   (f ≈ −3.514). Where it ends depends only on where it starts.
3. A saddle point (figure 8-4): f(x, y) = x² − y², gradient descent with
   learning rate 0.1 from (1, y₀). From y₀ = 0 the iterates converge to the
   saddle (0, 0), where the gradient vanishes; from y₀ = 1e-8 they stay on
   the plateau until the tiny y has grown by 1.2 per step, and escape (|y| > 1)
   only after about 100 steps.
4. The learning rate (figure 8-5): f(x) = a x² / 2 with a = 4, from x = 1,
   20 steps x ← (1 − α a) x. Below 1/a (0.25) the iterates creep, at 1/a one
   step lands on the minimum, between 1/a and 2/a they oscillate and
   converge, above 2/a (0.5) they oscillate and diverge.

    python experiments/ch8_landscapes.py                   # figures in artifacts/ch8/
    python experiments/ch8_landscapes.py --impl exercises  # with your own layers (ch3) and data (ch8)
    python experiments/ch8_landscapes.py --quick           # 1000 SGD steps instead of 10,000

Expected result (seed 0): listing 8-3's losses are dominated by the L2
penalty on N(0, 1) weights (0.005 · ΣW² ≈ 20 at the start), so both fall
slowly together, 23.0 → 16.4 after 1000 steps, while the accuracy is
already 0.997 (training) and 0.994 (validation); after 10,000 steps
the losses are 2.90 and 2.91 and the accuracies 0.956 and 0.952 (the
penalty, shrinking the weights, costs a little accuracy). The saddle:
stuck at (0, 0) from y₀ = 0, escape at step 102 from y₀ = 1e-8. The learning
rates 0.05, 0.25, 0.4 and 0.55 leave |x| at 0.0115, 0, 3.7e-5 and 38 after
20 steps.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_OUT = ROOT / "artifacts" / "ch8"
LEARNING_RATES = [0.05, 0.25, 0.4, 0.55]
CURVATURE = 4.0


def listing_8_3(data, steps, every, learning_rate=0.01, hidden=1000, seed=0):
    """SGD with one example per step on the 2-1000-2 net; losses every ``every`` steps and final accuracies."""
    rng = np.random.default_rng(seed)
    X, y = data.two_moons(5000, noise=0.1, rng=rng)
    X_train, y_train, X_val, y_val = X[:-1000], y[:-1000], X[-1000:], y[-1000:]
    params = {
        "W1": rng.standard_normal((2, hidden)),
        "b1": np.zeros(hidden),
        "W2": rng.standard_normal((hidden, 2)),
        "b2": np.zeros(2),
    }
    record: dict[str, Any] = {"step": [], "train_loss": [], "val_loss": []}
    for step in range(steps + 1):
        if step % every == 0:
            record["step"].append(step)
            record["train_loss"].append(data.moons_net_loss(params, X_train, y_train)[0])
            record["val_loss"].append(data.moons_net_loss(params, X_val, y_val)[0])
        if step == steps:
            break
        i = rng.integers(len(X_train))
        _, grads = data.moons_net_loss(params, X_train[i : i + 1], y_train[i : i + 1])
        params = {name: value - learning_rate * grads[name] for name, value in params.items()}

    def accuracy(X, y):
        return float(np.mean(np.argmax(scores(params, X), axis=1) == y))

    record.update(
        params=params,
        data=(X_train, y_train, X_val, y_val),
        train_accuracy=accuracy(X_train, y_train),
        val_accuracy=accuracy(X_val, y_val),
    )
    return record


def scores(params, X):
    return np.tanh(X @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"]


def saddle(y0, steps=200, learning_rate=0.1):
    """Gradient descent on x² − y² from (1, y0): the path and the first step with |y| > 1 (None if never)."""
    points = [np.array([1.0, y0])]
    for _ in range(steps):
        x, y = points[-1]
        points.append(np.array([x - learning_rate * 2 * x, y + learning_rate * 2 * y]))
    path = np.array(points)
    escaped = np.nonzero(np.abs(path[:, 1]) > 1)[0]
    return path, (int(escaped[0]) if len(escaped) else None)


def local_minimum(x0, steps=200, learning_rate=0.01):
    """Where gradient descent on x⁴ − 3x² + x from x0 ends: (x, f(x))."""
    x = x0
    for _ in range(steps):
        x = x - learning_rate * (4 * x**3 - 6 * x + 1)
    return x, x**4 - 3 * x**2 + x


def learning_rate_paths(steps=20):
    """x after each step of x ← x − α a x from x = 1, for each α in LEARNING_RATES."""
    return {alpha: (1 - alpha * CURVATURE) ** np.arange(steps + 1) for alpha in LEARNING_RATES}


def plot(record, paths, saddle_paths, out):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X_train, y_train, X_val, y_val = record["data"]
    grid = np.stack(np.meshgrid(np.linspace(-1.5, 2.5, 200), np.linspace(-1.0, 1.5, 150)), axis=-1)
    labels = np.argmax(scores(record["params"], grid.reshape(-1, 2)), axis=1).reshape(grid.shape[:2])
    for name, (X, y), title in [
        ("listing_8_3_train.png", (X_train, y_train), "figure 8-11: decision boundary, training set"),
        ("listing_8_3_validation.png", (X_val, y_val), "figure 8-12: decision boundary, validation set"),
    ]:
        fig, ax = plt.subplots(figsize=(5, 4))
        ax.contourf(grid[..., 0], grid[..., 1], labels, alpha=0.3, cmap="coolwarm")
        ax.scatter(X[:, 0], X[:, 1], c=y, s=3, cmap="coolwarm")
        ax.set_title(title, fontsize=9)
        fig.tight_layout()
        fig.savefig(out / name, dpi=100)
        plt.close(fig)
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.plot(record["step"], record["train_loss"], label="training")
    ax.plot(record["step"], record["val_loss"], label="validation")
    ax.set_xlabel("SGD step (one example each)")
    ax.set_ylabel("loss")
    ax.set_title("figure 8-13: losses of listing 8-3", fontsize=9)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "listing_8_3_loss.png", dpi=100)
    plt.close(fig)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for y0, path in saddle_paths.items():
        left.plot(path[:, 0], np.clip(path[:, 1], -1.5, 1.5), ".-", label=f"from (1, {y0:g})")
    left.set_title("figure 8-4: gradient descent on x² − y²", fontsize=9)
    left.legend(fontsize=8)
    for alpha, path in paths.items():
        right.plot(np.clip(path, -3, 3), ".-", label=f"α = {alpha}")
    right.set_title(f"figure 8-5: x on f = {CURVATURE:g} x²/2 (diverging paths clipped)", fontsize=9)
    right.set_xlabel("step")
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "saddle_and_learning_rate.png", dpi=100)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--impl", default="solutions", choices=["solutions", "exercises"])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--every", type=int, default=100)
    parser.add_argument("--quick", action="store_true", help="1000 SGD steps")
    args = parser.parse_args(argv)
    data = importlib.import_module(f"{args.impl}.ch8.data")
    record = listing_8_3(data, 1000 if args.quick else args.steps, args.every)
    saddle_paths, escapes = {}, {}
    for y0 in (0.0, 1e-8):
        saddle_paths[y0], escapes[y0] = saddle(y0)
    paths = learning_rate_paths()
    minima = {x0: local_minimum(x0) for x0 in (2.0, -2.0)}
    args.out.mkdir(parents=True, exist_ok=True)
    plot(record, paths, saddle_paths, args.out)
    print(
        f"listing 8-3: loss {record['train_loss'][0]:.3f} -> {record['train_loss'][-1]:.3f} (training), "
        f"{record['val_loss'][0]:.3f} -> {record['val_loss'][-1]:.3f} (validation) after {record['step'][-1]} steps; "
        f"accuracy {record['train_accuracy']:.3f} / {record['val_accuracy']:.3f}"
    )
    ends = ", ".join(f"from {x0:g} to x = {x:.3f}, f = {f:.3f}" for x0, (x, f) in minima.items())
    print(f"local minima of x⁴ − 3x² + x: {ends}")
    print(
        f"saddle x² − y²: from y0 = 0 ends at {saddle_paths[0.0][-1]}, from y0 = 1e-8 escapes at step {escapes[1e-8]}"
    )
    print("learning rate on 4x²/2: " + ", ".join(f"α = {a}: |x_20| = {abs(p[-1]):.3g}" for a, p in paths.items()))
    print(f"figures in {args.out}")
    return {"listing": record, "minima": minima, "saddle": saddle_paths, "escapes": escapes, "learning_rates": paths}


if __name__ == "__main__":
    main()
