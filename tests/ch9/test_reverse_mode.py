"""Hidden suite for ch9/reverse_mode.py.

Gradients are compared with autograd's reverse mode on the same functions,
written once for both (``ops`` is the student's module or autograd.numpy):
scalars and arrays, reused variables, diamonds, broadcasting, sum and dot
of every 1-D / 2-D combination, a tuple of argnums, repeated calls. The
Wengert list is checked on functions whose list is known by hand.
"""

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad as autograd_grad

from grader.testing import check_close, check_scalar, check_unchanged, fail, implementation_of, snapshot

rm = implementation_of("ch9.reverse_mode")


def expected_gradients(function, args, argnums):
    return tuple(np.asarray(autograd_grad(lambda *a: function(anp, *a), i)(*args), dtype=float) for i in argnums)


def check_list(values, expected, what):
    if not isinstance(values, list) or len(values) != len(expected):
        got = f"a list of {len(values)}" if isinstance(values, list) else type(values).__name__
        fail(f"{what}: expected a list of {len(expected)} values (one per variable), got {got}")
    for index, (value, wanted) in enumerate(zip(values, expected)):
        check_close(value, wanted, f"{what}: entry {index}", rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------- unbroadcast


@pytest.mark.exercise("unbroadcast", points=1)
@pytest.mark.parametrize("shape", [(2, 3, 4), (3, 4), (4,), (1, 4), (3, 1), (2, 1, 4), (1, 1, 1), ()], ids=str)
def test_unbroadcast_to_every_shape(rm, shape):
    g = np.random.default_rng(len(shape)).normal(size=(2, 3, 4))
    copies = snapshot(g)
    result = rm.unbroadcast(g, shape)
    check_unchanged([g], copies, "unbroadcast")
    lead = g.sum(axis=tuple(range(3 - len(shape))))
    expected = lead.sum(axis=tuple(i for i, n in enumerate(shape) if n == 1), keepdims=True)
    check_close(result, expected, f"unbroadcast of a (2, 3, 4) adjoint to {shape}", rtol=1e-12)


@pytest.mark.exercise("unbroadcast", points=1)
def test_unbroadcast_of_a_scalar_adjoint(rm):
    check_close(rm.unbroadcast(2.5, ()), 2.5, "unbroadcast(2.5, ())", rtol=1e-12)


# ---------------------------------------------------------------- trace


@pytest.mark.exercise("trace", points=1)
def test_trace_of_the_books_function(rm):
    values = rm.trace(lambda x1, x2: rm.sqrt(x1**2 + x2**2), 1.0, 2.0)
    check_list(values, [1.0, 2.0, 1.0, 4.0, 5.0, 2.23606797749979], "trace of sqrt(x1**2 + x2**2) at (1, 2)")


@pytest.mark.exercise("trace", points=1)
def test_trace_twice_starts_afresh(rm):
    def f(x1, x2):
        return rm.sin(x1 * x2) + rm.exp(x1)

    expected = [0.5, 2.0, 1.0, np.sin(1.0), np.exp(0.5), np.sin(1.0) + np.exp(0.5)]
    check_list(rm.trace(f, 0.5, 2.0), expected, "trace of sin(x1 x2) + exp(x1) at (0.5, 2)")
    check_list(rm.trace(f, 0.5, 2.0), expected, "the same trace a second time (start from an empty tape)")


@pytest.mark.exercise("trace", points=1)
def test_trace_skips_constants_and_takes_arrays(rm):
    a, b = np.array([1.0, -2.0, 0.5]), np.array([[2.0, 3.0, -1.0]])
    copies = snapshot(a, b)
    values = rm.trace(lambda a, b: rm.sum(3.0 * (a * b)), a, b)
    check_unchanged([a, b], copies, "trace")
    check_list(
        values, [a, b, a * b, 3 * a * b, np.sum(3 * a * b)], "trace of sum(3 (a b)) (constants are no variables)"
    )


# ---------------------------------------------------------------- grad


def book(ops, x1, x2):
    """sqrt(x**2 + y**2)"""
    return ops.sqrt(x1**2 + x2**2)


def reuse(ops, x, y):
    """x*x*x + x*y - y/x (x used several times)"""
    return x * x * x + x * y - y / x


def diamond(ops, x, y):
    """a*a + exp(a) - cos(a) / (2 + a) with a = sin(x y) (a diamond: a feeds three branches)"""
    a = ops.sin(x * y)
    return a * a + ops.exp(a) - ops.cos(a) / (2.0 + a)


def chain(ops, x, y):
    """v*v after v = tanh(v y + 0.5) four times from v = x"""
    v = x
    for _ in range(4):
        v = ops.tanh(v * y + 0.5)
    return v * v


def elementwise(ops, x, y):
    """sum(log(1 + x**2) y - 2 / (3 + y**2) + sqrt(x**2 + 1)), elementwise"""
    return ops.sum(ops.log(1.0 + x * x) * y - 2.0 / (3.0 + y * y) + ops.sqrt(x * x + 1.0))


def broadcast(ops, x, y):
    """sum(tanh(x y - y / (2 + x**2)) (1 - x)), x and y broadcast"""
    return ops.sum(ops.tanh(x * y - y / (2.0 + x * x)) * (1.0 - x))


def indexing(ops, x, y):
    """x[0] * sum(x[[1, 2, 2]] * y[-1]) + sum(y[[0, 2]]**2): single elements, rows, an element taken twice"""
    return x[0] * ops.sum(x[np.array([1, 2, 2])] * y[-1]) + ops.sum(y[np.array([0, 2])] ** 2)


def layer(ops, x, y):
    """sum(tanh(x . y + b)**2) for matrices x, y"""
    return ops.sum(ops.tanh(ops.dot(x, y) + np.array([0.5, -1.0])) ** 2)


SCALAR = [(book, (1.0, 2.0)), (reuse, (1.3, -0.7)), (diamond, (0.4, 1.5)), (chain, (0.3, 0.9))]
ARRAYS = [
    (elementwise, (np.array([0.5, -1.0, 2.0]), np.array([1.5, 0.25, -0.5]))),
    (broadcast, (np.array([[0.5], [-1.0], [2.0]]), np.array([1.5, 0.25, -0.5, 1.0]))),
    (broadcast, (np.array([0.5, -1.5]), np.array(0.75))),
    (indexing, (np.array([0.5, -1.0, 2.0]), np.array([[1.5, 0.25, 1.0], [-0.5, 1.0, 0.5], [2.0, -0.75, 1.5]]))),
]
LAYER = (
    np.array([[0.5, -1.0, 2.0], [0.3, 0.2, -0.1], [1.0, 0.0, 0.5], [-0.5, 1.5, 0.2]]),
    np.array([[1.0, -0.5], [0.25, 2.0], [-1.0, 0.5]]),
)


@pytest.mark.exercise("grad", points=1)
def test_grad_reproduces_listing_9_1(rm):
    def f(x1, x2):
        return book(rm, x1, x2)

    check_scalar(rm.grad(f)(1.0, 2.0), 0.4472135954999579, "grad(f)(1, 2)", rtol=0, atol=1e-12)
    check_scalar(rm.grad(f, 1)(1.0, 2.0), 0.8944271909999159, "grad(f, 1)(1, 2)", rtol=0, atol=1e-12)


@pytest.mark.exercise("grad", points=1)
@pytest.mark.parametrize("function,args", [*SCALAR, *ARRAYS], ids=[f.__name__ for f, _ in [*SCALAR, *ARRAYS]])
@pytest.mark.parametrize("argnum", [0, 1])
def test_grad_matches_autograd(rm, function, args, argnum):
    copies = snapshot(*args)
    result = rm.grad(lambda *a: function(rm, *a), argnum)(*args)
    check_unchanged(list(args), copies, "grad")
    check_close(
        result,
        expected_gradients(function, args, [argnum])[0],
        f"grad of {function.__doc__} with respect to argument {argnum}",
        rtol=1e-9,
        atol=1e-12,
    )


@pytest.mark.parametrize(
    "function,args",
    [
        pytest.param(*SCALAR[2], marks=pytest.mark.exercise("grad", points=1), id="diamond"),
        pytest.param(*ARRAYS[1], marks=pytest.mark.exercise("grad", points=1), id="broadcast"),
        pytest.param(layer, LAYER, marks=pytest.mark.exercise("dot", points=1), id="layer"),
    ],
)
def test_grad_with_a_tuple_of_argnums_evaluates_f_once(rm, function, args):
    calls = []

    def f(*a):
        calls.append(1)
        return function(rm, *a)

    result = rm.grad(f, (0, 1))(*args)
    if not isinstance(result, tuple) or len(result) != 2:
        fail("grad(f, (0, 1)) must return a tuple of two gradients")
    for index, (mine, expected) in enumerate(zip(result, expected_gradients(function, args, [0, 1]))):
        check_close(mine, expected, f"grad(f, (0, 1)) of {function.__doc__}: gradient {index}", rtol=1e-9, atol=1e-12)
    if len(calls) != 1:
        fail(f"grad: reverse mode needs one evaluation of f for all gradients, yours made {len(calls)}")


@pytest.mark.exercise("grad", points=1)
def test_grad_twice_and_on_other_points(rm):
    gradient = rm.grad(lambda x, y: diamond(rm, x, y), (1, 0))
    first = gradient(0.4, 1.5)
    other = gradient(-1.1, 0.3)
    again = gradient(0.4, 1.5)
    expected = expected_gradients(diamond, (0.4, 1.5), [1, 0])
    for name, result in [("first call", first), ("third call, same point", again)]:
        check_close(np.asarray(result, dtype=float), expected, f"grad(diamond, (1, 0)): {name}", rtol=1e-9)
    check_close(
        np.asarray(other, dtype=float),
        expected_gradients(diamond, (-1.1, 0.3), [1, 0]),
        "grad(diamond, (1, 0)) at a second point",
        rtol=1e-9,
    )


@pytest.mark.exercise("grad", points=1)
def test_grad_of_an_unused_argument_is_zero(rm):
    x, y = np.array([1.0, 2.0]), np.array([[0.5, -0.5], [1.0, 2.0]])
    check_close(
        rm.grad(lambda x, y: rm.sum(x * x), 1)(x, y),
        np.zeros((2, 2)),
        "grad with respect to an argument f does not use",
        rtol=0,
    )


# ---------------------------------------------------------------- dot


def weighted_dot(a, b):
    """The function sum(sin(a . b) * w) of ops, a, b, with fixed weights w shaped like a . b, so that every
    output element gets its own adjoint."""
    weights = np.cos(np.arange(1.0, np.dot(a, b).size + 1.0)).reshape(np.shape(np.dot(a, b)))

    def function(ops, a, b):
        return ops.sum(ops.sin(ops.dot(a, b)) * weights)

    return function


@pytest.mark.exercise("dot", points=1)
@pytest.mark.parametrize(
    "shape_a,shape_b", [((3, 4), (4, 2)), ((2, 5), (5,)), ((4,), (4, 3)), ((3,), (3,)), ((1, 3), (3, 1))], ids=str
)
def test_dot_gradients_match_autograd(rm, shape_a, shape_b):
    rng = np.random.default_rng(sum(shape_a) + 7 * sum(shape_b))
    a, b = rng.normal(size=shape_a), rng.normal(size=shape_b)
    copies = snapshot(a, b)
    function = weighted_dot(a, b)
    result = rm.grad(lambda a, b: function(rm, a, b), (0, 1))(a, b)
    check_unchanged([a, b], copies, "grad of dot")
    expected = expected_gradients(function, (a, b), [0, 1])
    check_close(result[0], expected[0], f"gradient of dot({shape_a}, {shape_b}) for the first factor", rtol=1e-9)
    check_close(result[1], expected[1], f"gradient of dot({shape_a}, {shape_b}) for the second factor", rtol=1e-9)


@pytest.mark.exercise("dot", points=1)
def test_matmul_operator_is_dot(rm):
    a, b = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]]), np.array([1.0, -2.0, 0.5])
    W = np.array([[1.0, 0.5], [-0.5, 2.0]])
    gradients = rm.grad(lambda a, b: rm.sum(rm.tanh(W @ (a @ b))), (0, 1))(a, b)
    expected = expected_gradients(lambda ops, a, b: ops.sum(ops.tanh(W @ (a @ b))), (a, b), [0, 1])
    check_close(gradients[0], expected[0], "gradient of sum(tanh(W @ (a @ b))) for a", rtol=1e-9)
    check_close(gradients[1], expected[1], "gradient of sum(tanh(W @ (a @ b))) for b", rtol=1e-9)


@pytest.mark.exercise("dot", points=1)
def test_dot_with_one_constant_factor(rm):
    W = np.array([[1.0, -2.0, 0.5], [0.25, 1.0, -1.0]])
    x = np.array([0.5, 1.5, -1.0])
    check_close(rm.dot(W, x), W @ x, "dot of two plain arrays", rtol=1e-12)
    function = weighted_dot(W, x)
    check_close(
        rm.grad(lambda x: function(rm, W, x))(x),
        expected_gradients(function, (W, x), [1])[0],
        "gradient of dot(W, x) with W constant",
        rtol=1e-9,
    )
    check_close(
        rm.grad(lambda W: function(rm, W, x))(W),
        expected_gradients(function, (W, x), [0])[0],
        "gradient of dot(W, x) with x constant",
        rtol=1e-9,
    )
