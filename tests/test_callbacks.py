"""Unit tests of utils.core.callbacks.EpochTimer (used by lessons 03 and 04)."""

import itertools

import keras
import numpy as np
import pytest

from utils.core import callbacks
from utils.core.callbacks import EpochTimer


def tiny_regression(n: int = 32, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")).astype("float32")
    return x, y


def linear_model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.01), loss="mse", jit_compile=False)
    return model


def test_epoch_timer_times_every_epoch():
    x, y = tiny_regression()
    timer = EpochTimer()
    linear_model().fit(x, y, epochs=3, batch_size=8, verbose=0, callbacks=[timer])
    assert len(timer.seconds) == 3 and all(s > 0 for s in timer.seconds)
    assert timer.steady_seconds() == pytest.approx(float(np.median(timer.seconds[1:])))


def test_epoch_timer_needs_two_epochs_for_the_steady_time():
    timer = EpochTimer()
    timer.seconds = [1.0]
    with pytest.raises(ValueError, match="at least 2"):
        timer.steady_seconds()


@pytest.mark.parametrize("include_validation, expected", [(True, 5.0), (False, 2.0)])
def test_epoch_timer_counts_validation_only_when_asked(monkeypatch, include_validation, expected):
    """A fake clock: the epoch starts at 0, two batches end at 1 and 2, validation ends at 5."""
    clock = itertools.chain([0.0, 1.0, 2.0, 5.0])
    monkeypatch.setattr(callbacks.time, "perf_counter", lambda: next(clock))
    timer = EpochTimer(include_validation=include_validation)
    timer.on_epoch_begin(0)
    timer.on_train_batch_end(0)
    timer.on_train_batch_end(1)
    timer.on_epoch_end(0)
    assert timer.seconds == [expected]
