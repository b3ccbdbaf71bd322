"""Training helpers for lesson 04 (overfitting, early stopping, gradient clipping), reusable later.

- `GradientNormLogger`: a callback that measures the global gradient norm (and the
  loss) on a fixed probe batch after every training step or epoch: the curve that shows
  exploding gradients and what clipping does about them.
- `replay_early_stopping`: feed a recorded history to Keras' own `EarlyStopping`
  callback and report what it would have done (when it stops, which epoch it restores),
  without training again: pick a patience from one long run.
- `over_seeds`: rerun a training function over several seeds and collect its numbers,
  for differences that are smaller than the seed-to-seed spread.
- `tuned_over_seeds`: the same, at a learning rate chosen on validation first (the
  course's protocol: one rate per contender and per task).
- `KeepBestWeights`: a callback that remembers the weights of the best epoch while
  training goes on to the end, so one run gives both its last-epoch model and its
  best-epoch model (`best_model()`), to compare best epoch with best epoch.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np
import pandas as pd

from ..core import checks, protocol
from ..core.plotting import history_dict
from ..core.seed import set_seed


# ---------------------------------------------------------------- gradient norms
def _gradient_norm_and_loss(model: keras.Model):
    """A compiled function (x, y) -> (global gradient norm, loss) for `model`.

    The loss is the one given to `compile` (plus any regularisation losses), computed in
    inference mode (`training=False`): dropout off and batch-normalisation statistics left
    untouched, so that measuring does not change the model. This is the norm that
    `global_clipnorm` caps on each training batch. (Lesson 01's `loss_gradient_norms`
    measures per weight, in training mode, for one call outside `fit`.)
    """
    import tensorflow as tf

    if not getattr(model, "compiled", False) or getattr(model, "loss", None) is None:
        raise ValueError("compile the model with a loss first: model.compile(optimizer, loss=...)")

    def norm_and_loss(x, y):
        with tf.GradientTape() as tape:
            y_pred = model(x, training=False)
            loss = model.compute_loss(x=x, y=y, y_pred=y_pred, training=False)
        grads = tape.gradient(loss, model.trainable_weights)
        return tf.linalg.global_norm([g for g in grads if g is not None]), loss

    return tf.function(norm_and_loss, reduce_retracing=True, autograph=False)  # no Python control flow


class GradientNormLogger(keras.callbacks.Callback):
    """Record the global gradient norm and the loss on a fixed probe batch while training.

        logger = GradientNormLogger(x_train[:256], y_train[:256])        # every step
        model.fit(..., callbacks=[logger])
        logger.norms, logger.losses          # one value per training step

    Keras does not hand the gradients of a step to callbacks, so the logger measures
    them itself on the same probe batch after every update (`every="batch"`) or every
    epoch (`every="epoch"`), with the model in inference mode (dropout off, normalisation
    statistics untouched: measuring must not change the model). A fixed probe makes the
    values comparable from step to step: a spike means the weights moved to a steep place
    of the loss surface. It costs one extra forward and backward pass over the probe per
    measurement.
    """

    EVERY = ("batch", "epoch")

    def __init__(self, x, y, every: str = "batch") -> None:
        super().__init__()
        if every not in self.EVERY:
            raise ValueError(f"every must be 'batch' or 'epoch', got {every!r}")
        x, y = np.asarray(x, dtype="float32"), np.asarray(y, dtype="float32")
        if len(x) == 0 or len(x) != len(y):
            raise ValueError(
                f"the probe batch needs the same number (> 0) of inputs and targets, got "
                f"{len(x)} inputs and {len(y)} targets; pass e.g. x_train[:256], y_train[:256]"
            )
        self.x, self.y, self.every = x, y, every
        self.norms: list[float] = []
        self.losses: list[float] = []
        self._measure = None

    def set_model(self, model):
        super().set_model(model)
        self._measure = None  # built on the first measurement, once the model is compiled

    def _record(self) -> None:
        if self._measure is None:
            self._measure = _gradient_norm_and_loss(self.model)
        norm, loss = self._measure(self.x, self.y)
        self.norms.append(float(norm))
        self.losses.append(float(loss))

    def on_train_batch_end(self, batch, logs=None):
        if self.every == "batch":
            self._record()

    def on_epoch_end(self, epoch, logs=None):
        if self.every == "epoch":
            self._record()
            if logs is not None:
                logs["grad_norm"] = self.norms[-1]


# ---------------------------------------------------------------- early stopping on a recorded history
@dataclass(frozen=True)
class EarlyStoppingReplay:
    """What `keras.callbacks.EarlyStopping` does on a recorded history (epochs count from 1)."""

    epochs_run: int  # epochs that would have been trained before stopping
    stopped_early: bool  # False when the history ended before the patience ran out
    best_epoch: int  # the epoch with the best monitored value among those run
    best_value: float  # the monitored value at best_epoch
    final_value: float  # the monitored value at the last epoch run (no restoring)


class _StandInModel:
    """Just enough of a model for EarlyStopping: its 'weights' are the epoch number."""

    def __init__(self) -> None:
        self.stop_training = False
        self.epoch = 0

    def get_weights(self):
        return self.epoch

    def set_weights(self, weights):
        self.epoch = weights


def replay_early_stopping(history, monitor: str = "val_loss", **early_stopping_kwargs) -> EarlyStoppingReplay:
    """Run Keras' own `EarlyStopping(monitor=..., **kwargs)` over a recorded history.

    `history` is what `fit` returned (or its `.history` dict) from a run trained
    *without* early stopping; the replay tells when the callback would have stopped it
    and which epoch `restore_best_weights` would have restored, e.g.

        replay_early_stopping(history, patience=5).epochs_run

    The keyword arguments are those of `keras.callbacks.EarlyStopping` (patience,
    min_delta, mode, baseline, start_from_epoch). Lesson 04 uses it to choose a
    patience, and to check a hand-written stopping rule against the real callback.
    """
    values = history_dict(history)
    if monitor not in values:
        raise KeyError(f"{monitor!r} was not recorded; available: {sorted(values)}")
    series = [float(v) for v in values[monitor]]
    if not series:
        raise ValueError(f"the history has no epochs of {monitor!r}")
    if "monitor" in early_stopping_kwargs or "restore_best_weights" in early_stopping_kwargs:
        raise TypeError("pass monitor as its own argument; restore_best_weights is always replayed")

    callback = keras.callbacks.EarlyStopping(monitor=monitor, restore_best_weights=True, **early_stopping_kwargs)
    stand_in = _StandInModel()
    callback.set_model(stand_in)
    callback.on_train_begin()
    epochs_run = 0
    for epoch, value in enumerate(series):
        stand_in.epoch = epoch
        callback.on_epoch_end(epoch, {monitor: value})
        epochs_run = epoch + 1
        if stand_in.stop_training:
            break
    if callback.best_weights is None:
        raise ValueError(
            f"no epoch was monitored: start_from_epoch={callback.start_from_epoch} skips all "
            f"{len(series)} recorded epochs; use a smaller start_from_epoch"
        )
    callback.on_train_end()
    restored = stand_in.epoch  # the epoch whose "weights" EarlyStopping put back
    return EarlyStoppingReplay(
        epochs_run=epochs_run,
        stopped_early=stand_in.stop_training,
        best_epoch=restored + 1,
        best_value=series[restored],
        final_value=series[epochs_run - 1],
    )


# ---------------------------------------------------------------- the best epoch, kept aside
class KeepBestWeights(keras.callbacks.Callback):
    """Remember the weights of the epoch with the lowest `monitor` value; change nothing.

        best = KeepBestWeights()                  # monitor="val_loss"
        model.fit(..., validation_data=(x_val, y_val), callbacks=[best])
        model                                     # the last epoch's weights, as always
        best.best_epoch, best.best_value          # counted from 1
        best.best_model()                         # a copy of the model at its best epoch

    Unlike `EarlyStopping(restore_best_weights=True)` it neither stops training nor
    touches the model, so one run yields both the model trained to the end and the one
    early stopping would have kept. Ties are not improvements (as in `EarlyStopping`).
    """

    def __init__(self, monitor: str = "val_loss") -> None:
        super().__init__()
        if not isinstance(monitor, str) or not monitor:
            raise TypeError(f"monitor must be the name of a logged quantity such as 'val_loss', got {monitor!r}")
        self.monitor = monitor
        self.best_epoch: int | None = None
        self.best_value = float("inf")
        self.best_weights = None

    def on_train_begin(self, logs=None):
        self.best_epoch, self.best_value, self.best_weights = None, float("inf"), None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.monitor not in logs:
            raise KeyError(
                f"{self.monitor!r} is not logged after each epoch (logged: {sorted(logs)}); "
                "pass validation_data to fit to log val_loss"
            )
        value = float(logs[self.monitor])
        if value < self.best_value:
            self.best_epoch, self.best_value = epoch + 1, value
            self.best_weights = [np.array(w) for w in self.model.get_weights()]

    def best_model(self) -> keras.Model:
        """A new model with the same architecture and the best epoch's weights (for inference)."""
        if self.best_weights is None:
            raise ValueError("no epoch has been recorded yet: use the callback in fit(..., callbacks=[...]) first")
        copy = keras.models.clone_model(self.model)
        copy.set_weights(self.best_weights)
        return copy


# ---------------------------------------------------------------- several seeds
def over_seeds(train_once, seeds) -> pd.DataFrame:
    """Call `train_once(seed)` for each seed (after `set_seed(seed)`); one row per seed.

    `train_once` returns a dict of results, e.g. {"best_val_mae": 0.51, "history": h};
    the table has one column per key and is indexed by seed, so
    `runs["best_val_mae"].agg(["mean", "std"])` summarises a variant over seeds.
    """
    seeds = checks.seed_list(seeds)
    rows = []
    for seed in seeds:
        set_seed(seed)
        result = train_once(seed)
        if not isinstance(result, dict):
            raise TypeError(
                f"train_once(seed) must return a dict such as {{'val_mae': 0.5}}, got {type(result).__name__}"
            )
        rows.append({"seed": seed, **result})
    return pd.DataFrame(rows).set_index("seed")


def tuned_over_seeds(
    train_at_rate, grid, seeds, score: str = "val_mae", max_widenings: int = 3, allow_edge: bool = False
):
    """Choose a learning rate on validation with the first seed, then run every seed at it.

    train_at_rate(rate, seed) trains one model (the seed is set just before) and returns a
    dict of results holding `score`, a validation loss (lower is better). The first seed
    runs once per rate of `grid`, widened by `utils.core.protocol.learning_rate_search`
    while the best rate sits at an edge (at most `max_widenings` times); its run at the
    chosen rate is kept and the other seeds are trained at that rate. allow_edge: keep the
    best rate tried instead of raising when it is still at an edge (for fast mode, where a
    few steps favour large rates; there max_widenings=0 saves the trainings).
    Returns (runs, one row per seed as `over_seeds` gives them; the chosen rate; the
    validation score of every rate tried).
    """
    if not callable(train_at_rate):
        raise TypeError(
            f"train_at_rate must be a function (rate, seed) -> dict of results, got {type(train_at_rate).__name__}"
        )
    seeds = checks.seed_list(seeds)
    tried: dict[float, dict] = {}

    def score_at(rate: float) -> float:
        set_seed(seeds[0])
        result = train_at_rate(rate, seeds[0])
        if not isinstance(result, dict) or score not in result:
            raise TypeError(f"train_at_rate(rate, seed) must return a dict with the key {score!r}, got {result!r:.80}")
        tried[rate] = result
        return result[score]

    try:
        rate, scores = protocol.learning_rate_search(score_at, grid, max_widenings=max_widenings)
    except ValueError:
        if not allow_edge or not tried:
            raise
        scores = pd.Series({r: run[score] for r, run in tried.items()}, name="validation score").sort_index()
        scores.index.name = "learning_rate"
        rate = float(scores.fillna(np.inf).idxmin())
    runs = pd.DataFrame([{"seed": seeds[0], **tried[rate]}]).set_index("seed")
    if len(seeds) > 1:
        runs = pd.concat([runs, over_seeds(lambda seed: train_at_rate(rate, seed), seeds[1:])])
    return runs, rate, scores
