"""utils.core.checks: the argument checks every utils module uses."""

import numpy as np
import pytest

from utils.core import checks


@pytest.mark.parametrize("value", [1, 7, np.int64(3)])
def test_positive_int_accepts_whole_numbers(value):
    assert checks.positive_int("window", value) == int(value)


@pytest.mark.parametrize("value", [0, -2, 2.0, True, "3", None])
def test_positive_int_names_the_argument_and_the_value(value):
    with pytest.raises(ValueError, match=rf"window must be a positive int, got {value!r}"):
        checks.positive_int("window", value)


def test_whole_number_ranges_and_reasons():
    assert checks.whole_number("n", 0, minimum=0) == 0
    with pytest.raises(ValueError, match=r"steps must be an int from 2 to 8 \(readable\), got 9"):
        checks.whole_number("steps", 9, minimum=2, maximum=8, why=" (readable)")
    with pytest.raises(ValueError, match="length must be an int >= 2, got 1"):
        checks.whole_number("length", 1, minimum=2)


@pytest.mark.parametrize("value", [0, -1.5, float("nan"), float("inf"), True, "1"])
def test_positive_number_refuses(value):
    with pytest.raises(ValueError, match="clipnorm must be a positive number"):
        checks.positive_number("clipnorm", value)


@pytest.mark.parametrize("value", [0, 1, 1.5, -0.1, True])
def test_fraction_refuses_the_ends_and_beyond(value):
    with pytest.raises(ValueError, match="train must be a fraction between 0 and 1"):
        checks.fraction("train", value)
    assert checks.fraction("train", 0.8) == 0.8


def test_same_length_names_both_sides():
    assert checks.same_length("texts", ["a", "b"], "labels", [0, 1]) == 2
    with pytest.raises(ValueError, match="got 2 texts but 3 labels"):
        checks.same_length("texts", ["a", "b"], "labels", [0, 1, 1])


@pytest.mark.parametrize(
    "seeds, words",
    [
        ([], "at least one seed"),
        ([1, 1], "distinct"),
        ([0, -1], "each seed must be an int >= 0"),
        ("012", "list of ints"),
        ([0.5], "each seed"),
    ],
)
def test_seed_list_refuses(seeds, words):
    with pytest.raises((ValueError, TypeError), match=words):
        checks.seed_list(seeds)


def test_seed_list_accepts_one_int_or_several():
    assert checks.seed_list(3) == [3] and checks.seed_list((0, 1, 2)) == [0, 1, 2]
