"""Forecasting helpers for any DataFrame with a DatetimeIndex and a named target column.

Lesson 05 explains them step by step; lessons 02, 03 and 04 reuse them. The rules they
enforce: split by time (never shuffle across a split), normalise with training
statistics only, and a window's target starts exactly one step after its last input.

    check_frame           clear errors for unknown columns, NaNs, unsorted/duplicated index
    add_time_features     hour of day and day of week as sine/cosine columns
    split_by_time         consecutive train / validation / test parts
    fit_standardizer      training-split mean and std; `standardize`, `unstandardize`
    window_arrays         every (window, next `horizon` targets) pair as NumPy arrays
    window_dataset        the same pairs as a batched tf.data.Dataset (Keras' own windowing)
    standardized_windows  split -> standardise -> windows in one call (lessons 00, 02-04)
    naive_forecast        last value (period=1) and seasonal naive (24: yesterday, 168: last week)
    same_hour_median      the median of the same hour over the last `days` days (a robust seasonal rule)
    mae_by_horizon        MAE for each forecast step 1..horizon; `improvement_table`
    future_inputs         the feature rows of each window's forecast steps (known-ahead inputs)
    sequence_targets      the next `horizon` targets after every step of every window (seq2seq)
    recursive_forecast    a one-step model fed its own forecasts, `horizon` times
    feedback_gru          a recursive GRU trained through its own rollout (and its teacher-forced twin)
    previous_targets      the true value before each forecast step (teacher forcing)
    forecast_days         the day of each window's first forecast step (bootstrap blocks)
    window_errors         each window's MAE over its forecast steps (per seed), for the bootstrap
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core import checks


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
            f"NaNs in column(s) {nan_columns}; fill or drop them first (e.g. df.interpolate(limit=3) or df.dropna())"
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
    unknown = [c for c in df.columns if c not in mean.index]
    if unknown:
        raise KeyError(
            f"column(s) {unknown} have no training statistics; fit_standardizer saw only "
            f"{list(mean.index)}. Fit it on a training split with the same columns."
        )
    return (df - mean[df.columns]) / std[df.columns]


def unstandardize(values, stats: tuple[pd.Series, pd.Series], column: str):
    """Back to original units: values * std + mean of one column (e.g. model outputs in kW)."""
    mean, std = stats
    if column not in mean.index:
        raise KeyError(f"unknown column {column!r}; the statistics cover {list(mean.index)}")
    return np.asarray(values) * std[column] + mean[column]


TIME_FEATURES = ["hour_sin", "hour_cos", "weekday_sin", "weekday_cos"]


def add_time_features(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` with hour of day and day of week as sine/cosine pairs (lesson 05).

    A clock is a circle: 23:00 and 00:00 are neighbours, yet as raw numbers they are 23
    apart. The pair (sin, cos) of the angle puts every hour on a circle, so neighbours
    stay neighbours. Same for the days of the week (Monday = 0 ... Sunday = 6).
    """
    if not isinstance(df, pd.DataFrame) or not isinstance(df.index, pd.DatetimeIndex):
        raise ValueError("add_time_features needs a DataFrame with a DatetimeIndex")
    clash = [c for c in TIME_FEATURES if c in df.columns]
    if clash:
        raise ValueError(f"the DataFrame already has column(s) {clash}; time features were added before")
    hour = (df.index.hour + df.index.minute / 60).to_numpy()
    weekday = df.index.day_of_week.to_numpy()
    out = df.copy()
    out["hour_sin"] = np.sin(2 * np.pi * hour / 24)
    out["hour_cos"] = np.cos(2 * np.pi * hour / 24)
    out["weekday_sin"] = np.sin(2 * np.pi * weekday / 7)
    out["weekday_cos"] = np.cos(2 * np.pi * weekday / 7)
    return out


def _checked_windows(
    df: pd.DataFrame, target: str, window: int, horizon: int, features: list[str] | None
) -> tuple[list[str], int]:
    """Validate a windowing request; return the feature names and the number of windows."""
    features = list(features or df.columns)
    check_frame(df, list(dict.fromkeys(features + [target])))
    checks.positive_int("window", window)
    checks.positive_int("horizon", horizon)
    n = len(df) - window - horizon + 1
    if n < 1:
        raise ValueError(
            f"window ({window}) + horizon ({horizon}) = {window + horizon} rows is longer than "
            f"this split ({len(df)} rows); use a shorter window or horizon, or a longer split"
        )
    return features, n


def _target_rows(df: pd.DataFrame, target: str, window: int, horizon: int, n: int) -> np.ndarray:
    """y[i] = target at rows i+window .. i+window+horizon-1, shape (n, horizon)."""
    targets = df[target].to_numpy("float32")
    return np.lib.stride_tricks.sliding_window_view(targets, horizon)[window : window + n]


def window_arrays(df: pd.DataFrame, target: str, window: int, horizon: int, features: list[str] | None = None):
    """All (input window, next `horizon` targets) pairs as NumPy arrays.

    x[i] holds rows i .. i+window-1 of the feature columns, and y[i] holds the target
    at rows i+window .. i+window+horizon-1: the first target is exactly one step after
    the last input. Shapes: x (n, window, n_features), y (n, horizon), float32.
    """
    features, n = _checked_windows(df, target, window, horizon, features)
    values = df[features].to_numpy("float32")
    x = np.lib.stride_tricks.sliding_window_view(values, window, axis=0)[:n].transpose(0, 2, 1)
    y = _target_rows(df, target, window, horizon, n)
    return np.ascontiguousarray(x), np.ascontiguousarray(y)


def window_dataset(
    df: pd.DataFrame,
    target: str,
    window: int,
    horizon: int,
    features: list[str] | None = None,
    batch_size: int = 256,
    shuffle: bool = False,
    seed: int | None = None,
    stride: int = 1,
):
    """The pairs of `window_arrays`, batched by `keras.utils.timeseries_dataset_from_array`.

    Windows are cut on the fly (no copy of every window in memory). Without shuffling
    (and with stride 1) batch after batch gives exactly window_arrays' x and y, in order,
    so predictions line up with `window_arrays(...)[1]`. `shuffle=True` for training;
    `stride=k` keeps every k-th window (fewer, less redundant windows per epoch).
    """
    import keras  # imported here: the rest of this module needs only NumPy and pandas

    features, n = _checked_windows(df, target, window, horizon, features)
    checks.positive_int("stride", stride)
    values = df[features].to_numpy("float32")[: n + window - 1]  # the last horizon rows are never inputs
    return keras.utils.timeseries_dataset_from_array(
        values,
        _target_rows(df, target, window, horizon, n),
        sequence_length=window,
        sequence_stride=stride,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
    )


@dataclass
class WindowedSplits:
    """Standardised windows of a train / validation / test split (see `standardized_windows`)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    stats: tuple[pd.Series, pd.Series]  # training mean and std of every column
    target: str
    target_column: int  # index of the target among the features (last axis of x)

    @property
    def kw_per_unit(self) -> float:
        """One standardised unit of the target in its own units (kW for power): MAE * kw_per_unit."""
        return float(self.stats[1][self.target])

    def to_original_units(self, values) -> np.ndarray:
        """Standardised target values (targets, forecasts) back in original units."""
        return unstandardize(values, self.stats, self.target)


def standardized_windows(
    df: pd.DataFrame, target: str, window: int, horizon: int, train: float = 0.7, val: float = 0.15
) -> WindowedSplits:
    """Split by time, standardise with training statistics, cut every window of each part.

    The whole pipeline that lesson 05 builds step by step, in one call for the lessons
    that only need its result (00, 02, 03, 04).
    """
    parts = split_by_time(df, train=train, val=val)
    stats = fit_standardizer(parts[0])
    arrays = [window_arrays(standardize(part, stats), target, window, horizon) for part in parts]
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = arrays
    return WindowedSplits(x_train, y_train, x_val, y_val, x_test, y_test, stats, target, list(df.columns).index(target))


def naive_forecast(df: pd.DataFrame, target: str, window: int, horizon: int, period: int = 1) -> np.ndarray:
    """Repeat the most recent value from `period` steps earlier, for every window.

    period=1 is the last-value forecast; on hourly data period=24 is "same hour
    yesterday" and period=168 "same hour last week" (seasonal naive). For a step h
    beyond one period, the latest same-phase value inside the window is used. The result
    lines up with window_arrays(df, target, window, horizon)[1]: shape (n, horizon),
    in the units of df[target].
    """
    _, n = _checked_windows(df, target, window, horizon, [target])
    checks.positive_int("period", period)
    if period > window:
        raise ValueError(
            f"period {period} looks {period} steps back but the window holds only {window}; "
            f"use a window of at least {period} steps (or a shorter period)"
        )
    series = df[target].to_numpy("float32")
    last_input = np.arange(n)[:, None] + window - 1
    steps = np.arange(1, horizon + 1)
    back = period * -(-steps // period)  # period * ceil(step / period): same phase, already seen
    return series[last_input + steps - back]


def _checked_pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    y_true, y_pred = np.asarray(y_true, dtype="float64"), np.asarray(y_pred, dtype="float64")
    if y_true.ndim != 2 or y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true and y_pred must both have shape (windows, horizon); got {y_true.shape} "
            f"and {y_pred.shape}. Did you unstandardize and line them up with window_arrays?"
        )
    if np.isnan(y_true).any() or np.isnan(y_pred).any():
        raise ValueError("NaN in y_true or y_pred; a NaN prediction usually means training diverged")
    return y_true, y_pred


def mae_by_horizon(y_true, y_pred) -> pd.Series:
    """Mean absolute error of each forecast step 1..horizon (its mean is the overall MAE)."""
    y_true, y_pred = _checked_pair(y_true, y_pred)
    errors = np.abs(y_true - y_pred).mean(axis=0)
    return pd.Series(errors, index=pd.RangeIndex(1, len(errors) + 1, name="steps ahead"), name="MAE")


def improvement_table(test_mae: dict[str, float], baselines: list[str]) -> pd.DataFrame:
    """Test MAE per method and its improvement over the best baseline, in percent."""
    unknown = [b for b in baselines if b not in test_mae]
    if not baselines or unknown:
        raise KeyError(f"baselines {unknown or baselines} must name entries of test_mae: {list(test_mae)}")
    best = min(test_mae[b] for b in baselines)
    table = pd.DataFrame({"test MAE": pd.Series(test_mae, dtype="float64")})
    table["kind"] = ["baseline" if name in baselines else "model" for name in table.index]
    table["vs best baseline (%)"] = 100 * (best - table["test MAE"]) / best
    return table.round({"test MAE": 4, "vs best baseline (%)": 1})


# ---------------------------------------------------------------- multi-step strategies (lesson 05)
def future_inputs(df: pd.DataFrame, window: int, horizon: int, features: list[str]) -> np.ndarray:
    """The feature rows of each window's forecast steps, shape (n, horizon, n_features), float32.

    Row i holds rows i+window .. i+window+horizon-1 of `features`, aligned with
    window_arrays(df, target, window, horizon)[1]. Use it only for inputs that are known
    ahead (calendar features): anything measured is unknown at forecast time.
    """
    if not features:
        raise ValueError("features must name at least one column, e.g. TIME_FEATURES")
    features, n = _checked_windows(df, features[0], window, horizon, features)
    values = df[features].to_numpy("float32")
    rows = np.lib.stride_tricks.sliding_window_view(values, horizon, axis=0)[window : window + n]
    return np.ascontiguousarray(rows.transpose(0, 2, 1))


def sequence_targets(df: pd.DataFrame, target: str, window: int, horizon: int) -> np.ndarray:
    """Targets for a sequence-to-sequence head, shape (n, window, horizon), float32.

    y[i, t] holds the `horizon` target values after input step t of window i (rows
    i+t+1 .. i+t+horizon), so y[i, -1] equals window_arrays(df, target, window, horizon)[1][i]:
    a model with `return_sequences=True` learns a forecast at every step, not only the last.
    """
    _, n = _checked_windows(df, target, window, horizon, [target])
    after_each_row = np.lib.stride_tricks.sliding_window_view(df[target].to_numpy("float32"), horizon)[1:]
    by_window = np.lib.stride_tricks.sliding_window_view(after_each_row, window, axis=0)[:n]
    return np.ascontiguousarray(by_window.transpose(0, 2, 1))


def recursive_forecast(
    model, x, horizon: int, target_column: int = 0, known_future=None, batch_size: int = 1024
) -> np.ndarray:
    """Forecast `horizon` steps with a one-step model fed its own forecasts (lesson 05).

    x: inputs (windows, window, features); `model.predict(x)` must return (windows, 1), the
    next value of feature `target_column`. Each step appends a row to the window and drops
    the oldest: the forecast goes in the target column, the other columns come from
    `known_future` (windows, horizon, features), e.g. from `future_inputs` (its target
    column is ignored). With a single feature (the target alone) `known_future` is not needed.
    Returns (windows, horizon), in the units of x.
    """
    x = np.asarray(x, dtype="float32")
    if x.ndim != 3:
        raise ValueError(f"x must have shape (windows, window, features), got {x.shape}")
    checks.positive_int("horizon", horizon)
    checks.whole_number("target_column", target_column, minimum=0, maximum=x.shape[2] - 1)
    if known_future is None:
        if x.shape[2] > 1:
            raise ValueError(
                f"x has {x.shape[2]} features: pass known_future with shape ({len(x)}, {horizon}, "
                f"{x.shape[2]}), the future values of the other features (e.g. future_inputs of the "
                "calendar features), or train the one-step model on the target alone"
            )
        known_future = np.zeros((len(x), horizon, 1), dtype="float32")
    known_future = np.asarray(known_future, dtype="float32")
    if known_future.shape != (len(x), horizon, x.shape[2]):
        raise ValueError(
            f"known_future must have shape {(len(x), horizon, x.shape[2])} "
            f"(windows, horizon, features), got {known_future.shape}"
        )
    forecasts = np.empty((len(x), horizon), dtype="float32")
    for step in range(horizon):
        next_value = np.asarray(model.predict(x, batch_size=batch_size, verbose=0))
        if next_value.shape != (len(x), 1):
            raise ValueError(
                f"the model must forecast one step, shape {(len(x), 1)}; it returned "
                f"{next_value.shape}. Train it on window_arrays(..., horizon=1)"
            )
        forecasts[:, step] = next_value[:, 0]
        new_row = known_future[:, step : step + 1].copy()
        new_row[:, 0, target_column] = next_value[:, 0]
        x = np.concatenate([x[:, 1:], new_row], axis=1)
    return forecasts


# ---------------------------------------------------------------- stronger baselines, fair margins (lesson 05)
def same_hour_median(
    df: pd.DataFrame, target: str, window: int, horizon: int, days: int = 7, period: int = 24
) -> np.ndarray:
    """The median of the same hour on each of the last `days` days inside the window.

    For forecast step h the candidates are the values `period` * (ceil(h / period) + j)
    steps before the target hour, j = 0 .. days-1: the same phase on the latest `days`
    periods already seen. With days=1 this is `naive_forecast(..., period)`. Lines up with
    window_arrays(df, target, window, horizon)[1]: shape (n, horizon), in the units of df[target].
    """
    _, n = _checked_windows(df, target, window, horizon, [target])
    checks.positive_int("days", days)
    checks.positive_int("period", period)
    steps = np.arange(1, horizon + 1)
    first_back = period * -(-steps // period)  # the latest same-phase value already seen
    if days * period > window:  # step 1 reaches days * period - 1 steps before the last input
        raise ValueError(
            f"{days} days of the same hour need a window of at least {days} * {period} = {days * period} "
            f"steps, but the window holds {window}; use fewer days or a longer window"
        )
    series = df[target].to_numpy("float32")
    target_rows = np.arange(n)[:, None] + window - 1 + steps  # (n, horizon): row of each target hour
    candidates = np.stack([series[target_rows - first_back - period * j] for j in range(days)])
    return np.median(candidates, axis=0)


def forecast_days(index: pd.DatetimeIndex, window: int, horizon: int) -> np.ndarray:
    """The calendar day of each window's first forecast step (blocks for a bootstrap over days).

    Aligned with window_arrays(df, ..., window, horizon) of a frame with this index: windows
    whose forecasts start on the same day share a block, so a block bootstrap resamples
    whole days and neighbouring, overlapping windows move together.
    """
    if not isinstance(index, pd.DatetimeIndex):
        raise ValueError("forecast_days needs a DatetimeIndex (the split's index, e.g. test.index)")
    checks.positive_int("window", window)
    checks.positive_int("horizon", horizon)
    n = len(index) - window - horizon + 1
    if n < 1:
        raise ValueError(f"window ({window}) + horizon ({horizon}) is longer than the index ({len(index)} rows)")
    return index[window : window + n].normalize().to_numpy()


def window_errors(y_true, y_pred) -> np.ndarray:
    """The mean absolute error of each window over its forecast steps.

    y_true (windows, horizon); y_pred (windows, horizon), or (seeds, windows, horizon) for one
    model trained with several seeds. Returns (windows,) or (seeds, windows): their mean is
    the MAE, and one value per window is what a bootstrap over test windows or days
    (`utils.core.protocol.bootstrap_difference`) resamples.
    """
    y_pred = np.asarray(y_pred, dtype="float64")
    if y_pred.ndim == 3:
        return np.stack([window_errors(y_true, one) for one in y_pred])
    y_true, y_pred = _checked_pair(y_true, y_pred)
    return np.abs(y_true - y_pred).mean(axis=1)


def feedback_gru(window: int, n_features: int, n_known: int, horizon: int, units: int = 32, target_column: int = 0):
    """A recursive (autoregressive) GRU forecaster, trained through its own rollout (lesson 05).

    An encoder `GRU(units)` reads the window (window, n_features); then a `GRUCell(units)`,
    started from the encoder's final state, runs once per forecast step: its input is the
    previous step's value of the target (the last observed one for step 1, its own forecast
    after that) and the `n_known` known-ahead features of that step (calendar); a `Dense(1)`
    reads the forecast off its state. This is the TensorFlow time-series tutorial's
    "FeedBack" model, with a separate cell for the future steps because they carry fewer
    features than the window.

    Returns (rollout, one_step), two Keras models that share every layer:
    - rollout([x, known_future]) -> (batch, horizon): feeds its own forecasts back, in
      training too, so the loss sees compounding errors;
    - one_step([x, known_future, previous]) -> (batch, horizon): fed the TRUE previous values
      (`previous[:, h]` = the target at step h, i.e. the last input for h=0: "teacher
      forcing"), which is how a one-step model is trained. Train it, then forecast with
      `rollout` to measure what one-step training costs.
    known_future: (batch, horizon, n_known), e.g. `future_inputs(split, window, horizon, TIME_FEATURES)`.
    """
    import keras  # imported here: the rest of this module needs only NumPy and pandas
    from keras import ops

    for name, value in (
        ("window", window),
        ("n_features", n_features),
        ("n_known", n_known),
        ("horizon", horizon),
        ("units", units),
    ):
        checks.positive_int(name, value)
    checks.whole_number("target_column", target_column, minimum=0, maximum=n_features - 1)
    x = keras.Input((window, n_features), name="window")
    known = keras.Input((horizon, n_known), name="known_future")
    previous = keras.Input((horizon,), name="previous_true")
    encoder = keras.layers.GRU(units, return_state=True, name="encoder")
    cell = keras.layers.GRUCell(units, name="step_cell")
    head = keras.layers.Dense(1, name="forecast")
    _, start = encoder(x)
    last_observed = x[:, -1, target_column : target_column + 1]

    def unroll(fed_back: bool):
        state, value, outputs = start, last_observed, []
        for step in range(horizon):
            fed = value if fed_back else previous[:, step : step + 1]
            output, state = cell(ops.concatenate([fed, known[:, step]], axis=-1), state)
            value = head(output)
            outputs.append(value)
        return ops.concatenate(outputs, axis=-1)

    rollout = keras.Model([x, known], unroll(fed_back=True), name="recursive_rollout")
    one_step = keras.Model([x, known, previous], unroll(fed_back=False), name="recursive_one_step")
    return rollout, one_step


def previous_targets(x, y, target_column: int = 0) -> np.ndarray:
    """The true value before each forecast step: [last input, y[:, 0], ..., y[:, -2]] (teacher forcing).

    x: (windows, window, features), y: (windows, horizon) in the same (standardised) units.
    """
    x, y = np.asarray(x, dtype="float32"), np.asarray(y, dtype="float32")
    if x.ndim != 3 or y.ndim != 2 or len(x) != len(y):
        raise ValueError(
            f"need x (windows, window, features) and y (windows, horizon) for the same windows, "
            f"got {x.shape} and {y.shape}"
        )
    return np.concatenate([x[:, -1:, target_column], y[:, :-1]], axis=1)
