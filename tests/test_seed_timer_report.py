import json
import math
import time

import numpy as np
import pytest

from utils import Timer, median_seconds, record, set_seed
from utils.core.report import METRICS_ENV


def test_same_seed_same_numbers():
    import keras

    set_seed(7)
    a = (np.random.rand(3), keras.random.uniform((3,)).numpy())
    set_seed(7)
    b = (np.random.rand(3), keras.random.uniform((3,)).numpy())
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    set_seed(8)
    assert not np.array_equal(np.random.rand(3), a[0])


@pytest.mark.parametrize("bad", [-1, 1.5, "42", True])
def test_bad_seed(bad):
    with pytest.raises(ValueError, match=r"seed must be an int >= 0"):
        set_seed(bad)


def test_timer_measures_a_block():
    with Timer() as timer:
        time.sleep(0.05)
    assert 0.04 < timer.seconds < 1.0
    assert "s)" in repr(timer)


def test_record_prints_and_returns_plain_values(capsys, monkeypatch):
    monkeypatch.delenv(METRICS_ENV, raising=False)
    out = record(mae=np.float32(0.25), epochs=np.int64(3), model="GRU")
    assert out == {"mae": 0.25, "epochs": 3, "model": "GRU"}
    assert type(out["mae"]) is float and type(out["epochs"]) is int
    assert "recorded mae = 0.25" in capsys.readouterr().out


def test_record_merges_into_the_run_file(tmp_path, monkeypatch):
    target = tmp_path / "metrics.json"
    monkeypatch.setenv(METRICS_ENV, str(target))
    record(a=1.0)
    record(b=2, a=3.0)
    assert json.loads(target.read_text()) == {"a": 3.0, "b": 2}


@pytest.mark.parametrize("bad", [math.nan, math.inf, np.float32("nan")])
def test_record_refuses_non_finite(bad):
    with pytest.raises(ValueError, match="not finite"):
        record(loss=bad)


def test_record_refuses_non_numbers_and_nothing():
    with pytest.raises(TypeError, match="must be a number"):
        record(curve=[1, 2, 3])
    with pytest.raises(ValueError, match="at least one metric"):
        record()


def test_median_seconds_warms_up_then_times_each_call():
    calls = []
    assert median_seconds(lambda: calls.append(1), repeats=5, warmup=2) >= 0
    assert len(calls) == 7
    with pytest.raises(ValueError):
        median_seconds(lambda: None, repeats=0)
