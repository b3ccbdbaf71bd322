"""Compare models fairly: same data, same budget, several seeds, one tidy table (lesson 03).

Lesson 03 uses it to measure GRU against LSTM; it works for any compiled Keras models,
so you can rerun the comparison on your own data:

    table = compare_models({"GRU": build_gru, "LSTM": build_lstm},
                           (x_train, y_train), (x_val, y_val), epochs=10, seeds=[0, 1, 2])
    summary(table)               # mean ± std per model
    plot_comparison(table, ["seconds_per_epoch", "val_loss"])

    table, curves = compare_models(..., return_curves=True)
    plot_curves(curves, "val_loss")          # learning curves: mean over seeds, min-max band
    epochs_to_reach(curves, "val_loss", 0.05)  # how fast each run got there

    benchmark_steps({"GRU": gru_model, "LSTM": lstm_model}, x_batch, y_batch)
                                 # careful speed: interleaved single training steps

    matching_units(keras.layers.LSTM, target_params, input_dim)
                                 # the width that gives a layer about `target_params` weights
    describe_machine()       # what the timings were measured on

What each column of `compare_models` means (one row per model and seed):

    params             trainable + non-trainable weights of the whole model
    seconds_per_epoch  median training time of epochs 2..N; the first epoch is left out
                       because it also traces and compiles the training graph, and
                       validation is left out of every epoch
    first_epoch_s      the first epoch alone (tracing included), to show that cost
    batch_latency_ms   median time of `predict_on_batch` on one batch of `batch_size`
                       validation sequences (after one warm-up call)
    seq_latency_ms     batch_latency_ms / batch_size: the cost of one sequence in a batch
    peak_memory_mb     peak GPU memory of the run, read from TensorFlow's GPU allocator;
                       NaN on a CPU, where TensorFlow's statistics miss most buffers
    val_<metric>       every validation metric the model was compiled with, after the last epoch
    hardware           where it ran (see `utils.describe_machine`)
"""

from __future__ import annotations

import time
from typing import Callable

import numpy as np
import pandas as pd

from ..core.seed import set_seed
from ..core import checks
from ..core.callbacks import EpochTimer
from ..core.machine import describe_machine
from ..core.timer import median_seconds

# ---------------------------------------------------------------- input checks
def _check_builders(builders) -> None:
    if not isinstance(builders, dict) or not builders:
        raise TypeError(
            "builders must be a non-empty dict {name: function(seed) -> compiled keras model}, "
            f"got {type(builders).__name__}"
        )
    for name, build in builders.items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"model names must be non-empty strings, got {name!r}")
        if not callable(build):
            raise TypeError(
                f"builders[{name!r}] must be a function that takes a seed and returns a compiled "
                f"model, got {type(build).__name__}"
            )


def _check_split(what: str, split) -> int:
    """Check an (x, y) pair of arrays with the same number of samples; return that number."""
    if not isinstance(split, (tuple, list)) or len(split) != 2:
        raise TypeError(f"{what} must be a pair (x, y) of arrays, got {type(split).__name__}")
    x, y = split
    n_x, n_y = np.shape(x)[:1], np.shape(y)[:1]
    if not n_x or not n_y:
        raise ValueError(f"{what}: x and y must be arrays with a first axis of samples")
    if n_x[0] != n_y[0]:
        raise ValueError(f"{what}: x has {n_x[0]} samples but y has {n_y[0]}; they must match")
    if n_x[0] == 0:
        raise ValueError(f"{what} is empty")
    return n_x[0]


def _check_model(name: str, model) -> None:
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"builders[{name!r}] returned {type(model).__name__}, not a keras Model")
    if not model.compiled:
        raise ValueError(
            f"builders[{name!r}] returned a model that is not compiled; call "
            "model.compile(optimizer, loss, metrics=...) inside the builder, so every seed "
            "gets a fresh optimizer"
        )


# ---------------------------------------------------------------- measuring
class _GpuPeakMemory:
    """Peak GPU memory of a run in MiB from TensorFlow's allocator; NaN without a GPU.

    On a CPU, `tf.config.experimental.get_memory_info("CPU:0")` misses most of the buffers
    a training step allocates (lesson 03 shows it), and tracemalloc sees only Python's own
    objects, not TensorFlow's buffers, so there is nothing trustworthy to report.
    """

    def __init__(self) -> None:
        import tensorflow as tf

        self.tf = tf
        self.device = "GPU:0" if tf.config.list_physical_devices("GPU") else None

    def reset(self) -> None:
        if self.device:
            self.tf.config.experimental.reset_memory_stats(self.device)

    def peak_mb(self) -> float:
        if not self.device:
            return float("nan")
        return self.tf.config.experimental.get_memory_info(self.device)["peak"] / 2**20


def _epoch_timer():
    """Seconds of each epoch's training batches (validation excluded)."""
    return EpochTimer(include_validation=False)


def _median_latency_ms(model, batch, repeats: int) -> float:
    # one warm-up call traces the prediction graph
    return median_seconds(lambda: model.predict_on_batch(batch), repeats=repeats, warmup=1) * 1000


def compare_models(
    builders: dict[str, Callable[[int], object]],
    train: tuple,
    val: tuple,
    *,
    epochs: int,
    seeds=(0,),
    batch_size: int = 32,
    latency_repeats: int = 10,
    return_curves: bool = False,
):
    """Train every model with every seed on the same data; one row per (model, seed).

    builders: {name: function(seed) -> compiled keras model}. Build *and compile* inside
      the function, so each run starts from fresh weights and a fresh optimizer; the
      global seed is set with `utils.set_seed(seed)` just before it is called.
    train, val: (x, y) pairs of arrays. Validation data gives the final quality and the
      batch used for the latency measurement, so it needs at least `batch_size` samples.
    epochs: at least 2, because the first epoch (graph tracing) is excluded from
      `seconds_per_epoch`; the columns are described in this module's docstring.
    return_curves: also return a long table (model, seed, epoch, metric, value) of every
      metric after every epoch, for learning curves.
    """
    _check_builders(builders)
    _check_split("train", train)
    n_val = _check_split("val", val)
    checks.whole_number("epochs", epochs, minimum=2,
                        why=" (the first epoch also traces the graph and is not timed)")
    seeds = checks.seed_list(seeds)
    checks.whole_number("batch_size", batch_size)
    checks.whole_number("latency_repeats", latency_repeats)
    if batch_size > n_val:
        raise ValueError(
            f"batch_size={batch_size} is larger than the validation set ({n_val} samples); "
            "the latency is measured on one validation batch, so use a smaller batch_size"
        )

    hardware = describe_machine()
    memory = _GpuPeakMemory()
    latency_batch = val[0][:batch_size]
    rows, curves = [], []
    for name, build in builders.items():
        for seed in seeds:
            set_seed(seed)
            memory.reset()
            model = build(seed)
            _check_model(name, model)
            timer = _epoch_timer()
            history = model.fit(*train, validation_data=tuple(val), epochs=epochs,
                                batch_size=batch_size, callbacks=[timer], verbose=0).history
            batch_ms = _median_latency_ms(model, latency_batch, latency_repeats)
            final = {key: values[-1] for key, values in history.items() if key.startswith("val_")}
            rows.append({
                "model": name,
                "seed": seed,
                "params": model.count_params(),
                "seconds_per_epoch": float(np.median(timer.seconds[1:])),
                "first_epoch_s": timer.seconds[0],
                "batch_latency_ms": batch_ms,
                "seq_latency_ms": batch_ms / batch_size,
                "peak_memory_mb": memory.peak_mb(),
                **final,
                "hardware": hardware,
            })
            curves += [
                {"model": name, "seed": seed, "epoch": epoch, "metric": key, "value": value}
                for key, values in history.items() for epoch, value in enumerate(values, start=1)
            ]
    table = pd.DataFrame(rows)
    return (table, pd.DataFrame(curves)) if return_curves else table


# ---------------------------------------------------------------- careful speed
def benchmark_steps(models: dict, x, y, repeats: int = 20) -> pd.DataFrame:
    """Median milliseconds of one training step and one prediction, per model.

    models: {name: compiled, built keras model}; x, y: one batch. The models take turns
    (GRU, LSTM, GRU, LSTM, ...), so a background job that slows the machine slows every
    model alike, and the medians of `repeats` turns are comparable even on a shared CPU.
    One warm-up turn per model (graph tracing) is not timed.
    """
    import keras

    if not isinstance(models, dict) or not models:
        raise TypeError("models must be a non-empty dict {name: compiled keras model}")
    for name, model in models.items():
        if not isinstance(model, keras.Model) or not model.compiled:
            raise TypeError(f"models[{name!r}] must be a compiled keras Model")
    checks.whole_number("repeats", repeats)
    if np.shape(x)[:1] != np.shape(y)[:1] or not np.shape(x)[:1]:
        raise ValueError(f"x and y must be one batch with the same number of samples, "
                         f"got shapes {np.shape(x)} and {np.shape(y)}")
    train_ms = {name: [] for name in models}
    predict_ms = {name: [] for name in models}
    for turn in range(repeats + 1):
        for name, model in models.items():
            start = time.perf_counter()
            model.train_on_batch(x, y)
            middle = time.perf_counter()
            model.predict_on_batch(x)
            end = time.perf_counter()
            if turn:  # turn 0 is the warm-up
                train_ms[name].append((middle - start) * 1000)
                predict_ms[name].append((end - middle) * 1000)
    return pd.DataFrame({
        "model": list(models),
        "params": [model.count_params() for model in models.values()],
        "train_step_ms": [float(np.median(train_ms[name])) for name in models],
        "predict_ms": [float(np.median(predict_ms[name])) for name in models],
    })


# ---------------------------------------------------------------- summarising
def _check_table(table: pd.DataFrame) -> list[str]:
    """The numeric measurement columns of a `compare_models` table."""
    if not isinstance(table, pd.DataFrame) or "model" not in table.columns:
        raise TypeError("expected the DataFrame that compare_models returns (it has a 'model' column)")
    if table.empty:
        raise ValueError("the comparison table is empty")
    return [c for c in table.columns
            if c not in ("model", "seed") and pd.api.types.is_numeric_dtype(table[c])]


def _mean_std_text(values: pd.Series) -> str:
    values = values.dropna()
    if values.empty:
        return "n/a"
    mean = values.mean()
    if (values == values.iloc[0]).all():  # one seed, or a count that no seed changes
        return f"{mean:,.0f}" if float(mean).is_integer() and abs(mean) >= 1000 else f"{mean:.3g}"
    return f"{mean:.3g} ± {values.std():.2g}"


def summary(table: pd.DataFrame, columns: list[str] | None = None, numeric: bool = False) -> pd.DataFrame:
    """Mean ± standard deviation over seeds, one row per model (in the order they were run).

    By default each cell is text such as '0.231 ± 0.012' (std over seeds, ddof=1; a value
    that is the same for every seed, like `params`, is shown once). `numeric=True` gives
    the numbers instead, with (column, 'mean' | 'std') columns, for plots or ratios.
    NaN measurements (e.g. peak_memory_mb on a CPU) are shown as 'n/a'.
    """
    available = _check_table(table)
    columns = available if columns is None else list(columns)
    unknown = [c for c in columns if c not in available]
    if unknown:
        raise KeyError(f"no numeric column(s) {unknown} in the table; available: {available}")
    groups = table.groupby("model", sort=False)
    if numeric:
        return groups[columns].agg(["mean", "std"])
    out = pd.DataFrame({c: groups[c].agg(_mean_std_text) for c in columns})
    out.insert(0, "seeds", groups.size())
    return out


def plot_comparison(table: pd.DataFrame, columns: list[str], axes=None):
    """One bar chart per column: the mean per model, an error bar of ±1 std, a dot per seed."""
    import matplotlib.pyplot as plt

    available = _check_table(table)
    unknown = [c for c in columns if c not in available]
    if unknown:
        raise KeyError(f"no numeric column(s) {unknown} in the table; available: {available}")
    if axes is None:
        _, axes = plt.subplots(1, len(columns), figsize=(4 * len(columns), 3.5), squeeze=False)
        axes = axes[0]
    stats = summary(table, columns, numeric=True)
    models = list(stats.index)
    for ax, column in zip(axes, columns):
        positions = np.arange(len(models))
        ax.bar(positions, stats[(column, "mean")], yerr=stats[(column, "std")].fillna(0),
               capsize=4, alpha=0.6)
        for i, model in enumerate(models):
            values = table.loc[table["model"] == model, column]
            ax.plot(np.full(len(values), i), values, "k.", alpha=0.7)
        ax.set_xticks(positions, models, rotation=30, ha="right")
        ax.set_title(column)
    return axes


# ---------------------------------------------------------------- learning curves
def _check_curves(curves: pd.DataFrame, metric: str) -> pd.DataFrame:
    """The rows of one metric from the long `curves` table of `compare_models`."""
    needed = {"model", "seed", "epoch", "metric", "value"}
    if not isinstance(curves, pd.DataFrame) or not needed <= set(curves.columns):
        raise TypeError("expected the curves table of compare_models(..., return_curves=True)")
    rows = curves[curves["metric"] == metric]
    if rows.empty:
        raise KeyError(f"metric {metric!r} is not in the curves; available: {sorted(set(curves['metric']))}")
    return rows


def epochs_to_reach(curves: pd.DataFrame, metric: str, threshold: float, lower_is_better: bool = True) -> pd.DataFrame:
    """The first epoch at which each run reached `threshold` (NaN if it never did)."""
    rows = _check_curves(curves, metric)
    reached = rows["value"] <= threshold if lower_is_better else rows["value"] >= threshold
    first = rows[reached].groupby(["model", "seed"], sort=False)["epoch"].min()
    runs = rows[["model", "seed"]].drop_duplicates().set_index(["model", "seed"]).index
    return first.reindex(runs).rename(f"epochs_to_{metric}").reset_index()


def plot_curves(curves: pd.DataFrame, metric: str, ax=None):
    """One line per model: the mean over seeds of `metric` per epoch, shaded from min to max."""
    import matplotlib.pyplot as plt

    rows = _check_curves(curves, metric)
    ax = ax or plt.subplots()[1]
    for model, runs in rows.groupby("model", sort=False):
        by_epoch = runs.groupby("epoch")["value"]
        mean = by_epoch.mean()
        line, = ax.plot(mean.index, mean.values, "o-", label=model)
        ax.fill_between(mean.index, by_epoch.min(), by_epoch.max(), color=line.get_color(), alpha=0.2)
    ax.set(xlabel="epoch", ylabel=metric, title=f"{metric} (mean over seeds, band: min to max)")
    ax.legend()
    return ax


# ---------------------------------------------------------------- fair widths
def layer_params(make_layer: Callable[[int], object], units: int, input_dim: int) -> int:
    """Parameter count of `make_layer(units)` fed vectors of size `input_dim`."""
    import keras

    if isinstance(make_layer, keras.layers.Layer) or not callable(make_layer):
        raise TypeError(
            "make_layer must be a function units -> new layer, e.g. lambda u: keras.layers.GRU(u), "
            f"not {type(make_layer).__name__}"
        )
    layer = make_layer(units)
    if not isinstance(layer, keras.layers.Layer):
        raise TypeError(f"make_layer({units}) returned {type(layer).__name__}, not a keras layer")
    layer.build((None, None, input_dim))
    return layer.count_params()


def matching_units(make_layer: Callable[[int], object], target_params: int, input_dim: int,
                   max_units: int = 2048) -> int:
    """The width whose layer has the parameter count closest to `target_params`.

    make_layer: function(units) -> recurrent layer, e.g. `keras.layers.LSTM` itself or
      `lambda u: keras.layers.GRU(u, reset_after=False)` when the layer needs arguments.
    Example: the LSTM as big as a GRU(64) on 8 features:
        matching_units(keras.layers.LSTM, layer_params(keras.layers.GRU, 64, 8), 8)
    """
    checks.whole_number("target_params", target_params)
    checks.whole_number("input_dim", input_dim)
    high = 1  # parameter counts grow with width: double until big enough, then bisect
    while layer_params(make_layer, high, input_dim) < target_params:
        if high >= max_units:
            raise ValueError(
                f"even {max_units} units give fewer than {target_params} parameters; raise max_units"
            )
        high = min(2 * high, max_units)
    low = high // 2 + 1 if high > 1 else 1
    while low < high:  # the first width with at least target_params parameters
        middle = (low + high) // 2
        if layer_params(make_layer, middle, input_dim) < target_params:
            low = middle + 1
        else:
            high = middle
    candidates = [u for u in (low - 1, low) if u >= 1]
    return min(candidates, key=lambda u: abs(layer_params(make_layer, u, input_dim) - target_params))
