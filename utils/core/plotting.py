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
