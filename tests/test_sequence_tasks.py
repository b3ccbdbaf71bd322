"""Unit tests of utils.lessons.lesson01_sequence_tasks (lesson 01 introduces the tasks, lesson 03 reuses them)."""

import numpy as np
import pytest

from utils.lessons.lesson01_sequence_tasks import adding_accuracy, adding_task, choose_learning_rate, first_symbol_task


def test_first_symbol_task_shapes_and_labels():
    x, y = first_symbol_task(50, 7, n_symbols=3, seed=1)
    assert x.shape == (50, 7, 3) and x.dtype == np.float32
    assert y.shape == (50,) and y.dtype == np.int64
    np.testing.assert_array_equal(x.sum(axis=-1), 1.0)  # one-hot at every step
    np.testing.assert_array_equal(x[:, 0].argmax(axis=-1), y)


def test_first_symbol_task_is_seeded():
    a, b = first_symbol_task(20, 5, seed=3), first_symbol_task(20, 5, seed=3)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], first_symbol_task(20, 5, seed=4)[0])


def test_first_symbol_labels_are_balanced_near_chance():
    _, y = first_symbol_task(20_000, 2, n_symbols=4, seed=0)
    assert np.allclose(np.bincount(y) / len(y), 0.25, atol=0.02)


def test_adding_task_shapes_markers_and_targets():
    x, y = adding_task(200, 10, seed=2)
    assert x.shape == (200, 10, 2) and y.shape == (200,) and x.dtype == y.dtype == np.float32
    markers = x[:, :, 1]
    np.testing.assert_array_equal(markers.sum(axis=1), 2.0)
    assert np.all(markers[:, :5].sum(axis=1) == 1) and np.all(markers[:, 5:].sum(axis=1) == 1)
    np.testing.assert_allclose((x[:, :, 0] * markers).sum(axis=1), y, rtol=1e-6)


def test_adding_task_constant_baseline_is_one_sixth():
    _, y = adding_task(100_000, 4, seed=0)
    assert np.mean((y - 1.0) ** 2) == pytest.approx(1 / 6, abs=0.005)


@pytest.mark.parametrize("make", [first_symbol_task, adding_task])
@pytest.mark.parametrize("n_samples, length", [(0, 5), (5, 1), (2.5, 5)])
def test_bad_sizes_are_refused(make, n_samples, length):
    with pytest.raises(ValueError):
        make(n_samples, length)


def test_first_symbol_needs_two_symbols():
    with pytest.raises(ValueError, match="n_symbols"):
        first_symbol_task(5, 5, n_symbols=1)


def test_adding_accuracy_counts_sums_within_tolerance():
    y = np.array([0.5, 1.0, 1.5, 2.0])
    assert adding_accuracy(y, [0.55, 1.2, 1.45, 2.0]) == 0.75
    assert adding_accuracy(y, np.array([[0.5], [1.0], [1.5], [2.0]])) == 1.0  # Keras (n, 1) output
    assert adding_accuracy(y, y + 0.3, tolerance=0.5) == 1.0
    assert adding_accuracy(y, [np.nan] * 4) == 0.0  # a diverged model scores nothing


def test_adding_accuracy_chance_level_of_the_constant_prediction():
    _, y = adding_task(100_000, 6, seed=1)
    assert adding_accuracy(y, np.ones_like(y)) == pytest.approx(0.19, abs=0.01)
    assert adding_accuracy(y, np.ones_like(y), tolerance=0.05) == pytest.approx(0.0975, abs=0.005)


@pytest.mark.parametrize(
    "truth, pred, message",
    [
        (np.ones(3), np.ones(4), "same"),
        (np.ones((3, 2)), np.ones((3, 2)), "same"),
        (np.ones(0), np.ones(0), "empty"),
    ],
)
def test_adding_accuracy_refuses_mismatched_shapes(truth, pred, message):
    with pytest.raises(ValueError, match=message):
        adding_accuracy(truth, pred)


def test_adding_accuracy_needs_a_positive_tolerance():
    with pytest.raises(ValueError, match="tolerance"):
        adding_accuracy(np.ones(3), np.ones(3), tolerance=0)


# ---------------------------------------------------------------- comparisons over seeds (the protocol)
import pandas as pd  # noqa: E402

from utils.lessons.lesson01_sequence_tasks import pairwise_verdicts, seed_summaries  # noqa: E402


def scores_table():
    return pd.DataFrame(
        [
            {"cell": cell, "seed": seed, "test accuracy": value}
            for cell, values in {
                "GRU": [0.98, 0.97, 0.99],
                "LSTM": [0.20, 0.19, 0.21],
                "SimpleRNN": [0.19, 0.60, 0.20],
            }.items()
            for seed, value in enumerate(values)
        ]
    )


def test_seed_summaries_give_mean_spread_and_interval_per_cell():
    table = seed_summaries(scores_table(), "test accuracy")
    assert list(table.index) == ["GRU", "LSTM", "SimpleRNN"]
    assert table.loc["GRU", "mean"] == pytest.approx(0.98)
    assert table.loc["GRU", "std"] == pytest.approx(0.01)
    assert table.loc["GRU", "low"] < 0.98 < table.loc["GRU", "high"]


def test_pairwise_verdicts_pair_by_seed_and_allow_no_clear_difference():
    verdicts = pairwise_verdicts(scores_table(), "test accuracy", [("GRU", "LSTM"), ("LSTM", "SimpleRNN")])
    assert list(verdicts.columns) == ["difference", "low", "high", "verdict"]
    assert verdicts.loc["GRU - LSTM", "verdict"] == "GRU better"
    assert verdicts.loc["GRU - LSTM", "difference"] == pytest.approx(0.78)
    assert verdicts.loc["LSTM - SimpleRNN", "verdict"] == "no clear difference"
    lower_better = pairwise_verdicts(scores_table(), "test accuracy", [("GRU", "LSTM")], higher_is_better=False)
    assert lower_better.loc["GRU - LSTM", "verdict"] == "LSTM better"


def test_pairwise_verdicts_refuse_bad_input():
    scores = scores_table()
    with pytest.raises(ValueError, match="no scores"):
        pairwise_verdicts(scores, "test accuracy", [("GRU", "Transformer")])
    with pytest.raises(ValueError, match="columns"):
        pairwise_verdicts(scores.drop(columns="seed"), "test accuracy", [("GRU", "LSTM")])
    with pytest.raises(ValueError, match="same cell and seed"):
        pairwise_verdicts(pd.concat([scores, scores.iloc[:1]]), "test accuracy", [("GRU", "LSTM")])
    with pytest.raises(ValueError, match="at least 2"):
        pairwise_verdicts(scores[scores.seed == 0], "test accuracy", [("GRU", "LSTM")])
    with pytest.raises(ValueError, match="NaN"):
        pairwise_verdicts(scores.assign(**{"test accuracy": np.nan}), "test accuracy", [("GRU", "LSTM")])
    with pytest.raises(ValueError, match="empty"):
        pairwise_verdicts(scores, "test accuracy", [])


def _bowl(best_rate):
    """A validation loss that is lowest at best_rate, far below chance (1/6), and counts its calls."""
    calls = []

    def score(rate):
        calls.append(rate)
        return 0.01 + 0.001 * np.log(rate / best_rate) ** 2

    return score, calls


def test_choose_learning_rate_keeps_an_inner_best():
    score, calls = _bowl(0.01)
    rate, table, learned = choose_learning_rate(score, [0.003, 0.01, 0.03], chance_score=1 / 6)
    assert (rate, learned) == (0.01, True) and len(calls) == 3 and list(table.index) == [0.003, 0.01, 0.03]


def test_choose_learning_rate_widens_from_an_edge_without_retraining():
    score, calls = _bowl(0.1)
    rate, table, learned = choose_learning_rate(score, [0.003, 0.01, 0.03], chance_score=1 / 6)
    assert learned and table.index[0] < rate < table.index[-1] and rate > 0.03
    assert len(calls) == len(set(calls)) == len(table), "each rate is trained once"


def test_choose_learning_rate_does_not_chase_noise_when_nothing_learned():
    calls = []

    def at_chance(rate):
        calls.append(rate)
        return 1 / 6 - 1e-4 * rate  # noise that favours the largest rate, all at chance level

    rate, table, learned = choose_learning_rate(at_chance, [0.003, 0.01, 0.03], chance_score=1 / 6)
    assert (rate, learned, len(calls)) == (0.01, False, 3)
    diverged = choose_learning_rate(lambda rate: float("nan"), [0.001, 0.01, 0.1], chance_score=1 / 6)
    assert diverged[0] == 0.01 and diverged[2] is False


def test_choose_learning_rate_at_the_edge_raises_unless_allowed():
    score, _ = _bowl(100.0)
    with pytest.raises(ValueError, match="edge"):
        choose_learning_rate(score, [0.003, 0.01, 0.03], chance_score=1 / 6)
    rate, _, learned = choose_learning_rate(score, [0.003, 0.01, 0.03], chance_score=1 / 6, allow_edge=True)
    assert learned and rate > 0.03


@pytest.mark.parametrize(
    "grid, chance, message",
    [
        ([0.01, 0.03], 1 / 6, "at least 3"),
        ([0.03, 0.01, 0.003], 1 / 6, "increasing"),
        ([0.003, 0.01, 0.03], 0, "chance"),
    ],
)
def test_choose_learning_rate_refuses_bad_input(grid, chance, message):
    with pytest.raises(ValueError, match=message):
        choose_learning_rate(lambda rate: 0.1, grid, chance_score=chance)
    with pytest.raises(TypeError, match="function"):
        choose_learning_rate(0.1, [0.003, 0.01, 0.03], chance_score=1 / 6)


def test_choose_learning_rate_without_widenings_trains_the_grid_only():
    score, calls = _bowl(100.0)
    rate, _, learned = choose_learning_rate(
        score, [0.003, 0.01, 0.03], chance_score=1 / 6, max_widenings=0, allow_edge=True
    )
    assert (rate, learned, calls) == (0.03, True, [0.003, 0.01, 0.03])
