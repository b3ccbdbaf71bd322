"""Plausible wrong answers to lesson 09's exercises, and the likely ones whose hint must name the mistake."""

WRONG_ANSWERS = {
    1: {
        "only the power column compared, not all 7 measures": """
same_as_yesterday = frame[TARGET].eq(frame[TARGET].shift(24))
return same_as_yesterday.groupby(frame.index.normalize()).sum() >= min_hours
""",
        "any column equal instead of every column": """
same_as_yesterday = frame.eq(frame.shift(24)).any(axis=1)
return same_as_yesterday.groupby(frame.index.normalize()).sum() >= min_hours
""",
        "compared with the hour before (shift 1), not 24 hours earlier": """
same_as_yesterday = frame.eq(frame.shift(1)).all(axis=1)
return same_as_yesterday.groupby(frame.index.normalize()).sum() >= min_hours
""",
        "compared with the day after (shift -24): flags the source day": """
same_as_yesterday = frame.eq(frame.shift(-24)).all(axis=1)
return same_as_yesterday.groupby(frame.index.normalize()).sum() >= min_hours
""",
        "more than min_hours instead of at least": """
same_as_yesterday = frame.eq(frame.shift(24)).all(axis=1)
return same_as_yesterday.groupby(frame.index.normalize()).sum() > min_hours
""",
        "grouped by day of the month, not by date": """
same_as_yesterday = frame.eq(frame.shift(24)).all(axis=1)
return same_as_yesterday.groupby(frame.index.day).sum() >= min_hours
""",
        "called the course's anomalies.copied_days instead of writing it": """
return anomalies.copied_days(frame, min_hours=min_hours)
""",
    },
    2: {
        "the quantile of all days' scores (share of days, not of labelled days)": """
truth, day_scores = np.asarray(truth, bool), np.asarray(day_scores, float)
return float(np.quantile(day_scores, 1 - recall))
""",
        "the interpolated quantile of the labelled days' scores": """
truth, day_scores = np.asarray(truth, bool), np.asarray(day_scores, float)
return float(np.quantile(day_scores[truth], 1 - recall))
""",
        "flags with > instead of >= (one distinct score too low)": """
truth, day_scores = np.asarray(truth, bool), np.asarray(day_scores, float)
for t in np.unique(day_scores)[::-1]:
    if truth[day_scores > t].sum() >= recall * truth.sum():
        return float(t)
return float(day_scores.min())
""",
        "the lowest labelled score (always recall 1)": """
truth, day_scores = np.asarray(truth, bool), np.asarray(day_scores, float)
return float(day_scores[truth].min())
""",
        "off by one: one labelled day more than needed": """
truth, day_scores = np.asarray(truth, bool), np.asarray(day_scores, float)
needed = int(np.ceil(recall * truth.sum() - 1e-9))
ranked = np.sort(day_scores[truth])[::-1]
return float(ranked[min(needed, len(ranked) - 1)])
""",
        "truncated the number of labelled days to catch (int instead of rounding up)": """
truth, day_scores = np.asarray(truth, bool), np.asarray(day_scores, float)
needed = max(int(recall * truth.sum()), 1)
return float(np.sort(day_scores[truth])[::-1][needed - 1])
""",
        "called the course's anomalies.threshold_for_recall instead of writing it": """
return anomalies.threshold_for_recall(truth, day_scores, recall)
""",
    },
    3: {
        "statistics from every hour, not the training hours only": """
hour = residuals.index.hour
fitted = residuals.groupby(hour)
return (residuals - fitted.mean().reindex(hour).to_numpy()) / fitted.std().reindex(hour).to_numpy()
""",
        "one mean and one std for all hours of day": """
training = np.asarray(training, bool)
return (residuals - residuals[training].mean()) / residuals[training].std()
""",
        "centred per hour, not divided by the std": """
training = np.asarray(training, bool)
hour = residuals.index.hour
fitted = residuals[training].groupby(hour[training])
return residuals - fitted.mean().reindex(hour).to_numpy()
""",
        "NumPy's population std (ddof=0) instead of the sample std": """
training = np.asarray(training, bool)
hour = residuals.index.hour
fitted = residuals[training].groupby(hour[training])
std = fitted.std(ddof=0).reindex(hour).to_numpy()
return (residuals - fitted.mean().reindex(hour).to_numpy()) / std
""",
        "grouped by day of the week instead of hour of day": """
training = np.asarray(training, bool)
day = residuals.index.day_of_week
fitted = residuals[training].groupby(day[training])
return (residuals - fitted.mean().reindex(day).to_numpy()) / fitted.std().reindex(day).to_numpy()
""",
        "called the course's anomalies.normalise_by_hour instead of writing it": """
return anomalies.normalise_by_hour(residuals, training)
""",
    },
    4: {
        "ties broken by position (one step per day, not per distinct score)": """
truth, day_scores = np.asarray(truth, bool), np.asarray(day_scores, float)
order = np.argsort(-day_scores, kind="stable")
hits = truth[order]
precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
return float(precision[hits].mean())
""",
        "the mean precision over all thresholds (not weighted by recall gained)": """
truth, day_scores = np.asarray(truth, bool), np.asarray(day_scores, float)
return float(np.mean([truth[day_scores >= t].mean() for t in np.unique(day_scores)]))
""",
        "the trapezoid area under the curve (interpolated)": """
truth, day_scores = np.asarray(truth, bool), np.asarray(day_scores, float)
thresholds = np.unique(day_scores)[::-1]
recalls = [0.0] + [truth[day_scores >= t].sum() / truth.sum() for t in thresholds]
precisions = [1.0] + [truth[day_scores >= t].mean() for t in thresholds]
return float(np.trapezoid(precisions, recalls))
""",
        "walked up from the lowest score (low score = anomalous)": """
truth, day_scores = np.asarray(truth, bool), np.asarray(day_scores, float)
total, previous_recall = 0.0, 0.0
for t in np.unique(day_scores):
    flagged = day_scores <= t
    recall = truth[flagged].sum() / truth.sum()
    total += (recall - previous_recall) * truth[flagged].mean()
    previous_recall = recall
return total
""",
        "the precision at full recall only": """
truth, day_scores = np.asarray(truth, bool), np.asarray(day_scores, float)
return float(truth[day_scores >= day_scores[truth].min()].mean())
""",
        "called the course's anomalies.average_precision instead of writing it": """
return anomalies.average_precision(truth, day_scores)
""",
    },
}

# The two most likely mistakes per exercise, and a phrase their hint must contain (it names
# the mistake; it never gives the expected value).
LIKELY = {
    1: {
        "only the power column compared, not all 7 measures": "only one column",
        "compared with the hour before (shift 1), not 24 hours earlier": "repeat the hour before",
    },
    2: {
        "the interpolated quantile of the labelled days' scores": "not one of the scores",
        "flags with > instead of >= (one distinct score too low)": "a higher threshold also reaches",
    },
    3: {
        "statistics from every hour, not the training hours only": "training hours only",
        "one mean and one std for all hours of day": "per hour of day",
    },
    4: {
        "ties broken by position (one step per day, not per distinct score)": "equal scores",
        "the mean precision over all thresholds (not weighted by recall gained)": "recall it gains",
    },
}
