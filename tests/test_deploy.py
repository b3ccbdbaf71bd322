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
    rows = deploy.convert_all(jobs, workers=workers, timeout=2)
    assert [row["format"] for row in rows] == formats
    assert [row["converted"] for row in rows] == [True, False, True, False, True]
    assert "SIGABRT" in rows[1]["reason"] and "within 2 s" in rows[3]["reason"]
    assert [row["size (kB)"] for row in rows if row["converted"]] == [1.0, 1.0, 1.0]


def test_convert_saved_model_refuses_unknown_formats(tmp_path):
    with pytest.raises(ValueError, match="unknown quantization"):
        deploy.convert_saved_model(tmp_path, tmp_path / "x.tflite", "int4")


def test_a_step_model_converts_in_a_child_and_runs_in_litert(tmp_path):
    pytest.importorskip("ai_edge_litert")
    model = small_forecaster()
    step = deploy.step_model(model)
    deploy.export_saved_model(step, tmp_path / "step")
    path = tmp_path / "step.tflite"
    row, failed = deploy.convert_all(
        [  # one child, two jobs: the one that raises does not stop the other
            {"saved_model_dir": tmp_path / "step", "tflite_path": path},
            {"saved_model_dir": tmp_path / "missing", "tflite_path": tmp_path / "missing.tflite"},
        ],
        workers=1,
    )
    assert row["converted"], row["reason"]
    assert row["size (kB)"] == pytest.approx(path.stat().st_size / 1000)
    assert failed["converted"] is False and failed["reason"]
    windows = np.random.default_rng(3).normal(size=(5, 6, 3)).astype("float32")
    np.testing.assert_allclose(
        streamed(deploy.litert_runner(path), windows), model.predict(windows, verbose=0), atol=1e-5
    )


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
