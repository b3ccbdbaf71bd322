"""A GRU in plain NumPy that matches `keras.layers.GRU` exactly (lesson 02).

The weights are taken exactly as `keras.layers.GRU(...).get_weights()` returns them:

- kernel (input_dim, 3*units): the input weights of the gates, in the order z, r, h;
- recurrent_kernel (units, 3*units): the recurrent weights, same order;
- bias (3*units,) when `reset_after=False`, or (2, 3*units) when `reset_after=True`
  (row 0 is added to the input product, row 1 to the recurrent product).
  `None` stands for a layer built with `use_bias=False`.

Rows are examples (`x @ kernel`, as in Keras), and the update follows Keras
(and Cho et al. 2014, and PyTorch):

    z  = sigmoid(x W_z + h_prev U_z + b_z)                update gate
    r  = sigmoid(x W_r + h_prev U_r + b_r)                reset gate
    hh = tanh(x W_h + r * (h_prev U_h + b_rh) + b_h)      candidate, reset_after=True
    hh = tanh(x W_h + (r * h_prev) U_h + b_h)             candidate, reset_after=False
    h  = z * h_prev + (1 - z) * hh                        z near 1 keeps the old state

Only the Keras defaults are covered: activation tanh, recurrent_activation sigmoid,
no dropout, no masking, forward direction. `gru_sequence_gradients` is the matching
hand-written backpropagation through time, which lesson 02 checks against TensorFlow.
`plot_gru_cell` draws one step with the symbols above, the picture lesson 02 opens with.

In lesson 02 the learner writes the step and the loop (checked against Keras); this module
is the reference that the tests, the lesson's optional sections and later lessons use.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..core.exercises import check_close_naming_mistakes  # noqa: F401 (lessons call it from here)
from ..core.plotting import CellDiagram

__all__ = [
    "GRUParts",
    "gru_cell",
    "gru_cell_parts",
    "gru_sequence",
    "gru_sequence_parts",
    "gru_sequence_gradients",
    "plot_gru_cell",
    "sigmoid",
]

WEIGHT_LAYOUT = (
    "Pass the weights as keras.layers.GRU(...).get_weights() returns them: "
    "kernel (input_dim, 3*units), recurrent_kernel (units, 3*units), and bias "
    "(3*units,) for reset_after=False or (2, 3*units) for reset_after=True."
)


class GRUParts(NamedTuple):
    """Everything one GRU step computes: gates, candidate and new state.

    From `gru_cell_parts` each field is (batch, units); from `gru_sequence_parts`
    each is (batch, time, units).
    """

    z: np.ndarray  # update gate
    r: np.ndarray  # reset gate
    candidate: np.ndarray  # h tilde, the proposed new state
    h: np.ndarray  # the new hidden state


def sigmoid(a):
    """The logistic function, written with tanh so that large |a| never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * a))


# ---------------------------------------------------------------- input checks
def _shape_error(what: str, expected: str, got, extra: str = "") -> ValueError:
    return ValueError(f"{what} must have shape {expected}, got {tuple(np.shape(got))}. {extra}".strip())


def _check_weights(kernel, recurrent_kernel, bias, reset_after):
    """Return (kernel, recurrent_kernel, bias, units, input_dim, dtype) after checking shapes."""
    if not isinstance(reset_after, (bool, np.bool_)):
        raise TypeError(f"reset_after must be True or False, got {reset_after!r}")
    kernel, recurrent_kernel = np.asarray(kernel), np.asarray(recurrent_kernel)
    if recurrent_kernel.ndim != 2 or recurrent_kernel.shape[1] != 3 * recurrent_kernel.shape[0]:
        raise _shape_error("recurrent_kernel", "(units, 3*units)", recurrent_kernel, WEIGHT_LAYOUT)
    units = recurrent_kernel.shape[0]
    if units == 0:
        raise _shape_error("recurrent_kernel", "(units, 3*units) with units >= 1", recurrent_kernel)
    if kernel.ndim != 2 or kernel.shape[1] != 3 * units or kernel.shape[0] == 0:
        raise _shape_error(
            "kernel",
            f"(input_dim, 3*units) = (input_dim, {3 * units}) since units = {units}",
            kernel,
            WEIGHT_LAYOUT,
        )
    if bias is not None:
        bias = np.asarray(bias)
        expected = (2, 3 * units) if reset_after else (3 * units,)
        if bias.shape != expected:
            other = (3 * units,) if reset_after else (2, 3 * units)
            hint = (
                f"That is the layout of reset_after={not reset_after}: pass reset_after={not reset_after}, "
                "or the bias of a layer built with the reset_after you pass."
                if bias.shape == other
                else WEIGHT_LAYOUT
            )
            raise _shape_error(f"bias (reset_after={reset_after}, units={units})", str(expected), bias, hint)
    dtype = np.result_type(kernel, recurrent_kernel, *([] if bias is None else [bias]), np.float32)
    return kernel, recurrent_kernel, bias, units, kernel.shape[0], dtype


def _check_state(h, batch, units, what):
    h = np.asarray(h)
    if h.shape != (batch, units):
        raise _shape_error(
            what, f"(batch, units) = ({batch}, {units})", h, "Add a batch axis with h[None] for a single example."
        )
    return h


def _split_bias(bias, units, reset_after, dtype):
    """(input bias, recurrent bias), each (3*units,); zeros where the layer has none."""
    zeros = np.zeros(3 * units, dtype)
    if bias is None:
        return zeros, zeros
    if reset_after:
        return bias[0], bias[1]
    return bias, zeros


# ---------------------------------------------------------------- forward pass
def _step(x_t, h_prev, kernel, recurrent_kernel, input_bias, recurrent_bias, units, reset_after):
    """One GRU step on checked arrays; returns GRUParts of (batch, units) arrays."""
    x_z, x_r, x_h = np.split(x_t @ kernel + input_bias, 3, axis=-1)
    U_z, U_r, U_h = np.split(recurrent_kernel, 3, axis=-1)
    b_rz, b_rr, b_rh = np.split(recurrent_bias, 3)

    z = sigmoid(x_z + h_prev @ U_z + b_rz)
    r = sigmoid(x_r + h_prev @ U_r + b_rr)
    if reset_after:  # reset the recurrent product (Keras default, cuDNN, PyTorch)
        candidate = np.tanh(x_h + r * (h_prev @ U_h + b_rh))
    else:  # reset the state before the product (Cho et al. 2014 v3, Dive into Deep Learning)
        candidate = np.tanh(x_h + (r * h_prev) @ U_h)
    h = z * h_prev + (1 - z) * candidate
    return GRUParts(z, r, candidate, h)


def gru_cell_parts(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after=True) -> GRUParts:
    """One GRU step returning the gates too: GRUParts(z, r, candidate, h), each (batch, units)."""
    kernel, recurrent_kernel, bias, units, input_dim, dtype = _check_weights(
        kernel, recurrent_kernel, bias, reset_after
    )
    x_t = np.asarray(x_t)
    dtype = np.result_type(dtype, x_t)
    if x_t.ndim != 2 or x_t.shape[1] != input_dim:
        raise _shape_error(
            "x_t",
            f"(batch, input_dim) = (batch, {input_dim})",
            x_t,
            "Add a batch axis with x_t[None] for a single example.",
        )
    h_prev = _check_state(h_prev, x_t.shape[0], units, "h_prev")
    input_bias, recurrent_bias = _split_bias(bias, units, reset_after, dtype)
    return _step(
        x_t.astype(dtype),
        h_prev.astype(dtype),
        kernel.astype(dtype),
        recurrent_kernel.astype(dtype),
        input_bias.astype(dtype),
        recurrent_bias.astype(dtype),
        units,
        reset_after,
    )


def gru_cell(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after=True) -> np.ndarray:
    """One GRU step: x_t (batch, input_dim), h_prev (batch, units) -> h_t (batch, units)."""
    return gru_cell_parts(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after).h


def gru_sequence_parts(x, kernel, recurrent_kernel, bias, reset_after=True, initial_state=None) -> GRUParts:
    """Run the GRU over x (batch, time, input_dim); every field is (batch, time, units)."""
    kernel, recurrent_kernel, bias, units, input_dim, dtype = _check_weights(
        kernel, recurrent_kernel, bias, reset_after
    )
    x = np.asarray(x)
    dtype = np.result_type(dtype, x)
    if x.ndim != 3 or x.shape[2] != input_dim or x.shape[1] == 0:
        raise _shape_error(
            "x",
            f"(batch, time, input_dim) = (batch, time >= 1, {input_dim})",
            x,
            "Add a batch axis with x[None] for a single sequence.",
        )
    batch, time = x.shape[:2]
    h = (
        np.zeros((batch, units), dtype)
        if initial_state is None
        else _check_state(initial_state, batch, units, "initial_state").astype(dtype)
    )
    weights = (
        kernel.astype(dtype),
        recurrent_kernel.astype(dtype),
        *(b.astype(dtype) for b in _split_bias(bias, units, reset_after, dtype)),
    )
    steps = []
    for t in range(time):
        steps.append(_step(x[:, t].astype(dtype), h, *weights, units, reset_after))
        h = steps[-1].h
    return GRUParts(*(np.stack(field, axis=1) for field in zip(*steps)))


def gru_sequence(x, kernel, recurrent_kernel, bias, reset_after=True, initial_state=None) -> np.ndarray:
    """All hidden states (batch, time, units), like keras.layers.GRU(return_sequences=True)."""
    return gru_sequence_parts(x, kernel, recurrent_kernel, bias, reset_after, initial_state).h


# ---------------------------------------------------------------- backpropagation through time
def gru_sequence_gradients(x, kernel, recurrent_kernel, bias, grad_h, reset_after=True, initial_state=None) -> dict:
    """Backpropagation through time for `gru_sequence`, by hand.

    grad_h (batch, time, units) is dL/dh_t of a loss L that reads the hidden states
    directly (for L = sum(h * g) it is g). Returns the gradients of L with respect to
    "x", "kernel", "recurrent_kernel", "bias" (None without bias) and "initial_state",
    each with the shape of its argument (the initial state defaults to zeros).
    """
    kernel, recurrent_kernel, bias, units, input_dim, dtype = _check_weights(
        kernel, recurrent_kernel, bias, reset_after
    )
    parts = gru_sequence_parts(x, kernel, recurrent_kernel, bias, reset_after, initial_state)
    dtype = parts.h.dtype
    x = np.asarray(x, dtype)
    batch, time = x.shape[:2]
    grad_h = np.asarray(grad_h)
    if grad_h.shape != (batch, time, units):
        raise _shape_error("grad_h", f"(batch, time, units) = ({batch}, {time}, {units})", grad_h)
    h0 = np.zeros((batch, units), dtype) if initial_state is None else np.asarray(initial_state, dtype)
    h_prevs = np.concatenate([h0[:, None], parts.h[:, :-1]], axis=1)
    kernel, recurrent_kernel = kernel.astype(dtype), recurrent_kernel.astype(dtype)
    U_z, U_r, U_h = np.split(recurrent_kernel, 3, axis=-1)
    b_rh = _split_bias(bias, units, reset_after, dtype)[1][2 * units :]

    d_x, d_kernel = np.zeros_like(x), np.zeros_like(kernel)
    d_recurrent = np.zeros_like(recurrent_kernel)
    d_input_bias, d_recurrent_bias = np.zeros(3 * units, dtype), np.zeros(3 * units, dtype)
    d_h_next = np.zeros((batch, units), dtype)  # dL/dh_t arriving from step t+1
    for t in reversed(range(time)):
        z, r, cand = parts.z[:, t], parts.r[:, t], parts.candidate[:, t]
        h_prev, x_t = h_prevs[:, t], x[:, t]
        d_h = grad_h[:, t] + d_h_next
        # h = z * h_prev + (1 - z) * cand
        d_pre_z = d_h * (h_prev - cand) * z * (1 - z)
        d_pre_cand = d_h * (1 - z) * (1 - cand**2)
        d_h_prev = d_h * z
        if reset_after:  # cand = tanh(x_h + r * (h_prev U_h + b_rh))
            rec_h = h_prev @ U_h + b_rh
            d_pre_r = d_pre_cand * rec_h * r * (1 - r)
            d_rec = np.concatenate([d_pre_z, d_pre_r, d_pre_cand * r], axis=-1)
            d_recurrent += h_prev.T @ d_rec
            d_recurrent_bias += d_rec.sum(axis=0)
            d_h_prev += d_rec @ recurrent_kernel.T
        else:  # cand = tanh(x_h + (r * h_prev) U_h)
            d_reset_state = d_pre_cand @ U_h.T
            d_pre_r = d_reset_state * h_prev * r * (1 - r)
            d_rec_zr = np.concatenate([d_pre_z, d_pre_r], axis=-1)
            d_recurrent[:, : 2 * units] += h_prev.T @ d_rec_zr
            d_recurrent[:, 2 * units :] += (r * h_prev).T @ d_pre_cand
            d_h_prev += d_rec_zr @ np.concatenate([U_z, U_r], axis=-1).T + d_reset_state * r
        d_in = np.concatenate([d_pre_z, d_pre_r, d_pre_cand], axis=-1)
        d_kernel += x_t.T @ d_in
        d_input_bias += d_in.sum(axis=0)
        d_x[:, t] = d_in @ kernel.T
        d_h_next = d_h_prev

    if bias is None:
        d_bias = None
    elif reset_after:
        d_bias = np.stack([d_input_bias, d_recurrent_bias])
    else:
        d_bias = d_input_bias
    return {"x": d_x, "kernel": d_kernel, "recurrent_kernel": d_recurrent, "bias": d_bias, "initial_state": d_h_next}


# ---------------------------------------------------------------- the picture
def plot_gru_cell(ax=None):
    """Draw one GRU step (reset_after=False) with the symbols of lesson 02's equations.

    The three boxes are the gates and the candidate, left to right in the order Keras
    stores their weights (blocks 1, 2, 3 of `kernel`, `recurrent_kernel` and `bias`:
    z, r, h). The state h_{t-1} runs along the top; the update gate keeps z_t of it and
    adds (1 - z_t) of the candidate. Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(11, 5.6))[1]
    state, gate, data = "#1f77b4", "#2ca02c", "#7f7f7f"

    diagram = CellDiagram(ax)
    line, node, box = diagram.line, diagram.node, diagram.box

    z_x, r_x, reset_x, cand_x, y_box = 3.0, 5.3, 7.0, 8.7, 3.2
    keep_x, mix_x, plus_x, rail = 3.0, 10.5, 10.5, 6.2
    # the state rail: h_{t-1} -> (z * h_{t-1}) -> (+) -> h_t
    ax.text(0.0, rail, "$h_{t-1}$", ha="right", va="center", fontsize=14, color=state)
    line([(0.1, rail), (keep_x - 0.26, rail)], state)
    line([(keep_x + 0.26, rail), (plus_x - 0.26, rail)], state)
    line([(plus_x + 0.26, rail), (12.0, rail)], state)
    ax.text(12.1, rail, "$h_t$", ha="left", va="center", fontsize=14, color=state)
    node(keep_x, rail, "×")
    node(plus_x, rail, "+")
    # h_{t-1} and x_t feed the boxes from below
    line([(0.9, rail), (0.9, 1.9), (reset_x, 1.9), (reset_x, y_box - 0.26)], state)
    for x in (z_x - 0.4, r_x - 0.4):
        line([(x, 1.9), (x, y_box - 0.6)], state)
    ax.text(0.0, 0.8, "$x_t$", ha="right", va="center", fontsize=14, color=data)
    line([(0.1, 0.8), (cand_x + 0.3, 0.8)], data, arrow=False)
    for x in (z_x + 0.3, r_x + 0.3, cand_x + 0.3):
        line([(x, 0.8), (x, y_box - 0.6)], data)
    # the gates and the candidate
    box(z_x, y_box, r"$z_t = \sigma(\cdot)$", "update gate", 1, gate)
    box(r_x, y_box, r"$r_t = \sigma(\cdot)$", "reset gate", 2, gate)
    box(cand_x, y_box, r"$\tilde h_t = \tanh(\cdot)$", "candidate", 3, "#d62728")
    node(reset_x, y_box, "×")
    line([(r_x + 0.95, y_box), (reset_x - 0.26, y_box)], gate)
    ax.text((r_x + 0.95 + reset_x - 0.26) / 2, y_box + 0.15, "$r_t$", ha="center", fontsize=11, color=gate)
    line([(reset_x + 0.26, y_box), (cand_x - 0.95, y_box)], state)
    ax.text(reset_x + 0.12, 2.25, r"$r_t \odot h_{t-1}$", ha="left", va="center", fontsize=10, color=state)
    # the update: z_t keeps the old state, 1 - z_t lets the candidate in
    line([(z_x, y_box + 0.55), (keep_x, rail - 0.26)], gate)
    ax.text(z_x + 0.1, 5.0, "$z_t$", ha="left", fontsize=11, color=gate)
    line([(z_x, 4.55), (mix_x - 1.55, 4.55)], gate)
    node(mix_x - 1.3, 4.55, "1−", fontsize=10)
    line([(mix_x - 1.04, 4.55), (mix_x - 0.26, 4.55)], gate)
    ax.text(mix_x - 0.65, 4.7, "$1 - z_t$", ha="center", fontsize=10, color=gate)
    node(mix_x, 4.55, "×")
    line([(cand_x + 0.95, y_box), (mix_x, y_box), (mix_x, 4.55 - 0.26)], "#d62728")
    ax.text(mix_x + 0.1, y_box + 0.35, r"$\tilde h_t$", ha="left", fontsize=11, color="#d62728")
    line([(mix_x, 4.55 + 0.26), (plus_x, rail - 0.26)], state)
    ax.text(keep_x + 0.35, rail + 0.3, r"$z_t \odot h_{t-1}$", ha="left", fontsize=10, color=state)
    ax.text(mix_x + 0.15, 5.3, r"$(1 - z_t) \odot \tilde h_t$", ha="left", fontsize=10, color=state)
    ax.text(
        6.0,
        -0.1,
        r"Keras stores the blocks side by side in the order z, r, h: kernel $[W_z | W_r | W_h]$, "
        r"recurrent_kernel $[U_z | U_r | U_h]$, bias $[b_z | b_r | b_h]$",
        ha="center",
        fontsize=9,
    )
    ax.set(xlim=(-0.8, 12.8), ylim=(-0.4, 6.9))
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(
        r"One GRU step: $h_t = z_t \odot h_{t-1} + (1 - z_t) \odot \tilde h_t$ "
        "(reset before the product, reset_after=False)"
    )
    return ax


# ---------------------------------------------------------------- CPU speed of the two reset placements
STEP_VARIANTS = (
    "one product (reset_after=True)",
    "two products, kernel split once",
    "two products, kernel sliced every step (Keras's reset_after=False)",
    "keras.layers.GRU(reset_after=True)",
    "keras.layers.GRU(reset_after=False)",
)


def _step_loop(variant: str, units: int, features: int, steps: int, seed: int):
    """A tf.function running `steps` GRU steps of one variant (autograph turns the loop into a while loop)."""
    import tensorflow as tf

    rng = np.random.default_rng(seed)
    kernel = tf.Variable(rng.normal(0, 0.1, (features, 3 * units)).astype("float32"))
    recurrent = tf.Variable(rng.normal(0, 0.1, (units, 3 * units)).astype("float32"))
    bias = tf.Variable(np.zeros((2, 3 * units), "float32"))
    recurrent_zr = tf.Variable(recurrent[:, : 2 * units])  # split once, outside the loop
    recurrent_h = tf.Variable(recurrent[:, 2 * units :])

    @tf.function
    def run(x):
        h = tf.zeros((tf.shape(x)[0], units))
        time_major = tf.transpose(x, [1, 0, 2])  # as Keras's loop reads its inputs: one step at a time
        for t in tf.range(steps):
            x_z, x_r, x_h = tf.split(tf.matmul(time_major[t], kernel) + bias[0], 3, axis=-1)
            if variant == STEP_VARIANTS[0]:
                h_z, h_r, h_h = tf.split(tf.matmul(h, recurrent) + bias[1], 3, axis=-1)
                z, r = tf.sigmoid(x_z + h_z), tf.sigmoid(x_r + h_r)
                candidate = tf.tanh(x_h + r * h_h)
            else:
                zr = tf.matmul(h, recurrent_zr if variant == STEP_VARIANTS[1] else recurrent[:, : 2 * units])
                h_z, h_r = tf.split(zr, 2, axis=-1)
                z, r = tf.sigmoid(x_z + h_z), tf.sigmoid(x_r + h_r)
                last = recurrent_h if variant == STEP_VARIANTS[1] else recurrent[:, 2 * units :]
                candidate = tf.tanh(x_h + tf.matmul(r * h, last))
            h = z * h + (1 - z) * candidate
        return h

    return run


def step_microseconds(
    units: int, steps: int = 100, batch: int = 32, features: int = 8, repeats: int = 15, warmup: int = 5, seed: int = 0
):
    """Median time per step (µs) of a compiled GRU forward pass, five ways, on this machine's CPU/GPU.

    Three hand-written steps isolate what differs between the reset placements: one
    recurrent product per step (reset_after=True); two products with the recurrent kernel
    split into its (z, r) and h blocks once, before the loop; two products that slice the
    kernel inside every step, as Keras's GRUCell does for reset_after=False. The two Keras
    layers are timed too. Every variant is traced and then run `warmup` times untimed (the
    first runs after tracing are slower), then the variants are run in turn `repeats` times,
    so that a busy moment of a shared machine hits them all; the
    result is the median over the repeats divided by `steps`. Returns a pandas Series.
    """
    import keras
    import pandas as pd
    import tensorflow as tf

    from ..core import checks
    from ..core.timer import Timer

    for name, value in (
        ("units", units),
        ("steps", steps),
        ("batch", batch),
        ("features", features),
        ("repeats", repeats),
    ):
        checks.positive_int(name, value)
    checks.whole_number("warmup", warmup, minimum=0)
    x = tf.random.normal((batch, steps, features), seed=seed)
    runs = {variant: _step_loop(variant, units, features, steps, seed) for variant in STEP_VARIANTS[:3]}
    for reset_after, variant in ((True, STEP_VARIANTS[3]), (False, STEP_VARIANTS[4])):
        runs[variant] = tf.function(keras.layers.GRU(units, reset_after=reset_after))
    for _ in range(1 + warmup):  # trace, then warm up; not timed
        for run in runs.values():
            run(x).numpy()
    seconds = {variant: [] for variant in runs}
    for _ in range(repeats):
        for variant, run in runs.items():
            with Timer() as timer:
                run(x).numpy()
            seconds[variant].append(timer.seconds)
    return pd.Series(
        {variant: 1e6 * float(np.median(s)) / steps for variant, s in seconds.items()},
        name=f"µs per step, {units} units",
    )


# ---------------------------------------------------------------- hints for lesson 02's exercises
# A check that only says "far from the expected value" does not teach. These helpers compute
# what the most common mistakes give, so that a check can name the mistake (never the
# expected values or weights).


def _blocks(weight, order):
    """The z, r, h blocks of a weight (last axis) rearranged: order (1, 0, 2) swaps z and r."""
    parts = np.split(np.asarray(weight, dtype=float), 3, axis=-1)
    return np.concatenate([parts[i] for i in order], axis=-1)


def _negate_z(weight):
    weight = np.array(weight, dtype=float)
    weight[..., : weight.shape[-1] // 3] *= -1
    return weight


SWAPPED_HINT = (
    "the update and reset gates are swapped: Keras stores the blocks in the order z, r, h "
    "(PyTorch's order, r, z, n, is a different one)."
)
TAKE_NEW_HINT = (
    "that is the take-the-new update: in Keras z near 1 keeps the old state, so z multiplies "
    "h_prev and 1 - z the candidate."
)


def gru_step_mistakes(x_t, h_prev, kernel, recurrent_kernel, bias) -> dict:
    """What the common mistakes in lesson 02's Exercise 2 (a reset_after=False step) give, by hint."""
    weights = [np.asarray(w, dtype=float) for w in (kernel, recurrent_kernel, bias)]
    swap = [_blocks(w, (1, 0, 2)) for w in weights]
    return {
        SWAPPED_HINT: gru_cell(x_t, h_prev, *swap, reset_after=False),
        TAKE_NEW_HINT: gru_cell(x_t, h_prev, *[_negate_z(w) for w in weights], reset_after=False),
        "the reset gate multiplies h_prev @ U_h, after the product: that is reset_after=True. Here the "
        "reset gate multiplies h_prev before the product.": gru_cell(
            x_t, h_prev, weights[0], weights[1], np.stack([weights[2], 0 * weights[2]])
        ),
        "the bias is missing.": gru_cell(x_t, h_prev, weights[0], weights[1], 0 * weights[2], reset_after=False),
    }


def gru_step_reset_after_mistakes(x_t, h_prev, kernel, recurrent_kernel, bias) -> dict:
    """What the common mistakes in lesson 02's Exercise 4 (a reset_after=True step) give, by hint."""
    kernel, recurrent_kernel, bias = (np.asarray(w, dtype=float) for w in (kernel, recurrent_kernel, bias))
    units = recurrent_kernel.shape[0]
    moved = bias.copy()
    moved[0, 2 * units :] += bias[1, 2 * units :]
    moved[1, 2 * units :] = 0
    return {
        "the recurrent bias row (bias[1]) is missing: it is added to h_prev @ recurrent_kernel.": gru_cell(
            x_t, h_prev, kernel, recurrent_kernel, np.stack([bias[0], 0 * bias[1]])
        ),
        "the candidate's part of bias[1] is added outside the reset gate (to the input product, or after "
        "the reset): with reset_after=True the reset gate multiplies h_prev @ U_h plus that bias.": gru_cell(
            x_t, h_prev, kernel, recurrent_kernel, moved
        ),
        "the reset gate multiplies h_prev before the product: that is reset_after=False. Here it multiplies "
        "the h block of the recurrent product.": gru_cell(
            x_t, h_prev, kernel, recurrent_kernel, bias[0] + bias[1], reset_after=False
        ),
        SWAPPED_HINT: gru_cell(x_t, h_prev, *[_blocks(w, (1, 0, 2)) for w in (kernel, recurrent_kernel, bias)]),
        TAKE_NEW_HINT: gru_cell(x_t, h_prev, *[_negate_z(w) for w in (kernel, recurrent_kernel, bias)]),
    }


def gru_layer_mistakes(
    x, kernel, recurrent_kernel, bias, initial_state=None, return_sequences=False, reset_after=False
) -> dict:
    """What the common mistakes in lesson 02's Exercise 3 (the loop over time) give, by hint."""
    x = np.asarray(x, dtype=float)
    units = np.shape(recurrent_kernel)[0]
    h0 = np.zeros((x.shape[0], units)) if initial_state is None else np.asarray(initial_state, dtype=float)
    states = gru_sequence(x, kernel, recurrent_kernel, bias, reset_after=reset_after, initial_state=h0)
    not_carried = np.stack(
        [gru_cell(x[:, t], h0, kernel, recurrent_kernel, bias, reset_after=reset_after) for t in range(x.shape[1])],
        axis=1,
    )
    late = np.concatenate([h0[:, None], states[:, :-1]], axis=1)
    zero_start = gru_sequence(x, kernel, recurrent_kernel, bias, reset_after=reset_after)
    pick = (lambda s: s) if return_sequences else (lambda s: s[:, -1])
    mistakes = {
        "the state is not carried: every step starts from the initial state instead of the state the "
        "previous step produced.": pick(not_carried),
        "your states are one step late: you collected each state before the update, so the first one is "
        "h_0 and the last state is missing.": late if return_sequences else late[:, -1],
        "initial_state is ignored: start from it when it is given, from zeros only when it is None.": pick(zero_start),
        "the states are stacked with time first; stack them on axis 1, (batch, time, units).": np.swapaxes(
            states, 0, 1
        ),
    }
    if not return_sequences:
        mistakes["return_sequences=False must return only the last state, shape (batch, units)."] = states
        mistakes["that is the first state; return_sequences=False returns the last one."] = states[:, 0]
    return mistakes


def forecast_mistakes(x_windows, gru_weights, head_kernel, head_bias) -> dict:
    """What the common mistakes in lesson 02's Exercise 5 (the trained model's forecasts) give, by hint."""
    kernel, recurrent_kernel, bias = gru_weights
    states = gru_sequence(x_windows, kernel, recurrent_kernel, bias)
    head = np.asarray(head_kernel, dtype=float)
    return {
        "the head's bias is missing: the Dense layer computes h_T @ head_kernel + head_bias.": states[:, -1] @ head,
        "the forecast reads an average of the states; the head reads the last state only.": states.mean(axis=1) @ head
        + head_bias,
        "the forecast reads the first state; the head reads the last one.": states[:, 0] @ head + head_bias,
        "that is the reset_after=False step with one bias row; this model's GRU is reset_after=True "
        "(Keras's default), so it needs your gru_step_reset_after and both bias rows.": gru_sequence(
            x_windows, kernel, recurrent_kernel, bias[0], reset_after=False
        )[:, -1]
        @ head
        + head_bias,
        "the windows are read backwards in time.": gru_sequence(
            np.asarray(x_windows)[:, ::-1], kernel, recurrent_kernel, bias
        )[:, -1]
        @ head
        + head_bias,
    }


def forecast_error_hint(error: Exception) -> str:
    """The hint for an error raised inside the learner's forecast function (Exercise 5)."""
    return (
        f"Not yet: running your forecast raised {type(error).__name__}: {error}. This model's GRU uses "
        "Keras's default, reset_after=True: its bias has two rows, which only your gru_step_reset_after "
        "reads, and your gru_layer uses gru_step unless you pass another step."
    )


def stacked_bigru_mistakes(cases) -> dict:
    """What the common mistakes in lesson 02's Exercise 6 give for each (input_dim, widths, outputs)."""

    def gru(d, h, reset_after=True):
        return 3 * (d * h + h * h + (2 if reset_after else 1) * h)

    def count(
        input_dim,
        widths,
        outputs,
        per_layer=2,
        reads=2,
        reset_after=True,
        head_reads=2,
        head_bias=True,
        from_input=False,
    ):
        total, features = 0, input_dim
        for width in widths:
            total += per_layer * gru(input_dim if from_input else features, width, reset_after)
            features = reads * width
        return total + head_reads * widths[-1] * outputs + (outputs if head_bias else 0)

    variants = {
        "a Bidirectional layer holds two GRUs, one per direction; you counted one.": dict(per_layer=1),
        "the layer after a Bidirectional one reads both directions, 2 * width features; you counted width.": dict(
            reads=1, head_reads=2
        ),
        "that is the reset_after=False formula; the layers use Keras's default, reset_after=True.": dict(
            reset_after=False
        ),
        "the Dense head reads both directions of the last layer; you counted one.": dict(head_reads=1),
        "every layer after the first reads the layer before it, not the input features.": dict(from_input=True),
        "the Dense layer's bias is missing (one per output).": dict(head_bias=False),
    }
    return {hint: [count(*case, **options) for case in cases] for hint, options in variants.items()}


def take_the_new_mistakes(x_t, h_prev, kernel, recurrent_kernel, bias) -> dict:
    """What take-the-new steps with wrongly converted weights give, by hint (Exercise 7).

    A take-the-new step with weights w computes the Keras step with the update gate's
    columns of w negated, which is how these are computed.
    """
    kernel, recurrent_kernel, bias = (np.asarray(w, dtype=float) for w in (kernel, recurrent_kernel, bias))
    units = recurrent_kernel.shape[0]

    def take_new(k, u, b):
        return gru_cell(x_t, h_prev, _negate_z(k), _negate_z(u), _negate_z(b))

    z_cols = slice(0, units)
    only_input_row = _negate_z(bias)
    only_input_row[1, z_cols] = bias[1, z_cols]
    reset_cols = [w.copy() for w in (kernel, recurrent_kernel, bias)]
    for w in reset_cols:
        w[..., units : 2 * units] *= -1
    one_minus = [w.copy() for w in (kernel, recurrent_kernel, bias)]
    for w in one_minus:
        w[..., z_cols] = 1 - w[..., z_cols]
    return {
        "the update gate's bias is unchanged: z' = 1 - z needs the whole pre-activation negated, bias "
        "included.": take_new(_negate_z(kernel), _negate_z(recurrent_kernel), bias),
        "only one bias row of the update gate is negated; reset_after=True has two (bias[0] and bias[1]).": take_new(
            _negate_z(kernel), _negate_z(recurrent_kernel), only_input_row
        ),
        "you changed the reset gate's columns; the convention is about the update gate, block z.": take_new(
            *reset_cols
        ),
        "every weight is negated; only the update gate's columns change.": take_new(-kernel, -recurrent_kernel, -bias),
        "1 - w is not the same as -w: 1 - sigmoid(a) = sigmoid(-a) negates the pre-activation.": take_new(*one_minus),
    }


def remember_hint(kernel, recurrent_kernel, bias):
    """A hint naming what is wrong with hand-set weights for lesson 02's Exercise 1, or None.

    Runs the weights on probe sequences (one marker at step 3 of 8) and looks at the
    update gate between the markers and at the marker, and at the candidate at the marker.
    """
    kernel, recurrent_kernel, bias = (np.asarray(w, dtype=float) for w in (kernel, recurrent_kernel, bias))
    if kernel.shape != (2, 3) or recurrent_kernel.shape != (1, 3) or bias.shape != (3,):
        return (
            f"the shapes are kernel {kernel.shape}, recurrent_kernel {recurrent_kernel.shape}, bias "
            f"{bias.shape}; the exercise asks for (2, 3), (1, 3) and (3,): rows value and marker, columns z, r, h."
        )
    rng = np.random.default_rng(0)
    values = rng.uniform(-1, 1, (16, 8))
    markers = np.zeros((16, 8))
    markers[:, 3] = 1
    x = np.stack([values, markers], axis=-1)
    h0 = rng.uniform(-1, 1, (16, 1))
    parts = gru_sequence_parts(x, kernel, recurrent_kernel, bias, reset_after=False, initial_state=h0)
    flipped = gru_sequence_parts(x, kernel, recurrent_kernel, bias, reset_after=False, initial_state=-h0)
    between = np.delete(parts.z, 3, axis=1)
    at_marker = parts.z[:, 3]
    if between.mean() < 0.5 and at_marker.mean() > 0.5:
        return (
            "that is the take-the-new reading: in Keras z near 1 keeps the old state and z near 0 writes "
            "the candidate, so your unit rewrites its state everywhere except at the marker."
        )
    if between.min() < 0.99:
        if bias[1] > bias[0] and kernel[1, 1] < kernel[1, 0]:
            return (
                "the columns are z, r, h in that order: your settings for holding the state sit in the "
                "reset gate's column."
            )
        return (
            "between markers the state must be held, whatever the value: the update gate must stay close "
            "to 1 there, and yours does not."
        )
    if at_marker.max() > 0.01:
        return (
            "at the marker the update gate must let the candidate in (z close to 0); the marker's weight "
            "on z does not move it far enough."
        )
    if np.abs(parts.candidate[:, 3] - flipped.candidate[:, 3]).max() > 0.01:
        return (
            "at the marker the candidate still sees the old state: it must depend on the value only "
            "(through U_h, or through a reset gate that shuts at the marker)."
        )
    if np.abs(parts.candidate[:, 3, 0] - np.tanh(values[:, 3])).max() > 0.02:
        return (
            "at the marker the candidate is not tanh(value): look at the value's weight in the h column "
            "and at the h column's bias."
        )
    return None


def check_gru_step(step, name: str, keras_layer, x, h0, reset_after: bool) -> None:
    """Exercises 2 and 4: the learner's `step` against one step of `keras_layer` from the states `h0`.

    `keras_layer` is a built keras.layers.GRU(return_sequences=True) with the given
    `reset_after`; `x` (batch, time, input_dim) supplies the step's input x[:, 0].
    A known mistake gets a hint that names it.
    """
    from ..core.exercises import check_written_by_hand

    check_written_by_hand(step, name)
    weights = keras_layer.get_weights()
    if (np.ndim(weights[2]) == 2) != reset_after:
        raise ValueError(f"keras_layer has reset_after={not reset_after}, but reset_after={reset_after} was asked")
    mistakes = (gru_step_reset_after_mistakes if reset_after else gru_step_mistakes)(x[:, 0], h0, *weights)
    check_close_naming_mistakes(
        step(x[:, 0], h0, *weights),
        np.asarray(keras_layer(x[:, :1], initial_state=h0))[:, 0],
        f"your h_t after one step (reference: keras.layers.GRU(reset_after={reset_after}))",
        mistakes,
        atol=1e-5,
    )


def check_gru_layer(gru_layer, keras_layer, x, h0, step=None) -> None:
    """Exercise 3 (and 4's second part): the learner's loop against `keras_layer` on `x`.

    Three cases, as Keras offers them: every state from `h0`, the last state from `h0`,
    and every state from a zero initial state. `step` is passed on when given.
    """
    from ..core.exercises import check_written_by_hand

    check_written_by_hand(gru_layer, "gru_layer")
    weights = keras_layer.get_weights()
    reset_after = np.ndim(weights[2]) == 2
    extra = {} if step is None else {"step": step}
    for initial_state, return_sequences, what in [
        (h0, True, "every state, return_sequences=True, shape (batch, time, units)"),
        (h0, False, "the last state, return_sequences=False, shape (batch, units)"),
        (None, True, "every state from initial_state=None"),
    ]:
        states = np.asarray(keras_layer(x, initial_state=initial_state))
        check_close_naming_mistakes(
            gru_layer(x, *weights, initial_state=initial_state, return_sequences=return_sequences, **extra),
            states if return_sequences else states[:, -1],
            what,
            gru_layer_mistakes(
                x, *weights, initial_state=initial_state, return_sequences=return_sequences, reset_after=reset_after
            ),
            atol=1e-5,
        )
