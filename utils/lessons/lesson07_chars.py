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

Bad input (an empty text or prefix, a temperature <= 0, characters outside the
vocabulary) raises a ValueError that says what was wrong and how to fix it.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass, field

import numpy as np

from ..core import checks, probability


def describe_chars(chars) -> str:
    """'a', 'Z', '\\n' -- characters written so that spaces and newlines are visible."""
    return ", ".join(repr(c) for c in chars)


# ---------------------------------------------------------------- the character table
@dataclass(frozen=True)
class CharVocabulary:
    """The characters a model knows, in a fixed order: id i <-> chars[i].

    Build it from the training text with `CharVocabulary.from_text(text)`.
    """

    chars: tuple[str, ...]
    ids: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        if not self.chars:
            raise ValueError("a vocabulary needs at least one character")
        if any(not isinstance(c, str) or len(c) != 1 for c in self.chars):
            raise ValueError("every vocabulary entry must be a single character")
        if len(set(self.chars)) != len(self.chars):
            raise ValueError("the vocabulary lists a character twice")
        object.__setattr__(self, "ids", {c: i for i, c in enumerate(self.chars)})

    @classmethod
    def from_text(cls, text: str) -> "CharVocabulary":
        """Every distinct character of `text`, sorted (so the ids do not depend on order)."""
        if not isinstance(text, str):
            raise TypeError(f"expected the text as a str, got {type(text).__name__}")
        if not text:
            raise ValueError("the text is empty: build the vocabulary from the training text")
        return cls(tuple(sorted(set(text))))

    def __len__(self) -> int:
        return len(self.chars)

    def unknown(self, text: str) -> list[str]:
        """The distinct characters of `text` that are not in the vocabulary, in order of appearance."""
        return [c for c in dict.fromkeys(text) if c not in self.ids]

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
        return np.fromiter((self.ids[c] for c in text), dtype=np.int32, count=len(text))

    def decode(self, ids) -> str:
        """The text of a sequence of ids (the inverse of `encode`)."""
        ids = np.asarray(ids).reshape(-1)
        if ids.size and (ids.min() < 0 or ids.max() >= len(self)):
            raise ValueError(f"ids must lie in 0..{len(self) - 1}, got {ids.min()}..{ids.max()}")
        return "".join(self.chars[i] for i in ids)


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
        if (len(kinds) < 3 or kinds[0] != "Embedding" or kinds[-1] != "Dense"
                or any(kind != "GRU" for kind in kinds[1:-1])):
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
    streams = np.stack([ids[s * length: (s + 1) * length + 1] for s in range(n_streams)])
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
        x = embedding(inputs[:, start:start + seq_length])
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
def generate(model, prefix: str, n: int, temperature: float = 1.0, *, vocab: CharVocabulary,
             seed: int | None = None) -> str:
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


def complete_word(model, prefix: str, *, vocab: CharVocabulary, beam_width: int = 5,
                  max_length: int = 20) -> tuple[str, float]:
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
            (score + row[i], b, i)
            for b, ((text, score), row) in enumerate(zip(beams, log_probs))
            for i in word_ids
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
