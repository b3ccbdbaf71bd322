"""Synthetic long-range memory tasks (lesson 01 introduces them, lesson 03 reuses them).

Both tasks hide the information the model needs at the *start* of a long sequence and
ask for it at the *end*, so a model can only solve them by carrying memory across
`length` steps. Chance level is known exactly, so "it learned nothing" is visible.
`adding_accuracy` scores the adding problem as an accuracy (sums within a tolerance).
"""

from __future__ import annotations

import numpy as np

from ..core import checks


def _check_sizes(n_samples: int, length: int) -> None:
    checks.positive_int("n_samples", n_samples)
    checks.whole_number("length", length, minimum=2, why=" (a first step and a later one)")


def first_symbol_task(n_samples: int, length: int, n_symbols: int = 4, seed: int = 0):
    """Recall the first symbol: x is a one-hot sequence of random symbols, y the first one.

    Returns x of shape (n_samples, length, n_symbols), float32, and integer labels y of
    shape (n_samples,). Every later symbol is noise, so chance accuracy is 1/n_symbols.
    """
    _check_sizes(n_samples, length)
    if n_symbols < 2:
        raise ValueError(f"n_symbols must be at least 2, got {n_symbols}")
    rng = np.random.default_rng(seed)
    symbols = rng.integers(0, n_symbols, size=(n_samples, length))
    x = np.eye(n_symbols, dtype="float32")[symbols]
    return x, symbols[:, 0].astype("int64")


def adding_task(n_samples: int, length: int, seed: int = 0):
    """The adding problem (Hochreiter & Schmidhuber 1997): add the two marked numbers.

    x has shape (n_samples, length, 2): channel 0 holds uniform random numbers in [0, 1),
    channel 1 marks two positions with 1.0, one in the first half (so the model must
    remember it for at least length/2 steps) and one in the second half. y, shape
    (n_samples,), is the sum of the two marked numbers. Always predicting 1.0 gives a
    mean squared error of about 1/6 (the baseline to beat).
    """
    _check_sizes(n_samples, length)
    rng = np.random.default_rng(seed)
    values = rng.random((n_samples, length)).astype("float32")
    half = length // 2
    first = rng.integers(0, half, size=n_samples)
    second = rng.integers(half, length, size=n_samples)
    markers = np.zeros((n_samples, length), dtype="float32")
    rows = np.arange(n_samples)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    y = values[rows, first] + values[rows, second]
    return np.stack([values, markers], axis=-1), y.astype("float32")


def adding_accuracy(y_true, y_pred, tolerance: float = 0.1) -> float:
    """Fraction of adding-problem sums predicted to within `tolerance` (lesson 01).

    Mean squared error hides whether a model solved the task; this reads like an
    accuracy. Always predicting 1.0 scores 1 - (1 - tolerance)**2, about 0.19 for the
    default tolerance, which is the chance level to beat. `y_pred` may have shape
    (n_samples,) or (n_samples, 1), as a Keras model with one output unit returns.
    """
    truth = np.asarray(y_true, dtype="float64")
    pred = np.asarray(y_pred, dtype="float64")
    if pred.ndim == 2 and pred.shape[1] == 1:
        pred = pred[:, 0]
    if truth.ndim != 1 or pred.shape != truth.shape:
        raise ValueError(
            f"y_true must have shape (n_samples,) and y_pred the same (or (n_samples, 1)); "
            f"got {truth.shape} and {np.asarray(y_pred).shape}"
        )
    if truth.size == 0:
        raise ValueError("y_true is empty: nothing to score")
    checks.positive_number("tolerance", tolerance)
    return float(np.mean(np.abs(pred - truth) < tolerance))


def _scores_by_cell(scores, metric: str):
    import pandas as pd

    if not isinstance(scores, pd.DataFrame) or not {"cell", "seed", metric} <= set(scores.columns):
        raise ValueError(
            f"scores must be a DataFrame with columns 'cell', 'seed' and {metric!r} (one row per cell and seed)"
        )
    if scores.duplicated(["cell", "seed"]).any():
        raise ValueError("scores has two rows for the same cell and seed; keep one run per cell and seed")
    return {cell: group.set_index("seed")[metric] for cell, group in scores.groupby("cell", sort=False)}


def seed_summaries(scores, metric: str):
    """Mean, spread (standard deviation over seeds) and 95 % interval of `metric` per cell.

    `scores` has one row per cell and seed (columns 'cell', 'seed', `metric`); the summary
    is `utils.core.protocol.seed_summary`, one row per cell.
    """
    import pandas as pd

    from ..core import protocol

    by_cell = _scores_by_cell(scores, metric)
    return pd.DataFrame(
        {cell: protocol.seed_summary(values, f"{cell} {metric}") for cell, values in by_cell.items()}
    ).T.rename_axis("cell")


def pairwise_verdicts(scores, metric: str, pairs, higher_is_better: bool = True):
    """A minus B for each (A, B) in `pairs`, paired by seed, with its 95 % interval and verdict.

    `scores` as in `seed_summaries`; each row of the result comes from
    `utils.core.protocol.difference`: the two means, the difference, its interval and
    "A better", "B better" or "no clear difference".
    """
    import pandas as pd

    from ..core import protocol

    by_cell = _scores_by_cell(scores, metric)
    rows = []
    for a, b in pairs:
        missing = [name for name in (a, b) if name not in by_cell]
        if missing:
            raise ValueError(f"no scores for {missing}; the cells scored are {sorted(by_cell)}")
        result = protocol.difference(by_cell[a], by_cell[b], names=(a, b), lower_is_better=not higher_is_better)
        rows.append(
            {
                "comparison": f"{a} - {b}",
                f"{a} mean": result[a],
                f"{b} mean": result[b],
                "difference": result["difference"],
                "low": result["low"],
                "high": result["high"],
                "verdict": result["verdict"],
            }
        )
    if not rows:
        raise ValueError("pairs is empty: name at least one (A, B) pair to compare")
    table = pd.DataFrame(rows).set_index("comparison")
    return table[["difference", "low", "high", "verdict"]]


def choose_learning_rate(
    score, grid, chance_score: float, learned_below: float = 0.9, max_widenings: int = 3, allow_edge: bool = False
):
    """A learning rate per cell on validation: the course's search, unless no rate learned anything.

    score(rate) trains one model and returns its validation loss (lower is better);
    chance_score is the loss of the best constant prediction (1/6 on the adding problem).
    If no rate of `grid` gets below `learned_below * chance_score`, every rate failed
    alike and the scores differ only by noise, so widening the grid towards the noisier
    edge would chase that noise: the middle rate is returned with learned=False. Otherwise
    `utils.core.protocol.learning_rate_search` chooses (widening while the best is at an
    edge, at most `max_widenings` times). allow_edge: return the best rate tried instead of
    raising when it is still at an edge (for fast mode, where a few steps always favour large
    rates; there max_widenings=0 saves the trainings).
    Returns (rate, validation scores by rate, learned).
    """
    import pandas as pd

    from ..core import checks, protocol

    if not callable(score):
        raise TypeError(f"score must be a function learning_rate -> validation loss, got {type(score).__name__}")
    checks.positive_number("chance_score", chance_score)
    checks.fraction("learned_below", learned_below)
    rates = [float(rate) for rate in grid]
    if len(rates) < 3 or min(rates) <= 0 or any(b <= a for a, b in zip(rates, rates[1:])):
        raise ValueError(f"grid must hold at least 3 increasing positive learning rates, got {list(grid)}")
    tried: dict[float, float] = {}

    def remembered(rate: float) -> float:
        if rate not in tried:
            tried[rate] = float(score(rate))
        return tried[rate]

    first = [remembered(rate) for rate in rates]
    if not np.any(np.asarray(first) < learned_below * chance_score):  # NaN (diverged) counts as not learned
        table = pd.Series(tried, name="validation score").sort_index().rename_axis("learning_rate")
        return float(sorted(tried)[len(tried) // 2]), table, False
    try:
        rate, table = protocol.learning_rate_search(remembered, rates, max_widenings=max_widenings)
    except ValueError:
        if not allow_edge:
            raise
        table = pd.Series(tried, name="validation score").sort_index().rename_axis("learning_rate")
        rate = float(table.fillna(np.inf).idxmin())
    return rate, table, True
