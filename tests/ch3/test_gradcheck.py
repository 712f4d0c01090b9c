"""Hidden suite for ch3/gradcheck.py.

The functions under test call back plain Python functions defined here
(``f``), so the same tests run in-process and through the isolated grader.
What is checked is what comes back: central (not forward) differences,
the step ``h`` honoured, ``x`` put back after each perturbation (seen
through the gradient of a function that couples the elements, and, in
process, on ``x`` itself), the array version as a vector-Jacobian product,
and CS231n's relative error.
"""

import autograd.numpy as anp
import numpy as np
import pytest

from grader.testing import autograd_vjp, check_close, check_scalar, check_unchanged, implementation_of, snapshot

gradcheck = implementation_of("ch3.gradcheck")

SHAPES = [(1,), (4,), (2, 3), (3, 1, 2)]


def smooth(v):
    """A scalar function whose gradient couples every element."""
    return anp.sum(anp.sin(v) * anp.arange(1, v.size + 1).reshape(v.shape)) + 0.1 * anp.sum(v) ** 2


def dyadic(rng, shape):
    """Values that are multiples of 1/8, so x +- h and x restored are exact for h = 2**-k."""
    return rng.integers(-16, 17, size=shape) / 8.0


def cubic_central(x, h):
    """(f(x+h) - f(x-h)) / 2h for f = x**3 is exactly 3x**2 + h**2 (forward differences add 3xh)."""
    return 3 * x**2 + h**2


# ---------------------------------------------------------------- eval_numerical_gradient


@pytest.mark.exercise("eval_numerical_gradient", points=1)
@pytest.mark.parametrize("shape", SHAPES)
def test_numerical_gradient_matches_autograd(gradcheck, shape):
    x = np.random.default_rng(200).normal(size=shape)
    grad = gradcheck.eval_numerical_gradient(lambda v: float(smooth(v)), x.copy())
    check_close(
        grad, autograd_vjp(smooth, [x], 0, 1.0), "eval_numerical_gradient of a smooth function", rtol=1e-6, atol=1e-7
    )


@pytest.mark.exercise("eval_numerical_gradient", points=1)
@pytest.mark.parametrize("h", [0.5, 0.125])
def test_numerical_gradient_is_central_and_uses_h(gradcheck, h):
    x = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -0.75]])
    grad = gradcheck.eval_numerical_gradient(lambda v: float(np.sum(v**3)), x.copy(), h=h)
    check_close(
        grad,
        cubic_central(x, h),
        f"eval_numerical_gradient of sum(x**3) with h={h} (central differences give 3x**2 + h**2)",
        rtol=1e-9,
    )


@pytest.mark.exercise("eval_numerical_gradient", points=1)
def test_numerical_gradient_small_h(gradcheck):
    x = np.array([0.3, -1.2, 2.0])
    grad = gradcheck.eval_numerical_gradient(lambda v: float(np.sum(v**3)), x.copy(), h=1e-3)
    check_close(grad, cubic_central(x, 1e-3), "eval_numerical_gradient of sum(x**3) with h=1e-3", rtol=1e-8)


@pytest.mark.exercise("eval_numerical_gradient", points=1)
def test_numerical_gradient_puts_each_element_back(gradcheck):
    # d/dx_i (sum x)**2 = 2 sum x for every i: wrong if an earlier element was left perturbed
    x = dyadic(np.random.default_rng(201), (3, 4))
    grad = gradcheck.eval_numerical_gradient(lambda v: float(np.sum(v) ** 2), x.copy(), h=2.0**-4)
    check_close(
        grad,
        np.full(x.shape, 2 * x.sum()),
        "eval_numerical_gradient of (sum x)**2: every element must be restored before the next one is perturbed",
        rtol=1e-9,
    )


@pytest.mark.exercise("eval_numerical_gradient", points=1)
def test_numerical_gradient_leaves_x_unchanged(gradcheck):
    x = dyadic(np.random.default_rng(202), (2, 5))
    copy = x.copy()
    gradcheck.eval_numerical_gradient(lambda v: float(np.sum(np.cos(v))), x, h=2.0**-6)
    check_close(x, copy, "eval_numerical_gradient must leave x as it found it; x", rtol=0, atol=0)


@pytest.mark.exercise("eval_numerical_gradient", points=1)
def test_numerical_gradient_verbose(gradcheck):
    x = np.array([0.5, -1.5])
    grad = gradcheck.eval_numerical_gradient(lambda v: float(np.sum(v**2)), x.copy(), verbose=True)
    check_close(grad, 2 * x, "eval_numerical_gradient with verbose=True", rtol=1e-8)


# ---------------------------------------------------------------- eval_numerical_gradient_array


def tanh_layer(w):
    return lambda v: anp.tanh(anp.dot(v, w))


@pytest.mark.exercise("eval_numerical_gradient_array", points=1)
@pytest.mark.parametrize("shape,width", [((1, 3), 2), ((3, 4), 2), ((2, 2), 5)])
def test_numerical_gradient_array_is_a_vjp(gradcheck, shape, width):
    rng = np.random.default_rng(210)
    x, w = rng.normal(size=shape), rng.normal(size=(shape[1], width))
    df = rng.normal(size=(shape[0], width))
    f = tanh_layer(w)
    expected = autograd_vjp(f, [x.copy()], 0, df.copy())
    grad = gradcheck.eval_numerical_gradient_array(lambda v: np.asarray(f(v)), x.copy(), df.copy())
    check_close(
        grad,
        expected,
        "eval_numerical_gradient_array against autograd's vector-Jacobian product",
        rtol=1e-6,
        atol=1e-8,
    )


@pytest.mark.exercise("eval_numerical_gradient_array", points=1)
@pytest.mark.parametrize("h", [0.5, 0.25])
def test_numerical_gradient_array_is_central_and_uses_h(gradcheck, h):
    rng = np.random.default_rng(211)
    x, df = dyadic(rng, (2, 3, 2)), rng.normal(size=(2, 3, 2))
    expected = cubic_central(x.copy(), h) * df
    grad = gradcheck.eval_numerical_gradient_array(lambda v: v**3, x.copy(), df.copy(), h=h)
    check_close(grad, expected, f"eval_numerical_gradient_array of x**3 with h={h}", rtol=1e-9)


@pytest.mark.exercise("eval_numerical_gradient_array", points=1)
def test_numerical_gradient_array_puts_each_element_back(gradcheck):
    rng = np.random.default_rng(212)
    x, df = dyadic(rng, (4, 2)), rng.normal(size=(4, 2))
    f = lambda v: anp.sum(v) * v  # noqa: E731  every output depends on every element
    expected = autograd_vjp(f, [x.copy()], 0, df.copy())
    grad = gradcheck.eval_numerical_gradient_array(lambda v: np.asarray(f(v)), x.copy(), df.copy(), h=2.0**-5)
    check_close(
        grad,
        expected,
        "eval_numerical_gradient_array: every element must be restored before the next one is perturbed",
        rtol=1e-9,
        atol=1e-12,
    )


@pytest.mark.exercise("eval_numerical_gradient_array", points=1)
def test_numerical_gradient_array_leaves_x_and_df_unchanged(gradcheck):
    rng = np.random.default_rng(213)
    x, df = dyadic(rng, (3, 3)), rng.normal(size=(3, 3))
    x_copy, df_copy = x.copy(), df.copy()
    gradcheck.eval_numerical_gradient_array(lambda v: np.exp(v), x, df, h=2.0**-7)
    check_close(x, x_copy, "eval_numerical_gradient_array must leave x as it found it; x", rtol=0, atol=0)
    check_close(df, df_copy, "eval_numerical_gradient_array must not modify df; df", rtol=0, atol=0)


@pytest.mark.exercise("eval_numerical_gradient_array", points=1)
def test_numerical_gradient_array_when_f_returns_a_view(gradcheck):
    # f(x) may share memory with x (a transpose, a slice): its value must be kept before x changes again
    rng = np.random.default_rng(214)
    x, df = rng.normal(size=(2, 3)), rng.normal(size=(3, 2))
    expected = df.T.copy()
    grad = gradcheck.eval_numerical_gradient_array(lambda v: v.T, x.copy(), df.copy())
    check_close(grad, expected, "eval_numerical_gradient_array of f(x) = x.T", rtol=1e-6, atol=1e-9)


# ---------------------------------------------------------------- rel_error


def cs231n_rel_error(x, y):
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


@pytest.mark.exercise("rel_error", points=0.5)
@pytest.mark.parametrize("x,y", [(1.0, 3.0), (-2.0, 2.0), (5.0, -1.0), (0.0, 0.0), (1e-9, 0.0), (-3.0, -3.0)])
def test_rel_error_of_numbers(gradcheck, x, y):
    check_scalar(gradcheck.rel_error(x, y), cs231n_rel_error(x, y), f"rel_error({x}, {y})", rtol=1e-12)


@pytest.mark.exercise("rel_error", points=0.5)
@pytest.mark.parametrize(
    "x,y",
    [
        ([1.0, 100.0], [2.0, 110.0]),
        ([3.0, 1.0], [1.0, 2.0]),
        ([1.0, 2.0], [3.0, 1.0]),
        ([-1.0, 2.0], [1.0, 2.0]),
        ([[0.0, -4.0], [2.0, 0.5]], [[0.0, -4.5], [2.5, -0.5]]),
    ],
)
def test_rel_error_of_arrays_is_the_largest_elementwise_ratio(gradcheck, x, y):
    x, y = np.array(x), np.array(y)
    copies, expected = snapshot(x, y), cs231n_rel_error(x.copy(), y.copy())
    check_scalar(gradcheck.rel_error(x, y), expected, "rel_error of arrays", rtol=1e-12)
    check_unchanged([x, y], copies, "rel_error")


@pytest.mark.exercise("rel_error", points=0.5)
@pytest.mark.parametrize("shape", [(1,), (5,), (3, 4), (2, 2, 3)])
def test_rel_error_of_random_arrays(gradcheck, shape):
    rng = np.random.default_rng(220)
    x = rng.normal(size=shape)
    y = x + 1e-3 * rng.normal(size=shape)
    x_copy, y_copy = x.copy(), y.copy()
    expected = cs231n_rel_error(x_copy, y_copy)
    check_scalar(gradcheck.rel_error(x, y), expected, "rel_error of random arrays", rtol=1e-10)
    check_scalar(gradcheck.rel_error(y, x), expected, "rel_error is symmetric", rtol=1e-10)
    check_close(x, x_copy, "rel_error must not modify its inputs; x", rtol=0, atol=0)
    check_close(y, y_copy, "rel_error must not modify its inputs; y", rtol=0, atol=0)
