"""Plausible wrong answers to lesson 06's exercises (run by conftest.py inside nbval's kernel).

LIKELY marks the most likely mistakes: the check's hint must contain the phrase given.
"""

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
    4: {
        "single words only (the ngrams argument ignored)": """
vectorizer = keras.layers.TextVectorization(max_tokens=2 * MAX_TOKENS, output_mode="tf_idf")
vectorizer.adapt(np.asarray(train_texts))
model = keras.Sequential([keras.Input(shape=(vectorizer.vocabulary_size(),)),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
model.fit(text.make_dataset(vectorizer, train_texts, train_labels, BATCH_SIZE, shuffle=True),
          epochs=BAG_EPOCHS, verbose=0)
return vectorizer, model
""",
        "trained on the validation sentences (they are data too)": """
vectorizer = keras.layers.TextVectorization(max_tokens=2 * MAX_TOKENS, ngrams=ngrams, output_mode="tf_idf")
vectorizer.adapt(np.asarray(train_texts))
model = keras.Sequential([keras.Input(shape=(vectorizer.vocabulary_size(),)),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
model.fit(text.make_dataset(vectorizer, val_df.text, val_df.label, BATCH_SIZE, shuffle=True),
          epochs=BAG_EPOCHS, verbose=0)
return vectorizer, model
""",
        "trained on the training and validation sentences together": """
vectorizer = keras.layers.TextVectorization(max_tokens=2 * MAX_TOKENS, ngrams=ngrams, output_mode="tf_idf")
vectorizer.adapt(np.asarray(train_texts))
model = keras.Sequential([keras.Input(shape=(vectorizer.vocabulary_size(),)),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
texts = pd.concat([pd.Series(np.asarray(train_texts)), val_df.text], ignore_index=True)
labels = np.concatenate([np.asarray(train_labels), val_df.label.to_numpy()])
model.fit(text.make_dataset(vectorizer, texts, labels, BATCH_SIZE, shuffle=True),
          epochs=BAG_EPOCHS, verbose=0)
return vectorizer, model
""",
        "the vocabulary adapted on the training and validation sentences": """
vectorizer = keras.layers.TextVectorization(max_tokens=2 * MAX_TOKENS, ngrams=ngrams, output_mode="tf_idf")
vectorizer.adapt(np.concatenate([np.asarray(train_texts), val_df.text.to_numpy()]))
model = keras.Sequential([keras.Input(shape=(vectorizer.vocabulary_size(),)),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
model.fit(text.make_dataset(vectorizer, train_texts, train_labels, BATCH_SIZE, shuffle=True),
          epochs=BAG_EPOCHS, verbose=0)
return vectorizer, model
""",
        "early stopping on the validation split, with the lesson's helpers": """
vectorizer = keras.layers.TextVectorization(max_tokens=2 * MAX_TOKENS, ngrams=ngrams, output_mode="tf_idf")
vectorizer.adapt(np.asarray(train_texts))
model = keras.Sequential([keras.Input(shape=(vectorizer.vocabulary_size(),)),
                          keras.layers.Dense(1, activation="sigmoid")])
train_data, val_data, _ = split_pipelines(vectorizer)
train_classifier(model, train_data, val_data)
return vectorizer, model
""",
        "the lesson's training labels instead of the argument": """
vectorizer = keras.layers.TextVectorization(max_tokens=2 * MAX_TOKENS, ngrams=ngrams, output_mode="tf_idf")
vectorizer.adapt(np.asarray(train_texts))
model = keras.Sequential([keras.Input(shape=(vectorizer.vocabulary_size(),)),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
model.fit(text.make_dataset(vectorizer, train_df.text, train_df.label, BATCH_SIZE, shuffle=True), epochs=BAG_EPOCHS,
          verbose=0)
return vectorizer, model
""",
        "the model never trained": """
vectorizer = keras.layers.TextVectorization(max_tokens=2 * MAX_TOKENS, ngrams=ngrams, output_mode="tf_idf")
vectorizer.adapt(np.asarray(train_texts))
model = keras.Sequential([keras.Input(shape=(vectorizer.vocabulary_size(),)),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
return vectorizer, model
""",
        "the vocabulary adapted on the lesson's training split, not the argument": """
vectorizer = keras.layers.TextVectorization(max_tokens=2 * MAX_TOKENS, ngrams=ngrams, output_mode="tf_idf")
vectorizer.adapt(train_df.text.to_numpy())
model = keras.Sequential([keras.Input(shape=(vectorizer.vocabulary_size(),)),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
model.fit(text.make_dataset(vectorizer, train_texts, train_labels, BATCH_SIZE, shuffle=True),
          epochs=BAG_EPOCHS, verbose=0)
return vectorizer, model
""",
        "counts instead of tf-idf": """
vectorizer = keras.layers.TextVectorization(max_tokens=2 * MAX_TOKENS, ngrams=ngrams, output_mode="count")
vectorizer.adapt(np.asarray(train_texts))
model = keras.Sequential([keras.Input(shape=(vectorizer.vocabulary_size(),)),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
model.fit(text.make_dataset(vectorizer, train_texts, train_labels, BATCH_SIZE, shuffle=True),
          epochs=BAG_EPOCHS, verbose=0)
return vectorizer, model
""",
        "the single-word bag's vocabulary size (max_tokens=MAX_TOKENS)": """
vectorizer = keras.layers.TextVectorization(max_tokens=MAX_TOKENS, ngrams=ngrams, output_mode="tf_idf")
vectorizer.adapt(np.asarray(train_texts))
model = keras.Sequential([keras.Input(shape=(vectorizer.vocabulary_size(),)),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
model.fit(text.make_dataset(vectorizer, train_texts, train_labels, BATCH_SIZE, shuffle=True),
          epochs=BAG_EPOCHS, verbose=0)
return vectorizer, model
""",
    },
}

# The most likely mistakes per exercise, and a phrase the check's hint must contain for each.
LIKELY = {
    1: {
        "padding counted as tokens": "counted the padding (id 0) as tokens",
        "adapted on the training and the measured sentences together": "adapted on the measured sentences too",
        "measured on the training sentences": "measured the training sentences",
    },
    2: {"precision and recall swapped": "swapped", "the threshold ignored (always 0.5)": "ignores the threshold"},
    3: {
        "one GRU only (the backward direction forgotten)": "backward GRU",
        "the Dense layer reads units, not 2 x units": "both directions",
        "one bias per gate (the reset_after=False count)": "one bias per gate",
    },
    4: {
        "trained on the validation sentences (they are data too)": "validation or test split",
        "trained on the training and validation sentences together": "validation or test split",
        "early stopping on the validation split, with the lesson's helpers": "through split_pipelines",
        "the lesson's training labels instead of the argument": "made-up labels",
        "single words only (the ngrams argument ignored)": "use the argument",
    },
}
