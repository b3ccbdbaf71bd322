"""Deployment helpers (lesson 10: export, streaming inference with state, LiteRT, quantisation, serving).

Lesson 10 explains each piece; these are the shared versions:

- `step_model`: a Keras model that runs one step of a trained [Embedding ->] GRU -> Dense
  model: [input at one step, state] -> {output, new state}, with the trained weights and the
  layer's own cell configuration; it refuses what one step cannot reproduce (masking,
  `go_backwards`, a bidirectional layer).
- `recorded_step_inputs`: the (input, state) pairs a step model sees while reading
  sequences (the representative data of full-integer quantisation).
- `export_saved_model`: `model.export` (batch free or a fixed input signature), quietly, on
  every supported Keras.
- `convert_saved_model`: a SavedModel to a LiteRT (.tflite) file, float32 or quantised
  (`QUANTIZATIONS`, and `INT8_IO`: full integer with int8 inputs and outputs).
- `convert_all`: several such conversions in child Python processes, so that a converter
  that crashes (an abort in C++) becomes a result row with the reason, not a dead kernel;
  each child converts several models (TensorFlow is imported once per child), each job has
  its own timeout, and an interrupt (Ctrl-C, the stop button) stops every child;
  `convert_in_subprocess` converts one.
- `litert_runner`: the signature runner of a .tflite file, from the maintained
  `ai-edge-litert` interpreter; `BareRunner`: the same inputs and outputs through the
  interpreter's own `set_tensor` / `invoke` / `get_tensor`, without the runner's overhead.
- int8 at the edges: `quantize`, `dequantize`, `requantize`, `int8_range`,
  `quantized_input_range`, `clipped_fraction`, and `Int8Step`, which carries the int8 state of an int8-input/output
  step model from call to call; `op_names` (the operators a runtime must provide) and `c_array` (the file as the C
  array a microcontroller build embeds).
- `latencies` and `latency`: time per call with its spread (median and quartiles over
  repeats), several functions taking turns so that a busy CPU slows them alike.
- `step_sessions` and `StreamServer`: one model serving many streams, a state per session,
  every active session stepped in one batched call.
- `http_endpoint`: a `StreamServer` behind a local HTTP endpoint (standard library only).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import numpy as np

from ..core import checks
from ..core.paths import REPO_ROOT

QUANTIZATIONS = ("float32", "float16", "dynamic-range int8", "full integer int8")
INT8_IO = "full integer int8, int8 input and output"  # the microcontroller form: no float at the edges
RESULT_MARK = "CONVERSION RESULT:"


# ---------------------------------------------------------------- one step at a time
def _refuse_what_one_step_cannot_stream(layers) -> None:
    """Raise a ValueError naming the layer when one cell call per new input would not reproduce the model."""
    import keras

    for layer in layers:
        if isinstance(layer, keras.layers.Bidirectional):
            raise ValueError(
                f"layer {layer.name!r} is Bidirectional: its backward half reads each sequence from the end, "
                "which a stream has not seen yet. Stream a forward GRU (train the model without Bidirectional)."
            )
        if isinstance(layer, keras.layers.Masking) or getattr(layer, "mask_zero", False):
            raise ValueError(
                f"layer {layer.name!r} masks steps (Masking or mask_zero=True): a masked step keeps the old "
                "state, which one call of the step model does not do. Train without masking, or skip the "
                "padded inputs yourself instead of feeding them to the step model."
            )
        if isinstance(layer, keras.layers.GRU) and layer.go_backwards:
            raise ValueError(
                f"layer {layer.name!r} has go_backwards=True: it reads each sequence from the end, which a "
                "stream has not seen yet. Stream a GRU with go_backwards=False."
            )


def step_model(sequence_model, name: str = "step"):
    """Inputs [x_t, state] -> outputs {"output", "state"}: one step of `sequence_model`.

    `sequence_model` is a trained Sequential [Embedding ->] GRU -> Dense (Dropout layers
    are skipped: they do nothing at inference). The step model has its own GRUCell, built
    from the trained layer's cell configuration (activations, `use_bias`, `reset_after`, ...),
    and copies of the other layers, loaded with the trained weights: a GRU layer is a loop
    over exactly such a cell, so carrying "state" from call to call gives the GRU's outputs,
    one step each. Masking, `go_backwards` and Bidirectional are refused with a ValueError:
    one cell call per new input cannot reproduce them.
    Call it as `step([x_t, state])`. The inputs are a list, not a dict: some Keras 3
    releases (3.8 among them) cannot export a model whose inputs are a dict, and a list
    works in every Keras 3 the course supports; the exported signature still names them
    "x_t" and "state" (the names of the Inputs), so a LiteRT runner takes them by name.
    """
    import keras

    layers = [layer for layer in sequence_model.layers if not isinstance(layer, keras.layers.Dropout)]
    _refuse_what_one_step_cannot_stream(layers)
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
    cell = keras.layers.GRUCell.from_config({**gru.cell.get_config(), "name": "gru_cell"})
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
    "dynamic-range int8" (weights stored as int8, activations in float),
    "full integer int8" (weights and activations int8, float inputs and outputs), or
    `INT8_IO` (the same with int8 inputs and outputs, as a microcontroller runs it). The two
    full-integer forms need `representative_npz`, a .npz of example inputs named like the
    signature's inputs, to choose the activation ranges.
    """
    import tensorflow as tf

    if quantization not in (*QUANTIZATIONS, INT8_IO):
        raise ValueError(f"unknown quantization {quantization!r}; choose one of {(*QUANTIZATIONS, INT8_IO)}")
    converter = tf.lite.TFLiteConverter.from_saved_model(str(saved_model_dir))
    if quantization != "float32":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if quantization == "float16":
        converter.target_spec.supported_types = [tf.float16]
    if quantization in ("full integer int8", INT8_IO):
        if representative_npz is None:
            raise ValueError(f"{quantization} needs representative_npz (example inputs, to choose the int8 ranges)")
        examples = dict(np.load(representative_npz))
        n = len(next(iter(examples.values())))
        converter.representative_dataset = lambda: ({k: v[i : i + 1] for k, v in examples.items()} for i in range(n))
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    if quantization == INT8_IO:
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
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


def _stop_child(child: subprocess.Popen) -> None:
    """Kill a converter child and everything it started (its own process group), then reap it."""
    if child.poll() is None:
        try:
            if hasattr(os, "killpg"):
                os.killpg(child.pid, signal.SIGKILL)
            else:  # Windows: no process groups
                child.kill()
        except (ProcessLookupError, PermissionError):
            pass  # it has just ended
    child.wait()


def _read_lines(stream, lines: queue.Queue) -> None:
    """Put every line of `stream` into `lines`, then None at the end (runs in a thread)."""
    for line in stream:
        lines.put(line)
    lines.put(None)


def _drained(lines: queue.Queue) -> str:
    """Everything a reader thread has put into `lines` so far, joined (up to its final None)."""
    parts = []
    while True:
        try:
            line = lines.get_nowait()
        except queue.Empty:
            break
        if line is None:
            break
        parts.append(line)
    return "".join(parts)


def _convert_in_one_child(jobs: list[dict], timeout: float, run: dict) -> tuple[list[dict], str]:
    """Convert `jobs` in one child process: the rows of the jobs it reported, and why it stopped early ("" if not).

    Each job gets `timeout` seconds (the clock restarts at each report). `run` is shared by the
    calls of one convert_all: its "stop" Event ends the child at once, and its "children" set
    lets the caller kill every child still running.
    """
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]),
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    child = subprocess.Popen(
        [sys.executable, "-c", _child_script(jobs)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        cwd=REPO_ROOT,
        start_new_session=True,  # its own process group: Ctrl-C in the notebook reaches only the parent
    )
    run["children"].add(child)
    lines, errors = queue.Queue(), queue.Queue()
    readers = [
        threading.Thread(target=_read_lines, args=(child.stdout, lines), daemon=True),
        threading.Thread(target=_read_lines, args=(child.stderr, errors), daemon=True),
    ]
    for reader in readers:
        reader.start()
    reports, stopped, deadline = [], "", time.monotonic() + timeout
    try:
        while True:
            try:
                line = lines.get(timeout=min(0.2, max(deadline - time.monotonic(), 0)))
            except queue.Empty:
                if run["stop"].is_set():
                    stopped = "stopped by an interrupt"
                    break
                if time.monotonic() >= deadline:
                    stopped = f"the converter did not finish a job within {timeout:g} s"
                    break
                continue
            if line is None:
                break
            if line.startswith(RESULT_MARK):
                reports.append(json.loads(line[len(RESULT_MARK) :]))
                deadline = time.monotonic() + timeout  # the next job's clock
    finally:
        _stop_child(child)
        run["children"].discard(child)
    for reader in readers:
        reader.join(timeout=5)
    if not stopped and len(reports) < len(jobs):
        stopped = failure_reason(child.returncode, "", _drained(errors))
    rows = [
        _result_row(job, report["seconds"], converter_error_reason(report["error"]) if report["error"] else "")
        for job, report in zip(jobs, reports)
    ]
    return rows, "" if len(rows) == len(jobs) else stopped


def _convert_group(jobs: list[dict], timeout: float, run: dict) -> list[dict]:
    """Convert `jobs` in as few child processes as possible: one, plus a new one after each crash or hang."""
    rows = []
    while len(rows) < len(jobs) and not run["stop"].is_set():
        finished, stopped = _convert_in_one_child(jobs[len(rows) :], timeout, run)
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


def convert_all(jobs: list[dict], workers: int = 2, timeout: float = 300) -> list[dict]:
    """`convert_saved_model(**job)` for every job, in `workers` child processes side by side; rows in order.

    A row: {"format", "converted" (bool), "size (kB)" (NaN on failure), "seconds", "reason"}.
    Each child converts several jobs one after the other (TensorFlow is imported once per child,
    not once per job). A converter that raises gives converted=False and its reason; one that
    aborts (SIGABRT), segfaults or spends more than `timeout` seconds on one job gives a failure
    row for that job, and a new child converts the rest. An interrupt (KeyboardInterrupt: Ctrl-C,
    the notebook's stop button) kills every child, starts no new one and is raised again.
    """
    from concurrent.futures import ThreadPoolExecutor

    checks.positive_int("workers", workers)
    checks.positive_number("timeout", timeout)
    jobs = [_as_job(**job) for job in jobs]
    for job in jobs:
        Path(job["tflite_path"]).unlink(missing_ok=True)  # never measure a file of an earlier run
    groups = [jobs[first::workers] for first in range(min(workers, len(jobs)))]
    run = {"stop": threading.Event(), "children": set()}
    pool = ThreadPoolExecutor(max(len(groups), 1))
    futures = [pool.submit(_convert_group, group, timeout, run) for group in groups]
    try:
        group_rows = [future.result() for future in futures]
    except BaseException:  # KeyboardInterrupt above all: stop the children too, not only this thread
        run["stop"].set()
        for child in list(run["children"]):
            _stop_child(child)
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    rows = [None] * len(jobs)
    for first, group in enumerate(group_rows):
        rows[first::workers] = group
    return rows


def convert_in_subprocess(
    saved_model_dir, tflite_path, quantization: str = "float32", representative_npz=None, timeout: float = 300
) -> dict:
    """Run `convert_saved_model` in a child Python process; return its result row (see convert_all)."""
    job = _as_job(saved_model_dir, tflite_path, quantization, representative_npz)
    return convert_all([job], workers=1, timeout=timeout)[0]


# ---------------------------------------------------------------- running and timing
def _interpreter_class():
    """ai-edge-litert's Interpreter, or TensorFlow's older, deprecated copy where there is no wheel (Intel macOS)."""
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        from tensorflow.lite.python.interpreter import Interpreter
    return Interpreter


def litert_runner(tflite_path, num_threads: int = 1):
    """The "serving_default" signature runner of a .tflite file (ai-edge-litert's Interpreter).

    Call it with the inputs by name, e.g. runner(x_t=..., state=...); it returns a dict of
    outputs. The batch size follows the inputs (the runner resizes them when it changes).
    """
    interpreter = _interpreter_class()(model_path=str(tflite_path), num_threads=num_threads)
    return interpreter.get_signature_runner("serving_default")


class BareRunner:
    """A .tflite file run with the interpreter's own calls: set_tensor, invoke, get_tensor.

    Same use as `litert_runner` (inputs by name, a dict of outputs), for a fixed `batch` size,
    without the signature runner's per-call checks and copies: what C++ or a microcontroller
    program does, and so the fair time of one call.
    """

    def __init__(self, tflite_path, batch: int = 1, num_threads: int = 1):
        checks.positive_int("batch", batch)
        self.interpreter = _interpreter_class()(model_path=str(tflite_path), num_threads=num_threads)
        signature = self.interpreter.get_signature_runner("serving_default")
        inputs, outputs = signature.get_input_details(), signature.get_output_details()
        del signature  # it holds views into the interpreter's tensors, which would block resizing
        for detail in inputs.values():
            if detail["shape_signature"][0] == -1:  # a free batch: fix it to `batch`
                self.interpreter.resize_tensor_input(detail["index"], [batch, *detail["shape_signature"][1:]])
        self.interpreter.allocate_tensors()
        self.inputs = {name: detail["index"] for name, detail in inputs.items()}
        self.outputs = {name: detail["index"] for name, detail in outputs.items()}

    def __call__(self, **inputs) -> dict[str, np.ndarray]:
        if set(inputs) != set(self.inputs):
            raise TypeError(f"this model takes the inputs {sorted(self.inputs)}, got {sorted(inputs)}")
        for name, values in inputs.items():
            self.interpreter.set_tensor(self.inputs[name], values)
        self.interpreter.invoke()
        return {name: self.interpreter.get_tensor(index) for name, index in self.outputs.items()}


def op_names(tflite_path) -> list[str]:
    """The operators a .tflite file uses, sorted: what the runtime on the device must provide.

    A microcontroller build registers exactly these (an op resolver); a name such as "FlexWhile"
    or "DELEGATE" means the file needs more than the built-in operators.
    """
    interpreter = _interpreter_class()(model_path=str(tflite_path))
    return sorted({op["op_name"] for op in interpreter._get_ops_details()})  # noqa: SLF001 (no public list)


def quantized_input_range(tflite_path, input_name: str) -> tuple[float, float]:
    """The float range [low, high] that input `input_name` of a full-integer model keeps; outside it, values clip.

    For an int8 input it is the input's own range; for a float input, the range of the int8
    tensor its QUANTIZE operator writes (chosen from the representative data at conversion).
    """
    interpreter = _interpreter_class()(model_path=str(tflite_path))
    inputs = interpreter.get_signature_runner("serving_default").get_input_details()
    if input_name not in inputs:
        raise KeyError(f"the model has no input {input_name!r}; its inputs are {sorted(inputs)}")
    detail = inputs[input_name]
    if np.dtype(detail["dtype"]) == np.int8:
        return int8_range(detail)
    tensors = {tensor["index"]: tensor for tensor in interpreter.get_tensor_details()}
    for op in interpreter._get_ops_details():  # noqa: SLF001 (no public list)
        if op["op_name"] == "QUANTIZE" and detail["index"] in list(op["inputs"]):
            return int8_range(tensors[int(op["outputs"][0])])
    raise ValueError(
        f"input {input_name!r} of {Path(tflite_path).name} is never quantised to int8: "
        "is this a full-integer model (quantization 'full integer int8')?"
    )


def c_array(tflite_path, name: str = "g_model") -> str:
    """The file as C source, the way `xxd -i` writes it: the array a microcontroller program embeds in flash.

    Returns the source text; the array holds exactly the file's bytes (`{name}_len` of them),
    aligned to 16 bytes as the TFLite Micro examples do.
    """
    if not name.isidentifier():
        raise ValueError(f"{name!r} is not a C identifier: use letters, digits and _ (e.g. 'g_model')")
    data = Path(tflite_path).read_bytes()
    rows = [", ".join(f"0x{byte:02x}" for byte in data[i : i + 12]) for i in range(0, len(data), 12)]
    return (
        f"// {Path(tflite_path).name}: {len(data)} bytes\n"
        f"alignas(16) const unsigned char {name}[] = {{\n  " + ",\n  ".join(rows) + "\n};\n"
        f"const unsigned int {name}_len = {len(data)};\n"
    )


# ---------------------------------------------------------------- int8 at the edges
def _scale_and_zero(detail: dict) -> tuple[float, int]:
    """The (scale, zero point) of an int8 input or output's details; refuses a float one."""
    scale, zero_point = detail["quantization"]
    if np.dtype(detail["dtype"]) != np.int8 or not scale:
        raise ValueError(
            f"{detail.get('name', 'this tensor')} is {np.dtype(detail['dtype']).name}, not int8 with a scale: "
            "convert with INT8_IO to get int8 inputs and outputs"
        )
    return float(scale), int(zero_point)


def quantize(values, detail: dict) -> np.ndarray:
    """Float values -> the int8 codes of an int8 input: round(value / scale) + zero point, clipped to [-128, 127]."""
    scale, zero_point = _scale_and_zero(detail)
    codes = np.round(np.asarray(values, dtype="float32") / scale) + zero_point
    return np.clip(codes, -128, 127).astype(np.int8)


def dequantize(codes, detail: dict) -> np.ndarray:
    """int8 codes of an output -> floats: (code - zero point) * scale."""
    scale, zero_point = _scale_and_zero(detail)
    return ((np.asarray(codes, dtype="float32") - zero_point) * scale).astype("float32")


def int8_range(detail: dict) -> tuple[float, float]:
    """The lowest and highest float an int8 tensor can hold; anything outside is clipped to them."""
    scale, zero_point = _scale_and_zero(detail)
    return (-128 - zero_point) * scale, (127 - zero_point) * scale


def clipped_fraction(windows, low: float, high: float) -> float:
    """The fraction of `windows` (first axis) with at least one value outside [low, high]."""
    windows = np.asarray(windows)
    if low > high:
        raise ValueError(f"low {low} is above high {high}: give the range as (lowest, highest)")
    outside = (windows < low) | (windows > high)
    return float(outside.reshape(len(windows), -1).any(axis=1).mean())


def requantize(codes, source: dict, target: dict) -> np.ndarray:
    """int8 codes of `source`'s scale -> the codes of the same values in `target`'s scale (rounded, clipped).

    What an int8 program does between two tensors whose scales differ (in integers: a multiply
    and a shift); when the scales and zero points are equal the codes come back unchanged.
    """
    (source_scale, source_zero), (target_scale, target_zero) = _scale_and_zero(source), _scale_and_zero(target)
    if np.isclose(source_scale, target_scale, rtol=1e-5, atol=0) and source_zero == target_zero:
        return np.asarray(codes, dtype=np.int8)
    values = (np.asarray(codes, dtype="float32") - source_zero) * (source_scale / target_scale)
    return np.clip(np.round(values) + target_zero, -128, 127).astype(np.int8)


class Int8Step:
    """An int8-input/output step model (INT8_IO) that carries its int8 state from call to call.

    Call it with a float `x_t` (quantised here, as a sensor driver would) and the int8 `state`
    codes of the previous call (`zero_state(n)` to start); it returns {"output": float,
    "state": int8 codes}. The state never becomes floats between calls: when the converter gave
    the state output the state input's scale and zero point (`same_state_scale`), its codes go
    back in as they are; otherwise they are `requantize`d to the input's scale.
    """

    def __init__(self, runner):
        self.runner = runner
        inputs, outputs = runner.get_input_details(), runner.get_output_details()
        self.x_detail, self.output_detail = inputs["x_t"], outputs["output"]
        self.state_in, self.state_out = inputs["state"], outputs["state"]
        (in_scale, in_zero), (out_scale, out_zero) = _scale_and_zero(self.state_in), _scale_and_zero(self.state_out)
        self.same_state_scale = bool(np.isclose(in_scale, out_scale, rtol=1e-5, atol=0) and in_zero == out_zero)
        self.units = int(inputs["state"]["shape_signature"][-1])

    def zero_state(self, n: int) -> np.ndarray:
        """The int8 codes of an all-zero state for `n` streams: the zero point, not 0."""
        checks.positive_int("n", n)
        return quantize(np.zeros((n, self.units), dtype="float32"), self.state_in)

    def __call__(self, x_t, state) -> dict[str, np.ndarray]:
        result = self.runner(x_t=quantize(x_t, self.x_detail), state=np.asarray(state, dtype=np.int8))
        state_codes = requantize(result["state"], self.state_out, self.state_in)
        return {"output": dequantize(result["output"], self.output_detail), "state": state_codes}


# ---------------------------------------------------------------- timing with spread
def latencies(functions: dict, repeats: int = 15, calls: int = 50, warmup: int = 20) -> dict:
    """Seconds per call of each `functions[key]()`: {key: {"median", "q1", "q3"}} over `repeats` timings.

    Each timing is the mean of `calls` calls in a row. The functions take turns, one timing each
    per round, so that a busy moment of a shared CPU falls on all of them alike instead of on
    whichever ran then. The interquartile range (q3 - q1) is the spread: two latencies whose
    ranges overlap are not told apart by this measurement.
    """
    checks.positive_int("repeats", repeats)
    checks.positive_int("calls", calls)
    checks.whole_number("warmup", warmup, minimum=0)
    if not functions:
        raise ValueError("latencies needs at least one function to time, e.g. {'step': lambda: runner(...)}")
    for function in functions.values():
        for _ in range(warmup):
            function()
    per_call = {key: [] for key in functions}
    for _ in range(repeats):
        for key, function in functions.items():
            start = time.perf_counter()
            for _ in range(calls):
                function()
            per_call[key].append((time.perf_counter() - start) / calls)
    spreads = {}
    for key, values in per_call.items():
        q1, median, q3 = np.percentile(values, [25, 50, 75])
        spreads[key] = {"median": float(median), "q1": float(q1), "q3": float(q3)}
    return spreads


def latency(function, repeats: int = 15, calls: int = 50, warmup: int = 20) -> dict[str, float]:
    """Seconds per call of `function()`: {"median", "q1", "q3"} over `repeats` timings (see `latencies`)."""
    return latencies({"only": function}, repeats, calls, warmup)["only"]


def ranges_overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    """Whether two `latency` results' interquartile ranges overlap (then the difference is within the spread)."""
    return a["q1"] <= b["q3"] and b["q1"] <= a["q3"]


# ---------------------------------------------------------------- one model, many streams
def step_sessions(step, states: dict, inputs: dict) -> dict:
    """Step every session named in `inputs` with ONE batched call of `step`; update their `states`.

    `step(x_t=..., state=...)` returns {"output", "state"} for a batch (a LiteRT runner, or a
    wrapped Keras step model); `states` maps session -> state (1-D), `inputs` maps session ->
    its new input. Sessions not in `inputs` keep their state. Returns {session: output}.
    """
    unknown = [session for session in inputs if session not in states]
    if unknown:
        raise KeyError(f"no state for session(s) {unknown}: create a session before stepping it")
    if not inputs:
        return {}
    sessions = list(inputs)
    result = step(
        x_t=np.stack([np.asarray(inputs[s]) for s in sessions]), state=np.stack([states[s] for s in sessions])
    )
    for row, session in enumerate(sessions):
        states[session] = np.asarray(result["state"][row])
    return {session: np.asarray(result["output"][row]) for row, session in enumerate(sessions)}


class StreamServer:
    """One step model serving many streams: a state per session, all active sessions in one batched call.

    `step(x_t=..., state=...)` -> {"output", "state"} (a LiteRT signature runner, `Int8Step`, or
    a Keras step model wrapped in a function); `initial_state` is a new session's state (1-D);
    a session unused for more than `idle_seconds` is removed by `expire()`. `clock` is
    `time.monotonic` unless a test passes its own.
    """

    def __init__(self, step, initial_state, idle_seconds: float = 600, clock=time.monotonic):
        self.step_function = step
        self.initial_state = np.asarray(initial_state)
        if self.initial_state.ndim != 1:
            raise ValueError(
                f"initial_state is one session's state, 1-D (units,), got shape {self.initial_state.shape}"
            )
        self.idle_seconds = checks.positive_number("idle_seconds", idle_seconds)
        self.clock = clock
        self.states: dict = {}
        self.last_used: dict = {}
        self.batched_calls = 0

    def __len__(self) -> int:
        return len(self.states)

    def __contains__(self, session) -> bool:
        return session in self.states

    def _known(self, session) -> None:
        if session not in self.states:
            raise KeyError(f"no session {session!r} (never created, closed or expired): start one with server.create()")

    def create(self, session=None):
        """Start a session from the initial state; returns its id (a new random one unless given)."""
        session = uuid.uuid4().hex if session is None else session
        if session in self.states:
            raise ValueError(f"session {session!r} already exists: reset() it, or create one with another id")
        self.states[session] = self.initial_state.copy()
        self.last_used[session] = self.clock()
        return session

    def step(self, inputs: dict) -> dict:
        """{session: new input} -> {session: output}, one batched call for all of them; their states move on."""
        for session in inputs:
            self._known(session)
        outputs = step_sessions(self.step_function, self.states, inputs)
        if inputs:
            self.batched_calls += 1
        now = self.clock()
        for session in inputs:
            self.last_used[session] = now
        return outputs

    def reset(self, session) -> None:
        """Start a session again from the initial state (a new sentence, a meter replaced)."""
        self._known(session)
        self.states[session] = self.initial_state.copy()
        self.last_used[session] = self.clock()

    def close(self, session) -> None:
        """Forget a session and its state."""
        self._known(session)
        del self.states[session], self.last_used[session]

    def expire(self) -> list:
        """Forget every session unused for more than idle_seconds; returns their ids."""
        now = self.clock()
        old = [session for session, used in self.last_used.items() if now - used > self.idle_seconds]
        for session in old:
            self.close(session)
        return old


def http_endpoint(server: StreamServer, host: str = "127.0.0.1", port: int = 0, input_dtype: str = "float32"):
    """A local HTTP endpoint (standard library only) that serves `server`; returns it, not yet started.

    Routes (JSON in, JSON out): POST /sessions ({"session": id} optional) -> 201 {"session": id};
    POST /step {"inputs": {session: x_t as a list}} -> {"outputs": {session: list}}, one batched
    call (sessions idle for too long are expired first); POST /sessions/<id>/reset;
    DELETE /sessions/<id>. An unknown session or route answers 404, bad input 400, with
    {"error": why}. port=0 picks a free port (`endpoint.server_address`). Start it with
    `threading.Thread(target=endpoint.serve_forever, daemon=True).start()`, stop it with
    `endpoint.shutdown(); endpoint.server_close()`. It listens on localhost only unless `host` says otherwise.
    """
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    lock = threading.Lock()  # one request at a time touches the sessions

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet: no line per request on stderr
            pass

        def _reply(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> dict:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            if not isinstance(body, dict):
                raise ValueError("the request body must be a JSON object")
            return body

        def _route(self, method: str, parts: list[str]) -> tuple[int, dict]:
            if method == "POST" and parts == ["sessions"]:
                return 201, {"session": server.create(self._body().get("session"))}
            if method == "POST" and parts == ["step"]:
                inputs = self._body().get("inputs")
                if not isinstance(inputs, dict):
                    raise ValueError('send {"inputs": {session: x_t, ...}}')
                server.expire()
                outputs = server.step({s: np.asarray(x, dtype=input_dtype) for s, x in inputs.items()})
                return 200, {"outputs": {s: np.asarray(o).tolist() for s, o in outputs.items()}}
            if method == "POST" and len(parts) == 3 and parts[0] == "sessions" and parts[2] == "reset":
                server.reset(parts[1])
                return 200, {"session": parts[1]}
            if method == "DELETE" and len(parts) == 2 and parts[0] == "sessions":
                server.close(parts[1])
                return 200, {"session": parts[1]}
            return 404, {
                "error": f"no route {method} {self.path}: use POST /sessions, POST /step, "
                "POST /sessions/<id>/reset or DELETE /sessions/<id>"
            }

        def _handle(self, method: str) -> None:
            try:
                with lock:
                    status, body = self._route(method, [part for part in self.path.split("/") if part])
            except KeyError as error:
                status, body = 404, {"error": str(error.args[0]) if error.args else "unknown session"}
            except (ValueError, TypeError) as error:  # bad JSON, wrong shapes, a duplicate session
                status, body = 400, {"error": str(error)}
            self._reply(status, body)

        def do_POST(self) -> None:  # noqa: N802 (the name BaseHTTPRequestHandler calls)
            self._handle("POST")

        def do_DELETE(self) -> None:  # noqa: N802
            self._handle("DELETE")

        def do_GET(self) -> None:  # noqa: N802 (no GET route: a JSON 404 that lists the routes)
            self._handle("GET")

    return ThreadingHTTPServer((host, port), Handler)
