"""Unit tests of utils.lessons.lesson05_forecasting (lesson 05's helpers, reused by lessons 00 and 02-04)."""

import numpy as np
import pandas as pd
import pytest

from utils.lessons.lesson05_forecasting import (
    TIME_FEATURES,
    add_time_features,
    check_frame,
    feedback_gru,
    fit_standardizer,
    forecast_days,
    future_inputs,
    improvement_table,
    mae_by_horizon,
    naive_forecast,
    previous_targets,
    recursive_forecast,
    same_hour_median,
    sequence_targets,
    split_by_time,
    standardize,
    unstandardize,
    window_arrays,
    window_dataset,
    window_errors,
)


def ramp_frame(n: int = 60) -> pd.DataFrame:
    """Hourly frame whose `step` column is the row number: positions are easy to read back."""
    index = pd.date_range("2024-01-01", periods=n, freq="h")
    return pd.DataFrame({"step": np.arange(n, dtype=float), "other": np.arange(n) * 10.0 + 1}, index=index)


# ---------------------------------------------------------------- bad input
def test_check_frame_accepts_a_clean_frame():
    check_frame(ramp_frame(), ["step"])


@pytest.mark.parametrize(
    "broken, error, words",
    [
        (lambda df: df.iloc[::-1], ValueError, "not sorted"),
        (lambda df: pd.concat([df.iloc[:3], df.iloc[2:]]), ValueError, "duplicated"),
        (lambda df: df.reset_index(drop=True), ValueError, "DatetimeIndex"),
        (lambda df: df.assign(step=df.step.where(df.step != 5)), ValueError, "NaNs in column(s) ['step']"),
        (lambda df: df.assign(step=df.step.astype(str)), ValueError, "not numeric"),
    ],
    ids=["unsorted", "duplicated", "no-datetime-index", "nan", "text"],
)
def test_bad_frames_get_a_clear_error_from_every_entry_point(broken, error, words):
    df = broken(ramp_frame())
    for call in (
        lambda: check_frame(df, ["step"]),
        lambda: window_arrays(df, "step", 4, 2),
        lambda: window_dataset(df, "step", 4, 2),
        lambda: naive_forecast(df, "step", 4, 2),
    ):
        with pytest.raises(error) as info:
            call()
        assert words in str(info.value)


def test_not_a_dataframe():
    with pytest.raises(TypeError, match="DataFrame"):
        check_frame(np.zeros((3, 2)))


@pytest.mark.parametrize(
    "call",
    [
        lambda df: window_arrays(df, "power", 4, 2),
        lambda df: window_arrays(df, "step", 4, 2, features=["step", "voltage"]),
        lambda df: window_dataset(df, "power", 4, 2),
        lambda df: naive_forecast(df, "power", 4, 2),
    ],
)
def test_unknown_column_names_the_available_ones(call):
    with pytest.raises(KeyError, match=r"unknown column.*available: \['step', 'other'\]"):
        call(ramp_frame())


def test_nan_in_a_column_that_is_not_used_is_fine():
    df = ramp_frame().assign(unused=np.nan)
    x, _ = window_arrays(df, "step", 4, 2, features=["step", "other"])
    assert x.shape == (55, 4, 2)


@pytest.mark.parametrize("window, horizon", [(50, 11), (61, 1), (1, 60)])
def test_window_plus_horizon_longer_than_the_split(window, horizon):
    for call in (window_arrays, window_dataset, naive_forecast):
        with pytest.raises(ValueError, match=r"longer than this split \(60 rows\)"):
            call(ramp_frame(60), "step", window, horizon)


def test_window_plus_horizon_equal_to_the_split_gives_one_window():
    x, y = window_arrays(ramp_frame(10), "step", 7, 3)
    assert x.shape == (1, 7, 2) and y.tolist() == [[7, 8, 9]]


@pytest.mark.parametrize("bad", [0, -3, 2.0, True, "24"])
def test_window_and_horizon_must_be_positive_ints(bad):
    with pytest.raises(ValueError, match="window must be a positive int"):
        window_arrays(ramp_frame(), "step", bad, 2)
    with pytest.raises(ValueError, match="horizon must be a positive int"):
        naive_forecast(ramp_frame(), "step", 4, bad)


# ---------------------------------------------------------------- splits and normalisation
def test_split_by_time_is_consecutive_and_complete():
    df = ramp_frame(100)
    train, val, test = split_by_time(df, 0.7, 0.15)
    assert (len(train), len(val), len(test)) == (70, 15, 15)
    assert train.index.max() < val.index.min() and val.index.max() < test.index.min()
    assert pd.concat([train, val, test]).equals(df)


@pytest.mark.parametrize("train, val", [(0, 0.2), (0.9, 0.1), (0.7, 0), (1.2, 0.1)])
def test_split_by_time_rejects_bad_fractions(train, val):
    with pytest.raises(ValueError, match="train"):
        split_by_time(ramp_frame(), train, val)


def test_standardizer_uses_training_statistics_only():
    train, val, _ = split_by_time(ramp_frame(100))
    stats = fit_standardizer(train)
    assert stats[0]["step"] == pytest.approx(34.5)
    scaled = standardize(val, stats)
    assert scaled["step"].iloc[0] == pytest.approx((70 - 34.5) / train["step"].std())
    np.testing.assert_allclose(unstandardize(scaled["step"], stats, "step"), val["step"])


def test_standardize_a_subset_of_the_columns():
    stats = fit_standardizer(ramp_frame())
    scaled = standardize(ramp_frame()[["other"]], stats)
    assert list(scaled.columns) == ["other"] and not scaled.isna().any().any()


def test_standardize_refuses_columns_without_statistics():
    stats = fit_standardizer(ramp_frame()[["step"]])
    with pytest.raises(KeyError, match=r"\['other'\] have no training statistics"):
        standardize(ramp_frame(), stats)
    with pytest.raises(KeyError, match="unknown column 'other'"):
        unstandardize(np.zeros(3), stats, "other")


def test_constant_training_column_is_refused():
    with pytest.raises(ValueError, match="constant"):
        fit_standardizer(ramp_frame().assign(flat=1.0))


# ---------------------------------------------------------------- time features
def test_time_features_put_the_clock_on_a_circle():
    df = add_time_features(ramp_frame(24 * 8))  # starts Monday 2024-01-01 00:00
    assert list(df.columns) == ["step", "other", *TIME_FEATURES]
    midnight, six, eleven_pm = df.iloc[0], df.iloc[6], df.iloc[23]
    assert (midnight.hour_sin, midnight.hour_cos) == pytest.approx((0, 1))
    assert (six.hour_sin, six.hour_cos) == pytest.approx((1, 0), abs=1e-12)
    assert np.hypot(midnight.hour_sin - eleven_pm.hour_sin, midnight.hour_cos - eleven_pm.hour_cos) < 0.3
    sunday = df.loc["2024-01-07 12:00"]
    assert (sunday.weekday_sin, sunday.weekday_cos) == pytest.approx(
        (np.sin(2 * np.pi * 6 / 7), np.cos(2 * np.pi * 6 / 7))
    )
    assert "hour_sin" not in ramp_frame().columns  # the input is left alone


def test_time_features_errors():
    with pytest.raises(ValueError, match="DatetimeIndex"):
        add_time_features(ramp_frame().reset_index(drop=True))
    with pytest.raises(ValueError, match="already has"):
        add_time_features(add_time_features(ramp_frame()))


# ---------------------------------------------------------------- window / target alignment
@pytest.mark.parametrize("window, horizon", [(1, 1), (5, 1), (5, 3), (24, 12)])
def test_target_starts_exactly_one_step_after_the_last_input(window, horizon):
    df = ramp_frame(60)
    x, y = window_arrays(df, "step", window, horizon)
    n = 60 - window - horizon + 1
    assert x.shape == (n, window, 2) and y.shape == (n, horizon)
    assert x.dtype == y.dtype == np.float32
    for i in (0, n // 2, n - 1):
        assert x[i, :, 0].tolist() == list(range(i, i + window))
        assert y[i].tolist() == list(range(i + window, i + window + horizon))
        assert y[i, 0] == x[i, -1, 0] + 1


def test_features_choose_and_order_the_input_columns():
    x, y = window_arrays(ramp_frame(), "step", 4, 2, features=["other"])
    assert x.shape[-1] == 1 and x[0, 0, 0] == 1.0 and y[0, 0] == 4


@pytest.mark.parametrize("window, horizon, batch_size", [(5, 3, 7), (24, 12, 256), (1, 1, 4)])
def test_window_dataset_agrees_with_window_arrays(window, horizon, batch_size):
    df = ramp_frame(60)
    x, y = window_arrays(df, "step", window, horizon)
    batches = list(window_dataset(df, "step", window, horizon, batch_size=batch_size).as_numpy_iterator())
    assert len(batches) == -(-len(x) // batch_size)
    np.testing.assert_array_equal(np.concatenate([b[0] for b in batches]), x)
    np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), y)


def test_window_dataset_shuffles_whole_pairs_and_strides():
    df = ramp_frame(60)
    batches = list(window_dataset(df, "step", 5, 3, batch_size=8, shuffle=True, seed=1).as_numpy_iterator())
    x = np.concatenate([b[0] for b in batches])
    y = np.concatenate([b[1] for b in batches])
    assert sorted(x[:, 0, 0].tolist()) == list(range(53)) and x[:, 0, 0].tolist() != list(range(53))
    np.testing.assert_array_equal(y[:, 0], x[:, -1, 0] + 1)  # still aligned after shuffling
    strided = next(window_dataset(df, "step", 5, 3, batch_size=100, stride=10).as_numpy_iterator())
    assert strided[0][:, 0, 0].tolist() == [0, 10, 20, 30, 40, 50]
    with pytest.raises(ValueError, match="stride must be a positive int"):
        window_dataset(df, "step", 5, 3, stride=0)


# ---------------------------------------------------------------- naive baselines
def test_last_value_forecast_repeats_the_last_input():
    x, y = window_arrays(ramp_frame(), "step", 6, 4)
    pred = naive_forecast(ramp_frame(), "step", 6, 4, period=1)
    assert pred.shape == y.shape
    np.testing.assert_array_equal(pred, np.repeat(x[:, -1, :1], 4, axis=1))


@pytest.mark.parametrize("window, horizon, period", [(24, 24, 24), (24, 30, 24), (30, 5, 7), (7, 20, 7)])
def test_seasonal_naive_is_exact_on_a_periodic_series_for_any_horizon(window, horizon, period):
    index = pd.date_range("2024-01-01", periods=100, freq="h")
    df = pd.DataFrame({"load": np.sin(np.arange(100) * 2 * np.pi / period) + np.arange(100) % period}, index=index)
    _, y = window_arrays(df, "load", window, horizon)
    np.testing.assert_allclose(naive_forecast(df, "load", window, horizon, period=period), y, atol=1e-5)


def test_seasonal_naive_uses_the_latest_same_phase_value_inside_the_window():
    pred = naive_forecast(ramp_frame(), "step", 24, 30, period=24)
    # first window: inputs are rows 0..23, targets rows 24..53
    assert pred[0, 0] == 0 and pred[0, 23] == 23  # row 24+h-1 -> one day earlier
    assert pred[0, 24] == 0 and pred[0, 29] == 5  # row 48.. -> two days earlier: still in the window
    assert pred[3, 0] == 3


def test_seasonal_period_longer_than_the_window_is_refused():
    with pytest.raises(ValueError, match="window holds only 12; use a window of at least 24"):
        naive_forecast(ramp_frame(), "step", 12, 4, period=24)
    with pytest.raises(ValueError, match="period must be a positive int"):
        naive_forecast(ramp_frame(), "step", 12, 4, period=0)


# ---------------------------------------------------------------- evaluation
def test_mae_by_horizon_per_step_and_overall():
    y_true = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])
    y_pred = np.array([[1.0, 1.0, 0.0], [1.0, 3.0, 6.0]])
    mae = mae_by_horizon(y_true, y_pred)
    assert mae.index.tolist() == [1, 2, 3] and mae.tolist() == [0.0, 1.0, 3.0]
    assert mae.mean() == pytest.approx(np.abs(y_true - y_pred).mean())


def test_mae_by_horizon_refuses_misaligned_or_nan_predictions():
    with pytest.raises(ValueError, match=r"\(4, 24\) and \(4, 1\)"):
        mae_by_horizon(np.zeros((4, 24)), np.zeros((4, 1)))
    with pytest.raises(ValueError, match="shape"):
        mae_by_horizon(np.zeros(4), np.zeros(4))
    with pytest.raises(ValueError, match="NaN"):
        mae_by_horizon(np.zeros((2, 2)), np.full((2, 2), np.nan))


def test_improvement_table():
    table = improvement_table({"naive": 0.5, "yesterday": 0.4, "GRU": 0.3}, ["naive", "yesterday"])
    assert table.loc["GRU", "vs best baseline (%)"] == pytest.approx(25.0)
    assert table.loc["yesterday", "vs best baseline (%)"] == 0
    assert table["kind"].tolist() == ["baseline", "baseline", "model"]
    with pytest.raises(KeyError, match="must name entries"):
        improvement_table({"GRU": 0.3}, ["naive"])


# ---------------------------------------------------------------- standardized_windows
def test_standardized_windows_is_the_pipeline_of_lesson_05():
    from utils.lessons.lesson05_forecasting import standardized_windows

    index = pd.date_range("2020-01-01", periods=200, freq="h")
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.normal(size=200), "power": rng.normal(3, 2, size=200)}, index=index)
    data = standardized_windows(df, "power", window=5, horizon=2, train=0.5, val=0.25)
    train_df, val_df, test_df = split_by_time(df, train=0.5, val=0.25)
    stats = fit_standardizer(train_df)
    for (x, y), part in [
        ((data.x_train, data.y_train), train_df),
        ((data.x_val, data.y_val), val_df),
        ((data.x_test, data.y_test), test_df),
    ]:
        x_ref, y_ref = window_arrays(standardize(part, stats), "power", 5, 2)
        np.testing.assert_array_equal(x, x_ref)
        np.testing.assert_array_equal(y, y_ref)
    assert data.target_column == 1
    assert data.kw_per_unit == pytest.approx(train_df["power"].std())
    np.testing.assert_allclose(data.to_original_units(data.y_val[:, 0]), val_df["power"].to_numpy()[5:-1], rtol=1e-5)


# ---------------------------------------------------------------- multi-step strategies
class NextValuePlusOne:
    """A stand-in one-step model: forecasts the last value of feature 0, plus one."""

    def predict(self, x, batch_size=None, verbose=0):
        return x[:, -1, :1] + 1


@pytest.mark.parametrize("window, horizon", [(4, 1), (5, 3), (3, 7)])
def test_future_inputs_are_the_rows_of_the_forecast_steps(window, horizon):
    df = ramp_frame(30)
    future = future_inputs(df, window, horizon, ["step", "other"])
    _, y = window_arrays(df, "step", window, horizon)
    assert future.shape == (len(y), horizon, 2) and future.dtype == np.float32
    np.testing.assert_array_equal(future[..., 0], y)  # the target column of the future rows is y
    np.testing.assert_array_equal(future[..., 1], y * 10 + 1)


def test_future_inputs_errors():
    with pytest.raises(ValueError, match="at least one column"):
        future_inputs(ramp_frame(), 4, 2, [])
    with pytest.raises(KeyError, match="unknown column"):
        future_inputs(ramp_frame(), 4, 2, ["nope"])


@pytest.mark.parametrize("window, horizon", [(4, 1), (5, 3), (3, 7)])
def test_sequence_targets_forecast_from_every_step(window, horizon):
    df = ramp_frame(30)
    y_seq = sequence_targets(df, "step", window, horizon)
    _, y = window_arrays(df, "step", window, horizon)
    assert y_seq.shape == (len(y), window, horizon) and y_seq.dtype == np.float32
    np.testing.assert_array_equal(y_seq[:, -1], y)  # the last step's targets are the window's targets
    i, t = np.meshgrid(np.arange(len(y)), np.arange(window), indexing="ij")
    np.testing.assert_array_equal(y_seq[..., 0], i + t + 1)  # step t of window i: first target at row i+t+1


def test_recursive_forecast_feeds_its_own_forecasts_back():
    x = np.arange(12, dtype="float32").reshape(3, 4, 1)  # windows ending in 3, 7, 11
    forecasts = recursive_forecast(NextValuePlusOne(), x, horizon=5)
    np.testing.assert_array_equal(forecasts, x[:, -1, :1] + np.arange(1, 6))


def test_recursive_forecast_takes_the_other_features_from_known_future():
    class LastOfFeatureOne:
        def predict(self, x, batch_size=None, verbose=0):
            return x[:, -1, 1:2]

    x = np.zeros((2, 3, 2), dtype="float32")
    known = np.stack([np.stack([np.full(4, -1.0), np.arange(4) * 10.0], axis=1)] * 2)  # feature 1: 0, 10, 20, 30
    forecasts = recursive_forecast(LastOfFeatureOne(), x, horizon=4, target_column=0, known_future=known)
    np.testing.assert_array_equal(forecasts, [[0, 0, 10, 20]] * 2)  # step k sees the known row of step k-1


def test_recursive_forecast_with_a_keras_model_matches_a_python_loop():
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((6, 1)), keras.layers.GRU(3), keras.layers.Dense(1)])
    x = np.random.default_rng(0).normal(size=(4, 6, 1)).astype("float32")
    window, expected = x.copy(), []
    for _ in range(3):
        step = model.predict(window, verbose=0)
        expected.append(step[:, 0])
        window = np.concatenate([window[:, 1:], step[:, None, :]], axis=1)
    np.testing.assert_allclose(
        recursive_forecast(model, x, horizon=3), np.stack(expected, axis=1), rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: recursive_forecast(NextValuePlusOne(), np.zeros((3, 4)), 2), "(windows, window, features)"),
        (lambda: recursive_forecast(NextValuePlusOne(), np.zeros((3, 4, 1)), 0), "horizon"),
        (lambda: recursive_forecast(NextValuePlusOne(), np.zeros((3, 4, 2)), 2, target_column=2), "target_column"),
        (lambda: recursive_forecast(NextValuePlusOne(), np.zeros((3, 4, 2)), 2), "pass known_future"),
        (
            lambda: recursive_forecast(NextValuePlusOne(), np.zeros((3, 4, 2)), 2, known_future=np.zeros((3, 2, 1))),
            "known_future must have shape (3, 2, 2)",
        ),
    ],
    ids=["2-d x", "zero horizon", "bad target column", "no known future", "known future shape"],
)
def test_recursive_forecast_bad_input(call, words):
    with pytest.raises(ValueError) as info:
        call()
    assert words in str(info.value)


def test_recursive_forecast_refuses_a_multi_step_model():
    class TwoOutputs:
        def predict(self, x, batch_size=None, verbose=0):
            return np.zeros((len(x), 2))

    with pytest.raises(ValueError, match="one step"):
        recursive_forecast(TwoOutputs(), np.zeros((3, 4, 1)), 2)


# ---------------------------------------------------------------- stronger baselines, fair margins
def hourly(values) -> pd.DataFrame:
    index = pd.date_range("2024-01-01", periods=len(values), freq="h")
    return pd.DataFrame({"v": np.asarray(values, dtype=float)}, index=index)


@pytest.mark.parametrize("days, horizon", [(1, 24), (2, 6), (3, 30), (7, 24)])
def test_same_hour_median_brute_force(days, horizon):
    values = np.random.default_rng(days).gamma(2.0, size=24 * days + horizon + 40)  # skewed: mean != median
    window = 24 * days
    got = same_hour_median(hourly(values), "v", window, horizon, days=days)
    n = len(values) - window - horizon + 1
    expected = np.empty((n, horizon))
    for i in range(n):
        for step in range(1, horizon + 1):
            target_row = i + window - 1 + step
            first_back = 24 * -(-step // 24)  # the latest same hour already seen
            expected[i, step - 1] = np.median([values[target_row - first_back - 24 * j] for j in range(days)])
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_same_hour_median_of_one_day_is_the_seasonal_naive_forecast():
    frame = hourly(np.random.default_rng(0).normal(size=300))
    np.testing.assert_array_equal(
        same_hour_median(frame, "v", 168, 24, days=1), naive_forecast(frame, "v", 168, 24, period=24)
    )


def test_same_hour_median_of_seven_days_is_the_median_over_the_reshaped_week():
    frame = hourly(np.random.default_rng(1).gamma(2.0, size=400))
    x, _ = window_arrays(frame, "v", 168, 24)
    np.testing.assert_allclose(
        same_hour_median(frame, "v", 168, 24, days=7), np.median(x[..., 0].reshape(-1, 7, 24), axis=1)
    )


def test_same_hour_median_refuses_days_beyond_the_window():
    with pytest.raises(ValueError, match="at least 7 \\* 24 = 168"):
        same_hour_median(hourly(np.zeros(400)), "v", 167, 24, days=7)
    with pytest.raises(ValueError, match="days"):
        same_hour_median(hourly(np.zeros(400)), "v", 168, 24, days=0)


def test_forecast_days_are_the_days_of_the_first_target():
    index = pd.date_range("2024-01-01 05:00", periods=100, freq="h")
    days = forecast_days(index, window=10, horizon=3)
    x, _ = window_arrays(hourly(np.zeros(100)).set_axis(index), "v", 10, 3)
    assert len(days) == len(x)
    first_targets = index[10 : 10 + len(x)]
    np.testing.assert_array_equal(days, first_targets.normalize().to_numpy())
    assert days[0] == np.datetime64("2024-01-01") and days[-1] == np.datetime64(first_targets[-1].normalize())
    with pytest.raises(ValueError, match="DatetimeIndex"):
        forecast_days(pd.RangeIndex(100), 10, 3)
    with pytest.raises(ValueError, match="longer than the index"):
        forecast_days(index, 90, 20)


def test_window_errors_per_window_and_per_seed():
    y = np.array([[1.0, 2.0], [3.0, 5.0]])
    pred = np.array([[1.0, 4.0], [3.0, 4.0]])
    np.testing.assert_allclose(window_errors(y, pred), [1.0, 0.5])
    assert window_errors(y, pred).mean() == pytest.approx(mae_by_horizon(y, pred).mean())
    np.testing.assert_allclose(window_errors(y, np.stack([pred, y])), [[1.0, 0.5], [0.0, 0.0]])
    with pytest.raises(ValueError, match="same shape|shape"):
        window_errors(y, pred[:1])


def test_previous_targets_are_the_last_input_then_the_true_values():
    x = np.arange(2 * 3 * 2, dtype="float32").reshape(2, 3, 2)  # target in column 1
    y = np.array([[10.0, 11.0, 12.0], [20.0, 21.0, 22.0]])
    np.testing.assert_array_equal(previous_targets(x, y, target_column=1), [[5, 10, 11], [11, 20, 21]])
    with pytest.raises(ValueError, match="same windows"):
        previous_targets(x, y[:1])


@pytest.fixture(scope="module")
def feedback_models():
    import keras

    keras.utils.set_random_seed(0)
    rollout, one_step = feedback_gru(window=6, n_features=3, n_known=2, horizon=4, units=5, target_column=1)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 6, 3)).astype("float32")
    known = rng.normal(size=(5, 4, 2)).astype("float32")
    return rollout, one_step, x, known


def test_feedback_gru_rollout_matches_a_python_loop(feedback_models):
    rollout, _, x, known = feedback_models
    encoder, cell, head = (rollout.get_layer(name) for name in ("encoder", "step_cell", "forecast"))
    _, state = encoder(x)
    value, expected = x[:, -1, 1:2], []
    for step in range(4):
        output, state = cell(np.concatenate([value, known[:, step]], axis=-1), state)
        value = np.asarray(head(output))
        expected.append(value[:, 0])
    np.testing.assert_allclose(rollout.predict([x, known], verbose=0), np.stack(expected, axis=1), rtol=1e-5, atol=1e-6)


def test_feedback_gru_teacher_forcing_fed_its_own_forecasts_is_the_rollout(feedback_models):
    rollout, one_step, x, known = feedback_models
    assert {id(w) for w in rollout.weights} == {id(w) for w in one_step.weights}  # one set of weights
    own = rollout.predict([x, known], verbose=0)
    fed_own = one_step.predict([x, known, previous_targets(x, own, target_column=1)], verbose=0)
    np.testing.assert_allclose(fed_own, own, rtol=1e-5, atol=1e-6)
    truth = own + 1.0  # other "true" values change every step after the first
    fed_truth = one_step.predict([x, known, previous_targets(x, truth, target_column=1)], verbose=0)
    np.testing.assert_allclose(fed_truth[:, 0], own[:, 0], rtol=1e-5, atol=1e-6)
    assert not np.allclose(fed_truth[:, 1:], own[:, 1:])


def test_feedback_gru_forecasts_do_not_read_later_known_rows(feedback_models):
    rollout, _, x, known = feedback_models
    changed = known.copy()
    changed[:, 2:] += 5.0
    before, after = rollout.predict([x, known], verbose=0), rollout.predict([x, changed], verbose=0)
    np.testing.assert_allclose(after[:, :2], before[:, :2], rtol=1e-5, atol=1e-6)
    assert not np.allclose(after[:, 2:], before[:, 2:])


def test_feedback_gru_bad_input():
    with pytest.raises(ValueError, match="target_column"):
        feedback_gru(6, 3, 2, 4, target_column=3)
    with pytest.raises(ValueError, match="horizon"):
        feedback_gru(6, 3, 2, 0)
