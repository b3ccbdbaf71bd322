"""Keras callbacks the lessons share: `EpochTimer` (lessons 03 and 04 time epochs with it).

Kept apart from `timer.py` so that `import utils` stays light: this module imports Keras.
"""

from __future__ import annotations

import statistics
import time

import keras

from . import environment  # noqa: F401  (sets KERAS_BACKEND before keras is imported)


class EpochTimer(keras.callbacks.Callback):
    """Wall-clock seconds of every epoch of `fit` (training plus validation by default).

        timer = EpochTimer()
        model.fit(..., callbacks=[timer])
        timer.seconds               # [first epoch, second epoch, ...]
        timer.steady_seconds()      # median without the first epoch

    The first epoch also traces (compiles) the training and validation functions, so it
    is slower; `steady_seconds` leaves it out. `fit` called again on the same model
    keeps appending.
    """

    def __init__(self, include_validation: bool = True) -> None:
        super().__init__()
        self.include_validation = include_validation  # False: training batches only (lesson 03)
        self.seconds: list[float] = []
        self._start: float | None = None
        self._last_batch_end: float | None = None

    def on_epoch_begin(self, epoch, logs=None):
        self._start = self._last_batch_end = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self._last_batch_end = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        end = time.perf_counter() if self.include_validation else self._last_batch_end
        self.seconds.append(end - self._start)

    def steady_seconds(self) -> float:
        """Median seconds per epoch, leaving out the first (graph tracing) epoch."""
        if len(self.seconds) < 2:
            raise ValueError(
                f"EpochTimer measured {len(self.seconds)} epoch(s); the steady time needs at "
                "least 2 (the first one includes tracing). Train for 2 or more epochs."
            )
        return statistics.median(self.seconds[1:])
