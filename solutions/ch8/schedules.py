"""Learning-rate schedules: anneal the step size as training goes on.

Each schedule maps the initial learning rate and the number of steps (or
epochs) taken so far, ``step`` = 0, 1, 2, ..., to the learning rate to use
now. ``step`` may be an int or an integer array (the result is then an
array of the same shape). At step 0 every schedule returns learning_rate.

Inputs are never changed in place: no function here modifies an array, list or dict it is
given (write ``x = x * 2``, not ``x *= 2``; copy before changing). The tests check it after
every call and name the input that changed.
"""

import numpy as np


def step_decay(learning_rate, step, drop=0.5, every=10):
    """Step decay: multiply by ``drop`` once every ``every`` steps.

        lr(step) = learning_rate * drop ** floor(step / every)

    Inputs:
    - learning_rate: initial learning rate, scalar > 0
    - step: steps taken so far, int >= 0 or integer array
    - drop: factor applied at each drop, default 0.5
    - every: steps between drops, int >= 1, default 10

    Returns:
    - lr: float (or array like step)
    """
    ### BEGIN SOLUTION
    lr = learning_rate * drop ** np.floor_divide(step, every)
    ### END SOLUTION
    return lr


def exponential_decay(learning_rate, step, k=0.1):
    """Exponential decay: lr(step) = learning_rate * exp(-k * step).

    Inputs:
    - learning_rate: initial learning rate, scalar > 0
    - step: steps taken so far, int >= 0 or integer array
    - k: decay constant, default 0.1

    Returns:
    - lr: float (or array like step)
    """
    ### BEGIN SOLUTION
    lr = learning_rate * np.exp(-k * np.asarray(step, dtype=np.float64))
    ### END SOLUTION
    return lr


def inverse_time_decay(learning_rate, step, k=0.1):
    """1/t decay: lr(step) = learning_rate / (1 + k * step).

    Inputs:
    - learning_rate: initial learning rate, scalar > 0
    - step: steps taken so far, int >= 0 or integer array
    - k: decay constant, default 0.1

    Returns:
    - lr: float (or array like step)
    """
    ### BEGIN SOLUTION
    lr = learning_rate / (1 + k * np.asarray(step, dtype=np.float64))
    ### END SOLUTION
    return lr
