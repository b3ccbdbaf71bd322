"""The comparison protocol (utils.core.protocol): intervals, verdicts, bootstrap, rate search."""

import math

import numpy as np
import pandas as pd
import pytest

from utils.core import protocol


def test_t_quantile_matches_the_table_and_the_normal_limit():
    assert protocol.t_quantile(2) == pytest.approx(4.303)
    assert protocol.t_quantile(2.7) == pytest.approx(4.303)  # fractional dof rounds down (wider)
    assert protocol.t_quantile(500) == pytest.approx(1.96)
    with pytest.raises(ValueError, match="2 seeds"):
        protocol.t_quantile(0)


def test_seed_summary_is_a_t_interval_with_sample_std():
    summary = protocol.seed_summary([1.0, 2.0, 3.0])
    assert summary["mean"] == 2.0 and summary["std"] == pytest.approx(1.0)
    half = 4.303 * 1.0 / math.sqrt(3)
    assert (summary["low"], summary["high"]) == pytest.approx((2 - half, 2 + half))


@pytest.mark.parametrize(
    "values, message",
    [
        ([0.5], "at least 2"),
        ([0.5, float("nan"), 0.4], "NaN"),
        ([0.5, float("inf")], "NaN or infinite"),
        (np.ones((2, 2)), "one value per seed"),
    ],
)
def test_seed_summary_refuses_what_cannot_give_a_spread(values, message):
    with pytest.raises(ValueError, match=message):
        protocol.seed_summary(values)


@pytest.mark.parametrize(
    "low, high, lower_is_better, expected",
    [
        (-0.3, -0.1, True, "GRU better"),
        (0.1, 0.3, True, "LSTM better"),
        (-0.1, 0.2, True, protocol.NO_CLEAR_DIFFERENCE),
        (0.1, 0.3, False, "GRU better"),  # accuracy: a positive GRU - LSTM means the GRU wins
        (-0.3, -0.1, False, "LSTM better"),
    ],
)
def test_verdict_reads_the_interval(low, high, lower_is_better, expected):
    assert protocol.verdict(low, high, ("GRU", "LSTM"), lower_is_better) == expected


def test_verdict_refuses_a_broken_interval():
    with pytest.raises(ValueError, match="low <= high"):
        protocol.verdict(0.2, 0.1)


def test_paired_difference_cancels_what_the_seed_shares():
    # B is A plus 0.01 on every seed: wildly different seeds, a perfectly clear difference
    a = {0: 0.40, 1: 0.60, 2: 0.50}
    b = {seed: value + 0.01 for seed, value in a.items()}
    result = protocol.difference(a, b, ("A", "B"))
    assert result["pairing"] == "paired by seed"
    assert result["difference"] == pytest.approx(-0.01)
    assert result["verdict"] == "A better"
    # the same numbers without the pairing (other seeds) are no clear difference
    unpaired = protocol.difference([0.40, 0.60, 0.50], pd.Series([0.41, 0.61, 0.51], index=[7, 8, 9]), ("A", "B"))
    assert unpaired["pairing"] == "unpaired (Welch)"
    assert unpaired["verdict"] == protocol.NO_CLEAR_DIFFERENCE


def test_difference_refuses_partly_shared_seeds_and_repeated_seeds():
    with pytest.raises(ValueError, match="share some seeds but not all"):
        protocol.difference({0: 1.0, 1: 2.0}, {1: 1.0, 2: 2.0})
    with pytest.raises(ValueError, match="twice"):
        protocol.difference(pd.Series([1.0, 2.0], index=[0, 0]), [1.0, 2.0])


def test_bootstrap_difference_finds_a_real_gap_and_not_a_fake_one():
    rng = np.random.default_rng(0)
    errors = rng.exponential(1.0, size=(3, 2000))
    better = errors * 0.8
    clear = protocol.bootstrap_difference(better, errors, ("new", "old"))
    assert clear["verdict"] == "new better" and clear["high"] < 0
    same = protocol.bootstrap_difference(errors + rng.normal(0, 0.01, errors.shape), errors, ("new", "old"))
    assert same["verdict"] == protocol.NO_CLEAR_DIFFERENCE


def test_blocks_widen_the_interval_when_neighbours_move_together():
    rng = np.random.default_rng(1)
    day_effect = np.repeat(rng.normal(0, 1, 60), 24)  # 60 days of 24 hours sharing one error
    a = day_effect + rng.normal(0, 0.1, day_effect.size)
    by_hour = protocol.bootstrap_interval(a)
    by_day = protocol.bootstrap_interval(a, blocks=np.repeat(np.arange(60), 24))
    assert (by_day["high"] - by_day["low"]) > 3 * (by_hour["high"] - by_hour["low"])


def test_bootstrap_refuses_mismatched_inputs():
    with pytest.raises(ValueError, match="same test examples"):
        protocol.bootstrap_difference(np.ones(10), np.ones(11))
    with pytest.raises(ValueError, match="same seeds"):
        protocol.bootstrap_difference(np.ones((2, 10)), np.ones((3, 10)))
    with pytest.raises(ValueError, match="one block id per example"):
        protocol.bootstrap_interval(np.ones(10), blocks=np.arange(9))
    with pytest.raises(ValueError, match="NaN"):
        protocol.bootstrap_interval(np.array([1.0, np.nan, 2.0]))


def test_a_baseline_row_compares_with_a_model_over_seeds():
    rng = np.random.default_rng(2)
    baseline = rng.exponential(1.0, 500)
    model = np.stack([baseline * 0.5 for _ in range(3)])
    result = protocol.bootstrap_difference(model, baseline, ("GRU", "baseline"))
    assert result["verdict"] == "GRU better"


def test_binomial_interval_is_wilsons():
    result = protocol.binomial_interval(0, 10)  # never zero width at 0 successes
    assert result["low"] == 0 and 0.25 < result["high"] < 0.35
    assert protocol.binomial_interval(50, 100)["low"] == pytest.approx(0.4038, abs=1e-3)
    with pytest.raises(ValueError):
        protocol.binomial_interval(11, 10)


def test_learning_rate_search_widens_until_the_best_is_inside():
    tried = []

    def score(rate):
        tried.append(rate)
        return (math.log10(rate) + 3.5) ** 2  # best near 3e-4

    best, table = protocol.learning_rate_search(score, [1e-3, 3e-3, 1e-2])
    assert best == pytest.approx(3.16e-4, rel=0.05)
    assert min(tried) < best < max(tried)  # the best is not at the edge of what was tried
    assert len(table) == len(tried)


def test_learning_rate_search_says_when_it_could_not_leave_the_edge():
    with pytest.raises(ValueError, match="still at the edge"):
        protocol.learning_rate_search(lambda rate: rate, [1e-2, 3e-2, 1e-1], max_widenings=1)


def test_a_diverged_run_loses_the_search():
    best, table = protocol.learning_rate_search(
        lambda rate: float("nan") if rate > 0.05 else abs(rate - 0.01), [1e-3, 1e-2, 1e-1]
    )
    assert best == pytest.approx(1e-2) and np.isinf(table[0.1])


@pytest.mark.parametrize("grid", [[1e-3, 1e-2], [1e-2, 1e-3, 1e-4], [1e-3, 2e-3, 1e-2], [0, 1e-3, 1e-2]])
def test_learning_rate_search_refuses_a_bad_grid(grid):
    with pytest.raises(ValueError, match="grid"):
        protocol.learning_rate_search(lambda rate: rate, grid)
