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
        "values counted instead of windows": """
outside = (windows < low) | (windows > high)
return float(outside.mean())
""",
        "only values above high": """
return float((windows > high).any(axis=(1, 2)).mean())
""",
        "the edges counted as clipped (<= and >=)": """
outside = (windows <= low) | (windows >= high)
return float(outside.any(axis=(1, 2)).mean())
""",
        "a count of windows instead of a fraction": """
outside = (windows < low) | (windows > high)
return int(outside.any(axis=(1, 2)).sum())
""",
        "clipped hours instead of windows (any over features only)": """
outside = (windows < low) | (windows > high)
return float(outside.any(axis=2).mean())
""",
    },
    3: {
        "one call per session": """
outputs = {}
for session, x_t in inputs.items():
    result = step(x_t=np.asarray(x_t)[None], state=np.asarray(states[session])[None])
    states[session] = result["state"][0]
    outputs[session] = result["output"][0]
return outputs
""",
        "the new states not stored": """
sessions = list(inputs)
result = step(x_t=np.stack([inputs[s] for s in sessions]), state=np.stack([states[s] for s in sessions]))
return {session: result["output"][row] for row, session in enumerate(sessions)}
""",
        "outputs matched to the sessions in sorted order": """
sessions = list(inputs)
result = step(x_t=np.stack([inputs[s] for s in sessions]), state=np.stack([states[s] for s in sessions]))
for row, session in enumerate(sessions):
    states[session] = result["state"][row]
return {session: result["output"][row] for row, session in enumerate(sorted(sessions))}
""",
        "every session stepped, zero input for the silent ones": """
sessions = list(states)
x_t = np.stack([inputs.get(s, np.zeros_like(next(iter(inputs.values())))) for s in sessions])
result = step(x_t=x_t, state=np.stack([states[s] for s in sessions]))
for row, session in enumerate(sessions):
    states[session] = result["state"][row]
return {session: result["output"][row] for row, session in enumerate(sessions) if session in inputs}
""",
        "a zero state every call (state not carried)": """
sessions = list(inputs)
zeros = np.zeros((len(sessions), len(next(iter(states.values())))), dtype="float32")
result = step(x_t=np.stack([inputs[s] for s in sessions]), state=zeros)
for row, session in enumerate(sessions):
    states[session] = result["state"][row]
return {session: result["output"][row] for row, session in enumerate(sessions)}
""",
    },
    4: {
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
    5: {
        "the smallest file, accuracy ignored": """
converted = table[table["converted"]]
return None if converted.empty else converted["size (kB)"].idxmin()
""",
        "being better counted as a loss (abs)": """
allowed = table[table["converted"] & (table["worse by"].abs() <= max_loss)]
return None if allowed.empty else allowed["size (kB)"].idxmin()
""",
        "the sign flipped (-worse by <= max_loss)": """
allowed = table[table["converted"] & (-table["worse by"] <= max_loss)]
return None if allowed.empty else allowed["size (kB)"].idxmin()
""",
        "the change column read as an accuracy (-change <= max_loss)": """
allowed = table[table["converted"] & (-table["change"] <= max_loss)]
return None if allowed.empty else allowed["size (kB)"].idxmin()
""",
        "a strict bound (worse by < max_loss)": """
allowed = table[table["converted"] & (table["worse by"] < max_loss)]
return None if allowed.empty else allowed["size (kB)"].idxmin()
""",
        "the most accurate format instead of the smallest": """
allowed = table[table["converted"] & (table["worse by"] <= max_loss)]
return None if allowed.empty else allowed["worse by"].idxmin()
""",
        "the row number instead of the format name": """
allowed = table[table["converted"] & (table["worse by"] <= max_loss)]
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
        "values counted instead of windows": "you counted values",
        "only values above high": "below low are clipped too",
    },
    3: {
        "one call per session": "one batched call",
        "the new states not stored": "store each session's new state",
        "a zero state every call (state not carried)": "what a fresh session would give",
    },
    4: {
        "KiB (1024 bytes) instead of kB": "1024",
        "bytes_per_weight ignored (always float32)": "does not change with bytes_per_weight",
    },
    5: {
        "the smallest file, accuracy ignored": "worse by more than max_loss",
        "being better counted as a loss (abs)": "being better than Keras is not a loss",
    },
}
