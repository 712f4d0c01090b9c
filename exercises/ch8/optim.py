# Fill in each part that raises NotImplementedError; the docstrings say what to compute.
# `pytest exercises/ch8` checks your work, `dlgrade hint NAME` gives a hint.
"""Update rules for first-order optimisation, in the style of CS231n.

Every rule has the signature ``update(w, dw, config=None) -> (next_w, config)``:

- w: the current parameters, an array of any shape
- dw: the gradient of the loss with respect to w, same shape
- config: a dict of hyperparameters (learning rate, decay rates, ...) and of
  the rule's state (velocity, running averages, step count ...). ``None``
  means "all defaults, fresh state". Missing keys get their defaults.

The rule returns the next parameters and the config to pass to the next
call: state is carried from step to step in that dict. Neither ``w``,
``dw`` nor the arrays inside the given ``config`` may be modified in place
(CS231n's ``w -= lr * dw`` changes the caller's w: write ``next_w = w - lr * dw``);
build new arrays (``v = mu * v - lr * dw``, not ``v *= mu``) and return
them in a new dict (``config = dict(config)`` is a good first line; adding
keys to the given dict, as CS231n's ``config.setdefault`` does, is allowed).
The tests check every call and name the input that changed.
"""

import numpy as np


def _start(config, defaults):
    """A new dict: ``config``'s entries over ``defaults`` (config may be None)."""
    merged = dict(defaults)
    merged.update(config or {})
    return merged


def sgd(w, dw, config=None):
    """Vanilla stochastic gradient descent: w <- w - learning_rate * dw.

    config:
    - learning_rate: scalar, default 1e-2

    Returns a tuple of:
    - next_w: like w
    - config: with learning_rate set
    """
    config = _start(config, {"learning_rate": 1e-2})
    raise NotImplementedError("sgd: not started, see its docstring")
    return next_w, config


def sgd_momentum(w, dw, config=None):
    """SGD with momentum: v <- momentum * v - learning_rate * dw; w <- w + v.

    config:
    - learning_rate: scalar, default 1e-2
    - momentum: scalar in [0, 1), default 0.9 (0 gives plain SGD)
    - velocity: array like w, default zeros; the state

    Returns a tuple of:
    - next_w: like w
    - config: with the new velocity
    """
    config = _start(config, {"learning_rate": 1e-2, "momentum": 0.9})
    v = config.get("velocity")
    if v is None:
        v = np.zeros_like(w, dtype=np.float64)
    raise NotImplementedError("sgd_momentum: not started, see its docstring")
    config["velocity"] = v
    return next_w, config


def nesterov_momentum(w, dw, config=None):
    """Nesterov accelerated gradient, in the form of the CS231n notes.

    The gradient is taken at the look-ahead point; rewritten in terms of the
    parameters we actually store (Bengio et al. 2012):

        v_prev = v
        v <- momentum * v - learning_rate * dw
        w <- w - momentum * v_prev + (1 + momentum) * v

    This is a change of variables, not the book's iterate: the book's
    u = gamma u + alpha grad L(x - gamma u), x <- x - u evaluates the gradient
    at the look-ahead point x - gamma u; here w is that look-ahead point, so
    both follow the same path, shifted by momentum * v.

    config:
    - learning_rate: scalar, default 1e-2
    - momentum: scalar, default 0.9
    - velocity: array like w, default zeros; the state

    Returns a tuple of:
    - next_w: like w
    - config: with the new velocity
    """
    config = _start(config, {"learning_rate": 1e-2, "momentum": 0.9})
    v = config.get("velocity")
    if v is None:
        v = np.zeros_like(w, dtype=np.float64)
    raise NotImplementedError("nesterov_momentum: not started, see its docstring")
    config["velocity"] = v
    return next_w, config


def adagrad(w, dw, config=None):
    """Adagrad: a per-parameter learning rate from the sum of squared gradients.

        cache <- cache + dw**2
        w <- w - learning_rate * dw / (sqrt(cache) + epsilon)

    The current gradient is in the sum (Duchi et al. 2011). The book's G
    stops at the previous step and has no epsilon, so its first step
    divides by zero.

    config:
    - learning_rate: scalar, default 1e-2
    - epsilon: scalar, default 1e-8, avoids division by zero
    - cache: array like w, default zeros; the state (sum of squared gradients)

    Returns a tuple of:
    - next_w: like w
    - config: with the new cache
    """
    config = _start(config, {"learning_rate": 1e-2, "epsilon": 1e-8})
    cache = config.get("cache")
    if cache is None:
        cache = np.zeros_like(w, dtype=np.float64)
    raise NotImplementedError("adagrad: not started, see its docstring")
    config["cache"] = cache
    return next_w, config


def rmsprop(w, dw, config=None):
    """RMSProp: divide by a running root mean square of recent gradients.

        cache <- decay_rate * cache + (1 - decay_rate) * dw**2
        w <- w - learning_rate * dw / (sqrt(cache) + epsilon)

    epsilon only keeps the division finite. TensorFlow 1 put it inside the
    root, dw / sqrt(cache + epsilon): that form is accepted too (it is
    RMSProp as a major library defines it; on realistic scales both take
    the same steps).

    config:
    - learning_rate: scalar, default 1e-2
    - decay_rate: scalar in [0, 1), default 0.99
    - epsilon: scalar, default 1e-8
    - cache: array like w, default zeros; the state (moving average of dw**2)

    Returns a tuple of:
    - next_w: like w
    - config: with the new cache
    """
    config = _start(config, {"learning_rate": 1e-2, "decay_rate": 0.99, "epsilon": 1e-8})
    cache = config.get("cache")
    if cache is None:
        cache = np.zeros_like(w, dtype=np.float64)
    raise NotImplementedError("rmsprop: not started, see its docstring")
    config["cache"] = cache
    return next_w, config


def adadelta(w, dw, config=None):
    """Adadelta (Zeiler 2012): step units from the running RMS of past steps.

        cache <- rho * cache + (1 - rho) * dw**2                   (E[g^2])
        step  <- -sqrt(delta + epsilon) / sqrt(cache + epsilon) * dw
        delta <- rho * delta + (1 - rho) * step**2                 (E[dx^2])
        w <- w + learning_rate * step

    RMS[dx] uses the delta of the previous step (it lags one step behind
    RMS[g]); delta is updated after the step is known.

    config:
    - learning_rate: scalar multiplier, default 1.0 (the paper has none)
    - rho: decay rate of both averages, default 0.95
    - epsilon: scalar, default 1e-6
    - cache: array like w, default zeros; running average of dw**2
    - delta: array like w, default zeros; running average of squared steps

    Returns a tuple of:
    - next_w: like w
    - config: with the new cache and delta
    """
    config = _start(config, {"learning_rate": 1.0, "rho": 0.95, "epsilon": 1e-6})
    cache, delta = config.get("cache"), config.get("delta")
    if cache is None:
        cache = np.zeros_like(w, dtype=np.float64)
    if delta is None:
        delta = np.zeros_like(w, dtype=np.float64)
    raise NotImplementedError("adadelta: not started, see its docstring")
    config["cache"], config["delta"] = cache, delta
    return next_w, config


def adam(w, dw, config=None):
    """Adam (Kingma and Ba 2015) with bias correction; t is incremented first.

        t <- t + 1
        m <- beta1 * m + (1 - beta1) * dw
        v <- beta2 * v + (1 - beta2) * dw**2
        m_hat = m / (1 - beta1**t);  v_hat = v / (1 - beta2**t)
        w <- w - learning_rate * m_hat / (sqrt(v_hat) + epsilon)

    The book prints alpha / E[g^2] (no square root, no epsilon) and corrects
    the bias with 1 - rho instead of 1 - rho**t; both are misprints of
    Kingma and Ba's rule, which is the one above.

    Kingma and Ba's "efficient" ordering is accepted too: with
    step = learning_rate * sqrt(1 - beta2**t) / (1 - beta1**t),
    w <- w - step * m / (sqrt(v) + epsilon) (epsilon then acts on sqrt(v)
    instead of sqrt(v_hat), a difference of the order of epsilon). epsilon
    inside the square root is not Adam in any of its sources. t counts the
    steps taken: the first step uses t = 1. (CS231n's 2017 code started t at
    1, so its first step used t = 2: the bias correction is then wrong,
    which is what it is for.)

    config:
    - learning_rate: scalar, default 1e-3
    - beta1: decay rate of the first moment, default 0.9
    - beta2: decay rate of the second moment, default 0.999
    - epsilon: scalar, default 1e-8
    - m, v: arrays like w, default zeros; moving averages of dw and dw**2
    - t: number of steps taken so far, default 0

    Returns a tuple of:
    - next_w: like w
    - config: with the new m, v and t
    """
    config = _start(config, {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8, "t": 0})
    m, v = config.get("m"), config.get("v")
    if m is None:
        m = np.zeros_like(w, dtype=np.float64)
    if v is None:
        v = np.zeros_like(w, dtype=np.float64)
    raise NotImplementedError("adam: not started, see its docstring")
    config["m"], config["v"], config["t"] = m, v, t
    return next_w, config


def rprop(w, dw, config=None):
    """Resilient backpropagation (iRprop-): only the sign of the gradient counts.

    Each parameter has its own step size. Where the gradient kept its sign
    since the previous call the step grows, where it flipped the step shrinks
    and that parameter does not move this time (its gradient counts as 0,
    also for the next comparison):

        s = sign(dw * prev_grad)
        step_size <- clip(step_size * (etaplus if s > 0, etaminus if s < 0, 1 if s == 0),
                          step_min, step_max)
        g = where(s < 0, 0, dw)
        w <- w - sign(g) * step_size
        prev_grad <- g

    config:
    - learning_rate: initial step size of every parameter, default 1e-2
    - etaplus: growth factor, default 1.2
    - etaminus: shrink factor, default 0.5
    - step_min, step_max: bounds on the step sizes, default 1e-6 and 50
    - step_size: array like w, default full of learning_rate; the state
    - prev_grad: array like w, default zeros; the state

    Returns a tuple of:
    - next_w: like w
    - config: with the new step_size and prev_grad
    """
    config = _start(
        config, {"learning_rate": 1e-2, "etaplus": 1.2, "etaminus": 0.5, "step_min": 1e-6, "step_max": 50.0}
    )
    step_size, prev_grad = config.get("step_size"), config.get("prev_grad")
    if step_size is None:
        step_size = np.full(np.shape(w), config["learning_rate"], dtype=np.float64)
    if prev_grad is None:
        prev_grad = np.zeros_like(w, dtype=np.float64)
    raise NotImplementedError("rprop: not started, see its docstring")
    config["step_size"], config["prev_grad"] = step_size, prev_grad
    return next_w, config
