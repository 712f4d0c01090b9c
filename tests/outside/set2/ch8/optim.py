# ---- outside corpus, second set: ch8/optim.py in other idioms of CS231n solutions
import numpy as np


def sgd_momentum(w, dw, config=None):
    # setdefault stores the fresh velocity in the config; the update builds a new array
    config = config if config is not None else {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.setdefault("velocity", np.zeros_like(w))
    v = config["momentum"] * v - config["learning_rate"] * dw
    config["velocity"] = v
    return w + v, config


def adagrad(w, dw, config=None):
    config = dict(config or {})  # a copy of the caller's dict
    lr = config.setdefault("learning_rate", 1e-2)
    eps = config.setdefault("epsilon", 1e-8)
    cache = config.get("cache", np.zeros(w.shape)) + np.square(dw)
    config["cache"] = cache
    return w - lr * dw / (np.sqrt(cache) + eps), config


def rmsprop(w, dw, config=None):
    # epsilon outside the root, as in CS231n
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros_like(w))
    config["cache"] = config["decay_rate"] * config["cache"] + (1 - config["decay_rate"]) * (dw * dw)
    next_w = w - config["learning_rate"] * dw / (np.sqrt(config["cache"]) + config["epsilon"])
    return next_w, config


def adam(w, dw, config=None):
    # CS231n 2018 onwards: t += 1 first, then bias-corrected moments
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("m", np.zeros_like(w))
    config.setdefault("v", np.zeros_like(w))
    config.setdefault("t", 0)
    config["t"] += 1
    config["m"] = config["beta1"] * config["m"] + (1 - config["beta1"]) * dw
    mt = config["m"] / (1 - config["beta1"] ** config["t"])
    config["v"] = config["beta2"] * config["v"] + (1 - config["beta2"]) * (dw**2)
    vt = config["v"] / (1 - config["beta2"] ** config["t"])
    next_w = w - config["learning_rate"] * mt / (np.sqrt(vt) + config["epsilon"])
    return next_w, config
