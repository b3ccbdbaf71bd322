"""Log-probabilities from a model's logits, shared by the sampling and decoding lessons (07, 08)."""

from __future__ import annotations

import numpy as np


def log_softmax(logits) -> np.ndarray:
    """Log-probabilities from logits along the last axis, computed stably (max subtracted first)."""
    z = np.asarray(logits, dtype="float64")
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
