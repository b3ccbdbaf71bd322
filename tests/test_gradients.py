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
    return keras.layers.SimpleRNN(units, activation=None,
                                  recurrent_initializer=keras.initializers.Orthogonal(gain=gain))


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
    expected = np.sqrt((jacobian ** 2).sum(axis=(0, 2)))[::-1]
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


@pytest.mark.parametrize("bad, message", [
    (np.zeros((4, 3)), "shape \\(batch, time, features\\)"),
    (np.zeros((0, 3, 2)), "non-empty"),
    (np.full((1, 3, 2), np.nan), "finite"),
])
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
