"""Plausible wrong answers to lesson 08's exercises, and the likely ones whose hint must name the mistake."""


def _attention(
    scores="query @ keys.T", triangle="np.tril(np.ones(scores.shape, dtype=bool))", axis=1, context="values"
):
    """Exercise 2's answer (masked dot-product attention) with one part changed."""
    return f"""
scores = {scores}
allowed = np.broadcast_to(keep[None, :], scores.shape)
if causal:
    allowed = allowed & {triangle}
scores = np.where(allowed, scores, -np.inf)
weights = np.exp(scores - scores.max(axis={axis}, keepdims=True))
weights /= weights.sum(axis={axis}, keepdims=True)
return weights @ {context}, weights
"""


WRONG_ANSWERS = {
    1: {
        "the state only at the first step": """
steps = ops.shape(embedded)[1]
first = ops.expand_dims(state, 1)
rest = ops.zeros((ops.shape(state)[0], steps - 1, ops.shape(state)[1]))
return ops.concatenate([embedded, ops.concatenate([first, rest], axis=1)], axis=-1)
""",
        "the state first, then the embedding": """
steps = ops.shape(embedded)[1]
return ops.concatenate([ops.repeat(ops.expand_dims(state, 1), steps, axis=1), embedded], axis=-1)
""",
        "the state added to the embedding instead of attached": """
return embedded + ops.expand_dims(state, 1)
""",
        "the state attached to the last step only": """
steps = ops.shape(embedded)[1]
last = ops.expand_dims(state, 1)
before = ops.zeros((ops.shape(state)[0], steps - 1, ops.shape(state)[1]))
return ops.concatenate([embedded, ops.concatenate([before, last], axis=1)], axis=-1)
""",
    },
    2: {
        "softmax over the queries instead of the keys": _attention(axis=0),
        "padding not masked": """
scores = query @ keys.T
if causal:
    scores = np.where(np.tril(np.ones(scores.shape, dtype=bool)), scores, -np.inf)
weights = np.exp(scores - scores.max(axis=1, keepdims=True))
weights /= weights.sum(axis=1, keepdims=True)
return weights @ values, weights
""",
        "the causal mask lets queries see the later keys (upper triangle)": _attention(
            triangle="np.triu(np.ones(scores.shape, dtype=bool))"
        ),
        "the causal mask hides each query's own key too": _attention(
            triangle="np.tril(np.ones(scores.shape, dtype=bool), k=-1)"
        ),
        "scores scaled by the square root of d (Keras' Attention does not scale)": _attention(
            scores="query @ keys.T / np.sqrt(query.shape[1])"
        ),
        "context made of the keys instead of the values": _attention(context="keys"),
        "causal ignored": """
scores = query @ keys.T
scores = np.where(keep[None, :], scores, -np.inf)
weights = np.exp(scores - scores.max(axis=1, keepdims=True))
weights /= weights.sum(axis=1, keepdims=True)
return weights @ values, weights
""",
    },
    3: {
        "greedy: the width not passed on": """
start, step = decoder
return np.stack(
    [s2s.beam_search(step, start(encoder_ids[row : row + 1]), OUT_LENGTH, 1)[0] for row in range(len(encoder_ids))]
)
""",
        "every row decoded from the first input": """
start, step = decoder
first = start(encoder_ids[:1])
return np.stack([s2s.beam_search(step, first, OUT_LENGTH, width)[0] for _ in range(len(encoder_ids))])
""",
        "one token short": """
start, step = decoder
return np.stack(
    [
        s2s.beam_search(step, start(encoder_ids[row : row + 1]), OUT_LENGTH - 1, width)[0]
        for row in range(len(encoder_ids))
    ]
)
""",
    },
}

# The two most likely mistakes per exercise, and a phrase their hint must contain (it names
# the mistake; it never gives the expected value).
LIKELY = {
    1: {
        "the state only at the first step": "every step",
        "the state first, then the embedding": "the embedding comes first",
    },
    2: {
        "softmax over the queries instead of the keys": "wrong axis",
        "the causal mask lets queries see the later keys (upper triangle)": "must not see later tokens",
    },
    3: {
        "greedy: the width not passed on": "pass the width",
        "every row decoded from the first input": "that row's own input",
    },
}
