"""utils.lessons.lesson03_compare (lesson 03): the fair-comparison helper, on tiny models."""

import math

import matplotlib

matplotlib.use("Agg")

import keras
import numpy as np
import pandas as pd
import pytest

from utils.lessons.lesson03_compare import (
    benchmark_steps,
    compare_models,
    epochs_to_reach,
    layer_params,
    matching_units,
    per_example_errors,
    plot_comparison,
    plot_curves,
    summary,
    tuned_runs,
)

RNG = np.random.default_rng(0)
TRAIN = (RNG.random((32, 3, 2), dtype="float32"), RNG.random((32, 1), dtype="float32"))
VAL = (RNG.random((16, 3, 2), dtype="float32"), RNG.random((16, 1), dtype="float32"))


def tiny_model(units):
    def build(seed):
        model = keras.Sequential(
            [keras.Input((3, 2)), keras.layers.Flatten(), keras.layers.Dense(units), keras.layers.Dense(1)]
        )
        model.compile("sgd", "mse", metrics=["mae"])
        return model

    return build


def run(builders=None, train=TRAIN, val=VAL, **kwargs):
    options = {"epochs": 2, "seeds": [0], "batch_size": 8, "latency_repeats": 2} | kwargs
    builders = {"small": tiny_model(2)} if builders is None else builders
    return compare_models(builders, train, val, **options)


@pytest.fixture(scope="module")
def two_models_two_seeds():
    return run({"small": tiny_model(2), "wide": tiny_model(5)}, epochs=3, seeds=[0, 1], return_curves=True)


def test_one_row_per_model_and_seed_with_every_measurement(two_models_two_seeds):
    table, _ = two_models_two_seeds
    assert list(zip(table["model"], table["seed"])) == [("small", 0), ("small", 1), ("wide", 0), ("wide", 1)]
    for column in [
        "params",
        "seconds_per_epoch",
        "first_epoch_s",
        "batch_latency_ms",
        "seq_latency_ms",
        "peak_memory_mb",
        "val_loss",
        "val_mae",
        "hardware",
    ]:
        assert column in table.columns, column
    assert list(table["params"]) == [6 * 2 + 2 + 3] * 2 + [6 * 5 + 5 + 6] * 2
    assert (table["seconds_per_epoch"] > 0).all() and (table["batch_latency_ms"] > 0).all()
    assert np.allclose(table["seq_latency_ms"], table["batch_latency_ms"] / 8)
    assert table["hardware"].str.contains("TensorFlow").all()


def test_peak_memory_is_nan_without_a_gpu(monkeypatch):
    import tensorflow as tf

    from utils.lessons import lesson03_compare

    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: [])
    memory = lesson03_compare._GpuPeakMemory()
    memory.reset()
    assert np.isnan(memory.peak_mb())


def test_peak_memory_reads_the_gpu_allocator(monkeypatch):
    import tensorflow as tf

    from utils.lessons import lesson03_compare

    resets = []
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: ["GPU:0"])
    monkeypatch.setattr(tf.config.experimental, "reset_memory_stats", resets.append)
    monkeypatch.setattr(tf.config.experimental, "get_memory_info", lambda device: {"current": 0, "peak": 3 * 2**20})
    memory = lesson03_compare._GpuPeakMemory()
    memory.reset()
    assert resets == ["GPU:0"] and memory.peak_mb() == 3.0


def test_curves_hold_every_metric_after_every_epoch(two_models_two_seeds):
    table, curves = two_models_two_seeds
    assert list(curves.columns) == ["model", "seed", "epoch", "metric", "value"]
    assert set(curves["metric"]) == {"loss", "mae", "val_loss", "val_mae"}
    one_run = curves[(curves["model"] == "wide") & (curves["seed"] == 1) & (curves["metric"] == "val_loss")]
    assert list(one_run["epoch"]) == [1, 2, 3]
    assert one_run["value"].iloc[-1] == pytest.approx(table["val_loss"].iloc[3])


def test_same_seed_gives_the_same_result():
    first, again = run(), run()
    assert first["val_loss"].iloc[0] == again["val_loss"].iloc[0]


def uncompiled(seed):
    return keras.Sequential([keras.Input((3, 2)), keras.layers.Flatten(), keras.layers.Dense(1)])


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"builders": []}, TypeError, "non-empty dict"),
        ({"builders": {}}, TypeError, "non-empty dict"),
        ({"builders": {"gru": "GRU"}}, TypeError, "must be a function"),
        ({"train": TRAIN[0]}, TypeError, r"train must be a pair \(x, y\)"),
        ({"val": (VAL[0], VAL[1][:5])}, ValueError, "val: x has 16 samples but y has 5"),
        ({"epochs": 1}, ValueError, "first epoch also traces"),
        ({"seeds": []}, ValueError, "at least one seed"),
        ({"seeds": [1, 1]}, ValueError, "distinct"),
        ({"seeds": [-1]}, ValueError, "each seed must be an int >= 0"),
        ({"seeds": "0"}, TypeError, "list of ints"),
        ({"batch_size": 17}, ValueError, "larger than the validation set"),
        ({"builders": {"u": uncompiled}}, ValueError, "not compiled"),
        ({"builders": {"n": lambda seed: None}}, TypeError, "not a keras Model"),
    ],
)
def test_bad_input_says_what_is_wrong(kwargs, error, message):
    with pytest.raises(error, match=message):
        run(**kwargs)


def test_a_single_int_seed_is_accepted():
    assert list(run(seeds=3)["seed"]) == [3]


def made_up_table():
    return pd.DataFrame(
        {
            "model": ["LSTM", "LSTM", "GRU", "GRU"],
            "seed": [0, 1, 0, 1],
            "params": [12_345, 12_345, 9_000, 9_000],
            "val_loss": [0.2, 0.4, 0.1, 0.1],
            "peak_memory_mb": [float("nan")] * 4,
            "hardware": ["CPU"] * 4,
        }
    )


def test_summary_shows_mean_plus_minus_std_in_run_order():
    table = summary(made_up_table())
    assert list(table.index) == ["LSTM", "GRU"]
    assert list(table.columns) == ["seeds", "params", "val_loss", "peak_memory_mb"]
    assert table.loc["LSTM", "val_loss"] == "0.3 ± 0.14"
    assert table.loc["GRU", "val_loss"] == "0.1"  # the same for every seed: shown once
    assert table.loc["LSTM", "params"] == "12,345"
    assert table.loc["GRU", "peak_memory_mb"] == "n/a"
    assert table.loc["GRU", "seeds"] == 2


def test_summary_numeric_gives_mean_and_std_columns():
    table = summary(made_up_table(), ["val_loss"], numeric=True)
    assert table.loc["LSTM", ("val_loss", "mean")] == pytest.approx(0.3)
    assert table.loc["LSTM", ("val_loss", "std")] == pytest.approx(math.sqrt(0.02))


def test_summary_and_plot_reject_what_is_not_a_comparison():
    with pytest.raises(KeyError, match=r"no numeric column\(s\) \['hardware'\]"):
        summary(made_up_table(), ["hardware"])
    with pytest.raises(TypeError, match="'model' column"):
        summary(pd.DataFrame({"x": [1]}))
    with pytest.raises(ValueError, match="empty"):
        summary(made_up_table().iloc[:0])
    with pytest.raises(KeyError, match="val_mae"):
        plot_comparison(made_up_table(), ["val_mae"])


def test_plot_comparison_draws_one_panel_per_column():
    axes = plot_comparison(made_up_table(), ["params", "val_loss"])
    assert [ax.get_title() for ax in axes] == ["params", "val_loss"]
    assert len(axes[1].patches) == 2  # one bar per model


def test_layer_params_follow_the_gru_and_lstm_formulas():
    assert layer_params(lambda u: keras.layers.GRU(u), 4, 3) == 3 * (4 * (3 + 4) + 2 * 4)
    assert layer_params(lambda u: keras.layers.LSTM(u), 4, 3) == 4 * (4 * (3 + 4) + 4)


def test_matching_units_finds_the_closest_width():
    lstm = lambda u: keras.layers.LSTM(u)  # noqa: E731
    target = layer_params(lambda u: keras.layers.GRU(u), 32, 8)
    units = matching_units(lstm, target, 8)
    gaps = {u: abs(layer_params(lstm, u, 8) - target) for u in (units - 1, units, units + 1)}
    assert gaps[units] == min(gaps.values())
    assert 24 <= units < 32  # an LSTM needs fewer units than a GRU for the same weights
    assert matching_units(lstm, layer_params(lstm, 10, 8), 8) == 10


def test_matching_units_rejects_impossible_requests():
    with pytest.raises(ValueError, match="raise max_units"):
        matching_units(lambda u: keras.layers.GRU(u), 10**9, 8, max_units=16)
    with pytest.raises(TypeError, match="make_layer must be a function"):
        matching_units(keras.layers.GRU(4), 100, 8)
    with pytest.raises(TypeError, match=r"make_layer\(1\) returned int, not a keras layer"):
        matching_units(lambda u: u, 100, 8)
    with pytest.raises(ValueError, match="target_params must be a positive int"):
        matching_units(lambda u: keras.layers.GRU(u), 0, 8)


def made_up_curves():
    rows = []
    for seed, values in [(0, [0.3, 0.1, 0.05]), (1, [0.3, 0.2, 0.15])]:
        rows += [
            {"model": "GRU", "seed": seed, "epoch": e, "metric": "val_loss", "value": v}
            for e, v in enumerate(values, start=1)
        ]
    return pd.DataFrame(rows)


def test_epochs_to_reach_gives_the_first_epoch_or_nan():
    reached = epochs_to_reach(made_up_curves(), "val_loss", 0.1)
    assert list(reached.columns) == ["model", "seed", "epochs_to_val_loss"]
    assert reached["epochs_to_val_loss"].iloc[0] == 2
    assert np.isnan(reached["epochs_to_val_loss"].iloc[1])
    higher = epochs_to_reach(made_up_curves(), "val_loss", 0.3, lower_is_better=False)
    assert list(higher["epochs_to_val_loss"]) == [1, 1]


def test_plot_curves_draws_the_mean_per_model():
    ax = plot_curves(made_up_curves(), "val_loss")
    assert [line.get_label() for line in ax.get_lines()] == ["GRU"]
    assert np.allclose(ax.get_lines()[0].get_ydata(), [0.3, 0.15, 0.1])


def test_curve_helpers_name_a_missing_metric():
    with pytest.raises(KeyError, match=r"'val_mae' is not in the curves; available: \['val_loss'\]"):
        plot_curves(made_up_curves(), "val_mae")
    with pytest.raises(TypeError, match="return_curves=True"):
        epochs_to_reach(made_up_curves().drop(columns="seed"), "val_loss", 0.1)


def test_benchmark_steps_times_every_model():
    models = {name: build(0) for name, build in [("small", tiny_model(2)), ("wide", tiny_model(5))]}
    table = benchmark_steps(models, TRAIN[0][:8], TRAIN[1][:8], repeats=3)
    assert list(table["model"]) == ["small", "wide"]
    assert (table[["train_step_ms", "predict_ms"]] > 0).all().all()
    assert list(table["params"]) == [17, 41]


def test_benchmark_steps_rejects_bad_input():
    with pytest.raises(TypeError, match="non-empty dict"):
        benchmark_steps({}, TRAIN[0], TRAIN[1])
    with pytest.raises(TypeError, match="must be a compiled keras Model"):
        benchmark_steps({"u": uncompiled(0)}, TRAIN[0], TRAIN[1])
    with pytest.raises(ValueError, match="same number of samples"):
        benchmark_steps({"s": tiny_model(2)(0)}, TRAIN[0][:8], TRAIN[1][:4])


def test_benchmark_steps_can_return_every_paired_turn():
    models = {name: build(0) for name, build in [("small", tiny_model(2)), ("wide", tiny_model(5))]}
    table, times = benchmark_steps(models, TRAIN[0][:8], TRAIN[1][:8], repeats=3, return_times=True)
    assert list(times.columns) == ["model", "turn", "train_step_ms", "predict_ms"]
    assert list(times["turn"]) == [0, 1, 2, 0, 1, 2]
    small = times[times["model"] == "small"]
    assert np.isclose(small["train_step_ms"].median(), table.loc[0, "train_step_ms"])


# ---------------------------------------------------------------- tuned_runs, per_example_errors
def linear_task(n, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3, 2)).astype("float32")
    return x, x.reshape(n, -1) @ np.linspace(-1, 1, 6, dtype="float32")[:, None]


def sgd_builder(calls):
    def build(learning_rate):
        calls.append(learning_rate)
        model = keras.Sequential([keras.Input((3, 2)), keras.layers.Flatten(), keras.layers.Dense(1)])
        model.compile(keras.optimizers.SGD(learning_rate), "mse")
        return model

    return build


def test_tuned_runs_chooses_an_inner_rate_and_trains_every_seed():
    calls = []
    runs = tuned_runs(
        sgd_builder(calls),
        linear_task(64, 0),
        linear_task(32, 1),
        grid=[1e-3, 1e-2, 1e-1],
        seeds=[0, 1, 2],
        epochs=3,
        batch_size=16,
    )
    assert runs.learning_rate in runs.search.index and not runs.at_edge
    assert runs.search.index.min() < runs.learning_rate < runs.search.index.max()  # never at an edge
    assert runs.search.idxmin() == runs.learning_rate
    assert sorted(runs.models) == [0, 1, 2] and sorted(runs.histories) == [0, 1, 2]
    assert len(calls) == len(runs.search) + 2  # one run per rate tried (seed 0) + seeds 1 and 2 at the chosen rate
    assert calls[-2:] == [runs.learning_rate] * 2
    assert all(len(h["loss"]) == 3 for h in runs.histories.values())
    assert all(value > 0 for value in runs.seconds_per_epoch.values())


def test_tuned_runs_validates_every_epoch_only_when_asked():
    runs = tuned_runs(
        sgd_builder([]),
        linear_task(32, 0),
        linear_task(16, 1),
        grid=[1e-3, 1e-2, 1e-1],
        seeds=[0],
        epochs=2,
        batch_size=16,
        validate_every_epoch=True,
    )
    assert len(runs.histories[0]["val_loss"]) == 2


def test_tuned_runs_at_an_edge_raises_unless_allowed():
    # one epoch of SGD at tiny rates: the largest rate always wins, at the edge
    task = (linear_task(64, 0), linear_task(32, 1))
    with pytest.raises(ValueError, match="still at the edge"):
        tuned_runs(sgd_builder([]), *task, grid=[1e-6, 2e-6, 4e-6], seeds=[0], epochs=1, max_widenings=1)
    runs = tuned_runs(
        sgd_builder([]), *task, grid=[1e-6, 2e-6, 4e-6], seeds=[0], epochs=1, max_widenings=1, allow_edge=True
    )
    assert runs.at_edge and runs.learning_rate == runs.search.index.max() == pytest.approx(8e-6)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"build": "not a function"}, TypeError, "learning_rate -> compiled keras model"),
        ({"grid": [1e-3, 1e-2]}, ValueError, "at least 3"),
        ({"seeds": []}, ValueError, "seed"),
        ({"epochs": 0}, ValueError, "epochs"),
        ({"train": (np.zeros((4, 3, 2)), np.zeros((5, 1)))}, ValueError, "4 samples but y has 5"),
        (
            {
                "build": lambda rate: keras.Sequential(
                    [keras.Input((3, 2)), keras.layers.Flatten(), keras.layers.Dense(1)]
                )
            },
            ValueError,
            r"build\(0.001\) returned a model that is not compiled",
        ),
    ],
)
def test_tuned_runs_rejects_bad_input(kwargs, error, words):
    options = {
        "build": sgd_builder([]),
        "train": linear_task(16, 0),
        "val": linear_task(8, 1),
        "grid": [1e-3, 1e-2, 1e-1],
        "seeds": [0],
        "epochs": 1,
    } | kwargs
    with pytest.raises(error, match=words):
        tuned_runs(options.pop("build"), options.pop("train"), options.pop("val"), **options)


def test_per_example_errors_give_the_mae_and_mse_per_row():
    x, y = linear_task(20, 3)
    models = {seed: sgd_builder([])(0.01) for seed in (0, 1)}
    absolute = per_example_errors(models, x, y, "absolute")
    squared = per_example_errors(models[0], x, y, "squared")
    assert absolute.shape == (2, 20) and squared.shape == (1, 20)
    prediction = models[0].predict(x, verbose=0)
    assert np.isclose(absolute[0].mean(), np.abs(prediction - y).mean(), rtol=1e-5)
    assert np.isclose(squared[0].mean(), ((prediction - y) ** 2).mean(), rtol=1e-5)


def test_per_example_errors_reject_bad_input():
    x, y = linear_task(8, 3)
    model = sgd_builder([])(0.01)
    with pytest.raises(ValueError, match="'absolute' or 'squared'"):
        per_example_errors(model, x, y, "relative")
    with pytest.raises(TypeError, match="keras model"):
        per_example_errors([], x, y)
    with pytest.raises(ValueError, match="predicts 1 value"):
        per_example_errors(model, x, np.zeros((8, 24)))
