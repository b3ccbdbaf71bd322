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
    4: {
        "single words only (ngrams not set)": """
bigram_vectorizer = keras.layers.TextVectorization(max_tokens=2 * MAX_TOKENS, output_mode="tf_idf")
bigram_vectorizer.adapt(train_df.text.to_numpy())
train_pairs, val_pairs, test_pairs = split_pipelines(bigram_vectorizer)
utils.set_seed(SEEDS[0])
bigram_model = keras.Sequential([keras.Input(shape=(bigram_vectorizer.vocabulary_size(),)),
                                 keras.layers.Dense(1, activation="sigmoid")], name="bag_of_bigrams")
train_classifier(bigram_model, train_pairs, val_pairs)
predicted = text.predict_sentiment(bigram_model, bigram_vectorizer, val_df.text) >= 0.5
bigram_val_accuracy = float(np.mean(predicted == val_df.label.to_numpy()))
""",
        "the vocabulary adapted on the training and validation sentences": """
bigram_vectorizer = keras.layers.TextVectorization(max_tokens=2 * MAX_TOKENS, ngrams=2, output_mode="tf_idf")
bigram_vectorizer.adapt(np.concatenate([train_df.text.to_numpy(), val_df.text.to_numpy()]))
train_pairs, val_pairs, test_pairs = split_pipelines(bigram_vectorizer)
utils.set_seed(SEEDS[0])
bigram_model = keras.Sequential([keras.Input(shape=(bigram_vectorizer.vocabulary_size(),)),
                                 keras.layers.Dense(1, activation="sigmoid")], name="bag_of_bigrams")
train_classifier(bigram_model, train_pairs, val_pairs)
predicted = text.predict_sentiment(bigram_model, bigram_vectorizer, val_df.text) >= 0.5
bigram_val_accuracy = float(np.mean(predicted == val_df.label.to_numpy()))
""",
        "the accuracy measured on the test split": """
bigram_vectorizer = keras.layers.TextVectorization(max_tokens=2 * MAX_TOKENS, ngrams=2, output_mode="tf_idf")
bigram_vectorizer.adapt(train_df.text.to_numpy())
train_pairs, val_pairs, test_pairs = split_pipelines(bigram_vectorizer)
utils.set_seed(SEEDS[0])
bigram_model = keras.Sequential([keras.Input(shape=(bigram_vectorizer.vocabulary_size(),)),
                                 keras.layers.Dense(1, activation="sigmoid")], name="bag_of_bigrams")
train_classifier(bigram_model, train_pairs, val_pairs)
predicted = text.predict_sentiment(bigram_model, bigram_vectorizer, test_df.text) >= 0.5
bigram_val_accuracy = float(np.mean(predicted == test_df.label.to_numpy()))
""",
        "the accuracy measured on the training split": """
bigram_vectorizer = keras.layers.TextVectorization(max_tokens=2 * MAX_TOKENS, ngrams=2, output_mode="tf_idf")
bigram_vectorizer.adapt(train_df.text.to_numpy())
train_pairs, val_pairs, test_pairs = split_pipelines(bigram_vectorizer)
utils.set_seed(SEEDS[0])
bigram_model = keras.Sequential([keras.Input(shape=(bigram_vectorizer.vocabulary_size(),)),
                                 keras.layers.Dense(1, activation="sigmoid")], name="bag_of_bigrams")
train_classifier(bigram_model, train_pairs, val_pairs)
predicted = text.predict_sentiment(bigram_model, bigram_vectorizer, train_df.text) >= 0.5
bigram_val_accuracy = float(np.mean(predicted == train_df.label.to_numpy()))
""",
        "the model never trained": """
bigram_vectorizer = keras.layers.TextVectorization(max_tokens=2 * MAX_TOKENS, ngrams=2, output_mode="tf_idf")
bigram_vectorizer.adapt(train_df.text.to_numpy())
bigram_model = keras.Sequential([keras.Input(shape=(bigram_vectorizer.vocabulary_size(),)),
                                 keras.layers.Dense(1, activation="sigmoid")], name="bag_of_bigrams")
bigram_model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
predicted = text.predict_sentiment(bigram_model, bigram_vectorizer, val_df.text) >= 0.5
bigram_val_accuracy = float(np.mean(predicted == val_df.label.to_numpy()))
""",
        "the predictions thresholded at the wrong side (P < 0.5 called positive)": """
bigram_vectorizer = keras.layers.TextVectorization(max_tokens=2 * MAX_TOKENS, ngrams=2, output_mode="tf_idf")
bigram_vectorizer.adapt(train_df.text.to_numpy())
train_pairs, val_pairs, test_pairs = split_pipelines(bigram_vectorizer)
utils.set_seed(SEEDS[0])
bigram_model = keras.Sequential([keras.Input(shape=(bigram_vectorizer.vocabulary_size(),)),
                                 keras.layers.Dense(1, activation="sigmoid")], name="bag_of_bigrams")
train_classifier(bigram_model, train_pairs, val_pairs)
predicted = text.predict_sentiment(bigram_model, bigram_vectorizer, val_df.text) < 0.5
bigram_val_accuracy = float(np.mean(predicted == val_df.label.to_numpy()))
""",
        "the vocabulary size of the single-word bag (max_tokens=MAX_TOKENS)": """
bigram_vectorizer = keras.layers.TextVectorization(max_tokens=MAX_TOKENS, ngrams=2, output_mode="tf_idf")
bigram_vectorizer.adapt(train_df.text.to_numpy())
train_pairs, val_pairs, _ = split_pipelines(bigram_vectorizer)
utils.set_seed(SEEDS[0])
bigram_model = keras.Sequential([keras.Input(shape=(bigram_vectorizer.vocabulary_size(),)),
                                 keras.layers.Dense(1, activation="sigmoid")], name="bag_of_bigrams")
train_classifier(bigram_model, train_pairs, val_pairs)
predicted = text.predict_sentiment(bigram_model, bigram_vectorizer, val_df.text) >= 0.5
bigram_val_accuracy = float(np.mean(predicted == val_df.label.to_numpy()))
""",
        "counts instead of tf-idf": """
bigram_vectorizer = keras.layers.TextVectorization(max_tokens=2 * MAX_TOKENS, ngrams=2, output_mode="count")
bigram_vectorizer.adapt(train_df.text.to_numpy())
train_pairs, val_pairs, _ = split_pipelines(bigram_vectorizer)
utils.set_seed(SEEDS[0])
bigram_model = keras.Sequential([keras.Input(shape=(bigram_vectorizer.vocabulary_size(),)),
                                 keras.layers.Dense(1, activation="sigmoid")], name="bag_of_bigrams")
train_classifier(bigram_model, train_pairs, val_pairs)
predicted = text.predict_sentiment(bigram_model, bigram_vectorizer, val_df.text) >= 0.5
bigram_val_accuracy = float(np.mean(predicted == val_df.label.to_numpy()))
""",
    },
}
