# Public tests: `pytest exercises/ch7/test_model.py` runs them; `dlgrade check` shows your progress.
"""Public tests for model.py: the layers one by one, then the book's listings 7-1 to 7-7 in the course's words.

Run them with `pytest exercises/ch7/test_model.py`. The listings' data are
random (the book does not seed them), so the tests seed them and check what
must hold for any seed: parameter counts, shapes, a loss that goes down.
"""

import numpy as np
import pytest

from grader.testing import call_unchanged, checked, numerical_gradient

from .model import (
    LSTM,
    Activation,
    Conv2D,
    Convolution2D,
    Dense,
    Dropout,
    EarlyStopping,
    Embedding,
    Flatten,
    MaxPool2D,
    MaxPooling2D,
    Sequential,
    adamax,
    binary_crossentropy,
    categorical_crossentropy,
    get_optimizer,
    mean_squared_error,
    nadam,
    pad_sequences,
    to_categorical,
)


def built(layer, input_shape, seed=0):
    layer.build(input_shape, np.random.default_rng(seed))
    return layer


def check_layer_gradients(layer, x, rng):
    """The layer's backward against central differences of sum(forward(x) * dout), for x and every parameter."""
    out, cache = call_unchanged(layer.forward, x)  # fails naming an input the call changed
    dout = rng.normal(size=out.shape)
    dx, grads = call_unchanged(layer.backward, dout, cache)
    np.testing.assert_allclose(
        dx, numerical_gradient(lambda v: layer.forward(v)[0], x, dout), rtol=1e-5, atol=1e-8, err_msg="dx"
    )
    params = layer.params
    for index, grad in enumerate(grads):

        def with_param(value, index=index):
            layer.params = [*params[:index], value, *params[index + 1 :]]
            return layer.forward(x)[0]

        expected = numerical_gradient(with_param, params[index], dout)
        layer.params = params
        np.testing.assert_allclose(grad, expected, rtol=1e-5, atol=1e-8, err_msg=f"gradient of params[{index}]")


# ---------------------------------------------------------------- layers


@pytest.mark.exercise("Activation")
def test_hard_sigmoid_is_a_clipped_line():
    out, _ = Activation("hard_sigmoid").forward(np.array([[-3.0, -1.0, 0.0, 1.0, 3.0]]))
    np.testing.assert_allclose(out, [[0.0, 0.3, 0.5, 0.7, 1.0]], err_msg="clip(0.2 x + 0.5, 0, 1)")


@pytest.mark.exercise("Activation")
def test_softmax_rows_sum_to_one():
    out, _ = Activation(activation="softmax").forward(np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, 1000.0]]))
    np.testing.assert_allclose(out.sum(axis=1), [1.0, 1.0])
    np.testing.assert_allclose(out[1], [1 / 3] * 3, err_msg="equal scores give equal probabilities")


@pytest.mark.exercise("Activation")
@pytest.mark.parametrize("name", ["linear", "sigmoid", "hard_sigmoid", "tanh", "relu", "softmax"])
def test_activation_backward_matches_numerical_gradient(name):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 4)) * 2
    x[np.abs(x) < 0.1] = 0.5  # keep away from relu's kink
    x[np.abs(np.abs(x) - 2.5) < 0.1] = 1.0  # and from hard_sigmoid's
    check_layer_gradients(Activation(name), x, rng)


@pytest.mark.exercise("Dense")
def test_dense_parameters_and_output():
    layer = built(Dense(3, input_dim=4), (4,))
    W, b = layer.params
    assert W.shape == (4, 3) and b.shape == (3,), "params are [W (input_dim, units), b (units,)]"
    np.testing.assert_array_equal(b, 0.0, err_msg="biases start at zero")
    assert np.abs(W).max() <= np.sqrt(6 / (4 + 3)), "Glorot-uniform weights lie within sqrt(6 / (fan_in + fan_out))"
    x = np.random.default_rng(0).normal(size=(2, 4))
    np.testing.assert_allclose(layer.forward(x)[0], x @ W + b)


@pytest.mark.exercise("Dense")
def test_dense_backward_matches_numerical_gradient():
    rng = np.random.default_rng(2)
    check_layer_gradients(built(Dense(3, activation="tanh"), (5,)), rng.normal(size=(4, 5)), rng)


@pytest.mark.exercise("Flatten")
def test_flatten_the_books_example():
    layer = built(Flatten(), (2, 2, 3))
    assert layer.output_shape == (12,), "an input of 2 x 2 x 3 becomes 12 numbers"
    x = np.arange(24.0).reshape(2, 2, 2, 3)
    out, cache = call_unchanged(layer.forward, x)  # fails naming an input it changed
    np.testing.assert_array_equal(out, x.reshape(2, 12))
    dx = call_unchanged(layer.backward, out, cache)[0]
    np.testing.assert_array_equal(dx, x, err_msg="backward undoes the reshape")


@pytest.mark.exercise("Dropout")
def test_dropout_drops_the_given_share_and_only_in_training():
    layer, x = Dropout(0.25), np.ones((100, 100))
    out, _ = call_unchanged(layer.forward, x, training=True, rng=np.random.default_rng(0))
    assert abs(np.mean(out == 0) - 0.25) < 0.02, "Dropout(0.25) drops a quarter of the units"
    np.testing.assert_allclose(out[out != 0], 1 / 0.75, err_msg="kept units are scaled by 1 / (1 - rate)")
    np.testing.assert_array_equal(layer.forward(x)[0], x, err_msg="outside training dropout changes nothing")


@pytest.mark.exercise("Conv2D")
def test_conv2d_is_channels_last():
    layer = built(Conv2D(4, (3, 3), input_shape=(6, 5, 2)), (6, 5, 2))
    assert [p.shape for p in layer.params] == [(3, 3, 2, 4), (4,)]
    assert layer.output_shape == (4, 3, 4), "'valid': 6x5 becomes 4x3, with 4 channels last"
    out, _ = layer.forward(np.zeros((1, 6, 5, 2)))
    assert out.shape == (1, 4, 3, 4)
    assert built(Conv2D(4, 3, padding="same"), (6, 5, 2)).output_shape == (6, 5, 4), "'same' keeps 6x5"


@pytest.mark.exercise("Conv2D")
def test_conv2d_one_by_one_identity_filter_copies_the_input():
    layer = built(Conv2D(3, 1), (4, 4, 3))
    layer.params = [np.eye(3).reshape(1, 1, 3, 3), np.zeros(3)]
    x = np.random.default_rng(3).normal(size=(2, 4, 4, 3))
    np.testing.assert_allclose(layer.forward(x)[0], x, err_msg="filter f picks channel f: out = x")


@pytest.mark.exercise("Conv2D")
def test_conv2d_backward_matches_numerical_gradient():
    rng = np.random.default_rng(4)
    check_layer_gradients(built(Conv2D(2, (3, 2), padding="same"), (4, 5, 3)), rng.normal(size=(2, 4, 5, 3)), rng)


@pytest.mark.exercise("MaxPool2D")
def test_max_pooling_channels_last():
    layer = built(MaxPool2D(pool_size=(2, 2)), (4, 4, 1))
    x = np.arange(16.0).reshape(1, 4, 4, 1)
    out, cache = call_unchanged(layer.forward, x)
    np.testing.assert_array_equal(out[0, :, :, 0], [[5.0, 7.0], [13.0, 15.0]])
    dx, _ = call_unchanged(layer.backward, np.ones_like(out), cache)
    assert dx.shape == x.shape and dx.sum() == 4, "each window's gradient goes to its maximum"


@pytest.mark.exercise("LSTM")
def test_lstm_shapes_and_forget_bias():
    layer = built(LSTM(3, input_shape=(5, 2)), (5, 2))
    assert [p.shape for p in layer.params] == [(2, 12), (3, 12), (12,)]
    np.testing.assert_array_equal(layer.params[2], [0] * 3 + [1] * 3 + [0] * 6, err_msg="forget-gate bias 1")
    x = np.random.default_rng(5).normal(size=(4, 5, 2))
    assert layer.forward(x)[0].shape == (4, 3), "the last hidden state"
    assert built(LSTM(3, return_sequences=True), (5, 2)).forward(x)[0].shape == (4, 5, 3), "every hidden state"


@pytest.mark.exercise("LSTM")
def test_lstm_backward_matches_numerical_gradient():
    rng = np.random.default_rng(6)
    check_layer_gradients(built(LSTM(2), (3, 2)), rng.normal(size=(2, 3, 2)), rng)


@pytest.mark.exercise("LSTM")
def test_lstm_dropout_in_training_keeps_exact_gradients():
    # dropout_W and dropout_U are given; with the same rng state, the same masks: a deterministic function
    rng = np.random.default_rng(7)
    layer = built(LSTM(3, dropout_W=0.3, dropout_U=0.4), (4, 2))
    x = rng.normal(size=(2, 4, 2))
    out, cache = layer.forward(x, training=True, rng=np.random.default_rng(8))
    dout = rng.normal(size=out.shape)
    dx, _ = layer.backward(dout, cache)
    expected = numerical_gradient(lambda v: layer.forward(v, training=True, rng=np.random.default_rng(8))[0], x, dout)
    np.testing.assert_allclose(dx, expected, rtol=1e-5, atol=1e-8)


@pytest.mark.exercise("Embedding")
def test_embedding_looks_up_rows():
    layer = built(Embedding(5, 3), (4,))
    (W,) = layer.params
    assert W.shape == (5, 3) and np.abs(W).max() <= 0.05, "W ~ U(-0.05, 0.05), one row per index"
    x = np.array([[1, 1, 2, 4], [0, 3, 3, 3]])
    out, cache = call_unchanged(layer.forward, x)
    np.testing.assert_array_equal(out, W[x])
    dout = np.ones_like(out)
    _, (dW,) = call_unchanged(layer.backward, dout, cache)
    np.testing.assert_array_equal(dW[:, 0], [1, 2, 1, 3, 1], err_msg="an index used k times gathers k gradients")


# ---------------------------------------------------------------- losses and optimisers


@pytest.mark.exercise("mean_squared_error")
def test_mse_is_the_mean_over_all_outputs():
    loss, grad = mean_squared_error(np.array([[1.0, 2.0], [3.0, 4.0]]), np.zeros((2, 2)))
    assert loss == pytest.approx((1 + 4 + 9 + 16) / 4), "Keras averages over rows AND outputs"
    np.testing.assert_allclose(grad, 2 * np.array([[1.0, 2.0], [3.0, 4.0]]) / 4)


@pytest.mark.exercise("binary_crossentropy")
def test_binary_crossentropy_book_value_and_clipping():
    loss, _ = binary_crossentropy(np.array([[0.01, 0.01, 0.01]]), np.array([[0.99, 0.99, 0.01]]))
    assert loss == pytest.approx(3.0581, abs=1e-4), "the book's listing 4-7 value"
    loss, grad = binary_crossentropy(np.array([[2.0], [-1.0]]), np.array([[0.0], [1.0]]))
    assert loss == pytest.approx(-np.log(1e-7), rel=1e-6), "outputs outside (0, 1) are clipped: a finite loss"
    np.testing.assert_array_equal(grad, 0.0, err_msg="the clip has slope 0 there")


@pytest.mark.exercise("categorical_crossentropy")
def test_categorical_crossentropy_book_value():
    loss, grad = categorical_crossentropy(np.array([[0.01, 0.01, 0.01]]), np.array([[0.99, 0.99, 0.01]]))
    assert loss == pytest.approx(9.1643, abs=1e-4), "the book's listing 4-7 value"
    np.testing.assert_allclose(grad, -np.array([[0.99, 0.99, 0.01]]) / 0.01)


@pytest.mark.exercise("adamax")
def test_adamax_first_step_has_the_learning_rate_as_size():
    w, dw = np.array([1.0, -2.0, 3.0]), np.array([0.5, -0.01, 2.0])
    next_w, config = adamax(w, dw)
    np.testing.assert_allclose(next_w, w - 2e-3 * np.sign(dw), rtol=1e-6, err_msg="the first step is lr * sign(dw)")
    assert config["t"] == 1


@pytest.mark.exercise("nadam")
def test_nadam_descends_a_quadratic():
    w, config = np.array([3.0, -2.0]), None
    for _ in range(500):
        w, config = nadam(w, 2 * w, config)
    assert np.all(np.abs(w) < [3.0, 2.0]) and np.sum(w**2) < 13 * 0.5, "nadam moves downhill on w**2"


@pytest.mark.exercise("get_optimizer")
def test_get_optimizer_uses_keras_defaults():
    rule, config = get_optimizer("rmsprop")
    assert config["learning_rate"] == 0.001 and config["decay_rate"] == 0.9, "Keras 1's RMSprop: lr 0.001, rho 0.9"
    w, _ = rule(np.zeros(2), np.ones(2), config)
    np.testing.assert_allclose(w, -0.001 / np.sqrt(0.1), rtol=1e-6)


@pytest.mark.exercise("get_optimizer")
def test_the_books_adadelat_typo_is_an_error():
    with pytest.raises(ValueError, match="adadelat"):
        get_optimizer("adadelat")


# ---------------------------------------------------------------- the book's listings


def listing_data(seed, classes=2):
    rng = np.random.default_rng(seed)
    return rng.random((1000, 500)), rng.integers(classes, size=(1000, 1))


@pytest.mark.exercise("Sequential")
def test_listing_7_1_single_layer_network_learns():
    model = Sequential()
    model.add(Dense(1, input_dim=500))
    model.add(Activation(activation="sigmoid"))
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    assert model.count_params() == 501 and model.metrics_names == ["loss", "acc"]
    data, labels = listing_data(0)
    before = model.evaluate(data, labels, verbose=0)
    model.fit(data, labels, nb_epoch=10, batch_size=32, verbose=0)
    after = model.evaluate(data, labels, verbose=0)
    assert after[0] < before[0] and after[1] > 0.5, f"loss and accuracy before {before}, after {after}"


@pytest.mark.exercise("Sequential")
def test_listings_7_2_to_7_4_parameter_counts_and_metrics():
    two_layer = Sequential([Dense(32, input_dim=500), Activation("sigmoid"), Dense(1), Activation("sigmoid")])
    assert two_layer.count_params() == 16065, "500 * 32 + 32 + 32 * 1 + 1"
    multiclass = Sequential([Dense(32, input_dim=500), Activation("relu"), Dense(10), Activation("softmax")])
    assert multiclass.count_params() == 16362
    multiclass.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["categorical_accuracy"])
    data, labels = listing_data(1, classes=10)
    one_hot = np.eye(10)[labels.ravel()]  # what the book's to_categorical (an exercise further down) gives
    history = multiclass.fit(data, one_hot, nb_epoch=2, verbose=0)
    assert multiclass.metrics_names == ["loss", "categorical_accuracy"]
    assert len(history.history["loss"]) == 2 and history.history["loss"][1] < history.history["loss"][0]
    two_layer.compile(optimizer="rmsprop", loss="mse", metrics=["mean_squared_error"])
    loss, mse = two_layer.evaluate(*listing_data(2))
    assert loss == pytest.approx(mse), "listing 7-4 prints the same number twice"


@pytest.mark.exercise("Sequential")
def test_listing_7_5_every_optimiser_trains():
    data, labels = listing_data(3)
    for optimiser in ["sgd", "rmsprop", "adagrad", "adadelta", "adam", "adamax", "nadam"]:
        model = Sequential([Dense(1, input_dim=500), Activation("sigmoid")])
        model.compile(optimizer=optimiser, loss="binary_crossentropy", metrics=["accuracy"])
        before = model.evaluate(data, labels)[0]
        model.fit(data, labels, nb_epoch=2, verbose=0)
        assert model.evaluate(data, labels)[0] < before, f"{optimiser}: the loss went up"
    with pytest.raises(ValueError, match="adadelat"):
        Sequential([Dense(1, input_dim=500)]).compile(optimizer="adadelat", loss="binary_crossentropy")


@pytest.mark.exercise("Sequential")
def test_listing_7_6_linear_output_never_rounds_to_a_label():
    data, labels = listing_data(4)
    model = Sequential([Dense(1, input_dim=500), Activation("linear")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(data, labels, nb_epoch=10, verbose=0)
    loss, accuracy = model.evaluate(data, labels)
    assert 6 < loss < 10, "the clipped cross-entropy of outputs far outside (0, 1) is about 8 (the book: 8.26)"
    assert accuracy == 0.0, "as in the book, no output rounds to 0 or 1"


@pytest.mark.exercise("Sequential")
def test_listing_7_7_cnn_parameter_counts():
    model = Sequential()
    model.add(Convolution2D(32, 3, 3, border_mode="valid", input_shape=(28, 28, 1)))
    model.add(Activation("relu"))
    model.add(Convolution2D(32, 3, 3))
    model.add(Activation("relu"))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Dropout(0.25))
    model.add(Flatten())
    model.add(Dense(128))
    model.add(Activation("relu"))
    model.add(Dropout(0.5))
    model.add(Dense(10))
    model.add(Activation("softmax"))
    assert model.count_params() == 600810
    counts = [layer.count_params() for layer in model.layers if layer.count_params()]
    assert counts == [320, 9248, 589952, 1290]


@pytest.mark.exercise("Sequential")
def test_listing_7_8_lstm_parameter_counts():
    model = Sequential()
    model.add(Embedding(20000, 128, dropout=0.2))
    model.add(LSTM(128, dropout_W=0.2, dropout_U=0.2))
    model.add(Dense(1))
    model.add(Activation("sigmoid"))
    assert [layer.count_params() for layer in model.layers] == [2560000, 131584, 129, 0]
    assert model.count_params() == 2691713


@pytest.mark.exercise("Sequential")
def test_validation_split_holds_out_the_last_examples():
    x, y = np.arange(10.0).reshape(10, 1), np.zeros((10, 1))
    model = Sequential([Dense(1, input_dim=1)], seed=0)
    model.compile(optimizer="sgd", loss="mse")
    model.set_weights([np.ones((1, 1)), np.zeros(1)])
    history = model.fit(x, y, epochs=1, batch_size=10, validation_split=0.2, shuffle=False)
    (w,), b = model.get_weights()
    expected = np.mean((x[8:] * w + b) ** 2)
    assert history.history["val_loss"][0] == pytest.approx(expected), "validation on examples 8 and 9"


# ---------------------------------------------------------------- callbacks and data helpers


@pytest.mark.exercise("EarlyStopping")
def test_early_stopping_waits_patience_epochs():
    callback = EarlyStopping(monitor="val_loss", patience=1)
    callback.on_train_begin()
    for epoch, value in enumerate([1.0, 0.8, 0.9, 0.85, 0.7]):
        callback.on_epoch_end(epoch, {"val_loss": value})
        if callback.stopped_epoch is not None:
            break
    assert callback.stopped_epoch == 3, "0.9 and 0.85 do not beat 0.8: the second such epoch stops training"


@pytest.mark.exercise("to_categorical")
def test_to_categorical():
    np.testing.assert_array_equal(to_categorical(np.array([[2], [0]]), 3), [[0, 0, 1], [1, 0, 0]])
    assert to_categorical([1, 3]).shape == (2, 4), "classes 0 .. max(y)"


@pytest.mark.exercise("pad_sequences")
def test_pad_sequences():
    padded = pad_sequences([[1, 2, 3, 4], [5]], maxlen=3)
    np.testing.assert_array_equal(padded, [[2, 3, 4], [0, 0, 5]], err_msg="Keras pads and truncates in front")
    padded = pad_sequences([[1, 2, 3, 4], [5]], maxlen=3, padding="post", truncating="post", value=-1)
    np.testing.assert_array_equal(padded, [[1, 2, 3], [5, -1, -1]])


@pytest.mark.exercise("Sequential")
def test_fit_predict_and_evaluate_leave_the_data_unchanged():
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(8, 3)), rng.normal(size=(8, 1))
    model = Sequential([Dense(2, input_dim=3, activation="tanh"), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    call_unchanged(model.fit, x, y, epochs=1, batch_size=4)
    call_unchanged(model.predict, x)
    call_unchanged(model.evaluate, x, y)


@pytest.mark.parametrize(
    "name,arguments",
    [
        pytest.param(name, arguments, marks=pytest.mark.exercise(name), id=name)
        for name, arguments in [
            ("mean_squared_error", lambda: (np.array([[0.5, 1.0]]), np.array([[1.0, 1.0]]))),
            ("binary_crossentropy", lambda: (np.array([[0.2, 0.9]]), np.array([[0.0, 1.0]]))),
            ("categorical_crossentropy", lambda: (np.array([[0.2, 0.8]]), np.array([[0.0, 1.0]]))),
            ("adamax", lambda: (np.array([1.0, -1.0]), np.array([0.5, 0.25]), {"learning_rate": 0.1})),
            ("nadam", lambda: (np.array([1.0, -1.0]), np.array([0.5, 0.25]), {"learning_rate": 0.1})),
            ("to_categorical", lambda: ([2, 0, 1],)),
            ("pad_sequences", lambda: ([[1, 2, 3], [4]], 2)),
        ]
    ],
)
def test_losses_rules_and_helpers_leave_their_inputs_unchanged(name, arguments):
    # the function imported above; fails naming a changed input (a rule's config may gain entries)
    checked(globals()[name], ["config"])(*arguments())
