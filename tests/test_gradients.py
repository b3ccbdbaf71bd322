"""Unit tests of utils.lessons.lesson01_gradients (lesson 01: vanishing and exploding gradients)."""

import keras
import matplotlib
import numpy as np
import pytest

import utils
from utils.lessons.lesson01_gradients import (
    FLOAT32_SMALLEST_NORMAL,
    clip_by_norm,
    gradient_norms_by_lag,
    loss_gradient_norms,
    plot_bptt_diagram,
    plot_gradient_curves,
    smallest_float32_kept,
    typical_by_lag,
)

matplotlib.use("Agg")


def sequences(batch=2, time=12, features=3, seed=0):
    return np.random.default_rng(seed).normal(size=(batch, time, features)).astype("float32")


def linear_rnn(units=4, gain=1.0, seed=0):
    utils.set_seed(seed)
    return keras.layers.SimpleRNN(
        units, activation=None, recurrent_initializer=keras.initializers.Orthogonal(gain=gain)
    )


@pytest.mark.parametrize("gain", [0.5, 1.0, 1.3])
def test_linear_rnn_norms_are_matrix_powers(gain):
    layer = linear_rnn(units=5, gain=gain)
    x = sequences(batch=3, time=15)
    norms = gradient_norms_by_lag(layer, x)
    kernel, recurrent, _ = layer.get_weights()
    expected = [np.linalg.norm(kernel @ np.linalg.matrix_power(recurrent, k)) for k in range(15)]
    assert norms.shape == (3, 15)
    np.testing.assert_allclose(norms, np.tile(expected, (3, 1)), rtol=1e-4)


@pytest.mark.parametrize("cell", [keras.layers.SimpleRNN, keras.layers.GRU, keras.layers.LSTM])
def test_matches_an_explicit_jacobian(cell):
    utils.set_seed(1)
    layer = cell(3)
    x = sequences(batch=1, time=6, features=2)
    import tensorflow as tf

    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        out = layer(xt)
    jacobian = tape.jacobian(out, xt).numpy()[0, :, 0]  # (units, time, features)
    expected = np.sqrt((jacobian**2).sum(axis=(0, 2)))[::-1]
    np.testing.assert_allclose(gradient_norms_by_lag(layer, x)[0], expected, rtol=1e-4, atol=1e-7)


def test_graph_and_eager_paths_agree(monkeypatch):
    import utils.lessons.lesson01_gradients as gradients

    utils.set_seed(5)
    layer = keras.layers.GRU(3)
    x = sequences(batch=1, time=gradients.GRAPH_FROM_LENGTH, features=2)
    traced = gradient_norms_by_lag(layer, x)
    monkeypatch.setattr(gradients, "GRAPH_FROM_LENGTH", 10**9)
    np.testing.assert_allclose(gradient_norms_by_lag(layer, x), traced, rtol=1e-4, atol=1e-30)


def test_sequences_output_and_states_give_the_last_step():
    utils.set_seed(2)
    base = keras.layers.GRU(4)
    x = sequences(time=8)
    expected = gradient_norms_by_lag(base, x)
    with_sequences = keras.layers.GRU(4, return_sequences=True)
    with_state = keras.layers.GRU(4, return_state=True)
    for other in (with_sequences, with_state):
        other.build((None, None, 3))
        other.set_weights(base.get_weights())
        np.testing.assert_allclose(gradient_norms_by_lag(other, x), expected, rtol=1e-5)


def test_sequence_length_one_and_one_feature():
    norms = gradient_norms_by_lag(keras.layers.SimpleRNN(2), np.ones((1, 1, 1), dtype="float32"))
    assert norms.shape == (1, 1) and norms[0, 0] > 0


@pytest.mark.parametrize(
    "bad, message",
    [
        (np.zeros((4, 3)), "shape \\(batch, time, features\\)"),
        (np.zeros((0, 3, 2)), "non-empty"),
        (np.full((1, 3, 2), np.nan), "finite"),
    ],
)
def test_bad_inputs_say_what_is_wrong(bad, message):
    with pytest.raises(ValueError, match=message):
        gradient_norms_by_lag(keras.layers.SimpleRNN(2), bad)


def test_not_a_layer_is_refused():
    with pytest.raises(TypeError, match="Keras layer"):
        gradient_norms_by_lag("GRU", sequences())


def test_a_layer_that_does_not_return_units_is_refused():
    with pytest.raises(ValueError, match="expected \\(batch, units\\)"):
        gradient_norms_by_lag(keras.layers.Reshape((12, 3, 1)), sequences())


def test_tensorflow_flushes_subnormals_so_the_floor_is_the_smallest_normal_float32():
    assert FLOAT32_SMALLEST_NORMAL == float(np.finfo(np.float32).tiny)  # 2**-126, about 1.2e-38
    assert smallest_float32_kept() == FLOAT32_SMALLEST_NORMAL  # measured in TensorFlow on this machine
    assert np.float32(FLOAT32_SMALLEST_NORMAL) / np.float32(2) > 0  # NumPy keeps the subnormal below it


def test_measured_norms_are_zero_or_at_least_the_floor():
    norms = gradient_norms_by_lag(linear_rnn(units=4, gain=0.01), sequences(batch=2, time=40))
    assert np.any(norms == 0), "a gain-0.01 linear RNN underflows within 40 steps"
    assert np.all((norms == 0) | (norms >= FLOAT32_SMALLEST_NORMAL)), "no norm between 0 and the floor"


def test_typical_by_lag_is_a_geometric_mean_with_a_floor():
    norms = np.array([[1.0, 1e-4, 0.0], [100.0, 1e-2, 0.0]])
    typical = typical_by_lag(norms)
    np.testing.assert_allclose(typical, [10.0, 1e-3, FLOAT32_SMALLEST_NORMAL])
    assert typical[2] == FLOAT32_SMALLEST_NORMAL  # all underflowed: exactly the floor, easy to test for
    stacked = np.stack([norms, norms])  # (seeds, sequences, lags)
    np.testing.assert_allclose(typical_by_lag(stacked), typical_by_lag(norms))


@pytest.mark.parametrize("bad", [np.ones(5), np.ones((2, 0)), -np.ones((2, 3)), np.full((2, 3), np.inf)])
def test_typical_by_lag_refuses_what_is_not_norms(bad):
    with pytest.raises(ValueError):
        typical_by_lag(bad)


def test_typical_by_lag_needs_a_positive_floor():
    with pytest.raises(ValueError, match="floor"):
        typical_by_lag(np.ones((2, 3)), floor=0.0)


def test_clip_by_norm_matches_tensorflow():
    import tensorflow as tf

    g = np.random.default_rng(3).normal(size=(4, 5)) * 100
    np.testing.assert_allclose(clip_by_norm(g, 1.0), tf.clip_by_norm(g, 1.0).numpy(), rtol=1e-6)
    np.testing.assert_allclose(clip_by_norm([3.0, 4.0], 1.0), [0.6, 0.8])
    np.testing.assert_allclose(clip_by_norm([3.0, 4.0], 5.0), [3.0, 4.0])  # at the threshold: unchanged


@pytest.mark.parametrize("bad", [0.0, -1.0])
def test_clip_by_norm_needs_a_positive_threshold(bad):
    with pytest.raises(ValueError, match="clipnorm"):
        clip_by_norm([1.0], bad)


def test_loss_gradient_norms_per_weight_and_global():
    utils.set_seed(4)
    model = keras.Sequential([keras.Input((6, 3)), keras.layers.SimpleRNN(4), keras.layers.Dense(1)])
    x, y = sequences(batch=5, time=6), np.ones(5, dtype="float32")
    norms = loss_gradient_norms(model, x, y, keras.losses.MeanSquaredError())
    assert len(norms) == len(model.trainable_variables) + 1
    per_weight = [v for k, v in norms.items() if k != "global"]
    assert all(v >= 0 for v in per_weight)
    assert norms["global"] == pytest.approx(np.sqrt(np.sum(np.square(per_weight))))


def test_loss_gradient_norms_needs_a_built_model():
    model = keras.Sequential([keras.layers.SimpleRNN(4), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="build it"):
        loss_gradient_norms(model, sequences(), np.ones(2), keras.losses.MeanSquaredError())


def test_plots_draw_and_refuse_bad_arguments():
    ax = plot_bptt_diagram(steps=3)
    assert ax.texts  # labels were drawn
    with pytest.raises(ValueError, match="steps"):
        plot_bptt_diagram(steps=1)
    ax = plot_gradient_curves({"a": np.array([1.0, 0.1, 0.0]), "b": np.ones((2, 3))}, title="t")
    assert ax.get_yscale() == "log" and len(ax.get_legend().get_texts()) == 2
    assert any("underflow" in text.get_text() for text in ax.texts)
    ax = plot_gradient_curves({"no zeros": np.array([1.0, 0.1])}, title="t")
    assert not any("underflow" in text.get_text() for text in ax.texts)
    with pytest.raises(ValueError, match="non-empty dict"):
        plot_gradient_curves({}, title="t")
    matplotlib.pyplot.close("all")


# ---------------------------------------------------------------- the LSTM picture and the exercise hints
from utils.core.exercises import ExerciseCheckFailed  # noqa: E402
from utils.lessons import lesson01_gradients as gradients  # noqa: E402


def test_plot_lstm_cell_draws_the_four_blocks_in_keras_order():
    import matplotlib.pyplot as plt

    ax = gradients.plot_lstm_cell()
    texts = " ".join(t.get_text() for t in ax.texts)
    for block, name in [(1, "input gate"), (2, "forget gate"), (3, "candidate"), (4, "output gate")]:
        assert f"{name}\nKeras block {block}" in texts
    plt.close("all")


def weights(features=3, units=5, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.normal(0, 0.5, (features, units)), rng.normal(0, 0.5, (units, units)), rng.normal(0, 0.5, units))


def test_check_close_naming_mistakes_names_the_matching_mistake_only():
    expected = np.array([1.0, 2.0])
    mistakes = {"hint A": np.array([1.0, 3.0]), "hint B": np.array([5.0, 5.0]), "no difference": expected}
    with pytest.raises(ExerciseCheckFailed, match="hint A"):
        gradients.check_close_naming_mistakes([1.0, 3.0], expected, "x", mistakes)
    with pytest.raises(ExerciseCheckFailed, match="far from") as failure:  # no known mistake: the usual message
        gradients.check_close_naming_mistakes([9.0, 9.0], expected, "x", mistakes)
    assert "hint" not in str(failure.value)
    gradients.check_close_naming_mistakes([1.0, 2.0], expected, "x", mistakes)  # right: passes
    with pytest.raises(TypeError, match="dict"):
        gradients.check_close_naming_mistakes([1.0, 2.0], expected, "x", ["hint"])


def test_rnn_step_mistakes_include_the_tanh_and_transpose_mistakes():
    kernel, recurrent, bias = weights()
    rng = np.random.default_rng(1)
    x, h = rng.normal(size=(4, 3)), rng.uniform(-1, 1, (4, 5))
    mistakes = gradients.rnn_step_mistakes(x, h, kernel, recurrent, bias)
    right = np.tanh(x @ kernel + h @ recurrent + bias)
    for hint, value in mistakes.items():
        assert value.shape == right.shape and not np.allclose(value, right), hint
    assert any("tanh is missing" in hint for hint in mistakes)
    assert any("transposed" in hint for hint in mistakes)


def test_rnn_states_mistakes_and_the_shape_hint():
    kernel, recurrent, bias = weights()
    x = np.random.default_rng(2).normal(size=(2, 6, 3))
    mistakes = gradients.rnn_states_mistakes(x, kernel, recurrent, bias)
    late = next(value for hint, value in mistakes.items() if "one step late" in hint)
    np.testing.assert_array_equal(late[:, 0], 0.0)
    assert "one column per unit" in gradients.rnn_states_shape_hint(ValueError("matmul: mismatch"))


def test_jacobian_mistakes_are_stacked_over_lags_and_differ_from_autodiff():
    import tensorflow as tf

    kernel, recurrent, bias = weights(features=2, units=4)
    x = np.random.default_rng(3).normal(size=(7, 2))
    lags = [0, 2, 6]
    mistakes = gradients.jacobian_mistakes(x, kernel, recurrent, bias, lags)
    x_tensor = tf.constant(x[None])
    with tf.GradientTape() as tape:
        tape.watch(x_tensor)
        h = tf.zeros((1, 4), tf.float64)
        for t in range(7):
            h = tf.tanh(x_tensor[:, t] @ kernel + h @ recurrent + bias)
        last = h[0]
    autodiff = tape.jacobian(last, x_tensor)[:, 0].numpy()  # (units, time, features)
    expected = np.stack([autodiff[:, -1 - k] for k in lags])
    for hint, value in mistakes.items():
        assert value.shape[0] == len(lags), hint
        assert value.shape != expected.shape or not np.allclose(value, expected), hint
    with pytest.raises(ValueError, match="one sequence"):
        gradients.jacobian_mistakes(x[None], kernel, recurrent, bias, lags)
    with pytest.raises(ValueError, match="k"):
        gradients.jacobian_mistakes(x, kernel, recurrent, bias, [7])
    with pytest.raises(ValueError, match="empty"):
        gradients.jacobian_mistakes(x, kernel, recurrent, bias, [])


def test_clip_mistakes_concatenate_the_cases():
    rng = np.random.default_rng(4)
    cases = [(rng.normal(size=(4, 3)) * 3, 1.0), (np.array([[3.0, 4.0]]), 10.0)]
    mistakes = gradients.clip_mistakes(cases)
    np.testing.assert_allclose(
        mistakes[next(h for h in mistakes if "clipvalue" in h)][:12], np.clip(cases[0][0], -1, 1).ravel()
    )
    assert all(value.shape == (14,) for value in mistakes.values())
    assert any("matrix 2-norm" in hint for hint in mistakes)  # every case is a matrix
    assert not any("matrix 2-norm" in hint for hint in gradients.clip_mistakes([(np.ones(3), 1.0)]))
    with pytest.raises(ValueError, match="empty"):
        gradients.clip_mistakes([])
    with pytest.raises(ValueError, match="clipnorm"):
        gradients.clip_mistakes([(np.ones(3), -1.0)])
