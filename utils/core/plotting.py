"""Plotting helpers with one consistent look across the lessons."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

STYLE = {
    "figure.figsize": (8, 4),
    "figure.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
}


def use_course_style() -> None:
    plt.rcParams.update(STYLE)


def history_dict(history) -> dict[str, list[float]]:
    """Accept a keras History or a plain {metric: [values per epoch]} dict."""
    values = getattr(history, "history", history)
    if not isinstance(values, dict) or not values:
        raise TypeError("expected a keras History (what fit() returns) or a non-empty dict of lists")
    return values


def label_epochs(ax, metric: str, title: str | None) -> None:
    """Whole-number epoch ticks, axis labels, title and legend."""
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set(xlabel="epoch", ylabel=metric, title=title or metric)
    ax.legend()


def plot_history(history, metric: str = "loss", title: str | None = None, ax=None):
    """Training and validation curves of one metric over epochs."""
    values = history_dict(history)
    if metric not in values:
        raise KeyError(f"{metric!r} was not recorded; available: {sorted(values)}")
    ax = ax or plt.subplots()[1]
    epochs = range(1, len(values[metric]) + 1)
    ax.plot(epochs, values[metric], "o-", label=f"training {metric}")
    if f"val_{metric}" in values:
        ax.plot(epochs, values[f"val_{metric}"], "s--", label=f"validation {metric}")
    label_epochs(ax, metric, title)
    return ax


def plot_histories(histories: dict, metric: str = "val_loss", title: str | None = None, ax=None):
    """One metric from several runs side by side, e.g. {"GRU": h1, "LSTM": h2}."""
    ax = ax or plt.subplots()[1]
    for name, history in histories.items():
        values = history_dict(history)
        if metric not in values:
            raise KeyError(f"run {name!r} did not record {metric!r}; available: {sorted(values)}")
        ax.plot(range(1, len(values[metric]) + 1), values[metric], "o-", label=name)
    label_epochs(ax, metric, title)
    return ax


class CellDiagram:
    """Drawing pieces shared by the cell diagrams of lessons 01 (LSTM) and 02 (GRU).

    `line` draws a wire (an arrowhead on its last segment), `node` a pointwise operation,
    `box` a layer with weights, its formula, its name and its Keras weight block.
    """

    def __init__(self, ax, box_half_width: float = 0.95, box_fontsize: float = 12):
        self.ax, self.box_half_width, self.box_fontsize = ax, box_half_width, box_fontsize

    def line(self, points, color, arrow=True):
        from matplotlib.patches import FancyArrowPatch

        xs, ys = zip(*points)
        self.ax.plot(xs[:-1] if arrow else xs, ys[:-1] if arrow else ys, color=color, lw=1.6, zorder=1)
        if arrow:  # the last segment carries the arrowhead
            head = FancyArrowPatch(
                points[-2], points[-1], arrowstyle="-|>", mutation_scale=14, color=color, lw=1.6, shrinkA=0, shrinkB=0
            )
            head.set_zorder(1)
            self.ax.add_patch(head)
        else:
            self.ax.plot(xs[-2:], ys[-2:], color=color, lw=1.6, zorder=1)

    def node(self, x, y, symbol, fontsize=13):
        from matplotlib.patches import Circle

        self.ax.add_patch(Circle((x, y), 0.26, fc="white", ec="black", lw=1.3, zorder=3))
        self.ax.text(x, y, symbol, ha="center", va="center", fontsize=fontsize, zorder=4)

    def box(self, x, y, formula, name, block, color):
        from matplotlib.patches import FancyBboxPatch

        w = self.box_half_width
        outline = FancyBboxPatch(
            (x - w, y - 0.55), 2 * w, 1.1, boxstyle="round,pad=0.04", fc="white", ec=color, lw=2, zorder=3
        )
        self.ax.add_patch(outline)
        self.ax.text(x, y + 0.2, formula, ha="center", va="center", fontsize=self.box_fontsize, zorder=4)
        label = f"{name}\nKeras block {block}"
        grey = {"fontsize": 8, "color": "#444444", "linespacing": 1.1, "zorder": 4}
        self.ax.text(x, y - 0.25, label, ha="center", va="center", **grey)
