"""utils.lessons.lesson02_numpy_gru (lesson 02): the NumPy GRU matches keras.layers.GRU; its BPTT matches TensorFlow."""

import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

import utils  # noqa: F401  (sets KERAS_BACKEND before keras is imported)
from utils.lessons import lesson02_numpy_gru as numpy_gru

TOLERANCE = 1e-5  # float32, as promised in lesson 02

# (batch, time, input_dim, units): the edge cases named in the issue, then random ones.
EDGE_SHAPES = [
    (1, 1, 1, 1),  # one of everything
    (1, 6, 3, 4),  # batch 1
    (5, 1, 2, 3),  # one time step
    (3, 7, 4, 1),  # one unit
    (2, 9, 1, 6),  # one input feature
    (2, 300, 3, 8),  # a long sequence
    (16, 24, 7, 32),  # a typical small layer
]
RANDOM_SHAPES = [
    tuple(int(v) for v in np.random.default_rng(seed).integers([1, 1, 1, 1], [9, 40, 12, 20])) for seed in range(6)
]


def keras_gru(input_dim, units, reset_after, rng, use_bias=True, dtype="float32"):
    """A built keras.layers.GRU(return_sequences=True) with random (non-zero) biases."""
    layer = keras.layers.GRU(units, return_sequences=True, reset_after=reset_after, use_bias=use_bias, dtype=dtype)
    layer.build((None, None, input_dim))
    weights = layer.get_weights()
    if use_bias:
        weights[2] = rng.normal(0, 0.5, weights[2].shape).astype(dtype)
    layer.set_weights(weights)
    return layer, weights


def run_keras(layer, x, initial_state=None):
    """The layer's output; long sequences run ~5x faster traced by tf.function than eagerly."""
    call = tf.function(layer) if x.shape[1] >= 100 else layer
    return np.asarray(call(x) if initial_state is None else call(x, initial_state=initial_state))


@pytest.mark.parametrize("shape", EDGE_SHAPES + RANDOM_SHAPES, ids=lambda s: "b{}_t{}_d{}_u{}".format(*s))
@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("with_state", [False, True], ids=["zero_state", "initial_state"])
def test_sequence_matches_keras(shape, reset_after, with_state):
    batch, time, input_dim, units = shape
    rng = np.random.default_rng(sum(shape) + 10 * reset_after + 100 * with_state)
    layer, weights = keras_gru(input_dim, units, reset_after, rng)
    x = rng.normal(size=(batch, time, input_dim)).astype("float32")
    h0 = rng.normal(size=(batch, units)).astype("float32") if with_state else None

    ours = numpy_gru.gru_sequence(x, *weights, reset_after=reset_after, initial_state=h0)

    assert ours.shape == (batch, time, units)
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours, run_keras(layer, x, h0), rtol=0, atol=TOLERANCE)


@pytest.mark.parametrize("reset_after", [True, False])
def test_without_bias_matches_keras(reset_after):
    rng = np.random.default_rng(1)
    layer, weights = keras_gru(3, 5, reset_after, rng, use_bias=False)
    x = rng.normal(size=(2, 10, 3)).astype("float32")
    assert len(weights) == 2
    ours = numpy_gru.gru_sequence(x, *weights, None, reset_after=reset_after)
    np.testing.assert_allclose(ours, run_keras(layer, x), rtol=0, atol=TOLERANCE)


@pytest.mark.parametrize("reset_after", [True, False])
def test_cell_matches_keras_cell(reset_after):
    rng = np.random.default_rng(2)
    cell = keras.layers.GRUCell(6, reset_after=reset_after)
    cell.build((None, 4))
    weights = cell.get_weights()
    weights[2] = rng.normal(0, 0.5, weights[2].shape).astype("float32")
    cell.set_weights(weights)
    x_t = rng.normal(size=(3, 4)).astype("float32")
    h_prev = rng.normal(size=(3, 6)).astype("float32")
    expected, _ = cell(x_t, h_prev)
    ours = numpy_gru.gru_cell(x_t, h_prev, *weights, reset_after=reset_after)
    assert ours.shape == (3, 6)
    np.testing.assert_allclose(ours, np.asarray(expected), rtol=0, atol=TOLERANCE)


def test_sequence_is_the_cell_applied_step_by_step():
    rng = np.random.default_rng(3)
    _, weights = keras_gru(2, 3, True, rng)
    x = rng.normal(size=(4, 5, 2)).astype("float32")
    h = np.zeros((4, 3), "float32")
    for t in range(5):
        h = numpy_gru.gru_cell(x[:, t], h, *weights)
    np.testing.assert_array_equal(numpy_gru.gru_sequence(x, *weights)[:, -1], h)


def test_parts_hold_gates_in_range_and_the_same_states():
    rng = np.random.default_rng(4)
    _, weights = keras_gru(3, 4, True, rng)
    x = rng.normal(size=(2, 8, 3)).astype("float32")
    parts = numpy_gru.gru_sequence_parts(x, *weights)
    for field in parts:
        assert field.shape == (2, 8, 4)
    assert ((parts.z > 0) & (parts.z < 1)).all() and ((parts.r > 0) & (parts.r < 1)).all()
    assert (np.abs(parts.candidate) < 1).all()
    np.testing.assert_array_equal(parts.h, numpy_gru.gru_sequence(x, *weights))
    h_prev = np.concatenate([np.zeros((2, 1, 4), "float32"), parts.h[:, :-1]], axis=1)
    np.testing.assert_allclose(parts.h, parts.z * h_prev + (1 - parts.z) * parts.candidate, atol=1e-6)


def test_float64_in_gives_float64_out():
    rng = np.random.default_rng(5)
    _, weights = keras_gru(2, 3, False, rng)
    out = numpy_gru.gru_sequence(rng.normal(size=(1, 4, 2)), *[w.astype("float64") for w in weights], reset_after=False)
    assert out.dtype == np.float64


def test_sigmoid_saturates_without_overflow_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = numpy_gru.sigmoid(np.array([-1e4, -30.0, 0.0, 30.0, 1e4], "float32"))
    np.testing.assert_allclose(values, [0, 0, 0.5, 1, 1], atol=1e-7)


# ---------------------------------------------------------------- BPTT
def tape_gradients(layer, x, h0, grad_h):
    """Gradients of sum(h * grad_h) from TensorFlow's autodiff through keras.layers.GRU."""
    x, h0 = tf.constant(x), tf.constant(h0)
    with tf.GradientTape() as tape:
        tape.watch([x, h0])
        loss = tf.reduce_sum(layer(x, initial_state=h0) * grad_h)
    names = ["x", "initial_state", "kernel", "recurrent_kernel", "bias"][: 2 + len(layer.trainable_weights)]
    return dict(zip(names, tape.gradient(loss, [x, h0, *layer.trainable_weights])))


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("use_bias", [True, False])
def test_gradients_match_gradient_tape(reset_after, use_bias):
    rng = np.random.default_rng(6)
    layer, weights = keras_gru(3, 4, reset_after, rng, use_bias=use_bias, dtype="float64")
    x, h0 = rng.normal(size=(2, 12, 3)), rng.normal(size=(2, 4))
    grad_h = rng.normal(size=(2, 12, 4))
    bias = weights[2] if use_bias else None

    ours = numpy_gru.gru_sequence_gradients(
        x, weights[0], weights[1], bias, grad_h, reset_after=reset_after, initial_state=h0
    )

    for name, expected in tape_gradients(layer, x, h0, grad_h).items():
        assert ours[name].shape == expected.shape, name
        np.testing.assert_allclose(ours[name], np.asarray(expected), rtol=1e-10, atol=1e-12, err_msg=name)
    if not use_bias:
        assert ours["bias"] is None


@pytest.mark.parametrize("reset_after", [True, False])
def test_gradients_match_finite_differences(reset_after):
    rng = np.random.default_rng(7)
    _, weights = keras_gru(2, 3, reset_after, rng, dtype="float64")
    x, grad_h = rng.normal(size=(2, 5, 2)), rng.normal(size=(2, 5, 3))

    def loss(w):
        return float(np.sum(numpy_gru.gru_sequence(x, *w, reset_after=reset_after) * grad_h))

    grads = numpy_gru.gru_sequence_gradients(x, *weights, grad_h, reset_after=reset_after)
    names, eps = ["kernel", "recurrent_kernel", "bias"], 1e-6
    for i, name in enumerate(names):
        numeric = np.zeros_like(weights[i])
        for index in np.ndindex(weights[i].shape):
            plus = [w.copy() for w in weights]
            minus = [w.copy() for w in weights]
            plus[i][index] += eps
            minus[i][index] -= eps
            numeric[index] = (loss(plus) - loss(minus)) / (2 * eps)
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-6, atol=1e-8, err_msg=name)
    assert grads["initial_state"].shape == (2, 3) and grads["x"].shape == x.shape


# ---------------------------------------------------------------- error paths
@pytest.fixture
def weights_after():
    """Weights of a GRU with input_dim 3, units 4, reset_after=True."""
    return np.zeros((3, 12), "float32"), np.zeros((4, 12), "float32"), np.zeros((2, 12), "float32")


def test_bias_of_the_other_layout_is_refused_with_the_fix(weights_after):
    kernel, recurrent_kernel, bias = weights_after
    x = np.zeros((1, 2, 3), "float32")
    with pytest.raises(ValueError, match=r"reset_after=False.*\(12,\).*got \(2, 12\).*pass reset_after=True"):
        numpy_gru.gru_sequence(x, kernel, recurrent_kernel, bias, reset_after=False)
    with pytest.raises(ValueError, match=r"\(2, 12\), got \(12,\).*pass reset_after=False"):
        numpy_gru.gru_sequence(x, kernel, recurrent_kernel, bias[0], reset_after=True)
    with pytest.raises(ValueError, match=r"bias .*\(2, 12\), got \(2, 9\)"):
        numpy_gru.gru_sequence(x, kernel, recurrent_kernel, bias[:, :9])


@pytest.mark.parametrize(
    "kernel_shape, recurrent_shape, message",
    [
        ((3, 12), (4, 10), r"recurrent_kernel must have shape \(units, 3\*units\), got \(4, 10\)"),
        ((3, 12), (12,), r"recurrent_kernel must have shape \(units, 3\*units\), got \(12,\)"),
        ((3, 9), (4, 12), r"kernel must have shape \(input_dim, 3\*units\) = \(input_dim, 12\).*got \(3, 9\)"),
        ((12, 3), (4, 12), r"kernel must have shape .*got \(12, 3\)"),
        ((3, 12, 1), (4, 12), r"kernel must have shape .*got \(3, 12, 1\)"),
    ],
)
def test_wrong_weight_shapes_are_refused(kernel_shape, recurrent_shape, message):
    with pytest.raises(ValueError, match=message):
        numpy_gru.gru_sequence(
            np.zeros((1, 2, 3)), np.zeros(kernel_shape), np.zeros(recurrent_shape), np.zeros((2, 12))
        )


def test_wrong_input_and_state_shapes_are_refused(weights_after):
    w = weights_after
    with pytest.raises(ValueError, match=r"x_t must have shape \(batch, input_dim\) = \(batch, 3\).*x_t\[None\]"):
        numpy_gru.gru_cell(np.zeros(3), np.zeros((1, 4)), *w)
    with pytest.raises(ValueError, match=r"x_t must have shape .*got \(2, 5\)"):
        numpy_gru.gru_cell(np.zeros((2, 5)), np.zeros((2, 4)), *w)
    with pytest.raises(ValueError, match=r"h_prev must have shape \(batch, units\) = \(2, 4\), got \(3, 4\)"):
        numpy_gru.gru_cell(np.zeros((2, 3)), np.zeros((3, 4)), *w)
    with pytest.raises(ValueError, match=r"x must have shape \(batch, time, input_dim\).*got \(5, 3\).*x\[None\]"):
        numpy_gru.gru_sequence(np.zeros((5, 3)), *w)
    with pytest.raises(ValueError, match=r"x must have shape .*got \(1, 5, 2\)"):
        numpy_gru.gru_sequence(np.zeros((1, 5, 2)), *w)
    with pytest.raises(ValueError, match=r"time >= 1.*got \(1, 0, 3\)"):
        numpy_gru.gru_sequence(np.zeros((1, 0, 3)), *w)
    with pytest.raises(ValueError, match=r"initial_state must have shape \(batch, units\) = \(2, 4\), got \(4,\)"):
        numpy_gru.gru_sequence(np.zeros((2, 5, 3)), *w, initial_state=np.zeros(4))
    with pytest.raises(ValueError, match=r"grad_h must have shape \(batch, time, units\) = \(2, 5, 4\)"):
        numpy_gru.gru_sequence_gradients(np.zeros((2, 5, 3)), *w, np.zeros((2, 5, 3)))


def test_reset_after_must_be_a_bool(weights_after):
    with pytest.raises(TypeError, match="reset_after must be True or False"):
        numpy_gru.gru_sequence(np.zeros((1, 2, 3)), *weights_after, reset_after="yes")


# ---------------------------------------------------------------- the picture
def test_cell_diagram_uses_the_equations_symbols_and_keras_block_order():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = numpy_gru.plot_gru_cell()
    texts = {text.get_text(): text.get_position() for text in ax.texts}
    for symbol in ("$h_{t-1}$", "$h_t$", "$x_t$", "$z_t$", "$r_t$", r"$\tilde h_t$", "$1 - z_t$"):
        assert symbol in texts, symbol
    blocks = ["update gate\nKeras block 1", "reset gate\nKeras block 2", "candidate\nKeras block 3"]
    x_positions = [texts[block][0] for block in blocks]
    assert x_positions == sorted(x_positions), "the boxes must stand left to right in Keras's order z, r, h"
    assert "reset_after=False" in ax.get_title()
    plt.close(ax.figure)


# ---------------------------------------------------------------- the speed measurement and the exercise hints
from utils.core.exercises import ExerciseCheckFailed  # noqa: E402


def test_step_microseconds_times_five_variants_and_refuses_bad_sizes():
    times = numpy_gru.step_microseconds(8, steps=5, batch=4, repeats=2)
    assert list(times.index) == list(numpy_gru.STEP_VARIANTS)
    assert (times > 0).all() and np.isfinite(times).all()
    with pytest.raises(ValueError, match="repeats"):
        numpy_gru.step_microseconds(8, repeats=0)
    with pytest.raises(ValueError, match="units"):
        numpy_gru.step_microseconds(0)


def test_the_three_hand_written_steps_compute_the_same_gru():
    x = tf.random.normal((3, 6, 8), seed=2)
    variants = numpy_gru.STEP_VARIANTS[:3]
    finals = [numpy_gru._step_loop(variant, 5, 8, 6, seed=0)(x).numpy() for variant in variants]
    assert not np.allclose(finals[0], finals[1], atol=1e-5)  # the reset placements are different functions
    np.testing.assert_allclose(finals[1], finals[2], atol=1e-6)  # split once or sliced: the same function


def keras_weights(reset_after, input_dim=3, units=4, seed=0):
    rng = np.random.default_rng(seed)
    bias_shape = (2, 3 * units) if reset_after else (3 * units,)
    return [
        rng.normal(0, 0.5, (input_dim, 3 * units)),
        rng.normal(0, 0.5, (units, 3 * units)),
        rng.normal(0, 0.5, bias_shape),
    ]


def test_check_close_naming_mistakes_matches_by_shape_and_value():
    expected = np.zeros((2, 3))
    mistakes = {"time first": np.ones((3, 2)), "same as right": expected, "off": np.full((2, 3), 2.0)}
    with pytest.raises(ExerciseCheckFailed, match="time first"):
        numpy_gru.check_close_naming_mistakes(np.ones((3, 2)), expected, "x", mistakes)
    with pytest.raises(ExerciseCheckFailed, match="off"):
        numpy_gru.check_close_naming_mistakes(np.full((2, 3), 2.0), expected, "x", mistakes)
    with pytest.raises(ExerciseCheckFailed, match="shape"):
        numpy_gru.check_close_naming_mistakes(np.ones((4,)), expected, "x", mistakes)
    numpy_gru.check_close_naming_mistakes(expected, expected, "x", mistakes)
    with pytest.raises(TypeError, match="dict"):
        numpy_gru.check_close_naming_mistakes(expected, expected, "x", None)


@pytest.mark.parametrize("reset_after", [False, True])
def test_step_mistakes_differ_from_the_right_step_and_name_the_swap(reset_after):
    weights = keras_weights(reset_after)
    rng = np.random.default_rng(1)
    x, h = rng.normal(size=(5, 3)), rng.normal(size=(5, 4))
    right = numpy_gru.gru_cell(x, h, *weights, reset_after=reset_after)
    make = numpy_gru.gru_step_reset_after_mistakes if reset_after else numpy_gru.gru_step_mistakes
    mistakes = make(x, h, *weights)
    assert numpy_gru.SWAPPED_HINT in mistakes and numpy_gru.TAKE_NEW_HINT in mistakes
    for hint, value in mistakes.items():
        assert value.shape == right.shape and not np.allclose(value, right), hint


def test_layer_forecast_and_conversion_mistakes():
    weights = keras_weights(True)
    x = np.random.default_rng(2).normal(size=(3, 7, 3))
    h0 = np.random.default_rng(3).normal(size=(3, 4))
    right = numpy_gru.gru_sequence(x, *weights, initial_state=h0)
    layer = numpy_gru.gru_layer_mistakes(x, *weights, initial_state=h0, return_sequences=True, reset_after=True)
    late = next(v for k, v in layer.items() if "one step late" in k)
    np.testing.assert_allclose(late[:, 1:], right[:, :-1])
    head_kernel, head_bias = np.ones((4, 1)), np.array([0.5])
    forecast = numpy_gru.forecast_mistakes(x, weights, head_kernel, head_bias)
    no_bias = next(v for k, v in forecast.items() if "head's bias" in k)
    right_last = numpy_gru.gru_sequence(x, *weights)[:, -1] @ head_kernel + head_bias
    np.testing.assert_allclose(no_bias + head_bias, right_last)
    assert right_last.shape == (3, 1)
    assert "gru_step_reset_after" in numpy_gru.forecast_error_hint(ValueError("split"))
    conversions = numpy_gru.take_the_new_mistakes(x[:, 0], h0, *weights)
    keras_step = numpy_gru.gru_cell(x[:, 0], h0, *weights)
    for hint, value in conversions.items():
        assert not np.allclose(value, keras_step), hint


def test_stacked_bigru_mistakes_are_wrong_counts():
    cases = [(20, (64, 32), 1), (3, (8,), 2)]
    right = [
        2 * 3 * (20 * 64 + 64 * 64 + 2 * 64) + 2 * 3 * (128 * 32 + 32 * 32 + 2 * 32) + 64 + 1,
        2 * 3 * (3 * 8 + 64 + 16) + 16 * 2 + 2,
    ]
    for hint, counts in numpy_gru.stacked_bigru_mistakes(cases).items():
        assert counts != right, hint


def test_remember_hint_names_the_mistakes_and_accepts_the_answer():
    right = ([[0, 0, 1], [-20, 0, 0]], [[0, 0, 0]], [10, 0, 0])
    assert numpy_gru.remember_hint(*right) is None
    reset_shut_by_bias = ([[0, 0, 1], [-20, 0, 0]], [[0, 0, 5]], [10, -10, 0])  # U_h is not 0: the reset gate hides it
    assert numpy_gru.remember_hint(*reset_shut_by_bias) is None
    assert "take-the-new" in numpy_gru.remember_hint([[0, 0, 1], [20, 0, 0]], [[0, 0, 0]], [-10, 0, 0])
    assert "in that order" in numpy_gru.remember_hint([[0, 0, 1], [0, -20, 0]], [[0, 0, 0]], [0, 10, 0])
    assert "still sees the old state" in numpy_gru.remember_hint([[0, 0, 1], [-20, 0, 0]], [[0, 0, 1]], [10, 10, 0])
    assert "far enough" in numpy_gru.remember_hint([[0, 0, 1], [-1, 0, 0]], [[0, 0, 0]], [10, 0, 0])
    assert "not tanh(value)" in numpy_gru.remember_hint([[1, 0, 0], [-20, 0, 0]], [[0, 0, 0]], [10, 0, 0])
    assert "shapes" in numpy_gru.remember_hint([[0, 0, 1]], [[0, 0, 0]], [10, 0, 0])


def test_check_functions_accept_the_course_reference_and_refuse_a_mismatched_layer():
    layer = keras.layers.GRU(4, reset_after=False, return_sequences=True)
    layer.build((None, None, 3))
    x = np.random.default_rng(4).normal(size=(2, 5, 3)).astype("float32")
    h0 = np.zeros((2, 4), "float32")

    def my_step(x_t, h_prev, kernel, recurrent_kernel, bias):
        z, r, hh = np.split(x_t @ kernel + bias, 3, axis=1)
        uz, ur, uh = np.split(recurrent_kernel, 3, axis=1)
        z, r = 1 / (1 + np.exp(-(z + h_prev @ uz))), 1 / (1 + np.exp(-(r + h_prev @ ur)))
        return z * h_prev + (1 - z) * np.tanh(hh + (r * h_prev) @ uh)

    numpy_gru.check_gru_step(my_step, "my_step", layer, x, h0, reset_after=False)
    with pytest.raises(ValueError, match="reset_after"):
        numpy_gru.check_gru_step(my_step, "my_step", layer, x, h0, reset_after=True)
