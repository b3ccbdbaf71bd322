"""Unit tests of utils.lessons.lesson06_text (lesson 06's helpers: splitting, vectorising, evaluating sentences)."""

import numpy as np
import pandas as pd
import pytest

from utils.lessons.lesson06_text import (
    OOV_ID,
    PAD_ID,
    build_vectorizer,
    check_binary_labels,
    check_texts,
    confusion_matrix,
    majority_baseline,
    make_dataset,
    move_padding_to_front,
    oov_rate,
    predict_sentiment,
    stratified_split,
    token_counts,
    vectorize,
)

TRAIN = ["a good film", "a good good cast", "a bad film", "bad bad acting", "a film"]


def labelled_frame(n_negative: int = 60, n_positive: int = 40) -> pd.DataFrame:
    labels = [0] * n_negative + [1] * n_positive
    texts = [f"sentence {i}" for i in range(len(labels))]
    return pd.DataFrame({"id": range(len(labels)), "label": labels, "text": texts})


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "texts, error, words",
    [
        ([], ValueError, "is empty"),
        ("a single sentence", TypeError, "wrap it"),
        (["fine", "   "], ValueError, "texts[1] is blank"),
        (["fine", ""], ValueError, "texts[1] is blank"),
        (["fine", float("nan")], TypeError, "missing value (NaN)"),
        (["fine", 3], TypeError, "texts[1] is int"),
        (np.array([["a"], ["b"]]), ValueError, "one-dimensional"),
        (42, TypeError, "got int"),
    ],
    ids=["empty", "bare-string", "blank", "empty-string", "nan", "number", "2d", "not-a-collection"],
)
def test_bad_texts_get_a_clear_error(texts, error, words):
    with pytest.raises(error) as info:
        check_texts(texts)
    assert words in str(info.value)


def test_check_texts_accepts_lists_arrays_series_and_bytes():
    assert check_texts(pd.Series(["a", "b"])) == ["a", "b"]
    assert check_texts(np.array(["a", "b"], dtype=object)) == ["a", "b"]
    assert check_texts((b"caf\xc3\xa9",)) == ["café"]


@pytest.mark.parametrize(
    "labels, error, words",
    [
        ([0, 1, 2], ValueError, "found [2]"),
        ([-1, 1], ValueError, "found [-1]"),
        ([0.5, 1.0], ValueError, "found [0.5]"),
        (["pos", "neg"], TypeError, "numbers 0 and 1"),
        ([], ValueError, "is empty"),
        ([[0, 1]], ValueError, "one-dimensional"),
    ],
    ids=["two", "minus-one", "fraction", "strings", "empty", "2d"],
)
def test_labels_other_than_0_and_1_are_refused(labels, error, words):
    with pytest.raises(error) as info:
        check_binary_labels(labels)
    assert words in str(info.value)
    assert "labels" in str(info.value)


def test_binary_labels_pass_as_int64():
    out = check_binary_labels(np.array([True, False, True]))
    assert out.dtype == np.int64 and out.tolist() == [1, 0, 1]
    assert check_binary_labels([0.0, 1.0]).tolist() == [0, 1]


# ---------------------------------------------------------------- stratified split
def test_split_keeps_sizes_balance_and_is_disjoint():
    df = labelled_frame(600, 400)
    train, val, test = stratified_split(df, train=0.8, val=0.1, seed=1)
    assert (len(train), len(val), len(test)) == (800, 100, 100)
    for part in (train, val, test):
        assert part.label.mean() == pytest.approx(0.4)
    ids = [set(part.id) for part in (train, val, test)]
    assert not ids[0] & ids[1] and not ids[0] & ids[2] and not ids[1] & ids[2]
    assert set().union(*ids) == set(df.id)


def test_split_is_reproducible_and_shuffled():
    df = labelled_frame()
    first, second = stratified_split(df, seed=3), stratified_split(df, seed=3)
    for a, b in zip(first, second):
        pd.testing.assert_frame_equal(a, b)
    other = stratified_split(df, seed=4)[0]
    assert not first[0].id.equals(other.id)
    assert first[0].label.diff().abs().sum() > 2  # classes are mixed, not in two blocks


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"train": 0.9, "val": 0.1}, ValueError, "leaves nothing for the test split"),
        ({"train": 0.8, "val": 0.3}, ValueError, "leaves nothing for the test split"),
        ({"train": 0.0, "val": 0.1}, ValueError, "train must be a fraction between 0 and 1"),
        ({"train": 80, "val": 10}, ValueError, "train must be a fraction between 0 and 1"),
        ({"train": 0.8, "val": -0.1}, ValueError, "val must be a fraction between 0 and 1"),
        ({"label": "sentiment"}, KeyError, "no label column 'sentiment'"),
    ],
    ids=["sum-is-one", "sum-above-one", "zero-train", "percent", "negative-val", "no-column"],
)
def test_split_refuses_bad_fractions_and_columns(kwargs, error, words):
    with pytest.raises(error) as info:
        stratified_split(labelled_frame(), **kwargs)
    assert words in str(info.value)


def test_split_refuses_bad_labels_and_tiny_classes():
    with pytest.raises(ValueError, match=r"column 'label' must be 0 \(negative\) or 1"):
        stratified_split(labelled_frame().assign(label=lambda df: df.label * 2))
    with pytest.raises(ValueError, match="class 1 has 2 row"):
        stratified_split(labelled_frame(50, 2))
    with pytest.raises(TypeError, match="DataFrame"):
        stratified_split([("a", 1)])


# ---------------------------------------------------------------- vectorising
def test_vectorizer_learns_from_training_texts_only():
    vec = build_vectorizer(TRAIN, sequence_length=6)
    vocabulary = vec.get_vocabulary()
    assert vocabulary[PAD_ID] == "" and vocabulary[OOV_ID] == "[UNK]"
    assert vocabulary[2] == "a" and set(vocabulary[3:6]) == {"good", "bad", "film"}  # most frequent first
    ids = vectorize(vec, ["A GOOD, unseen film!"])
    assert ids.shape == (1, 6)
    assert ids[0, 2] == OOV_ID  # 'unseen' never occurred in training
    assert ids[0, 4:].tolist() == [PAD_ID, PAD_ID]  # padding at the end
    assert oov_rate(ids) == pytest.approx(1 / 4)


def test_max_tokens_caps_the_vocabulary_and_lengths_are_counted():
    assert build_vectorizer(TRAIN, max_tokens=4).vocabulary_size() == 4
    counts = token_counts(build_vectorizer(TRAIN), ["a good film", "bad", "new words here too"])
    assert counts.tolist() == [3, 1, 4]
    with pytest.raises(ValueError, match="sequence_length=None"):
        token_counts(build_vectorizer(TRAIN, sequence_length=5), ["a film"])


def test_tf_idf_vectorizer_ignores_word_order():
    bow = build_vectorizer(TRAIN, output_mode="tf_idf")
    rows = vectorize(bow, ["good film a", "a film good", "bad film"])
    assert rows.shape == (3, bow.vocabulary_size())
    np.testing.assert_allclose(rows[0], rows[1])
    assert not np.allclose(rows[0], rows[2])


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"output_mode": "words"}, "output_mode must be one of"),
        ({"max_tokens": 2}, "max_tokens must be an int >= 3 (padding, [UNK] and a word) or None"),
        ({"sequence_length": 0}, "sequence_length must be a positive int or None"),
        ({"output_mode": "tf_idf", "sequence_length": 10}, "only applies to output_mode='int'"),
    ],
    ids=["mode", "max-tokens", "length", "length-with-tf-idf"],
)
def test_build_vectorizer_refuses_bad_settings(kwargs, words):
    with pytest.raises(ValueError) as info:
        build_vectorizer(TRAIN, **kwargs)
    assert words in str(info.value)


def test_build_vectorizer_refuses_empty_training_texts():
    with pytest.raises(ValueError, match="train_texts is empty"):
        build_vectorizer([])
    with pytest.raises(ValueError, match=r"train_texts\[1\] is blank"):
        build_vectorizer(["a film", " "])


def test_oov_rate_needs_tokens():
    with pytest.raises(ValueError, match="all padding"):
        oov_rate(np.zeros((2, 3), dtype=int))


def test_move_padding_to_front_keeps_word_order():
    ids = np.array([[5, 6, 7, 0, 0], [8, 0, 0, 0, 0], [2, 3, 4, 5, 6]])
    moved = np.asarray(move_padding_to_front(ids))
    assert moved.tolist() == [[0, 0, 5, 6, 7], [0, 0, 0, 0, 8], [2, 3, 4, 5, 6]]
    with pytest.raises(ValueError, match=r"shape \(batch, length\)"):
        move_padding_to_front(np.array([1, 2, 0]))


# ---------------------------------------------------------------- pipelines and models
def test_make_dataset_vectorises_batches_and_checks_lengths():
    vec = build_vectorizer(TRAIN, sequence_length=4)
    batches = list(make_dataset(vec, TRAIN, [1, 1, 0, 0, 1], batch_size=2))
    assert [tuple(x.shape) for x, _ in batches] == [(2, 4), (2, 4), (1, 4)]
    assert np.concatenate([y.numpy() for _, y in batches]).tolist() == [1, 1, 0, 0, 1]
    np.testing.assert_array_equal(batches[0][0].numpy(), vectorize(vec, TRAIN[:2]))
    unlabelled = list(make_dataset(vec, TRAIN, batch_size=5))
    assert len(unlabelled) == 1 and unlabelled[0].shape == (5, 4)
    with pytest.raises(ValueError, match="got 5 texts but 4 labels"):
        make_dataset(vec, TRAIN, [1, 1, 0, 0])
    with pytest.raises(ValueError, match="must be 0 .negative. or 1"):
        make_dataset(vec, TRAIN, [1, 1, 0, 0, 3])
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        make_dataset(vec, TRAIN, batch_size=0)


def test_shuffled_dataset_is_reproducible_with_a_seed():
    vec = build_vectorizer(TRAIN, sequence_length=4)
    order = [
        np.concatenate([x.numpy()[:, 0] for x, _ in make_dataset(vec, TRAIN, [0] * 5, 2, shuffle=True, seed=7)])
        for _ in range(2)
    ]
    np.testing.assert_array_equal(order[0], order[1])


def test_predict_sentiment_gives_one_probability_per_text():
    import keras

    vec = build_vectorizer(TRAIN, sequence_length=4)
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1, activation="sigmoid")])
    single = predict_sentiment(model, vec, "a good film")
    several = predict_sentiment(model, vec, ["a good film", "bad acting", "a film"])
    assert single.shape == (1,) and several.shape == (3,)
    assert np.all((several > 0) & (several < 1))
    np.testing.assert_allclose(single[0], several[0], rtol=1e-6)
    with pytest.raises(ValueError, match="is blank"):
        predict_sentiment(model, vec, "  ")
    with pytest.raises(ValueError, match="is empty"):
        predict_sentiment(model, vec, [])
    two_outputs = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="one sigmoid output"):
        predict_sentiment(two_outputs, vec, ["a film"])


# ---------------------------------------------------------------- evaluating
def test_majority_baseline_uses_the_training_majority():
    assert majority_baseline([0, 0, 1], [1, 1, 0, 1]) == (0, 0.25)
    assert majority_baseline([1, 1, 0], [1, 1, 0, 1]) == (1, 0.75)
    with pytest.raises(ValueError, match="eval_labels must be 0"):
        majority_baseline([0, 1], [0, 2])


def test_confusion_matrix_counts_rows_true_columns_predicted():
    table = confusion_matrix([0, 0, 1, 1, 1], [0, 1, 1, 1, 0])
    assert table.to_numpy().tolist() == [[1, 1], [1, 2]]
    assert list(table.index) == ["true negative", "true positive"]
    assert list(table.columns) == ["predicted negative", "predicted positive"]
    with pytest.raises(ValueError, match="same length"):
        confusion_matrix([0, 1], [0])
    with pytest.raises(ValueError, match="predicted must be 0"):
        confusion_matrix([0, 1], [0, 0.7])


# ---------------------------------------------------------------- what a recipe reads (Exercise 4's check)
HELD_OUT_TEXTS = ["a held-out sentence"]


def _helper_reading_held_out():
    return HELD_OUT_TEXTS


def _recipe_through_a_helper(train_texts):
    return [len(t) for t in train_texts] + [len(t) for t in _helper_reading_held_out()]


def _recipe_reading_directly(train_texts):
    return sorted(train_texts + HELD_OUT_TEXTS)


def _honest_recipe(train_texts):
    return sorted(train_texts, key=lambda t: len(t))


def test_names_read_by_finds_direct_and_indirect_reads():
    from utils.lessons.lesson06_text import names_read_by

    assert names_read_by(_recipe_reading_directly)["HELD_OUT_TEXTS"] == ""
    through = names_read_by(_recipe_through_a_helper)
    assert through["HELD_OUT_TEXTS"] == "_helper_reading_held_out"
    assert "HELD_OUT_TEXTS" not in names_read_by(_recipe_through_a_helper, follow=False)
    assert "HELD_OUT_TEXTS" not in names_read_by(_honest_recipe)
    assert "np" not in names_read_by(_honest_recipe)  # library code is not followed into


def test_names_read_by_refuses_what_is_not_a_function():
    from utils.lessons.lesson06_text import names_read_by

    with pytest.raises(TypeError, match="defined with def"):
        names_read_by(print)
