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
            f"norms must have shape (sequences, lags) as returned by gradient_norms_by_lag, "
            f"got shape {values.shape}"
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
                ax.plot(np.maximum(seed_curve, FLOAT32_SMALLEST_NORMAL), color=color, lw=0.7,
                        alpha=0.4)
        ax.plot(typical_by_lag(per_seed), color=color, lw=2.2, label=label)
        underflow = underflow or bool(np.any(per_seed <= FLOAT32_SMALLEST_NORMAL))
    if underflow:
        ax.axhline(FLOAT32_SMALLEST_NORMAL, color="0.4", ls=":", lw=1)
        ax.text(ax.get_xlim()[1], FLOAT32_SMALLEST_NORMAL * 30,
                f"exactly 0 in float32 (underflow below {FLOAT32_SMALLEST_NORMAL:.1e})",
                fontsize=8, color="0.3", ha="right")
    ax.set(yscale="log", xlabel="k (steps between the input and the last output)",
           ylabel=r"$\|\partial h_T / \partial x_{T-k}\|$", title=title)
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
        ax.add_patch(FancyBboxPatch((cx - 0.5, 1.0), 1.0, 0.8, boxstyle="round,pad=0.05",
                                    fc="#e8f0fa", ec=forward, lw=1.5))
        ax.text(cx, 1.4, f"$h_{{{name}}}$", ha="center", va="center", fontsize=12)
        ax.text(cx, -0.05, f"$x_{{{name}}}$", ha="center", va="center", fontsize=12)
        arrow((cx - 0.15, 0.15), (cx - 0.15, 0.95), forward)
        if i > 0:  # state flows forward, gradient flows back
            arrow((cx - spacing + 0.55, 1.55), (cx - 0.55, 1.55), forward)
            arrow((cx - 0.55, 1.15), (cx - spacing + 0.55, 1.15), backward)
            ax.text(cx - spacing / 2, 1.0, f"$\\partial h_{{{name}}}/\\partial h_{{{names[i - 1]}}}$",
                    ha="center", va="top", fontsize=8.5, color=backward)
    first = 1.4
    arrow((first + 0.15, 0.95), (first + 0.15, 0.15), backward)  # what lesson 01 measures
    ax.text(first + 0.25, 0.55, f"$\\partial h_T/\\partial x_{{{names[0]}}}$", fontsize=10,
            color=backward, va="center")
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
