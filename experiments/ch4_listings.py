"""The book's listings 4-10, 4-11 and 4-12, run with the chapter's graph library over several seeds.

Each listing makes random data (1000 examples, 100 features; labels 0/1 or
normal targets, which the features cannot predict), trains with full-batch
gradient descent (1000 steps of rate 0.1, the regulariser 0.01 * sum(w ** 2))
and reports the measure the book prints before and after training:

- 4-10 logistic regression: accuracy (the book: 0.481 -> 0.629);
- 4-11 linear regression: mean squared error, which the book calls RMSE
  (90.47 -> 0.9157);
- 4-12 two layers of tanh: accuracy (0.51 -> 0.716), here with a sigmoid
  output. The book's own tanh output can be negative, and the binary
  cross-entropy then takes the log of a negative number: its error is nan for
  every example whose output is at or below 0. The gradient, d log(p)/dp = 1/p,
  stays finite, so the book's training still moves the weights; the run with
  the book's tanh output shows how much of its loss is nan.

Listing 4-10 writes p = 1 / (1 + exp(-x.w - b)). With 100 features of weight
N(0, 1), x.w has a standard deviation of 10, and in some seeds an example
has |x.w| > 37, where p rounds to exactly 1 (or 0): log(1 - p) is -inf and,
in 4 of the 20 default seeds, the weights turn nan. Theano never showed this because its graph
optimiser rewrote the formula into a stable one; here p = nnet.sigmoid(x.w + b),
whose binary cross-entropy the graph library computes from x.w + b. The
verbatim form is run too, and the table says in how many seeds it breaks.

Gains come from fitting noise: the labels are random, so this is memorisation
of the training set, as the book says. The weights of listing 4-10 are also
trained with autograd (models.py) from the same start, as a cross-check.

    python experiments/ch4_listings.py                   # 20 seeds, 1000 steps
    python experiments/ch4_listings.py --impl exercises  # with your own graph.py and models.py
    python experiments/ch4_listings.py --seeds 2 --steps 100 --examples 300
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

BOOK = {"4-10": (0.481, 0.629), "4-11": (90.4707491496, 0.915701676631), "4-12": (0.51, 0.716)}


def l2(T, x):
    return T.sum(x**2)


def logistic_regression(T, X, y, w0, steps, verbatim=False):
    """Listing 4-10: accuracy before and after training, and the trained weights.

    ``verbatim`` writes p = 1 / (1 + exp(-x.w - b)) as the book does; otherwise
    p = sigmoid(x.w + b), whose cross-entropy the graph library computes from x.w + b.
    """
    x, t = T.dmatrix("x"), T.dvector("y")
    w, b = T.shared(w0, name="w"), T.shared(0.0, name="b")
    p = 1 / (1 + T.exp(-T.dot(x, w) - b)) if verbatim else T.nnet.sigmoid(T.dot(x, w) + b)
    error = T.nnet.binary_crossentropy(p, t)
    loss = error.mean() + 0.01 * l2(T, w)
    gw, gb = T.grad(loss, [w, b])
    train = T.function([x, t], [p, error], updates=[(w, w - 0.1 * gw), (b, b - 0.1 * gb)])
    predict = T.function([x], p > 0.5)
    before = np.mean(predict(X) == y)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):  # the verbatim form may take log(0)
        for _ in range(steps):
            train(X, y)
    return before, np.mean(predict(X) == y), (w.get_value(), b.get_value())


def linear_regression(T, X, y, w0, steps):
    """Listing 4-11: mean squared error before and after training."""
    x, t = T.dmatrix("x"), T.dvector("y")
    w, b = T.shared(w0, name="w"), T.shared(0.0, name="b")
    p = T.dot(x, w) + b
    loss = ((p - t) ** 2).mean() + 0.01 * l2(T, w)
    gw, gb = T.grad(loss, [w, b])
    train = T.function([x, t], loss, updates=[(w, w - 0.1 * gw), (b, b - 0.1 * gb)])
    predict = T.function([x], p)
    before = np.mean((predict(X) - y) ** 2)
    for _ in range(steps):
        train(X, y)
    return before, np.mean((predict(X) - y) ** 2), None


def two_layers(T, X, y, w1_0, w2_0, steps, output="sigmoid"):
    """Listing 4-12: accuracy before and after, and the share of examples whose error was nan."""
    x, t = T.dmatrix("x"), T.dvector("y")
    w1, b1 = T.shared(w1_0, name="w1"), T.shared(np.zeros(w1_0.shape[1]), name="b1")
    w2, b2 = T.shared(w2_0, name="w2"), T.shared(0.0, name="b2")
    p1 = T.tanh(T.dot(x, w1) + b1)
    p2 = (T.nnet.sigmoid if output == "sigmoid" else T.tanh)(T.dot(p1, w2) + b2)
    error = T.nnet.binary_crossentropy(p2, t)
    loss = error.mean() + 0.01 * (l2(T, w1) + l2(T, w2))
    params = [w1, b1, w2, b2]
    train = T.function([x, t], error, updates=[(v, v - 0.1 * g) for v, g in zip(params, T.grad(loss, params))])
    predict = T.function([x], p2 > 0.5)
    before = np.mean(predict(X) == y)
    nan_share = []
    with np.errstate(invalid="ignore", divide="ignore"):  # log of a negative tanh output: nan, as in the book
        for _ in range(steps):
            nan_share.append(np.mean(np.isnan(train(X, y))))
    return before, np.mean(predict(X) == y), float(np.mean(nan_share))


def book_data(seed, examples, features, regression=False):
    """The listings' data and initial weights, from one seeded generator."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((examples, features))
    y = rng.standard_normal(examples) if regression else rng.integers(0, 2, size=examples).astype(float)
    return rng, X, y


def run(seeds=20, steps=1000, examples=1000, features=100, hidden=10, impl="solutions"):
    """{listing: {"before": [...], "after": [...]}} over ``seeds`` seeds, plus the autograd cross-check."""
    T = importlib.import_module(f"{impl}.ch4.graph")
    models = importlib.import_module(f"{impl}.ch4.models")
    results: dict[str, dict[str, list[float]]] = {
        name: {"before": [], "after": []} for name in ("4-10", "4-11", "4-12", "4-12 tanh")
    }
    nan_shares, broken, largest_difference = [], 0, 0.0
    for seed in range(seeds):
        rng, X, y = book_data(seed, examples, features)
        w0 = rng.standard_normal(features)
        before, after, (w, b) = logistic_regression(T, X, y, w0, steps)
        results["4-10"]["before"].append(before)
        results["4-10"]["after"].append(after)
        broken += bool(np.isnan(logistic_regression(T, X, y, w0, steps, verbatim=True)[2][0]).any())
        if seed == 0:
            check = models.train(models.logistic_regression_loss, {"w": w0, "b": 0.0}, X, y, lr=0.1, steps=steps)
            largest_difference = float(np.max(np.abs(np.asarray(check["w"]) - w)))

        rng, X, y = book_data(seed, examples, features, regression=True)
        before, after, _ = linear_regression(T, X, y, rng.standard_normal(features), steps)
        results["4-11"]["before"].append(before)
        results["4-11"]["after"].append(after)

        rng, X, y = book_data(seed, examples, features)
        w1_0, w2_0 = rng.standard_normal((features, hidden)), rng.standard_normal(hidden)
        for name, output in (("4-12", "sigmoid"), ("4-12 tanh", "tanh")):
            before, after, nan_share = two_layers(T, X, y, w1_0, w2_0, steps, output)
            results[name]["before"].append(before)
            results[name]["after"].append(after)
            if output == "tanh":
                nan_shares.append(nan_share)
    return results, float(np.mean(nan_shares)), broken, largest_difference


def table(results, nan_share, broken, largest_difference):
    lines = [
        f"{'listing':<10} {'before (mean ± std)':>22} {'after (mean ± std)':>22} {'after: range':>16} {'book':>18}",
        "-" * 92,
    ]
    for name, values in results.items():
        before, after = np.array(values["before"]), np.array(values["after"])
        book = BOOK.get(name)
        book_text = f"{book[0]:.4g} -> {book[1]:.4g}" if book else ""
        lines.append(
            f"{name:<10} {before.mean():>13.4f} ± {before.std():<6.4f} {after.mean():>13.4f} ± "
            f"{after.std():<6.4f} {after.min():>7.3f}-{after.max():<7.3f} {book_text:>18}"
        )
    lines.append("")
    lines.append("4-10 and 4-12 report accuracy, 4-11 the mean squared error (the book's 'RMSE').")
    lines.append(
        f"4-12 with the book's tanh output: {100 * nan_share:.1f} % of the examples' errors are nan "
        "(log of an output <= 0); the gradient stays finite."
    )
    lines.append(
        f"4-10 written as the book writes p, 1 / (1 + exp(-x.w - b)): nan weights in {broken} of "
        f"{len(results['4-10']['after'])} seeds (p rounds to 1 where x.w + b > 37)"
    )
    lines.append(
        f"4-10 weights, graph library vs autograd (models.py), seed 0: largest difference {largest_difference:.1e}"
    )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--examples", type=int, default=1000)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--impl", default="solutions", choices=["solutions", "exercises"])
    args = parser.parse_args(argv)
    results, nan_share, broken, difference = run(args.seeds, args.steps, args.examples, args.features, impl=args.impl)
    print(table(results, nan_share, broken, difference))
    return results, nan_share, broken, difference


if __name__ == "__main__":
    main()
