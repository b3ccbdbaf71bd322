"""Plausible wrong answers to lesson 07's exercises (run by conftest.py inside nbval's kernel).

LIKELY marks the most likely mistakes: the check's hint must contain the phrase given.
"""

WRONG_ANSWERS = {
    1: {
        "divided by ln 10 instead of ln 2": """
bits = loss / math.log(10)
return bits, math.exp(loss)
""",
        "multiplied by ln 2 instead of dividing": """
bits = loss * math.log(2)
return bits, 2 ** bits
""",
        "perplexity 2 ** loss (the loss is in nats)": """
bits = loss / math.log(2)
return bits, 2 ** loss
""",
        "perplexity e ** bits": """
bits = loss / math.log(2)
return bits, math.exp(bits)
""",
        "the numbers of the example copied": """
return 6.0, 64.0
""",
        "the two numbers in the other order": """
bits = loss / math.log(2)
return math.exp(loss), bits
""",
    },
    2: {
        "the state reset to zero at every step": """
chosen, last_id = [], prefix_ids[-1]
for _ in range(n):
    state = np.zeros((1, gru.units), dtype="float32")
    state, _ = gru.cell(embedding(np.array([last_id])), [state])
    last_id = int(np.argmax(logits_layer(state)))
    chosen.append(last_id)
return chosen
""",
        "only the last character of the prefix read": """
state = np.zeros((1, gru.units), dtype="float32")
state, _ = gru.cell(embedding(np.array([prefix_ids[-1]])), [state])
chosen = []
for _ in range(n):
    chosen.append(int(np.argmax(logits_layer(state))))
    state, _ = gru.cell(embedding(np.array([chosen[-1]])), [state])
return chosen
""",
        "the chosen id not fed back (the last prefix id fed again)": """
state = np.zeros((1, gru.units), dtype="float32")
for char_id in prefix_ids:
    state, _ = gru.cell(embedding(np.array([char_id])), [state])
chosen = []
for _ in range(n):
    chosen.append(int(np.argmax(logits_layer(state))))
    state, _ = gru.cell(embedding(np.array([prefix_ids[-1]])), [state])
return chosen
""",
        "sampled instead of taking the most likely id": """
rng = np.random.default_rng(0)
state = np.zeros((1, gru.units), dtype="float32")
for char_id in prefix_ids:
    state, _ = gru.cell(embedding(np.array([char_id])), [state])
chosen = []
for _ in range(n):
    probs = np.asarray(keras.ops.softmax(logits_layer(state)), dtype="float64")[0]
    chosen.append(int(rng.choice(len(probs), p=probs / probs.sum())))
    state, _ = gru.cell(embedding(np.array([chosen[-1]])), [state])
return chosen
""",
        "the course's generate at a low temperature": """
written = chars.generate(model, vocab.decode(prefix_ids), n, temperature=0.01, vocab=vocab)
return list(vocab.encode(written[len(prefix_ids):]))
""",
    },
    3: {
        "one number copied to every position": """
accuracy_by_position = np.full(SEQ_LENGTH, val_accuracy)
""",
        "averaged over the wrong axis (one value per sequence)": """
correct = [model.predict_on_batch(x).argmax(axis=-1) == y.numpy() for x, y in val_ds]
accuracy_by_position = np.concatenate(correct).mean(axis=1)
""",
        "only the first batch": """
x, y = next(iter(val_ds))
accuracy_by_position = (model.predict_on_batch(x).argmax(axis=-1) == y.numpy()).mean(axis=0)
""",
        "compared with the input instead of the target": """
correct = [model.predict_on_batch(x).argmax(axis=-1) == x.numpy() for x, y in val_ds]
accuracy_by_position = np.concatenate(correct).mean(axis=0)
""",
        "measured on the training sequences": """
correct = [model.predict_on_batch(x).argmax(axis=-1) == y.numpy() for x, y in train_ds]
accuracy_by_position = np.concatenate(correct).mean(axis=0)
""",
    },
    4: {
        "left in nats": """
line_ids = vocab.encode(line)
logits = model.predict(line_ids[None, :-1], verbose=0)[0].astype("float64")
shifted = logits - logits.max(axis=1, keepdims=True)
log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
return float(-np.mean(log_probs[np.arange(len(line_ids) - 1), line_ids[1:]]))
""",
        "the targets not shifted (each character scored as its own next)": """
line_ids = vocab.encode(line)
logits = model.predict(line_ids[None, :-1], verbose=0)[0].astype("float64")
shifted = logits - logits.max(axis=1, keepdims=True)
log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
return float(-np.mean(log_probs[np.arange(len(line_ids) - 1), line_ids[:-1]]) / math.log(2))
""",
        "the softmax taken over the positions (axis 0)": """
line_ids = vocab.encode(line)
logits = model.predict(line_ids[None, :-1], verbose=0)[0].astype("float64")
shifted = logits - logits.max(axis=0, keepdims=True)
log_probs = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
return float(-np.mean(log_probs[np.arange(len(line_ids) - 1), line_ids[1:]]) / math.log(2))
""",
        "summed instead of averaged": """
line_ids = vocab.encode(line)
logits = model.predict(line_ids[None, :-1], verbose=0)[0].astype("float64")
shifted = logits - logits.max(axis=1, keepdims=True)
log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
return float(-np.sum(log_probs[np.arange(len(line_ids) - 1), line_ids[1:]]) / math.log(2))
""",
        "the raw logits used as log-probabilities": """
line_ids = vocab.encode(line)
logits = model.predict(line_ids[None, :-1], verbose=0)[0].astype("float64")
return float(-np.mean(logits[np.arange(len(line_ids) - 1), line_ids[1:]]) / math.log(2))
""",
    },
    5: {
        "ties broken by the first character seen (Counter.most_common)": """
following = collections.defaultdict(collections.Counter)
for i in range(context, len(train_text)):
    following[train_text[i - context:i]][train_text[i]] += 1
best = {seen: counts.most_common(1)[0][0] for seen, counts in following.items()}
most_common = collections.Counter(train_text).most_common(1)[0][0]
return [best.get(text[i - context:i], most_common) for i in range(context, len(text))]
""",
        "the context includes the character to predict (off by one)": """
following = collections.defaultdict(collections.Counter)
for i in range(context, len(train_text)):
    following[train_text[i - context:i]][train_text[i]] += 1
best = {seen: min(counts, key=lambda char: (-counts[char], char)) for seen, counts in following.items()}
most_common = min(set(train_text), key=lambda char: (-train_text.count(char), char))
return [best.get(text[i - context + 1:i + 1], most_common) for i in range(context, len(text))]
""",
        "counted on the text being predicted instead of the training text": """
following = collections.defaultdict(collections.Counter)
for i in range(context, len(text)):
    following[text[i - context:i]][text[i]] += 1
best = {seen: min(counts, key=lambda char: (-counts[char], char)) for seen, counts in following.items()}
most_common = min(set(train_text), key=lambda char: (-train_text.count(char), char))
return [best.get(text[i - context:i], most_common) for i in range(context, len(text))]
""",
        "an unseen context gets a space": """
following = collections.defaultdict(collections.Counter)
for i in range(context, len(train_text)):
    following[train_text[i - context:i]][train_text[i]] += 1
best = {seen: min(counts, key=lambda char: (-counts[char], char)) for seen, counts in following.items()}
return [best.get(text[i - context:i], " ") for i in range(context, len(text))]
""",
        "always one character of context (the argument ignored)": """
following = collections.defaultdict(collections.Counter)
for i in range(1, len(train_text)):
    following[train_text[i - 1]][train_text[i]] += 1
best = {seen: min(counts, key=lambda char: (-counts[char], char)) for seen, counts in following.items()}
most_common = min(set(train_text), key=lambda char: (-train_text.count(char), char))
return [best.get(text[i - 1], most_common) for i in range(context, len(text))]
""",
        "a prediction for every position, the first ones padded": """
following = collections.defaultdict(collections.Counter)
for i in range(context, len(train_text)):
    following[train_text[i - context:i]][train_text[i]] += 1
best = {seen: min(counts, key=lambda char: (-counts[char], char)) for seen, counts in following.items()}
most_common = min(set(train_text), key=lambda char: (-train_text.count(char), char))
return [most_common] * context + [best.get(text[i - context:i], most_common) for i in range(context, len(text))]
""",
    },
}

# The most likely mistakes per exercise, and a phrase the check's hint must contain for each.
LIKELY = {
    1: {"divided by ln 10 instead of ln 2": "ln 10", "perplexity 2 ** loss (the loss is in nats)": "in nats"},
    2: {
        "only the last character of the prefix read": "every prefix id",
        "the chosen id not fed back (the last prefix id fed again)": "feed each chosen id back",
    },
    3: {
        "averaged over the wrong axis (one value per sequence)": "one accuracy per position",
        "only the first batch": "every batch",
        "compared with the input instead of the target": "inputs x",
    },
    4: {"left in nats": "in nats", "summed instead of averaged": "summed"},
    5: {
        "ties broken by the first character seen (Counter.most_common)": "sorts first",
        "the context includes the character to predict (off by one)": "before position i",
        "counted on the text being predicted instead of the training text": "count in `train_text`",
    },
}
