"""Character-level language-model helpers (lesson 07: text generation and predictive text).

Lesson 07 explains each piece in small steps; these are the shared versions:

- `CharVocabulary`: the character table (id <-> character), `encode` and `decode`.
- `sequence_dataset`: the `tf.data` pipeline of (input, target) sequences, where the
  target is the input shifted one character to the left.
- `GRUStepper`: run a trained Embedding -> GRU(s) -> Dense model one character at a
  time, carrying the GRU state between steps (it calls each GRU layer's own cell, so the
  trained weights are reused as they are).
- `parallel_streams` and `predict_carrying_state`: read a long text as consecutive
  chunks with each GRU's state passed from one chunk to the next, instead of starting
  every chunk from a zero state.
- `generate` (temperature sampling), `top_k_next` (the next-character suggestions of a
  phone keyboard) and `complete_word` (the most likely completion of the current word,
  by beam search).
- `fit_ngram` and `NGramModel`: the strongest simple baseline, an interpolated Kneser-Ney
  character n-gram (order chosen on validation in the lesson); `char_scores`: per-character
  right/wrong and bits, for intervals over test characters.

Bad input (an empty text or prefix, a temperature <= 0, characters outside the
vocabulary) raises a ValueError that says what was wrong and how to fix it.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..core import checks, probability
from ..core.chars import CharTable, describe_chars


# ---------------------------------------------------------------- the character table
@dataclass(frozen=True)
class CharVocabulary(CharTable):
    """The characters a model knows, in a fixed order: id i <-> chars[i].

    Build it from the training text with `CharVocabulary.from_text(text)`. The table
    itself is `utils.core.chars.CharTable`, shared with lesson 08's `CharTokenizer`.
    """

    KIND: ClassVar[str] = "vocabulary"

    @classmethod
    def from_text(cls, text: str) -> CharVocabulary:
        """Every distinct character of `text`, sorted (so the ids do not depend on order)."""
        if not isinstance(text, str):
            raise TypeError(f"expected the text as a str, got {type(text).__name__}")
        if not text:
            raise ValueError("the text is empty: build the vocabulary from the training text")
        return cls(cls.sorted_chars(text))

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str, what: str = "text") -> np.ndarray:
        """The ids of the characters of `text` (int32 array); unknown characters raise."""
        if not isinstance(text, str):
            raise TypeError(f"expected the {what} as a str, got {type(text).__name__}")
        missing = self.unknown(text)
        if missing:
            raise ValueError(
                f"the {what} has {len(missing)} character(s) outside the vocabulary: "
                f"{describe_chars(missing)}. The model only knows the {len(self)} characters "
                f"of its training text; remove or replace those (was the training text lower-cased?)."
            )
        return self.known_ids(text)

    def decode(self, ids) -> str:
        """The text of a sequence of ids (the inverse of `encode`)."""
        return self.text_of(ids)


# ---------------------------------------------------------------- the tf.data pipeline
def split_input_target(chunk):
    """(chunk[:-1], chunk[1:]): at every position the target is the next character."""
    return chunk[..., :-1], chunk[..., 1:]


def sequence_dataset(ids, seq_length: int, batch_size: int, shuffle: bool = False, seed: int | None = None):
    """Batches of (input, target) id sequences of length `seq_length` from one long id array.

    The ids are cut into consecutive, non-overlapping chunks of seq_length + 1; each
    chunk gives an input (its first seq_length ids) and a target (its last seq_length).
    With `shuffle`, the chunks are shuffled again at every epoch. Incomplete last
    chunks and batches are dropped, so every batch has shape (batch_size, seq_length).
    """
    import tensorflow as tf

    ids = np.asarray(ids)
    checks.positive_int("seq_length", seq_length)
    checks.positive_int("batch_size", batch_size)
    if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"ids must be a 1-D array of character ids (vocab.encode(text)), got {ids.dtype} {ids.shape}")
    n_chunks = len(ids) // (seq_length + 1)
    if n_chunks < batch_size:
        raise ValueError(
            f"{len(ids):,} characters give only {n_chunks} sequence(s) of {seq_length} + 1, "
            f"fewer than one batch of {batch_size}; use more text, a shorter seq_length or a smaller batch_size"
        )
    dataset = (
        tf.data.Dataset.from_tensor_slices(ids.astype(np.int32))
        .batch(seq_length + 1, drop_remainder=True)  # one chunk = seq_length + 1 characters
        .map(split_input_target)
        .cache()
    )
    if shuffle:
        dataset = dataset.shuffle(n_chunks, seed=seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)


# ---------------------------------------------------------------- one step at a time
class GRUStepper:
    """Run an Embedding -> GRU(s) -> Dense character model one step at a time.

    A GRU layer is a loop over its cell; `step` calls the cells of the trained layers
    directly and hands back the new states, so text can be fed or generated character
    by character without starting from a zero state each time. Dropout layers are
    skipped (they do nothing at inference).
    """

    def __init__(self, model):
        import keras
        import tensorflow as tf

        self.layers = []
        for layer in model.layers:
            if isinstance(layer, (keras.layers.InputLayer, keras.layers.Dropout)):
                continue
            if not isinstance(layer, (keras.layers.Embedding, keras.layers.GRU, keras.layers.Dense)):
                raise ValueError(
                    f"GRUStepper steps Embedding, GRU, Dropout and Dense layers in a row; "
                    f"layer {layer.name!r} is a {type(layer).__name__}"
                )
            self.layers.append(layer)
        kinds = [type(layer).__name__ for layer in self.layers]
        if (
            len(kinds) < 3
            or kinds[0] != "Embedding"
            or kinds[-1] != "Dense"
            or any(kind != "GRU" for kind in kinds[1:-1])
        ):
            raise ValueError(f"expected Embedding -> GRU (one or more) -> Dense, got {' -> '.join(kinds)}")
        if not all(layer.return_sequences for layer in self.layers[1:-1]):
            raise ValueError("every GRU layer of a language model needs return_sequences=True")
        self.grus = self.layers[1:-1]
        # The same step as a TensorFlow graph: about 4x faster than eager calls, one step at a time.
        self.compiled_forward = tf.function(self.forward, autograph=False, reduce_retracing=True)

    def zero_states(self, batch_size: int = 1) -> list[np.ndarray]:
        """One zero state of shape (batch_size, units) per GRU layer."""
        return [np.zeros((batch_size, gru.units), dtype="float32") for gru in self.grus]

    def forward(self, ids, states):
        """One step on tensors: embed the ids, run each GRU cell, then the Dense layer."""
        x = self.layers[0](ids)
        new_states = []
        for gru, state in zip(self.grus, states):
            x, _ = gru.cell(x, [state], training=False)
            new_states.append(x)
        return self.layers[-1](x), new_states

    def step(self, ids, states):
        """Feed one character id per row; return (next-character logits, new states)."""
        logits, states = self.compiled_forward(np.asarray(ids, dtype="int32").reshape(-1), list(states))
        return np.asarray(logits), states

    def read(self, ids, states=None):
        """Feed a whole sequence of ids (one row); return (logits after it, states)."""
        ids = np.asarray(ids).reshape(-1)
        if ids.size == 0:
            raise ValueError("nothing to read: give at least one character")
        states = self.zero_states(1) if states is None else states
        for i in ids:
            logits, states = self.step([i], states)
        return logits[0], states


_steppers = weakref.WeakKeyDictionary()


def stepper_for(model) -> GRUStepper:
    """The GRUStepper of `model`, made once and reused (it always reads the current weights)."""
    if model not in _steppers:
        _steppers[model] = GRUStepper(model)
    return _steppers[model]


def log_softmax(logits, temperature: float = 1.0) -> np.ndarray:
    """Log-probabilities from logits divided by `temperature` (a lower temperature is sharper)."""
    check_temperature(temperature)
    return probability.log_softmax(np.asarray(logits, dtype="float64") / temperature)


def softmax(logits, temperature: float = 1.0) -> np.ndarray:
    """Probabilities from logits divided by `temperature`; each row sums to 1."""
    return np.exp(log_softmax(logits, temperature))


def check_temperature(temperature) -> None:
    if not isinstance(temperature, (int, float, np.floating)) or isinstance(temperature, bool):
        raise TypeError(f"temperature must be a number, got {type(temperature).__name__}")
    if not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(
            f"temperature must be a positive number, got {temperature}. Use about 0.2 for "
            "safe, repetitive text, 1.0 to sample the model's own probabilities, 1.5+ for wild text."
        )


def encode_prefix(vocab: CharVocabulary, prefix: str) -> np.ndarray:
    if not isinstance(prefix, str):
        raise TypeError(f"the prefix must be a str, got {type(prefix).__name__}")
    if not prefix:
        raise ValueError("the prefix is empty: give at least one character to start from (for example '\\n')")
    return vocab.encode(prefix, what="prefix")


# ---------------------------------------------------------------- carrying the state across chunks
def parallel_streams(ids, n_streams: int, seq_length: int):
    """(inputs, targets), each (n_streams, n_chunks * seq_length): the ids cut into contiguous streams.

    Stream s continues where stream s - 1 ends; column block c of a stream is its c-th chunk,
    so consecutive chunks of one row are consecutive pieces of the text. The tail that does
    not fill a whole chunk in every stream is dropped.
    """
    ids = np.asarray(ids)
    checks.positive_int("n_streams", n_streams)
    checks.positive_int("seq_length", seq_length)
    n_chunks = (len(ids) - 1) // (n_streams * seq_length)
    if n_chunks < 1:
        raise ValueError(f"{len(ids):,} ids are too few for {n_streams} streams of one {seq_length}-id chunk")
    length = n_chunks * seq_length
    streams = np.stack([ids[s * length : (s + 1) * length + 1] for s in range(n_streams)])
    return streams[:, :-1], streams[:, 1:]


def predict_carrying_state(model, inputs, seq_length: int) -> np.ndarray:
    """Logits for `inputs` (n_streams, T) read `seq_length` columns at a time, carrying the state.

    Each GRU layer starts the next chunk from its state at the end of the previous one
    (for a GRU the state is its last output), so every chunk sees all the text before it.
    The result equals reading each whole stream at once; only the memory use differs.
    """
    layers = stepper_for(model).layers
    embedding, grus, dense = layers[0], layers[1:-1], layers[-1]
    inputs = np.asarray(inputs)
    states = [np.zeros((len(inputs), gru.units), dtype="float32") for gru in grus]
    logits = []
    for start in range(0, inputs.shape[1], seq_length):
        x = embedding(inputs[:, start : start + seq_length])
        for i, gru in enumerate(grus):
            x = gru(x, initial_state=states[i])
            states[i] = x[:, -1, :]  # the state after the chunk's last character
        logits.append(np.asarray(dense(x)))
    return np.concatenate(logits, axis=1)


def predict_resetting_state(model, inputs, seq_length: int) -> np.ndarray:
    """Logits for `inputs` (n_streams, T) with every `seq_length` chunk read from a zero state."""
    inputs = np.asarray(inputs)
    chunks = inputs.reshape(-1, seq_length)  # row-major: the chunks of stream 0, then stream 1, ...
    return np.asarray(model.predict(chunks, verbose=0)).reshape(*inputs.shape, -1)


# ---------------------------------------------------------------- generation and predictive text
def generate(
    model, prefix: str, n: int, temperature: float = 1.0, *, vocab: CharVocabulary, seed: int | None = None
) -> str:
    """`prefix` followed by `n` characters sampled one at a time at `temperature`.

    The GRU state is carried from step to step: the prefix is read once, then each
    sampled character is fed back in. `seed` makes the sample repeatable.
    """
    check_temperature(temperature)
    checks.whole_number("n (the number of characters to generate)", n, minimum=0)
    stepper = stepper_for(model)
    logits, states = stepper.read(encode_prefix(vocab, prefix))
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        next_id = rng.choice(len(logits), p=softmax(logits, temperature))
        out.append(next_id)
        logits, states = stepper.step([next_id], states)
        logits = logits[0]
    return prefix + vocab.decode(np.array(out, dtype=np.int64))


def top_k_next(model, prefix: str, k: int = 3, *, vocab: CharVocabulary) -> list[tuple[str, float]]:
    """The k most likely next characters after `prefix`, with their probabilities."""
    checks.whole_number("k", k, minimum=1, maximum=len(vocab), why=" (the vocabulary size)")
    logits, _ = stepper_for(model).read(encode_prefix(vocab, prefix))
    probs = softmax(logits)
    best = np.argsort(-probs, kind="stable")[:k]
    return [(vocab.chars[i], float(probs[i])) for i in best]


def is_word_char(char: str) -> bool:
    """Letters and the apostrophe ("o'er", "king's") belong to a word."""
    return char.isalpha() or char == "'"


def current_word(prefix: str) -> str:
    """The unfinished word at the end of `prefix` ('' after a space or punctuation)."""
    start = len(prefix)
    while start > 0 and is_word_char(prefix[start - 1]):
        start -= 1
    return prefix[start:]


def complete_word(
    model, prefix: str, *, vocab: CharVocabulary, beam_width: int = 5, max_length: int = 20
) -> tuple[str, float]:
    """The most likely completion of the word being typed at the end of `prefix`.

    Returns (completion, probability): the characters still to type and the model's
    probability of exactly those characters followed by the end of the word (a space,
    punctuation or a newline). After a space it predicts the whole next word. Beam
    search keeps the `beam_width` most likely partial words; it stops when no partial
    word can beat the best finished one any more (probabilities only shrink), or at
    `max_length` characters.
    """
    checks.positive_int("beam_width", beam_width)
    checks.positive_int("max_length", max_length)
    stepper = stepper_for(model)
    logits, states = stepper.read(encode_prefix(vocab, prefix))
    word_ids = np.array([i for i, c in enumerate(vocab.chars) if is_word_char(c)])
    end_ids = np.array([i for i, c in enumerate(vocab.chars) if not is_word_char(c)])
    if word_ids.size == 0 or end_ids.size == 0:
        raise ValueError("the vocabulary needs both letters and word-ending characters (space, punctuation)")
    need_letter = current_word(prefix) == ""  # after a space, the next word has at least one letter
    beams = [("", 0.0)]  # (completion so far, log probability)
    log_probs = log_softmax(logits)[None, :]
    best = ("", -math.inf)
    for length in range(max_length + 1):
        for (text, score), row in zip(beams, log_probs):
            if text or not need_letter:
                finished = score + float(np.logaddexp.reduce(row[end_ids]))
                if finished > best[1]:
                    best = (text, finished)
        if length == max_length:
            break
        candidates = [
            (score + row[i], b, i) for b, ((text, score), row) in enumerate(zip(beams, log_probs)) for i in word_ids
        ]
        candidates.sort(key=lambda c: -c[0])
        candidates = [c for c in candidates[:beam_width] if c[0] > best[1]]
        if not candidates:
            break  # no longer word can be more likely than the best finished one
        beams = [(beams[b][0] + vocab.chars[i], score) for score, b, i in candidates]
        rows = [b for _, b, _ in candidates]
        states = [np.asarray(state)[rows] for state in states]
        logits, states = stepper.step([i for _, _, i in candidates], states)
        log_probs = log_softmax(logits)
    if best[1] == -math.inf:
        return "", 0.0
    return best[0], float(math.exp(best[1]))


# ---------------------------------------------------------------- the n-gram baseline
# The strongest simple baseline for a character model: count what follows every context
# of up to `order - 1` characters in the training text, and mix the orders (interpolated
# Kneser-Ney), so that a context seen rarely or never still gets sensible probabilities.
@dataclass(frozen=True, eq=False)
class _CountTable:
    """Counts c(h, w) of one level, as arrays sorted by (context h, next character w)."""

    keys: np.ndarray  # h * V + w, sorted
    counts: np.ndarray  # c(h, w) > 0, float64
    contexts: np.ndarray  # the distinct h, sorted
    starts: np.ndarray  # where each context's followers begin in keys
    totals: np.ndarray  # c(h, .) = the sum over w
    types: np.ndarray  # how many different w follow h
    discount: float


def _count_table(keys: np.ndarray, counts: np.ndarray, vocab_size: int) -> _CountTable:
    contexts_of_keys = keys // vocab_size
    contexts, starts, types = np.unique(contexts_of_keys, return_index=True, return_counts=True)
    totals = np.add.reduceat(counts, starts) if len(keys) else np.zeros(0)
    n1, n2 = np.count_nonzero(counts == 1), np.count_nonzero(counts == 2)
    discount = n1 / (n1 + 2 * n2) if n1 + n2 > 0 else 0.5  # Ney's estimate, kept inside (0, 1)
    discount = float(min(max(discount, 0.05), 0.95))
    return _CountTable(keys, counts, contexts, starts, totals.astype("float64"), types, discount)


@dataclass(frozen=True, eq=False)
class NGramModel:
    """Interpolated Kneser-Ney character n-gram counts, up to `max_order` (made by `fit_ngram`).

    Level k holds the k-grams: a context of k - 1 characters and the next one. `raw[k]` are
    the training counts (used by the highest order a prediction asks for), `continuation[k]`
    the number of different characters seen *before* each k-gram (Kneser-Ney's counts for
    the lower orders: how many contexts a character completes, not how often it occurs).
    """

    max_order: int
    vocab_size: int
    raw: dict
    continuation: dict

    def probabilities(self, ids, positions, order: int | None = None) -> np.ndarray:
        """P(ids[p] = w | the `order - 1` ids before p) for each p in `positions`: shape (len, V)."""
        order = self.max_order if order is None else order
        checks.whole_number("order", order, minimum=1, maximum=self.max_order, why=" (the model's max_order)")
        return next(probs for k, probs in self.probabilities_by_order(ids, positions) if k == order)

    def probabilities_by_order(self, ids, positions):
        """Yield (order, probabilities) for order 1, 2, ..., max_order, sharing the lower levels."""
        ids, positions = _check_positions(ids, positions, self.vocab_size)
        lower = np.full((len(positions), self.vocab_size), 1.0 / self.vocab_size)  # order 0: uniform
        for k in range(1, self.max_order + 1):
            yield k, _interpolate(self.raw[k], lower, ids, positions, k, self.vocab_size)
            if k < self.max_order:
                lower = _interpolate(self.continuation[k], lower, ids, positions, k, self.vocab_size)


def _check_positions(ids, positions, vocab_size: int):
    ids = np.asarray(ids)
    if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"ids must be a 1-D array of character ids (vocab.encode(text)), got {ids.dtype} {ids.shape}")
    if ids.size and (ids.min() < 0 or ids.max() >= vocab_size):
        raise ValueError(f"ids must lie in 0..{vocab_size - 1} (the model's vocabulary), got {ids.min()}..{ids.max()}")
    positions = np.asarray(positions)
    if positions.ndim != 1 or (positions.size and not np.issubdtype(positions.dtype, np.integer)):
        raise ValueError("positions must be a 1-D array of indices into ids (the characters to predict)")
    if positions.size and (positions.min() < 0 or positions.max() >= len(ids)):
        raise ValueError(f"positions must lie in 0..{len(ids) - 1}, got {positions.min()}..{positions.max()}")
    return ids.astype("int64"), positions.astype("int64")


def _context_codes(ids: np.ndarray, positions: np.ndarray, length: int, vocab_size: int):
    """The `length` ids before each position as one integer (base V), and whether all exist."""
    codes = np.zeros(len(positions), dtype="int64")
    valid = positions >= length
    for j in range(length, 0, -1):
        codes = codes * vocab_size + ids[np.maximum(positions - j, 0)]
    return codes, valid


def _interpolate(table: _CountTable, lower: np.ndarray, ids, positions, k: int, vocab_size: int) -> np.ndarray:
    """max(c(h, w) - D, 0) / c(h, .) + D * types(h) / c(h, .) * lower(w); `lower` where h was never seen."""
    codes, valid = _context_codes(ids, positions, k - 1, vocab_size)
    where = np.searchsorted(table.contexts, codes)
    where = np.minimum(where, max(len(table.contexts) - 1, 0))
    seen = valid & (len(table.contexts) > 0)
    if len(table.contexts):
        seen &= table.contexts[where] == codes
    rows = np.flatnonzero(seen)
    result = lower.copy()
    if rows.size == 0:
        return result
    context_index = where[rows]
    totals, types = table.totals[context_index], table.types[context_index]
    d = table.discount
    result[rows] = lower[rows] * (d * types / totals)[:, None]
    # Scatter each seen context's followers: for row r, the entries starts[i] .. starts[i] + types[i] - 1.
    n_followers = types.astype("int64")
    row_of_entry = np.repeat(rows, n_followers)
    first = np.repeat(table.starts[context_index] - np.cumsum(n_followers) + n_followers, n_followers)
    entry = first + np.arange(n_followers.sum())
    totals_of_entry = np.repeat(totals, n_followers)
    result[row_of_entry, table.keys[entry] % vocab_size] += np.maximum(table.counts[entry] - d, 0) / totals_of_entry
    return result


def fit_ngram(train_ids, max_order: int, vocab_size: int) -> NGramModel:
    """Count the training text's k-grams for k = 1 .. max_order (interpolated Kneser-Ney).

    Counting is a few NumPy passes over the text: each k-gram becomes one integer (its ids
    read in base V), and `np.unique` counts them. Use `model.probabilities(ids, positions,
    order)` for the next-character distributions of any order up to `max_order`.
    """
    checks.positive_int("max_order", max_order)
    checks.whole_number("vocab_size", vocab_size, minimum=1)
    train_ids = np.asarray(train_ids)
    if train_ids.ndim != 1 or not np.issubdtype(train_ids.dtype, np.integer):
        raise ValueError(f"train_ids must be a 1-D array of character ids, got {train_ids.dtype} {train_ids.shape}")
    if len(train_ids) <= max_order:
        raise ValueError(f"{len(train_ids)} training ids are too few for {max_order}-grams; use more text")
    if train_ids.min() < 0 or train_ids.max() >= vocab_size:
        raise ValueError(f"train_ids must lie in 0..{vocab_size - 1}, got {train_ids.min()}..{train_ids.max()}")
    if vocab_size ** (max_order + 1) >= 2**62:
        raise ValueError(f"max_order {max_order} is too high for {vocab_size} characters (the codes overflow int64)")
    ids = train_ids.astype("int64")
    grams = {}  # k -> the code of the k-gram starting at every position
    code = np.zeros(len(ids), dtype="int64")
    for k in range(1, max_order + 2):
        code = code[: len(ids) - k + 1] * vocab_size + ids[k - 1 :]
        grams[k] = code
    raw, continuation = {}, {}
    for k in range(1, max_order + 1):
        keys, counts = np.unique(grams[k], return_counts=True)
        raw[k] = _count_table(keys, counts.astype("float64"), vocab_size)
        if k < max_order:  # how many different characters precede each k-gram
            longer = np.unique(grams[k + 1])
            keys, counts = np.unique(longer % vocab_size**k, return_counts=True)
            continuation[k] = _count_table(keys, counts.astype("float64"), vocab_size)
    return NGramModel(max_order, vocab_size, raw, continuation)


def char_scores(probs, actual) -> dict:
    """Per character: 1.0 where the most likely character is the actual one, and −log2 p(actual).

    `probs` (n, V) holds one distribution per character to predict, `actual` (n,) the ids
    that came. The means are the next-character accuracy and the bits per character.
    """
    probs, actual = np.asarray(probs, dtype="float64"), np.asarray(actual)
    if probs.ndim != 2 or actual.shape != (len(probs),):
        raise ValueError(f"expected probs (n, V) and actual (n,), got {probs.shape} and {actual.shape}")
    picked = probs[np.arange(len(actual)), actual]
    if np.any(picked <= 0):
        raise ValueError("a probability of 0 for a character that came: smooth the model (bits would be infinite)")
    return {"correct": (probs.argmax(axis=1) == actual).astype("float64"), "bits": -np.log2(picked)}
