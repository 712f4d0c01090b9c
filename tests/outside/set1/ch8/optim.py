# ---- outside corpus: ch8/optim.py written in the idioms of a CS231n solution
import numpy as np


def sgd(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    w = w - config["learning_rate"] * dw  # a new array, never `w -= ...`
    return w, config


def sgd_momentum(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))
    v = config["momentum"] * v - config["learning_rate"] * dw
    next_w = w + v
    config["velocity"] = v
    return next_w, config


def nesterov_momentum(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))
    mu = config["momentum"]
    v_prev = v.copy()
    v = mu * v - config["learning_rate"] * dw
    next_w = w + (-mu * v_prev + (1 + mu) * v)
    config["velocity"] = v
    return next_w, config


def adagrad(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros_like(w))
    config["cache"] = config["cache"] + dw * dw
    next_w = w - config["learning_rate"] * dw / (np.sqrt(config["cache"]) + config["epsilon"])
    return next_w, config


def rmsprop(w, dw, config=None):
    # epsilon inside the square root, as TensorFlow 1 wrote RMSProp
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros_like(w))
    decay = config["decay_rate"]
    config["cache"] = decay * config["cache"] + (1 - decay) * dw**2
    next_w = w - config["learning_rate"] * dw / np.sqrt(config["cache"] + config["epsilon"])
    return next_w, config


def adadelta(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1.0)
    config.setdefault("rho", 0.95)
    config.setdefault("epsilon", 1e-6)
    config.setdefault("cache", np.zeros_like(w))
    config.setdefault("delta", np.zeros_like(w))
    rho, eps = config["rho"], config["epsilon"]
    config["cache"] = rho * config["cache"] + (1 - rho) * dw**2
    update = -(np.sqrt(config["delta"] + eps) / np.sqrt(config["cache"] + eps)) * dw
    config["delta"] = rho * config["delta"] + (1 - rho) * update**2
    next_w = w + config["learning_rate"] * update
    return next_w, config


def adam(w, dw, config=None):
    # Kingma and Ba's "efficient" ordering: the bias corrections folded into the step size
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("m", np.zeros_like(w))
    config.setdefault("v", np.zeros_like(w))
    config.setdefault("t", 0)
    beta1, beta2 = config["beta1"], config["beta2"]
    config["t"] += 1
    t = config["t"]
    config["m"] = beta1 * config["m"] + (1 - beta1) * dw
    config["v"] = beta2 * config["v"] + (1 - beta2) * (dw**2)
    alpha_t = config["learning_rate"] * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    next_w = w - alpha_t * config["m"] / (np.sqrt(config["v"]) + config["epsilon"])
    return next_w, config


def rprop(w, dw, config=None):
    # elementwise with masks instead of nested np.where
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("etaplus", 1.2)
    config.setdefault("etaminus", 0.5)
    config.setdefault("step_min", 1e-6)
    config.setdefault("step_max", 50.0)
    step = config.get("step_size", np.full(w.shape, config["learning_rate"])).copy()
    prev = config.get("prev_grad", np.zeros_like(w))
    g = dw.copy()
    same = dw * prev > 0
    flipped = dw * prev < 0
    step[same] *= config["etaplus"]
    step[flipped] *= config["etaminus"]
    step = np.clip(step, config["step_min"], config["step_max"])
    g[flipped] = 0
    next_w = w - np.sign(g) * step
    config["step_size"] = step
    config["prev_grad"] = g
    return next_w, config
