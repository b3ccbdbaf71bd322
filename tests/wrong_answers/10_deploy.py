"""Plausible wrong answers to lesson 10's exercises, and the likely ones whose hint must name the mistake."""

WRONG_ANSWERS = {
    1: {
        "the state not carried (every hour starts from zero)": """
zero_state = np.zeros((len(windows), units), dtype="float32")
for t in range(windows.shape[1]):
    result = runner(x_t=windows[:, t], state=zero_state)
return result["output"]
""",
        "the first hour skipped (range starts at 1)": """
state = np.zeros((len(windows), units), dtype="float32")
for t in range(1, windows.shape[1]):
    result = runner(x_t=windows[:, t], state=state)
    state = result["state"]
return result["output"]
""",
        "the state returned instead of the output": """
state = np.zeros((len(windows), units), dtype="float32")
for t in range(windows.shape[1]):
    result = runner(x_t=windows[:, t], state=state)
    state = result["state"]
return result["state"]
""",
        "the window read backwards": """
state = np.zeros((len(windows), units), dtype="float32")
for t in reversed(range(windows.shape[1])):
    result = runner(x_t=windows[:, t], state=state)
    state = result["state"]
return result["output"]
""",
        "only the last hour fed to the step model": """
state = np.zeros((len(windows), units), dtype="float32")
return runner(x_t=windows[:, -1], state=state)["output"]
""",
        "the Keras forecaster instead of the LiteRT runner": """
return forecaster.predict(windows, verbose=0)
""",
    },
    2: {
        "KiB (1024 bytes) instead of kB": """
n_weights = sum(int(np.prod(w.shape)) for w in model.get_weights())
return n_weights * bytes_per_weight / 1024
""",
        "bytes_per_weight ignored (always float32)": """
n_weights = sum(int(np.prod(w.shape)) for w in model.get_weights())
return n_weights * 4 / 1000
""",
        "only the largest weight array": """
n_weights = max(int(np.prod(w.shape)) for w in model.get_weights())
return n_weights * bytes_per_weight / 1000
""",
        "the number of weight arrays, not of weights": """
return len(model.get_weights()) * bytes_per_weight / 1000
""",
        "bits instead of bytes": """
n_weights = sum(int(np.prod(w.shape)) for w in model.get_weights())
return n_weights * bytes_per_weight * 8 / 1000
""",
    },
    3: {
        "the smallest file, accuracy ignored": """
converted = table[table["converted"]]
return None if converted.empty else converted["size (kB)"].idxmin()
""",
        "a gain counted as a drop (abs of the change)": """
allowed = table[table["converted"] & (table["change"].abs() <= max_drop)]
return None if allowed.empty else allowed["size (kB)"].idxmin()
""",
        "the sign flipped (change <= max_drop)": """
allowed = table[table["converted"] & (table["change"] <= max_drop)]
return None if allowed.empty else allowed["size (kB)"].idxmin()
""",
        "a strict bound (drop < max_drop)": """
allowed = table[table["converted"] & (-table["change"] < max_drop)]
return None if allowed.empty else allowed["size (kB)"].idxmin()
""",
        "the most accurate format instead of the smallest": """
allowed = table[table["converted"] & (-table["change"] <= max_drop)]
return None if allowed.empty else allowed["change"].idxmax()
""",
        "the row number instead of the format name": """
allowed = table[table["converted"] & (-table["change"] <= max_drop)]
return None if allowed.empty else int(np.argmin(allowed["size (kB)"].to_numpy()))
""",
    },
}

# The two most likely mistakes per exercise, and a phrase their hint must contain (it names
# the mistake; it never gives the expected value).
LIKELY = {
    1: {
        "the state not carried (every hour starts from zero)": "carry the state",
        "the state returned instead of the output": "you returned the state",
    },
    2: {
        "KiB (1024 bytes) instead of kB": "1024",
        "bytes_per_weight ignored (always float32)": "does not change with bytes_per_weight",
    },
    3: {
        "the smallest file, accuracy ignored": "loses more accuracy than max_drop",
        "a gain counted as a drop (abs of the change)": "a gain in accuracy is not a drop",
    },
}
