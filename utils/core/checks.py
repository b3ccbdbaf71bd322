"""Argument checks shared by every `utils` module: one clear message per kind of mistake.

Each function returns the checked value (converted where useful) or raises a ValueError
that names the argument, says what it must be, and shows what it got.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np


def whole_number(name: str, value, minimum: int = 1, maximum: int | None = None, why: str = "") -> int:
    """`value` as an int in [minimum, maximum]; bools and floats are refused.

    `why` is added to the message, e.g. why=" (the first epoch includes tracing)".
    """
    in_range = (
        isinstance(value, Integral)
        and not isinstance(value, bool)
        and value >= minimum
        and (maximum is None or value <= maximum)
    )
    if not in_range:
        if maximum is not None:
            wanted = f"an int from {minimum} to {maximum}"
        else:
            wanted = "a positive int" if minimum == 1 else f"an int >= {minimum}"
        raise ValueError(f"{name} must be {wanted}{why}, got {value!r}")
    return int(value)


def positive_int(name: str, value, why: str = "") -> int:
    """`value` as an int >= 1 (a size, a count, a number of steps)."""
    return whole_number(name, value, minimum=1, why=why)


def positive_number(name: str, value, why: str = "") -> float:
    """`value` as a finite float > 0 (a temperature, a clipping norm, a tolerance)."""
    ok = isinstance(value, Real) and not isinstance(value, bool) and np.isfinite(value) and value > 0
    if not ok:
        raise ValueError(f"{name} must be a positive number{why}, got {value!r}")
    return float(value)


def fraction(name: str, value, why: str = "") -> float:
    """`value` as a float strictly between 0 and 1 (a share of the data, a dropout rate)."""
    ok = isinstance(value, Real) and not isinstance(value, bool) and 0 < value < 1
    if not ok:
        raise ValueError(f"{name} must be a fraction between 0 and 1 (both excluded){why}, got {value!r}")
    return float(value)


def same_length(first_name: str, first, second_name: str, second) -> int:
    """The common length of two sequences (texts and labels, inputs and targets)."""
    if len(first) != len(second):
        raise ValueError(
            f"got {len(first)} {first_name} but {len(second)} {second_name}; they must have the "
            "same length, one for one (was one of them sliced differently?)"
        )
    return len(first)


def seed_list(seeds) -> list[int]:
    """`seeds` (one int or several) as a list of distinct ints >= 0."""
    if isinstance(seeds, Integral) and not isinstance(seeds, bool):
        seeds = [seeds]
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"seeds must be a list of ints, e.g. seeds=[0, 1, 2], got {seeds!r}")
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must hold at least one seed, e.g. seeds=[0, 1, 2]")
    for seed in seeds:
        whole_number("each seed", seed, minimum=0)
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be distinct: a repeated seed repeats a run, got {seeds}")
    return [int(seed) for seed in seeds]
