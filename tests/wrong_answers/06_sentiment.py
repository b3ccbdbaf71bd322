"""Plausible wrong answers to lesson 06's exercises (run by tests/test_exercise_checks.py)."""

WRONG_ANSWERS = {
    1: {
        "adapted on the training and the measured sentences together": """
vectorizer = keras.layers.TextVectorization(max_tokens=max_tokens)
vectorizer.adapt(np.concatenate([np.asarray(train_texts), np.asarray(texts)]))
ids = np.asarray(vectorizer(np.asarray(texts)))
return float(np.mean(ids[ids != 0] == 1))
""",
        "padding counted as tokens": """
vectorizer = keras.layers.TextVectorization(max_tokens=max_tokens)
vectorizer.adapt(np.asarray(train_texts))
ids = np.asarray(vectorizer(np.asarray(texts)))
return float(np.mean(ids == 1))
""",
        "measured on the training sentences": """
vectorizer = keras.layers.TextVectorization(max_tokens=max_tokens)
vectorizer.adapt(np.asarray(train_texts))
ids = np.asarray(vectorizer(np.asarray(train_texts)))
return float(np.mean(ids[ids != 0] == 1))
""",
        "max_tokens left out (every training word kept)": """
vectorizer = keras.layers.TextVectorization()
vectorizer.adapt(np.asarray(train_texts))
ids = np.asarray(vectorizer(np.asarray(texts)))
return float(np.mean(ids[ids != 0] == 1))
""",
        "the lesson's vectorizer (MAX_TOKENS) whatever the arguments say": """
ids = np.asarray(vectorizer(np.asarray(texts)))
return float(np.mean(ids[ids != 0] == 1))
""",
        "the share of padding instead of [UNK]": """
vectorizer = keras.layers.TextVectorization(max_tokens=max_tokens)
vectorizer.adapt(np.asarray(train_texts))
ids = np.asarray(vectorizer(np.asarray(texts)))
return float(np.mean(ids == 0))
""",
        "the course's oov_rate instead of counting": """
vectorizer = keras.layers.TextVectorization(max_tokens=max_tokens)
vectorizer.adapt(np.asarray(train_texts))
return text.oov_rate(np.asarray(vectorizer(np.asarray(texts))))
""",
        "the course's helpers all the way": """
small = text.build_vectorizer(train_texts, max_tokens=max_tokens)
return text.oov_rate(text.vectorize(small, texts))
""",
    },
    2: {
        "precision and recall swapped": """
labels, predicted = np.asarray(labels), np.asarray(probabilities) >= threshold
true_positives = np.count_nonzero(predicted & (labels == 1))
return true_positives / np.count_nonzero(labels == 1), true_positives / np.count_nonzero(predicted)
""",
        "the threshold ignored (always 0.5)": """
labels, predicted = np.asarray(labels), np.asarray(probabilities) >= 0.5
true_positives = np.count_nonzero(predicted & (labels == 1))
return true_positives / np.count_nonzero(predicted), true_positives / np.count_nonzero(labels == 1)
""",
        "every right answer counted as a true positive": """
labels, predicted = np.asarray(labels), (np.asarray(probabilities) >= threshold).astype(int)
true_positives = np.count_nonzero(predicted == labels)
return true_positives / np.count_nonzero(predicted), true_positives / np.count_nonzero(labels == 1)
""",
        "accuracy given as the precision": """
labels, predicted = np.asarray(labels), (np.asarray(probabilities) >= threshold).astype(int)
true_positives = np.count_nonzero((predicted == 1) & (labels == 1))
return float(np.mean(predicted == labels)), true_positives / np.count_nonzero(labels == 1)
""",
        "recall divided by every sentence, not the positive ones": """
labels, predicted = np.asarray(labels), np.asarray(probabilities) >= threshold
true_positives = np.count_nonzero(predicted & (labels == 1))
return true_positives / np.count_nonzero(predicted), true_positives / len(labels)
""",
    },
    3: {
        "one GRU only (the backward direction forgotten)": """
one_gru = 3 * (units * (embedding_dim + units) + 2 * units)
return vocab_size * embedding_dim + one_gru + 2 * units + 1
""",
        "the Dense layer reads units, not 2 x units": """
one_gru = 3 * (units * (embedding_dim + units) + 2 * units)
return vocab_size * embedding_dim + 2 * one_gru + units + 1
""",
        "one bias per gate (the reset_after=False count)": """
one_gru = 3 * (units * (embedding_dim + units) + units)
return vocab_size * embedding_dim + 2 * one_gru + 2 * units + 1
""",
        "the embedding table forgotten": """
one_gru = 3 * (units * (embedding_dim + units) + 2 * units)
return 2 * one_gru + 2 * units + 1
""",
        "the lesson's global sizes instead of the arguments": """
one_gru = 3 * (UNITS * (EMBEDDING_DIM + UNITS) + 2 * UNITS)
return vocab_size * EMBEDDING_DIM + 2 * one_gru + 2 * UNITS + 1
""",
        "four gates, as in an LSTM": """
one_gru = 4 * (units * (embedding_dim + units) + units)
return vocab_size * embedding_dim + 2 * one_gru + 2 * units + 1
""",
    },
}
