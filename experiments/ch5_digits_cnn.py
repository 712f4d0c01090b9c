"""Chapter 5 experiment: train ThreeLayerConvNet on the 8x8 digits.

    .venv/bin/python experiments/ch5_digits_cnn.py [--epochs 12] [--out artifacts/ch5]

The network is the chapter's reference (solutions.ch5.cnn, built on the fast
convolution): 3x3 'same' convolution with 16 filters, relu, 2x2 max pool
(8x8 -> 4x4), affine to 100 hidden units, relu, affine to 10 classes.
Training is minibatch Adam (written out below: the optimisers are chapter 8's
exercises) on the 1,197 training images; the epoch with the best validation
accuracy is kept and scored once on the 300 test images. Saves the loss curve
and the learned filters as PNG files and prints test accuracy and wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

# The matrices here are tiny: BLAS threads only fight over the two shared cores
# (10x slower wall time when the machine is busy). Set before numpy loads.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from tqdm import tqdm  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from solutions.ch5.cnn import ThreeLayerConvNet  # noqa: E402
from solutions.ch5.data import load_digits  # noqa: E402

NET = {"input_dim": (1, 8, 8), "num_filters": 16, "filter_size": 3, "hidden_dim": 100, "num_classes": 10}


def accuracy(net, X, y, batch_size=500):
    predictions = [np.argmax(net.loss(X[i : i + batch_size]), axis=1) for i in range(0, len(X), batch_size)]
    return float(np.mean(np.concatenate(predictions) == y))


def train(epochs=12, batch_size=32, learning_rate=3e-3, reg=1e-4, weight_scale=0.1, seed=0, progress=True):
    """Train on the digits; returns a dict with the net, losses, accuracies and seconds."""
    data = load_digits(split_seed=0)
    X, y = data["X_train"], data["y_train"]
    net = ThreeLayerConvNet(**NET, weight_scale=weight_scale, reg=reg, seed=seed)
    rng = np.random.default_rng(seed)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    m = {k: np.zeros_like(v) for k, v in net.params.items()}
    v = {k: np.zeros_like(v) for k, v in net.params.items()}
    losses, val_history = [], []
    best: tuple[float, dict[str, np.ndarray]] = (-1.0, dict(net.params))
    steps_per_epoch = int(np.ceil(len(X) / batch_size))
    start = time.perf_counter()
    with tqdm(total=epochs * steps_per_epoch, desc="ch5 digits CNN", unit="batch", disable=not progress) as bar:
        t = 0
        for epoch in range(epochs):
            order = rng.permutation(len(X))
            for first in range(0, len(X), batch_size):
                batch = order[first : first + batch_size]
                loss, grads = net.loss(X[batch], y[batch])
                losses.append(float(loss))
                t += 1
                for name, grad in grads.items():  # Adam with bias correction
                    m[name] = beta1 * m[name] + (1 - beta1) * grad
                    v[name] = beta2 * v[name] + (1 - beta2) * grad**2
                    m_hat, v_hat = m[name] / (1 - beta1**t), v[name] / (1 - beta2**t)
                    net.params[name] = net.params[name] - learning_rate * m_hat / (np.sqrt(v_hat) + eps)
                bar.update(1)
                bar.set_postfix(epoch=epoch + 1, loss=f"{loss:.3f}")
            val = accuracy(net, data["X_val"], data["y_val"])
            val_history.append(val)
            if val > best[0]:
                best = (val, {k: p.copy() for k, p in net.params.items()})
    net.params = best[1]
    seconds = time.perf_counter() - start
    return {
        "net": net,
        "losses": losses,
        "val_history": val_history,
        "val_accuracy": best[0],
        "train_accuracy": accuracy(net, X, y),
        "test_accuracy": accuracy(net, data["X_test"], data["y_test"]),
        "seconds": seconds,
        "steps_per_epoch": steps_per_epoch,
    }


def plot_loss(result, path):
    losses = np.array(result["losses"])
    window = result["steps_per_epoch"]
    smooth = np.convolve(losses, np.ones(window) / window, mode="valid")
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(losses, alpha=0.3, label="minibatch loss")
    ax.plot(np.arange(window - 1, len(losses)), smooth, label="mean over one epoch")
    ax.set_xlabel("iteration")
    ax.set_ylabel("softmax loss")
    ax.set_yscale("log")
    ax.set_title(f"ThreeLayerConvNet on 8x8 digits: test accuracy {100 * result['test_accuracy']:.1f} %")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_filters(net, path):
    W1 = net.params["W1"][:, 0]  # (F, 3, 3), one input channel
    columns = 8
    rows = int(np.ceil(len(W1) / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(columns * 1.1, rows * 1.2))
    limit = np.abs(W1).max()
    for index, ax in enumerate(np.ravel(axes)):
        ax.axis("off")
        if index < len(W1):
            ax.imshow(W1[index], cmap="RdBu_r", vmin=-limit, vmax=limit)
            ax.set_title(f"{index}", fontsize=8)
    fig.suptitle("learned 3x3 filters (red positive, blue negative)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "ch5")
    parser.add_argument("--json", type=Path, help="also write the accuracies and wall time to this file")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    result = train(epochs=args.epochs, seed=args.seed, progress=not args.no_progress)
    args.out.mkdir(parents=True, exist_ok=True)
    plot_loss(result, args.out / "loss_curve.png")
    plot_filters(result["net"], args.out / "filters.png")
    print(
        f"train accuracy {100 * result['train_accuracy']:.1f} %, best validation {100 * result['val_accuracy']:.1f} %, "
        f"test accuracy {100 * result['test_accuracy']:.1f} %"
    )
    print(f"training wall time {result['seconds']:.1f} s ({args.epochs} epochs, {len(result['losses'])} minibatches)")
    print(f"saved {args.out / 'loss_curve.png'} and {args.out / 'filters.png'}")
    if args.json:
        keys = ("train_accuracy", "val_accuracy", "test_accuracy", "seconds")
        args.json.write_text(json.dumps({key: result[key] for key in keys} | {"epochs": args.epochs}, indent=2))
    return result


if __name__ == "__main__":
    main()
