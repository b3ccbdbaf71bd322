"""Measuring vanishing and exploding gradients in recurrent layers (lesson 01).

Lesson 01 asks one question of a recurrent layer: if its output at the last step
changes, how strongly does that depend on the input k steps earlier? The answer is
the norm of the Jacobian d h_T / d x_{T-k}. When it shrinks exponentially with k the
layer cannot learn long-range dependencies (vanishing gradients); when it grows
exponentially training blows up (exploding gradients) and needs clipping.

    norms = gradient_norms_by_lag(keras.layers.GRU(32), x)   # (batch, time)
    curve = typical_by_lag(norms)                            # (time,) for a log plot

`plot_gradient_curves` draws such curves on a log scale. `loss_gradient_norms` gives
the per-weight gradient norms that Keras's `clipnorm` acts on, and `clip_by_norm` is
that clipping rule in NumPy. `plot_bptt_diagram` draws the unrolled recurrence with the
forward and backward paths. `smallest_float32_kept` measures where a float32 gradient
becomes exactly 0 in TensorFlow (FLOAT32_SMALLEST_NORMAL on a CPU).
"""

from __future__ import annotations

import numpy as np

from ..core import checks
from ..core.exercises import check_close_naming_mistakes  # noqa: F401 (lessons call it from here)
from ..core.plotting import CellDiagram

# The smallest positive normal float32, 2**-126 = np.finfo(np.float32).tiny (about 1.2e-38).
# IEEE float32 goes further down with subnormal numbers (to 1.4e-45, and NumPy keeps them),
# but TensorFlow on a CPU flushes subnormals to zero (measured by `smallest_float32_kept`,
# asserted in tests/test_gradients.py). So a gradient below this value is exactly 0: underflow.
FLOAT32_SMALLEST_NORMAL = float(np.finfo(np.float32).tiny)
# From this many steps on, the backward pass runs as one traced graph instead of eagerly.
GRAPH_FROM_LENGTH = 200


def _check_sequences(inputs) -> np.ndarray:
    x = np.asarray(inputs)
    if x.ndim != 3:
        raise ValueError(
            f"inputs must have shape (batch, time, features), got shape {x.shape}. "
            "For one sequence of shape (time, features) pass x[None]."
        )
    if 0 in x.shape:
        raise ValueError(f"inputs must be non-empty in every dimension, got shape {x.shape}")
    if not np.issubdtype(x.dtype, np.number) or not np.all(np.isfinite(x)):
        raise ValueError("inputs must be finite numbers (no NaN or inf)")
    return x.astype("float32")


def _last_output(outputs):
    """(batch, units) from what a recurrent layer returns (sequences and states allowed)."""
    if isinstance(outputs, (list, tuple)):  # return_state=True: [output, *states]
        outputs = outputs[0]
    if len(outputs.shape) == 3:  # return_sequences=True: keep the last step
        outputs = outputs[:, -1, :]
    if len(outputs.shape) != 2:
        raise ValueError(
            f"the layer returned shape {tuple(outputs.shape)}; expected (batch, units) or "
            "(batch, time, units). Pass a recurrent layer such as keras.layers.GRU(32)."
        )
    return outputs


def _quietly(function, *args):
    """Call `function` with TensorFlow's Python warnings hidden.

    `gradient_norms_by_lag` traces one new graph per call on purpose (each layer is a
    different computation); TensorFlow would otherwise advise against that in a warning.
    """
    import tensorflow as tf

    logger = tf.get_logger()
    level = logger.level
    logger.setLevel("ERROR")
    try:
        return function(*args)
    finally:
        logger.setLevel(level)


def gradient_norms_by_lag(layer, inputs) -> np.ndarray:
    """Norm of d(output at the last step) / d(input at step T-k), for k = 0..T-1.

    `layer` is a Keras recurrent layer (SimpleRNN, GRU, LSTM, ...) or any callable that
    maps (batch, time, features) to (batch, units) or (batch, time, units); an unbuilt
    layer is built by the first call. `inputs` has shape (batch, time, features).

    Returns a float64 array of shape (batch, time): entry [b, k] is the Frobenius norm of
    the Jacobian d h_T / d x_{T-k} (units x features) for sequence b, so column 0 is the
    last input and column T-1 the first. A 0 means the gradient underflowed float32.

    The whole Jacobian costs one backward pass: each sequence is repeated `units` times
    and copy i back-propagates only output unit i.
    """
    import tensorflow as tf

    if not callable(layer):
        raise TypeError(f"layer must be a Keras layer (callable), got {type(layer).__name__}")
    x = _check_sequences(inputs)
    batch, time, features = x.shape
    units = int(_last_output(layer(x[:1])).shape[-1])  # builds the layer if needed
    repeated = tf.repeat(tf.constant(x), units, axis=0)  # (batch * units, time, features)
    pick_unit = tf.tile(tf.eye(units), [batch, 1])  # copy i of a sequence keeps unit i

    def input_gradients(sequences):
        with tf.GradientTape() as tape:
            tape.watch(sequences)
            last = _last_output(layer(sequences))
            selected = tf.reduce_sum(last * tf.cast(pick_unit, last.dtype))
        return tape.gradient(selected, sequences)

    if time >= GRAPH_FROM_LENGTH:  # tracing costs about a second; long sequences repay it
        grads = _quietly(tf.function(input_gradients), repeated)
    else:
        grads = input_gradients(repeated)
    if grads is None:
        raise ValueError("the layer's output does not depend on its inputs; nothing to measure")
    jacobians = tf.reshape(tf.cast(grads, tf.float64), (batch, units, time, features))
    norms = tf.sqrt(tf.reduce_sum(tf.square(jacobians), axis=(1, 3))).numpy()  # (batch, time)
    return norms[:, ::-1].copy()  # column k = k steps before the last input


def typical_by_lag(norms, floor: float = FLOAT32_SMALLEST_NORMAL) -> np.ndarray:
    """Geometric mean over sequences (axis 0) of `gradient_norms_by_lag` results.

    Norms span many orders of magnitude, so the geometric mean is the typical value.
    Zeros (float32 underflow) are raised to `floor` first so that the curve stays
    drawable on a log scale. Accepts (batch, time) or a stack such as
    (seeds, batch, time), which is flattened over everything but the last axis.
    """
    values = np.asarray(norms, dtype="float64")
    if values.ndim < 2 or values.shape[-1] == 0 or values.size == 0:
        raise ValueError(
            f"norms must have shape (sequences, lags) as returned by gradient_norms_by_lag, got shape {values.shape}"
        )
    if np.any(values < 0) or not np.all(np.isfinite(values)):
        raise ValueError("norms must be finite and non-negative (an inf means the gradient overflowed)")
    checks.positive_number("floor", floor, why=" (log scale)")
    flat = np.maximum(values.reshape(-1, values.shape[-1]), floor)
    typical = np.exp(np.log(flat).mean(axis=0))
    typical[np.isclose(typical, floor, rtol=1e-6, atol=0)] = floor  # all underflowed: exactly the floor
    return typical


def plot_gradient_curves(curves: dict, title: str, ax=None):
    """Log-scale plot of gradient norm against lag k, one colour per entry of `curves`.

    `curves` maps a label to an array of shape (lags,), or (seeds, lags) for one curve
    per seed: then each seed is a thin line and the typical value (geometric mean) a
    thick one. Zeros (float32 underflow) are drawn on a dotted line at FLOAT32_SMALLEST_NORMAL,
    the smallest value a TensorFlow gradient keeps on a CPU.
    """
    import matplotlib.pyplot as plt

    if not isinstance(curves, dict) or not curves:
        raise ValueError("curves must be a non-empty dict {label: array of norms by lag}")
    ax = ax or plt.subplots()[1]
    underflow = False
    for (label, values), color in zip(curves.items(), plt.rcParams["axes.prop_cycle"].by_key()["color"] * 3):
        per_seed = np.atleast_2d(np.asarray(values, dtype="float64"))
        if per_seed.ndim != 2:
            raise ValueError(f"curve {label!r} must have shape (lags,) or (seeds, lags), got {per_seed.shape}")
        if len(per_seed) > 1:
            for seed_curve in per_seed:
                ax.plot(np.maximum(seed_curve, FLOAT32_SMALLEST_NORMAL), color=color, lw=0.7, alpha=0.4)
        ax.plot(typical_by_lag(per_seed), color=color, lw=2.2, label=label)
        underflow = underflow or bool(np.any(per_seed <= FLOAT32_SMALLEST_NORMAL))
    if underflow:
        ax.axhline(FLOAT32_SMALLEST_NORMAL, color="0.4", ls=":", lw=1)
        ax.text(
            ax.get_xlim()[1],
            FLOAT32_SMALLEST_NORMAL * 30,
            f"exactly 0 in float32 (underflow below {FLOAT32_SMALLEST_NORMAL:.1e})",
            fontsize=8,
            color="0.3",
            ha="right",
        )
    ax.set(
        yscale="log",
        xlabel="k (steps between the input and the last output)",
        ylabel=r"$\|\partial h_T / \partial x_{T-k}\|$",
        title=title,
    )
    ax.legend()
    return ax


def smallest_float32_kept() -> float:
    """The smallest positive float32 that TensorFlow's arithmetic keeps, measured.

    Halves a float32 tensor with TensorFlow ops until the result is 0 and returns the
    last non-zero value. NumPy would go down to the smallest subnormal, 1.4e-45; TensorFlow
    on a CPU flushes subnormal results to zero, so there it returns
    FLOAT32_SMALLEST_NORMAL (1.2e-38): where measured gradient norms become exactly 0.
    """
    import tensorflow as tf

    value = tf.constant(1.0, dtype=tf.float32)
    while True:
        half = tf.multiply(value, 0.5)
        if float(half) == 0.0:
            return float(value)
        value = half


def loss_gradient_norms(model, inputs, targets, loss) -> dict[str, float]:
    """Norm of d loss / d w for each trainable weight of `model`, plus the global norm.

    Measured in training mode (`training=True`, as `fit` computes the gradients it clips),
    once, outside `fit`. Lesson 04's `GradientNormLogger` instead measures the global norm
    after every update, in inference mode, so that measuring never changes the model.

    Returns {"layer/.../weight": norm, ..., "global": norm over all weights}.

    This is what the optimizer's clipping options look at: `clipnorm=c` rescales each
    weight's gradient whose norm is above c; `global_clipnorm=c` rescales all of them
    together when the "global" norm (the last entry) is above c. `loss` is a Keras loss
    such as keras.losses.MeanSquaredError().
    """
    import tensorflow as tf

    if not getattr(model, "trainable_variables", None):
        raise ValueError("the model has no trainable weights yet: build it (call it once) first")
    x = _check_sequences(inputs)
    with tf.GradientTape() as tape:
        value = loss(np.asarray(targets), model(x, training=True))
    grads = tape.gradient(value, model.trainable_variables)
    prefix = f"{model.name}/"
    norms = {
        variable.path.removeprefix(prefix): float(tf.norm(grad)) if grad is not None else 0.0
        for variable, grad in zip(model.trainable_variables, grads)
    }
    norms["global"] = float(np.sqrt(sum(n**2 for n in norms.values())))
    return norms


def clip_by_norm(gradient, clipnorm: float) -> np.ndarray:
    """Rescale `gradient` so that its L2 norm is at most `clipnorm` (direction kept).

    The rule behind Keras's `clipnorm`: g -> g * min(1, clipnorm / ||g||).
    """
    checks.positive_number("clipnorm", clipnorm)
    g = np.asarray(gradient, dtype="float64")
    norm = float(np.sqrt(np.sum(g**2)))
    return g if norm <= clipnorm else g * (clipnorm / norm)


def plot_bptt_diagram(steps: int = 4, ax=None):
    """Draw an RNN unrolled over `steps` steps: forward arrows, and the backward path.

    Inputs x_t enter each copy of the cell from below, the state h_t flows right, and
    the gradient of the last output flows back left through every step, multiplied
    by d h_t / d h_{t-1} each time (that product is what vanishes or explodes).
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    checks.whole_number("steps", steps, minimum=2, maximum=8, why=" (a readable picture)")
    ax = ax or plt.subplots(figsize=(2.2 * steps + 1.5, 3.6))[1]
    spacing, forward, backward = 2.2, "#1f77b4", "#d62728"

    def arrow(start, end, color):
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, color=color, lw=1.6))

    names = ["T" if i == steps - 1 else f"T-{steps - 1 - i}" for i in range(steps)]
    for i, name in enumerate(names):
        cx = 1.4 + i * spacing
        ax.add_patch(
            FancyBboxPatch((cx - 0.5, 1.0), 1.0, 0.8, boxstyle="round,pad=0.05", fc="#e8f0fa", ec=forward, lw=1.5)
        )
        ax.text(cx, 1.4, f"$h_{{{name}}}$", ha="center", va="center", fontsize=12)
        ax.text(cx, -0.05, f"$x_{{{name}}}$", ha="center", va="center", fontsize=12)
        arrow((cx - 0.15, 0.15), (cx - 0.15, 0.95), forward)
        if i > 0:  # state flows forward, gradient flows back
            arrow((cx - spacing + 0.55, 1.55), (cx - 0.55, 1.55), forward)
            arrow((cx - 0.55, 1.15), (cx - spacing + 0.55, 1.15), backward)
            ax.text(
                cx - spacing / 2,
                1.0,
                f"$\\partial h_{{{name}}}/\\partial h_{{{names[i - 1]}}}$",
                ha="center",
                va="top",
                fontsize=8.5,
                color=backward,
            )
    first = 1.4
    arrow((first + 0.15, 0.95), (first + 0.15, 0.15), backward)  # what lesson 01 measures
    ax.text(first + 0.25, 0.55, f"$\\partial h_T/\\partial x_{{{names[0]}}}$", fontsize=10, color=backward, va="center")
    last = 1.4 + (steps - 1) * spacing
    ax.text(last, 2.55, "output / loss", ha="center", va="center", fontsize=11)
    arrow((last - 0.15, 1.85), (last - 0.15, 2.35), forward)
    arrow((last + 0.15, 2.35), (last + 0.15, 1.85), backward)
    arrow((0.2, 1.55), (0.85, 1.55), forward)
    ax.text(-0.05, 1.55, "$\\cdots$", fontsize=12, va="center", ha="right")
    ax.text(1.4, 2.55, "forward: state", color=forward, fontsize=10, ha="center")
    ax.text(1.4 + spacing, 2.55, "backward: gradient", color=backward, fontsize=10, ha="center")
    ax.set(xlim=(-0.4, last + 1.0), ylim=(-0.4, 2.9))
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("Backpropagation through time: the gradient of the last output crosses every step")
    return ax


def plot_lstm_cell(ax=None):
    """Draw one LSTM step with the symbols of lesson 01's equations (the style of lesson 02's GRU).

    Four boxes read the input x_t and the previous output h_{t-1}, left to right in the
    order Keras stores their weights (blocks 1-4 of `kernel`, `recurrent_kernel` and
    `bias`: i, f, c, o). The cell state c runs along the top: the forget gate keeps f_t
    of it and the input gate adds i_t of the candidate; the output gate lets o_t of
    tanh(c_t) out as h_t. Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(11, 5.6))[1]
    cell, state, gate, data, cand = "#9467bd", "#1f77b4", "#2ca02c", "#7f7f7f", "#d62728"

    diagram = CellDiagram(ax, box_half_width=0.85, box_fontsize=11.5)
    line, node, box = diagram.line, diagram.node, diagram.box

    f_x, i_x, c_x, o_x, y_box, rail, out = 2.4, 4.6, 6.8, 9.0, 2.9, 6.2, 4.6
    forget_x, add_x, tanh_x = 2.4, 6.8, 10.3
    # the cell-state rail: c_{t-1} -> (x f) -> (+ i * c~) -> c_t
    ax.text(0.0, rail, "$c_{t-1}$", ha="right", va="center", fontsize=14, color=cell)
    line([(0.1, rail), (forget_x - 0.26, rail)], cell)
    line([(forget_x + 0.26, rail), (add_x - 0.26, rail)], cell)
    line([(add_x + 0.26, rail), (12.0, rail)], cell)
    ax.text(12.1, rail, "$c_t$", ha="left", va="center", fontsize=14, color=cell)
    node(forget_x, rail, "×")
    node(add_x, rail, "+")
    # h_{t-1} and x_t feed the four boxes from below
    ax.text(0.0, 1.6, "$h_{t-1}$", ha="right", va="center", fontsize=14, color=state)
    line([(0.1, 1.6), (o_x - 0.3, 1.6)], state, arrow=False)
    ax.text(0.0, 0.8, "$x_t$", ha="right", va="center", fontsize=14, color=data)
    line([(0.1, 0.8), (o_x + 0.3, 0.8)], data, arrow=False)
    for x in (f_x, i_x, c_x, o_x):
        line([(x - 0.3, 1.6), (x - 0.3, y_box - 0.6)], state)
        line([(x + 0.3, 0.8), (x + 0.3, y_box - 0.6)], data)
    box(f_x, y_box, r"$f_t = \sigma(\cdot)$", "forget gate", 2, gate)
    box(i_x, y_box, r"$i_t = \sigma(\cdot)$", "input gate", 1, gate)
    box(c_x, y_box, r"$\tilde c_t = \tanh(\cdot)$", "candidate", 3, cand)
    box(o_x, y_box, r"$o_t = \sigma(\cdot)$", "output gate", 4, gate)
    # forget: f_t scales the old cell state
    line([(f_x, y_box + 0.55), (forget_x, rail - 0.26)], gate)
    ax.text(f_x + 0.1, 4.9, "$f_t$", ha="left", fontsize=11, color=gate)
    # input: i_t times the candidate, added to the rail
    node(c_x - 1.1, out, "×")
    line([(i_x, y_box + 0.55), (c_x - 1.1 - 0.2, out - 0.17)], gate)
    ax.text(i_x - 0.35, 4.0, "$i_t$", ha="left", fontsize=11, color=gate)
    line([(c_x, y_box + 0.55), (c_x - 1.1 + 0.2, out - 0.17)], cand)
    ax.text(c_x + 0.1, 4.0, r"$\tilde c_t$", ha="left", fontsize=11, color=cand)
    line([(c_x - 1.1 + 0.18, out + 0.18), (add_x - 0.18, rail - 0.18)], cell)
    ax.text(c_x - 1.0, 5.35, r"$i_t \odot \tilde c_t$", ha="right", fontsize=10, color=cell)
    # output: h_t = o_t * tanh(c_t)
    line([(tanh_x, rail), (tanh_x, out + 0.26)], cell)
    node(tanh_x, out, "tanh", fontsize=8)
    node(tanh_x, y_box, "×")
    line([(tanh_x, out - 0.26), (tanh_x, y_box + 0.26)], cell)
    line([(o_x + 0.85, y_box), (tanh_x - 0.26, y_box)], gate)
    ax.text(o_x + 1.0, y_box + 0.15, "$o_t$", ha="left", fontsize=11, color=gate)
    line([(tanh_x + 0.26, y_box), (12.0, y_box)], state)
    ax.text(12.1, y_box, "$h_t$", ha="left", va="center", fontsize=14, color=state)
    ax.text(forget_x + 0.35, rail + 0.3, r"$f_t \odot c_{t-1}$", ha="left", fontsize=10, color=cell)
    ax.text(
        6.0,
        -0.1,
        r"Keras stores the blocks side by side in the order i, f, c, o: kernel "
        r"$[W_i | W_f | W_c | W_o]$, likewise recurrent_kernel and bias",
        ha="center",
        fontsize=9,
    )
    ax.set(xlim=(-0.8, 12.8), ylim=(-0.4, 6.9))
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(
        r"One LSTM step: $c_t = f_t \odot c_{t-1} + i_t \odot \tilde c_t$, "
        r"$h_t = o_t \odot \tanh(c_t)$"
    )
    return ax


# --- Hints for lesson 01's exercises -----------------------------------------------------
# A check that only says "far from the expected value" does not teach. These helpers
# compute what the most common mistakes would give, so that a check can name the mistake
# (never the expected values).


def _tanh_states(x, kernel, recurrent_kernel, bias, h0=None):
    """(batch, time, units) states of a plain tanh RNN (the reference for the hints)."""
    h = np.zeros((x.shape[0], recurrent_kernel.shape[0])) if h0 is None else h0
    states = []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ kernel + h @ recurrent_kernel + bias)
        states.append(h)
    return np.stack(states, axis=1)


def rnn_step_mistakes(x_t, h_prev, kernel, recurrent_kernel, bias) -> dict:
    """What the common mistakes in Exercise 1 (one RNN step) give, keyed by their hint."""
    x_part, h_part = x_t @ kernel, h_prev @ recurrent_kernel
    return {
        "the tanh is missing: your values are the sum inside it, not squashed into (-1, 1).": x_part + h_part + bias,
        "the previous state is multiplied by the transposed recurrent kernel. Keras stores U for row "
        "vectors, so it is used as stored (the column-vector formula is the one with a transpose).": np.tanh(
            x_part + h_prev @ recurrent_kernel.T + bias
        ),
        "the previous state is missing: the new state depends on h_prev too.": np.tanh(x_part + bias),
        "that is a sigmoid, not a tanh.": 1 / (1 + np.exp(-(x_part + h_part + bias))),
        "the bias is added twice.": np.tanh(x_part + h_part + 2 * bias),
        "the tanh wraps only the input part; it must wrap the whole sum.": np.tanh(x_part + bias) + h_part,
    }


def rnn_states_mistakes(x, kernel, recurrent_kernel, bias) -> dict:
    """What the common mistakes in Exercise 2 (the loop over time) give, keyed by their hint."""
    states = _tanh_states(x, kernel, recurrent_kernel, bias)
    zero = np.zeros((x.shape[0], recurrent_kernel.shape[0]))
    return {
        "your states are one step late: you stored each state before updating it, so the first one is "
        "h_0 and the last state is missing.": np.concatenate([zero[:, None], states[:, :-1]], axis=1),
        "the state is not carried: every step starts again from the zero state instead of the state "
        "the previous step produced.": np.stack([np.tanh(x[:, t] @ kernel + bias) for t in range(x.shape[1])], axis=1),
        "the sequence is read backwards (the loop runs from the last step to the first).": _tanh_states(
            x[:, ::-1], kernel, recurrent_kernel, bias
        ),
        "the first state is repeated at every step: the loop does not move on to the next input.": np.repeat(
            states[:, :1], x.shape[1], axis=1
        ),
        "the loop starts from a state of ones; h_0 is zero.": _tanh_states(
            x, kernel, recurrent_kernel, bias, h0=np.ones_like(zero)
        ),
    }


def rnn_states_shape_hint(error: Exception) -> str:
    """The hint for a shape error raised inside the learner's loop (Exercise 2)."""
    return (
        f"Not yet: running your simple_rnn_numpy raised {type(error).__name__}: {error}. A matrix product "
        "got arrays whose shapes do not fit. Most often the zero state h_0 has the wrong width: it needs "
        "one column per unit, and kernel.shape[0] is the number of input features, not of units (the "
        "check uses 3 features and 6 units, so the two differ)."
    )


def jacobian_mistakes(x, kernel, recurrent_kernel, bias, lags) -> dict:
    """What the common mistakes in Exercise 3 give for d h_T / d x_{T-k}, stacked over `lags`, by hint.

    `x` is one sequence (time, features); each value has shape (len(lags), units, features).
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"x must be one sequence of shape (time, features), got shape {x.shape}")
    lags = [checks.whole_number("k", k, minimum=0, maximum=len(x) - 1) for k in lags]
    if not lags:
        raise ValueError("lags is empty: give at least one k")
    by_lag = [_jacobian_mistakes_at(x, kernel, recurrent_kernel, bias, k) for k in lags]
    return {hint: np.stack([mistakes[hint] for mistakes in by_lag]) for hint in by_lag[0]}


def _jacobian_mistakes_at(x, kernel, recurrent_kernel, bias, k: int) -> dict:
    states = _tanh_states(np.asarray(x, dtype=float)[None], kernel, recurrent_kernel, bias)[0]
    slopes, last = 1 - states**2, len(states) - 1

    def chain(recurrent, slope_shift=0, input_slope=True, first=None, order="later on the left", extra=0):
        start = last - k if first is None else first
        jac = (np.diag(slopes[start]) if input_slope else np.eye(len(bias))) @ kernel.T
        steps = range(start + 1 - extra, last + 1)
        if order == "later on the left":
            for t in steps:
                jac = np.diag(slopes[t + slope_shift]) @ recurrent @ jac
            return jac
        product = np.eye(len(bias))
        for t in steps:
            product = product @ np.diag(slopes[t]) @ recurrent
        return product @ jac

    no_input = np.eye(len(bias))
    for t in range(last - k + 1, last + 1):
        no_input = np.diag(slopes[t]) @ recurrent_kernel.T @ no_input
    return {
        "the recurrent kernel is not transposed. With Keras's row vectors, h_t depends on h_(t-1) through "
        "h_(t-1) @ U, so the Jacobian factor of a step uses U transposed.": chain(recurrent_kernel),
        "the factors are multiplied in the wrong order: the factor of the last step must be the leftmost one "
        "(matrix products do not commute).": chain(recurrent_kernel.T, order="first on the left"),
        "each factor uses the tanh slope of the previous state; the factor of step t uses the slope at h_t.": chain(
            recurrent_kernel.T, slope_shift=-1
        ),
        "there is one factor too many: from x_(T-k) to h_T you cross k steps, so k recurrent factors.": chain(
            recurrent_kernel.T, extra=1
        ),
        "the tanh slopes are missing: that is the linear RNN's formula.": (
            kernel @ np.linalg.matrix_power(recurrent_kernel, k)
        ).T,
        "k is counted from the start of the sequence; k counts steps back from the end.": chain(
            recurrent_kernel.T, first=k
        ),
        "the first factor, d h_(T-k) / d x_(T-k), is missing its tanh slope.": chain(
            recurrent_kernel.T, input_slope=False
        ),
        "the input factor d h_(T-k) / d x_(T-k) is missing: that is d h_T / d h_(T-k).": no_input,
    }


def clip_mistakes(cases) -> dict:
    """What the common mistakes in Exercise 4 give for each (gradient, clipnorm) of `cases`, by hint.

    Each value is the mistakes' results for all cases, flattened and concatenated (the
    order of `cases`). Mistakes that need a matrix (the matrix 2-norm, clipping each row)
    are included only when every gradient is 2-D.
    """
    cases = list(cases)
    if not cases:
        raise ValueError("cases is empty: give at least one (gradient, clipnorm) pair")
    by_case = [_clip_mistakes_one(*case) for case in cases]
    shared = [hint for hint in by_case[0] if all(hint in mistakes for mistakes in by_case)]
    return {hint: np.concatenate([np.ravel(mistakes[hint]) for mistakes in by_case]) for hint in shared}


def _clip_mistakes_one(gradient, clipnorm: float) -> dict:
    checks.positive_number("clipnorm", clipnorm)
    g = np.asarray(gradient, dtype=float)
    norm = float(np.sqrt(np.sum(g**2)))
    mistakes = {
        "you clipped each entry to [-clipnorm, clipnorm] (np.clip): that is clipvalue, which changes the "
        "gradient's direction. clipnorm rescales the whole array by one factor.": np.clip(g, -clipnorm, clipnorm),
        "a gradient whose norm is already at most clipnorm must come back unchanged; yours was rescaled.": g
        * (clipnorm / norm)
        if norm > 0
        else g,
        "the norm is missing its square root (that is the sum of squares).": g
        if np.sum(g**2) <= clipnorm
        else g * (clipnorm / np.sum(g**2)),
        "the gradient is rescaled to norm 1, not to norm clipnorm.": g if norm <= clipnorm else g / norm,
        "that is the L1 norm (sum of absolute values); clipnorm uses the L2 norm.": g
        if np.sum(np.abs(g)) <= clipnorm
        else g * (clipnorm / np.sum(np.abs(g))),
    }
    if g.ndim == 2:
        two_norm = float(np.linalg.norm(g, 2))
        mistakes[
            "that is the matrix 2-norm (the largest singular value); clipnorm uses the L2 norm of all entries together."
        ] = g if two_norm <= clipnorm else g * (clipnorm / two_norm)
        rows = np.linalg.norm(g, axis=-1, keepdims=True)
        mistakes["each row is clipped separately; clipnorm treats the whole array as one vector."] = np.where(
            rows <= clipnorm, g, g * clipnorm / rows
        )
    return mistakes


def _random_simple_rnn(units: int, seeds, return_sequences: bool = False):
    """A keras.layers.SimpleRNN with random weights everywhere, the bias included (a zero bias hides bias mistakes)."""
    import keras

    init = [keras.initializers.RandomNormal(stddev=0.5, seed=seed) for seed in seeds]
    return keras.layers.SimpleRNN(
        units,
        return_sequences=return_sequences,
        kernel_initializer=init[0],
        recurrent_initializer=init[1],
        bias_initializer=init[2],
    )


def check_rnn_step(rnn_step) -> None:
    """Exercise 1's check: the learner's `rnn_step` against one step of keras.layers.SimpleRNN.

    The reference layer has random weights and bias and starts from a random, non-zero
    state; a known mistake gets a hint that names it.
    """
    import keras

    from ..core.exercises import check_written_by_hand

    check_written_by_hand(rnn_step, "rnn_step")
    layer = _random_simple_rnn(6, (1, 2, 3))
    rng = np.random.default_rng(0)
    x_t = rng.normal(size=(4, 3)).astype("float32")  # (batch, features)
    h_prev = rng.uniform(-1, 1, size=(4, 6)).astype("float32")  # a non-zero previous state
    reference = keras.ops.convert_to_numpy(layer(x_t[:, None, :], initial_state=h_prev))  # a sequence of one step
    weights = layer.get_weights()
    check_close_naming_mistakes(
        rnn_step(x_t, h_prev, *weights),
        reference,
        "rnn_step (reference: one step of keras.layers.SimpleRNN from the same state)",
        rnn_step_mistakes(x_t, h_prev, *weights),
    )


def check_simple_rnn_numpy(simple_rnn_numpy) -> None:
    """Exercise 2's check: the learner's loop against keras.layers.SimpleRNN(return_sequences=True).

    A shape error raised inside the learner's loop becomes a hint about the usual cause.
    """
    import keras

    from ..core.exercises import ExerciseCheckFailed, check_written_by_hand

    check_written_by_hand(simple_rnn_numpy, "simple_rnn_numpy")
    layer = _random_simple_rnn(6, (4, 5, 6), return_sequences=True)
    x = np.random.default_rng(1).normal(size=(4, 9, 3)).astype("float32")  # (batch, time, features)
    reference = keras.ops.convert_to_numpy(layer(x))
    weights = layer.get_weights()
    try:
        states = simple_rnn_numpy(x, *weights)
    except ValueError as error:
        raise ExerciseCheckFailed(rnn_states_shape_hint(error)) from error
    what = "simple_rnn_numpy: all states (reference: keras.layers.SimpleRNN, return_sequences=True)"
    check_close_naming_mistakes(states, reference, what, rnn_states_mistakes(x, *weights))
