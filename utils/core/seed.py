"""One seeding helper for Python, NumPy and Keras (lessons 00-07 all call it)."""

from __future__ import annotations

import os

DEFAULT_SEED = 42


def set_seed(seed: int = DEFAULT_SEED, deterministic: bool = False) -> int:
    """Seed Python's `random`, NumPy and the Keras backend with one call.

    `deterministic=True` also asks TensorFlow for deterministic ops: identical
    results on the same machine from run to run, at some cost in speed. Returns the seed.
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    import keras

    keras.utils.set_random_seed(seed)  # seeds random, numpy and the backend together
    if deterministic:
        import tensorflow as tf

        os.environ["TF_DETERMINISTIC_OPS"] = "1"
        tf.config.experimental.enable_op_determinism()
    return seed
