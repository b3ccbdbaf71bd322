"""Checks that follow each exercise: friendly messages instead of bare asserts."""

from __future__ import annotations

import numpy as np


class ExerciseCheckFailed(AssertionError):
    """Your answer does not pass the check yet; the message says what differs."""


def check(condition: bool, message: str) -> None:
    """Pass silently-but-visibly if `condition`, else fail with `message` as the hint."""
    if not condition:
        raise ExerciseCheckFailed(f"Not yet: {message}")
    print("Check passed.")


def check_close(actual, expected, what: str, rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """Check that `actual` matches `expected` (numbers or arrays) within tolerance."""
    actual_arr, expected_arr = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    if actual_arr.shape != expected_arr.shape:
        raise ExerciseCheckFailed(
            f"Not yet: {what} has shape {actual_arr.shape}, expected {expected_arr.shape}."
        )
    if not np.allclose(actual_arr, expected_arr, rtol=rtol, atol=atol):
        worst = float(np.max(np.abs(actual_arr - expected_arr)))
        raise ExerciseCheckFailed(
            f"Not yet: {what} differs from the expected value (largest difference {worst:.3g}; "
            f"expected {np.array2string(expected_arr, threshold=6, precision=4)})."
        )
    print(f"Check passed: {what} is right.")
