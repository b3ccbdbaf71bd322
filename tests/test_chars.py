"""Unit tests of utils.lessons.lesson07_chars (lesson 07).

Vocabulary, tf.data pipeline, stepping, generation, predictive text.

A tiny untrained-then-briefly-trained model keeps these fast (a few seconds in all).
"""

import math

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from utils.lessons.lesson07_chars import (  # noqa: E402
    CharVocabulary,
    GRUStepper,
    complete_word,
    current_word,
    generate,
    log_softmax,
    parallel_streams,
    predict_carrying_state,
    predict_resetting_state,
    sequence_dataset,
    softmax,
    stepper_for,
    top_k_next,
)

TEXT = "to be, or not to be: that is the question.\nwhether 'tis nobler in the mind to suffer\n" * 20


@pytest.fixture(scope="module")
def vocab():
    return CharVocabulary.from_text(TEXT)


def tiny_model(vocab_size, stacked=False):
    keras.utils.set_random_seed(0)
    grus = [keras.layers.GRU(12, return_sequences=True)]
    if stacked:
        grus += [keras.layers.Dropout(0.1), keras.layers.GRU(8, return_sequences=True)]
    return keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            keras.layers.Embedding(vocab_size, 6),
            *grus,
            keras.layers.Dense(vocab_size),
        ]
    )


@pytest.fixture(scope="module")
def model(vocab):
    model = tiny_model(len(vocab))
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(sequence_dataset(vocab.encode(TEXT), 30, 8, shuffle=True, seed=0), epochs=1, verbose=0)
    return model


# ---------------------------------------------------------------- vocabulary
def test_vocabulary_is_sorted_and_round_trips(vocab):
    assert list(vocab.chars) == sorted(set(TEXT))
    assert len(vocab) == len(set(TEXT))
    ids = vocab.encode("to be")
    assert ids.dtype == np.int32 and ids.tolist() == [vocab.chars.index(c) for c in "to be"]
    assert vocab.decode(vocab.encode(TEXT)) == TEXT
    assert vocab.decode([]) == ""


def test_empty_text_is_refused():
    with pytest.raises(ValueError, match="empty"):
        CharVocabulary.from_text("")
    with pytest.raises(TypeError, match="str"):
        CharVocabulary.from_text(["a", "b"])


def test_unknown_characters_are_named(vocab):
    with pytest.raises(ValueError, match=r"2 character\(s\) outside the vocabulary: 'Z', '€'"):
        vocab.encode("to Ze€Z")
    assert vocab.unknown("aZbZ€") == ["Z", "€"]


def test_decode_checks_the_id_range(vocab):
    with pytest.raises(ValueError, match="ids must lie in"):
        vocab.decode([0, len(vocab)])


def test_vocabulary_refuses_bad_tables():
    with pytest.raises(ValueError, match="twice"):
        CharVocabulary(("a", "a"))
    with pytest.raises(ValueError, match="single character"):
        CharVocabulary(("ab",))


# ---------------------------------------------------------------- tf.data pipeline
def test_sequence_dataset_targets_are_inputs_shifted(vocab):
    ids = vocab.encode(TEXT)
    batches = list(sequence_dataset(ids, 10, 4))
    x, y = (np.concatenate([b[i].numpy() for b in batches]) for i in (0, 1))
    assert x.shape[1] == y.shape[1] == 10 and all(b[0].shape == (4, 10) for b in batches)
    assert np.array_equal(x[:, 1:], y[:, :-1])
    # unshuffled chunks are consecutive, non-overlapping pieces of 11 characters
    assert np.array_equal(x[0], ids[:10]) and np.array_equal(y[0], ids[1:11])
    assert np.array_equal(x[1], ids[11:21])
    assert len(x) == (len(ids) // 11) // 4 * 4


def test_sequence_dataset_shuffles_reproducibly(vocab):
    ids = vocab.encode(TEXT)
    first = next(iter(sequence_dataset(ids, 10, 4, shuffle=True, seed=1)))[0].numpy()
    again = next(iter(sequence_dataset(ids, 10, 4, shuffle=True, seed=1)))[0].numpy()
    assert np.array_equal(first, again)
    assert not np.array_equal(first, next(iter(sequence_dataset(ids, 10, 4)))[0].numpy())


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"seq_length": 0, "batch_size": 4}, "seq_length must be a positive int"),
        ({"seq_length": 10, "batch_size": 2.5}, "batch_size must be a positive int"),
        ({"seq_length": 500, "batch_size": 8}, "fewer than one batch"),
    ],
)
def test_sequence_dataset_bad_sizes(vocab, kwargs, message):
    with pytest.raises(ValueError, match=message):
        sequence_dataset(vocab.encode(TEXT[:2000]), **kwargs)


def test_sequence_dataset_wants_ids_not_text():
    with pytest.raises(ValueError, match="1-D array of character ids"):
        sequence_dataset(np.array(list("abcdef" * 100)), 5, 2)


# ---------------------------------------------------------------- stepping the GRU
@pytest.mark.parametrize("stacked", [False, True])
def test_stepping_the_cells_matches_the_whole_model(vocab, stacked):
    model = tiny_model(len(vocab), stacked=stacked)
    ids = vocab.encode("whether 'tis nobler")
    whole = model.predict(ids[None], verbose=0)[0]
    stepper = GRUStepper(model)
    states, steps = stepper.zero_states(), []
    for i in ids:
        logits, states = stepper.step([i], states)
        steps.append(logits[0])
    np.testing.assert_allclose(np.array(steps), whole, atol=1e-5)
    last, _ = stepper.read(ids)
    np.testing.assert_allclose(last, whole[-1], atol=1e-5)


def test_parallel_streams_are_consecutive_pieces(vocab):
    ids = vocab.encode(TEXT)
    inputs, targets = parallel_streams(ids, 3, 10)
    length = (len(ids) - 1) // 30 * 10
    assert inputs.shape == targets.shape == (3, length)
    assert np.array_equal(inputs[:, 1:], targets[:, :-1])
    assert np.array_equal(inputs.ravel(), ids[: 3 * length])  # stream s continues stream s - 1
    with pytest.raises(ValueError, match="too few"):
        parallel_streams(ids[:20], 3, 10)


@pytest.mark.parametrize("stacked", [False, True])
def test_carrying_state_equals_reading_each_stream_at_once(vocab, stacked):
    model = tiny_model(len(vocab), stacked=stacked)
    inputs, _ = parallel_streams(vocab.encode(TEXT), 4, 15)
    carried = predict_carrying_state(model, inputs, 15)
    np.testing.assert_allclose(carried, model.predict(inputs, verbose=0), atol=1e-5)
    reset = predict_resetting_state(model, inputs, 15)
    np.testing.assert_allclose(reset[:, :15], carried[:, :15], atol=1e-5)  # the first chunk starts from zero anyway
    np.testing.assert_allclose(reset[1, 15:30], model.predict(inputs[1:2, 15:30], verbose=0)[0], atol=1e-5)
    assert not np.allclose(reset[:, 15:], carried[:, 15:], atol=1e-3)  # later chunks lose their context


def test_stepper_refuses_other_architectures(vocab):
    lstm = keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            keras.layers.Embedding(len(vocab), 4),
            keras.layers.LSTM(8, return_sequences=True),
            keras.layers.Dense(len(vocab)),
        ]
    )
    with pytest.raises(ValueError, match="is a LSTM"):
        GRUStepper(lstm)
    last_only = keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            keras.layers.Embedding(len(vocab), 4),
            keras.layers.GRU(8),
            keras.layers.Dense(len(vocab)),
        ]
    )
    with pytest.raises(ValueError, match="return_sequences=True"):
        GRUStepper(last_only)
    no_embedding = keras.Sequential(
        [keras.Input((None, 3)), keras.layers.GRU(8, return_sequences=True), keras.layers.Dense(len(vocab))]
    )
    with pytest.raises(ValueError, match="expected Embedding -> GRU"):
        GRUStepper(no_embedding)


def test_stepper_is_cached_per_model(model):
    assert stepper_for(model) is stepper_for(model)


# ---------------------------------------------------------------- temperature and generation
def test_softmax_and_temperature():
    logits = np.array([2.0, 1.0, 0.0])
    p = softmax(logits)
    np.testing.assert_allclose(p.sum(), 1.0)
    np.testing.assert_allclose(np.log(p), log_softmax(logits))
    assert softmax(logits, 0.5)[0] > p[0] > softmax(logits, 2.0)[0]  # lower temperature: sharper
    np.testing.assert_allclose(softmax(np.array([1000.0, 0.0])), [1.0, 0.0])  # no overflow


@pytest.mark.parametrize("temperature", [0, -1.0, float("nan"), float("inf")])
def test_bad_temperature(model, vocab, temperature):
    with pytest.raises(ValueError, match="temperature must be a positive number"):
        generate(model, "to be", 5, temperature, vocab=vocab)


def test_generate_carries_on_from_the_prefix(model, vocab):
    text = generate(model, "to be", 40, 0.8, vocab=vocab, seed=3)
    assert text.startswith("to be") and len(text) == 45
    assert set(text) <= set(vocab.chars)
    assert text == generate(model, "to be", 40, 0.8, vocab=vocab, seed=3)
    assert generate(model, "to be", 0, vocab=vocab) == "to be"


def test_generate_at_low_temperature_is_greedy(model, vocab):
    text = generate(model, "to be", 15, 1e-4, vocab=vocab, seed=0)
    whole = model.predict(vocab.encode(text[:-1])[None], verbose=0)[0]
    assert text[5:] == vocab.decode(whole[4:].argmax(axis=1))


def test_generate_bad_input_is_explained(model, vocab):
    with pytest.raises(ValueError, match="prefix is empty"):
        generate(model, "", 5, vocab=vocab)
    with pytest.raises(ValueError, match="prefix has 1 character\\(s\\) outside the vocabulary: 'X'"):
        generate(model, "to bX", 5, vocab=vocab)
    with pytest.raises(ValueError, match="n .* must be an int >= 0"):
        generate(model, "to be", -1, vocab=vocab)
    with pytest.raises(TypeError, match="prefix must be a str"):
        generate(model, None, 5, vocab=vocab)


# ---------------------------------------------------------------- predictive text
def test_top_k_next_is_sorted_and_matches_the_model(model, vocab):
    top = top_k_next(model, "to b", k=3, vocab=vocab)
    assert len(top) == 3 and all(c in vocab.chars for c, _ in top)
    probs = [p for _, p in top]
    assert probs == sorted(probs, reverse=True)
    whole = softmax(model.predict(vocab.encode("to b")[None], verbose=0)[0, -1])
    assert top[0][0] == vocab.chars[int(whole.argmax())]
    np.testing.assert_allclose(probs, np.sort(whole)[::-1][:3], atol=1e-5)


def test_top_k_bad_input(model, vocab):
    with pytest.raises(ValueError, match="k must be an int from 1"):
        top_k_next(model, "to b", k=0, vocab=vocab)
    with pytest.raises(ValueError, match="outside the vocabulary: 'Q'"):
        top_k_next(model, "Q", vocab=vocab)
    with pytest.raises(ValueError, match="prefix is empty"):
        top_k_next(model, "", vocab=vocab)


def test_current_word():
    assert current_word("to be or no") == "no"
    assert current_word("whether 'ti") == "'ti"
    assert current_word("to be ") == ""
    assert current_word("") == ""


def brute_force_best_completion(model, vocab, prefix, max_length):
    """Probability of every letter-only completion up to max_length (tiny alphabets only)."""
    letters = [c for c in vocab.chars if c.isalpha() or c == "'"]
    ends = [i for i, c in enumerate(vocab.chars) if not (c.isalpha() or c == "'")]
    best, frontier = ("", 0.0), [""]
    for length in range(max_length + 1):
        for word in frontier:
            if word or current_word(prefix):
                p = completion_probability(model, vocab, prefix, word, ends)
                if p > best[1]:
                    best = (word, p)
        frontier = [w + c for w in frontier for c in letters] if length < max_length else []
    return best


def completion_probability(model, vocab, prefix, word, ends=None):
    """P(the model writes `word` after `prefix`, then a character that ends the word)."""
    if ends is None:
        ends = [i for i, c in enumerate(vocab.chars) if not (c.isalpha() or c == "'")]
    probs = softmax(np.asarray(model(vocab.encode(prefix + word)[None]))[0])
    p_word = float(np.prod([probs[len(prefix) - 1 + j, vocab.ids[c]] for j, c in enumerate(word)]))
    return p_word * float(probs[len(prefix) - 1 + len(word), ends].sum())


def test_complete_word_finds_the_most_likely_completion(vocab):
    small = CharVocabulary(tuple(" ab"))
    model = tiny_model(len(small))
    for prefix in ("a", "ab ", "b"):
        word, p = complete_word(model, prefix, vocab=small, beam_width=8, max_length=3)
        expected_word, expected_p = brute_force_best_completion(model, small, prefix, 3)
        assert word == expected_word
        assert math.isclose(p, expected_p, rel_tol=1e-4)


def test_complete_word_returns_the_model_probability_of_its_word(model, vocab):
    prefix = "whether 'tis nob"
    word, p = complete_word(model, prefix, vocab=vocab, beam_width=4, max_length=4)
    assert all(c.isalpha() or c == "'" for c in word) and len(word) <= 4  # "" ends the word now
    # p is the model's own probability of that completion, and no rival is more likely
    assert math.isclose(p, completion_probability(model, vocab, prefix, word), rel_tol=1e-4)
    for rival in ("", "le", "ler", "l", "e", "o", "b"):
        if rival != word:
            assert completion_probability(model, vocab, prefix, rival) <= p * (1 + 1e-4), rival
    # after a space: a whole next word, scored the same way
    next_word, next_p = complete_word(model, "to be ", vocab=vocab, beam_width=4, max_length=4)
    assert len(next_word) >= 1
    assert math.isclose(next_p, completion_probability(model, vocab, "to be ", next_word), rel_tol=1e-4)


def test_complete_word_bad_input(model, vocab):
    with pytest.raises(ValueError, match="beam_width must be a positive int"):
        complete_word(model, "to b", vocab=vocab, beam_width=0)
    with pytest.raises(ValueError, match="prefix is empty"):
        complete_word(model, "", vocab=vocab)


# ---------------------------------------------------------------- one character table for 07 and 08
def test_lessons_07_and_08_share_one_character_table():
    from utils.core.chars import CharTable
    from utils.lessons.lesson08_seq2seq import PAD_ID, START_ID, CharTokenizer

    vocab, tokenizer = CharVocabulary.from_text("ba ab"), CharTokenizer.from_texts(["ba", "ab"])
    assert isinstance(vocab, CharTable) and isinstance(tokenizer, CharTable)
    assert CharVocabulary.encode is not CharTable.text_of  # each keeps its own API ...
    assert vocab.chars == (" ", "a", "b") and tokenizer.chars == ("a", "b")  # ... over the same table
    assert vocab.encode("ab").tolist() == [1, 2]  # id i is chars[i]
    assert tokenizer.encode("ab").tolist() == [2, 3]  # after PAD_ID and START_ID
    assert {PAD_ID, START_ID} == {0, 1} and tokenizer.vocab_size == 4 and len(vocab) == 3
    assert tokenizer.decode([START_ID, 2, 3, PAD_ID]) == "ab" and vocab.decode([2, 0, 1]) == "b a"
    with pytest.raises(ValueError, match="the tokenizer lists a character twice"):
        CharTokenizer(("a", "a"), 3)
