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
            "kernel", f"(input_dim, 3*units) = (input_dim, {3 * units}) since units = {units}",
            kernel, WEIGHT_LAYOUT,
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
        raise _shape_error(what, f"(batch, units) = ({batch}, {units})", h,
                           "Add a batch axis with h[None] for a single example.")
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
        kernel, recurrent_kernel, bias, reset_after)
    x_t = np.asarray(x_t)
    dtype = np.result_type(dtype, x_t)
    if x_t.ndim != 2 or x_t.shape[1] != input_dim:
        raise _shape_error("x_t", f"(batch, input_dim) = (batch, {input_dim})", x_t,
                           "Add a batch axis with x_t[None] for a single example.")
    h_prev = _check_state(h_prev, x_t.shape[0], units, "h_prev")
    input_bias, recurrent_bias = _split_bias(bias, units, reset_after, dtype)
    return _step(x_t.astype(dtype), h_prev.astype(dtype), kernel.astype(dtype),
                 recurrent_kernel.astype(dtype), input_bias.astype(dtype),
                 recurrent_bias.astype(dtype), units, reset_after)


def gru_cell(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after=True) -> np.ndarray:
    """One GRU step: x_t (batch, input_dim), h_prev (batch, units) -> h_t (batch, units)."""
    return gru_cell_parts(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after).h


def gru_sequence_parts(x, kernel, recurrent_kernel, bias, reset_after=True,
                       initial_state=None) -> GRUParts:
    """Run the GRU over x (batch, time, input_dim); every field is (batch, time, units)."""
    kernel, recurrent_kernel, bias, units, input_dim, dtype = _check_weights(
        kernel, recurrent_kernel, bias, reset_after)
    x = np.asarray(x)
    dtype = np.result_type(dtype, x)
    if x.ndim != 3 or x.shape[2] != input_dim or x.shape[1] == 0:
        raise _shape_error(
            "x", f"(batch, time, input_dim) = (batch, time >= 1, {input_dim})", x,
            "Add a batch axis with x[None] for a single sequence.")
    batch, time = x.shape[:2]
    h = (np.zeros((batch, units), dtype) if initial_state is None
         else _check_state(initial_state, batch, units, "initial_state").astype(dtype))
    weights = (kernel.astype(dtype), recurrent_kernel.astype(dtype),
               *(b.astype(dtype) for b in _split_bias(bias, units, reset_after, dtype)))
    steps = []
    for t in range(time):
        steps.append(_step(x[:, t].astype(dtype), h, *weights, units, reset_after))
        h = steps[-1].h
    return GRUParts(*(np.stack(field, axis=1) for field in zip(*steps)))


def gru_sequence(x, kernel, recurrent_kernel, bias, reset_after=True, initial_state=None) -> np.ndarray:
    """All hidden states (batch, time, units), like keras.layers.GRU(return_sequences=True)."""
    return gru_sequence_parts(x, kernel, recurrent_kernel, bias, reset_after, initial_state).h


# ---------------------------------------------------------------- backpropagation through time
def gru_sequence_gradients(x, kernel, recurrent_kernel, bias, grad_h, reset_after=True,
                           initial_state=None) -> dict:
    """Backpropagation through time for `gru_sequence`, by hand.

    grad_h (batch, time, units) is dL/dh_t of a loss L that reads the hidden states
    directly (for L = sum(h * g) it is g). Returns the gradients of L with respect to
    "x", "kernel", "recurrent_kernel", "bias" (None without bias) and "initial_state",
    each with the shape of its argument (the initial state defaults to zeros).
    """
    kernel, recurrent_kernel, bias, units, input_dim, dtype = _check_weights(
        kernel, recurrent_kernel, bias, reset_after)
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
    b_rh = _split_bias(bias, units, reset_after, dtype)[1][2 * units:]

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
            d_recurrent[:, :2 * units] += h_prev.T @ d_rec_zr
            d_recurrent[:, 2 * units:] += (r * h_prev).T @ d_pre_cand
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
    return {"x": d_x, "kernel": d_kernel, "recurrent_kernel": d_recurrent,
            "bias": d_bias, "initial_state": d_h_next}


# ---------------------------------------------------------------- the picture
def plot_gru_cell(ax=None):
    """Draw one GRU step (reset_after=False) with the symbols of lesson 02's equations.

    The three boxes are the gates and the candidate, left to right in the order Keras
    stores their weights (blocks 1, 2, 3 of `kernel`, `recurrent_kernel` and `bias`:
    z, r, h). The state h_{t-1} runs along the top; the update gate keeps z_t of it and
    adds (1 - z_t) of the candidate. Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

    ax = ax or plt.subplots(figsize=(11, 5.6))[1]
    state, gate, data = "#1f77b4", "#2ca02c", "#7f7f7f"

    def line(points, color, arrow=True):
        """A polyline through `points`, with an arrowhead at the end."""
        xs, ys = zip(*points)
        ax.plot(xs[:-1] if arrow else xs, ys[:-1] if arrow else ys, color=color, lw=1.6, zorder=1)
        if arrow:  # the last segment carries the arrowhead
            ax.add_patch(FancyArrowPatch(points[-2], points[-1], arrowstyle="-|>", mutation_scale=14,
                                         color=color, lw=1.6, shrinkA=0, shrinkB=0, zorder=1))
        else:
            ax.plot(xs[-2:], ys[-2:], color=color, lw=1.6, zorder=1)

    def node(x, y, symbol, fontsize=13):
        """A pointwise operation: a small circle with its symbol."""
        ax.add_patch(Circle((x, y), 0.26, fc="white", ec="black", lw=1.3, zorder=3))
        ax.text(x, y, symbol, ha="center", va="center", fontsize=fontsize, zorder=4)

    def box(x, y, formula, name, block, color):
        """A layer with weights: the formula, its name and its Keras block."""
        ax.add_patch(FancyBboxPatch((x - 0.95, y - 0.55), 1.9, 1.1, boxstyle="round,pad=0.04",
                                    fc="white", ec=color, lw=2, zorder=3))
        ax.text(x, y + 0.2, formula, ha="center", va="center", fontsize=12, zorder=4)
        ax.text(x, y - 0.25, f"{name}\nKeras block {block}", ha="center", va="center", fontsize=8,
                color="#444444", linespacing=1.1, zorder=4)

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
    ax.text(6.0, -0.1, r"Keras stores the blocks side by side in the order z, r, h: kernel $[W_z | W_r | W_h]$, "
            r"recurrent_kernel $[U_z | U_r | U_h]$, bias $[b_z | b_r | b_h]$", ha="center", fontsize=9)
    ax.set(xlim=(-0.8, 12.8), ylim=(-0.4, 6.9))
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(r"One GRU step: $h_t = z_t \odot h_{t-1} + (1 - z_t) \odot \tilde h_t$ "
                 "(reset before the product, reset_after=False)")
    return ax
