"""Plausible wrong answers to lesson 00's exercises (run by tests/test_exercise_checks.py)."""

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
    },
    2: {
        "the last hour of the window (persistence again)": """
same_hour_yesterday = x_val[:, -1, power.columns.get_loc(TARGET)]
yesterday_mae = kw(np.mean(np.abs(same_hour_yesterday - y_val[:, 0])))
""",
        "left in standardised units": """
same_hour_yesterday = x_val[:, 0, power.columns.get_loc(TARGET)]
yesterday_mae = np.mean(np.abs(same_hour_yesterday - y_val[:, 0]))
""",
        "the wrong column": """
same_hour_yesterday = x_val[:, 0, 1]
yesterday_mae = kw(np.mean(np.abs(same_hour_yesterday - y_val[:, 0])))
""",
    },
    3: {
        "the two sizes swapped": "BATCH_SIZE = utils.by_mode(full=256, fast=64)",
        "a constant": "BATCH_SIZE = 64",
        "the fast size everywhere": "BATCH_SIZE = 256",
    },
}
