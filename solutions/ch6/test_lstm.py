"""Public tests for lstm.py: CS231n's published examples and gradient checks.

Run them with `pytest exercises/ch6/test_lstm.py`. Each test checks one idea.
"""

import numpy as np
import pytest

from grader.testing import call_backward, call_unchanged, check_unchanged, numerical_gradient, snapshot, unpack_tuple

from .lstm import (
    lstm_backward,
    lstm_forward,
    lstm_step_backward,
    lstm_step_forward,
    peephole_lstm_step_backward,
    peephole_lstm_step_forward,
    sigmoid,
)


@pytest.mark.exercise("lstm_step_forward")
def test_lstm_step_forward_matches_cs231n_example():
    N, D, H = 3, 4, 5
    x = np.linspace(-0.4, 1.2, num=N * D).reshape(N, D)
    prev_h = np.linspace(-0.3, 0.7, num=N * H).reshape(N, H)
    prev_c = np.linspace(-0.4, 0.9, num=N * H).reshape(N, H)
    Wx = np.linspace(-2.1, 1.3, num=4 * D * H).reshape(D, 4 * H)
    Wh = np.linspace(-0.7, 2.2, num=4 * H * H).reshape(H, 4 * H)
    b = np.linspace(0.3, 0.7, num=4 * H)
    next_h, next_c, _ = lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b)
    expected_h = np.array(
        [
            [0.24635157, 0.28610883, 0.32240467, 0.35525807, 0.38474904],
            [0.49223563, 0.55611431, 0.61507696, 0.66844003, 0.7159181],
            [0.56735664, 0.66310127, 0.74419266, 0.80889665, 0.858299],
        ]
    )
    expected_c = np.array(
        [
            [0.32986176, 0.39145139, 0.451556, 0.51014116, 0.56717407],
            [0.66382255, 0.76674007, 0.87195994, 0.97902709, 1.08751345],
            [0.74192008, 0.90592151, 1.07717006, 1.25120233, 1.42395676],
        ]
    )
    np.testing.assert_allclose(
        next_c, expected_c, rtol=1e-6, err_msg="next_c = f * prev_c + i * g, gates in the order i, f, o, g"
    )
    np.testing.assert_allclose(next_h, expected_h, rtol=1e-6, err_msg="next_h = o * tanh(next_c)")


@pytest.mark.exercise("lstm_step_backward")
def test_lstm_step_backward_matches_numerical_gradient():
    rng = np.random.default_rng(0)
    N, D, H = 3, 4, 5
    inputs = [rng.normal(size=s) for s in [(N, D), (N, H), (N, H), (D, 4 * H), (H, 4 * H), (4 * H,)]]
    dnext_h, dnext_c = rng.normal(size=(N, H)), rng.normal(size=(N, H))
    _, _, cache = lstm_step_forward(*inputs)
    grads = lstm_step_backward(dnext_h, dnext_c, cache)
    for index, (grad, name) in enumerate(zip(grads, ["dx", "dprev_h", "dprev_c", "dWx", "dWh", "db"])):

        def f(value, index=index):
            args = list(inputs)
            args[index] = value
            next_h, next_c, _ = lstm_step_forward(*args)
            return np.concatenate([next_h, next_c], axis=1)

        expected = numerical_gradient(f, inputs[index], np.concatenate([dnext_h, dnext_c], axis=1))
        np.testing.assert_allclose(
            grad, expected, rtol=1e-5, atol=1e-8, err_msg=f"{name}: both next_h and next_c send gradient back"
        )


@pytest.mark.exercise("lstm_forward")
def test_lstm_forward_matches_cs231n_example():
    N, D, H, T = 2, 5, 4, 3
    x = np.linspace(-0.4, 0.6, num=N * T * D).reshape(N, T, D)
    h0 = np.linspace(-0.4, 0.8, num=N * H).reshape(N, H)
    Wx = np.linspace(-0.2, 0.9, num=4 * D * H).reshape(D, 4 * H)
    Wh = np.linspace(-0.3, 0.6, num=4 * H * H).reshape(H, 4 * H)
    b = np.linspace(0.2, 0.7, num=4 * H)
    h, _ = lstm_forward(x, h0, Wx, Wh, b)
    expected = np.array(
        [
            [
                [0.01764008, 0.01823233, 0.01882671, 0.0194232],
                [0.11287491, 0.12146228, 0.13018446, 0.13902939],
                [0.31358768, 0.33338627, 0.35304453, 0.37250975],
            ],
            [
                [0.45767879, 0.4761092, 0.4936887, 0.51041945],
                [0.6704845, 0.69350089, 0.71486014, 0.7346449],
                [0.81733511, 0.83677871, 0.85403753, 0.86935314],
            ],
        ]
    )
    np.testing.assert_allclose(h, expected, rtol=1e-6, err_msg="c0 = 0; h and c are carried from step to step")


@pytest.mark.exercise("lstm_backward")
def test_lstm_backward_matches_numerical_gradient():
    rng = np.random.default_rng(1)
    N, T, D, H = 2, 4, 3, 3
    inputs = [rng.normal(size=s) for s in [(N, T, D), (N, H), (D, 4 * H), (H, 4 * H), (4 * H,)]]
    dh = rng.normal(size=(N, T, H))
    _, cache = lstm_forward(*inputs)
    grads = lstm_backward(dh, cache)
    for index, (grad, name) in enumerate(zip(grads, ["dx", "dh0", "dWx", "dWh", "db"])):

        def f(value, index=index):
            args = list(inputs)
            args[index] = value
            return lstm_forward(*args)[0]

        np.testing.assert_allclose(
            grad,
            numerical_gradient(f, inputs[index], dh),
            rtol=1e-5,
            atol=1e-8,
            err_msg=f"{name}: carry both dh and dc back through time",
        )


@pytest.mark.exercise("peephole_lstm_step_forward")
def test_peephole_lstm_without_peepholes_is_the_plain_lstm():
    rng = np.random.default_rng(2)
    N, D, H = 2, 3, 4
    x, prev_h, prev_c, Wx, Wh, b = (
        rng.normal(size=s) for s in [(N, D), (N, H), (N, H), (D, 4 * H), (H, 4 * H), (4 * H,)]
    )
    zero = np.zeros(H)
    h, c, _ = peephole_lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b, zero, zero, zero)
    plain_h, plain_c, _ = lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b)
    np.testing.assert_allclose(c, plain_c, rtol=1e-7, err_msg="with p_i = p_f = p_o = 0 the cell state is the LSTM's")
    np.testing.assert_allclose(h, plain_h, rtol=1e-7, err_msg="with p_i = p_f = p_o = 0 the output is the LSTM's")


@pytest.mark.exercise("peephole_lstm_step_forward")
def test_peephole_output_gate_sees_the_new_cell_state():
    # one unit, all weights zero: i = f = sigmoid(p * prev_c), z = 0, o = sigmoid(p_o * next_c)
    x, h, c = np.zeros((1, 1)), np.zeros((1, 1)), np.array([[2.0]])
    W, R, b = np.zeros((1, 4)), np.zeros((1, 4)), np.zeros(4)
    p_i, p_f, p_o = np.array([0.0]), np.array([1.0]), np.array([3.0])
    next_h, next_c, _ = peephole_lstm_step_forward(x, h, c, W, R, b, p_i, p_f, p_o)
    expected_c = sigmoid(np.array(2.0)) * 2.0
    np.testing.assert_allclose(next_c, [[expected_c]], rtol=1e-7, err_msg="f = sigmoid(p_f * prev_c); z = tanh(0) = 0")
    np.testing.assert_allclose(
        next_h,
        [[sigmoid(3.0 * expected_c) * np.tanh(expected_c)]],
        rtol=1e-7,
        err_msg="o = sigmoid(... + p_o * next_c): the output gate peeks at the new cell",
    )


# The rules every LSTM function follows, previewing the grader's checks: a batch of one,
# input and hidden sizes that differ, inputs left unchanged, one gradient per input shaped like it.
SIZES = [("batch of one", (1, 3, 2, 2)), ("D != H", (3, 4, 5, 2))]


def lstm_weights(rng, D, H):
    return rng.normal(size=(D, 4 * H)), rng.normal(size=(H, 4 * H)), rng.normal(size=4 * H)


@pytest.mark.parametrize(
    "N, T, D, H", [pytest.param(*size, marks=pytest.mark.exercise("lstm_backward"), id=label) for label, size in SIZES]
)
def test_lstm_sequence_shapes_and_unchanged_inputs(N, T, D, H):
    rng = np.random.default_rng(21)
    call_backward(
        lstm_forward, lstm_backward, (rng.normal(size=(N, T, D)), rng.normal(size=(N, H)), *lstm_weights(rng, D, H))
    )


@pytest.mark.parametrize(
    "N, T, D, H",
    [pytest.param(*size, marks=pytest.mark.exercise("lstm_step_backward"), id=label) for label, size in SIZES],
)
def test_lstm_step_shapes_and_unchanged_inputs(N, T, D, H):
    rng = np.random.default_rng(22)
    inputs = (rng.normal(size=(N, D)), rng.normal(size=(N, H)), rng.normal(size=(N, H)), *lstm_weights(rng, D, H))
    copies = snapshot(*inputs)
    _, _, cache = unpack_tuple(lstm_step_forward(*inputs), 3, "lstm_step_forward")
    check_unchanged(inputs, copies, "lstm_step_forward", ["x", "prev_h", "prev_c", "Wx", "Wh", "b"])
    dnext_h, dnext_c = np.ones((N, H)), np.zeros((N, H))  # each upstream gradient may come alone
    grads = unpack_tuple(call_unchanged(lstm_step_backward, dnext_h, dnext_c, cache), 6, "lstm_step_backward")
    for grad, value in zip(grads, inputs):
        assert np.shape(grad) == value.shape, (
            f"lstm_step_backward: a gradient of shape {np.shape(grad)} for {value.shape}"
        )


@pytest.mark.exercise("peephole_lstm_step_backward")
def test_peephole_lstm_step_backward_matches_central_differences():
    rng = np.random.default_rng(5)
    N, D, H = 2, 3, 2
    x, h, c = rng.normal(size=(N, D)), rng.normal(size=(N, H)), rng.normal(size=(N, H))
    Wx, Wh, b = rng.normal(size=(D, 4 * H)), rng.normal(size=(H, 4 * H)), rng.normal(size=4 * H)
    p_i, p_f, p_o = rng.normal(size=H), rng.normal(size=H), rng.normal(size=H)
    _, _, cache = call_unchanged(peephole_lstm_step_forward, x, h, c, Wx, Wh, b, p_i, p_f, p_o)
    dnext_h, dnext_c = rng.normal(size=(N, H)), rng.normal(size=(N, H))
    grads = call_unchanged(peephole_lstm_step_backward, dnext_h, dnext_c, cache)

    def weighted(**changed):  # sum of next_h * dnext_h + next_c * dnext_c
        args = {"x": x, "prev_h": h, "prev_c": c, "Wx": Wx, "Wh": Wh, "b": b, "p_i": p_i, "p_f": p_f, "p_o": p_o}
        next_h, next_c, _ = peephole_lstm_step_forward(**{**args, **changed})
        return np.sum(next_h * dnext_h) + np.sum(next_c * dnext_c)

    for index, name, value in [(2, "prev_c", c), (6, "p_i", p_i), (8, "p_o", p_o)]:

        def of_value(v, name=name):
            return weighted(**{name: v})

        numeric = numerical_gradient(of_value, value)
        np.testing.assert_allclose(grads[index], numeric, rtol=1e-5, atol=1e-9, err_msg=f"gradient of {name}")


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.exercise(n), id=n)
        for n in ("lstm_step_forward", "lstm_forward", "peephole_lstm_step_forward")
    ],
)
def test_lstm_forwards_leave_their_inputs_unchanged(name):
    rng = np.random.default_rng(31)
    x, h0, c0, (Wx, Wh, b) = (
        rng.normal(size=(2, 3, 4)),
        rng.normal(size=(2, 5)),
        rng.normal(size=(2, 5)),
        lstm_weights(rng, 4, 5),
    )
    forward = globals()[name]  # the function imported above
    if name == "lstm_forward":
        call_unchanged(forward, x, h0, Wx, Wh, b)
    else:
        peepholes = (rng.normal(size=5),) * 3 if name.startswith("peephole") else ()
        call_unchanged(forward, x[:, 0, :], h0, c0, Wx, Wh, b, *peepholes)
