"""Chapter 7 experiment: the book's CNN (listing 7-7) and an LSTM on the 8x8 digits, with the course's Keras.

    .venv/bin/python experiments/ch7_digits.py [--epochs 30] [--quick] [--out artifacts/ch7] [--json FILE]

The data are the shipped digits (datasets/digits, chapter 5's split: 1,197
training and 300 test images) instead of MNIST, channels-last as the book has
them: (N, 8, 8, 1), values in [0, 1].

- CNN: listing 7-7's model unchanged (two 3x3 convolutions with 32 filters and
  relu, 2x2 max pooling, Dropout(0.25), Flatten, Dense(128) relu,
  Dropout(0.5), Dense(10) softmax; 27,370 parameters at 8x8), Adadelta, batch
  128. Expected test accuracy: about .3 after one epoch (the book's single
  MNIST epoch has 60,000 images and reaches .9712), .97-.98 after 30.
- LSTM: each image read as a sequence of its 8 rows (8 features per step),
  LSTM(64) then Dense(10) softmax, Adam, batch 32 (the book's listing 7-8 reads
  IMDB reviews, which do not ship). Expected test accuracy .94-.96 after 30 epochs.

Writes digits.png (test accuracy per epoch of both models) and prints the
final accuracies and wall time. --quick trains 4 epochs of each (seconds).
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

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from solutions.ch5.data import load_digits  # noqa: E402
from solutions.ch7.model import (  # noqa: E402
    LSTM,
    Activation,
    Convolution2D,
    Dense,
    Dropout,
    Flatten,
    MaxPooling2D,
    Sequential,
    np_utils,
)


def digits():
    """Chapter 5's split, images channels-last (N, 8, 8, 1), one-hot labels."""
    data = load_digits(split_seed=0)
    images = {part: data[f"X_{part}"].transpose(0, 2, 3, 1) for part in ("train", "test")}
    labels = {part: np_utils.to_categorical(data[f"y_{part}"], 10) for part in ("train", "test")}
    return images, labels


def book_cnn(seed):
    """Listing 7-7's network for 8x8 single-channel images."""
    model = Sequential(seed=seed)
    model.add(Convolution2D(32, 3, 3, border_mode="valid", input_shape=(8, 8, 1)))
    model.add(Activation("relu"))
    model.add(Convolution2D(32, 3, 3))
    model.add(Activation("relu"))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Dropout(0.25))
    model.add(Flatten())
    model.add(Dense(128))
    model.add(Activation("relu"))
    model.add(Dropout(0.5))
    model.add(Dense(10))
    model.add(Activation("softmax"))
    model.compile(loss="categorical_crossentropy", optimizer="adadelta", metrics=["accuracy"])
    return model


def row_lstm(seed):
    """Rows as time steps: LSTM(64) over 8 steps of 8 pixels, then a softmax layer."""
    model = Sequential([LSTM(64, input_shape=(8, 8)), Dense(10, activation="softmax")], seed=seed)
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


def train(which, epochs, seed=0):
    images, labels = digits()
    if which == "cnn":
        model, batch_size, x_train, x_test = book_cnn(seed), 128, images["train"], images["test"]
    else:
        model, batch_size = row_lstm(seed), 32
        x_train, x_test = images["train"][..., 0], images["test"][..., 0]  # (N, 8 rows, 8 pixels)
    start = time.perf_counter()
    history = model.fit(
        x_train,
        labels["train"],
        batch_size=batch_size,
        nb_epoch=epochs,
        verbose=0,
        validation_data=(x_test, labels["test"]),
    )
    seconds = time.perf_counter() - start
    loss, accuracy = model.evaluate(x_test, labels["test"])
    return {
        "model": which,
        "epochs": epochs,
        "parameters": model.count_params(),
        "test_loss": loss,
        "test_accuracy": accuracy,
        "accuracy_per_epoch": history.history["val_acc"],
        "train_accuracy": history.history["acc"][-1],
        "seconds": seconds,
    }


def plot(results, path):
    figure, axis = plt.subplots(figsize=(6, 4))
    for result in results:
        curve = result["accuracy_per_epoch"]
        axis.plot(
            range(1, len(curve) + 1),
            curve,
            marker=".",
            label=f"{result['model']} ({result['parameters']:,} parameters)",
        )
    axis.set_xlabel("epoch")
    axis.set_ylabel("test accuracy")
    axis.set_ylim(0, 1)
    axis.grid(alpha=0.3)
    axis.legend()
    axis.set_title("8x8 digits: the book's CNN and a row-reading LSTM")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="4 epochs of each model")
    parser.add_argument("--model", choices=["cnn", "lstm", "both"], default="both")
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "ch7")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    epochs = 4 if args.quick else args.epochs
    which = ["cnn", "lstm"] if args.model == "both" else [args.model]
    results = [train(name, epochs) for name in which]
    args.out.mkdir(parents=True, exist_ok=True)
    plot(results, args.out / "digits.png")
    expected = {"cnn": ".97-.98", "lstm": ".94-.96"}
    for result in results:
        print(
            f"{result['model']}: test accuracy {result['test_accuracy']:.3f} after {epochs} epochs "
            f"(expected after 30: {expected[result['model']]}); wall time {result['seconds']:.1f} s"
        )
    print(f"figure: {args.out / 'digits.png'}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
