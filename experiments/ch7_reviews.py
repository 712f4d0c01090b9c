"""Chapter 7 experiment: the book's listing 7-8 (Embedding, LSTM, sigmoid) on generated "reviews".

    .venv/bin/python experiments/ch7_reviews.py [--epochs 8] [--quick] [--out artifacts/ch7] [--json FILE]

IMDB does not ship, so the reviews are generated: sequences of 5 to 60 word
indices drawn uniformly from a vocabulary of 200 (0 is kept for padding),
padded and truncated to their last 40 words with pad_sequences (as the book
does with maxlen=80). Words 1-10 are "positive", 11-20 "negative"; a review is
positive when, among its last 40 words, positive words outnumber negative ones
(ties are left out). 2,000-odd reviews train, 700-odd test.

The model is listing 7-8's, smaller: Embedding(200, 32, dropout=0.2),
LSTM(32, dropout_W=0.2, dropout_U=0.2), Dense(1), sigmoid; binary
cross-entropy, Adam, batch 32. The task needs counting over the sequence, which
the LSTM learns: expected test accuracy about .75 after one epoch (the book's
one IMDB epoch: .8076), above .95 after 4 and about .98-.99 after 8.

Writes reviews.png (test accuracy per epoch) and prints the result.
--quick trains 2 epochs (a few seconds).
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

from solutions.ch7.model import LSTM, Activation, Dense, Embedding, Sequential, sequence  # noqa: E402

VOCABULARY, MAXLEN = 200, 40


def reviews(n, rng):
    """(x (m, MAXLEN) word indices, y (m,) labels 0/1) from n generated reviews, ties left out."""
    texts = [list(rng.integers(1, VOCABULARY, size=rng.integers(5, 61))) for _ in range(n)]
    x = sequence.pad_sequences(texts, maxlen=MAXLEN)
    positive, negative = ((x >= 1) & (x <= 10)).sum(axis=1), ((x >= 11) & (x <= 20)).sum(axis=1)
    keep = positive != negative
    return x[keep], (positive > negative)[keep].astype(np.float64)


def train(epochs, seed=0):
    rng = np.random.default_rng(seed)
    x_train, y_train = reviews(3000, rng)
    x_test, y_test = reviews(1000, rng)
    model = Sequential(seed=seed)
    model.add(Embedding(VOCABULARY, 32, dropout=0.2))
    model.add(LSTM(32, dropout_W=0.2, dropout_U=0.2))
    model.add(Dense(1))
    model.add(Activation("sigmoid"))
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    start = time.perf_counter()
    history = model.fit(x_train, y_train, batch_size=32, nb_epoch=epochs, validation_data=(x_test, y_test))
    seconds = time.perf_counter() - start
    loss, accuracy = model.evaluate(x_test, y_test, batch_size=32)
    return {
        "epochs": epochs,
        "train_size": len(x_train),
        "test_size": len(x_test),
        "test_loss": loss,
        "test_accuracy": accuracy,
        "accuracy_per_epoch": history.history["val_acc"],
        "seconds": seconds,
        "parameters": model.count_params(),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--quick", action="store_true", help="2 epochs")
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "ch7")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    result = train(2 if args.quick else args.epochs)
    args.out.mkdir(parents=True, exist_ok=True)
    figure, axis = plt.subplots(figsize=(6, 4))
    curve = result["accuracy_per_epoch"]
    axis.plot(range(1, len(curve) + 1), curve, marker=".")
    axis.set(xlabel="epoch", ylabel="test accuracy", ylim=(0.4, 1), title="listing 7-8 on generated reviews")
    axis.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(args.out / "reviews.png", dpi=110)
    plt.close(figure)
    print(
        f"test accuracy {result['test_accuracy']:.3f} after {result['epochs']} epochs (expected: about .75 "
        f"after 1, above .95 after 4, .98-.99 after 8); wall time {result['seconds']:.1f} s"
    )
    print(f"figure: {args.out / 'reviews.png'}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
