"""One seeding helper for Python, NumPy and Keras (lessons 00-07 all call it)."""

from __future__ import annotations

from . import checks

DEFAULT_SEED = 42


def set_seed(seed: int = DEFAULT_SEED) -> int:
    """Seed Python's `random`, NumPy and the Keras backend with one call; return the seed."""
    checks.whole_number("seed", seed, minimum=0)
    import keras

    keras.utils.set_random_seed(seed)  # seeds random, numpy and the backend together
    return seed
