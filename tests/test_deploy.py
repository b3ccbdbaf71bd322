"""Unit tests of utils.lessons.lesson10_deploy (lesson 10: step models, LiteRT conversion in a child process)."""

import json
import sys

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from utils.lessons import lesson10_deploy as deploy  # noqa: E402


def small_forecaster(units=5, features=3, window=6):
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((window, features)), keras.layers.GRU(units), keras.layers.Dense(2)])


def streamed(runner, windows, units=5):
    """The step runner's output after feeding `windows` (batch, time, features) one step at a time."""
    state = np.zeros((len(windows), units), dtype="float32")
    for t in range(windows.shape[1]):
        result = runner(x_t=windows[:, t], state=state)
        state = result["state"]
    return result["output"]


def small_char_model(vocab=11, units=6):
    keras.utils.set_random_seed(1)
    return keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            keras.layers.Embedding(vocab, 4),
            keras.layers.GRU(units, return_sequences=True),
            keras.layers.Dropout(0.5),
            keras.layers.Dense(vocab),
        ]
    )


def run_steps(step, sequences):
    """The step model's outputs at every step, carrying the state from zero."""
    state = np.zeros((len(sequences), step.get_layer("gru_cell").units), dtype="float32")
    outputs = []
    for t in range(sequences.shape[1]):
        result = step([sequences[:, t], state])
        state = np.asarray(result["state"])
        outputs.append(np.asarray(result["output"]))
    return np.stack(outputs, axis=1)


def test_step_model_of_a_forecaster_matches_the_whole_window():
    model = small_forecaster()
    windows = np.random.default_rng(0).normal(size=(4, 6, 3)).astype("float32")
    stepped = run_steps(deploy.step_model(model), windows)
    np.testing.assert_allclose(stepped[:, -1], model.predict(windows, verbose=0), atol=1e-5)


def test_step_model_of_a_character_model_matches_every_position():
    model = small_char_model()
    ids = np.random.default_rng(0).integers(0, 11, size=(3, 20)).astype("int32")
    np.testing.assert_allclose(run_steps(deploy.step_model(model), ids), model.predict(ids, verbose=0), atol=1e-5)


def test_step_model_refuses_other_architectures():
    lstm = keras.Sequential([keras.Input((4, 2)), keras.layers.LSTM(3), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="GRU -> Dense"):
        deploy.step_model(lstm)


def test_recorded_step_inputs_are_what_the_step_model_sees():
    step = deploy.step_model(small_forecaster())
    windows = np.random.default_rng(2).normal(size=(4, 6, 3)).astype("float32")
    seen = deploy.recorded_step_inputs(step, windows)
    assert seen["x_t"].shape == (24, 3) and seen["state"].shape == (24, 5)
    np.testing.assert_array_equal(seen["state"][:4], 0)  # every sequence starts from a zero state
    np.testing.assert_array_equal(seen["x_t"][4:8], windows[:, 1])  # time-major: step 1 of every sequence
    after_one = np.asarray(step([windows[:, 0], seen["state"][:4]])["state"])
    np.testing.assert_allclose(seen["state"][4:8], after_one, atol=1e-6)


def test_failure_reason_reads_the_signal_or_the_last_line():
    assert "SIGABRT" in deploy.failure_reason(-6, "", "")
    assert "code 3: the end" in deploy.failure_reason(3, "", "start\nthe end\n\n")
    assert "code 0: no message" in deploy.failure_reason(0, "", "")


def test_converter_error_reason_keeps_the_first_op_line():
    message = (
        "ConverterError: Could not translate MLIR to FlatBuffer.\n<unknown>:0: error: loc(fused): "
        "'tf.TensorListReserve' op requires element_shape to be static\n'tf.While' op failed"
    )
    assert deploy.converter_error_reason(message) == "'tf.TensorListReserve' op requires element_shape to be static"
    assert deploy.converter_error_reason("ValueError: no good\nmore") == "ValueError: no good"


def reported(error=None):
    """A line a child prints after a job (see deploy._child_script)."""
    return f"print({deploy.RESULT_MARK!r}, {json.dumps(json.dumps({'seconds': 0.1, 'error': error}))})"


@pytest.mark.parametrize(
    "script, expected",
    [
        ("import os; os.abort()", "SIGABRT"),
        (reported("ValueError: no good"), "ValueError: no good"),
        ("import sys; print('broken', file=sys.stderr); sys.exit(4)", "code 4: broken"),
        ("pass", "code 0: no message"),  # a child that reports nothing
        (reported(), "wrote no file"),  # a child that reports success without a file
    ],
    ids=["abort", "exception", "exit code", "no report", "no file"],
)
def test_a_failing_converter_becomes_a_result_row(monkeypatch, tmp_path, script, expected):
    monkeypatch.setattr(deploy, "_child_script", lambda jobs: script)
    row = deploy.convert_in_subprocess(tmp_path / "model", tmp_path / "out.tflite", "float16")
    assert row["format"] == "float16" and row["converted"] is False
    assert np.isnan(row["size (kB)"]) and expected in row["reason"]


def test_a_hanging_converter_is_stopped(monkeypatch, tmp_path):
    monkeypatch.setattr(deploy, "_child_script", lambda jobs: "import time; time.sleep(30)")
    row = deploy.convert_in_subprocess(tmp_path / "model", tmp_path / "out.tflite", timeout=1)
    assert row["converted"] is False and "within 1 s" in row["reason"]


def fake_converter(jobs):
    """A child that writes a 1 kB file per job, but aborts on float16 and hangs on full integer."""
    return (
        "import json, os, time\n"
        "from pathlib import Path\n"
        f"for job in json.loads({json.dumps(jobs)!r}):\n"
        "    if job['quantization'] == 'float16': os.abort()\n"
        "    if job['quantization'] == 'full integer int8': time.sleep(30)\n"
        "    Path(job['tflite_path']).write_bytes(bytes(1000))\n"
        f"    {reported()}\n"
    )


@pytest.mark.parametrize("workers", [1, 2])
def test_a_crash_in_one_child_loses_only_the_format_it_was_converting(monkeypatch, tmp_path, workers):
    monkeypatch.setattr(deploy, "_child_script", fake_converter)
    formats = ["float32", "float16", "dynamic-range int8", "full integer int8", "float32"]
    jobs = [
        {"saved_model_dir": tmp_path, "tflite_path": tmp_path / f"{i}.tflite", "quantization": quantization}
        for i, quantization in enumerate(formats)
    ]
    rows = deploy.convert_all(jobs, workers=workers, timeout=1)
    assert [row["format"] for row in rows] == formats
    assert [row["converted"] for row in rows] == [True, False, True, False, True]
    assert "SIGABRT" in rows[1]["reason"] and "within 1 s" in rows[3]["reason"]
    assert [row["size (kB)"] for row in rows if row["converted"]] == [1.0, 1.0, 1.0]


def test_convert_saved_model_refuses_unknown_formats(tmp_path):
    with pytest.raises(ValueError, match="unknown quantization"):
        deploy.convert_saved_model(tmp_path, tmp_path / "x.tflite", "int4")


@pytest.mark.filterwarnings("ignore:.*tf.lite.Interpreter is deprecated")
def test_litert_runner_falls_back_to_tensorflow_lite(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "ai_edge_litert", None)  # as on Intel macOS: no ai-edge-litert wheel
    monkeypatch.setitem(sys.modules, "ai_edge_litert.interpreter", None)
    model = small_forecaster()
    step = deploy.step_model(model)
    deploy.export_saved_model(step, tmp_path / "step")
    deploy.convert_saved_model(tmp_path / "step", tmp_path / "step.tflite")
    runner = deploy.litert_runner(tmp_path / "step.tflite")
    assert type(runner).__module__.startswith("tensorflow.lite")
    windows = np.random.default_rng(4).normal(size=(2, 6, 3)).astype("float32")
    np.testing.assert_allclose(streamed(runner, windows), model.predict(windows, verbose=0), atol=1e-5)


def test_export_saved_model_is_quiet_and_fixes_the_batch_when_asked(tmp_path, capsys):
    import tensorflow as tf

    model = small_forecaster()
    windows = np.random.default_rng(5).normal(size=(3, 6, 3)).astype("float32")
    deploy.export_saved_model(model, tmp_path / "free")
    one_window = [tf.TensorSpec((1, 6, 3), tf.float32)]
    deploy.export_saved_model(model, tmp_path / "fixed", input_signature=one_window)
    assert capsys.readouterr().out == ""  # Keras' "Saved artifact at ..." swallowed
    free = tf.saved_model.load(str(tmp_path / "free")).signatures["serving_default"]
    fixed = tf.saved_model.load(str(tmp_path / "fixed")).signatures["serving_default"]
    (free_input,) = free.structured_input_signature[1].values()
    (fixed_input,) = fixed.structured_input_signature[1].values()
    assert free_input.shape.as_list() == [None, 6, 3] and fixed_input.shape.as_list() == [1, 6, 3]
    served = np.concatenate([next(iter(fixed(tf.constant(w[None])).values())).numpy() for w in windows])
    np.testing.assert_allclose(served, model.predict(windows, verbose=0), atol=1e-5)
    np.testing.assert_allclose(
        next(iter(free(tf.constant(windows)).values())).numpy(), model.predict(windows, verbose=0), atol=1e-5
    )


# ---------------------------------------------------------------- step_model from the cell's own config
@pytest.mark.parametrize(
    "options",
    [
        {"reset_after": False},
        {"activation": "relu"},
        {"recurrent_activation": "hard_sigmoid"},
        {"use_bias": False},
        {"activation": "relu", "recurrent_activation": "hard_sigmoid", "use_bias": False, "reset_after": False},
    ],
    ids=["reset_after=False", "relu", "hard_sigmoid", "no bias", "all of them"],
)
@pytest.mark.slow  # a child process, a conversion or Keras calls: seconds
def test_step_model_follows_the_layers_own_cell(options):
    keras.utils.set_random_seed(2)
    model = keras.Sequential([keras.Input((7, 3)), keras.layers.GRU(5, **options), keras.layers.Dense(2)])
    windows = np.random.default_rng(6).normal(size=(4, 7, 3)).astype("float32")
    np.testing.assert_allclose(
        run_steps(deploy.step_model(model), windows)[:, -1], model.predict(windows, verbose=0), atol=1e-5
    )


@pytest.mark.parametrize(
    "layers, message",
    [
        (
            lambda: [keras.Input((4, 2)), keras.layers.Bidirectional(keras.layers.GRU(3)), keras.layers.Dense(1)],
            "Bidirectional",
        ),
        (lambda: [keras.Input((4, 2)), keras.layers.GRU(3, go_backwards=True), keras.layers.Dense(1)], "go_backwards"),
        (
            lambda: [
                keras.Input((None,), dtype="int32"),
                keras.layers.Embedding(9, 4, mask_zero=True),
                keras.layers.GRU(3),
                keras.layers.Dense(1),
            ],
            "mask_zero",
        ),
        (
            lambda: [keras.Input((4, 2)), keras.layers.Masking(), keras.layers.GRU(3), keras.layers.Dense(1)],
            "Masking",
        ),
    ],
    ids=["bidirectional", "go_backwards", "mask_zero", "Masking layer"],
)
def test_step_model_refuses_what_one_step_cannot_stream(layers, message):
    with pytest.raises(ValueError, match=message):
        deploy.step_model(keras.Sequential(layers()))


# ---------------------------------------------------------------- conversions: a timeout per job, interrupts
def slow_converter(seconds):
    """A child that takes `seconds` per job, writes a 1 kB file and reports it."""

    def script(jobs):
        return (
            "import json, time\n"
            "from pathlib import Path\n"
            f"for job in json.loads({json.dumps(jobs)!r}):\n"
            f"    time.sleep({seconds})\n"
            "    Path(job['tflite_path']).write_bytes(bytes(1000))\n"
            f"    {reported()}\n"
        )

    return script


@pytest.mark.slow  # a child process, a conversion or Keras calls: seconds
def test_the_timeout_is_per_job_not_per_child(monkeypatch, tmp_path):
    monkeypatch.setattr(deploy, "_child_script", slow_converter(0.6))
    jobs = [{"saved_model_dir": tmp_path, "tflite_path": tmp_path / f"{i}.tflite"} for i in range(4)]
    rows = deploy.convert_all(jobs, workers=1, timeout=1.5)  # 2.4 s in all, 0.6 s each
    assert [row["converted"] for row in rows] == [True] * 4


@pytest.mark.slow  # a child process, a conversion or Keras calls: seconds
def test_an_interrupt_stops_every_child(monkeypatch, tmp_path):
    import os
    import signal
    import threading
    import time

    pids = tmp_path / "pids"
    pids.mkdir()
    monkeypatch.setattr(
        deploy,
        "_child_script",
        lambda jobs: f"import os, time; open({str(pids)!r} + f'/{{os.getpid()}}', 'w').close(); time.sleep(60)",
    )
    jobs = [{"saved_model_dir": tmp_path, "tflite_path": tmp_path / f"{i}.tflite"} for i in range(4)]

    def ctrl_c_once_both_children_run():
        deadline = time.monotonic() + 30
        while len(list(pids.iterdir())) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)

    # Ctrl-C as Python and Jupyter's kernel handle it (a KeyboardInterrupt in the main thread),
    # whatever handler an earlier test in this process left installed.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        threading.Thread(target=ctrl_c_once_both_children_run, daemon=True).start()
        start = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            deploy.convert_all(jobs, workers=2, timeout=60)
        assert time.monotonic() - start < 30  # not the children's 60 s
    finally:
        signal.signal(signal.SIGINT, previous)
    time.sleep(0.5)
    started = [int(p.name) for p in pids.iterdir()]
    assert len(started) == 2  # one child per worker, and no new one after the interrupt
    for pid in started:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_convert_all_checks_its_arguments(tmp_path):
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        deploy.convert_all([], timeout=0)


# ---------------------------------------------------------------- int8 at the edges, bare invoke, C array
@pytest.fixture(scope="module")
def converted_step(tmp_path_factory):
    """A small forecaster's step model as float32 and int8-input/output .tflite files, and the rows.

    One child converts every job, one of them failing (a missing folder) between the others.
    """
    pytest.importorskip("ai_edge_litert")
    folder = tmp_path_factory.mktemp("converted")
    model = small_forecaster()
    step = deploy.step_model(model)
    deploy.export_saved_model(step, folder / "step")
    windows = np.random.default_rng(7).normal(size=(40, 6, 3)).astype("float32")
    np.savez(folder / "examples.npz", **deploy.recorded_step_inputs(step, windows))
    jobs = [
        {"saved_model_dir": folder / "step", "tflite_path": folder / "float32.tflite"},
        {"saved_model_dir": folder / "missing", "tflite_path": folder / "missing.tflite"},
        *(
            {
                "saved_model_dir": folder / "step",
                "tflite_path": folder / f"{name}.tflite",
                "quantization": quantization,
                "representative_npz": folder / "examples.npz",
            }
            for name, quantization in [("int8_io", deploy.INT8_IO), ("full_int8", "full integer int8")]
        ),
    ]
    rows = deploy.convert_all(jobs, workers=1)
    return model, folder / "float32.tflite", folder / "int8_io.tflite", folder / "full_int8.tflite", rows


@pytest.mark.slow  # a child process, a conversion or Keras calls: seconds
def test_a_step_model_converts_in_a_child_and_runs_in_litert(converted_step):
    model, path, rows = converted_step[0], converted_step[1], converted_step[4]
    converted, failed, *quantised = rows
    assert converted["converted"] and all(row["converted"] for row in quantised), rows
    assert converted["size (kB)"] == pytest.approx(path.stat().st_size / 1000)
    assert failed["converted"] is False and failed["reason"]  # and the jobs after it still converted
    windows = np.random.default_rng(3).normal(size=(5, 6, 3)).astype("float32")
    np.testing.assert_allclose(
        streamed(deploy.litert_runner(path), windows), model.predict(windows, verbose=0), atol=1e-5
    )


@pytest.mark.slow  # a child process, a conversion or Keras calls: seconds
def test_bare_invoke_gives_what_the_signature_runner_gives(converted_step):
    path = converted_step[1]
    x_t = np.random.default_rng(8).normal(size=(3, 3)).astype("float32")
    state = np.random.default_rng(9).normal(size=(3, 5)).astype("float32")
    bare, runner = (
        deploy.BareRunner(path, batch=3)(x_t=x_t, state=state),
        deploy.litert_runner(path)(x_t=x_t, state=state),
    )
    for name in ("output", "state"):
        np.testing.assert_array_equal(bare[name], runner[name])
    with pytest.raises(TypeError, match="takes the inputs"):
        deploy.BareRunner(path)(x_t=x_t)


@pytest.mark.slow  # a child process, a conversion or Keras calls: seconds
def test_the_int8_step_carries_its_int8_state(converted_step):
    model, int8_path = converted_step[0], converted_step[2]
    step = deploy.Int8Step(deploy.litert_runner(int8_path))
    windows = np.random.default_rng(10).normal(size=(20, 6, 3)).astype("float32")
    state = step.zero_state(len(windows))
    assert state.dtype == np.int8
    for t in range(windows.shape[1]):
        result = step(windows[:, t], state)
        state = result["state"]
        assert state.dtype == np.int8
    keras_output = model.predict(windows, verbose=0)
    error = np.abs(result["output"] - keras_output).max()
    assert error < 0.1 * np.abs(keras_output).max() + 0.05  # int8 rounding, not a wrong model
    assert deploy.op_names(int8_path) and "WHILE" not in deploy.op_names(int8_path)
    with pytest.raises(ValueError, match="not int8"):
        deploy.Int8Step(deploy.litert_runner(converted_step[1]))


def test_requantize_moves_codes_to_another_scale():
    source = {"name": "out", "dtype": np.int8, "quantization": (0.02, 4)}
    target = {"name": "in", "dtype": np.int8, "quantization": (0.04, -2)}
    codes = np.array([-128, -20, 4, 30, 127], dtype=np.int8)
    moved = deploy.requantize(codes, source, target)
    np.testing.assert_allclose(deploy.dequantize(moved, target), deploy.dequantize(codes, source), atol=0.02 + 1e-6)
    np.testing.assert_array_equal(deploy.requantize(codes, source, source), codes)  # same scale: unchanged


@pytest.mark.slow  # a child process, a conversion or Keras calls: seconds
def test_quantized_input_range_reads_the_int8_range_of_each_input(converted_step):
    _, float_path, int8_path, full_path, _ = converted_step
    int8_inputs = deploy.litert_runner(int8_path).get_input_details()
    assert deploy.quantized_input_range(int8_path, "x_t") == deploy.int8_range(int8_inputs["x_t"])
    low, high = deploy.quantized_input_range(full_path, "x_t")  # a float input, quantised inside
    assert low < 0 < high and (low, high) != (-np.inf, np.inf)
    with pytest.raises(ValueError, match="never quantised"):
        deploy.quantized_input_range(float_path, "x_t")
    with pytest.raises(KeyError, match="no input 'hour'"):
        deploy.quantized_input_range(float_path, "hour")


def test_quantize_and_dequantize_round_trip_within_half_a_step():
    detail = {"name": "x", "dtype": np.int8, "quantization": (0.05, -3)}
    values = np.array([-6.0, -1.23, 0.0, 0.4, 6.5, 100.0], dtype="float32")
    codes = deploy.quantize(values, detail)
    assert codes.dtype == np.int8 and codes[-1] == 127  # 100 is outside the range: clipped
    low, high = deploy.int8_range(detail)
    assert low == pytest.approx(-125 * 0.05) and high == pytest.approx(130 * 0.05)
    inside = (values >= low) & (values <= high)
    np.testing.assert_allclose(deploy.dequantize(codes, detail)[inside], values[inside], atol=0.025 + 1e-6)
    with pytest.raises(ValueError, match="not int8"):
        deploy.quantize(values, {"name": "f", "dtype": np.float32, "quantization": (0.0, 0)})


def test_clipped_fraction_counts_windows_with_any_value_outside():
    windows = np.zeros((4, 3, 2))
    windows[1, 2, 0] = 5.0  # one value too high
    windows[3, 0, 1] = -5.0  # one too low
    windows[2] = 1.0  # exactly at the bound: inside
    assert deploy.clipped_fraction(windows, -1.0, 1.0) == 0.5
    with pytest.raises(ValueError, match="above high"):
        deploy.clipped_fraction(windows, 1.0, -1.0)


def test_c_array_holds_the_files_bytes(tmp_path):
    path = tmp_path / "model.tflite"
    data = bytes(range(256)) * 2 + b"\x07"
    path.write_bytes(data)
    source = deploy.c_array(path, "g_model")
    body = source[source.index("{") + 1 : source.index("}")]
    assert bytes(int(value, 16) for value in body.replace("\n", "").split(",")) == data
    assert f"g_model_len = {len(data)};" in source and "alignas(16)" in source
    with pytest.raises(ValueError, match="not a C identifier"):
        deploy.c_array(path, "my model")


def test_latency_gives_a_median_inside_its_quartiles():
    spread = deploy.latency(lambda: sum(range(100)), repeats=5, calls=10, warmup=1)
    assert 0 < spread["q1"] <= spread["median"] <= spread["q3"]
    assert deploy.ranges_overlap({"q1": 1, "q3": 3}, {"q1": 2, "q3": 4})
    assert not deploy.ranges_overlap({"q1": 1, "q3": 2}, {"q1": 3, "q3": 4})
    with pytest.raises(ValueError, match="repeats"):
        deploy.latency(lambda: None, repeats=0)


def test_latencies_take_turns_and_time_each_function():
    order = []
    spreads = deploy.latencies(
        {"fast": lambda: order.append("fast"), "slow": lambda: (order.append("slow"), sum(range(20_000)))},
        repeats=3,
        calls=2,
        warmup=0,
    )
    assert order == ["fast", "fast", "slow", "slow"] * 3  # one timing each per round
    assert spreads["fast"]["median"] < spreads["slow"]["median"]
    with pytest.raises(ValueError, match="at least one function"):
        deploy.latencies({})


# ---------------------------------------------------------------- one model, many streams
def keras_step_function(step):
    """A Keras step model called like a LiteRT runner: step(x_t=..., state=...) -> dict of arrays."""
    calls = []

    def run(x_t, state):
        calls.append(len(x_t))
        result = step([x_t, state])
        return {name: np.asarray(value) for name, value in result.items()}

    run.calls = calls
    return run


@pytest.mark.slow  # a child process, a conversion or Keras calls: seconds
def test_two_interleaved_streams_give_what_each_gives_alone():
    step = deploy.step_model(small_forecaster())
    rng = np.random.default_rng(11)
    streams = {"a": rng.normal(size=(9, 3)).astype("float32"), "b": rng.normal(size=(6, 3)).astype("float32")}
    alone = {name: run_steps(step, values[None])[0] for name, values in streams.items()}

    function = keras_step_function(step)
    server = deploy.StreamServer(function, np.zeros(5, dtype="float32"))
    server.create("a")
    server.create("b")
    # a irregular interleaving: a alone, both together, b alone, ...
    schedule = [("a",), ("a", "b"), ("b",), ("b",), ("a", "b"), ("a",), ("a",), ("b", "a"), ("a",), ("a", "b"), ("a",)]
    position, outputs = {"a": 0, "b": 0}, {"a": [], "b": []}
    for active in schedule:
        answer = server.step({name: streams[name][position[name]] for name in active})
        for name in active:
            outputs[name].append(answer[name])
            position[name] += 1
    assert position == {"a": 9, "b": 6}
    for name in streams:
        np.testing.assert_allclose(np.stack(outputs[name]), alone[name], atol=1e-5)
    assert function.calls == [len(active) for active in schedule]  # one batched call per step of the server
    assert server.batched_calls == len(schedule)


@pytest.mark.slow  # a child process, a conversion or Keras calls: seconds
def test_reset_close_and_expire_sessions():
    step = deploy.step_model(small_forecaster())
    now = [0.0]
    server = deploy.StreamServer(
        keras_step_function(step), np.zeros(5, dtype="float32"), idle_seconds=10, clock=lambda: now[0]
    )
    first, second = server.create(), server.create()
    assert first != second and len(server) == 2
    x = np.ones(3, dtype="float32")
    fresh = server.step({first: x})[first]
    server.step({first: x})
    assert not np.allclose(server.states[first], 0)
    np.testing.assert_array_equal(server.states[second], 0)  # a session that was not stepped keeps its state
    server.reset(first)
    np.testing.assert_allclose(server.step({first: x})[first], fresh, atol=1e-6)  # starts again from zero
    now[0] = 8.0
    server.step({first: x})
    now[0] = 15.0
    assert server.expire() == [second] and first in server and second not in server
    assert server.step({}) == {}
    with pytest.raises(KeyError, match="server.create"):
        server.step({second: x})
    with pytest.raises(ValueError, match="already exists"):
        server.create(first)
    server.close(first)
    with pytest.raises(KeyError, match="never created, closed or expired"):
        server.reset(first)
    with pytest.raises(ValueError, match="1-D"):
        deploy.StreamServer(keras_step_function(step), np.zeros((1, 5)))


@pytest.mark.slow  # Keras calls and a local HTTP server: seconds
def test_the_http_endpoint_serves_sessions_on_localhost():
    import threading
    import urllib.error
    import urllib.request

    step = deploy.step_model(small_forecaster())
    server = deploy.StreamServer(keras_step_function(step), np.zeros(5, dtype="float32"))
    endpoint = deploy.http_endpoint(server)  # 127.0.0.1, a free port
    threading.Thread(target=endpoint.serve_forever, daemon=True).start()
    host, port = endpoint.server_address
    assert host == "127.0.0.1"

    def call(method, path, body=None):
        request = urllib.request.Request(
            f"http://{host}:{port}{path}",
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    try:
        assert call("POST", "/sessions", {"session": "a"}) == (201, {"session": "a"})
        status, created = call("POST", "/sessions")
        b = created["session"]
        streams = np.random.default_rng(12).normal(size=(2, 4, 3)).astype("float32")
        served = {"a": [], b: []}
        for t in range(4):
            status, answer = call("POST", "/step", {"inputs": {"a": streams[0, t].tolist(), b: streams[1, t].tolist()}})
            assert status == 200
            for session in served:
                served[session].append(answer["outputs"][session])
        for row, session in enumerate(served):
            np.testing.assert_allclose(np.array(served[session]), run_steps(step, streams[row : row + 1])[0], atol=1e-5)
        assert call("POST", "/sessions/a/reset")[0] == 200
        assert call("DELETE", f"/sessions/{b}")[0] == 200
        status, error = call("POST", "/step", {"inputs": {b: streams[1, 0].tolist()}})
        assert status == 404 and "server.create" in error["error"]
        assert call("POST", "/step", {"x": 1})[0] == 400
        assert call("POST", "/sessions", {"session": "a"})[0] == 400  # already exists
        assert call("GET", "/nowhere")[0] == 404
        assert call("POST", "/nowhere")[0] == 404
    finally:
        endpoint.shutdown()
        endpoint.server_close()
