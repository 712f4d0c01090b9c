"""The book's figure 8-14: validation-loss curves of SGD and its variants.

A small network (affine - tanh - affine - softmax, chapter 3's layers) learns
our own two-moons data (solutions/ch8/data.py) with each update rule of
chapter 8, from the same initial weights, on the same mini-batches, for the
same number of steps, with each rule's default hyperparameters (as the book
runs Downhill's defaults). The validation loss after every step goes into
one figure; a table of final losses is printed.

    python experiments/ch8_optimizers.py                  # the full run
    python experiments/ch8_optimizers.py --impl exercises # with your own optim.py
    python experiments/ch8_optimizers.py --steps 200 --out /tmp/opt.png
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

RULES = ["sgd", "sgd_momentum", "nesterov_momentum", "adagrad", "rmsprop", "adadelta", "adam", "rprop"]
DEFAULT_OUT = ROOT / "artifacts" / "ch8" / "optimizers.png"


def train(rule, data, optim, params0, X_train, y_train, X_val, y_val, steps, batch_size, seed):
    """Validation losses after each of ``steps`` updates of ``rule`` (one config per parameter)."""
    update = getattr(optim, rule)
    params = {name: value.copy() for name, value in params0.items()}
    configs = dict.fromkeys(params)
    rng = np.random.default_rng(seed)  # the same batches for every rule
    losses = []
    for _ in range(steps):
        chosen = rng.integers(0, len(X_train), size=batch_size)
        _, grads = data.moons_net_loss(params, X_train[chosen], y_train[chosen])
        for name in params:
            params[name], configs[name] = update(params[name], grads[name], configs[name])
        losses.append(data.moons_net_loss(params, X_val, y_val)[0])
    return losses


def run(steps=1000, n_samples=5000, n_val=1000, hidden_dim=100, batch_size=1, seed=0, impl="solutions", rules=RULES):
    """{rule: list of validation losses}, as in the book's listing 8-4."""
    data = importlib.import_module(f"{impl}.ch8.data")
    optim = importlib.import_module(f"{impl}.ch8.optim")
    rng = np.random.default_rng(seed)
    X, y = data.two_moons(n_samples, noise=0.1, rng=rng)
    params0 = data.init_moons_net(hidden_dim, rng)
    X_train, y_train, X_val, y_val = X[:-n_val], y[:-n_val], X[-n_val:], y[-n_val:]
    return {
        rule: train(rule, data, optim, params0, X_train, y_train, X_val, y_val, steps, batch_size, seed + 1)
        for rule in rules
    }


def plot(curves, out):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(8, 5))
    for rule, losses in curves.items():
        ax.plot(np.arange(1, len(losses) + 1), losses, label=rule, linewidth=1.2)
    ax.set_xlabel("step (batch of one example)")
    ax.set_ylabel("validation loss")
    ax.set_title("Two moons: learning curves on validation data (cf. book figure 8-14)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


def table(curves):
    """The final validation loss of each rule, best first, as text."""
    width = max(len(rule) for rule in curves)
    lines = [f"{'optimizer':<{width}}  final validation loss", "-" * (width + 24)]
    for rule, losses in sorted(curves.items(), key=lambda item: item[1][-1]):
        lines.append(f"{rule:<{width}}  {losses[-1]:.4f}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=5000)
    parser.add_argument("--hidden", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--impl", default="solutions", choices=["solutions", "exercises"])
    parser.add_argument("--out", default=str(DEFAULT_OUT))
    args = parser.parse_args(argv)
    curves = run(
        args.steps, args.samples, min(1000, args.samples // 5), args.hidden, args.batch_size, args.seed, args.impl
    )
    out = plot(curves, args.out)
    print(table(curves))
    print(f"figure: {out}")
    return curves


if __name__ == "__main__":
    main()
