"""Forecasting helpers for any DataFrame with a DatetimeIndex and a named target column.

Lesson 05 explains them step by step; lessons 02 and 04 reuse them. The rules they
enforce: split by time (never shuffle across a split), normalise with training
statistics only, and a window's target starts exactly one step after its last input.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def check_frame(df: pd.DataFrame, columns: list[str] | None = None) -> None:
    """Raise a clear ValueError unless `df` is a clean, time-ordered table of numbers."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
    if not isinstance(df.index, pd.DatetimeIndex):
        raise ValueError("the DataFrame needs a DatetimeIndex (use df.set_index('your_time_column'))")
    if df.index.has_duplicates:
        dup = df.index[df.index.duplicated()][0]
        raise ValueError(f"the index has duplicated timestamps (first: {dup}); aggregate them first")
    if not df.index.is_monotonic_increasing:
        raise ValueError("the index is not sorted in time; call df.sort_index() first")
    missing = [c for c in (columns or []) if c not in df.columns]
    if missing:
        raise KeyError(f"unknown column(s) {missing}; available: {list(df.columns)}")
    used = df[columns] if columns else df
    non_numeric = [c for c in used.columns if not pd.api.types.is_numeric_dtype(used[c])]
    if non_numeric:
        raise ValueError(f"column(s) {non_numeric} are not numeric; encode or drop them")
    nan_columns = [c for c in used.columns if used[c].isna().any()]
    if nan_columns:
        raise ValueError(
            f"NaNs in column(s) {nan_columns}; fill or drop them first "
            "(e.g. df.interpolate(limit=3) or df.dropna())"
        )


def split_by_time(df: pd.DataFrame, train: float = 0.7, val: float = 0.15):
    """Split into consecutive train / validation / test parts (the test part is the rest)."""
    check_frame(df)
    if not (0 < train < 1 and 0 < val < 1 and train + val < 1):
        raise ValueError(f"need 0 < train, val and train + val < 1, got train={train}, val={val}")
    n = len(df)
    i_val, i_test = int(n * train), int(n * (train + val))
    return df.iloc[:i_val], df.iloc[i_val:i_test], df.iloc[i_test:]


def fit_standardizer(train_df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Mean and standard deviation of each column, from the training split only."""
    check_frame(train_df)
    std = train_df.std()
    constant = list(std[std == 0].index)
    if constant:
        raise ValueError(f"column(s) {constant} are constant in the training split; drop them")
    return train_df.mean(), std


def standardize(df: pd.DataFrame, stats: tuple[pd.Series, pd.Series]) -> pd.DataFrame:
    """(df - mean) / std with the training statistics from `fit_standardizer`."""
    mean, std = stats
    return (df - mean) / std


def window_arrays(df: pd.DataFrame, target: str, window: int, horizon: int,
                  features: list[str] | None = None):
    """All (input window, next `horizon` targets) pairs as NumPy arrays.

    x[i] holds rows i .. i+window-1 of the feature columns, and y[i] holds the target
    at rows i+window .. i+window+horizon-1: the first target is exactly one step after
    the last input. Shapes: x (n, window, n_features), y (n, horizon), float32.
    """
    features = list(features or df.columns)
    check_frame(df, list(dict.fromkeys(features + [target])))
    for name, value in (("window", window), ("horizon", horizon)):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    n = len(df) - window - horizon + 1
    if n < 1:
        raise ValueError(
            f"window ({window}) + horizon ({horizon}) = {window + horizon} rows is longer than "
            f"this split ({len(df)} rows); use a shorter window or horizon, or a longer split"
        )
    values = df[features].to_numpy("float32")
    targets = df[target].to_numpy("float32")
    x = np.lib.stride_tricks.sliding_window_view(values, window, axis=0)[:n].transpose(0, 2, 1)
    y = np.lib.stride_tricks.sliding_window_view(targets, horizon)[window:window + n]
    return np.ascontiguousarray(x), np.ascontiguousarray(y)
