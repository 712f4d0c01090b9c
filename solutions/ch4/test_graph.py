"""Public tests for graph.py: the book's listings 4-1 to 4-14, retold, and the ideas behind them.

Run them with `pytest exercises/ch4/test_graph.py`. Each test builds a small graph,
compiles it with `function` and checks the numbers the book prints (or, where the
book has a mistake, the true ones).
"""

import numpy as np
import pytest

from grader.testing import call_unchanged, numerical_gradient

from .graph import (
    MissingInputError,
    Op,
    RandomStreams,
    Variable,
    dmatrix,
    dot,
    dot_grad,
    dscalar,
    dvector,
    elemwise_grad,
    evaluate,
    exp,
    function,
    grad,
    ifelse,
    iscalar,
    log,
    lt,
    max,
    mean,
    nnet,
    reduce_grad,
    scan,
    shared,
    sum,
    switch,
    tanh,
    toposort,
    unbroadcast,
)

# sum, max and mean here are the graph's (the book's T.sum, T.max and T.mean): they build nodes.


def layered_graph(x, depth):
    """y <- 0.5 * y + 0.5 * y, ``depth`` times: every level uses the one below twice."""
    y = x
    for _ in range(depth):
        y = 0.5 * y + 0.5 * y
    return y


# ---------------------------------------------------------------- toposort


@pytest.mark.exercise("toposort")
def test_toposort_puts_inputs_before_the_nodes_that_use_them():
    a, b = dscalar("a"), dscalar("b")
    c = a * b
    d = c + a
    order = call_unchanged(toposort, [d])  # fails naming an input the call changed
    position = {id(node): i for i, node in enumerate(order)}
    assert {id(a), id(b), id(c), id(d)} <= set(position), "every node d depends on is listed"
    assert position[id(a)] < position[id(c)] < position[id(d)], "a before c = a * b before d = c + a"
    assert position[id(b)] < position[id(c)]


@pytest.mark.exercise("toposort")
def test_toposort_lists_a_reused_node_once():
    x = dscalar("x")
    order = toposort([layered_graph(x, 12)])
    assert len(order) == len({id(node) for node in order}), "a node used twice (x * x, diamonds) is listed once"
    assert len(order) < 100, "12 levels of 0.5 * y + 0.5 * y have 5 nodes each: remember the nodes already visited"


# ---------------------------------------------------------------- evaluate


@pytest.mark.exercise("evaluate")
def test_evaluate_computes_the_outputs_from_the_inputs():
    a, b = dscalar("a"), dscalar("b")
    total, product = a + b, a * b
    values = call_unchanged(evaluate, [total, product], {a: np.array(3.0), b: np.array(4.0)})
    assert [float(v) for v in values] == [7.0, 12.0]


@pytest.mark.exercise("evaluate")
def test_evaluate_reads_shared_values_and_complains_of_missing_inputs():
    w = shared(np.array([1.0, 2.0]))
    x = dvector("x")
    assert np.allclose(evaluate([w * 3], {})[0], [3.0, 6.0])
    with pytest.raises(MissingInputError):
        evaluate([w * x], {})


class CountingIdentity(Op):
    """An op that returns its input and counts how often it is computed."""

    def __init__(self):
        self.calls = 0

    def perform(self, value):
        self.calls += 1
        return value


@pytest.mark.exercise("evaluate")
def test_each_node_of_a_deep_graph_is_computed_once():
    x, counter = dscalar("x"), CountingIdentity()
    y = x
    for _ in range(12):
        y = counter(y)
        y = 0.5 * y + 0.5 * y
    (value,) = evaluate([y], {x: np.array(3.0)})
    assert value == 3.0, "0.5 * y + 0.5 * y = y at every level"
    assert counter.calls == 12, f"12 counting nodes were computed {counter.calls} times: compute each node once"


# ---------------------------------------------------------------- Function


@pytest.mark.exercise("Function")
def test_listing_4_1_scalars():
    a, b, c, d, e = (dscalar(name) for name in "abcde")
    g = function([a, b, c, d, e], ((a - b + c) * d) / e)
    assert g(1, 2, 3, 4, 5) == pytest.approx(1.6), "((1 - 2 + 3) * 4) / 5 = 1.6"


@pytest.mark.exercise("Function")
def test_listings_4_2_and_4_3_matrices_and_scalars():
    a, b, c, d = (dmatrix(name) for name in "abcd")
    p, q, r, s, u = (dscalar(name) for name in "pqrsu")
    ones = np.ones((2, 2), dtype=int)
    f = function([a, b, c, d], (a + b - c) * d)
    np.testing.assert_array_equal(f(ones, 2 * ones, 5 * ones, 3 * ones), np.full((2, 2), -6.0))
    e = (((a * p) + (b - q) - (c + r)) * d / s) * u
    f = function([a, b, c, d, p, q, r, s, u], e)
    out = f(ones, 2 * ones, 5 * ones, 3 * ones, 1, 2, 3, 4, 5)
    assert out.dtype == np.float64, "int arrays given to a dmatrix are cast to float64"
    np.testing.assert_array_equal(out, np.full((2, 2), -26.25))


@pytest.mark.exercise("Function")
def test_listing_4_5_shared_value_read_at_call_time():
    x = dmatrix("x")
    y = shared(np.array([[4, 5, 6]]))
    f = function(inputs=[x], outputs=[x + y])
    (first,) = f([[1, 2, 3]])
    np.testing.assert_array_equal(first, [[5.0, 7.0, 9.0]])
    y.set_value(np.array([[5, 6, 7]]))
    assert y.get_value().dtype.kind == "i", "get_value keeps the int dtype"
    (second,) = f([[1, 2, 3]])
    np.testing.assert_array_equal(second, [[6.0, 8.0, 10.0]], err_msg="the function reads y when called, not compiled")


@pytest.mark.exercise("Function")
def test_listing_4_8_regularisers():
    a = dmatrix("a")
    assert function([a], sum(abs(a)))([[0, 1, 3]]) == 4.0, "L1: |0| + |1| + |3|"
    assert function([a], sum(a**2))([[0, 1, 3]]) == 10.0, "L2: 0 + 1 + 9"


@pytest.mark.exercise("Function")
def test_updates_use_the_old_values_and_come_after_the_outputs():
    a, b = shared(1.0), shared(10.0)
    swap = function([], [a, b], updates=[(a, b), (b, a)])
    before = swap()
    assert [float(v) for v in before] == [1.0, 10.0], "the outputs are the values of before the updates"
    assert (float(a.get_value()), float(b.get_value())) == (10.0, 1.0), "both updates read the old values: a swap"


@pytest.mark.exercise("Function")
def test_givens_replace_a_variable_and_inputs_are_checked():
    x, y = dscalar("x"), dscalar("y")
    f = function([x], x * y, givens=[(y, x + 1)])
    assert f(3.0) == 12.0, "y is replaced by x + 1: 3 * 4"
    with pytest.raises(TypeError):
        function([dmatrix("m")], x)(np.ones(3))  # a vector given for a matrix input


# ---------------------------------------------------------------- unbroadcast


@pytest.mark.exercise("unbroadcast")
def test_unbroadcast_sums_the_copies_that_broadcasting_made():
    g = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(call_unchanged(unbroadcast, g, (2, 3)), g)
    np.testing.assert_array_equal(unbroadcast(g, (3,)), [3.0, 5.0, 7.0])
    np.testing.assert_array_equal(unbroadcast(g, (1, 3)), [[3.0, 5.0, 7.0]])
    np.testing.assert_array_equal(unbroadcast(g, (2, 1)), [[3.0], [12.0]])
    assert unbroadcast(g, ()) == 15.0


# ---------------------------------------------------------------- gradient rules


@pytest.mark.exercise("elemwise_grad")
def test_mul_gradient_with_a_broadcast_row():
    x, row, g = dmatrix("x"), dmatrix("row"), dmatrix("g")
    out = x * row
    gx, grow = call_unchanged(elemwise_grad, "mul", [x, row], out, g)
    xv, rv, gv = np.arange(6.0).reshape(2, 3), np.array([[1.0, 2.0, 3.0]]), np.ones((2, 3))
    gxv, grv = call_unchanged(function([x, row, g], [gx, grow]), xv, rv, gv)
    np.testing.assert_allclose(gxv, gv * rv, err_msg="d(x * row)/dx = g * row")
    np.testing.assert_allclose(grv, [[3.0, 5.0, 7.0]], err_msg="row was used by both rows of x: sum g * x over them")


@pytest.mark.exercise("elemwise_grad")
def test_exp_and_tanh_gradients_reuse_the_output():
    x, g = dvector("x"), dvector("g")
    xv = np.array([-1.0, 0.0, 2.0])
    (gexp,) = elemwise_grad("exp", [x], exp(x), g)
    (gtanh,) = elemwise_grad("tanh", [x], tanh(x), g)
    values = function([x, g], [gexp, gtanh])(xv, np.ones(3))
    np.testing.assert_allclose(values[0], np.exp(xv))
    np.testing.assert_allclose(values[1], 1 - np.tanh(xv) ** 2)


@pytest.mark.exercise("reduce_grad")
def test_sum_and_max_gradients():
    x, g = dmatrix("x"), dvector("g")
    xv = np.array([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    (gsum,) = reduce_grad("sum", 1, x, x.sum(axis=1), g)
    (gmax,) = reduce_grad("max", 1, x, x.max(axis=1), g)
    gsv, gmv = call_unchanged(function([x, g], [gsum, gmax]), xv, np.array([1.0, 2.0]))  # fails naming a changed input
    np.testing.assert_array_equal(gsv, [[1, 1, 1], [2, 2, 2]], err_msg="each row's g reaches every element of the row")
    np.testing.assert_array_equal(gmv, [[0, 1, 0], [2, 0, 0]], err_msg="only each row's largest element gets g")


@pytest.mark.exercise("dot_grad")
def test_dot_gradients_of_matrix_times_vector():
    a, b, g = dmatrix("a"), dvector("b"), dvector("g")
    ga, gb = dot_grad(a, b, g)
    av, bv, gv = np.arange(6.0).reshape(2, 3), np.array([1.0, -1.0, 2.0]), np.array([1.0, 10.0])
    gav, gbv = call_unchanged(function([a, b, g], [ga, gb]), av, bv, gv)  # fails naming a changed input
    np.testing.assert_allclose(gav, np.outer(gv, bv), err_msg="d(a.b)/da = outer(g, b)")
    np.testing.assert_allclose(gbv, av.T @ gv, err_msg="d(a.b)/db = a.T g")


# ---------------------------------------------------------------- grad


@pytest.mark.exercise("grad")
def test_listing_4_6_gradient_follows_the_shared_value():
    x = dmatrix("x")
    y = shared(np.array([[4, 5, 6]]))
    z = sum(((x * x) + y) * x)
    f, g_f = function([x], [z]), function([x], grad(z, [x]))
    assert float(f([[1, 2, 3]])[0]) == 68.0
    np.testing.assert_array_equal(g_f([[1, 2, 3]])[0], [[7.0, 17.0, 33.0]], err_msg="dz/dx = 3 x**2 + y")
    y.set_value(np.array([[1, 1, 1]]))
    assert float(f([[1, 2, 3]])[0]) == 42.0
    np.testing.assert_array_equal(g_f([[1, 2, 3]])[0], [[4.0, 13.0, 28.0]])


@pytest.mark.exercise("grad")
def test_a_node_used_twice_gets_both_contributions():
    x = dscalar("x")
    assert function([x], grad(x * x, x))(3.0) == 6.0, "d(x * x)/dx = x + x, not x"


@pytest.mark.exercise("grad")
def test_grad_builds_a_graph_that_can_be_differentiated_again():
    x = dscalar("x")
    first = grad(2 * x**3 + x**2, x)
    assert isinstance(first, Variable), "grad returns graph nodes, not numbers"
    assert [float(function([x], first)(v)) for v in (1.0, 2.0)] == [8.0, 28.0], "6 x**2 + 2 x"
    assert function([x], grad(grad(x**3, x), x))(2.0) == 12.0, "the second derivative of x**3 is 6 x"


@pytest.mark.exercise("grad")
def test_grad_of_a_deep_graph_stays_small():
    x = dscalar("x")
    dy = grad(layered_graph(x, 12), x)
    assert function([x], dy)(3.0) == 1.0
    assert len(toposort([dy])) < 300, "the gradient graph grows with the number of nodes, not of paths"


@pytest.mark.exercise("grad")
def test_grad_matches_central_differences_on_logistic_regression():
    rng = np.random.default_rng(0)
    X, labels = rng.normal(size=(8, 3)), rng.integers(0, 2, size=8).astype(float)
    x, y, w = dmatrix("x"), dvector("y"), dvector("w")
    p = 1 / (1 + exp(-dot(x, w)))
    loss = mean(-(y * log(p) + (1 - y) * log(1 - p)))
    loss_of, grad_of = function([x, y, w], loss), function([x, y, w], grad(loss, w))
    w0 = rng.normal(size=3)
    np.testing.assert_allclose(
        grad_of(X, labels, w0), numerical_gradient(lambda v: loss_of(X, labels, v), w0), rtol=1e-6
    )


@pytest.mark.exercise("grad")
def test_listing_4_10_logistic_regression_learns():
    rng = np.random.default_rng(1)
    X, labels = rng.normal(size=(200, 10)), rng.integers(0, 2, size=200)
    x, y = dmatrix("x"), dvector("y")
    w, b = shared(rng.normal(size=10), name="w"), shared(0.0, name="b")
    p = 1 / (1 + exp(-dot(x, w) - b))
    loss = mean(-(y * log(p) + (1 - y) * log(1 - p))) + 0.01 * sum(w**2)
    gw, gb = call_unchanged(grad, loss, [w, b])
    assert gb.ndim == 0, "b is a scalar: its gradient is summed over the examples"
    train = function([x, y], loss, updates=[(w, w - 0.1 * gw), (b, b - 0.1 * gb)])
    losses = [float(train(X, labels)) for _ in range(100)]
    assert losses[-1] < 0.8 * losses[0], "100 gradient steps lower the training loss"


# ---------------------------------------------------------------- nnet


@pytest.mark.exercise("Activation")
def test_listing_4_4_activations():
    row = [[-1, 0, 1]]
    expected = {
        "sigmoid": [0.26894142, 0.5, 0.73105858],
        "ultra_fast_sigmoid": [0.25, 0.5, 0.75],
        "softplus": [0.31326169, 0.69314718, 1.31326169],
        "relu": [0.0, 0.0, 1.0],
        "softmax": [0.09003057, 0.24472847, 0.66524096],
    }
    for name, values in expected.items():
        a = dmatrix("a")
        (out,) = function([a], [getattr(nnet, name)(a)])(row)
        np.testing.assert_allclose(out, [values], atol=1e-8, err_msg=name)


@pytest.mark.exercise("Activation")
def test_sigmoid_does_not_overflow_and_activations_have_gradients():
    a = dvector("a")
    big = np.array([-800.0, 800.0])
    np.testing.assert_array_equal(function([a], nnet.sigmoid(a))(big), [0.0, 1.0])
    np.testing.assert_allclose(function([a], nnet.softplus(a))(big), [0.0, 800.0])
    av = np.array([-2.5, -0.4, 0.3, 4.0])
    for name in ("sigmoid", "ultra_fast_sigmoid", "softplus", "relu", "softmax"):
        out = getattr(nnet, name)(a)
        weights = np.array([1.0, -2.0, 0.5, 3.0])
        cost = sum(out * weights)
        f, df = function([a], cost), function([a], grad(cost, a))
        np.testing.assert_allclose(
            call_unchanged(df, av), numerical_gradient(f, av), rtol=1e-6, atol=1e-9, err_msg=name
        )


@pytest.mark.exercise("binary_crossentropy")
def test_listing_4_7_binary_crossentropy():
    a1, a2 = dmatrix("a1"), dmatrix("a2")
    f = function([a1, a2], [nnet.binary_crossentropy(a1, a2).mean()])
    (value,) = f([[0.01, 0.01, 0.01]], [[0.99, 0.99, 0.01]])
    assert float(value) == pytest.approx(3.058146503109446, rel=1e-12), "the book prints 3.058146503109446"


@pytest.mark.exercise("binary_crossentropy")
def test_binary_crossentropy_of_a_saturated_sigmoid_is_finite():
    z, y = dvector("z"), dvector("y")
    loss = nnet.binary_crossentropy(nnet.sigmoid(z), y).sum()
    value, slope = call_unchanged(function([z, y], [loss, grad(loss, z)]), [40.0, -40.0], [0.0, 1.0])
    assert value == pytest.approx(80.0), "sigmoid(40) is 1.0 in float64, yet the loss is softplus(40) + softplus(40)"
    np.testing.assert_allclose(slope, [1.0, -1.0], err_msg="d/dz = sigmoid(z) - y")


@pytest.mark.exercise("binary_crossentropy")
def test_listing_4_12_two_layers_with_a_sigmoid_output_learn():
    rng = np.random.default_rng(2)
    X, labels = rng.normal(size=(200, 10)), rng.integers(0, 2, size=200)
    x, y = dmatrix("x"), dvector("y")
    w1, b1 = shared(rng.normal(size=(10, 5))), shared(np.zeros(5))
    w2, b2 = shared(rng.normal(size=5)), shared(0.0)
    p2 = nnet.sigmoid(dot(tanh(dot(x, w1) + b1), w2) + b2)
    loss = nnet.binary_crossentropy(p2, y).mean() + 0.01 * (sum(w1**2) + sum(w2**2))
    params = [w1, b1, w2, b2]
    train = function([x, y], loss, updates=[(v, v - 0.1 * d) for v, d in zip(params, grad(loss, params))])
    losses = [float(train(X, labels)) for _ in range(100)]
    assert np.isfinite(losses).all(), "a sigmoid output keeps p in (0, 1): no nan (the book's tanh output gives nan)"
    assert losses[-1] < losses[0]


@pytest.mark.exercise("categorical_crossentropy")
def test_listing_4_7_categorical_crossentropy_and_squared_error():
    b1, b2 = dmatrix("b1"), dmatrix("b2")
    cross_entropy = function([b1, b2], [nnet.categorical_crossentropy(b1, b2)])
    (cce,) = call_unchanged(cross_entropy, [[0.01, 0.01, 0.01]], [[0.99, 0.99, 0.01]])  # fails naming a changed input
    np.testing.assert_allclose(cce, [9.16428867], rtol=1e-8, err_msg="one cross-entropy per row: -(1.99 log 0.01)")
    (squared,) = function([b1, b2], [(b1 - b2) ** 2])([[0.01, 0.01, 0.01]], [[0.99, 0.99, 0.01]])
    np.testing.assert_allclose(squared, [[0.9604, 0.9604, 0.0]], err_msg="the book's 9.164 here is a copy error")


# ---------------------------------------------------------------- control flow and randomness


@pytest.mark.exercise("IfElse")
def test_listing_4_13_hinge_three_ways():
    x, y = dscalar("x"), dscalar("y")
    hinges = [
        max([0 * x, 1 - x * y]),
        ifelse(lt(1 - x * y, 0), 0 * x, 1 - x * y),
        switch(lt(1 - x * y, 0), 0 * x, 1 - x * y),
    ]
    functions = [function([x, y], h) for h in hinges]
    for value, expected in zip([-2, -1, 0, 1, 2], [3.0, 2.0, 1.0, 0.0, 0.0]):
        assert [float(f(value, 1)) for f in functions] == [expected] * 3, f"hinge at x = {value}, y = 1"


@pytest.mark.exercise("IfElse")
def test_switch_gradient_goes_to_the_chosen_branch():
    x = dvector("x")
    cost = sum(switch(lt(x, 0), -x, x * x))
    np.testing.assert_array_equal(call_unchanged(function([x], grad(cost, x)), [-3.0, 2.0]), [-1.0, 4.0])


@pytest.mark.exercise("Scan")
def test_listing_4_14_power_by_scan():
    k, a = iscalar("k"), dscalar("a")
    result, updates = scan(fn=lambda prior, a: prior * a, outputs_info=a, non_sequences=a, n_steps=k - 1)
    a_pow_k = function(inputs=[a, k], outputs=result[-1], updates=updates)
    assert a_pow_k(2, 5) == 32.0 and a_pow_k(2, 5) == 32.0, "2 ** 5, twice"
    np.testing.assert_array_equal(function([a, k], result)(3, 4), [9.0, 27.0, 81.0], err_msg="every step's result")


@pytest.mark.exercise("RandomStreams")
def test_listing_4_9_random_streams():
    random = RandomStreams(seed=42)
    b = dmatrix("b")
    g1 = function([b], random.normal((1, 3)) * b)
    draws = [call_unchanged(g1, np.ones((1, 3))) for _ in range(3)]  # fails naming a changed input
    book = [
        [1.25614218, -0.53793023, -0.10434045],
        [0.66992188, -0.70813926, 0.99601177],
        [0.0724739, -0.66508406, 0.93707751],
    ]
    for draw, printed in zip(draws, book):
        np.testing.assert_allclose(
            draw, [printed], atol=1e-8, err_msg="a new draw on every call; seed 42 gives the book's"
        )


@pytest.mark.exercise("Function")
def test_compiled_functions_leave_their_inputs_and_the_values_given_to_shared_alone():
    value = np.array([1.0, 2.0])
    w, x = shared(value), dvector("x")
    step = function([x], w * x, updates=[(w, w + x)])
    call_unchanged(step, np.array([0.5, 0.5]))  # fails naming the input the call changed
    assert np.array_equal(w.get_value(), [1.5, 2.5]), "the update reached the shared variable"
    assert np.array_equal(value, [1.0, 2.0]), (
        "shared keeps its own copy: an update never reaches the array it was given"
    )
