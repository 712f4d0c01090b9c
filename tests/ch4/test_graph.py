"""Hidden suite for ch4/graph.py.

Graphs are built only with the module's functions (``add``, ``mul``, ``dot``,
...), never with Python operators, and results are compared as numbers: the
same tests run in-process and against an isolated worker, where the student's
variables stay behind handles. Nodes are told apart by the names the tests
give them.

Evaluation and gradients are compared with the reference and with autograd on
graphs with broadcast rows and scalars, dot at every rank, softmax, log and
exp; second derivatives; reuse and diamonds; deep graphs whose number of paths
explodes (their cost must grow with the number of nodes: measured as a
generous ratio between two depths before a 60-level graph runs); updates,
givens and shared values read at call time; the book's listings on new data.
"""

import time

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

from grader.testing import autograd_vjp, check_close, check_scalar, fail, implementation_of, reference

graph = implementation_of("ch4.graph")
ref = reference("ch4.graph")

INPUTS = {0: "dscalar", 1: "dvector", 2: "dmatrix"}


class AutogradOps:
    """The graph module's functions, for autograd: expressions written once run on both."""

    add, sub, mul, true_div, pow, maximum = anp.add, anp.subtract, anp.multiply, anp.true_divide, anp.power, anp.maximum
    neg, exp, log, tanh, sqrt, abs, dot = anp.negative, anp.exp, anp.log, anp.tanh, anp.sqrt, anp.abs, anp.dot

    @staticmethod
    def sum(x, axis=None):
        return anp.sum(x, axis=axis)

    @staticmethod
    def mean(x, axis=None):
        return anp.mean(x, axis=axis)

    @staticmethod
    def sigmoid(x):
        return 0.5 * (anp.tanh(x / 2) + 1)

    @staticmethod
    def softplus(x):
        return anp.logaddexp(0.0, x)

    @staticmethod
    def relu(x):
        return anp.maximum(x, 0.0)

    @staticmethod
    def softmax(x):
        e = anp.exp(x - anp.max(x, axis=-1, keepdims=True))
        return e / anp.sum(e, axis=-1, keepdims=True)


def symbolic_inputs(module, shapes):
    return [getattr(module, INPUTS[len(shape)])(f"v{index}") for index, shape in enumerate(shapes)]


def check_against_autograd(module, expression, values, what, rtol=1e-7):
    """Cost and grad of ``expression(ops, *inputs)`` (a scalar) against autograd, on ``values``."""
    variables = symbolic_inputs(module, [np.shape(v) for v in values])
    cost = expression(module, *variables)
    grads = module.grad(cost, variables)
    if not isinstance(grads, list) or len(grads) != len(values):
        fail(f"{what}: grad(cost, [list of {len(values)} variables]) must return a list of {len(values)}")
    results = module.function(variables, [cost, *grads])(*values)
    expected_cost = expression(AutogradOps, *values)
    check_scalar(results[0], expected_cost, f"{what}: cost", rtol=rtol)
    for index, value in enumerate(values):

        def of_one(v, index=index):
            args = list(values)
            args[index] = v
            return expression(AutogradOps, *args)

        expected = autograd.grad(of_one)(np.asarray(value, dtype=float))
        check_close(
            results[1 + index], expected, f"{what}: gradient of input {index + 1} (shape {np.shape(value)})", rtol=rtol
        )


def layers(module, x, depth):
    """y <- 0.5 * y + 0.5 * y, ``depth`` times (2 ** depth paths from the top to x)."""
    y = x
    for _ in range(depth):
        y = module.add(module.mul(0.5, y), module.mul(0.5, y))
    return y


def seconds(call):
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def check_cost_grows_with_nodes(run, what, small=9, large=18):
    """``run(depth)`` on the layered graph: more levels add nodes in proportion, but multiply the paths.

    The large graph runs again (three times at most) only while it looks too slow: a busy machine.
    """
    t_small = np.min([seconds(lambda: run(small)) for _ in range(3)])
    for _ in range(3):
        t_large = seconds(lambda: run(large))
        if t_large < 8 * t_small or t_large < 0.05:
            return
    fail(
        f"{what}: {large} levels take {t_large / t_small:.0f} times as long as {small} levels; each node must "
        "be handled once, not once per path to it"
    )


def names(nodes):
    return [node.name for node in nodes]


def named(module, op, *args, name):
    node = getattr(module, op)(*args)
    node.name = name
    return node


# ---------------------------------------------------------------- toposort


def diamond(module):
    x = module.dscalar("x")
    a = named(module, "mul", x, x, name="a")
    b = named(module, "exp", x, name="b")
    c = named(module, "add", a, b, name="c")
    d = named(module, "mul", c, a, name="d")
    return x, a, b, c, d


@pytest.mark.exercise("toposort", points=2)
def test_toposort_orders_a_diamond(graph):
    x, a, b, c, d = diamond(graph)
    order = graph.toposort([d])
    listed = [n for n in names(order) if n is not None]
    if sorted(listed) != ["a", "b", "c", "d", "x"]:
        fail(f"toposort of a diamond with nodes x, a, b, c, d listed {sorted(listed)}: each node once")
    position = {n: i for i, n in enumerate(listed)}
    for before, after in [("x", "a"), ("x", "b"), ("a", "c"), ("b", "c"), ("c", "d"), ("a", "d")]:
        if position[before] > position[after]:
            fail(f"toposort: {after} uses {before}, so {before} must come first")


@pytest.mark.exercise("toposort", points=1)
def test_toposort_of_several_outputs_lists_shared_parts_once(graph):
    x, a, b, c, d = diamond(graph)
    e = named(graph, "tanh", b, name="e")
    listed = [n for n in names(graph.toposort([e, d, a])) if n is not None]
    if sorted(listed) != ["a", "b", "c", "d", "e", "x"]:
        fail(f"toposort([e, d, a]) listed {sorted(listed)}: every node the outputs need, each once")


@pytest.mark.exercise("toposort", points=2)
def test_toposort_lists_each_node_of_a_layered_graph_once(graph):
    x = graph.dscalar("x")
    order = graph.toposort([layers(graph, x, 12)])
    if len(order) > 12 * 5 + 1:
        fail(
            f"toposort of 12 levels of 0.5 * y + 0.5 * y (61 nodes) gave {len(order)} entries: "
            "remember the nodes already visited"
        )


@pytest.mark.exercise("toposort", points=1)
def test_toposort_time_grows_with_nodes_not_paths(graph):
    graphs = {depth: layers(graph, graph.dscalar("x"), depth) for depth in (9, 18)}
    check_cost_grows_with_nodes(lambda depth: graph.toposort([graphs[depth]]), "toposort")


# ---------------------------------------------------------------- evaluate


@pytest.mark.exercise("evaluate", points=1)
def test_evaluate_constants_and_shared(graph):
    rng = np.random.default_rng(10)
    wv, vv = rng.normal(size=(3, 4)), rng.normal(size=4)
    w, v = graph.shared(wv), graph.shared(vv)
    out = graph.evaluate([graph.add(graph.mul(w, 2.0), v), graph.exp(v), w], {})
    if not isinstance(out, list) or len(out) != 3:
        fail("evaluate(outputs, values) must return a list with one value per output")
    check_close(out[0], 2 * wv + vv, "evaluate: 2 * w + v")
    check_close(out[1], np.exp(vv), "evaluate: exp(v)")
    check_close(out[2], wv, "evaluate: a shared variable as an output")


@pytest.mark.exercise("evaluate", points=1)
def test_evaluate_reads_shared_values_when_called(graph):
    w = graph.shared(np.array([1.0, 2.0]))
    out = graph.sum(graph.mul(w, w))
    check_scalar(graph.evaluate([out], {})[0], 5.0, "evaluate: sum(w * w)")
    w.set_value(np.array([3.0, 0.0]))
    check_scalar(graph.evaluate([out], {})[0], 9.0, "evaluate after w.set_value: sum(w * w)")


@pytest.mark.exercise("evaluate", points=1)
def test_evaluate_refuses_a_missing_input(graph):
    x = graph.dvector("x")
    try:
        value = graph.evaluate([graph.mul(x, 2.0)], {})
    except NotImplementedError:
        raise
    except Exception:
        return
    fail(f"evaluate: an input without a value must raise MissingInputError, got {value!r}")


@pytest.mark.exercise("evaluate", points=2)
def test_evaluate_time_grows_with_nodes_not_paths(graph):
    graphs = {depth: layers(graph, graph.shared(3.0), depth) for depth in (9, 18)}
    check_cost_grows_with_nodes(lambda depth: graph.evaluate([graphs[depth]], {}), "evaluate")
    check_scalar(graph.evaluate([layers(graph, graph.shared(3.0), 60)], {})[0], 3.0, "evaluate: 60 levels")


# ---------------------------------------------------------------- Function


@pytest.mark.exercise("Function", points=1)
@pytest.mark.parametrize("seed", [0, 1])
def test_function_of_scalars_and_matrices(graph, seed):
    rng = np.random.default_rng(20 + seed)
    a, b, c = graph.dmatrix("a"), graph.dmatrix("b"), graph.dmatrix("c")
    p, q = graph.dscalar("p"), graph.dscalar("q")
    e = graph.true_div(graph.mul(graph.sub(graph.add(graph.mul(a, p), b), graph.add(c, q)), a), q)
    av, bv, cv = (rng.normal(size=(3, 2)) for _ in range(3))
    pv, qv = 1.5, -0.7
    out = graph.function([a, b, c, p, q], e)(av, bv, cv, pv, qv)
    check_close(out, ((av * pv + bv) - (cv + qv)) * av / qv, "function: ((a * p + b) - (c + q)) * a / q")


@pytest.mark.exercise("Function", points=1)
def test_function_casts_int_values_and_checks_ndim(graph):
    a, k = graph.dmatrix("a"), graph.iscalar("k")
    f = graph.function([a, k], graph.mul(a, k))
    out = f(np.array([[1, 2], [3, 4]]), 3)
    if np.asarray(out).dtype != np.float64:
        fail(f"function: int values given to a dmatrix are cast to float64, got {np.asarray(out).dtype}")
    check_close(out, [[3, 6], [9, 12]], "function: a * k")
    for bad in ([(np.ones(3), 2)], [(np.ones((2, 2)), 2.5)]):
        try:
            f(*bad[0])
        except NotImplementedError:
            raise
        except TypeError:
            continue
        fail("function: a vector for a matrix input, or 2.5 for an int input, must raise TypeError")


@pytest.mark.exercise("Function", points=1)
def test_function_returns_one_value_or_a_list(graph):
    x = graph.dvector("x")
    single = graph.function([x], graph.mul(x, 2.0))(np.array([1.0, 2.0]))
    check_close(single, [2.0, 4.0], "function([x], out): one array")
    several = graph.function([x], [graph.mul(x, 2.0), graph.sum(x)])(np.array([1.0, 2.0]))
    if not isinstance(several, list) or len(several) != 2:
        fail("function([x], [out1, out2]) must return a list of two values")
    check_scalar(several[1], 3.0, "function: second output")
    one_in_list = graph.function([x], [graph.sum(x)])(np.array([1.0, 2.0]))
    if not isinstance(one_in_list, list) or len(one_in_list) != 1:
        fail("function([x], [out]) must return a list of one value (as in the book's listing 4-5)")


@pytest.mark.exercise("Function", points=2)
def test_function_reads_shared_values_at_call_time(graph):
    x = graph.dmatrix("x")
    y = graph.shared(np.array([[4, 5, 6]]))
    f = graph.function([x], graph.add(x, y))
    check_close(f([[1, 2, 3]]), [[5, 7, 9]], "listing 4-5: x + y")
    y.set_value(np.array([[5, 6, 7]]))
    check_close(f([[1, 2, 3]]), [[6, 8, 10]], "listing 4-5 after y.set_value: the function must read y when called")


@pytest.mark.exercise("Function", points=2)
def test_updates_are_simultaneous(graph):
    a, b = graph.shared(1.0), graph.shared(10.0)
    swap = graph.function([], [a, b], updates=[(a, b), (b, a)])
    check_close(swap(), [1.0, 10.0], "function with updates: outputs are computed before the updates")
    check_close([a.get_value(), b.get_value()], [10.0, 1.0], "updates (a, b), (b, a): both read the old values")
    swap()
    check_close([a.get_value(), b.get_value()], [1.0, 10.0], "a second swap")


@pytest.mark.exercise("Function", points=2)
def test_counter_and_accumulator_updates(graph):
    x = graph.dscalar("x")
    count, total = graph.shared(0.0), graph.shared(0.0)
    f = graph.function([x], graph.add(total, x), updates=[(total, graph.add(total, x)), (count, graph.add(count, 1.0))])
    results = [f(v) for v in (2.0, 3.0, 5.0)]
    check_close(results, [2.0, 5.0, 10.0], "function: output total + x, each call with the total before the call")
    check_close([count.get_value(), total.get_value()], [3.0, 10.0], "updates after three calls")


@pytest.mark.exercise("Function", points=1)
def test_updates_as_tuples_and_as_an_empty_dict(graph):
    w = graph.shared(np.array([1.0, 2.0]))
    graph.function([], [], updates=((w, graph.mul(w, 2.0)),))()
    check_close(w.get_value(), [2.0, 4.0], "function with updates ((w, 2 w),): w doubles")
    check_close(graph.function([], w, updates={})(), [2.0, 4.0], "function with updates={} (what scan returns)")


@pytest.mark.exercise("Function", points=2)
def test_givens_replace_inputs_and_shared(graph):
    x, y = graph.dscalar("x"), graph.dscalar("y")
    s = graph.shared(100.0)
    out = graph.add(graph.mul(x, y), s)
    f = graph.function([x], out, givens=[(y, graph.add(x, 1.0)), (s, graph.mul(x, 10.0))])
    check_scalar(f(3.0), 3.0 * 4.0 + 30.0, "givens: y -> x + 1 and s -> 10 x in x * y + s")
    check_scalar(s.get_value(), 100.0, "givens leave the shared variable's own value alone")


# ---------------------------------------------------------------- unbroadcast


@pytest.mark.exercise("unbroadcast", points=0.5)
@pytest.mark.parametrize(
    "big,small",
    [
        ((4, 3), (4, 3)),
        ((4, 3), (3,)),
        ((4, 3), (1, 3)),
        ((4, 3), (4, 1)),
        ((4, 3), ()),
        ((2, 4, 3), (4, 1)),
        ((2, 4, 3), (1, 1, 3)),
        ((5,), (1,)),
        ((1, 3), (1, 3)),
        ((3, 2, 3), (3, 1, 1)),
    ],
)
def test_unbroadcast_against_reference(graph, big, small):
    value = np.random.default_rng(30).normal(size=big)
    copy = value.copy()
    out = graph.unbroadcast(value, small)
    check_close(out, ref.unbroadcast(value, small), f"unbroadcast from {value.shape} to {small}")
    check_close(value, copy, "unbroadcast must leave its input unchanged")


# ---------------------------------------------------------------- elemwise_grad

ELEMWISE_CASES = [
    ("add", 2),
    ("sub", 2),
    ("mul", 2),
    ("true_div", 2),
    ("pow", 2),
    ("maximum", 2),
    ("neg", 1),
    ("exp", 1),
    ("log", 1),
    ("tanh", 1),
    ("sqrt", 1),
    ("abs", 1),
]
BROADCASTS = [((3, 4), (1, 4)), ((3, 1), ()), ((2,), (3, 2))]


def elemwise_values(kind, shapes, rng):
    values = [rng.uniform(0.5, 2.0, size=s) for s in shapes]
    if kind in ("add", "sub", "mul", "maximum", "neg", "exp", "tanh", "abs"):
        values = [rng.normal(size=s) for s in shapes]
        values = [np.where(np.abs(v) < 0.1, 0.3, v) for v in values]  # no kink of abs at 0
    if kind == "maximum":
        values[1] = values[1] + 0.05  # no ties
    return values


@pytest.mark.exercise("elemwise_grad", points=0.25)
@pytest.mark.parametrize("kind,arity", ELEMWISE_CASES)
@pytest.mark.parametrize("shapes", [0, 1, 2])
def test_elemwise_grad_against_autograd(graph, kind, arity, shapes):
    shapes = BROADCASTS[shapes][:arity]
    rng = np.random.default_rng(40 + shapes[0][0])
    values = elemwise_values(kind, shapes, rng)
    variables = symbolic_inputs(graph, shapes)
    out = getattr(graph, kind)(*variables)
    out_shape = np.broadcast_shapes(*shapes)
    g = getattr(graph, INPUTS[len(out_shape)])("g")
    grads = graph.elemwise_grad(kind, variables, out, g)
    if not isinstance(grads, list) or len(grads) != arity:
        fail(f"elemwise_grad({kind!r}, ...) must return a list of {arity} (one per input)")
    if any(gr is None for gr in grads):
        fail(f"elemwise_grad({kind!r}, ...): every input of {kind} gets a gradient, not None")
    gv = rng.normal(size=out_shape)
    results = graph.function([*variables, g], grads)(*values, gv)
    forward = getattr(AutogradOps, kind)
    for index, _value in enumerate(values):
        expected = autograd_vjp(forward, values, index, gv)
        check_close(
            results[index],
            expected,
            f"elemwise_grad({kind!r}): gradient of input {index + 1} "
            f"(shapes {[tuple(s) for s in shapes]}, summed back to its own shape)",
            rtol=1e-7,
        )


@pytest.mark.exercise("elemwise_grad", points=1)
@pytest.mark.parametrize("kind", ["lt", "ge", "eq", "sgn", "zeros_like"])
def test_elemwise_grad_none_for_flat_ops(graph, kind):
    a, b = graph.dvector("a"), graph.dvector("b")
    inputs = [a] if kind in ("sgn", "zeros_like") else [a, b]
    grads = graph.elemwise_grad(kind, inputs, getattr(graph, kind)(*inputs), graph.dvector("g"))
    if not isinstance(grads, list) or len(grads) != len(inputs) or any(gr is not None for gr in grads):
        fail(f"elemwise_grad({kind!r}, ...): {kind} is flat, so [None] per input")


# ---------------------------------------------------------------- reduce_grad


@pytest.mark.exercise("reduce_grad", points=0.5)
@pytest.mark.parametrize("kind", ["sum", "max"])
@pytest.mark.parametrize(
    "axis,shape", [(None, (3, 4)), (0, (3, 4)), (1, (3, 4)), (-1, (2, 5)), (None, (6,)), (0, (6,))]
)
def test_reduce_grad_against_autograd(graph, kind, axis, shape):
    rng = np.random.default_rng(50)
    xv = rng.permutation(np.prod(shape)).reshape(shape) + rng.uniform(0, 0.5, size=shape)  # no ties
    x = graph.dmatrix("x") if len(shape) == 2 else graph.dvector("x")
    out = graph.sum(x, axis) if kind == "sum" else graph.max(x, axis)
    out_shape = np.shape(np.sum(xv, axis=axis))
    g = getattr(graph, INPUTS[len(out_shape)])("g")
    grads = graph.reduce_grad(kind, axis, x, out, g)
    if not isinstance(grads, list) or len(grads) != 1 or grads[0] is None:
        fail(f"reduce_grad({kind!r}, ...) must return a list of one gradient")
    gv = rng.normal(size=out_shape)
    (result,) = graph.function([x, g], grads)(xv, gv)
    forward = (lambda v: anp.sum(v, axis=axis)) if kind == "sum" else (lambda v: anp.max(v, axis=axis))
    check_close(result, autograd_vjp(forward, [xv], 0, gv), f"reduce_grad({kind!r}, axis={axis}) on shape {shape}")


@pytest.mark.exercise("reduce_grad", points=1)
def test_reduce_grad_none_for_argmax_and_count(graph):
    x, g = graph.dmatrix("x"), graph.dvector("g")
    grads = [graph.reduce_grad(kind, 1, x, graph.argmax(x, 1), g) for kind in ("argmax", "count")]
    if any(not isinstance(gr, list) or gr != [None] for gr in grads):
        fail("reduce_grad: argmax and count are flat: [None]")


# ---------------------------------------------------------------- dot_grad

RANKS = [(0, 0), (0, 1), (1, 0), (0, 2), (2, 0), (1, 1), (2, 1), (1, 2), (2, 2)]
DIMS = {0: (), 1: (4,), 2: (3, 4)}


def dot_shapes(ra, rb):
    if ra == 2 and rb == 2:
        return (3, 4), (4, 5)
    if ra == 1 and rb == 2:
        return (4,), (4, 5)
    return DIMS[ra], DIMS[rb]


@pytest.mark.exercise("dot_grad", points=1)
@pytest.mark.parametrize("ranks", RANKS)
def test_dot_grad_against_autograd(graph, ranks):
    rng = np.random.default_rng(60 + ranks[0] * 3 + ranks[1])
    sa, sb = dot_shapes(*ranks)
    av, bv = rng.normal(size=sa), rng.normal(size=sb)
    a, b = symbolic_inputs(graph, [sa, sb])
    out_shape = np.shape(np.dot(av, bv))
    g = getattr(graph, INPUTS[len(out_shape)])("g")
    grads = graph.dot_grad(a, b, g)
    if not isinstance(grads, list) or len(grads) != 2:
        fail("dot_grad(a, b, g) must return [ga, gb]")
    gv = rng.normal(size=out_shape)
    results = graph.function([a, b, g], grads)(av, bv, gv)
    for index, name in enumerate(["ga", "gb"]):
        check_close(
            results[index],
            autograd_vjp(anp.dot, [av, bv], index, gv),
            f"dot_grad for a {ranks[0]}-d a and a {ranks[1]}-d b: {name}",
        )


# ---------------------------------------------------------------- grad


def broadcast_expression(ops, x, row, s):
    return ops.sum(ops.mul(ops.exp(ops.add(ops.mul(x, row), s)), ops.tanh(x)))


def log_exp_expression(ops, x, w):
    z = ops.dot(x, w)
    return ops.mean(ops.log(ops.add(1.0, ops.exp(ops.neg(z)))))


def mixed_expression(ops, x, y):
    top = ops.sqrt(ops.add(ops.mul(x, x), 1.0))
    return ops.sum(ops.true_div(ops.sub(top, ops.pow(y, 2.0)), ops.add(2.0, ops.abs(y))))


def dot_chain_expression(ops, a, b, c):
    return ops.sum(ops.tanh(ops.dot(ops.dot(a, b), c)))


@pytest.mark.exercise("grad", points=2)
@pytest.mark.parametrize("row_shape", [(1, 4), (4,)])
def test_grad_broadcast_row_and_scalar(graph, row_shape):
    rng = np.random.default_rng(70)
    values = [rng.normal(size=(3, 4)), rng.normal(size=row_shape), np.array(0.3)]
    check_against_autograd(
        graph, broadcast_expression, values, f"grad of sum(exp(x * row + s) * tanh(x)), row {row_shape}"
    )


@pytest.mark.exercise("grad", points=1)
@pytest.mark.parametrize("seed", [0, 1])
def test_grad_log_exp_and_mixed_ops(graph, seed):
    rng = np.random.default_rng(71 + seed)
    check_against_autograd(
        graph,
        log_exp_expression,
        [rng.normal(size=(5, 3)), rng.normal(size=3)],
        "grad of mean(log(1 + exp(-dot(x, w))))",
    )
    check_against_autograd(
        graph,
        mixed_expression,
        [rng.normal(size=(2, 3)), rng.normal(size=(2, 3))],
        "grad of sum((sqrt(x * x + 1) - y ** 2) / (2 + abs(y)))",
    )


@pytest.mark.exercise("grad", points=1)
@pytest.mark.parametrize(
    "shapes", [((3, 4), (4, 2), (2,)), ((4,), (4, 3), (3, 2)), ((), (2, 3), (3,)), ((2, 3), (3,), ())]
)
def test_grad_through_chained_dots(graph, shapes):
    rng = np.random.default_rng(72)
    check_against_autograd(
        graph,
        dot_chain_expression,
        [rng.normal(size=s) for s in shapes],
        f"grad of sum(tanh(dot(dot(a, b), c))), shapes {list(shapes)}",
    )


@pytest.mark.exercise("grad", points=2)
def test_grad_accumulates_over_reuse_and_diamonds(graph):
    x = graph.dscalar("x")
    square = graph.mul(x, x)
    a, b = graph.mul(x, 2.0), graph.exp(x)
    diamond_cost = graph.mul(graph.add(a, b), graph.mul(a, b))  # (2x + e^x) 2x e^x
    f = graph.function([x], [graph.grad(square, x), graph.grad(diamond_cost, x)])
    xv = 0.7
    results = f(xv)
    check_scalar(results[0], 2 * xv, "grad of x * x: both uses of x count")
    expected = autograd.grad(lambda v: (2 * v + anp.exp(v)) * 2 * v * anp.exp(v))(xv)
    check_scalar(results[1], expected, "grad through a diamond (x reaches the cost along four paths)")


@pytest.mark.exercise("grad", points=2)
def test_second_derivatives(graph):
    x = graph.dscalar("x")
    cube = graph.pow(x, 3.0)
    poly = graph.add(graph.mul(2.0, graph.pow(x, 3.0)), graph.pow(x, 2.0))
    first = graph.grad(poly, x)
    second = graph.grad(graph.grad(cube, x), x)
    f = graph.function([x], [first, second, graph.grad(first, x)])
    for xv in (1.0, 2.0, -0.5):
        results = f(xv)
        check_scalar(results[0], 6 * xv**2 + 2 * xv, f"d(2x^3 + x^2)/dx at {xv}")
        check_scalar(results[1], 6 * xv, f"d2(x^3)/dx2 at {xv}")
        check_scalar(results[2], 12 * xv + 2, f"d2(2x^3 + x^2)/dx2 at {xv}")


@pytest.mark.exercise("grad", points=1)
def test_grad_single_or_list_and_disconnected(graph):
    x, y, z = graph.dvector("x"), graph.dscalar("y"), graph.dmatrix("z")
    cost = graph.sum(graph.mul(x, y))
    single = graph.grad(cost, x)
    if isinstance(single, list):
        fail("grad(cost, x) with one variable returns one variable, not a list")
    both = graph.grad(cost, [x, y, z])
    if not isinstance(both, list) or len(both) != 3:
        fail("grad(cost, [x, y, z]) returns a list of 3")
    xv = np.array([1.0, -2.0, 3.0])
    results = graph.function([x, y, z], [single, *both])(xv, 4.0, np.ones((2, 2)))
    check_close(results[0], np.full(3, 4.0), "grad of sum(x * y) wrt x")
    check_scalar(results[2], 2.0, "grad of sum(x * y) wrt the scalar y: summed over x")
    check_close(results[3], np.zeros((2, 2)), "grad wrt a variable the cost does not use: zeros of its shape")


@pytest.mark.exercise("grad", points=1)
def test_grad_refuses_a_non_scalar_cost(graph):
    x = graph.dvector("x")
    try:
        graph.grad(graph.mul(x, 2.0), x)
    except NotImplementedError:
        raise
    except TypeError:
        return
    fail("grad: a cost that is not a scalar must raise TypeError")


@pytest.mark.exercise("grad", points=2)
def test_grad_is_a_graph_that_follows_shared_values(graph):
    w = graph.shared(np.array([1.0, 2.0, 3.0]))
    gw = graph.grad(graph.sum(graph.mul(graph.mul(w, w), w)), w)
    f = graph.function([], gw)
    check_close(f(), 3 * np.array([1.0, 2.0, 3.0]) ** 2, "grad of sum(w ** 3): 3 w ** 2")
    w.set_value(np.array([-1.0, 0.5, 2.0]))
    check_close(
        f(),
        3 * np.array([-1.0, 0.5, 2.0]) ** 2,
        "grad of sum(w ** 3) after w.set_value: grad must return graph nodes, not numbers",
    )


@pytest.mark.exercise("grad", points=2)
def test_grad_of_a_deep_graph(graph):
    graphs = {}
    for depth in (6, 8, 12, 14):
        x = graph.dscalar("x")
        graphs[depth] = (x, layers(graph, x, depth))

    def differentiate(depth):
        x, y = graphs[depth]
        return graph.grad(y, x)

    def differentiate_and_run(depth):
        x, y = graphs[depth]
        return graph.function([x], [y, graph.grad(y, x)])(2.5)

    check_cost_grows_with_nodes(differentiate, "grad", small=8, large=14)
    check_cost_grows_with_nodes(differentiate_and_run, "a function of a deep graph and its gradient", small=6, large=12)
    x = graph.dscalar("x")
    y = layers(graph, x, 60)
    results = graph.function([x], [y, graph.grad(y, x)])(2.5)
    check_close(results, [2.5, 1.0], "60 levels of y = 0.5 y + 0.5 y: value and gradient")


def listing_4_6(module, xv, yv, new_yv):
    x = module.dmatrix("x")
    y = module.shared(yv)
    z = module.sum(module.mul(module.add(module.mul(x, x), y), x))
    f, g_f = module.function([x], [z]), module.function([x], module.grad(z, [x]))
    first = [f(xv)[0], g_f(xv)[0]]
    y.set_value(new_yv)
    return [*first, f(xv)[0], g_f(xv)[0]]


@pytest.mark.exercise("grad", points=1)
def test_listing_4_6_book_and_new_values(graph):
    book = listing_4_6(graph, [[1, 2, 3]], np.array([[4, 5, 6]]), np.array([[1, 1, 1]]))
    for got, want, what in zip(book, [68.0, [[7, 17, 33]], 42.0, [[4, 13, 28]]], ["z", "dz/dx", "z", "dz/dx"]):
        check_close(got, want, f"listing 4-6: {what}")
    rng = np.random.default_rng(73)
    args = (rng.normal(size=(2, 3)), rng.normal(size=(1, 3)), rng.normal(size=(1, 3)))
    for got, want in zip(listing_4_6(graph, *args), listing_4_6(ref, *args)):
        check_close(got, want, "listing 4-6 on new values")


def logistic_regression_run(module, X, labels, w0, steps):
    """Listing 4-10 (with our own data): the weights after ``steps`` updates."""
    x, y = module.dmatrix("x"), module.dvector("y")
    w, b = module.shared(w0, name="w"), module.shared(0.0, name="b")
    p = module.true_div(1.0, module.add(1.0, module.exp(module.sub(module.neg(module.dot(x, w)), b))))
    error = module.neg(
        module.add(module.mul(y, module.log(p)), module.mul(module.sub(1.0, y), module.log(module.sub(1.0, p))))
    )
    loss = module.add(module.mean(error), module.mul(0.01, module.sum(module.pow(w, 2.0))))
    gw, gb = module.grad(loss, [w, b])
    train = module.function(
        [x, y], [p, error], updates=[(w, module.sub(w, module.mul(0.1, gw))), (b, module.sub(b, module.mul(0.1, gb)))]
    )
    for _ in range(steps):
        train(X, labels)
    return w.get_value(), b.get_value()


def linear_regression_run(module, X, targets, w0, steps):
    """Listing 4-11 (with our own data): the weights after ``steps`` updates."""
    x, y = module.dmatrix("x"), module.dvector("y")
    w, b = module.shared(w0, name="w"), module.shared(0.0, name="b")
    p = module.add(module.dot(x, w), b)
    loss = module.add(module.mean(module.pow(module.sub(p, y), 2.0)), module.mul(0.01, module.sum(module.pow(w, 2.0))))
    gw, gb = module.grad(loss, [w, b])
    train = module.function(
        [x, y], loss, updates=[(w, module.sub(w, module.mul(0.1, gw))), (b, module.sub(b, module.mul(0.1, gb)))]
    )
    for _ in range(steps):
        train(X, targets)
    return w.get_value(), b.get_value()


@pytest.mark.exercise("grad", points=2)
@pytest.mark.parametrize("run", [logistic_regression_run, linear_regression_run])
def test_listings_4_10_and_4_11_match_the_reference_weights(graph, run):
    rng = np.random.default_rng(74)
    X, w0 = rng.normal(size=(80, 6)), rng.normal(size=6)
    y = rng.integers(0, 2, size=80).astype(float) if run is logistic_regression_run else rng.normal(size=80)
    got, want = run(graph, X, y, w0, 25), run(ref, X, y, w0, 25)
    what = "listing 4-10" if run is logistic_regression_run else "listing 4-11"
    check_close(got[0], want[0], f"{what}: w after 25 training steps", rtol=1e-8)
    check_scalar(got[1], want[1], f"{what}: b after 25 training steps (a scalar)", rtol=1e-8)


# ---------------------------------------------------------------- Activation

ACTIVATIONS = ["sigmoid", "ultra_fast_sigmoid", "softplus", "relu", "softmax"]
BOOK_ACTIVATIONS = {
    "sigmoid": [0.26894142, 0.5, 0.73105858],
    "ultra_fast_sigmoid": [0.25, 0.5, 0.75],
    "softplus": [0.31326169, 0.69314718, 1.31326169],
    "relu": [0.0, 0.0, 1.0],
    "softmax": [0.09003057, 0.24472847, 0.66524096],
    "tanh": [-0.76159416, 0.0, 0.76159416],
}


@pytest.mark.exercise("Activation", points=0.5)
@pytest.mark.parametrize("name", list(BOOK_ACTIVATIONS))
def test_listing_4_4_book_values(graph, name):
    a = graph.dmatrix("a")
    (out,) = graph.function([a], [getattr(graph, name)(a)])([[-1, 0, 1]])
    check_close(out, [BOOK_ACTIVATIONS[name]], f"listing 4-4: {name} of [[-1, 0, 1]]", rtol=1e-7)


@pytest.mark.exercise("Activation", points=1)
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activations_against_reference_on_wide_inputs(graph, name):
    xv = np.concatenate([np.linspace(-8, 8, 34), [-900.0, -40.0, 40.0, 900.0, -3.4, -2.2, 3.4, 2.2]]).reshape(3, 14)
    a = graph.dmatrix("a")
    out = graph.function([a], getattr(graph, name)(a))(xv)
    check_close(out, ref.Activation(name).perform(xv), f"{name} on inputs from -900 to 900 (no overflow)")


@pytest.mark.exercise("Activation", points=1)
@pytest.mark.parametrize("name", ["sigmoid", "softplus", "relu", "softmax"])
@pytest.mark.parametrize("shape", [(5,), (3, 4)])
def test_activation_gradients_against_autograd(graph, name, shape):
    rng = np.random.default_rng(80)
    xv = np.where(np.abs(v := rng.normal(size=shape) * 2) < 0.1, 0.5, v)
    weights = rng.normal(size=shape)

    def expression(ops, x):
        return ops.sum(ops.mul(getattr(ops, name)(x), weights))

    check_against_autograd(graph, expression, [xv], f"grad of sum({name}(x) * weights)")


@pytest.mark.exercise("Activation", points=1)
def test_ultra_fast_sigmoid_gradient_is_the_slope_of_its_pieces(graph):
    xv = np.array([-7.0, -4.0, -2.5, -0.6, 0.2, 1.3, 3.0, 5.9, 8.0])  # every piece, away from the breaks
    a = graph.dvector("a")
    ufs = graph.ultra_fast_sigmoid(a)
    (slope,) = graph.function([a], [graph.grad(graph.sum(ufs), a)])(xv)
    h = 1e-6
    numeric = (
        ref.Activation("ultra_fast_sigmoid").perform(xv + h) - ref.Activation("ultra_fast_sigmoid").perform(xv - h)
    ) / (2 * h)
    check_close(slope, numeric, "grad of ultra_fast_sigmoid: the derivative of each piece", rtol=1e-6, atol=1e-8)


# ---------------------------------------------------------------- cross-entropies

BOOK_P, BOOK_Y = [[0.01, 0.01, 0.01]], [[0.99, 0.99, 0.01]]


@pytest.mark.exercise("binary_crossentropy", points=1)
def test_binary_crossentropy_book_value(graph):
    a1, a2 = graph.dmatrix("a1"), graph.dmatrix("a2")
    (value,) = graph.function([a1, a2], [graph.mean(graph.binary_crossentropy(a1, a2))])(BOOK_P, BOOK_Y)
    check_scalar(value, 3.058146503109446, "listing 4-7: mean binary cross-entropy", rtol=1e-12)


@pytest.mark.exercise("binary_crossentropy", points=2)
@pytest.mark.parametrize("shape", [(4,), (3, 5)])
def test_binary_crossentropy_values_and_gradient(graph, shape):
    rng = np.random.default_rng(90)
    pv, tv = rng.uniform(0.05, 0.95, size=shape), rng.uniform(0, 1, size=shape)

    def expression(ops, p, t):
        one = ops.sub(1.0, t)
        return ops.sum(ops.neg(ops.add(ops.mul(t, ops.log(p)), ops.mul(one, ops.log(ops.sub(1.0, p))))))

    p, t = symbolic_inputs(graph, [shape, shape])
    bce = graph.binary_crossentropy(p, t)
    results = graph.function([p, t], [bce, *graph.grad(graph.sum(bce), [p, t])])(pv, tv)
    check_close(
        results[0],
        -(tv * np.log(pv) + (1 - tv) * np.log(1 - pv)),
        "binary_crossentropy(output, target): -(target log(output) + (1 - target) log(1 - output))",
    )
    for index, _value in enumerate([pv, tv]):
        check_close(
            results[1 + index],
            autograd_vjp(lambda a, b: expression(AutogradOps, a, b), [pv, tv], index, 1.0),
            f"grad of sum(binary_crossentropy): input {index + 1}",
        )


@pytest.mark.exercise("binary_crossentropy", points=2)
def test_binary_crossentropy_of_a_sigmoid_stays_finite(graph):
    z, t = graph.dvector("z"), graph.dvector("t")
    bce = graph.binary_crossentropy(graph.sigmoid(z), t)
    zv = np.array([-50.0, -38.0, -3.0, 0.5, 38.0, 50.0, 45.0])
    tv = np.array([1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.3])
    values, gz = graph.function([z, t], [bce, graph.grad(graph.sum(bce), z)])(zv, tv)
    check_close(
        values,
        tv * np.logaddexp(0, -zv) + (1 - tv) * np.logaddexp(0, zv),
        "binary_crossentropy(sigmoid(z), t) where sigmoid(z) rounds to 0 or 1: use softplus of z",
    )
    check_close(
        gz, 0.5 * (np.tanh(zv / 2) + 1) - tv, "grad of binary_crossentropy(sigmoid(z), t) wrt z: sigmoid(z) - t"
    )


@pytest.mark.exercise("categorical_crossentropy", points=1)
def test_categorical_crossentropy_book_value(graph):
    b1, b2 = graph.dmatrix("b1"), graph.dmatrix("b2")
    (value,) = graph.function([b1, b2], [graph.categorical_crossentropy(b1, b2)])(BOOK_P, BOOK_Y)
    check_close(value, [9.16428867], "listing 4-7: categorical cross-entropy, one value per row", rtol=1e-8)


@pytest.mark.exercise("categorical_crossentropy", points=2)
@pytest.mark.parametrize("n,c", [(1, 3), (4, 5)])
def test_categorical_crossentropy_of_softmax_rows(graph, n, c):
    rng = np.random.default_rng(91)
    logits, targets = rng.normal(size=(n, c)), np.eye(c)[rng.integers(0, c, size=n)] * 0.8 + 0.2 / c

    def expression(ops, z, t):
        probabilities = ops.softmax(z)
        return ops.sum(ops.neg(ops.sum(ops.mul(t, ops.log(probabilities)), axis=-1)))

    z, t = graph.dmatrix("z"), graph.dmatrix("t")
    cce = graph.categorical_crossentropy(graph.softmax(z), t)
    results = graph.function([z, t], [cce, graph.grad(graph.sum(cce), z)])(logits, targets)
    expected = -np.sum(targets * np.log(ref.Activation("softmax").perform(logits)), axis=-1)
    check_close(results[0], expected, f"categorical_crossentropy of {n} softmax rows: shape ({n},)")
    check_close(
        results[1],
        autograd_vjp(lambda a, b: expression(AutogradOps, a, b), [logits, targets], 0, 1.0),
        "grad of sum(categorical_crossentropy(softmax(z), t)) wrt z",
    )


# ---------------------------------------------------------------- IfElse


def hinges(module):
    x, y = module.dscalar("x"), module.dscalar("y")
    margin = module.sub(1.0, module.mul(x, y))
    zero = module.mul(0.0, x)
    below = module.lt(margin, 0.0)
    outs = [module.max([zero, margin]), module.ifelse(below, zero, margin), module.switch(below, zero, margin)]
    return [module.function([x, y], out) for out in outs]


@pytest.mark.exercise("IfElse", points=2)
def test_listing_4_13_hinge_three_ways(graph):
    functions = hinges(graph)
    for xv, yv in [(-2, 1), (-1, 1), (0, 1), (1, 1), (2, 1), (0.25, -3.0), (1.5, 0.5), (3.0, 2.0)]:
        expected = np.maximum(0.0, 1 - xv * yv)
        for f, how in zip(functions, ["max", "ifelse", "switch"]):
            check_scalar(f(xv, yv), expected, f"listing 4-13: hinge by {how} at x = {xv}, y = {yv}")


@pytest.mark.exercise("IfElse", points=1)
def test_ifelse_returns_a_whole_branch(graph):
    c, a, b = graph.dscalar("c"), graph.dmatrix("a"), graph.dmatrix("b")
    f = graph.function([c, a, b], graph.ifelse(c, a, b))
    av, bv = np.arange(6.0).reshape(2, 3), -np.ones((2, 3))
    check_close(f(1.0, av, bv), av, "ifelse(1, a, b) is a")
    check_close(f(0.0, av, bv), bv, "ifelse(0, a, b) is b")


@pytest.mark.exercise("IfElse", points=1)
def test_switch_broadcasts(graph):
    c, a, b = graph.dmatrix("c"), graph.dvector("a"), graph.dscalar("b")
    cv, av = np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]]), np.array([5.0, 6.0, 7.0])
    out = graph.function([c, a, b], graph.switch(c, a, b))(cv, av, -1.0)
    check_close(out, np.where(cv, av, -1.0), "switch(c, a, b) elementwise, with numpy's broadcasting")


@pytest.mark.exercise("IfElse", points=2)
def test_switch_and_ifelse_gradients(graph):
    c, a, b = graph.dmatrix("c"), graph.dvector("a"), graph.dscalar("b")
    cv, av = np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]]), np.array([5.0, 6.0, 7.0])
    cost = graph.sum(graph.mul(graph.switch(c, graph.mul(a, a), b), cv + 1.0))
    ga, gb = graph.grad(cost, [a, b])
    results = graph.function([c, a, b], [ga, gb])(cv, av, -1.0)
    weights = cv + 1.0
    check_close(
        results[0],
        np.sum(np.where(cv, weights, 0.0), axis=0) * 2 * av,
        "grad through switch: the chosen elements' gradient, summed over the broadcast rows",
    )
    check_scalar(results[1], np.sum(np.where(cv, 0.0, weights)), "grad through switch: the scalar branch")
    s, x = graph.dscalar("s"), graph.dvector("x")
    cost = graph.sum(graph.ifelse(s, graph.mul(x, x), graph.mul(x, 3.0)))
    f = graph.function([s, x], graph.grad(cost, x))
    check_close(f(1.0, av), 2 * av, "grad through ifelse taking the first branch")
    check_close(f(0.0, av), np.full(3, 3.0), "grad through ifelse taking the second branch")


# ---------------------------------------------------------------- Scan


@pytest.mark.exercise("Scan", points=2)
@pytest.mark.parametrize("base,power", [(2.0, 5), (3.0, 2), (-1.5, 4), (0.5, 7)])
def test_listing_4_14_power_by_scan(graph, base, power):
    k, a = graph.iscalar("k"), graph.dscalar("a")
    result, updates = graph.scan(fn=graph.mul, outputs_info=a, non_sequences=a, n_steps=graph.sub(k, 1))
    f = graph.function([a, k], [result], updates=updates)
    (steps,) = f(base, power)
    check_close(steps, [base**t for t in range(2, power + 1)], f"scan: every step of prior * a, a = {base}")
    (again,) = f(base, power)
    check_close(again, steps, "scan: a second call gives the same")


@pytest.mark.exercise("Scan", points=1)
def test_scan_over_a_sequence_with_two_non_sequences(graph):
    seq, start = graph.dvector("seq"), graph.dscalar("start")
    scale, shift = graph.dscalar("scale"), graph.dscalar("shift")

    def step(item, prior, scale, shift):
        return graph.add(graph.mul(prior, scale), graph.add(item, shift))

    result, _ = graph.scan(step, sequences=seq, outputs_info=start, non_sequences=[scale, shift])
    sv = np.array([1.0, -2.0, 0.5, 4.0])
    out = graph.function([seq, start, scale, shift], result)(sv, 10.0, 0.5, 1.0)
    expected, prior = [], 10.0
    for item in sv:
        prior = prior * 0.5 + item + 1.0
        expected.append(prior)
    check_close(out, expected, "scan over a sequence: step(item, prior, scale, shift)")
    sums, _ = graph.scan(graph.add, sequences=seq, outputs_info=start)
    exps, _ = graph.scan(graph.exp, sequences=seq)
    results = graph.function([seq, start], [sums, exps])(sv, 1.0)
    check_close(results[0], 1.0 + np.cumsum(sv), "scan(add, sequences=seq, outputs_info=start): running sums")
    check_close(results[1], np.exp(sv), "scan(exp, sequences=seq) without outputs_info: a map")


# ---------------------------------------------------------------- RandomStreams

BOOK_DRAWS = [
    [1.25614218, -0.53793023, -0.10434045],
    [0.66992188, -0.70813926, 0.99601177],
    [0.0724739, -0.66508406, 0.93707751],
]


@pytest.mark.exercise("RandomStreams", points=1)
def test_listing_4_9_book_draws(graph):
    random = graph.RandomStreams(seed=42)
    b = graph.dmatrix("b")
    g1 = graph.function([b], graph.mul(random.normal((1, 3)), b))
    for call, printed in enumerate(BOOK_DRAWS, start=1):
        check_close(g1(np.ones((1, 3))), [printed], f"listing 4-9: invocation {call}", rtol=1e-7)


@pytest.mark.exercise("RandomStreams", points=2)
def test_every_call_draws_afresh_with_the_right_statistics(graph):
    random = graph.RandomStreams(seed=7)
    f = graph.function([], random.normal((4000,), 2.0, 3.0))
    draws = [np.asarray(f()) for _ in range(3)]
    for draw in draws:
        if draw.shape != (4000,) or np.abs(draw.mean() - 2.0) > 0.2 or np.abs(draw.std() - 3.0) > 0.2:
            fail("RandomStreams.normal((4000,), avg=2, std=3): draws must have mean 2 and standard deviation 3")
    if np.allclose(draws[0], draws[1]) or np.allclose(draws[1], draws[2]):
        fail("RandomStreams: every call of the function must draw new values")


@pytest.mark.exercise("RandomStreams", points=1)
def test_two_variables_differ_and_one_variable_is_drawn_once_per_call(graph):
    random = graph.RandomStreams(seed=3)
    r, s = random.normal((5,)), random.normal((5,))
    values = graph.function([], [graph.sub(r, r), r, s])()
    check_close(values[0], np.zeros(5), "r - r within one call: a random variable has one value per call")
    if np.allclose(values[1], values[2]):
        fail("RandomStreams: two random variables of the same streams must differ")


@pytest.mark.exercise("RandomStreams", points=1)
def test_the_same_seed_gives_the_same_draws(graph):
    first, second = graph.RandomStreams(seed=11), graph.RandomStreams(seed=11)
    f, g = graph.function([], first.normal((3,))), graph.function([], second.normal((3,)))
    draws = [f(), f()]
    check_close(draws, [g(), g()], "RandomStreams: the same seed gives the same sequence of draws")
    expected = ref.function([], ref.RandomStreams(seed=11).normal((3,)))
    check_close(
        draws,
        [expected(), expected()],
        "RandomStreams(seed): a generator seeded from RandomState(seed).randint(2 ** 30) per variable",
    )
