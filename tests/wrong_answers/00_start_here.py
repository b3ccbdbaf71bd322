"""Plausible wrong answers to lesson 00's exercises, and the likely ones whose hint must name the mistake."""

WRONG_ANSWERS = {
    1: {
        "the busiest hour by the maximum, not the mean": """
hourly_profile = power[TARGET].groupby(power.index.hour).max()
peak_hour = int(hourly_profile.idxmax())
""",
        "the peak value instead of its hour": """
peak_hour = int(power[TARGET].groupby(power.index.hour).mean().max())
""",
        "the hour of the single largest reading": """
peak_hour = int(power[TARGET].idxmax().hour)
""",
        "the quietest hour (idxmin)": """
hourly_profile = power[TARGET].groupby(power.index.hour).mean()
peak_hour = int(hourly_profile.idxmin())
""",
    },
    2: {
        "the last hour of the window (persistence again)": """
same_hour_yesterday = data.x_val[:, -1, data.target_column]
yesterday_mae = np.mean(np.abs(same_hour_yesterday - data.y_val[:, 0])) * data.kw_per_unit
""",
        "left in standardised units": """
same_hour_yesterday = data.x_val[:, 0, data.target_column]
yesterday_mae = np.mean(np.abs(same_hour_yesterday - data.y_val[:, 0]))
""",
        "the wrong column": """
same_hour_yesterday = data.x_val[:, 0, 1]
yesterday_mae = np.mean(np.abs(same_hour_yesterday - data.y_val[:, 0])) * data.kw_per_unit
""",
        "23 hours back (the second step of the window)": """
same_hour_yesterday = data.x_val[:, 1, data.target_column]
yesterday_mae = np.mean(np.abs(same_hour_yesterday - data.y_val[:, 0])) * data.kw_per_unit
""",
        "the signed mean error (no absolute value)": """
same_hour_yesterday = data.x_val[:, 0, data.target_column]
yesterday_mae = abs(np.mean(same_hour_yesterday - data.y_val[:, 0])) * data.kw_per_unit
""",
        "the error converted like a value (the mean added back)": """
same_hour_yesterday = data.x_val[:, 0, data.target_column]
yesterday_mae = float(data.to_original_units(np.mean(np.abs(same_hour_yesterday - data.y_val[:, 0]))))
""",
        "the training windows instead of the validation windows": """
same_hour_yesterday = data.x_train[:, 0, data.target_column]
yesterday_mae = np.mean(np.abs(same_hour_yesterday - data.y_train[:, 0])) * data.kw_per_unit
""",
    },
    3: {
        "the LSTM formula (four parts instead of three)": """
return 4 * (features * units + units * units + units)
""",
        "one bias row (reset_after=False)": """
return 3 * (features * units + units * units + units)
""",
        "the input size forgotten": """
return 3 * (units * units + 2 * units)
""",
        "the recurrent weights forgotten": """
return 3 * (features * units + 2 * units)
""",
        "the SimpleRNN formula (one part)": """
return features * units + units * units + units
""",
        "the number copied from model.summary()": """
return 1200
""",
        "two bias rows, but not one per part": """
return 3 * (features * units + units * units) + 2 * units
""",
    },
}

# The two most likely mistakes per exercise, and a phrase their hint must contain (it names
# the mistake; it never gives the expected value).
LIKELY = {
    1: {
        "the busiest hour by the maximum, not the mean": "each hour's maximum",
        "the peak value instead of its hour": "not the hour",
    },
    2: {
        "the last hour of the window (persistence again)": "last hour of the window",
        "left in standardised units": "standardised units",
    },
    3: {
        "the LSTM formula (four parts instead of three)": "like an LSTM",
        "one bias row (reset_after=False)": "one bias per unit and part",
    },
}
