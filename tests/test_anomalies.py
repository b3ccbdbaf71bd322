"""Unit tests of utils.lessons.lesson09_anomalies: labels by rule and the day-level evaluation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from utils.lessons import lesson09_anomalies as anomalies


def hourly_frame(days: int = 5, start: str = "2024-01-01", seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    index = pd.date_range(start, periods=24 * days, freq="h")
    return pd.DataFrame(
        {"power": rng.uniform(0.2, 3, len(index)).round(4), "voltage": rng.uniform(230, 245, len(index)).round(2)},
        index=index,
    )


# ---------------------------------------------------------------- labels
def test_copied_days_finds_a_copied_day_and_respects_min_hours():
    df = hourly_frame()
    df.loc["2024-01-03"] = df.loc["2024-01-02"].to_numpy()  # a whole day copied
    df.loc["2024-01-05 00:00":"2024-01-05 09:00"] = df.loc["2024-01-04 00:00":"2024-01-04 09:00"].to_numpy()
    assert anomalies.copied_hours(df).sum() == 24 + 10
    days = anomalies.copied_days(df, min_hours=12)
    assert list(days[days].index.strftime("%m-%d")) == ["01-03"]
    assert anomalies.copied_days(df, min_hours=10)["2024-01-05"]
    assert not anomalies.copied_days(df, min_hours=11)["2024-01-05"]


def test_a_copy_needs_every_column():
    df = hourly_frame()
    df.loc["2024-01-03", "power"] = df.loc["2024-01-02", "power"].to_numpy()  # only one column equal
    assert not anomalies.copied_days(df, min_hours=1).any()


def test_partial_days_are_left_out():
    df = hourly_frame(days=4).iloc[5:-3]
    days = anomalies.copied_days(df)
    assert list(days.index.strftime("%m-%d")) == ["01-02", "01-03"]
    assert days.index.equals(anomalies.daily_means(df["power"]).index)


def test_away_days_needs_a_run_below_the_trailing_median():
    index = pd.date_range("2024-01-01", periods=24 * 40, freq="h")
    power = pd.Series(1.0, index=index)
    power["2024-01-20":"2024-01-23"] = 0.3  # 4 days away
    power["2024-01-30"] = 0.3  # one low day: not a run
    away = anomalies.away_days(power, fraction=0.6, reference_days=10, min_days=3)
    assert list(away[away].index.strftime("%m-%d")) == ["01-20", "01-21", "01-22", "01-23"]
    assert anomalies.away_days(power, fraction=0.6, reference_days=10, min_days=5).sum() == 0


def test_trailing_zscore_uses_only_the_days_before():
    daily = pd.Series([1.0, 2.0, 3.0, 10.0])
    z = anomalies.trailing_zscore(daily, days=3)
    assert np.isnan(z.iloc[:3]).all()
    assert z.iloc[3] == pytest.approx((10 - 2) / 1.0)


def test_split_days_and_label_counts():
    days = pd.date_range("2024-12-30", periods=6, freq="D")
    splits = anomalies.split_days(days, "2025-01-01", "2025-01-03")
    assert list(splits) == ["train", "train", "validation", "validation", "test", "test"]
    labels = pd.DataFrame({"copied": [True, False, False, True, True, False]}, index=days)
    table = anomalies.label_counts(labels, splits)
    assert table.loc["year 2024", "copied"] == 1 and table.loc["year 2025", "days"] == 4
    assert list(table.loc[["train", "validation", "test", "all"], "copied"]) == [1, 1, 1, 3]


# ---------------------------------------------------------------- evaluation
def brute_force_average_precision(labels, scores) -> float:
    """Mean over positives of the precision when flagging every score >= that positive's score."""
    labels, scores = np.asarray(labels, bool), np.asarray(scores, float)
    precisions = [labels[scores >= s].mean() for s in scores[labels]]
    return float(np.mean(precisions))


@pytest.mark.parametrize("seed", range(8))
def test_average_precision_matches_brute_force_with_ties(seed):
    rng = np.random.default_rng(seed)
    labels = rng.random(60) < 0.2
    labels[0] = True
    scores = rng.integers(0, 6, 60).astype(float)  # many ties
    assert anomalies.average_precision(labels, scores) == pytest.approx(brute_force_average_precision(labels, scores))


def test_curve_groups_ties_and_ends_at_full_recall():
    curve = anomalies.precision_recall_curve([1, 0, 1, 1, 0], [0.9, 0.9, 0.5, 0.1, 0.5])
    assert list(curve["threshold"]) == [0.9, 0.5, 0.1]
    assert list(curve["flagged"]) == [2, 4, 5]
    assert curve["recall"].iloc[-1] == 1 and curve["precision"].iloc[-1] == pytest.approx(0.6)


def test_perfect_and_reversed_scores():
    labels = np.array([0, 0, 1, 1])
    assert anomalies.average_precision(labels, [0, 1, 2, 3]) == 1
    assert anomalies.average_precision(labels, [3, 2, 1, 0]) == pytest.approx((1 / 3 + 2 / 4) / 2)


def test_threshold_for_recall_and_precision_recall_at():
    labels, scores = [1, 0, 1, 1, 0], [0.9, 0.9, 0.5, 0.1, 0.5]
    assert anomalies.threshold_for_recall(labels, scores, 0.5) == 0.5
    assert anomalies.threshold_for_recall(labels, scores, 1 / 3) == 0.9
    assert anomalies.threshold_for_recall(labels, scores, 1.0) == 0.1
    assert anomalies.precision_recall_at(labels, scores, 0.5) == (0.5, pytest.approx(2 / 3))
    assert anomalies.precision_recall_at(labels, scores, 5.0) == (0.0, 0.0)


# ---------------------------------------------------------------- bad input
def test_not_hourly_or_nan_or_wrong_index_is_refused():
    df = hourly_frame()
    with pytest.raises(ValueError, match="not one row per hour"):
        anomalies.copied_days(df.drop(df.index[30]))
    with pytest.raises(ValueError, match="not one row per hour"):
        anomalies.copied_days(df.resample("2h").mean())
    with pytest.raises(ValueError, match="NaNs"):
        anomalies.copied_days(df.replace(df.iloc[7, 0], np.nan))
    with pytest.raises(ValueError, match="DatetimeIndex"):
        anomalies.copied_days(df.reset_index(drop=True))
    with pytest.raises(TypeError, match="DataFrame or Series"):
        anomalies.copied_days(df.to_numpy())
    with pytest.raises(TypeError, match="Series"):
        anomalies.daily_means(df)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(fraction=1.5), "fraction"),
        (dict(fraction=0), "fraction"),
        (dict(reference_days=1), "reference_days"),
        (dict(min_days=0), "min_days"),
    ],
)
def test_away_days_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        anomalies.away_days(hourly_frame()["power"], **kwargs)


def test_min_hours_out_of_range():
    for bad in (0, 25, 12.0):
        with pytest.raises(ValueError, match="min_hours"):
            anomalies.copied_days(hourly_frame(), min_hours=bad)


def test_evaluation_refuses_bad_labels_and_scores():
    with pytest.raises(ValueError, match="no positive day"):
        anomalies.average_precision([0, 0, 0], [1, 2, 3])
    with pytest.raises(ValueError, match="NaN"):
        anomalies.average_precision([0, 1, 0], [1, np.nan, 3])
    with pytest.raises(ValueError, match="same length"):
        anomalies.precision_recall_curve([0, 1], [1, 2, 3])
    with pytest.raises(ValueError, match="True/False"):
        anomalies.precision_recall_curve([0, 2, 1], [1, 2, 3])
    with pytest.raises(ValueError, match="one entry per day"):
        anomalies.precision_recall_curve([], [])
    for bad in (0, 1.2, -0.1, True):
        with pytest.raises(ValueError, match="recall"):
            anomalies.threshold_for_recall([0, 1], [1, 2], bad)
    with pytest.raises(ValueError, match="threshold"):
        anomalies.precision_recall_at([0, 1], [1, 2], np.nan)


def test_split_dates_out_of_range():
    days = pd.date_range("2024-01-01", periods=10, freq="D")
    with pytest.raises(ValueError, match="val_start"):
        anomalies.split_days(days, "2024-01-08", "2024-01-05")
    with pytest.raises(ValueError, match="val_start"):
        anomalies.split_days(days, "2024-01-03", "2025-01-01")


def test_shipped_data_labels():
    """The counts lesson 09 states: 19 copied days (min 12 hours) and 95 away days."""
    import utils

    power = utils.load_household_power()
    copied = anomalies.copied_days(power)
    away = anomalies.away_days(power["global_active_power"])
    assert copied.sum() == 19 and copied["2007-04-29"] and copied["2010-08-19"]
    assert away.sum() == 95 and away["2008-08-15"] and not (copied & away).any()


# ---------------------------------------------------------------- episodes, blocks, AP intervals
def test_episodes_and_day_blocks():
    flags = np.array([0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0], bool)
    assert list(anomalies.episodes(flags)) == [0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0]
    blocks = anomalies.day_blocks(flags, block_days=3)
    assert blocks[2] == blocks[3] and blocks[13] not in blocks[np.arange(16) != 13]
    assert blocks[0] == blocks[1] and blocks[1] != blocks[4]  # an episode ends a stretch
    assert len(set(blocks[4:13])) == 3  # nine days between the episodes: three weeks of 3 days
    assert len(set(anomalies.day_blocks(np.zeros(14, bool)))) == 2  # two weeks, no episode
    with pytest.raises(ValueError, match="1-D array of True/False"):
        anomalies.episodes([0, 2, 1])


def test_ap_interval_contains_the_ap_and_narrows_with_a_perfect_score():
    rng = np.random.default_rng(0)
    truth = rng.random(200) < 0.2
    noisy = truth + rng.normal(0, 1.0, 200)
    result = anomalies.ap_interval(truth, noisy, np.arange(200) // 7, n_boot=200)
    assert result["low"] <= result["ap"] <= result["high"] and result["high"] - result["low"] > 0.05
    perfect = anomalies.ap_interval(truth, truth.astype(float), np.arange(200) // 7, n_boot=50)
    assert perfect == {"ap": 1.0, "low": 1.0, "high": 1.0}
    with pytest.raises(ValueError, match="one block id per day"):
        anomalies.ap_interval(truth, noisy, np.arange(10))


def test_ap_difference_is_paired_and_gives_the_protocols_verdict():
    rng = np.random.default_rng(1)
    truth = rng.random(300) < 0.15
    blocks = np.arange(300) // 7
    good = truth + rng.normal(0, 0.3, 300)
    poor = truth + rng.normal(0, 3.0, 300)
    clear = anomalies.ap_difference(truth, good, poor, blocks, names=("good", "poor"), n_boot=300)
    assert clear["difference"] == pytest.approx(
        anomalies.average_precision(truth, good) - anomalies.average_precision(truth, poor)
    )
    assert 0 < clear["low"] <= clear["difference"] <= clear["high"] and clear["verdict"] == "good better"
    reverse = anomalies.ap_difference(truth, poor, good, blocks, names=("poor", "good"), n_boot=300)
    assert reverse["verdict"] == "good better" and reverse["high"] < 0
    # A detector against itself plus a tiny shift of every score: the same ranking, so every
    # paired draw is exactly 0, while two separate intervals would each be wide.
    same = anomalies.ap_difference(truth, good, good + 0.01, blocks, n_boot=100)
    assert same == {"difference": 0.0, "low": 0.0, "high": 0.0, "verdict": "no clear difference"}
    assert anomalies.ap_interval(truth, good, blocks, n_boot=100)["low"] < 1.0


def test_ap_difference_refuses_scores_it_cannot_pair():
    truth = np.arange(20) % 5 == 0
    scores = np.arange(20.0)
    with pytest.raises(ValueError, match="same length"):
        anomalies.ap_difference(truth, scores, scores[:-1], np.arange(20) // 7)
    with pytest.raises(ValueError, match="NaN"):
        anomalies.ap_difference(truth, scores, np.where(truth, np.nan, 1.0), np.arange(20) // 7)
    with pytest.raises(ValueError, match="one block id per day"):
        anomalies.ap_difference(truth, scores, scores, np.arange(10))


# ---------------------------------------------------------------- injections
def test_plan_injections_spaces_the_days_and_is_reproducible():
    days = pd.date_range("2024-01-01", periods=200, freq="D")
    plan = anomalies.plan_injections(days, per_kind=4, seed=1, min_gap_days=3)
    assert len(plan) == 4 * len(anomalies.INJECTIONS) and plan.value_counts().eq(4).all()
    assert plan.index.is_monotonic_increasing and (np.diff(plan.index).astype("timedelta64[D]").astype(int) >= 3).all()
    assert plan.equals(anomalies.plan_injections(days, per_kind=4, seed=1, min_gap_days=3))
    assert not plan.index.equals(anomalies.plan_injections(days, per_kind=4, seed=2, min_gap_days=3).index)
    with pytest.raises(ValueError, match="lower per_kind"):
        anomalies.plan_injections(days[:20], per_kind=4, seed=1)
    with pytest.raises(TypeError, match="DatetimeIndex"):
        anomalies.plan_injections(list(days), per_kind=1, seed=1)


def test_each_injection_changes_only_its_day_as_stated():
    hourly = hourly_frame(days=8)["power"]
    day = pd.Timestamp("2024-01-04")
    hours = slice(day, day + pd.Timedelta(hours=23))
    before = hourly.loc[hours].to_numpy()
    for kind in anomalies.INJECTIONS:
        out = anomalies.inject(hourly, pd.Series([kind], index=[day]), seed=0)
        assert out.drop(out.loc[hours].index).equals(hourly.drop(hourly.loc[hours].index)), kind
        after = out.loc[hours].to_numpy()
        assert not np.allclose(after, before), kind
        if kind == "heater at night":
            np.testing.assert_allclose(after[:6] - before[:6], 1.5)
        if kind == "shifted schedule":
            np.testing.assert_allclose(after, np.roll(before, 8))
        if kind == "stuck meter":
            assert (after[8:20] == before[7]).all()
        if kind == "spikes":
            assert np.isclose(after - before, 3.0).sum() == 3
        if kind == "evening off":
            np.testing.assert_allclose(after[17:23], before[1:7])
    with pytest.raises(ValueError, match="unknown kind"):
        anomalies.inject(hourly, pd.Series(["fire"], index=[day]), seed=0)
    with pytest.raises(ValueError, match="not a complete day"):
        anomalies.inject(hourly, pd.Series(["spikes"], index=[pd.Timestamp("2024-01-08 12:00")]), seed=0)


# ---------------------------------------------------------------- day scores
def test_by_day_hour_profile_and_repeated_hours():
    hourly = hourly_frame(days=10)["power"]
    table = anomalies.by_day(hourly)
    assert table.shape == (10, 24) and table.iloc[2, 5] == hourly["2024-01-03 05:00"]
    profile = anomalies.hour_profile_residual(hourly, days=3)
    assert profile.iloc[:3].isna().all()
    reference = table.iloc[1:4].median()
    assert np.isclose(profile.iloc[4], (table.iloc[4] - reference).abs().mean())
    stuck = anomalies.inject(hourly, pd.Series(["stuck meter"], index=[pd.Timestamp("2024-01-06")]), seed=0)
    repeats = anomalies.repeated_hours(stuck)
    assert repeats["2024-01-06"] == 12 and repeats.drop(pd.Timestamp("2024-01-06")).eq(0).all()


def test_normalise_by_hour_uses_training_hours_only():
    index = pd.date_range("2024-01-01", periods=24 * 20, freq="h")
    rng = np.random.default_rng(0)
    residuals = pd.Series(rng.normal(size=len(index)) * (1 + index.hour), index=index)
    training = np.arange(len(index)) < 24 * 10
    z = anomalies.normalise_by_hour(residuals, training)
    at_three = residuals[training & (index.hour == 3)]
    assert np.isclose(z.iloc[24 * 15 + 3], (residuals.iloc[24 * 15 + 3] - at_three.mean()) / at_three.std())
    shifted = residuals.where(training, residuals + 100.0)  # held-out hours must not move the statistics
    assert np.allclose(anomalies.normalise_by_hour(shifted, training)[training], z[training])
    with pytest.raises(ValueError, match="boolean array"):
        anomalies.normalise_by_hour(residuals, training.astype(int))
    with pytest.raises(ValueError, match="every hour of day"):
        anomalies.normalise_by_hour(residuals, np.arange(len(index)) < 12)
    with pytest.raises(TypeError, match="DatetimeIndex"):
        anomalies.normalise_by_hour(residuals.to_numpy(), training)


def test_load_nab_has_both_series_with_windows_and_labels():
    nab = anomalies.load_nab()
    assert list(nab.columns) == ["series", "time", "value", "window", "label"]
    per_series = nab.groupby("series").agg(hours=("value", "size"), labels=("label", "sum"))
    assert per_series.loc["nyc_taxi"].tolist() == [5160, 5]
    assert per_series.loc["machine_temperature"].tolist() == [1891, 4]
    assert (nab.loc[nab["label"] == 1, "window"] == 1).all()  # every label time lies inside a window
