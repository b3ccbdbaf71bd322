"""How the course draws every verdict between two models (COURSE_GUIDE, "Fair comparisons").

One protocol, used by every lesson that compares models:

1. each contender gets its own learning rate, searched on validation on a log grid that is
   widened while the best value sits at an edge (`learning_rate_search`);
2. each contender is trained over several seeds (`utils.by_mode(full=3, fast=...)`) and a
   metric is summarised as mean, standard deviation and a 95 % interval over seeds
   (`seed_summary`);
3. two contenders are compared by their difference and its 95 % interval, paired by seed
   when they share seeds (`difference`), and, on a test set, with the test set's own
   sampling error counted by a bootstrap over examples or over blocks of time
   (`bootstrap_difference`);
4. the verdict is read from the interval (`verdict`): "A better", "B better" or
   "no clear difference". The third is a result, not a failure.

"Spread" in the course always means the standard deviation over seeds (ddof=1).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

CONFIDENCE = 0.95
NO_CLEAR_DIFFERENCE = "no clear difference"

# Two-sided 95 % quantiles of Student's t for 1..30 degrees of freedom (any statistics
# table; scipy.stats.t.ppf(0.975, df) gives the same to 3 decimals). Beyond 30: 1.96.
_T_975 = (
    12.706,
    4.303,
    3.182,
    2.776,
    2.571,
    2.447,
    2.365,
    2.306,
    2.262,
    2.228,
    2.201,
    2.179,
    2.160,
    2.145,
    2.131,
    2.120,
    2.110,
    2.101,
    2.093,
    2.086,
    2.080,
    2.074,
    2.069,
    2.064,
    2.060,
    2.056,
    2.052,
    2.048,
    2.045,
    2.042,
)


def t_quantile(degrees_of_freedom: float) -> float:
    """The 97.5 % quantile of Student's t (the half-width factor of a 95 % interval)."""
    if not degrees_of_freedom >= 1:
        raise ValueError(f"a t interval needs at least 1 degree of freedom (2 seeds), got {degrees_of_freedom}")
    whole = int(math.floor(degrees_of_freedom))  # rounding down is the cautious side
    return _T_975[whole - 1] if whole <= len(_T_975) else 1.96


def _by_seed(values, what: str) -> pd.Series:
    """Values as a float Series indexed by seed; a list is indexed 0, 1, 2, ..."""
    if isinstance(values, pd.Series):
        series = values.astype(float)
    elif isinstance(values, Mapping):
        series = pd.Series({int(seed): float(value) for seed, value in values.items()}, dtype=float)
    else:
        array = np.asarray(values, dtype=float)
        if array.ndim != 1:
            raise ValueError(
                f"{what} must be one value per seed (a list, a dict seed -> value or a "
                f"Series indexed by seed), got an array of shape {array.shape}"
            )
        series = pd.Series(array)
    if series.isna().any() or not np.all(np.isfinite(series.to_numpy())):
        bad = list(series.index[~np.isfinite(series.to_numpy())])
        raise ValueError(
            f"{what} has NaN or infinite values (seeds {bad}): a run diverged or was not "
            "measured. Fix that run (lower its learning rate, clip gradients) instead of dropping it."
        )
    if series.index.duplicated().any():
        raise ValueError(f"{what} lists a seed twice: {sorted(series.index[series.index.duplicated()])}")
    return series


def _need_seeds(series: pd.Series, what: str) -> None:
    if len(series) < 2:
        raise ValueError(
            f"{what} has {len(series)} seed(s); a spread and an interval need at least 2 "
            "(the course uses utils.by_mode(full=3, ...) seeds in full mode)"
        )


def seed_summary(values, what: str = "metric") -> dict:
    """Mean, standard deviation (ddof=1) and a 95 % t interval of one metric over seeds."""
    series = _by_seed(values, what)
    _need_seeds(series, what)
    n, mean, std = len(series), float(series.mean()), float(series.std(ddof=1))
    half = t_quantile(n - 1) * std / math.sqrt(n)
    return {"n_seeds": n, "mean": mean, "std": std, "low": mean - half, "high": mean + half}


def verdict(low: float, high: float, names: tuple[str, str] = ("A", "B"), lower_is_better: bool = True) -> str:
    """'A better', 'B better' or 'no clear difference' from an interval of A minus B."""
    if not (np.isfinite(low) and np.isfinite(high)) or low > high:
        raise ValueError(f"an interval needs finite low <= high, got ({low}, {high})")
    a_name, b_name = names
    if high < 0:
        return f"{a_name if lower_is_better else b_name} better"
    if low > 0:
        return f"{b_name if lower_is_better else a_name} better"
    return NO_CLEAR_DIFFERENCE


def difference(a, b, names: tuple[str, str] = ("A", "B"), lower_is_better: bool = True) -> dict:
    """A minus B over seeds, its 95 % interval and the verdict.

    Paired by seed when A and B were run with the same seeds (the usual case: the seed
    fixes the initial weights and the batch order of both); Welch's interval when their
    seeds do not overlap at all. Partly shared seeds are refused: say which runs to compare.
    """
    a_series, b_series = _by_seed(a, names[0]), _by_seed(b, names[1])
    _need_seeds(a_series, names[0])
    _need_seeds(b_series, names[1])
    shared = set(a_series.index) & set(b_series.index)
    if shared and set(a_series.index) == set(b_series.index):
        diffs = a_series - b_series.reindex(a_series.index)
        n, mean = len(diffs), float(diffs.mean())
        half = t_quantile(n - 1) * float(diffs.std(ddof=1)) / math.sqrt(n)
        pairing = "paired by seed"
    elif shared:
        raise ValueError(
            f"{names[0]} and {names[1]} share some seeds but not all "
            f"({sorted(a_series.index)} vs {sorted(b_series.index)}); run both with the same seeds"
        )
    else:
        var_a, var_b = a_series.var(ddof=1) / len(a_series), b_series.var(ddof=1) / len(b_series)
        mean = float(a_series.mean() - b_series.mean())
        dof = (
            (var_a + var_b) ** 2 / (var_a**2 / (len(a_series) - 1) + var_b**2 / (len(b_series) - 1))
            if var_a + var_b > 0
            else len(a_series) + len(b_series) - 2
        )
        half = t_quantile(dof) * math.sqrt(var_a + var_b)
        pairing = "unpaired (Welch)"
    low, high = mean - half, mean + half
    return {
        names[0]: float(a_series.mean()),
        names[1]: float(b_series.mean()),
        "difference": mean,
        "low": low,
        "high": high,
        "pairing": pairing,
        "verdict": verdict(low, high, names, lower_is_better),
    }


def _per_example(values, what: str) -> np.ndarray:
    """Per-example values as (seeds, examples); one row when there is one model."""
    array = np.asarray(values, dtype=float)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] < 2:
        raise ValueError(
            f"{what} must be per-example values, shape (examples,) or (seeds, examples), got shape {np.shape(values)}"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{what} has NaN or infinite per-example values")
    return array


def _block_ids(blocks, n_examples: int) -> np.ndarray:
    if blocks is None:
        return np.arange(n_examples)
    ids = np.asarray(blocks)
    if ids.shape != (n_examples,):
        raise ValueError(
            f"blocks must give one block id per example ({n_examples}), got shape {ids.shape}; "
            "for a series, the day of each window is a good block"
        )
    return np.unique(ids, return_inverse=True)[1]


def bootstrap_difference(
    a_values,
    b_values,
    names: tuple[str, str] = ("A", "B"),
    lower_is_better: bool = True,
    blocks=None,
    n_boot: int = 2000,
    seed: int = 0,
) -> dict:
    """A minus B on a test set, with the test set's own sampling error (and the seeds').

    `a_values`, `b_values`: per-example values whose mean is the metric (absolute errors,
    1/0 for correct, bits), shape (examples,) or (seeds, examples) for the same examples.
    Each bootstrap draw resamples the examples, or whole `blocks` of them (one id per
    example: a day, an episode) so that neighbouring hours of a series move together, and,
    with several seeds, the seeds too (paired: the same seed rows for A and B).
    """
    a, b = _per_example(a_values, names[0]), _per_example(b_values, names[1])
    if a.shape[1] != b.shape[1]:
        raise ValueError(
            f"{names[0]} has {a.shape[1]} examples and {names[1]} {b.shape[1]}: compare them on the same test examples"
        )
    if a.shape[0] != b.shape[0] and min(a.shape[0], b.shape[0]) > 1:
        raise ValueError(
            f"{names[0]} has {a.shape[0]} seeds and {names[1]} {b.shape[0]}; use the same seeds "
            "(or one row for a model without seeds, such as a baseline)"
        )
    ids = _block_ids(blocks, a.shape[1])
    n_blocks = ids.max() + 1
    block_sums_a = np.stack([np.bincount(ids, row, n_blocks) for row in a])
    block_sums_b = np.stack([np.bincount(ids, row, n_blocks) for row in b])
    block_sizes = np.bincount(ids, minlength=n_blocks)
    rng = np.random.default_rng(seed)
    n_seeds = max(a.shape[0], b.shape[0])
    draws = np.empty(n_boot)
    for i in range(n_boot):
        picked = np.bincount(rng.integers(0, n_blocks, n_blocks), minlength=n_blocks)
        rows = rng.integers(0, n_seeds, n_seeds)
        size = picked @ block_sizes
        mean_a = (block_sums_a[rows % a.shape[0]] @ picked).mean() / size
        mean_b = (block_sums_b[rows % b.shape[0]] @ picked).mean() / size
        draws[i] = mean_a - mean_b
    low, high = (float(q) for q in np.quantile(draws, [(1 - CONFIDENCE) / 2, (1 + CONFIDENCE) / 2]))
    return {
        names[0]: float(a.mean()),
        names[1]: float(b.mean()),
        "difference": float(a.mean() - b.mean()),
        "low": low,
        "high": high,
        "verdict": verdict(low, high, names, lower_is_better),
    }


def bootstrap_interval(values, blocks=None, n_boot: int = 2000, seed: int = 0) -> dict:
    """One model's metric on a test set with a 95 % bootstrap interval (examples or blocks)."""
    array = _per_example(values, "values")
    zeros = np.zeros_like(array)
    result = bootstrap_difference(array, zeros, ("model", "zero"), blocks=blocks, n_boot=n_boot, seed=seed)
    return {"mean": result["difference"], "low": result["low"], "high": result["high"]}


def binomial_interval(successes: int, trials: int) -> dict:
    """A share (exact match, accuracy) with its 95 % Wilson interval."""
    if not (isinstance(trials, (int, np.integer)) and trials > 0 and 0 <= successes <= trials):
        raise ValueError(f"need 0 <= successes <= trials and trials > 0, got {successes} of {trials}")
    z, p = 1.96, successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    return {"share": p, "low": max(0.0, centre - half), "high": min(1.0, centre + half)}


def learning_rate_search(
    score: Callable[[float], float], grid, lower_is_better: bool = True, max_widenings: int = 3
) -> tuple[float, pd.Series]:
    """Try each learning rate on validation; widen the log grid while the best sits at an edge.

    `score(learning_rate)` trains one model and returns its validation metric. The grid
    must be increasing with a constant ratio (e.g. [1e-3, 3e-3, 1e-2] or
    np.geomspace(1e-4, 1e-2, 3)); each widening adds one value beyond the edge that won,
    at the same ratio. Returns (best rate, every score tried, by rate). If the best is
    still at an edge after `max_widenings`, it raises: report that, do not hide it.
    """
    rates = np.asarray(grid, dtype=float)
    if rates.ndim != 1 or len(rates) < 3 or np.any(rates <= 0) or np.any(np.diff(rates) <= 0):
        raise ValueError(f"grid must hold at least 3 increasing positive learning rates, got {list(grid)}")
    ratios = rates[1:] / rates[:-1]
    if not np.allclose(ratios, ratios[0], rtol=0.15):
        raise ValueError(f"grid must be evenly spaced on a log scale (a constant ratio), got ratios {ratios.round(2)}")
    ratio = float(ratios.mean())
    scores: dict[float, float] = {}
    todo = list(rates)
    for _ in range(max_widenings + 1):
        for rate in todo:
            value = float(score(float(rate)))
            if not np.isfinite(value):
                value = np.inf if lower_is_better else -np.inf  # a diverged run loses
            scores[float(rate)] = value
        table = pd.Series(scores).sort_index()
        best_position = int(np.argmin(table.to_numpy()) if lower_is_better else np.argmax(table.to_numpy()))
        if 0 < best_position < len(table) - 1:
            table.index.name, table.name = "learning_rate", "validation score"
            return float(table.index[best_position]), table
        edge = table.index[best_position]
        todo = [edge / ratio] if best_position == 0 else [edge * ratio]
    raise ValueError(
        f"the best learning rate is still at the edge of the grid after {max_widenings} widenings "
        f"({ {float(k): round(float(v), 4) for k, v in table.items()} }); the search is not finished: "
        "widen it further or report the edge"
    )
