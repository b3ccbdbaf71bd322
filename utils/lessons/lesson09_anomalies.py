"""Anomaly labels from the hourly power data, and a day-level evaluation of detectors.

Lesson 09 explains them step by step. Two kinds of label, each made by a rule a person
can read, on complete calendar days only (24 hours):

    check_hourly            clear errors unless the data is a gap-free hourly table without NaNs
    complete_days           the midnights of the days that have all 24 hours
    copied_hours            hours equal, in every column, to the same hour the day before
    copied_days             days with at least `min_hours` copied hours (the packager's fill)
    daily_means             one value per complete day
    away_days               runs of days far below the trailing median (nobody home)
    trailing_zscore         each day against the days before it (a practitioner's first detector)
    split_days              "train" / "validation" / "test" by dates
    label_counts            positives per year and per split

and the evaluation, where a score is "higher = more anomalous" and a day is flagged when
its score is >= the threshold:

    precision_recall_curve  one row per distinct score (ties flagged together)
    average_precision       the area under that step curve, sum of (R_k - R_k-1) * P_k
    threshold_for_recall    the highest threshold that reaches a recall on validation
    precision_recall_at     precision and recall at one threshold
    plot_detections         daily means, labelled days shaded, flagged days marked
    episodes                one id per run of labelled days (an away week is one episode)
    day_blocks              bootstrap blocks: each episode one block, the other days in weeks
    ap_interval             average precision with a 95 % block-bootstrap interval
    ap_difference           AP of A minus AP of B on the same days: paired interval and verdict

anomalies of known kinds, injected into held-out days (the lesson's core):

    INJECTIONS              kind -> what it does to one day's 24 hourly values
    plan_injections         which days get which kind (spaced, reproducible from a seed)
    inject                  a copy of an hourly series with the planned days changed
    by_day                  hourly values as one row of 24 per complete day

detectors' day scores:

    hour_profile_residual   each hour against the median of the same hour on the days before
    repeated_hours          hours equal to the hour before (a stuck meter's signature)
    normalise_by_hour       residuals as z-scores per hour of day, statistics from training hours only

and the NAB series with known-cause labels (data/nab_known_cause.csv.gz):

    load_nab                the two hourly series, verified against data/SHA256SUMS
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core import checks, protocol
from ..core.datasets import verified_path
from ..core.exercises import check_close_naming_mistakes  # noqa: F401 (the check of Exercise 3 calls it from here)
from ..core.paths import DATA_DIR

HOURS_PER_DAY = 24


# ---------------------------------------------------------------- input checks
def check_hourly(data) -> None:
    """Raise a clear error unless `data` (DataFrame or Series) is hourly, gap-free and NaN-free."""
    if not isinstance(data, (pd.DataFrame, pd.Series)):
        raise TypeError(f"expected a pandas DataFrame or Series, got {type(data).__name__}")
    if not isinstance(data.index, pd.DatetimeIndex):
        raise ValueError("the data needs a DatetimeIndex of hours (use df.set_index('your_time_column'))")
    if len(data) < 2:
        raise ValueError(f"need at least two hours of data, got {len(data)}")
    steps = data.index.to_series().diff().iloc[1:]
    wrong = steps[steps != pd.Timedelta(hours=1)]
    if len(wrong):
        raise ValueError(
            f"the index is not one row per hour: {wrong.index[0]} comes {wrong.iloc[0]} after the row "
            "before it. Resample to hours (df.resample('h').mean()), sort it and fill the gaps first"
        )
    if np.asarray(data.isna()).any():
        raise ValueError("the data has NaNs; a NaN is never equal to anything, so fill or drop them first")


def complete_days(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Midnights of the calendar days that have all 24 hours in `index`."""
    hours = pd.Series(1, index=index).groupby(index.normalize()).size()
    return pd.DatetimeIndex(hours.index[hours == HOURS_PER_DAY], name="day")


def _by_complete_day(hourly: pd.Series) -> pd.core.groupby.SeriesGroupBy:
    days = complete_days(hourly.index)
    kept = hourly[hourly.index.normalize().isin(days)]
    return kept.groupby(kept.index.normalize().rename("day"))


# ---------------------------------------------------------------- labels
def copied_hours(df: pd.DataFrame) -> pd.Series:
    """True for each hour equal, in every column, to the same hour 24 hours earlier.

    Real measurements (four decimals, seven of them) are essentially never all equal to
    the day before; the data's packager filled missing minutes by copying the previous
    day, so such hours are copies. The first 24 hours have nothing to compare with: False.
    """
    check_hourly(df)
    frame = df.to_frame() if isinstance(df, pd.Series) else df
    return frame.eq(frame.shift(HOURS_PER_DAY)).all(axis=1).rename("copied")


def copied_days(df: pd.DataFrame, min_hours: int = 12) -> pd.Series:
    """True for each complete day with at least `min_hours` copied hours (see `copied_hours`)."""
    checks.whole_number("min_hours", min_hours, minimum=1, maximum=HOURS_PER_DAY)
    per_day = _by_complete_day(copied_hours(df)).sum()
    return (per_day >= min_hours).rename("copied")


def daily_means(series: pd.Series) -> pd.Series:
    """Mean of each complete day (partial first and last days are left out)."""
    if not isinstance(series, pd.Series):
        raise TypeError(f"expected one column as a pandas Series (df['column']), got {type(series).__name__}")
    check_hourly(series)
    return _by_complete_day(series).mean()


def away_days(series: pd.Series, fraction: float = 0.6, reference_days: int = 56, min_days: int = 3) -> pd.Series:
    """True for days in a run of at least `min_days` days below `fraction` x the trailing median.

    The reference of each day is the median daily mean of the `reference_days` days before
    it (not the day itself), so the rule follows the seasons; the first half-window of
    days has no reference and is never "away". `series` is hourly (e.g. kW).
    """
    checks.fraction("fraction", fraction)
    checks.whole_number("reference_days", reference_days, minimum=2)
    checks.positive_int("min_days", min_days)
    daily = daily_means(series)
    reference = daily.shift(1).rolling(reference_days, min_periods=reference_days // 2).median()
    low = daily < fraction * reference  # a NaN reference compares False
    run = (low != low.shift()).cumsum()
    run_length = low.groupby(run).transform("sum")
    return (low & (run_length >= min_days)).rename("away")


def trailing_zscore(daily: pd.Series, days: int = 28) -> pd.Series:
    """(value - mean) / std of the `days` values before each one; NaN where there are fewer than `days`."""
    if not isinstance(daily, pd.Series):
        raise TypeError(f"expected a pandas Series, got {type(daily).__name__}")
    checks.whole_number("days", days, minimum=2)
    before = daily.shift(1).rolling(days)
    return ((daily - before.mean()) / before.std()).rename("z")


def split_days(days: pd.DatetimeIndex, val_start: str, test_start: str) -> pd.Series:
    """ "train" before `val_start`, "validation" until `test_start`, "test" from then on."""
    val_start, test_start = pd.Timestamp(val_start), pd.Timestamp(test_start)
    if not days[0] < val_start < test_start <= days[-1]:
        raise ValueError(
            f"need {days[0].date()} < val_start < test_start <= {days[-1].date()}, "
            f"got val_start={val_start.date()}, test_start={test_start.date()}"
        )
    parts = np.where(days < val_start, "train", np.where(days < test_start, "validation", "test"))
    return pd.Series(parts, index=days, name="split")


def label_counts(labels: pd.DataFrame, splits: pd.Series) -> pd.DataFrame:
    """Days and positive days of each label column, per year and per split."""
    if not labels.index.equals(splits.index):
        raise ValueError("labels and splits must have the same index of days (make both from the same data)")
    flags = labels.astype(int).assign(days=1)
    by_year = flags.groupby(flags.index.year).sum()
    by_year.index = [f"year {year}" for year in by_year.index]
    by_split = flags.groupby(splits).sum().reindex(["train", "validation", "test"])
    table = pd.concat([by_year, by_split, flags.sum().to_frame("all").T])
    return table[["days", *labels.columns]]


# ---------------------------------------------------------------- evaluation
def _checked(labels, scores) -> tuple[np.ndarray, np.ndarray]:
    labels, scores = np.asarray(labels), np.asarray(scores, dtype="float64")
    checks.same_length("labels", labels, "scores", scores)
    if labels.ndim != 1 or len(labels) == 0:
        raise ValueError(f"labels and scores must be 1-D with one entry per day, got shape {labels.shape}")
    if not np.isin(labels, [0, 1]).all():
        raise ValueError("labels must be True/False (or 1/0): one flag per day")
    if np.isnan(scores).any():
        raise ValueError(
            f"{int(np.isnan(scores).sum())} score(s) are NaN (a day without enough history?); "
            "leave those days out of the evaluation or fill them"
        )
    if not labels.any():
        raise ValueError(
            "the labels have no positive day: precision and recall are undefined. "
            "Choose a split (or dates) that holds some labelled days"
        )
    return labels.astype(bool), scores


def precision_recall_curve(labels, scores) -> pd.DataFrame:
    """Precision and recall when flagging every day whose score is >= each distinct score.

    One row per distinct score, highest threshold first. Ties: days with equal scores are
    always flagged together (no threshold can separate them), so a tie is one step.
    """
    labels, scores = _checked(labels, scores)
    order = np.argsort(-scores, kind="stable")
    sorted_scores, hits = scores[order], labels[order]
    last_of_tie = np.r_[sorted_scores[1:] != sorted_scores[:-1], True]
    flagged = np.arange(1, len(scores) + 1)[last_of_tie]
    true_positives = np.cumsum(hits)[last_of_tie]
    return pd.DataFrame(
        {
            "threshold": sorted_scores[last_of_tie],
            "flagged": flagged,
            "precision": true_positives / flagged,
            "recall": true_positives / labels.sum(),
        }
    )


def average_precision(labels, scores) -> float:
    """Sum over the curve's steps of (recall gained) x (precision there); ties are one step.

    Equals the mean, over the positive days, of the precision when flagging every day
    scored at least as high as that positive. A random score gets about the share of
    positive days; a perfect one gets 1.
    """
    curve = precision_recall_curve(labels, scores)
    recall_gained = np.diff(np.r_[0.0, curve["recall"].to_numpy()])
    return float(np.sum(recall_gained * curve["precision"].to_numpy()))


def threshold_for_recall(labels, scores, recall: float) -> float:
    """The highest threshold whose flags (score >= threshold) reach at least `recall`."""
    if not (isinstance(recall, (int, float)) and not isinstance(recall, bool) and 0 < recall <= 1):
        raise ValueError(f"recall must be a number in (0, 1], got {recall!r}")
    curve = precision_recall_curve(labels, scores)
    return float(curve.loc[curve["recall"] >= recall - 1e-12, "threshold"].iloc[0])


def precision_recall_at(labels, scores, threshold: float) -> tuple[float, float]:
    """(precision, recall) when flagging the days with score >= threshold.

    A threshold above every score flags nothing: precision is then reported as 0.
    """
    labels, scores = _checked(labels, scores)
    if not np.isfinite(threshold):
        raise ValueError(f"threshold must be a finite number, got {threshold!r}")
    flagged = scores >= threshold
    hits = int((flagged & labels).sum())
    return (hits / flagged.sum() if flagged.any() else 0.0), hits / int(labels.sum())


def plot_detections(ax, daily: pd.Series, labels: pd.Series, flagged: pd.Series, title: str = "") -> None:
    """Daily means as a line, labelled days shaded, flagged days as dots (hit: filled, false alarm: open)."""
    if not (daily.index.equals(labels.index) and daily.index.equals(flagged.index)):
        raise ValueError("daily, labels and flagged must share one index of days")
    ax.plot(daily.index, daily.to_numpy(), color="k", lw=0.8, label="daily mean")
    for day in labels.index[labels.to_numpy(bool)]:
        ax.axvspan(day, day + pd.Timedelta(days=1), color="tab:orange", alpha=0.3, lw=0)
    hit, false_alarm = flagged & labels, flagged & ~labels
    ax.plot(daily.index[hit], daily[hit], "o", color="tab:blue", ms=5, label=f"flagged, labelled ({hit.sum()})")
    ax.plot(
        daily.index[false_alarm],
        daily[false_alarm],
        "o",
        mfc="none",
        color="tab:red",
        ms=5,
        label=f"flagged, not labelled ({false_alarm.sum()})",
    )
    ax.axvspan(
        daily.index[0], daily.index[0], color="tab:orange", alpha=0.3, label=f"{labels.name} ({labels.sum()} days)"
    )
    ax.set(title=title, ylabel="kW (daily mean)")
    ax.legend(fontsize=8, ncol=4, loc="upper right")


# ---------------------------------------------------------------- intervals for AP
def episodes(flags) -> np.ndarray:
    """One id (1, 2, ...) per run of consecutive True flags; 0 where the flag is False."""
    flags = np.asarray(flags)
    if flags.ndim != 1 or not np.isin(flags, [0, 1]).all():
        raise ValueError("flags must be a 1-D array of True/False (one per day, in date order)")
    flags = flags.astype(bool)
    starts = flags & ~np.r_[False, flags[:-1]]
    return np.where(flags, np.cumsum(starts), 0)


def day_blocks(flags, block_days: int = 7) -> np.ndarray:
    """Bootstrap blocks over days in date order: each episode of True flags is one block, and
    the days between episodes are cut into blocks of `block_days` consecutive days."""
    checks.positive_int("block_days", block_days)
    ids = episodes(flags)
    other = np.flatnonzero(ids == 0)
    blocks = ids.copy()
    if len(other):
        gap = np.r_[0, np.cumsum(np.diff(other) > 1)]  # a new stretch after each episode
        position = np.arange(len(other)) - np.searchsorted(gap, gap)  # position inside the stretch
        blocks[other] = ids.max() + 1 + np.unique(gap * 1_000_000 + position // block_days, return_inverse=True)[1]
    return blocks


def _block_resamples(labels: np.ndarray, blocks, n_boot: int, seed: int):
    """`n_boot` draws of whole blocks with replacement, as row indices; draws without a labelled day are redrawn."""
    blocks = np.asarray(blocks)
    if blocks.shape != labels.shape:
        raise ValueError(f"blocks must give one block id per day ({len(labels)}), got shape {blocks.shape}")
    checks.positive_int("n_boot", n_boot)
    ids = np.unique(blocks, return_inverse=True)[1]
    members = [np.flatnonzero(ids == b) for b in range(ids.max() + 1)]
    rng = np.random.default_rng(seed)
    drawn = 0
    while drawn < n_boot:
        rows = np.concatenate([members[b] for b in rng.integers(0, len(members), len(members))])
        if labels[rows].any():
            drawn += 1
            yield rows


def ap_interval(labels, scores, blocks, n_boot: int = 1000, seed: int = 0) -> dict:
    """Average precision with a 95 % interval from resampling whole `blocks` (days, episodes).

    AP is not a mean over days, so `utils.core.protocol.bootstrap_interval` does not apply;
    this resamples blocks with replacement, recomputes the AP on each draw (draws without a
    labelled day are redrawn) and reports the 2.5 and 97.5 percentiles.
    """
    labels, scores = _checked(labels, scores)
    draws = [average_precision(labels[rows], scores[rows]) for rows in _block_resamples(labels, blocks, n_boot, seed)]
    low, high = np.quantile(draws, [0.025, 0.975])
    return {"ap": average_precision(labels, scores), "low": float(low), "high": float(high)}


def ap_difference(labels, scores_a, scores_b, blocks, names=("A", "B"), n_boot: int = 1000, seed: int = 0) -> dict:
    """AP of detector A minus AP of detector B on the same days, a paired 95 % interval and the verdict.

    Each draw resamples whole `blocks` once and recomputes both APs on the days drawn, so
    what the two detectors share (a hard day is hard for both) cancels out. Two separate
    intervals that overlap can still hide a clear paired difference, and the reverse.
    Higher AP is better: the verdict is `utils.core.protocol.verdict` of A minus B.
    """
    labels, a = _checked(labels, scores_a)
    _, b = _checked(labels, scores_b)
    draws = [
        average_precision(labels[rows], a[rows]) - average_precision(labels[rows], b[rows])
        for rows in _block_resamples(labels, blocks, n_boot, seed)
    ]
    low, high = (float(q) for q in np.quantile(draws, [0.025, 0.975]))
    difference = average_precision(labels, a) - average_precision(labels, b)
    return {
        "difference": difference,
        "low": low,
        "high": high,
        "verdict": protocol.verdict(low, high, tuple(names), lower_is_better=False),
    }


# ---------------------------------------------------------------- injected anomalies
def _heater_at_night(day: np.ndarray, rng) -> np.ndarray:
    day[0:6] += 1.5  # a 1.5 kW heater left on from midnight to 6 am
    return day


def _shifted_schedule(day: np.ndarray, rng) -> np.ndarray:
    return np.roll(day, 8)  # the same day, lived 8 hours later (same mean, other hours)


def _stuck_meter(day: np.ndarray, rng) -> np.ndarray:
    day[8:20] = day[7]  # the meter repeats its 7 am reading for 12 hours
    return day


def _spikes(day: np.ndarray, rng) -> np.ndarray:
    day[rng.choice(24, size=3, replace=False)] += 3.0  # three hours with 3 kW more
    return day


def _evening_off(day: np.ndarray, rng) -> np.ndarray:
    day[17:23] = day[1:7]  # the evening's appliances (cooking, lights) missing: 5-11 pm draw what 1-7 am drew
    return day


INJECTIONS = {
    "heater at night": _heater_at_night,
    "shifted schedule": _shifted_schedule,
    "stuck meter": _stuck_meter,
    "spikes": _spikes,
    "evening off": _evening_off,
}


def plan_injections(candidates: pd.DatetimeIndex, per_kind: int, seed: int, min_gap_days: int = 3) -> pd.Series:
    """Pick `per_kind` days for each kind in INJECTIONS among `candidates`, at least
    `min_gap_days` apart, in a random order from `seed`; a Series day -> kind, sorted by day."""
    checks.positive_int("per_kind", per_kind)
    checks.positive_int("min_gap_days", min_gap_days)
    if not isinstance(candidates, pd.DatetimeIndex):
        raise TypeError(f"candidates must be a DatetimeIndex of days, got {type(candidates).__name__}")
    rng = np.random.default_rng(seed)
    needed = per_kind * len(INJECTIONS)
    chosen: list[pd.Timestamp] = []
    for day in candidates[rng.permutation(len(candidates))]:
        if all(abs((day - other).days) >= min_gap_days for other in chosen):
            chosen.append(day)
            if len(chosen) == needed:
                break
    if len(chosen) < needed:
        raise ValueError(
            f"only {len(chosen)} of {needed} days fit {min_gap_days} days apart among {len(candidates)} "
            "candidates: lower per_kind or min_gap_days, or give more candidate days"
        )
    kinds = np.repeat(list(INJECTIONS), per_kind)
    return pd.Series(kinds, index=pd.DatetimeIndex(chosen, name="day"), name="kind").sort_index()


def inject(hourly: pd.Series, plan: pd.Series, seed: int) -> pd.Series:
    """A copy of the hourly series with each planned day changed by its kind (never below 0)."""
    check_hourly(hourly)
    unknown = set(plan) - set(INJECTIONS)
    if unknown:
        raise ValueError(f"unknown kind(s) {sorted(unknown)}; the kinds are {list(INJECTIONS)}")
    out = hourly.copy()
    rng = np.random.default_rng(seed)
    for day, kind in plan.items():
        hours = slice(day, day + pd.Timedelta(hours=HOURS_PER_DAY - 1))
        values = out.loc[hours].to_numpy(copy=True)
        if len(values) != HOURS_PER_DAY:
            raise ValueError(f"{day.date()} is not a complete day of the series: cannot inject into it")
        out.loc[hours] = np.maximum(INJECTIONS[kind](values, rng), 0.0)
    return out


def by_day(hourly: pd.Series) -> pd.DataFrame:
    """One row per complete day (index: its midnight), one column per hour 0..23."""
    check_hourly(hourly)
    days = complete_days(hourly.index)
    kept = hourly[hourly.index.normalize().isin(days)]
    return pd.DataFrame(kept.to_numpy().reshape(-1, HOURS_PER_DAY), index=days)


# ---------------------------------------------------------------- day scores
def hour_profile_residual(hourly: pd.Series, days: int = 28) -> pd.Series:
    """Each day's mean |value - median of the same hour over the `days` days before it|.

    A seasonal profile rule: it knows the shape of a usual day (hour by hour) and the
    recent level. NaN for the first `days` days.
    """
    checks.whole_number("days", days, minimum=2)
    table = by_day(hourly)
    reference = table.shift(1).rolling(days).median()
    return (table - reference).abs().mean(axis=1, skipna=False).rename("hour profile")


def repeated_hours(hourly: pd.Series) -> pd.Series:
    """Per complete day, how many hours equal the hour before exactly (a stuck meter repeats itself)."""
    table = by_day(hourly)
    flat = hourly.eq(hourly.shift(1)).to_numpy()
    flat = flat[hourly.index.normalize().isin(table.index)].reshape(-1, HOURS_PER_DAY)
    return pd.Series(flat.sum(axis=1), index=table.index, name="repeated hours").astype(float)


def normalise_by_hour(residuals: pd.Series, training) -> pd.Series:
    """(residual - mean of its hour of day) / std of its hour, both from the training hours only.

    `residuals` is an hourly Series (forecast errors, signed); `training` is a boolean
    array, True on the hours whose residuals may be used for the statistics (the
    training split). A forecaster's errors differ by hour (mornings and evenings are
    harder than nights), so a z-score per hour puts a 3 am surprise and a 7 pm one on
    one scale (in the spirit of Malhotra et al. 2015).
    """
    if not isinstance(residuals, pd.Series) or not isinstance(residuals.index, pd.DatetimeIndex):
        raise TypeError("residuals must be a pandas Series with a DatetimeIndex of hours")
    training = np.asarray(training)
    if training.shape != (len(residuals),) or training.dtype != bool:
        raise ValueError(
            f"training must be a boolean array with one entry per residual ({len(residuals)}), "
            f"got dtype {training.dtype} and shape {training.shape}"
        )
    hour = residuals.index.hour
    fitted = residuals[training].groupby(hour[training])
    mean, std = fitted.mean(), fitted.std()
    if len(mean) != HOURS_PER_DAY or (std.fillna(0) == 0).any():
        raise ValueError("the training hours must cover every hour of day, twice at least, with varying residuals")
    return ((residuals - mean.reindex(hour).to_numpy()) / std.reindex(hour).to_numpy()).rename("z")


# ---------------------------------------------------------------- NAB
NAB_FILE = "nab_known_cause.csv.gz"


def load_nab(data_dir=DATA_DIR) -> pd.DataFrame:
    """Two Numenta Anomaly Benchmark series with known-cause labels, hourly (data/README.md).

    Columns: series ("nyc_taxi": passengers per hour; "machine_temperature": the mean of
    its 5-minute readings), time, value, window (1 on hours inside one of NAB's anomaly
    windows), label (1 on the hour of one of NAB's label timestamps).
    """
    path = verified_path(NAB_FILE, data_dir)
    return pd.read_csv(path, parse_dates=["time"])
