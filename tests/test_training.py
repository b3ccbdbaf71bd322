"""Unit tests of utils.lessons.lesson04_training (lesson 04's callbacks and helpers)."""

import keras
import numpy as np
import pandas as pd
import pytest

from utils.lessons.lesson04_training import (
    EarlyStoppingReplay,
    GradientNormLogger,
    KeepBestWeights,
    over_seeds,
    replay_early_stopping,
    tuned_over_seeds,
)


def tiny_regression(n: int = 32, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")).astype("float32")
    return x, y


def linear_model(loss: str = "mse"):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.01), loss=loss, jit_compile=False)
    return model


# ---------------------------------------------------------------- gradient norms
def test_gradient_norm_logger_measures_the_global_norm_of_the_formula():
    x, y = tiny_regression()
    model = linear_model()
    model.compile(keras.optimizers.SGD(0.0), loss="mse", jit_compile=False)  # weights stay put
    w, b = model.get_weights()
    error = x @ w + b - y  # d(mean squared error)/d(prediction) = 2 error / n
    grad_w = 2 * x.T @ error / len(x)
    grad_b = 2 * error.mean(axis=0)
    expected = np.sqrt((grad_w**2).sum() + (grad_b**2).sum())
    logger = GradientNormLogger(x, y, every="epoch")
    model.fit(x, y, epochs=1, batch_size=8, verbose=0, callbacks=[logger])
    assert logger.norms == [pytest.approx(float(expected), rel=1e-4)]


def test_gradient_norm_logger_needs_a_compiled_model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    logger = GradientNormLogger(*tiny_regression(), every="epoch")
    logger.set_model(model)
    with pytest.raises(ValueError, match="compile the model"):
        logger.on_epoch_end(0)


@pytest.mark.parametrize("every, expected", [("batch", 3 * 4), ("epoch", 3)])
def test_gradient_norm_logger_measures_each_step_or_epoch(every, expected):
    x, y = tiny_regression()
    logger = GradientNormLogger(x[:16], y[:16], every=every)
    history = linear_model().fit(x, y, epochs=3, batch_size=8, verbose=0, callbacks=[logger])
    assert len(logger.norms) == len(logger.losses) == expected
    assert all(np.isfinite(logger.norms)) and logger.losses[-1] < logger.losses[0]
    if every == "epoch":
        assert history.history["grad_norm"] == pytest.approx(logger.norms)


def test_gradient_norm_logger_does_not_change_the_model():
    x, y = tiny_regression()
    model = linear_model()
    before = [w.copy() for w in model.get_weights()]
    logger = GradientNormLogger(x, y)
    logger.set_model(model)
    logger.on_train_batch_end(0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"x": np.zeros((4, 3)), "y": np.zeros((3, 1))}, "same number"),
        ({"x": np.zeros((0, 3)), "y": np.zeros((0, 1))}, "same number"),
        ({"x": np.zeros((4, 3)), "y": np.zeros((4, 1)), "every": "step"}, "'batch' or 'epoch'"),
    ],
)
def test_gradient_norm_logger_refuses_bad_input(kwargs, words):
    with pytest.raises(ValueError, match=words):
        GradientNormLogger(**kwargs)


# ---------------------------------------------------------------- replay_early_stopping
LOSSES = [1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.9, 0.95, 1.0]  # best at epoch 3


@pytest.mark.parametrize(
    "patience, epochs_run",
    [(0, 4), (1, 4), (2, 5), (3, 6), (4, 7), (6, 9), (20, 9)],
)
def test_replay_stops_when_the_patience_runs_out(patience, epochs_run):
    replay = replay_early_stopping({"val_loss": LOSSES}, patience=patience)
    assert replay.epochs_run == epochs_run
    assert replay.stopped_early == (epochs_run < len(LOSSES) or patience == 6)
    assert (replay.best_epoch, replay.best_value) == (3, 0.7)
    assert replay.final_value == LOSSES[epochs_run - 1]


def test_replay_matches_a_real_fit_with_early_stopping():
    """Same history, same decisions: the replay agrees with EarlyStopping inside fit."""
    x, y = tiny_regression(64)
    x_val, y_val = x[:32], 0.3 * y[:32]  # the fit first helps, then hurts, the validation loss
    fit = dict(validation_data=(x_val, y_val), epochs=12, batch_size=32, verbose=0, shuffle=False)
    long_history = linear_model().fit(x, y, **fit)
    callback = keras.callbacks.EarlyStopping(patience=2, restore_best_weights=True)
    model = linear_model()
    history = model.fit(x, y, callbacks=[callback], **fit)
    replay = replay_early_stopping(long_history, patience=2)
    assert replay.stopped_early and replay.epochs_run == len(history.history["val_loss"]) < 12
    assert replay.best_epoch == callback.best_epoch + 1
    restored_loss = model.evaluate(x_val, y_val, verbose=0)
    assert restored_loss == pytest.approx(replay.best_value, rel=1e-5)


def test_replay_with_min_delta_and_mode_max():
    accuracy = [0.50, 0.60, 0.605, 0.61, 0.58]
    replay = replay_early_stopping(
        {"val_accuracy": accuracy}, monitor="val_accuracy", mode="max", patience=1, min_delta=0.02
    )
    assert replay == EarlyStoppingReplay(
        epochs_run=3, stopped_early=True, best_epoch=2, best_value=0.60, final_value=0.605
    )


def test_replay_refuses_bad_input():
    with pytest.raises(KeyError, match="available"):
        replay_early_stopping({"loss": [1.0]}, monitor="val_loss")
    with pytest.raises(ValueError, match="no epochs"):
        replay_early_stopping({"val_loss": []})
    with pytest.raises(TypeError, match="restore_best_weights"):
        replay_early_stopping({"val_loss": [1.0]}, restore_best_weights=False)
    with pytest.raises(TypeError, match="History"):
        replay_early_stopping([1.0, 0.5])
    with pytest.raises(ValueError, match="start_from_epoch"):
        replay_early_stopping({"val_loss": [1.0, 0.5]}, start_from_epoch=2)


# ---------------------------------------------------------------- over_seeds
def test_over_seeds_seeds_each_run_and_collects_a_table():
    runs = over_seeds(lambda seed: {"draw": float(np.random.rand()), "twice": 2 * seed}, [3, 1])
    assert isinstance(runs, pd.DataFrame) and list(runs.index) == [3, 1]
    assert list(runs["twice"]) == [6, 2]
    again = over_seeds(lambda seed: {"draw": float(np.random.rand())}, [3])
    assert again.loc[3, "draw"] == runs.loc[3, "draw"]  # set_seed(seed) ran before each call


@pytest.mark.parametrize(
    "seeds, train_once, error, words",
    [
        ([], lambda s: {}, ValueError, "at least one seed"),
        ([1, 1], lambda s: {}, ValueError, "repeat"),
        ([1], lambda s: 0.5, TypeError, "must return a dict"),
    ],
)
def test_over_seeds_refuses_bad_input(seeds, train_once, error, words):
    with pytest.raises(error, match=words):
        over_seeds(train_once, seeds)


# ---------------------------------------------------------------- KeepBestWeights
def test_keep_best_weights_keeps_the_best_epoch_and_leaves_the_model_alone():
    x, y = tiny_regression()
    x_val, y_val = tiny_regression(16, seed=1)
    model = linear_model()
    model.compile(keras.optimizers.SGD(0.3), loss="mse", jit_compile=False)  # large steps: val loss jumps around
    best = KeepBestWeights()
    history = model.fit(x, y, validation_data=(x_val, y_val), epochs=6, batch_size=8, verbose=0, callbacks=[best])
    values = history.history["val_loss"]
    assert best.best_epoch == int(np.argmin(values)) + 1 and np.isclose(best.best_value, min(values))
    copy = best.best_model()
    assert copy is not model
    assert np.isclose(float(np.mean((copy.predict(x_val, verbose=0) - y_val) ** 2)), min(values), rtol=1e-4)
    last = float(np.mean((model.predict(x_val, verbose=0) - y_val) ** 2))
    assert np.isclose(last, values[-1], rtol=1e-4)  # the model itself still holds the last epoch


def test_keep_best_weights_refuses_bad_use():
    with pytest.raises(TypeError, match="name of a logged quantity"):
        KeepBestWeights(monitor=3)
    with pytest.raises(ValueError, match="no epoch has been recorded"):
        KeepBestWeights().best_model()
    x, y = tiny_regression()
    with pytest.raises(KeyError, match="pass validation_data"):
        linear_model().fit(x, y, epochs=1, verbose=0, callbacks=[KeepBestWeights()])


# ---------------------------------------------------------------- tuned_over_seeds
def _runs_at(best_rate):
    """train_at_rate for tuned_over_seeds: a validation loss lowest at best_rate; logs its calls."""
    calls = []

    def train_at_rate(rate, seed):
        calls.append((rate, seed))
        return {"val_mae": 0.5 + np.log(rate / best_rate) ** 2 + 0.001 * seed, "draw": float(np.random.rand())}

    return train_at_rate, calls


def test_tuned_over_seeds_searches_with_the_first_seed_and_reuses_its_run():
    train_at_rate, calls = _runs_at(3e-3)
    runs, rate, scores = tuned_over_seeds(train_at_rate, [1e-3, 3e-3, 1e-2], seeds=[5, 6, 7])
    assert rate == 3e-3 and list(scores.index) == [1e-3, 3e-3, 1e-2]
    assert calls == [(1e-3, 5), (3e-3, 5), (1e-2, 5), (3e-3, 6), (3e-3, 7)], "the search's seed-5 run is kept"
    assert list(runs.index) == [5, 6, 7] and np.allclose(runs["val_mae"], [0.505, 0.506, 0.507])
    again, _, _ = tuned_over_seeds(_runs_at(3e-3)[0], [1e-3, 3e-3, 1e-2], seeds=[5, 6, 7])
    assert np.allclose(runs["draw"], again["draw"]), "every run is seeded"


def test_tuned_over_seeds_widens_from_an_edge_and_raises_when_it_cannot_finish():
    runs, rate, scores = tuned_over_seeds(_runs_at(0.03)[0], [1e-3, 3e-3, 1e-2], seeds=[0])
    assert scores.index[0] < rate < scores.index[-1] and len(runs) == 1
    with pytest.raises(ValueError, match="edge"):
        tuned_over_seeds(_runs_at(100.0)[0], [1e-3, 3e-3, 1e-2], seeds=[0])
    _, rate, _ = tuned_over_seeds(_runs_at(100.0)[0], [1e-3, 3e-3, 1e-2], seeds=[0], allow_edge=True)
    assert rate > 1e-2


def test_tuned_over_seeds_refuses_bad_input():
    with pytest.raises(TypeError, match="function"):
        tuned_over_seeds("fit", [1e-3, 3e-3, 1e-2], seeds=[0])
    with pytest.raises(TypeError, match="val_mae"):
        tuned_over_seeds(lambda rate, seed: {"loss": 1.0}, [1e-3, 3e-3, 1e-2], seeds=[0])
    with pytest.raises(ValueError, match="distinct"):
        tuned_over_seeds(_runs_at(3e-3)[0], [1e-3, 3e-3, 1e-2], seeds=[0, 0])
    with pytest.raises(ValueError, match="at least 3"):
        tuned_over_seeds(_runs_at(3e-3)[0], [1e-3, 3e-3], seeds=[0])


def test_tuned_over_seeds_without_widenings_trains_the_grid_only():
    train_at_rate, calls = _runs_at(100.0)
    _, rate, _ = tuned_over_seeds(train_at_rate, [1e-3, 3e-3, 1e-2], seeds=[0], max_widenings=0, allow_edge=True)
    assert rate == 1e-2 and calls == [(1e-3, 0), (3e-3, 0), (1e-2, 0)]
