"""The book's figures 2-2 to 2-5: polynomial fits, over- and underfitting, ridge regression.

The toy data of chapter 2 (y = 2 + x + 2x² + N(0, 0.1²) on 100 points of
[-1, 1], the first 80 seen, the last 20 unseen) is fitted by least squares
with polynomials of degree 1, 2 and 8 (figures 2-2 to 2-4, table 2-1), then
by ridge regression with 80 columns (the book's "degree 80", powers 0 .. 79)
for λ in linspace(0.01, 0.99, 100) (figure 2-5). Errors are per-point RMSE.

    python experiments/ch2_regression.py                   # seed 0, figures in artifacts/ch2/
    python experiments/ch2_regression.py --impl exercises  # with your own regression.py
    python experiments/ch2_regression.py --quick           # 10 values of λ

Expected result (seed 0):
- degree 1 underfits: train RMSE ≈ 0.40, test ≈ 1.65 (the line misses the
  parabola's rise on the unseen points);
- degree 2 fits: train and test ≈ 0.10, the noise level;
- degree 8 overfits: train ≈ 0.09, below degree 2, but test ≈ 4.8 (over
  seeds anywhere from 0.7 to 17: the worst of the three on unseen data, as
  in the book's own table);
- ridge with 80 columns: the train RMSE rises monotonically from ≈ 0.09
  (λ = 0.01) to ≈ 0.13 (λ = 0.99); the test RMSE falls from ≈ 0.70 to a
  minimum of ≈ 0.15 near λ ≈ 0.4 and rises again to ≈ 0.39, far below the
  unregularised degree 8. Larger λ means a simpler model (the book's text
  says the reverse).
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

DEFAULT_OUT = ROOT / "artifacts" / "ch2"
DEGREES = (1, 2, 8)
RIDGE_DEGREE = 79  # 80 columns


def run(seed=0, n_lambdas=100, impl="solutions"):
    """Errors of the fits: {"degrees", "train", "test", "lambdas", "ridge_train", "ridge_test"}."""
    regression = importlib.import_module(f"{impl}.ch2.regression")
    x, y = regression.toy_dataset(100, 0.1, np.random.default_rng(seed))
    train, test = regression.generalization_curve(x, y, 80, DEGREES)
    lambdas = np.linspace(0.01, 0.99, n_lambdas)
    ridge_train, ridge_test = regression.regularization_curve(x, y, 80, RIDGE_DEGREE, lambdas)
    return {
        "x": x,
        "y": y,
        "degrees": DEGREES,
        "train": train,
        "test": test,
        "lambdas": lambdas,
        "ridge_train": ridge_train,
        "ridge_test": ridge_test,
    }


def save_figures(result, out, impl="solutions"):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    regression = importlib.import_module(f"{impl}.ch2.regression")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "fits.png", out / "regularization.png"]
    figures = [
        regression.plot_fits(result["x"], result["y"], 80, result["degrees"]),
        regression.plot_regularization(result["x"], result["y"], 80, RIDGE_DEGREE, result["lambdas"]),
    ]
    for figure, path in zip(figures, paths):
        figure.savefig(path, dpi=120)
        plt.close(figure)
    return paths


def table(result):
    lines = ["degree  train RMSE  test RMSE", "------  ----------  ---------"]
    lines += [
        f"{d:>6}  {tr:>10.4f}  {te:>9.4f}" for d, tr, te in zip(result["degrees"], result["train"], result["test"])
    ]
    ridge_train, ridge_test = result["ridge_train"], result["ridge_test"]
    lines.append(
        f"ridge, 80 columns, lambda {result['lambdas'][0]:.2f} .. {result['lambdas'][-1]:.2f}: "
        f"train {ridge_train[0]:.4f} -> {ridge_train[-1]:.4f} "
        f"({'monotone' if np.all(np.diff(ridge_train) >= 0) else 'NOT monotone'}), "
        f"test between {ridge_test.min():.4f} and {ridge_test.max():.4f}"
    )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="10 values of lambda instead of 100")
    parser.add_argument("--impl", default="solutions", choices=["solutions", "exercises"])
    parser.add_argument("--out", default=str(DEFAULT_OUT))
    args = parser.parse_args(argv)
    result = run(args.seed, 10 if args.quick else 100, args.impl)
    print(table(result))
    for path in save_figures(result, args.out, args.impl):
        print(f"figure: {path}")
    return result


if __name__ == "__main__":
    main()
