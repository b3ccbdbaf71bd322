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

    runs = tuned_runs(lambda rate: build(rate), (x_train, y_train), (x_val, y_val),
                      grid=[1e-3, 3e-3, 1e-2], seeds=[0, 1, 2], epochs=10)
                                 # one learning rate per model and task, chosen on validation
                                 # (utils.core.protocol.learning_rate_search), then every seed
    per_example_errors(runs.models, x_test, y_test, "absolute")
                                 # (seeds, examples) errors for protocol.bootstrap_difference

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
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core import checks, protocol
from ..core.callbacks import EpochTimer
from ..core.machine import describe_machine
from ..core.seed import set_seed
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


def _check_model(name: str, model, what: str | None = None) -> None:
    import keras

    what = what or f"builders[{name!r}]"
    if not isinstance(model, keras.Model):
        raise TypeError(f"{what} returned {type(model).__name__}, not a keras Model")
    if not model.compiled:
        raise ValueError(
            f"{what} returned a model that is not compiled; call "
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
    checks.whole_number("epochs", epochs, minimum=2, why=" (the first epoch also traces the graph and is not timed)")
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
            history = model.fit(
                *train, validation_data=tuple(val), epochs=epochs, batch_size=batch_size, callbacks=[timer], verbose=0
            ).history
            batch_ms = _median_latency_ms(model, latency_batch, latency_repeats)
            final = {key: values[-1] for key, values in history.items() if key.startswith("val_")}
            rows.append(
                {
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
                }
            )
            curves += [
                {"model": name, "seed": seed, "epoch": epoch, "metric": key, "value": value}
                for key, values in history.items()
                for epoch, value in enumerate(values, start=1)
            ]
    table = pd.DataFrame(rows)
    return (table, pd.DataFrame(curves)) if return_curves else table


# ---------------------------------------------------------------- careful speed
def benchmark_steps(models: dict, x, y, repeats: int = 20, return_times: bool = False):
    """Median milliseconds of one training step and one prediction, per model.

    models: {name: compiled, built keras model}; x, y: one batch. The models take turns
    (GRU, LSTM, GRU, LSTM, ...), so a background job that slows the machine slows every
    model alike, and the medians of `repeats` turns are comparable even on a shared CPU.
    One warm-up turn per model (graph tracing) is not timed.
    return_times: also return every timed turn, a long table (model, turn, train_step_ms,
    predict_ms); turns are paired across models, so `protocol.difference` can compare two
    models turn by turn (the turn plays the part of the seed).
    """
    import keras

    if not isinstance(models, dict) or not models:
        raise TypeError("models must be a non-empty dict {name: compiled keras model}")
    for name, model in models.items():
        if not isinstance(model, keras.Model) or not model.compiled:
            raise TypeError(f"models[{name!r}] must be a compiled keras Model")
    checks.whole_number("repeats", repeats)
    if np.shape(x)[:1] != np.shape(y)[:1] or not np.shape(x)[:1]:
        raise ValueError(
            f"x and y must be one batch with the same number of samples, got shapes {np.shape(x)} and {np.shape(y)}"
        )
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
    table = pd.DataFrame(
        {
            "model": list(models),
            "params": [model.count_params() for model in models.values()],
            "train_step_ms": [float(np.median(train_ms[name])) for name in models],
            "predict_ms": [float(np.median(predict_ms[name])) for name in models],
        }
    )
    if not return_times:
        return table
    times = pd.DataFrame(
        [
            {"model": name, "turn": turn, "train_step_ms": train_ms[name][turn], "predict_ms": predict_ms[name][turn]}
            for name in models
            for turn in range(repeats)
        ]
    )
    return table, times


# ---------------------------------------------------------------- summarising
def _check_table(table: pd.DataFrame) -> list[str]:
    """The numeric measurement columns of a `compare_models` table."""
    if not isinstance(table, pd.DataFrame) or "model" not in table.columns:
        raise TypeError("expected the DataFrame that compare_models returns (it has a 'model' column)")
    if table.empty:
        raise ValueError("the comparison table is empty")
    return [c for c in table.columns if c not in ("model", "seed") and pd.api.types.is_numeric_dtype(table[c])]


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
        ax.bar(positions, stats[(column, "mean")], yerr=stats[(column, "std")].fillna(0), capsize=4, alpha=0.6)
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
        (line,) = ax.plot(mean.index, mean.values, "o-", label=model)
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


def matching_units(
    make_layer: Callable[[int], object], target_params: int, input_dim: int, max_units: int = 2048
) -> int:
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
            raise ValueError(f"even {max_units} units give fewer than {target_params} parameters; raise max_units")
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


# ---------------------------------------------------------------- one learning rate per model and task
@dataclass
class TunedRuns:
    """What `tuned_runs` returns: the rate chosen on validation and one trained model per seed."""

    learning_rate: float
    search: pd.Series  # validation score of every rate tried (first seed), by rate
    at_edge: bool  # True only with allow_edge=True when the best stayed at an edge
    models: dict = field(default_factory=dict)  # seed -> model trained at learning_rate
    histories: dict = field(default_factory=dict)  # seed -> fit history (a dict of lists)
    seconds_per_epoch: dict = field(default_factory=dict)  # seed -> median of epochs 2..N, training only


def _fit_once(build, learning_rate, seed, train, val, epochs, batch_size, validate_every_epoch):
    """Seed, build at `learning_rate`, train; return (model, history dict, steady s/epoch, val loss)."""
    set_seed(seed)
    model = build(learning_rate)
    _check_model("", model, what=f"build({learning_rate})")
    timer = _epoch_timer()
    history = model.fit(
        *train,
        epochs=epochs,
        batch_size=batch_size,
        verbose=0,
        callbacks=[timer],
        validation_data=tuple(val) if validate_every_epoch else None,
    ).history
    val_loss = float(model.evaluate(*val, batch_size=batch_size, verbose=0, return_dict=True)["loss"])
    steady = float(np.median(timer.seconds[1:])) if len(timer.seconds) > 1 else float("nan")
    return model, history, steady, val_loss


def tuned_runs(
    build: Callable[[float], object],
    train: tuple,
    val: tuple,
    *,
    grid,
    seeds,
    epochs: int,
    batch_size: int = 32,
    validate_every_epoch: bool = False,
    max_widenings: int = 3,
    allow_edge: bool = False,
) -> TunedRuns:
    """Choose a learning rate on validation, then train every seed at it (lesson 03's protocol).

    build(learning_rate) -> a new, compiled model (the global seed is set just before each
      call, so build inside the function); its loss on `val` after the last epoch is the score.
    The search uses the first seed: one run per rate of `grid`, widened by
    `utils.core.protocol.learning_rate_search` while the best rate sits at an edge. The
    first seed's run at the chosen rate is kept; the other seeds are then trained at it.
    Choosing on `val` means `val` is spent: judge the models on data that was not used
    (a test split), e.g. with `per_example_errors` and `protocol.bootstrap_difference`.
    validate_every_epoch: also record the validation loss after every epoch (learning curves).
    allow_edge: return the best rate tried even if it is still at an edge (`at_edge=True`)
      instead of raising; for fast mode only, where a few steps always favour large rates.
    """
    if not callable(build):
        raise TypeError(f"build must be a function learning_rate -> compiled keras model, got {type(build).__name__}")
    _check_split("train", train)
    _check_split("val", val)
    seeds = checks.seed_list(seeds)
    checks.whole_number("epochs", epochs)
    checks.whole_number("batch_size", batch_size)
    checks.whole_number("max_widenings", max_widenings, minimum=0)
    options = {
        "train": train,
        "val": val,
        "epochs": epochs,
        "batch_size": batch_size,
        "validate_every_epoch": validate_every_epoch,
    }
    tried = {}

    def score(rate: float) -> float:
        tried[rate] = _fit_once(build, rate, seeds[0], **options)
        return tried[rate][3]

    at_edge = False
    try:
        rate, search = protocol.learning_rate_search(score, grid, max_widenings=max_widenings)
    except ValueError:
        if not allow_edge or not tried:
            raise
        search = pd.Series({r: run[3] for r, run in tried.items()}).sort_index()
        search = search.where(np.isfinite(search), np.inf)
        search.index.name, search.name = "learning_rate", "validation score"
        rate, at_edge = float(search.idxmin()), True
    model, history, steady, _ = tried[rate]
    result = runs_at_rate(
        build, rate, train, val, seeds=seeds[1:], **{k: v for k, v in options.items() if k not in ("train", "val")}
    )
    result.search, result.at_edge = search, at_edge
    result.models = {seeds[0]: model, **result.models}
    result.histories = {seeds[0]: history, **result.histories}
    result.seconds_per_epoch = {seeds[0]: steady, **result.seconds_per_epoch}
    return result


def runs_at_rate(
    build: Callable[[float], object],
    learning_rate: float,
    train: tuple,
    val: tuple,
    *,
    seeds,
    epochs: int,
    batch_size: int = 32,
    validate_every_epoch: bool = False,
) -> TunedRuns:
    """Train every seed at a learning rate chosen elsewhere (e.g. by `tuned_runs` on another size).

    Same arguments as `tuned_runs`, with the rate instead of a grid; `search` is empty.
    An empty `seeds` list is allowed (nothing is trained).
    """
    if not callable(build):
        raise TypeError(f"build must be a function learning_rate -> compiled keras model, got {type(build).__name__}")
    checks.positive_number("learning_rate", learning_rate)
    _check_split("train", train)
    _check_split("val", val)
    seeds = checks.seed_list(seeds) if len(list(seeds)) else []
    checks.whole_number("epochs", epochs)
    checks.whole_number("batch_size", batch_size)
    search = pd.Series(dtype=float, name="validation score")
    search.index.name = "learning_rate"
    result = TunedRuns(learning_rate=float(learning_rate), search=search, at_edge=False)
    for seed in seeds:
        model, history, steady, _ = _fit_once(
            build, learning_rate, seed, train, val, epochs, batch_size, validate_every_epoch
        )
        result.models[seed], result.histories[seed], result.seconds_per_epoch[seed] = model, history, steady
    return result


def per_example_errors(models, x, y, kind: str = "absolute", batch_size: int = 256) -> np.ndarray:
    """Each model's error on each example, shape (models, examples), for `protocol.bootstrap_difference`.

    models: one keras model, a list of them, or a dict seed -> model (a `TunedRuns.models`).
    kind: "absolute" (mean absolute error over each example's outputs, e.g. the 24 hours of
      a forecast) or "squared" (mean squared error per example). The mean of a row is the
      model's MAE or MSE on (x, y).
    """
    import keras

    if kind not in ("absolute", "squared"):
        raise ValueError(f"kind must be 'absolute' or 'squared', got {kind!r}")
    if isinstance(models, keras.Model):
        models = [models]
    models = list(models.values()) if isinstance(models, dict) else list(models)
    if not models or not all(isinstance(m, keras.Model) for m in models):
        raise TypeError("models must be a keras model, a list of models or a dict seed -> model")
    n = _check_split("(x, y)", (x, y))
    target = np.asarray(y, dtype="float32").reshape(n, -1)
    rows = []
    for model in models:
        prediction = np.asarray(model.predict(x, batch_size=batch_size, verbose=0), dtype="float32").reshape(n, -1)
        if prediction.shape != target.shape:
            raise ValueError(f"the model predicts {prediction.shape[1]} value(s) per example, y has {target.shape[1]}")
        error = prediction - target
        rows.append(np.abs(error).mean(axis=1) if kind == "absolute" else (error**2).mean(axis=1))
    return np.stack(rows)
