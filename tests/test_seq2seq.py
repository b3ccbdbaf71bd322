"""Unit tests of utils.lessons.lesson08_seq2seq (lesson 08) and of the written-dates dataset it reads.

Toy step functions stand in for trained models, so the decoding tests need no training.
"""

import itertools
import re

import numpy as np
import pytest

import utils
from utils.lessons.lesson08_seq2seq import (
    LENGTH_BUCKETS,
    PAD_ID,
    START_ID,
    CharTokenizer,
    beam_search,
    decoder_inputs,
    greedy_decode,
    seq2seq_dataset,
    sequence_scores,
    text_lengths,
)

TEXTS = ["3. März 2021", "3/3/21", "2021年3月3日", "Wednesday, March 3, 2021"]


@pytest.fixture(scope="module")
def tok():
    return CharTokenizer.from_texts(TEXTS)


# ---------------------------------------------------------------- tokenizer
def test_tokenizer_reserves_padding_and_start(tok):
    assert tok.chars == tuple(sorted(set("".join(TEXTS))))
    assert tok.vocab_size == len(tok.chars) + 2 and tok.max_length == len("Wednesday, March 3, 2021")
    ids = tok.encode("3/3/21")
    assert ids.dtype == np.int32 and ids.min() >= 2
    assert ids.tolist() == [tok.chars.index(c) + 2 for c in "3/3/21"]


def test_encode_decode_round_trip_and_padding(tok):
    batch = tok.encode_batch(TEXTS)
    assert batch.shape == (len(TEXTS), tok.max_length) and batch.dtype == np.int32
    assert (batch[1, len("3/3/21") :] == PAD_ID).all()
    assert tok.decode_batch(batch) == TEXTS
    assert tok.decode([START_ID, *tok.encode("3/3"), PAD_ID, PAD_ID]) == "3/3"
    assert text_lengths(batch).tolist() == [len(t) for t in TEXTS]


def test_unknown_characters_are_named(tok):
    with pytest.raises(ValueError, match=r"2 character\(s\) the model never saw: 'Z', '🎂'"):
        tok.encode("3 Z 2021 🎂Z")


def test_empty_and_too_long_inputs_are_refused(tok):
    with pytest.raises(ValueError, match="empty"):
        tok.encode("")
    with pytest.raises(ValueError, match=rf"25 characters, more than the {tok.max_length}"):
        tok.encode("Wednesday, March 3, 2021 ")
    with pytest.raises(ValueError, match="text number 1 is empty"):
        tok.encode_batch(["3/3/21", ""])
    with pytest.raises(TypeError, match="str"):
        tok.encode(2021)


def test_bad_tables_and_ids_are_refused(tok):
    with pytest.raises(ValueError, match="empty"):
        CharTokenizer.from_texts([])
    with pytest.raises(ValueError, match="every text is empty"):
        CharTokenizer.from_texts([""])
    with pytest.raises(TypeError, match="one str"):
        CharTokenizer.from_texts("3/3/21")
    with pytest.raises(ValueError, match="twice"):
        CharTokenizer(("a", "a"), 3)
    with pytest.raises(ValueError, match="max_length"):
        CharTokenizer(("a",), 0)
    with pytest.raises(ValueError, match="ids must lie in"):
        tok.decode([tok.vocab_size])


def test_decoder_inputs_shift_the_target_behind_the_start_token():
    targets = np.array([[5, 6, 7], [8, 9, 10]])
    np.testing.assert_array_equal(decoder_inputs(targets), [[START_ID, 5, 6], [START_ID, 8, 9]])
    with pytest.raises(ValueError, match="2-D array of integer ids"):
        decoder_inputs(np.array([5.0, 6.0]))


# ---------------------------------------------------------------- tf.data pipeline
def bucketed_rows(tok, n=300, seed=0):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, tok.max_length + 1, size=n)
    texts = ["".join(rng.choice(list(tok.chars), size=k)) for k in lengths]
    targets = rng.integers(2, 9, size=(n, 4)).astype(np.int32)
    return tok.encode_batch(texts), targets


def test_dataset_batches_similar_lengths_cut_to_the_longest(tok):
    pytest.importorskip("tensorflow")
    encoder_ids, targets = bucketed_rows(tok)
    dataset = seq2seq_dataset(encoder_ids, targets, batch_size=16, shuffle=True, seed=1)
    bounds = [0, *LENGTH_BUCKETS, tok.max_length]
    seen = []
    batches = list(dataset)
    assert len(dataset) == len(batches)
    for (enc, dec), target in batches:
        enc, dec, target = enc.numpy(), dec.numpy(), target.numpy()
        lengths = text_lengths(enc)
        assert enc.shape[1] == lengths.max()  # cut to the longest input of the batch
        bucket = np.searchsorted(LENGTH_BUCKETS, lengths)
        assert len(set(bucket)) == 1, f"a batch mixes length buckets: {sorted(set(lengths))}"
        assert lengths.max() <= bounds[bucket[0] + 1]
        np.testing.assert_array_equal(dec, decoder_inputs(target))
        seen += [(tuple(row[:n]), tuple(t)) for row, n, t in zip(enc, lengths, target)]
    expected = [(tuple(row[:n]), tuple(t)) for row, n, t in zip(encoder_ids, text_lengths(encoder_ids), targets)]
    assert sorted(seen) == sorted(expected)  # every pair once per epoch


def test_dataset_reshuffles_every_epoch(tok):
    pytest.importorskip("tensorflow")
    encoder_ids, targets = bucketed_rows(tok)
    dataset = seq2seq_dataset(encoder_ids, targets, batch_size=16, shuffle=True, seed=1)
    first, second = ([t.numpy().tolist() for _, t in dataset] for _ in range(2))
    assert first != second and sorted(sum(first, [])) == sorted(sum(second, []))


def test_dataset_refuses_bad_arguments(tok):
    pytest.importorskip("tensorflow")
    encoder_ids, targets = bucketed_rows(tok, n=10)
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        seq2seq_dataset(encoder_ids, targets, batch_size=0)
    with pytest.raises(ValueError, match="10 encoder_ids rows but 9 target_ids rows"):
        seq2seq_dataset(encoder_ids, targets[:9], batch_size=4)
    encoder_ids[3] = PAD_ID
    with pytest.raises(ValueError, match="all padding"):
        seq2seq_dataset(encoder_ids, targets, batch_size=4)


# ---------------------------------------------------------------- decoding
def markov_decoder(table):
    """A step function whose next-token log-probabilities depend on the last two tokens.

    The state holds the token before the last, so a decoder that does not reorder it goes wrong.
    """
    log_table = np.log(table)

    def step(tokens, state):
        (before,) = state
        return log_table[np.asarray(before), np.asarray(tokens)], (np.asarray(tokens),)

    def log_probability(sequence):
        context = [START_ID, START_ID, *sequence]
        return sum(log_table[context[i], context[i + 1], context[i + 2]] for i in range(len(sequence)))

    return step, log_probability


def random_table(seed, tokens=4):
    return np.random.default_rng(seed).dirichlet(np.full(tokens, 0.5), size=(tokens, tokens))


def test_greedy_decode_feeds_back_the_most_likely_token():
    table = random_table(0)
    step, _ = markov_decoder(table)
    ids = greedy_decode(step, (np.array([START_ID, START_ID]),), length=5)
    assert ids.shape == (2, 5) and ids.dtype == np.int32
    before, last = START_ID, START_ID
    for t in range(5):
        expected = int(np.argmax(table[before, last]))
        assert ids[0, t] == ids[1, t] == expected
        before, last = last, expected


def test_beam_of_one_is_greedy_and_a_wide_beam_is_exhaustive():
    for seed in range(6):
        step, log_probability = markov_decoder(random_table(seed))
        state = (np.array([START_ID]),)
        greedy = greedy_decode(step, state, length=4)[0]
        ids, total = beam_search(step, state, length=4, beam_width=1)
        np.testing.assert_array_equal(ids, greedy)
        assert np.isclose(total, log_probability(greedy))
        best = max(itertools.product(range(4), repeat=4), key=log_probability)
        ids, total = beam_search(step, state, length=4, beam_width=4**3)
        assert tuple(ids) == best and np.isclose(total, log_probability(best))


def test_beam_search_beats_greedy_when_the_first_choice_misleads():
    table = np.full((3, 3, 3), 1 / 3)
    table[START_ID, START_ID] = [0.46, 0.10, 0.44]  # greedy takes 0 first ...
    table[START_ID, 2] = [0.05, 0.05, 0.90]  # ... but after 2 the model is sure
    table[2, 2] = [0.05, 0.05, 0.90]
    step, log_probability = markov_decoder(table)
    state = (np.array([START_ID]),)
    assert greedy_decode(step, state, length=3)[0].tolist() == [0, 0, 0]
    ids, total = beam_search(step, state, length=3, beam_width=2)
    assert ids.tolist() == [2, 2, 2] and np.isclose(total, np.log(0.44 * 0.9 * 0.9))


def test_beam_width_below_one_and_batches_are_refused():
    step, _ = markov_decoder(random_table(0))
    for width in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match=r"beam_width must be a positive int \(1 is greedy decoding\)"):
            beam_search(step, (np.array([START_ID]),), length=3, beam_width=width)
    with pytest.raises(ValueError, match="one input at a time"):
        beam_search(step, (np.array([START_ID, START_ID]),), length=3, beam_width=2)
    with pytest.raises(ValueError, match="tuple of arrays"):
        greedy_decode(step, np.array([START_ID]), length=3)
    with pytest.raises(ValueError, match="length must be a positive int"):
        greedy_decode(step, (np.array([START_ID]),), length=0)


def test_log_softmax_is_a_stable_log_distribution():
    from utils.core.probability import log_softmax

    out = log_softmax(np.array([[1000.0, 1000.0, 0.0], [1.0, 2.0, 3.0]]))
    np.testing.assert_allclose(np.exp(out).sum(axis=1), 1.0)
    assert np.isclose(out[0, 0], np.log(0.5))


def test_sequence_scores():
    target = np.array([[1, 2, 3], [4, 5, 6]])
    scores = sequence_scores(np.array([[1, 2, 3], [4, 0, 6]]), target)
    assert scores == {"exact match": 0.5, "per-character accuracy": 5 / 6}
    with pytest.raises(ValueError, match="same shape"):
        sequence_scores(target[:, :2], target)


# ---------------------------------------------------------------- the dataset
@pytest.fixture(scope="module")
def dates():
    return utils.load_written_dates()


def test_written_dates_shape_and_splits(dates):
    assert dates.shape == (40_000, 5)
    assert list(dates.columns) == ["split", "locale", "style", "text", "iso"]
    assert dates["split"].value_counts().to_dict() == {"train": 32_000, "validation": 4_000, "test": 4_000}
    assert dates["locale"].nunique() == 18
    assert set(dates["style"]) == {"full", "long", "medium", "short", "yMMMEd", "yMd"}
    days = {name: set(part["iso"].str[:10]) for name, part in dates.groupby("split")}
    assert not days["train"] & days["test"] and not days["train"] & days["validation"]
    assert not days["validation"] & days["test"]
    assert len(utils.load_written_dates("test")) == 4_000


def test_written_dates_are_bounded_and_determine_their_answer(dates):
    assert dates["text"].str.len().between(1, 48).all()
    assert dates["iso"].str.fullmatch(r"(19[5-9]\d|20[0-4]\d)-\d\d-\d\dT([01]\d|2[0-3]):[0-5]\d").all()
    assert (dates.groupby("text")["iso"].nunique() == 1).all()  # one string, one moment
    tagged = dates[dates["text"].str.contains(": ")]
    assert 0 < len(tagged) < len(dates) / 4
    tags = tagged["text"].str.split(": ").str[0]
    assert (tags == tagged["locale"].str.replace("_", "-")).all()
    assert not dates["text"].str.contains("\u00a0|\u202f").any()  # typed spaces only


def test_written_dates_examples_and_bad_split(dates):
    assert re.search(r"\d\. März \d{4}, \d\d:\d\d", " ".join(dates.loc[dates["locale"] == "de_DE", "text"]))
    assert re.search(r"\d:\d\d PM", " ".join(dates.loc[dates["locale"] == "en_US", "text"]))
    assert dates.query("locale == 'en_US' and style == 'short'")["text"].str.startswith("en-US: ").all()
    with pytest.raises(ValueError, match="unknown split 'dev'"):
        utils.load_written_dates("dev")


def test_attention_mask_shaped_like_the_scores_ignores_padding_row_by_row():
    """Lesson 08's portable mask: (batch, 1, keys), which every supported Keras accepts (3.5-3.11
    do not add the middle axis to a (batch, keys) mask). Each row must see only its own keys."""
    import keras

    rng = np.random.default_rng(0)
    queries = rng.normal(size=(3, 4, 6)).astype("float32")
    keys = rng.normal(size=(3, 7, 6)).astype("float32")
    lengths = [7, 3, 5]
    keep = np.arange(7)[None, :] < np.array(lengths)[:, None]
    attention = keras.layers.Attention()
    batched = np.asarray(attention([queries, keys], mask=[None, keep[:, None, :]]))
    for row, length in enumerate(lengths):
        alone = np.asarray(attention([queries[row : row + 1], keys[row : row + 1, :length]]))
        np.testing.assert_allclose(batched[row], alone[0], atol=1e-6)


# ---------------------------------------------------------------- second pass: bridges, search, alignment, latency
from utils.lessons.lesson08_seq2seq import (  # noqa: E402
    alignment_hits,
    choose_learning_rate,
    epochs_to_reach,
    field_spans,
    milliseconds,
    state_at_every_step,
)


def test_state_at_every_step_attaches_the_state_after_each_embedding():
    rng = np.random.default_rng(0)
    embedded, state = rng.normal(size=(2, 3, 4)).astype("float32"), rng.normal(size=(2, 5)).astype("float32")
    joined = np.asarray(state_at_every_step(embedded, state))
    assert joined.shape == (2, 3, 9)
    for b, t in itertools.product(range(2), range(3)):
        assert np.allclose(joined[b, t], np.concatenate([embedded[b, t], state[b]]))


def test_choose_learning_rate_finished_and_unfinished():
    rate, table, finished = choose_learning_rate(lambda r: (np.log10(r) + 2.5) ** 2, [1e-3, 3e-3, 1e-2])
    assert finished and rate == 3e-3 and len(table) == 3
    rate, table, finished = choose_learning_rate(lambda r: -r, [1e-3, 3e-3, 1e-2], max_widenings=1)
    assert not finished and rate == table.index.max() and len(table) == 4


def test_choose_learning_rate_refuses_a_bad_grid_and_all_diverged():
    with pytest.raises(ValueError, match="at least 3"):
        choose_learning_rate(lambda r: r, [1e-3, 1e-2])
    with pytest.raises(ValueError, match="diverged"):
        choose_learning_rate(lambda r: float("nan"), [1e-3, 3e-3, 1e-2], max_widenings=0)


def test_epochs_to_reach():
    assert epochs_to_reach([0.1, 0.95, 0.97], 0.9) == 2
    assert epochs_to_reach([0.1, 0.5], 0.9) is None
    with pytest.raises(ValueError, match="per-epoch values"):
        epochs_to_reach([], 0.9)


def test_field_spans_matches_unambiguous_digit_runs():
    text = "19 Apr 1952, 12:13"
    spans = field_spans(text, "1952-04-19T12:13")
    assert {text[slice(*spans[p])] for p in range(4)} == {"1952"}
    assert text[slice(*spans[8])] == "19" and text[slice(*spans[11])] == "12" and text[slice(*spans[15])] == "13"
    assert 5 not in spans  # the month is a name


def test_field_spans_leaves_out_ambiguous_runs_and_twelve_hour_clocks_count():
    spans = field_spans("5.5.2021, 2:05 PM", "2021-05-05T14:05")
    assert 5 not in spans and 8 not in spans  # "5" could be the day or the month (or the minute's value)
    assert set(range(4)) <= set(spans)
    spans = field_spans("3/4/21, 2:30 PM", "2021-03-04T14:30")
    assert spans[11] == (8, 9) and spans[2] == (4, 6) and 0 not in spans  # the century is not in the input
    with pytest.raises(ValueError, match="iso must look like"):
        field_spans("3/4/21", "2021-03-04")


def test_alignment_hits_counts_the_largest_weight_on_the_span():
    text, iso = "19 Apr 1952, 12:13", "1952-04-19T12:13"
    weights = np.full((16, len(text)), 0.01)
    for position, (start, _end) in field_spans(text, iso).items():
        weights[position, start] = 1.0
    hits, counted, chance = alignment_hits(weights, text, iso)
    assert hits == counted == 10 and 0 < chance < counted
    hits, _, _ = alignment_hits(np.eye(16, len(text)), text, iso)
    assert hits < 10
    with pytest.raises(ValueError, match="one row per answer character"):
        alignment_hits(np.ones((15, len(text))), text, iso)


def test_milliseconds_times_each_call_after_the_warm_up():
    calls = []
    times = milliseconds(lambda: calls.append(1), repeats=4, warmup=2)
    assert len(calls) == 6 and times.shape == (4,) and (times >= 0).all()
    with pytest.raises(ValueError, match="repeats"):
        milliseconds(lambda: None, repeats=0)
