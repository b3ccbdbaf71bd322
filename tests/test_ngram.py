"""Unit tests of lesson 07's n-gram baseline (utils.lessons.lesson07_chars: fit_ngram, NGramModel, char_scores).

The model is checked against a direct, loop-by-loop implementation of interpolated
Kneser-Ney on a small text, and for the properties any language model must have.
"""

import math
from collections import Counter, defaultdict

import numpy as np
import pytest

from utils.lessons.lesson07_chars import char_scores, fit_ngram

TEXT = "to be, or not to be: that is the question. whether 'tis nobler in the mind to suffer " * 3
CHARS = sorted(set(TEXT))
V = len(CHARS)
IDS = np.array([CHARS.index(c) for c in TEXT])


def brute_force_kneser_ney(train: list[int], history: tuple, order: int, vocab_size: int) -> np.ndarray:
    """P(w | the last order-1 ids of `history`) by the textbook recursion, one dictionary per level."""
    raw, preceding = defaultdict(Counter), defaultdict(set)
    for k in range(1, order + 1):
        for i in range(len(train) - k + 1):
            gram = tuple(train[i : i + k])
            raw[k][gram] += 1
            if i > 0:
                preceding[gram].add(train[i - 1])
    continuation = {k: Counter({g: len(preceding[g]) for g in raw[k] if preceding[g]}) for k in range(1, order)}

    def discount(counts):
        n1 = sum(1 for c in counts.values() if c == 1)
        n2 = sum(1 for c in counts.values() if c == 2)
        return min(max(n1 / (n1 + 2 * n2), 0.05), 0.95) if n1 + n2 else 0.5

    available = tuple(history)[-(order - 1) :] if order > 1 else ()

    def prob(k):
        """Level k: counts of the last k - 1 ids (raw at the top, continuation below), then level k - 1."""
        if k == 0:
            return np.full(vocab_size, 1 / vocab_size)
        lower = prob(k - 1)
        if len(available) < k - 1:  # the text has fewer ids before this position
            return lower
        context = available[len(available) - (k - 1) :] if k > 1 else ()
        counts = raw[k] if k == order else continuation[k]
        follow = {g[-1]: c for g, c in counts.items() if g[:-1] == context}
        total = sum(follow.values())
        if total == 0:  # a context never seen: all of it from the shorter one
            return lower
        d = discount(counts)
        result = lower * d * len(follow) / total
        for w, c in follow.items():
            result[w] += max(c - d, 0) / total
        return result

    return prob(order)


@pytest.fixture(scope="module")
def model():
    return fit_ngram(IDS[:150], 4, V)


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_matches_the_textbook_recursion(model, order):
    positions = np.array([3, 10, 40, 151, 160, len(IDS) - 1])
    probs = model.probabilities(IDS, positions, order)
    for row, p in zip(probs, positions):
        expected = brute_force_kneser_ney(IDS[:150].tolist(), tuple(IDS[max(0, p - order + 1) : p].tolist()), order, V)
        np.testing.assert_allclose(row, expected, rtol=1e-10, atol=1e-12)


def test_every_order_gives_distributions_with_nothing_impossible(model):
    positions = np.arange(1, len(IDS))
    orders = []
    for order, probs in model.probabilities_by_order(IDS, positions):
        orders.append(order)
        assert probs.shape == (len(positions), V)
        np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-12)
        assert probs.min() > 0
        np.testing.assert_array_equal(probs, model.probabilities(IDS, positions, order))
    assert orders == [1, 2, 3, 4]


def test_longer_contexts_predict_a_repeated_text_better():
    train = IDS[: 2 * len(IDS) // 3]
    ngram = fit_ngram(train, 5, V)
    positions = np.arange(len(train), len(IDS))  # the last third repeats what was seen
    bits = {
        order: char_scores(probs, IDS[positions])["bits"].mean()
        for order, probs in ngram.probabilities_by_order(IDS, positions)
    }
    assert bits[1] > bits[2] > bits[3] > bits[5]
    assert bits[1] < math.log2(V)  # character frequencies beat a uniform guess


@pytest.mark.parametrize("order", [2, 4])
def test_unseen_contexts_and_the_first_positions_back_off(model, order):
    comma = CHARS.index(",")
    ids = np.concatenate([IDS, [comma, comma, comma, IDS[5]]])  # ',,,' never occurs in the training text
    positions = np.array([0, 1, 2, len(ids) - 1])
    probs = model.probabilities(ids, positions, order)
    for row, p in zip(probs, positions):
        expected = brute_force_kneser_ney(IDS[:150].tolist(), tuple(ids[max(0, p - order + 1) : p].tolist()), order, V)
        np.testing.assert_allclose(row, expected, rtol=1e-10, atol=1e-12)


def test_char_scores():
    probs = np.array([[0.7, 0.2, 0.1], [0.25, 0.5, 0.25]])
    scores = char_scores(probs, np.array([0, 2]))
    np.testing.assert_array_equal(scores["correct"], [1.0, 0.0])
    np.testing.assert_allclose(scores["bits"], [-math.log2(0.7), 2.0])


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: fit_ngram(IDS, 0, V), "max_order"),
        (lambda: fit_ngram(IDS[:3], 5, V), "too few"),
        (lambda: fit_ngram(IDS.astype(float), 3, V), "1-D array of character ids"),
        (lambda: fit_ngram(IDS, 3, 2), "must lie in"),
        (lambda: fit_ngram(IDS, 12, 60), "overflow"),
        (lambda: fit_ngram(IDS, 3, V).probabilities(IDS, np.array([1]), 4), "order"),
        (lambda: fit_ngram(IDS, 3, V).probabilities(IDS, np.array([len(IDS)]), 2), "positions must lie"),
        (lambda: fit_ngram(IDS, 3, V).probabilities(IDS + V, np.array([1]), 2), "must lie in"),
        (lambda: char_scores(np.array([[1.0, 0.0]]), np.array([1])), "probability of 0"),
        (lambda: char_scores(np.ones((2, 3)) / 3, np.array([0])), "expected probs"),
    ],
    ids=[
        "order-0",
        "short-text",
        "float-ids",
        "ids-beyond-vocab",
        "overflow",
        "order-too-high",
        "position-beyond",
        "eval-ids-beyond",
        "zero-probability",
        "shape-mismatch",
    ],
)
def test_bad_input_gets_a_clear_error(call, words):
    with pytest.raises(ValueError) as info:
        call()
    assert words in str(info.value)
