"""Plausible wrong answers to lesson 05's exercises (run by tests/test_exercise_checks.py).

LIKELY marks the most likely mistakes of each exercise and a phrase its hint must contain.
"""

WRONG_ANSWERS = {
    1: {
        "steps ahead counted from 0 (one hour too early)": """
series = np.asarray(series)
n_windows = len(series) - window - horizon + 1
last_input = np.arange(n_windows)[:, None] + window - 1
return series[last_input + np.arange(horizon) - 24]
""",
        "the first day of the window": """
series = np.asarray(series)
n_windows = len(series) - window - horizon + 1
first_input = np.arange(n_windows)[:, None]
return series[first_input + np.arange(horizon)]
""",
        "one window too many": """
series = np.asarray(series)
n_windows = len(series) - window + 1
last_input = np.arange(n_windows)[:, None] + window - 1
return series[last_input + np.arange(1, horizon + 1) - 24]
""",
        "the global WINDOW and HORIZON instead of the arguments": """
series = np.asarray(series)
n_windows = len(series) - WINDOW - HORIZON + 1
last_input = np.arange(n_windows)[:, None] + WINDOW - 1
return series[last_input + np.arange(1, HORIZON + 1) - 24]
""",
        "the last input repeated (persistence)": """
series = np.asarray(series)
n_windows = len(series) - window - horizon + 1
last_input = np.arange(n_windows)[:, None] + window - 1
return np.repeat(series[last_input], horizon, axis=1)
""",
        "the course's naive_forecast in a wrapper": """
hours = pd.date_range("2000-01-01", periods=len(series), freq="h")
frame = pd.DataFrame({"value": np.asarray(series)}, index=hours)
return forecasting.naive_forecast(frame, "value", window, horizon, period=24)
""",
    },
    2: {
        "the mean instead of the median": """
series = np.asarray(series)
n_windows = len(series) - window - horizon + 1
target_rows = np.arange(n_windows)[:, None] + window + np.arange(horizon)
return np.mean(np.stack([series[target_rows - 24 * day] for day in range(1, days + 1)]), axis=0)
""",
        "the target hour itself among the days": """
series = np.asarray(series)
n_windows = len(series) - window - horizon + 1
target_rows = np.arange(n_windows)[:, None] + window + np.arange(horizon)
return np.median(np.stack([series[target_rows - 24 * day] for day in range(0, days)]), axis=0)
""",
        "one hour too early (hours ahead counted from the last input)": """
series = np.asarray(series)
n_windows = len(series) - window - horizon + 1
target_rows = np.arange(n_windows)[:, None] + window - 1 + np.arange(horizon)
return np.median(np.stack([series[target_rows - 24 * day] for day in range(1, days + 1)]), axis=0)
""",
        "one day fewer than asked": """
series = np.asarray(series)
n_windows = len(series) - window - horizon + 1
target_rows = np.arange(n_windows)[:, None] + window + np.arange(horizon)
return np.median(np.stack([series[target_rows - 24 * day] for day in range(1, days)]), axis=0)
""",
        "always 7 days, whatever days says": """
series = np.asarray(series)
n_windows = len(series) - window - horizon + 1
target_rows = np.arange(n_windows)[:, None] + window + np.arange(horizon)
return np.median(np.stack([series[target_rows - 24 * day] for day in range(1, 8)]), axis=0)
""",
        "the median of the whole window for every hour": """
series = np.asarray(series)
n_windows = len(series) - window - horizon + 1
past = np.lib.stride_tricks.sliding_window_view(series, window)[:n_windows]
return np.repeat(np.median(past, axis=1, keepdims=True), horizon, axis=1)
""",
        "the course's same_hour_median in a wrapper": """
hours = pd.date_range("2000-01-01", periods=len(series), freq="h")
frame = pd.DataFrame({"value": np.asarray(series)}, index=hours)
return forecasting.same_hour_median(frame, "value", window, horizon, days=days)
""",
    },
    3: {
        "all-zero forecasts left in as a placeholder": """
x_next_hour, y_next_hour = forecasting.window_arrays(train_std, TARGET, WINDOW, 1, features=FEATURES)
x_next_hour, y_next_hour = x_next_hour[::STRIDE], y_next_hour[::STRIDE]
x_val_next_hour, y_val_next_hour = forecasting.window_arrays(val_std, TARGET, WINDOW, 1, features=FEATURES)
next_hour_model = train_forecaster("linear, next hour", [keras.layers.Flatten(), keras.layers.Dense(1)],
                                   x_next_hour, y_next_hour, validation=(x_val_next_hour, y_val_next_hour))
next_hour_pred = np.zeros_like(y_val_next_hour)
_, y_val_next_hour_kw = forecasting.window_arrays(val, TARGET, WINDOW, 1, features=[TARGET])
next_hour_mae = float(np.abs(next_hour_pred - y_val_next_hour_kw).mean())
""",
        "forecasts left in standardised units": """
x_next_hour, y_next_hour = forecasting.window_arrays(train_std, TARGET, WINDOW, 1, features=FEATURES)
x_next_hour, y_next_hour = x_next_hour[::STRIDE], y_next_hour[::STRIDE]
x_val_next_hour, y_val_next_hour = forecasting.window_arrays(val_std, TARGET, WINDOW, 1, features=FEATURES)
next_hour_model = train_forecaster("linear, next hour", [keras.layers.Flatten(), keras.layers.Dense(1)],
                                   x_next_hour, y_next_hour, validation=(x_val_next_hour, y_val_next_hour))
next_hour_pred = next_hour_model.predict(x_val_next_hour, verbose=0)
next_hour_mae = float(np.abs(next_hour_pred - y_val_next_hour).mean())
""",
        "the 24-hour linear model's first hour reused": """
x_next_hour, y_next_hour = x_train, y_train[:, :1]
next_hour_model = models["linear", SEEDS[0]]
next_hour_pred = forecasting.unstandardize(next_hour_model.predict(x_val, verbose=0)[:, :1], stats, TARGET)
next_hour_mae = float(np.abs(next_hour_pred - y_val_kw[:, :1]).mean())
""",
        "trained on the last hour of the day-ahead targets": """
x_next_hour, y_next_hour = x_train, y_train[:, -1:]
next_hour_model = train_forecaster("linear, next hour", [keras.layers.Flatten(), keras.layers.Dense(1)],
                                   x_next_hour, y_next_hour, validation=(x_val, y_val[:, -1:]))
x_val_next_hour, _ = forecasting.window_arrays(val_std, TARGET, WINDOW, 1, features=FEATURES)
next_hour_pred = forecasting.unstandardize(next_hour_model.predict(x_val_next_hour, verbose=0), stats, TARGET)
_, y_val_next_hour_kw = forecasting.window_arrays(val, TARGET, WINDOW, 1, features=[TARGET])
next_hour_mae = float(np.abs(next_hour_pred - y_val_next_hour_kw).mean())
""",
        "no validation windows passed (early stopping watched the 24-hour ones)": """
x_next_hour, y_next_hour = forecasting.window_arrays(train_std, TARGET, WINDOW, 1, features=FEATURES)
x_next_hour, y_next_hour = x_next_hour[::STRIDE], y_next_hour[::STRIDE]
next_hour_model = train_forecaster("linear, next hour", [keras.layers.Flatten(), keras.layers.Dense(1)],
                                   x_next_hour, y_next_hour)
x_val_next_hour, _ = forecasting.window_arrays(val_std, TARGET, WINDOW, 1, features=FEATURES)
next_hour_pred = forecasting.unstandardize(next_hour_model.predict(x_val_next_hour, verbose=0), stats, TARGET)
_, y_val_next_hour_kw = forecasting.window_arrays(val, TARGET, WINDOW, 1, features=[TARGET])
next_hour_mae = float(np.abs(next_hour_pred - y_val_next_hour_kw).mean())
""",
    },
    4: {
        "the total power's targets instead of sub_metering_3's": """
sub3_mae = {name: forecasting.mae_by_horizon(y_val_kw,
                                             forecasting.naive_forecast(val, "sub_metering_3", WINDOW, HORIZON,
                                                                        period)).mean()
            for name, period in NAIVE.items()}
sub3_best = min(sub3_mae, key=sub3_mae.get)
""",
        "the standardised validation split": """
_, y_sub3 = forecasting.window_arrays(val_std, "sub_metering_3", WINDOW, HORIZON, features=["sub_metering_3"])
sub3_mae = {name: forecasting.mae_by_horizon(y_sub3,
                                             forecasting.naive_forecast(val_std, "sub_metering_3", WINDOW, HORIZON,
                                                                        period)).mean()
            for name, period in NAIVE.items()}
sub3_best = min(sub3_mae, key=sub3_mae.get)
""",
        "the winner picked by the largest MAE": """
_, y_sub3 = forecasting.window_arrays(val, "sub_metering_3", WINDOW, HORIZON, features=["sub_metering_3"])
sub3_mae = {name: forecasting.mae_by_horizon(y_sub3,
                                             forecasting.naive_forecast(val, "sub_metering_3", WINDOW, HORIZON,
                                                                        period)).mean()
            for name, period in NAIVE.items()}
sub3_best = max(sub3_mae, key=sub3_mae.get)
""",
        "the test split instead of validation": """
_, y_sub3 = forecasting.window_arrays(test, "sub_metering_3", WINDOW, HORIZON, features=["sub_metering_3"])
sub3_mae = {name: forecasting.mae_by_horizon(y_sub3,
                                             forecasting.naive_forecast(test, "sub_metering_3", WINDOW, HORIZON,
                                                                        period)).mean()
            for name, period in NAIVE.items()}
sub3_best = min(sub3_mae, key=sub3_mae.get)
""",
    },
}

LIKELY = {
    1: {
        "steps ahead counted from 0 (one hour too early)": "count the hours ahead from 1",
        "the global WINDOW and HORIZON instead of the arguments": "not the lesson's WINDOW and HORIZON",
        "the last input repeated (persistence)": "the last-value forecast",
    },
    2: {
        "the mean instead of the median": "you took the mean of the days",
        "the target hour itself among the days": "the target hour itself",
        "one hour too early (hours ahead counted from the last input)": "one step too early",
    },
    3: {
        "forecasts left in standardised units": "still in standardised units",
        "no validation windows passed (early stopping watched the 24-hour ones)": (
            "early stopping watched other targets"
        ),
        "trained on the last hour of the day-ahead targets": "the last (24th) hour",
    },
    4: {
        "the winner picked by the largest MAE": "the largest MAE",
        "the test split instead of validation": "the MAEs on the test split",
    },
}
