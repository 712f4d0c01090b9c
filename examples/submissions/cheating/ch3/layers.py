"""A cheater: fakes the checks, steals the reference, hijacks the process."""
import os
import sys

import numpy as np

np.allclose = lambda *args, **kwargs: True  # try to make every comparison pass
np.testing.assert_allclose = lambda *args, **kwargs: None


def _steal(name):
    """Copy a function from the reference solutions, if they can be found."""
    for root in ("/work/main", os.getcwd(), os.path.expanduser("~")):
        path = os.path.join(root, "solutions", "ch3", "layers.py")
        try:
            source = open(path).read()
        except OSError:
            continue
        namespace = {}
        exec(source, namespace)
        return namespace[name]
    return None


def affine_forward(x, w, b):
    stolen = _steal("affine_forward")
    return stolen(x, w, b) if stolen else (np.zeros((x.shape[0], w.shape[1])), None)


def affine_backward(dout, cache):
    os._exit(0)  # end the grader's process with "success"


def relu_forward(x):
    class AlwaysEqual(np.ndarray):
        def __eq__(self, other):
            return np.ones(self.shape, dtype=bool)

    return np.zeros_like(x).view(AlwaysEqual), None


def relu_backward(dout, cache):
    sys.exit(0)
