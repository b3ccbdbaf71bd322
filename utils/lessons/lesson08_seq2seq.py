"""Sequence-to-sequence helpers (lesson 08: dates written in 18 languages -> ISO dates).

Lesson 08 explains each piece in small steps; these are the shared versions:

- `CharTokenizer`: characters <-> ids for either side of a task, with id 0 for padding
  and id 1 for the decoder's start token; `encode_batch` pads a list of texts.
- `decoder_inputs`: teacher forcing: the target shifted one step right, behind the start token.
- `seq2seq_dataset`: the `tf.data` pipeline of ((encoder ids, decoder inputs), targets)
  that batches texts of similar length together and cuts each batch to its longest
  text, so that a GRU encoder runs no steps over padding.
- `greedy_decode` and `beam_search`: decode with any model through one function
  `step(tokens, state) -> (logits, new_state)`. A GRU's state is its hidden state (plus
  what attention reads); a Transformer's "state" is the prefix it re-reads at each step.
- `sequence_scores`: exact match and per-character accuracy.
- `state_at_every_step`: the Cho et al. (2014) bridge (the encoder's final state attached to
  every decoder input); `choose_learning_rate`: the course's learning-rate search, with an
  unfinished search reported instead of raised; `epochs_to_reach`: learning speed.
- `field_spans` and `alignment_hits`: does each copied answer digit look hardest at its
  field in the input? `milliseconds`: repeated wall times of one call (one decoder step).

Bad input (an unknown character, an empty or too long text, a beam width < 1) raises a
ValueError that says what was wrong and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..core import checks
from ..core.chars import CharTable, describe_chars
from ..core.probability import log_softmax

PAD_ID, START_ID = 0, 1  # reserved ids; the characters start at 2
LENGTH_BUCKETS = (16, 20, 24, 32)  # seq2seq_dataset: texts up to 16, 17-20, 21-24, 25-32, longer


# ---------------------------------------------------------------- the character tables
def text_list(texts) -> list[str]:
    """`texts` (a list, array or Series of str) as a non-empty list."""
    if isinstance(texts, str):
        raise TypeError("expected a list of texts, got one str (wrap it in a list)")
    texts = list(texts)
    if not texts:
        raise ValueError("the list of texts is empty")
    if not all(isinstance(t, str) for t in texts):
        raise TypeError("every text must be a str")
    return texts


def id_array(name: str, ids) -> np.ndarray:
    """`ids` as a 2-D int32 array (one row per sequence)."""
    array = np.asarray(ids)
    if array.ndim != 2 or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must be a 2-D array of integer ids, got {array.dtype} {array.shape}")
    return array.astype(np.int32)


@dataclass(frozen=True)
class CharTokenizer(CharTable):
    """The characters one side of a task knows, in a fixed order, and its longest text.

    Id 0 is padding, id 1 the start token, the characters follow: `chars[i]` has id i + 2.
    Build it from the training texts with `CharTokenizer.from_texts(texts, max_length)`.
    The table itself is `utils.core.chars.CharTable`, shared with lesson 07's `CharVocabulary`.
    """

    FIRST_ID: ClassVar[int] = 2  # PAD_ID and START_ID come first
    KIND: ClassVar[str] = "tokenizer"

    max_length: int = 0

    def __post_init__(self):
        super().__post_init__()
        checks.positive_int("max_length", self.max_length)

    @classmethod
    def from_texts(cls, texts, max_length: int | None = None) -> CharTokenizer:
        """Every distinct character of `texts`, sorted; `max_length` defaults to the longest text."""
        texts = text_list(texts)
        longest = max(len(t) for t in texts)
        if longest == 0:
            raise ValueError("every text is empty: build the tokenizer from the training texts")
        return cls(cls.sorted_chars("".join(texts)), longest if max_length is None else max_length)

    @property
    def vocab_size(self) -> int:
        """The number of ids: the characters plus padding and start."""
        return self.id_count

    def encode(self, text: str, what: str = "text") -> np.ndarray:
        """The ids of the characters of `text` (int32, no padding)."""
        if not isinstance(text, str):
            raise TypeError(f"expected the {what} as a str, got {type(text).__name__}")
        if not text:
            raise ValueError(f"the {what} is empty: give at least one character")
        if len(text) > self.max_length:
            raise ValueError(
                f"the {what} has {len(text)} characters, more than the {self.max_length} this model "
                f"reads: {text!r}. Shorten it (the model never saw longer inputs)."
            )
        unknown = self.unknown(text)
        if unknown:
            raise ValueError(
                f"the {what} {text!r} has {len(unknown)} character(s) the model never saw: "
                f"{describe_chars(unknown)}. It knows {len(self.chars)} characters "
                "(those of its training texts); replace or remove the others."
            )
        return self.known_ids(text)

    def encode_batch(self, texts, what: str = "text") -> np.ndarray:
        """The texts as one int32 array of shape (len(texts), max_length), padded with 0 at the end."""
        texts = text_list(texts)
        batch = np.full((len(texts), self.max_length), PAD_ID, dtype=np.int32)
        for row, text in enumerate(texts):
            ids = self.encode(text, what=f"{what} number {row}")
            batch[row, : len(ids)] = ids
        return batch

    def decode(self, ids) -> str:
        """The text of a sequence of ids; padding and start ids are skipped."""
        return self.text_of(ids)

    def decode_batch(self, ids) -> list[str]:
        """One text per row of a 2-D id array."""
        return [self.decode(row) for row in np.asarray(ids)]


def decoder_inputs(target_ids, start_id: int = START_ID) -> np.ndarray:
    """Teacher forcing: at step t the decoder reads the true character t - 1 (the start token at t = 0)."""
    target_ids = id_array("target_ids", target_ids)
    start = np.full((len(target_ids), 1), start_id, dtype=np.int32)
    return np.concatenate([start, target_ids[:, :-1]], axis=1)


def text_lengths(encoder_ids) -> np.ndarray:
    """The number of characters before the padding in each row of `encode_batch`'s array."""
    return (np.asarray(encoder_ids) != PAD_ID).sum(axis=1).astype(np.int32)


# ---------------------------------------------------------------- the tf.data pipeline
def seq2seq_dataset(
    encoder_ids, target_ids, batch_size: int, shuffle: bool = False, seed: int | None = None, buckets=LENGTH_BUCKETS
):
    """Batches of ((encoder ids, decoder inputs), targets) for `model.fit`, similar lengths together.

    Each text goes to a length bucket (`buckets` are the upper bounds); a batch holds
    texts of one bucket and is cut to its longest text. With `shuffle`, the order of
    texts (hence the batches) changes at every epoch. The last batch of a bucket may be
    smaller; `len(dataset)` is the number of batches per epoch.
    """
    import tensorflow as tf

    batch_size = checks.positive_int("batch_size", batch_size)
    encoder_ids, target_ids = id_array("encoder_ids", encoder_ids), id_array("target_ids", target_ids)
    checks.same_length("encoder_ids rows", encoder_ids, "target_ids rows", target_ids)
    lengths = text_lengths(encoder_ids)
    if lengths.min() == 0:
        raise ValueError("a row of encoder_ids is all padding: every input needs at least one character")
    rows_per_bucket = np.bincount(np.searchsorted(buckets, lengths), minlength=len(buckets) + 1)
    n_batches = int(np.sum(-(-rows_per_bucket // batch_size)))  # each bucket ends with one partial batch
    dataset = tf.data.Dataset.from_tensor_slices((encoder_ids, decoder_inputs(target_ids), target_ids, lengths))
    if shuffle:
        dataset = dataset.shuffle(len(encoder_ids), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.bucket_by_sequence_length(
        lambda enc, dec, target, length: length,
        bucket_boundaries=[b + 1 for b in buckets],  # tf.data's bounds are exclusive
        bucket_batch_sizes=[batch_size] * (len(buckets) + 1),
    )

    def cut_to_longest(enc, dec, target, length):
        return (enc[:, : tf.reduce_max(length)], dec), target

    dataset = dataset.map(cut_to_longest).apply(tf.data.experimental.assert_cardinality(n_batches))
    return dataset.prefetch(tf.data.AUTOTUNE)  # len(dataset) is the number of batches


# ---------------------------------------------------------------- decoding
def batch_size_of(state) -> int:
    parts = list(state) if isinstance(state, (tuple, list)) else None
    if not parts:
        raise ValueError("state must be a tuple of arrays whose first axis is the batch")
    return len(parts[0])


def greedy_decode(step, state, length: int, start_id: int = START_ID) -> np.ndarray:
    """Decode `length` tokens for a batch, each time feeding back the most likely one.

    `step(tokens, state)` takes one token id per row and the state, and returns
    (logits of shape (batch, vocabulary), new state); `state` is a tuple of arrays
    whose first axis is the batch. Returns the ids, shape (batch, length).
    """
    length = checks.positive_int("length", length)
    tokens = np.full(batch_size_of(state), start_id, dtype=np.int32)
    chosen = []
    for _ in range(length):
        logits, state = step(tokens, state)
        tokens = np.asarray(logits).argmax(axis=-1).astype(np.int32)
        chosen.append(tokens)
    return np.stack(chosen, axis=1)


def beam_search(step, state, length: int, beam_width: int, start_id: int = START_ID) -> tuple[np.ndarray, float]:
    """The most likely sequence of `length` tokens for ONE input, keeping `beam_width` candidates.

    At every step each kept sequence is extended by every token; the `beam_width`
    extensions with the highest total log-probability are kept (ties: the earlier
    candidate wins), and the state rows are reordered to follow them. Returns
    (ids of shape (length,), their total log-probability). Width 1 is greedy decoding.
    """
    beam_width = checks.positive_int("beam_width", beam_width, why=" (1 is greedy decoding)")
    length = checks.positive_int("length", length)
    if batch_size_of(state) != 1:
        raise ValueError(f"beam_search decodes one input at a time; the state holds {batch_size_of(state)} rows")
    sequences = np.zeros((1, 0), dtype=np.int32)
    scores = np.zeros(1)
    tokens = np.array([start_id], dtype=np.int32)
    for _ in range(length):
        logits, state = step(tokens, state)
        candidates = (scores[:, None] + log_softmax(logits)).ravel()
        best = np.argsort(-candidates, kind="stable")[:beam_width]
        rows, tokens = np.divmod(best, np.shape(logits)[-1])
        tokens = tokens.astype(np.int32)
        sequences = np.concatenate([sequences[rows], tokens[:, None]], axis=1)
        scores = candidates[best]
        state = tuple(np.asarray(part)[rows] for part in state)
    return sequences[0], float(scores[0])


# ---------------------------------------------------------------- scores
def sequence_scores(predicted_ids, target_ids) -> dict:
    """Exact match (every character right) and per-character accuracy of decoded sequences."""
    predicted, target = np.asarray(predicted_ids), np.asarray(target_ids)
    if predicted.shape != target.shape or predicted.ndim != 2:
        raise ValueError(
            f"predicted_ids and target_ids must be 2-D arrays of the same shape, got "
            f"{predicted.shape} and {target.shape}"
        )
    correct = predicted == target
    return {"exact match": float(correct.all(axis=1).mean()), "per-character accuracy": float(correct.mean())}


# ---------------------------------------------------------------- the Cho bridge
def state_at_every_step(embedded, state):
    """The Cho et al. (2014) bridge: each decoder input step gets the encoder's final state attached.

    `embedded` (batch, steps, embedding) are the decoder's embedded input characters,
    `state` (batch, units) the encoder's final state; returns (batch, steps, embedding +
    units): the character's embedding first, then the state, at every step. Works on
    Keras tensors inside a model (wrap it in `keras.layers.Lambda`) and on arrays.
    """
    from keras import ops

    steps = ops.shape(embedded)[1]
    return ops.concatenate([embedded, ops.repeat(ops.expand_dims(state, 1), steps, axis=1)], axis=-1)


# ---------------------------------------------------------------- learning-rate search
def choose_learning_rate(score, grid, max_widenings: int = 1) -> tuple[float, object, bool]:
    """`protocol.learning_rate_search`, but an unfinished search is reported instead of raised.

    Returns (chosen rate, every validation score tried by rate, finished). When the best
    rate is still at an edge of the grid after `max_widenings`, the best rate tried is
    returned with finished=False: say so next to the result (the search was cut by the
    budget), never hide it.
    """
    import pandas as pd

    from ..core import protocol

    tried: dict[float, float] = {}

    def remembered(rate):
        tried[rate] = float(score(rate))
        return tried[rate]

    try:
        rate, table = protocol.learning_rate_search(remembered, grid, max_widenings=max_widenings)
        return rate, table, True
    except ValueError as error:
        if "still at the edge" not in str(error):
            raise
    table = pd.Series(tried).sort_index().rename("validation score").rename_axis("learning_rate")
    finite = table.replace([np.inf, -np.inf], np.nan).dropna()
    if finite.empty:
        raise ValueError(f"every learning rate of the search diverged: {dict(tried)}; lower the grid")
    return float(finite.idxmin()), table, False


def epochs_to_reach(values, level: float):
    """The first epoch (counting from 1) whose value reaches `level`, or None if none does."""
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or len(values) == 0:
        raise ValueError(f"values must be a non-empty list of per-epoch values, got shape {values.shape}")
    reached = np.flatnonzero(values >= level)
    return int(reached[0]) + 1 if len(reached) else None


# ---------------------------------------------------------------- alignment
ISO_FIELDS = {
    "year": slice(0, 4),
    "month": slice(5, 7),
    "day": slice(8, 10),
    "hour": slice(11, 13),
    "minute": slice(14, 16),
}


def field_spans(text: str, iso: str) -> dict:
    """Where each answer digit is copied from: {answer position: (start, end) of its input span}.

    Reads the runs of digits of `text` and matches each to the fields of `iso`
    (`YYYY-MM-DDTHH:MM`): a 4-digit year, or its last two digits; the month, day and
    minute by value; the hour by value or on a 12-hour clock. Only unambiguous pairs
    count: a run that could be two fields (day 5 of May written "5 5") or a field with two
    candidate runs is left out, and so are answer digits with no digit in the input (a
    month written as a name, the century of a two-digit year).
    """
    import re

    if not isinstance(text, str) or not isinstance(iso, str):
        raise TypeError("text and iso must be str")
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", iso):
        raise ValueError(f"iso must look like 2021-03-03T14:05, got {iso!r}")
    year, month, day, hour, minute = (int(iso[where]) for where in ISO_FIELDS.values())
    runs = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\d+", text)]

    def fields_of(run: str) -> list[tuple[str, slice]]:
        value, found = int(run), []
        if len(run) == 4 and value == year:
            found.append(("year", ISO_FIELDS["year"]))
        if len(run) == 2 and value == year % 100:
            found.append(("year", slice(2, 4)))  # the century is not in the input
        if len(run) <= 2:
            for name, field in (("month", month), ("day", day), ("minute", minute)):
                if value == field and (name != "minute" or len(run) == 2):
                    found.append((name, ISO_FIELDS[name]))
            if value in {hour, hour % 12 or 12}:
                found.append(("hour", ISO_FIELDS["hour"]))
        return found

    matches = [(start, end, fields_of(run)) for start, end, run in runs]
    spans = {}
    for name in ISO_FIELDS:
        candidates = [(start, end, where) for start, end, found in matches for n, where in found if n == name]
        if len(candidates) != 1:
            continue
        start, end, where = candidates[0]
        if len(next(found for s, _, found in matches if s == start)) != 1:
            continue  # the run could also be another field
        spans.update({position: (start, end) for position in range(where.start, where.stop)})
    return spans


def alignment_hits(weights, text: str, iso: str) -> tuple[int, int, float]:
    """(answer digits whose largest attention weight lies on their input span, digits counted, chance).

    `weights` (16, input length or more): one row per answer character (as the decoder
    writes it), one column per input character. `chance` is the expected number of hits if
    the largest weight fell on a uniformly random input character.
    """
    weights = np.asarray(weights, dtype=float)
    if weights.ndim != 2 or weights.shape[0] != len(iso) or weights.shape[1] < len(text):
        raise ValueError(
            f"weights must have one row per answer character ({len(iso)}) and a column per input "
            f"character (at least {len(text)}), got shape {weights.shape}"
        )
    spans = field_spans(text, iso)
    looked = weights[:, : len(text)].argmax(axis=1)
    hits = sum(start <= looked[position] < end for position, (start, end) in spans.items())
    chance = sum((end - start) / len(text) for start, end in spans.values())
    return int(hits), len(spans), float(chance)


# ---------------------------------------------------------------- latency
def milliseconds(call, repeats: int, warmup: int = 2) -> np.ndarray:
    """Wall time of `call()` in ms, `repeats` times, after `warmup` untimed calls (graph tracing)."""
    import time

    repeats = checks.positive_int("repeats", repeats)
    warmup = checks.whole_number("warmup", warmup, minimum=0)
    for _ in range(warmup):
        call()
    times = np.empty(repeats)
    for i in range(repeats):
        begin = time.perf_counter()
        call()
        times[i] = 1000 * (time.perf_counter() - begin)
    return times
