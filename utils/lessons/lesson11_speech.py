"""Speech: log-mel features, splits by speaker, DTW templates, digit strings for CTC (lesson 11).

Explained in notebooks/11_speech.ipynb, which shows each idea in small steps (the learner
writes the log-mel step, a DTW distance and greedy CTC decoding) and then calls these
versions:

- `log_mel`: 25 ms Hann frames every 10 ms, power spectrum, 40 mel bands, log; the same
  numbers as `tf.signal.stft` and `tf.signal.linear_to_mel_weight_matrix` (a test checks);
- `stack_frames`: join neighbouring frames, so a GRU steps every 20 ms instead of 10;
- `official_split`, `speaker_split`: FSDD's own split (repetitions 0-4 are test) and a
  split that holds out whole speakers; validation is always inside the training speakers;
- `fit_standardizer`, `standardize`, `pad_batch`, `length_batches`: features for Keras,
  zero-padded (a `Masking` layer skips the padding), batches of similar lengths;
  `restart`: train a compiled model again from new initial weights without tracing it again;
- `pooled`: mean and standard deviation over time (the bag-of-frames baseline's input);
- `dtw_distances`: dynamic time warping between many sequences at once, in NumPy;
- `digit_strings`, `ctc_targets`: strings of digits spoken by one speaker, joined with
  silences, for CTC; `edit_distance`, `error_rates`: character and string error rates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from utils.core import checks

SAMPLE_RATE = 8000  # FSDD's rate (samples per second)
FRAME_LENGTH = 200  # 25 ms analysis window
FRAME_STEP = 80  # a frame every 10 ms
FFT_LENGTH = 256  # the next power of two >= FRAME_LENGTH: 129 frequency bins
MEL_BINS = 40
LOWER_HZ, UPPER_HZ = 60.0, 3800.0  # the mel bands cover the telephone band, below Nyquist (4 kHz)
LOG_OFFSET = 1e-6  # log(mel power + LOG_OFFSET): silence stays finite
VALIDATION_REPETITIONS = range(5, 10)  # inside the training speakers, in both splits
TEST_REPETITIONS = range(0, 5)  # FSDD's official test split
BLANK = 0  # the CTC blank's class index (Keras's default mask_index); digit d is class d + 1


def mel_matrix() -> np.ndarray:
    """The (FFT_LENGTH // 2 + 1, MEL_BINS) mel filterbank of `tf.signal.linear_to_mel_weight_matrix`."""
    import tensorflow as tf

    return tf.signal.linear_to_mel_weight_matrix(MEL_BINS, FFT_LENGTH // 2 + 1, SAMPLE_RATE, LOWER_HZ, UPPER_HZ).numpy()


_MEL = None


def hann_window(length: int = FRAME_LENGTH) -> np.ndarray:
    """The periodic Hann window (tf.signal.hann_window's default), 0.5 - 0.5 cos(2 pi n / length)."""
    return (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(length) / length)).astype(np.float32)


def log_mel(audio) -> np.ndarray:
    """Log-mel features of one recording: (frames, MEL_BINS) float32, frames = 1 + (n - 200) // 80.

    `audio` is int16 samples (scaled by 1/32768) or floats in [-1, 1]. Frames that do not
    fit whole at the end are dropped (tf.signal.stft's pad_end=False).
    """
    global _MEL
    if _MEL is None:
        _MEL = mel_matrix()
    audio = np.asarray(audio)
    if audio.ndim != 1 or len(audio) < FRAME_LENGTH:
        raise ValueError(
            f"need one recording as a 1-D array of at least {FRAME_LENGTH} samples, got shape {audio.shape}"
        )
    samples = audio.astype(np.float32) / 32768 if audio.dtype == np.int16 else audio.astype(np.float32)
    frames = np.lib.stride_tricks.sliding_window_view(samples, FRAME_LENGTH)[::FRAME_STEP]
    power = np.abs(np.fft.rfft(frames * hann_window(), FFT_LENGTH)) ** 2
    return np.log(power @ _MEL + LOG_OFFSET).astype(np.float32)


def stack_frames(features: np.ndarray, stack: int = 2) -> np.ndarray:
    """Join `stack` neighbouring frames into one: (T, D) -> (T // stack, stack * D); a last odd frame is dropped."""
    checks.positive_int("stack", stack)
    features = np.asarray(features)
    usable = len(features) // stack * stack
    if usable == 0:
        raise ValueError(f"{len(features)} frame(s) cannot make one stack of {stack}")
    return features[:usable].reshape(usable // stack, stack * features.shape[1])


def official_split(frame: pd.DataFrame) -> np.ndarray:
    """FSDD's split, one label per row: repetitions 0-4 'test', 5-9 'validation', the rest 'train'."""
    repetition = frame["repetition"].to_numpy()
    return np.where(
        np.isin(repetition, TEST_REPETITIONS),
        "test",
        np.where(np.isin(repetition, VALIDATION_REPETITIONS), "validation", "train"),
    )


def speaker_split(frame: pd.DataFrame, test_speakers) -> np.ndarray:
    """Hold out whole speakers: every recording of `test_speakers` is 'test'; of the others,
    repetitions 5-9 are 'validation' and the rest 'train' (validation stays inside the
    training speakers, so choosing a model never looks at a test voice)."""
    test_speakers = list(test_speakers)
    known = set(frame["speaker"])
    unknown = sorted(set(test_speakers) - known)
    if not test_speakers or unknown or set(test_speakers) == known:
        raise ValueError(f"test_speakers must name some, not all, of {sorted(known)}; got {test_speakers}")
    held_out = frame["speaker"].isin(test_speakers).to_numpy()
    validation = np.isin(frame["repetition"].to_numpy(), VALIDATION_REPETITIONS)
    return np.where(held_out, "test", np.where(validation, "validation", "train"))


def fit_standardizer(features) -> tuple[np.ndarray, np.ndarray]:
    """Per-feature mean and standard deviation over every frame of `features` (the training set's)."""
    frames = np.concatenate(list(features))
    return frames.mean(axis=0), frames.std(axis=0) + 1e-6


def standardize(features, stats) -> list[np.ndarray]:
    mean, std = stats
    return [((f - mean) / std).astype(np.float32) for f in features]


def pad_batch(features, length: int | None = None, value=0.0) -> tuple[np.ndarray, np.ndarray]:
    """Pad sequences of frames to one array (n, length, D) with `value`; also their true lengths.

    With the default 0, after standardisation, a real frame is never all zeros, so
    `keras.layers.Masking()` (mask_value 0) marks exactly the padding. `value` may be one
    frame (a vector), e.g. the features of silence. Longer sequences are cut to `length`.
    """
    features = list(features)
    lengths = np.array([len(f) for f in features])
    length = int(lengths.max()) if length is None else checks.positive_int("length", length)
    batch = np.empty((len(features), length, features[0].shape[1]), np.float32)
    batch[:] = value
    for row, f in enumerate(features):
        batch[row, : min(len(f), length)] = f[:length]
    return batch, np.minimum(lengths, length)


def length_batches(features, labels, batch_size: int, seed: int, pad_value=0.0):
    """Batches of similar length for `model.fit`: (a repeating tf.data.Dataset, steps per epoch).

    Padding every recording to the longest one would make the GRU run mostly over padding.
    Each epoch, the sequences are sorted by length (plus a little seeded noise, so batches
    differ from epoch to epoch), cut into batches of `batch_size`, each padded to its own
    longest sequence with `pad_value`, and the batches are visited in a seeded random order.
    """
    import tensorflow as tf

    features, labels = list(features), np.asarray(labels)
    checks.same_length("features", features, "labels", labels)
    checks.positive_int("batch_size", batch_size)
    lengths = np.array([len(f) for f in features])
    n_batches = -(-len(features) // batch_size)
    rng = np.random.default_rng(seed)

    def one_epoch():
        order = np.argsort(lengths + rng.uniform(0, 4, len(lengths)), kind="stable")
        batches = [order[start : start + batch_size] for start in range(0, len(order), batch_size)]
        for b in rng.permutation(len(batches)):
            rows = batches[b]
            yield pad_batch([features[r] for r in rows], value=pad_value)[0], labels[rows]

    signature = (
        tf.TensorSpec((None, None, features[0].shape[1]), tf.float32),
        tf.TensorSpec((None, *labels.shape[1:]), tf.as_dtype(labels.dtype)),
    )
    data = tf.data.Dataset.from_generator(one_epoch, output_signature=signature).repeat()
    return data.prefetch(2), n_batches


def restart(model, fresh):
    """Start a compiled `model` again from `fresh`'s initial weights, with a new optimizer state.

    Training the restarted model is training `fresh` (same weights, zero Adam moments, step
    0), but the model keeps its traced training and prediction functions, so each further
    seed or split costs no new tracing (a few seconds per model on a CPU). Returns `model`.
    """
    model.set_weights(fresh.get_weights())
    for variable in model.optimizer.variables:
        if not variable.path.endswith("learning_rate"):
            variable.assign(np.zeros(variable.shape, variable.dtype))
    return model


def pooled(features) -> np.ndarray:
    """Each sequence summarised by its per-feature mean and standard deviation over time: (n, 2 D)."""
    return np.stack([np.concatenate([f.mean(axis=0), f.std(axis=0)]) for f in features]).astype(np.float32)


def dtw_distances(queries, templates, chunk: int = 32) -> np.ndarray:
    """Dynamic-time-warping distance of every query to every template: (len(queries), len(templates)).

    Frame cost: Euclidean distance. Steps: (1, 0), (0, 1), (1, 1); the path runs from the
    first frames to the last ones. The total cost is divided by (query frames + template
    frames), so long words are not penalised for being long.

    Vectorised: for each query row i, the recursion D[i, j] = c[i, j] + min(D[i-1, j-1],
    D[i-1, j], D[i, j-1]) is m_j = c[i, j] + min(D[i-1, j-1], D[i-1, j]), then
    D[i, j] = S_j + min over k <= j of (m_k - S_k), with S the running sum of c[i, :]
    (a cumulative minimum), over many (query, template) pairs at once.
    """
    queries, templates = list(queries), list(templates)
    t_lengths = np.array([len(t) for t in templates])
    t_batch, _ = pad_batch(templates)  # (nt, Tt, D)
    t_last = t_lengths - 1
    t_sq = (t_batch**2).sum(-1)  # (nt, Tt)
    q_lengths = np.array([len(q) for q in queries])
    result = np.empty((len(queries), len(templates)))
    order = np.argsort(q_lengths)  # similar lengths in one chunk: less padding
    for start in range(0, len(order), chunk):
        rows = order[start : start + chunk]
        q_batch, _ = pad_batch([queries[r] for r in rows])  # (nq, Tq, D)
        q_sq = (q_batch**2).sum(-1)
        # cost[q, i, t, j] = ||query q frame i - template t frame j||
        nq, tq, dim = q_batch.shape
        cross = (q_batch.reshape(nq * tq, dim) @ t_batch.reshape(-1, dim).T).reshape(nq, tq, *t_sq.shape)
        cost = np.sqrt(np.maximum(q_sq[:, :, None, None] + t_sq[None, None] - 2 * cross, 0.0))
        total = np.empty((len(rows), len(templates)))
        previous = None
        for i in range(q_batch.shape[1]):
            running = np.cumsum(cost[:, i], axis=-1)  # S_j, (nq, nt, Tt)
            if previous is None:
                current = running
            else:
                diagonal = np.concatenate([np.full(previous.shape[:-1] + (1,), np.inf), previous[..., :-1]], axis=-1)
                best_before = cost[:, i] + np.minimum(diagonal, previous)
                current = running + np.minimum.accumulate(best_before - running, axis=-1)
            ends_here = q_lengths[rows] - 1 == i
            if ends_here.any():
                total[ends_here] = np.take_along_axis(current[ends_here], t_last[None, :, None], axis=-1)[..., 0]
            previous = current
        result[rows] = total / (q_lengths[rows, None] + t_lengths[None, :])
    return result


def digit_strings(
    frame: pd.DataFrame, n_strings: int, seed: int, min_digits: int = 3, max_digits: int = 5, gap_seconds=(0.05, 0.25)
):
    """Digit strings spoken by one speaker, made by joining real recordings with short silences.

    For each string (seeded, reproducible): draw a speaker of `frame`, a length between
    `min_digits` and `max_digits`, the digits (uniform, repeats allowed), for each digit one
    of that speaker's recordings of it in `frame`, and a silence (zeros) before, between and
    after the digits, each uniform in `gap_seconds`. Returns a DataFrame: speaker, digits
    (a string such as "4072") and audio (int16).
    """
    checks.positive_int("n_strings", n_strings)
    if not 1 <= min_digits <= max_digits:
        raise ValueError(f"need 1 <= min_digits <= max_digits, got {min_digits}, {max_digits}")
    low, high = gap_seconds
    if not 0 <= low <= high:
        raise ValueError(f"gap_seconds must be (low, high) with 0 <= low <= high, got {gap_seconds}")
    rng = np.random.default_rng(seed)
    by_speaker_digit = {key: rows.index.to_numpy() for key, rows in frame.groupby(["speaker", "digit"])}
    speakers = sorted(frame["speaker"].unique())
    missing = [(s, d) for s in speakers for d in range(10) if (s, d) not in by_speaker_digit]
    if missing:
        raise ValueError(f"every speaker needs recordings of every digit; missing {missing[:5]}")
    rows = []
    for _ in range(n_strings):
        speaker = speakers[rng.integers(len(speakers))]
        digits = rng.integers(0, 10, rng.integers(min_digits, max_digits + 1))
        pieces = []
        for digit in digits:
            pieces.append(np.zeros(int(rng.uniform(low, high) * SAMPLE_RATE), np.int16))
            pieces.append(frame.at[rng.choice(by_speaker_digit[(speaker, digit)]), "audio"])
        pieces.append(np.zeros(int(rng.uniform(low, high) * SAMPLE_RATE), np.int16))
        rows.append((speaker, "".join(map(str, digits)), np.concatenate(pieces)))
    return pd.DataFrame(rows, columns=["speaker", "digits", "audio"])


def ctc_targets(digit_strings_, length: int | None = None) -> np.ndarray:
    """Digit strings ("4072") as CTC targets: class d + 1 per digit, padded with 0 (the blank).

    keras.losses.CTC reads 0 as padding and counts a target's length as its non-zero entries.
    """
    strings = list(digit_strings_)
    length = max(len(s) for s in strings) if length is None else length
    targets = np.zeros((len(strings), length), np.int32)
    for row, s in enumerate(strings):
        targets[row, : len(s)] = [int(c) + 1 for c in s]
    return targets


def edit_distance(reference, hypothesis) -> int:
    """Levenshtein distance: the fewest insertions, deletions and substitutions turning one into the other."""
    reference, hypothesis = list(reference), list(hypothesis)
    row = np.arange(len(hypothesis) + 1)
    for i, r in enumerate(reference, start=1):
        previous, row = row, np.empty_like(row)
        row[0] = i
        for j, h in enumerate(hypothesis, start=1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (r != h))
    return int(row[-1])


def error_rates(references, hypotheses) -> dict:
    """Character error rate (edits / reference characters) and string error rate (share not exactly right)."""
    references, hypotheses = list(references), list(hypotheses)
    checks.same_length("references", references, "hypotheses", hypotheses)
    edits = np.array([edit_distance(r, h) for r, h in zip(references, hypotheses)])
    characters = int(sum(len(r) for r in references))
    return {
        "cer": float(edits.sum() / characters),
        "ser": float(np.mean(edits > 0)),
        "edits": int(edits.sum()),
        "characters": characters,
        "strings": len(references),
        "wrong_strings": int((edits > 0).sum()),
        "per_string_edits": edits,
    }
