# ---- outside corpus: ch8/normalization.py written in the idioms of a CS231n solution
import numpy as np


def batchnorm_forward(x, gamma, beta, bn_param):
    # the cache is a dict of intermediates, CS231n style
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))
    out, cache = None, None
    if mode == "train":
        sample_mean = np.mean(x, axis=0)
        sample_var = np.var(x, axis=0)
        x_hat = (x - sample_mean) / np.sqrt(sample_var + eps)
        out = gamma * x_hat + beta
        cache = {"x": x, "mu": sample_mean, "var": sample_var, "eps": eps, "gamma": gamma, "x_hat": x_hat}
        running_mean = momentum * running_mean + (1 - momentum) * sample_mean
        running_var = momentum * running_var + (1 - momentum) * sample_var
    elif mode == "test":
        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
    else:
        raise ValueError(f'Invalid forward batchnorm mode "{mode}"')
    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    # the "alternative" backward: one simplified formula, written with x - mu and var
    x, mu, var, eps = cache["x"], cache["mu"], cache["var"], cache["eps"]
    gamma, x_hat = cache["gamma"], cache["x_hat"]
    N = x.shape[0]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    x_mu = x - mu
    std_inv = 1.0 / np.sqrt(var + eps)
    dx = (
        (1.0 / N)
        * gamma
        * std_inv
        * (N * dout - np.sum(dout, axis=0) - x_mu * std_inv**2 * np.sum(dout * x_mu, axis=0))
    )
    return dx, dgamma, dbeta


def dropout_forward(x, dropout_param):
    # np.random.seed + np.random.rand, as CS231n's starter code does
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    mask = None
    if mode == "train":
        mask = (np.random.rand(*x.shape) < p) / p
        out = x * mask
    elif mode == "test":
        out = x
    cache = (dropout_param, mask)
    return out, cache


def dropout_backward(dout, cache):
    dropout_param, mask = cache
    mode = dropout_param["mode"]
    if mode == "train":
        dx = dout * mask
    elif mode == "test":
        dx = dout
    return dx
