"""Lesson 11's speech helpers: features against tf.signal, splits, DTW against brute force, CTC data, error rates."""

import numpy as np
import pandas as pd
import pytest

import utils
from utils.lessons import lesson11_speech as speech


@pytest.fixture(scope="module")
def digits():
    return utils.load_spoken_digits()


def test_the_shipped_recordings(digits):
    assert len(digits) == 3000 and digits.attrs["sample_rate"] == speech.SAMPLE_RATE
    counts = digits.groupby(["speaker", "digit"]).size()
    assert len(counts) == 60 and (counts == 50).all()
    assert sorted(digits["repetition"].unique()) == list(range(50))
    assert all(a.dtype == np.int16 and a.ndim == 1 for a in digits["audio"])
    assert digits["audio"].map(len).sum() == 10_498_424


def tf_log_mel(audio):
    import tensorflow as tf

    stft = tf.signal.stft(np.asarray(audio, np.float32), speech.FRAME_LENGTH, speech.FRAME_STEP, speech.FFT_LENGTH)
    return np.log((tf.abs(stft).numpy() ** 2) @ speech.mel_matrix() + speech.LOG_OFFSET)


def test_log_mel_matches_tf_signal(digits):
    for audio in digits["audio"].iloc[[0, 1234, 2999]]:
        mine = speech.log_mel(audio)
        assert mine.shape == (1 + (len(audio) - 200) // 80, speech.MEL_BINS) and mine.dtype == np.float32
        np.testing.assert_allclose(mine, tf_log_mel(audio / 32768), atol=2e-4)
    noise = np.random.default_rng(0).uniform(-1, 1, 999)
    np.testing.assert_allclose(speech.log_mel(noise), tf_log_mel(noise), atol=2e-4)
    import tensorflow as tf

    np.testing.assert_allclose(speech.hann_window(), tf.signal.hann_window(200).numpy(), atol=1e-6)


@pytest.mark.parametrize("audio", [np.zeros(199, np.int16), np.zeros((2, 4000), np.int16)])
def test_log_mel_refuses_what_is_not_one_recording(audio):
    with pytest.raises(ValueError, match="1-D array of at least 200 samples"):
        speech.log_mel(audio)


def test_stack_frames():
    frames = np.arange(7 * 3).reshape(7, 3)
    stacked = speech.stack_frames(frames, 2)
    assert stacked.shape == (3, 6)
    np.testing.assert_array_equal(stacked[1], np.r_[frames[2], frames[3]])
    with pytest.raises(ValueError, match="cannot make one stack"):
        speech.stack_frames(frames[:1], 2)
    with pytest.raises(ValueError):
        speech.stack_frames(frames, 0)


def test_splits(digits):
    official = speech.official_split(digits)
    assert pd.Series(official).value_counts().to_dict() == {"train": 2400, "validation": 300, "test": 300}
    assert set(digits["repetition"][official == "test"]) == set(range(5))
    held_out = speech.speaker_split(digits, ["nicolas", "theo"])
    assert set(digits["speaker"][held_out == "test"]) == {"nicolas", "theo"}
    assert (held_out == "test").sum() == 1000
    assert set(digits["speaker"][held_out == "validation"]) <= set(digits["speaker"][held_out == "train"])
    assert set(digits["repetition"][held_out == "validation"]) == set(range(5, 10))
    for bad in ([], ["alice"], sorted(digits["speaker"].unique())):
        with pytest.raises(ValueError, match="some, not all"):
            speech.speaker_split(digits, bad)


def test_pad_batch_and_masking():
    import keras

    sequences = [np.ones((3, 2), np.float32), 2 * np.ones((5, 2), np.float32)]
    batch, lengths = speech.pad_batch(sequences)
    assert batch.shape == (2, 5, 2) and list(lengths) == [3, 5]
    assert (batch[0, 3:] == 0).all() and (batch[1] == 2).all()
    silence = np.array([-1.0, -2.0], np.float32)
    batch, _ = speech.pad_batch(sequences, value=silence)
    np.testing.assert_array_equal(batch[0, 4], silence)
    mask = keras.layers.Masking()(speech.pad_batch(sequences)[0])._keras_mask
    np.testing.assert_array_equal(np.asarray(mask), [[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]])


def test_length_batches_visit_everything_once_with_little_padding():
    rng = np.random.default_rng(1)
    sequences = [np.full((n, 2), i + 1, np.float32) for i, n in enumerate(rng.integers(5, 60, 50))]
    labels = np.arange(50)
    data, steps = speech.length_batches(sequences, labels, 8, seed=0)
    assert steps == 7
    for _ in range(2):  # two epochs: each sequence once per epoch, each batch padded to its own longest
        seen = []
        for x, y in data.take(steps):
            x, y = x.numpy(), y.numpy()
            assert x.shape[1] == max(len(sequences[i]) for i in y)
            for row, i in zip(x, y):
                np.testing.assert_array_equal(row[: len(sequences[i])], sequences[i])
            seen.extend(y)
        assert sorted(seen) == list(range(50))
    with pytest.raises(ValueError):
        speech.length_batches(sequences, labels[:3], 8, seed=0)


def brute_force_dtw(a, b):
    cost = np.sqrt(((a[:, None] - b[None]) ** 2).sum(-1))
    total = np.full((len(a) + 1, len(b) + 1), np.inf)
    total[0, 0] = 0
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            total[i, j] = cost[i - 1, j - 1] + min(total[i - 1, j - 1], total[i - 1, j], total[i, j - 1])
    return total[-1, -1] / (len(a) + len(b))


def test_dtw_distances_match_the_textbook_recursion():
    rng = np.random.default_rng(2)
    queries = [rng.normal(size=(rng.integers(1, 12), 4)).astype(np.float32) for _ in range(9)]
    templates = [rng.normal(size=(rng.integers(1, 12), 4)).astype(np.float32) for _ in range(6)]
    got = speech.dtw_distances(queries, templates, chunk=4)
    expected = np.array([[brute_force_dtw(q, t) for t in templates] for q in queries])
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
    slow_version_of_a_word = np.repeat(templates[0], 3, axis=0)  # warping absorbs a slower speaker
    assert speech.dtw_distances([slow_version_of_a_word], templates).argmin() == 0
    np.testing.assert_allclose(speech.dtw_distances(templates, templates).diagonal(), 0, atol=1e-3)


def test_digit_strings_are_real_recordings_of_one_speaker(digits):
    some = digits[digits["repetition"] < 3]
    strings = speech.digit_strings(some, 20, seed=5, min_digits=2, max_digits=4)
    again = speech.digit_strings(some, 20, seed=5, min_digits=2, max_digits=4)
    assert strings["digits"].tolist() == again["digits"].tolist()
    assert all((a == b).all() for a, b in zip(strings["audio"], again["audio"]))
    assert strings["digits"].str.len().between(2, 4).all()
    for _, row in strings.iterrows():
        candidates = some[some["speaker"] == row["speaker"]]
        audio = row["audio"]
        for digit in row["digits"]:  # each digit's recording appears whole in the string
            options = candidates[candidates["digit"] == int(digit)]["audio"]
            assert any(_contains(audio, recording) for recording in options)
        assert audio[: int(0.05 * speech.SAMPLE_RATE)].any() == False  # noqa: E712 (starts with silence)
    with pytest.raises(ValueError):
        speech.digit_strings(some, 3, seed=0, min_digits=4, max_digits=2)
    with pytest.raises(ValueError, match="every digit"):
        speech.digit_strings(some[some["digit"] != 3], 3, seed=0)


def _contains(haystack, needle):
    starts = np.flatnonzero(haystack[: len(haystack) - len(needle) + 1] == needle[0])
    return any((haystack[s : s + len(needle)] == needle).all() for s in starts)


def test_ctc_targets_and_error_rates():
    np.testing.assert_array_equal(speech.ctc_targets(["4072", "9"]), [[5, 1, 8, 3], [10, 0, 0, 0]])
    assert speech.edit_distance("123", "123") == 0
    assert speech.edit_distance("123", "13") == 1
    assert speech.edit_distance("123", "1243") == 1
    assert speech.edit_distance("123", "321") == 2
    assert speech.edit_distance("", "12") == 2
    rates = speech.error_rates(["123", "45", "6"], ["13", "45", "7"])
    assert rates["cer"] == pytest.approx(2 / 6) and rates["ser"] == pytest.approx(2 / 3)
    with pytest.raises(ValueError):
        speech.error_rates(["1"], [])


def test_restart_trains_exactly_like_a_fresh_model():
    import keras

    x = np.random.default_rng(3).normal(size=(64, 5)).astype(np.float32)
    y = (x.sum(1) > 0).astype(int)

    def fresh(seed):
        keras.utils.set_random_seed(seed)
        model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2)])
        model.compile(keras.optimizers.Adam(1e-2), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        return model

    def train(model):
        model.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0)
        return model.get_weights()

    reused = fresh(0)
    train(reused)  # trained once, so its optimizer state is not zero
    restarted = train(speech.restart(reused, fresh(1)))
    for a, b in zip(restarted, train(fresh(1))):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
