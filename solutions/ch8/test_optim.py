"""Public tests for optim.py: CS231n's published examples and simple checks.

Run them with `pytest exercises/ch8/test_optim.py`.
"""

import numpy as np
import pytest

from grader.testing import check_unchanged, checked, snapshot, unpack_pair

from .optim import adadelta, adagrad, adam, nesterov_momentum, rmsprop, rprop, sgd, sgd_momentum

N, D = 4, 5
W = np.linspace(-0.4, 0.6, num=N * D).reshape(N, D)
DW = np.linspace(-0.6, 0.4, num=N * D).reshape(N, D)


@pytest.mark.exercise("sgd")
def test_sgd_takes_a_step_against_the_gradient():
    next_w, config = checked(sgd, ["config"])(W, DW, {"learning_rate": 0.1})
    np.testing.assert_allclose(next_w, W - 0.1 * DW, err_msg="w - learning_rate * dw")
    assert config["learning_rate"] == 0.1


@pytest.mark.exercise("sgd_momentum")
def test_sgd_momentum_matches_cs231n_example():
    v = np.linspace(0.6, 0.9, num=N * D).reshape(N, D)
    next_w, config = checked(sgd_momentum, ["config"])(W, DW, {"learning_rate": 1e-3, "velocity": v})
    expected_next_w = np.asarray(
        [
            [0.1406, 0.20738947, 0.27417895, 0.34096842, 0.40775789],
            [0.47454737, 0.54133684, 0.60812632, 0.67491579, 0.74170526],
            [0.80849474, 0.87528421, 0.94207368, 1.00886316, 1.07565263],
            [1.14244211, 1.20923158, 1.27602105, 1.34281053, 1.4096],
        ]
    )
    expected_velocity = np.asarray(
        [
            [0.5406, 0.55475789, 0.56891579, 0.58307368, 0.59723158],
            [0.61138947, 0.62554737, 0.63970526, 0.65386316, 0.66802105],
            [0.68217895, 0.69633684, 0.71049474, 0.72465263, 0.73881053],
            [0.75296842, 0.76712632, 0.78128421, 0.79544211, 0.8096],
        ]
    )
    np.testing.assert_allclose(next_w, expected_next_w, rtol=1e-6, err_msg="next_w")
    np.testing.assert_allclose(
        config["velocity"], expected_velocity, rtol=1e-6, err_msg="velocity = momentum * v - learning_rate * dw"
    )


@pytest.mark.exercise("nesterov_momentum")
def test_nesterov_first_step_from_rest_overshoots_plain_momentum():
    # From v = 0 the look-ahead form moves (1 + momentum) times as far as SGD.
    next_w, config = checked(nesterov_momentum, ["config"])(W, DW, {"learning_rate": 0.1, "momentum": 0.9})
    np.testing.assert_allclose(next_w, W - 1.9 * 0.1 * DW, err_msg="w - mu * v_prev + (1 + mu) * v with v_prev = 0")
    np.testing.assert_allclose(config["velocity"], -0.1 * DW)


@pytest.mark.exercise("adagrad")
def test_adagrad_first_step_moves_every_weight_by_the_learning_rate():
    next_w, config = checked(adagrad, ["config"])(W, DW, {"learning_rate": 0.01, "epsilon": 0.0})
    np.testing.assert_allclose(next_w, W - 0.01 * np.sign(DW), err_msg="dw / sqrt(dw**2) is the sign of dw")
    np.testing.assert_allclose(config["cache"], DW**2)


@pytest.mark.exercise("rmsprop")
def test_rmsprop_matches_cs231n_example():
    cache = np.linspace(0.6, 0.9, num=N * D).reshape(N, D)
    next_w, config = checked(rmsprop, ["config"])(W, DW, {"learning_rate": 1e-2, "cache": cache})
    expected_next_w = np.asarray(
        [
            [-0.39223849, -0.34037513, -0.28849239, -0.23659121, -0.18467247],
            [-0.132737, -0.08078555, -0.02881884, 0.02316247, 0.07515774],
            [0.12716641, 0.17918792, 0.23122175, 0.28326742, 0.33532447],
            [0.38739248, 0.43947102, 0.49155973, 0.54365823, 0.59576619],
        ]
    )
    expected_cache = np.asarray(
        [
            [0.5976, 0.6126277, 0.6277108, 0.64284931, 0.65804321],
            [0.67329252, 0.68859723, 0.70395734, 0.71937285, 0.73484377],
            [0.75037008, 0.7659518, 0.78158892, 0.79728144, 0.81302936],
            [0.82883269, 0.84469141, 0.86060554, 0.87657507, 0.8926],
        ]
    )
    np.testing.assert_allclose(next_w, expected_next_w, rtol=1e-6, err_msg="next_w")
    np.testing.assert_allclose(
        config["cache"], expected_cache, rtol=1e-6, err_msg="cache = decay_rate * cache + (1 - decay_rate) * dw**2"
    )


@pytest.mark.exercise("adadelta")
def test_adadelta_first_step_is_sqrt_eps_over_rms_of_gradient():
    next_w, _ = checked(adadelta, ["config"])(W, DW, {"rho": 0.9, "epsilon": 1e-6})
    expected_step = -np.sqrt(1e-6) / np.sqrt(0.1 * DW**2 + 1e-6) * DW
    np.testing.assert_allclose(next_w, W + expected_step, rtol=1e-10)


@pytest.mark.exercise("adam")
def test_adam_matches_cs231n_example():
    m = np.linspace(0.6, 0.9, num=N * D).reshape(N, D)
    v = np.linspace(0.7, 0.5, num=N * D).reshape(N, D)
    next_w, config = checked(adam, ["config"])(W, DW, {"learning_rate": 1e-2, "m": m, "v": v, "t": 5})
    expected_next_w = np.asarray(
        [
            [-0.40094747, -0.34836187, -0.29577703, -0.24319299, -0.19060977],
            [-0.1380274, -0.08544591, -0.03286534, 0.01971428, 0.0722929],
            [0.1248705, 0.17744702, 0.23002243, 0.28259667, 0.33516969],
            [0.38774145, 0.44031188, 0.49288093, 0.54544852, 0.59801459],
        ]
    )
    expected_v = np.asarray(
        [
            [0.69966, 0.68908382, 0.67851319, 0.66794809, 0.65738853],
            [0.64683452, 0.63628604, 0.6257431, 0.61520571, 0.60467385],
            [0.59414753, 0.58362676, 0.57311152, 0.56260183, 0.55209767],
            [0.54159906, 0.53110598, 0.52061845, 0.51013645, 0.49966],
        ]
    )
    expected_m = np.asarray(
        [
            [0.48, 0.49947368, 0.51894737, 0.53842105, 0.55789474],
            [0.57736842, 0.59684211, 0.61631579, 0.63578947, 0.65526316],
            [0.67473684, 0.69421053, 0.71368421, 0.73315789, 0.75263158],
            [0.77210526, 0.79157895, 0.81105263, 0.83052632, 0.85],
        ]
    )
    np.testing.assert_allclose(
        next_w, expected_next_w, rtol=1e-6, err_msg="next_w: increment t first, then bias-correct m and v"
    )
    np.testing.assert_allclose(config["v"], expected_v, rtol=1e-6, err_msg="v")
    np.testing.assert_allclose(config["m"], expected_m, rtol=1e-6, err_msg="m")
    assert config["t"] == 6, "t counts the steps taken: 5 before, 6 after this one"


@pytest.mark.exercise("rprop")
def test_rprop_grows_the_step_while_the_sign_holds_and_shrinks_it_on_a_flip():
    w = np.zeros(2)
    config = {"learning_rate": 0.1}
    w, config = rprop(w, np.array([1.0, 1.0]), config)  # first step: the initial step size
    np.testing.assert_allclose(w, [-0.1, -0.1])
    w, config = rprop(w, np.array([2.0, -3.0]), config)  # same sign / flipped sign
    np.testing.assert_allclose(w, [-0.1 - 0.12, -0.1], err_msg="grow by etaplus; on a flip shrink and do not move")
    np.testing.assert_allclose(config["step_size"], [0.12, 0.05])


@pytest.mark.exercise("adam")
def test_adam_walks_down_a_quadratic_bowl():
    w, config = np.array([3.0, -2.0]), {"learning_rate": 0.1}
    for _ in range(500):
        w, config = adam(w, 2 * w, config)
    assert np.all(np.abs(w) < 0.05), f"minimising |w|^2 from (3, -2) should approach 0, got {w}"


# The rules every update rule follows, previewing the grader's checks: config=None gives
# the defaults, the result is a pair (next_w, config), w and dw are left unchanged, and
# the returned config carries the rule's state to the next call (so two calls in a row
# differ from two fresh calls, except for plain sgd).
RULES = ["sgd", "sgd_momentum", "nesterov_momentum", "adagrad", "rmsprop", "adadelta", "adam", "rprop"]


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.exercise(n), id=n) for n in RULES])
def test_update_rule_returns_the_new_w_and_its_state(name):
    rule = globals()[name]  # the function imported above
    w, dw = np.array([[1.0, -2.0], [0.5, 3.0]]), np.array([[0.3, -0.1], [0.2, 0.4]])
    copies = snapshot(w, dw)
    next_w, config = unpack_pair(rule(w, dw, None), name, "(next_w, config)")
    check_unchanged([w, dw], copies, name, ["w", "dw"])
    assert np.shape(next_w) == w.shape, f"{name}: next_w of shape {np.shape(next_w)}"
    assert isinstance(config, dict) and "learning_rate" in config, f"{name}: the returned config holds the settings"
    assert not np.allclose(next_w, w), f"{name}: the first step did not move w"
    dw2 = np.array([[0.1, -0.3], [0.4, 0.2]])
    second, _ = rule(next_w, dw2, config)
    fresh, _ = rule(next_w, dw2, None)
    if name != "sgd":
        assert not np.allclose(second, fresh), f"{name}: the second step ignored the state in the returned config"
