"""Deployment helpers (lesson 10: export, streaming inference with state, LiteRT, quantisation).

Lesson 10 explains each piece; these are the shared versions:

- `step_model`: a Keras model that runs one step of a trained [Embedding ->] GRU -> Dense
  model: [input at one step, state] -> {output, new state}, with the trained weights.
- `recorded_step_inputs`: the (input, state) pairs a step model sees while reading
  sequences (the representative data of full-integer quantisation).
- `export_saved_model`: `model.export` (batch free or a fixed input signature), quietly, on
  every supported Keras.
- `convert_saved_model`: a SavedModel to a LiteRT (.tflite) file, float32 or quantised.
- `convert_all`: several such conversions in child Python processes, so that a converter
  that crashes (an abort in C++) becomes a result row with the reason, not a dead kernel;
  each child converts several models (TensorFlow is imported once per child);
  `convert_in_subprocess` converts one.
- `litert_runner`: the signature runner of a .tflite file, from the maintained
  `ai-edge-litert` interpreter.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np

from ..core import checks
from ..core.paths import REPO_ROOT

QUANTIZATIONS = ("float32", "float16", "dynamic-range int8", "full integer int8")
RESULT_MARK = "CONVERSION RESULT:"


# ---------------------------------------------------------------- one step at a time
def step_model(sequence_model, name: str = "step"):
    """Inputs [x_t, state] -> outputs {"output", "state"}: one step of `sequence_model`.

    `sequence_model` is a trained Sequential [Embedding ->] GRU -> Dense (Dropout layers
    are skipped: they do nothing at inference). The step model has its own GRUCell and
    layers, loaded with the trained weights: a GRU layer is a loop over exactly such a
    cell, so carrying "state" from call to call gives the GRU's outputs, one step each.
    Call it as `step([x_t, state])`. The inputs are a list, not a dict: some Keras 3
    releases (3.8 among them) cannot export a model whose inputs are a dict, and a list
    works in every Keras 3 the course supports; the exported signature still names them
    "x_t" and "state" (the names of the Inputs), so a LiteRT runner takes them by name.
    """
    import keras

    layers = [layer for layer in sequence_model.layers if not isinstance(layer, keras.layers.Dropout)]
    kinds = [type(layer).__name__ for layer in layers]
    if kinds not in (["GRU", "Dense"], ["Embedding", "GRU", "Dense"]):
        raise ValueError(f"step_model needs [Embedding ->] GRU -> Dense, got {' -> '.join(kinds)}")
    *before, gru, dense = layers
    if before:
        x_t = keras.Input(shape=(), dtype="int32", name="x_t")  # one character id per row
    else:
        x_t = keras.Input(shape=(sequence_model.inputs[0].shape[-1],), name="x_t")  # one time step's features
    state = keras.Input(shape=(gru.units,), name="state")
    x = x_t
    for layer in before:
        copy = layer.__class__.from_config(layer.get_config())
        x = copy(x)
        copy.set_weights(layer.get_weights())
    cell = keras.layers.GRUCell(gru.units, reset_after=gru.cell.reset_after, name="gru_cell")
    new_state, _ = cell(x, [state])
    cell.set_weights(gru.get_weights())  # a GRU layer's weights are its cell's weights
    head = dense.__class__.from_config(dense.get_config())
    output = head(new_state)
    head.set_weights(dense.get_weights())
    return keras.Model([x_t, state], {"output": output, "state": new_state}, name=name)


def recorded_step_inputs(step, sequences) -> dict[str, np.ndarray]:
    """Every (x_t, state) that `step` sees while reading `sequences` (batch, time, ...) from zero.

    Returns {"x_t": (batch * time, ...), "state": (batch * time, units)}, float32 or int32.
    """
    sequences = np.asarray(sequences)
    units = step.get_layer("gru_cell").units
    state = np.zeros((len(sequences), units), dtype="float32")
    seen = {"x_t": [], "state": []}
    for t in range(sequences.shape[1]):
        seen["x_t"].append(sequences[:, t])
        seen["state"].append(state)
        state = np.asarray(step([sequences[:, t], state])["state"])
    return {name: np.concatenate(parts) for name, parts in seen.items()}


# ---------------------------------------------------------------- export
def export_saved_model(model, directory, input_signature=None) -> None:
    """`model.export(directory)`: a SavedModel whose "serving_default" signature runs `model`, quietly.

    `input_signature`: None (the model's inputs, batch size free) or a list of `tf.TensorSpec`
    with the shapes the signature accepts (e.g. the batch fixed to 1). This is what
    `model.export(directory, input_signature=..., verbose=False)` does in recent Keras; Keras 3.5
    has neither argument, so a signature of our own goes through `keras.export.ExportArchive`
    (what `model.export` uses inside) and Keras' printout of the endpoints is swallowed.
    """
    import keras

    with contextlib.redirect_stdout(io.StringIO()):  # "Saved artifact at ...": no verbose=False in Keras 3.5
        if input_signature is None:
            model.export(str(directory))
        else:
            archive = keras.export.ExportArchive()
            archive.track(model)
            archive.add_endpoint("serve", model.__call__, input_signature=input_signature)
            archive.write_out(str(directory))


# ---------------------------------------------------------------- conversion to LiteRT
def convert_saved_model(saved_model_dir, tflite_path, quantization: str = "float32", representative_npz=None) -> int:
    """Convert a SavedModel (from `model.export`) to a .tflite file; return its size in bytes.

    quantization: "float32" (none), "float16" (weights stored as float16),
    "dynamic-range int8" (weights stored as int8, activations in float), or
    "full integer int8" (weights and activations int8; needs `representative_npz`, a .npz
    of example inputs named like the signature's inputs, to choose activation ranges).
    """
    import tensorflow as tf

    if quantization not in QUANTIZATIONS:
        raise ValueError(f"unknown quantization {quantization!r}; choose one of {QUANTIZATIONS}")
    converter = tf.lite.TFLiteConverter.from_saved_model(str(saved_model_dir))
    if quantization != "float32":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if quantization == "float16":
        converter.target_spec.supported_types = [tf.float16]
    if quantization == "full integer int8":
        if representative_npz is None:
            raise ValueError("full integer quantisation needs representative_npz (example inputs)")
        examples = dict(np.load(representative_npz))
        n = len(next(iter(examples.values())))
        converter.representative_dataset = lambda: ({k: v[i : i + 1] for k, v in examples.items()} for i in range(n))
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    flatbuffer = converter.convert()
    Path(tflite_path).write_bytes(flatbuffer)
    return len(flatbuffer)


def _child_script(jobs: list[dict]) -> str:
    """The Python code a child process runs to convert `jobs`, one after the other (see convert_all).

    After each job it prints one line, RESULT_MARK and {"seconds", "error"} as JSON, so that the
    parent knows which jobs finished if the child dies in the middle of the next one.
    """
    return (
        "import json, time\n"
        "import tensorflow  # imported once, before the clock starts for the first job\n"
        "from utils.lessons.lesson10_deploy import RESULT_MARK, convert_saved_model\n"
        f"for job in json.loads({json.dumps(jobs)!r}):\n"
        "    start, error = time.perf_counter(), None\n"
        "    try:\n"
        "        convert_saved_model(**job)\n"
        "    except Exception as exception:\n"
        "        error = f'{type(exception).__name__}: {exception}'\n"
        "    print(RESULT_MARK, json.dumps({'seconds': time.perf_counter() - start, 'error': error}), flush=True)\n"
    )


def converter_error_reason(message: str) -> str:
    """One line of a converter's exception: TensorFlow's are long, and the first mention of an op says most."""
    lines = message.strip().splitlines() or ["no message"]
    op_lines = [line[line.index("'tf.") :].strip() for line in lines if "'tf." in line]
    return (op_lines[0] if op_lines else lines[0])[:300]


def failure_reason(returncode: int, stdout: str, stderr: str) -> str:
    """One line saying why a child process stopped before reporting a job: its signal or its last words."""
    if returncode < 0:
        return f"the converter crashed: killed by signal {signal.Signals(-returncode).name}"
    last = [line.strip() for line in stderr.splitlines() if line.strip()]
    return f"the converter exited with code {returncode}: {last[-1][:300] if last else 'no message'}"


def _result_row(job: dict, seconds: float, reason: str = "") -> dict:
    """The result row of one job: converted when there is no reason against it and the file exists."""
    converted = not reason and Path(job["tflite_path"]).is_file()
    if not reason and not converted:
        reason = "the converter wrote no file"
    return {
        "format": job["quantization"],
        "converted": converted,
        "size (kB)": Path(job["tflite_path"]).stat().st_size / 1000 if converted else float("nan"),
        "seconds": seconds,
        "reason": reason,
    }


def _convert_in_one_child(jobs: list[dict], timeout: float) -> tuple[list[dict], str]:
    """Convert `jobs` in one child process: the rows of the jobs it reported, and why it stopped early ("" if not)."""
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]),
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    try:
        child = subprocess.run(
            [sys.executable, "-c", _child_script(jobs)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=environment,
            cwd=REPO_ROOT,
        )
        stdout, stopped = child.stdout, failure_reason(child.returncode, child.stdout, child.stderr)
    except subprocess.TimeoutExpired as timed_out:  # its output so far arrives as bytes
        stdout = (timed_out.stdout or b"").decode(errors="replace")
        stopped = f"the converter did not finish within {timeout:g} s"
    reports = [json.loads(line[len(RESULT_MARK) :]) for line in stdout.splitlines() if line.startswith(RESULT_MARK)]
    rows = [
        _result_row(job, report["seconds"], converter_error_reason(report["error"]) if report["error"] else "")
        for job, report in zip(jobs, reports)
    ]
    return rows, "" if len(rows) == len(jobs) else stopped


def _convert_group(jobs: list[dict], timeout: float) -> list[dict]:
    """Convert `jobs` in as few child processes as possible: one, plus a new one after each crash or hang."""
    rows = []
    while len(rows) < len(jobs):
        finished, stopped = _convert_in_one_child(jobs[len(rows) :], timeout)
        rows += finished
        if stopped:  # the child died on the job after the ones it reported: a failure row, then carry on
            rows.append(_result_row(jobs[len(rows)], float("nan"), stopped))
    return rows


def _as_job(saved_model_dir, tflite_path, quantization: str = "float32", representative_npz=None) -> dict:
    """The arguments of convert_saved_model as JSON-ready strings."""
    return {
        "saved_model_dir": str(saved_model_dir),
        "tflite_path": str(tflite_path),
        "quantization": quantization,
        "representative_npz": None if representative_npz is None else str(representative_npz),
    }


def convert_all(jobs: list[dict], workers: int = 2, timeout: float = 600) -> list[dict]:
    """`convert_saved_model(**job)` for every job, in `workers` child processes side by side; rows in order.

    A row: {"format", "converted" (bool), "size (kB)" (NaN on failure), "seconds", "reason"}.
    Each child converts several jobs one after the other (TensorFlow is imported once per child,
    not once per job). A converter that raises gives converted=False and its reason; one that
    aborts (SIGABRT), segfaults or hangs past `timeout` seconds (per child) gives a failure row
    for the job it was converting, and a new child converts the rest. The caller keeps running.
    """
    from concurrent.futures import ThreadPoolExecutor

    checks.positive_int("workers", workers)
    checks.positive_number("timeout", timeout)
    jobs = [_as_job(**job) for job in jobs]
    for job in jobs:
        Path(job["tflite_path"]).unlink(missing_ok=True)  # never measure a file of an earlier run
    groups = [jobs[first::workers] for first in range(min(workers, len(jobs)))]
    with ThreadPoolExecutor(max(len(groups), 1)) as pool:
        group_rows = list(pool.map(lambda group: _convert_group(group, timeout), groups))
    rows = [None] * len(jobs)
    for first, group in enumerate(group_rows):
        rows[first::workers] = group
    return rows


def convert_in_subprocess(
    saved_model_dir, tflite_path, quantization: str = "float32", representative_npz=None, timeout: float = 600
) -> dict:
    """Run `convert_saved_model` in a child Python process; return its result row (see convert_all)."""
    job = _as_job(saved_model_dir, tflite_path, quantization, representative_npz)
    return convert_all([job], workers=1, timeout=timeout)[0]


# ---------------------------------------------------------------- running and timing
def litert_runner(tflite_path, num_threads: int = 1):
    """The "serving_default" signature runner of a .tflite file (ai-edge-litert's Interpreter).

    Call it with the inputs by name, e.g. runner(x_t=..., state=...); it returns a dict of
    outputs. The batch size follows the inputs (the runner resizes them when it changes).
    """
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:  # no ai-edge-litert wheel (Intel macOS): TensorFlow's older, deprecated copy
        from tensorflow.lite.python.interpreter import Interpreter

    interpreter = Interpreter(model_path=str(tflite_path), num_threads=num_threads)
    return interpreter.get_signature_runner("serving_default")
