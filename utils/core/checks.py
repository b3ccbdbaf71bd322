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
        isinstance(value, Integral) and not isinstance(value, bool)
        and value >= minimum and (maximum is None or value <= maximum)
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


def non_empty(name: str, values) -> list:
    """`values` as a list with at least one element."""
    if values is None or isinstance(values, (str, bytes)):
        raise ValueError(f"{name} must be a non-empty list or array, got {values!r}")
    items = list(values)
    if not items:
        raise ValueError(f"{name} is empty; give at least one element")
    return items


def same_length(what: str, first, second) -> int:
    """The common length of two arrays (e.g. inputs and targets); raise if they differ."""
    n_first, n_second = len(first), len(second)
    if n_first != n_second:
        raise ValueError(
            f"{what}: {n_first} and {n_second} items do not match; each input needs exactly "
            "one target (did you slice one of them differently?)"
        )
    return n_first


def finite_array(name: str, values, ndim: int | None = None, dtype=float) -> np.ndarray:
    """`values` as a NumPy array with `ndim` dimensions and no NaN or inf."""
    array = np.asarray(values, dtype=dtype)
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {array.shape}")
    if array.size and not np.all(np.isfinite(array)):
        raise ValueError(
            f"{name} contains NaN or inf ({int(np.sum(~np.isfinite(array)))} value(s)); "
            "clean or fill them first"
        )
    return array


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
