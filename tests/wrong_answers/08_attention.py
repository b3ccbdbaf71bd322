"""Plausible wrong answers to lesson 08's exercises, and the likely ones whose hint must name the mistake."""

WRONG_ANSWERS = {
    1: {
        "softmax over the queries instead of the keys": """
scores = np.tanh(query[:, None, :] + keys[None, :, :]) @ scale
scores = np.where(keep[None, :], scores, -np.inf)
weights = np.exp(scores - scores.max(axis=0, keepdims=True))
weights /= weights.sum(axis=0, keepdims=True)
return weights @ values, weights
""",
        "padding not masked": """
scores = np.tanh(query[:, None, :] + keys[None, :, :]) @ scale
weights = np.exp(scores - scores.max(axis=1, keepdims=True))
weights /= weights.sum(axis=1, keepdims=True)
return weights @ values, weights
""",
        "tanh forgotten": """
scores = (query[:, None, :] + keys[None, :, :]) @ scale
scores = np.where(keep[None, :], scores, -np.inf)
weights = np.exp(scores - scores.max(axis=1, keepdims=True))
weights /= weights.sum(axis=1, keepdims=True)
return weights @ values, weights
""",
        "context made of the keys instead of the values": """
scores = np.tanh(query[:, None, :] + keys[None, :, :]) @ scale
scores = np.where(keep[None, :], scores, -np.inf)
weights = np.exp(scores - scores.max(axis=1, keepdims=True))
weights /= weights.sum(axis=1, keepdims=True)
return weights @ keys, weights
""",
        "the learned scale left out": """
scores = np.tanh(query[:, None, :] + keys[None, :, :]).sum(axis=-1)
scores = np.where(keep[None, :], scores, -np.inf)
weights = np.exp(scores - scores.max(axis=1, keepdims=True))
weights /= weights.sum(axis=1, keepdims=True)
return weights @ values, weights
""",
    },
    2: {
        "greedy: beam_width ignored, one beam kept": """
sequence, total = [], 0.0
tokens = np.array([START_ID], dtype="int32")
for _ in range(length):
    logits, state = step(tokens, state)
    log_probs = np.asarray(logits, dtype="float64")[0]
    log_probs = log_probs - np.log(np.exp(log_probs).sum())
    tokens = np.array([int(np.argmax(log_probs))], dtype="int32")
    sequence.append(int(tokens[0]))
    total += float(log_probs[tokens[0]])
return np.array(sequence), total
""",
        "candidates ranked by their last step only, not the running total": """
sequences, totals = np.zeros((1, 0), dtype="int32"), np.zeros(1)
tokens = np.array([START_ID], dtype="int32")
for _ in range(length):
    logits, new_state = step(tokens, state)
    log_probs = np.asarray(logits, dtype="float64")
    log_probs = log_probs - np.log(np.exp(log_probs).sum(axis=1, keepdims=True))
    best = np.argsort(-log_probs.ravel(), kind="stable")[:beam_width]
    rows, tokens = np.divmod(best, log_probs.shape[1])
    tokens = tokens.astype("int32")
    sequences = np.concatenate([sequences[rows], tokens[:, None]], axis=1)
    totals = totals[rows] + log_probs.ravel()[best]
    state = tuple(np.asarray(part)[rows] for part in new_state)
return sequences[0], float(totals[0])
""",
        "the state not reordered to follow the kept beams": """
sequences, totals = np.zeros((1, 0), dtype="int32"), np.zeros(1)
tokens = np.array([START_ID], dtype="int32")
for _ in range(length):
    logits, new_state = step(tokens, state)
    log_probs = np.asarray(logits, dtype="float64")
    log_probs = log_probs - np.log(np.exp(log_probs).sum(axis=1, keepdims=True))
    candidates = (totals[:, None] + log_probs).ravel()
    best = np.argsort(-candidates, kind="stable")[:beam_width]
    rows, tokens = np.divmod(best, log_probs.shape[1])
    tokens = tokens.astype("int32")
    sequences = np.concatenate([sequences[rows], tokens[:, None]], axis=1)
    totals = candidates[best]
    state = new_state
return sequences[0], float(totals[0])
""",
        "probabilities added instead of log-probabilities": """
sequences, totals = np.zeros((1, 0), dtype="int32"), np.zeros(1)
tokens = np.array([START_ID], dtype="int32")
for _ in range(length):
    logits, new_state = step(tokens, state)
    probs = np.exp(np.asarray(logits, dtype="float64"))
    probs /= probs.sum(axis=1, keepdims=True)
    candidates = (totals[:, None] + probs).ravel()
    best = np.argsort(-candidates, kind="stable")[:beam_width]
    rows, tokens = np.divmod(best, probs.shape[1])
    tokens = tokens.astype("int32")
    sequences = np.concatenate([sequences[rows], tokens[:, None]], axis=1)
    totals = candidates[best]
    state = tuple(np.asarray(part)[rows] for part in new_state)
return sequences[0], float(totals[0])
""",
        "the last kept beam returned instead of the best": """
sequences, totals = np.zeros((1, 0), dtype="int32"), np.zeros(1)
tokens = np.array([START_ID], dtype="int32")
for _ in range(length):
    logits, new_state = step(tokens, state)
    log_probs = np.asarray(logits, dtype="float64")
    log_probs = log_probs - np.log(np.exp(log_probs).sum(axis=1, keepdims=True))
    candidates = (totals[:, None] + log_probs).ravel()
    best = np.argsort(-candidates, kind="stable")[:beam_width]
    rows, tokens = np.divmod(best, log_probs.shape[1])
    tokens = tokens.astype("int32")
    sequences = np.concatenate([sequences[rows], tokens[:, None]], axis=1)
    totals = candidates[best]
    state = tuple(np.asarray(part)[rows] for part in new_state)
return sequences[-1], float(totals[-1])
""",
    },
    3: {
        "the share right instead of the share wrong": """
error_rate_by_style = pd.DataFrame({
    name: pd.Series((predictions == y_val).all(axis=1)).groupby(val["style"]).mean()
    for name, predictions in val_predictions.items()
})
hardest_style = {name: error_rate_by_style[name].idxmax() for name in error_rate_by_style.columns}
""",
        "wrong characters instead of wrong dates": """
error_rate_by_style = pd.DataFrame({
    name: pd.Series((predictions != y_val).mean(axis=1)).groupby(val["style"]).mean()
    for name, predictions in val_predictions.items()
})
hardest_style = {name: error_rate_by_style[name].idxmax() for name in error_rate_by_style.columns}
""",
        "grouped by locale instead of style": """
error_rate_by_style = pd.DataFrame({
    name: pd.Series(~(predictions == y_val).all(axis=1)).groupby(val["locale"]).mean()
    for name, predictions in val_predictions.items()
})
hardest_style = {name: error_rate_by_style[name].idxmax() for name in error_rate_by_style.columns}
""",
        "counted the wrong dates instead of their share": """
error_rate_by_style = pd.DataFrame({
    name: pd.Series(~(predictions == y_val).all(axis=1)).groupby(val["style"]).sum()
    for name, predictions in val_predictions.items()
})
hardest_style = {name: error_rate_by_style[name].idxmax() for name in error_rate_by_style.columns}
""",
    },
}

# The two most likely mistakes per exercise, and a phrase their hint must contain (it names
# the mistake; it never gives the expected value).
LIKELY = {
    1: {
        "softmax over the queries instead of the keys": "wrong axis",
        "padding not masked": "padding keys get weight",
    },
    2: {
        "greedy: beam_width ignored, one beam kept": "never changes with beam_width",
        "the state not reordered to follow the kept beams": "state must follow the kept beams",
    },
    3: {
        "the share right instead of the share wrong": "exactly right",
        "grouped by locale instead of style": "your rows are locales",
    },
}
