"""Text helpers for the NLP lessons (lesson 06, sentiment of movie-review sentences, explains them).

The rules they enforce:

- split labelled texts so that every part keeps the class balance (stratified, seeded);
- build the vocabulary from the *training* texts only, so words that only occur in the
  validation or test texts stay unknown (`[UNK]`), exactly as new words will be in use;
- refuse bad input early (no texts, blank texts, labels other than 0/1, split fractions
  that do not add up) with a message that says what to fix.

Token ids of the `int` vectoriser: 0 is padding (`PAD_ID`), 1 is the out-of-vocabulary
token `[UNK]` (`OOV_ID`), 2, 3, ... are the training words from the most frequent down.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..core import checks

PAD_ID, OOV_ID = 0, 1
OUTPUT_MODES = ("int", "multi_hot", "count", "tf_idf")


# ---------------------------------------------------------------- input checks
def check_texts(texts, what: str = "texts") -> list[str]:
    """Return `texts` as a list of str; raise a clear error if any is not usable text.

    Accepts a list, tuple, NumPy array or pandas Series of strings. A bare string is
    refused (wrap it in a list), as are an empty collection, missing values and blank
    strings, naming the first bad position.
    """
    if isinstance(texts, (str, bytes)):
        raise TypeError(f"{what} must be a list of strings, got one string; wrap it: [{texts!r}]")
    if isinstance(texts, pd.Series):
        texts = texts.tolist()
    elif isinstance(texts, np.ndarray):
        if texts.ndim != 1:
            raise ValueError(f"{what} must be one-dimensional (one text per row), got shape {texts.shape}")
        texts = texts.tolist()
    elif not isinstance(texts, Sequence):
        raise TypeError(f"{what} must be a list, array or Series of strings, got {type(texts).__name__}")
    texts = list(texts)
    if not texts:
        raise ValueError(f"{what} is empty: pass at least one text")
    for i, text in enumerate(texts):
        if isinstance(text, bytes):
            text = texts[i] = text.decode("utf-8")
        if not isinstance(text, str):
            kind = "a missing value (NaN)" if isinstance(text, float) and np.isnan(text) else type(text).__name__
            raise TypeError(f"{what}[{i}] is {kind}, not a string; drop or fill it first")
        if not text.strip():
            raise ValueError(f"{what}[{i}] is blank ({text!r}); drop empty texts before using them")
    return texts


def check_binary_labels(labels, what: str = "labels") -> np.ndarray:
    """Return `labels` as an int64 array of 0s and 1s; raise if anything else is in there."""
    values = np.asarray(labels)
    if values.ndim != 1:
        raise ValueError(f"{what} must be one-dimensional (one label per text), got shape {values.shape}")
    if values.size == 0:
        raise ValueError(f"{what} is empty: pass one 0/1 label per text")
    if values.dtype == bool:
        return values.astype("int64")
    if not np.issubdtype(values.dtype, np.number):
        raise TypeError(f"{what} must be numbers 0 and 1, got dtype {values.dtype} (e.g. {values[0]!r})")
    bad = sorted({v for v in values.tolist() if v not in (0, 1)}, key=str)
    if bad:
        raise ValueError(
            f"{what} must be 0 (negative) or 1 (positive), found {bad[:5]}"
            f"{' ...' if len(bad) > 5 else ''}. Turn scores into labels first, e.g. (score > 0).astype(int)"
        )
    return values.astype("int64")


def _check_fraction_pair(train: float, val: float) -> None:
    checks.fraction("train", train)
    checks.fraction("val", val)
    if train + val >= 1:
        raise ValueError(
            f"train + val = {train + val:g} leaves nothing for the test split; "
            f"they must add up to less than 1 (e.g. train=0.8, val=0.1 leaves 0.1 for test)"
        )


# ---------------------------------------------------------------- splitting
def stratified_split(
    df: pd.DataFrame, label: str = "label", train: float = 0.8, val: float = 0.1, seed: int = 42
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Split rows into train / validation / test parts, each with the same class balance.

    Each class is shuffled with `seed` and cut by the fractions (the test part is the
    rest), then each part's rows are shuffled so the classes are mixed. Same seed, same
    split. Labels must be 0/1; every class needs at least one row in every part.
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
    if label not in df.columns:
        raise KeyError(f"no label column {label!r}; the columns are {list(df.columns)}")
    _check_fraction_pair(train, val)
    labels = check_binary_labels(df[label].to_numpy(), what=f"column {label!r}")
    rng = np.random.default_rng(seed)
    parts = ([], [], [])
    for cls in (0, 1):
        rows = rng.permutation(np.flatnonzero(labels == cls))
        n_train, n_val = round(len(rows) * train), round(len(rows) * val)
        cuts = np.split(rows, [n_train, n_train + n_val])
        for part, name, chosen in zip(parts, ("train", "validation", "test"), cuts):
            if len(chosen) == 0:
                raise ValueError(
                    f"class {cls} has {len(rows)} row(s), too few to give the {name} split any: "
                    f"use more data or larger fractions"
                )
            part.append(chosen)
    return tuple(df.iloc[rng.permutation(np.concatenate(part))].reset_index(drop=True) for part in parts)


# ---------------------------------------------------------------- vectorising
def build_vectorizer(
    train_texts, max_tokens: int | None = None, output_mode: str = "int", sequence_length: int | None = None
):
    """A `keras.layers.TextVectorization` adapted on the training texts only.

    `output_mode="int"` gives token ids (0 padding, 1 `[UNK]`), padded or cut to
    `sequence_length` (None: to the longest text of each call). `"tf_idf"` (or
    `"multi_hot"`, `"count"`) gives one bag-of-words vector per text, with inverse
    document frequencies from the training texts. `max_tokens` caps the vocabulary,
    padding and `[UNK]` included (None: every training word).
    """
    import keras

    texts = check_texts(train_texts, what="train_texts")
    if output_mode not in OUTPUT_MODES:
        raise ValueError(f"output_mode must be one of {OUTPUT_MODES}, got {output_mode!r}")
    if max_tokens is not None:
        checks.whole_number("max_tokens", max_tokens, minimum=3, why=" (padding, [UNK] and a word) or None")
    if sequence_length is not None:
        if output_mode != "int":
            raise ValueError(f"sequence_length only applies to output_mode='int', not {output_mode!r}; leave it None")
        checks.positive_int("sequence_length", sequence_length, why=" or None")
    vectorizer = keras.layers.TextVectorization(
        max_tokens=max_tokens, output_mode=output_mode, output_sequence_length=sequence_length
    )
    vectorizer.adapt(np.array(texts, dtype=object))
    return vectorizer


def make_dataset(vectorizer, texts, labels=None, batch_size: int = 64, shuffle: bool = False, seed: int | None = None):
    """A `tf.data` pipeline of (vectorised batch, labels), or vectorised batches alone.

    Texts are vectorised batch by batch as they are read, so even a wide bag-of-words
    never sits in memory for the whole split. `shuffle=True` (training) reshuffles every
    epoch, reproducibly for a given `seed`.
    """
    import tensorflow as tf

    texts = check_texts(texts)
    checks.positive_int("batch_size", batch_size)
    if labels is None:
        data = tf.data.Dataset.from_tensor_slices(texts)
    else:
        labels = check_binary_labels(labels)
        checks.same_length("texts", texts, "labels", labels)
        data = tf.data.Dataset.from_tensor_slices((texts, labels))
    if shuffle:
        data = data.shuffle(len(texts), seed=seed, reshuffle_each_iteration=True)
    data = data.batch(batch_size)
    if labels is None:
        data = data.map(vectorizer, num_parallel_calls=tf.data.AUTOTUNE)
    else:
        data = data.map(lambda batch, y: (vectorizer(batch), y), num_parallel_calls=tf.data.AUTOTUNE)
    return data.prefetch(tf.data.AUTOTUNE)


def move_padding_to_front(ids):
    """Turn end-padded id rows [t1 t2 t3 0 0] into front-padded rows [0 0 t1 t2 t3].

    For a recurrent layer *without* a mask: its last steps then read the words, not the
    padding. Works on a NumPy array or a tensor of shape (batch, length); returns a tensor.
    """
    import tensorflow as tf

    ids = tf.convert_to_tensor(ids)
    if ids.shape.rank != 2:
        raise ValueError(f"expected token ids of shape (batch, length), got shape {ids.shape}")
    lengths = tf.reduce_sum(tf.cast(ids != PAD_ID, tf.int32), axis=1)
    reversed_words = tf.reverse_sequence(ids, lengths, seq_axis=1, batch_axis=0)  # [t3 t2 t1 0 0]
    return tf.reverse(reversed_words, axis=[1])  # [0 0 t1 t2 t3]


def vectorize(vectorizer, texts) -> np.ndarray:
    """Apply an adapted vectoriser to texts; return a NumPy array (ids or bag-of-words)."""
    return np.asarray(vectorizer(np.array(check_texts(texts), dtype=object)))


def token_counts(vectorizer, texts) -> np.ndarray:
    """Number of tokens in each text after standardising and splitting (lengths in words).

    Needs an `int` vectoriser without `sequence_length` (nothing is cut); unknown words
    count, padding does not.
    """
    if vectorizer.get_config().get("output_mode") != "int" or vectorizer.get_config().get("output_sequence_length"):
        raise ValueError("token_counts needs build_vectorizer(..., output_mode='int', sequence_length=None)")
    return (vectorize(vectorizer, texts) != PAD_ID).sum(axis=1)


def oov_rate(ids: np.ndarray) -> float:
    """Share of real (non-padding) tokens that are out of the vocabulary ([UNK])."""
    ids = np.asarray(ids)
    n_tokens = np.count_nonzero(ids != PAD_ID)
    if n_tokens == 0:
        raise ValueError("these ids hold no tokens (all padding); vectorise some non-empty texts first")
    return float(np.count_nonzero(ids == OOV_ID) / n_tokens)


# ---------------------------------------------------------------- evaluating
def majority_baseline(train_labels, eval_labels) -> tuple[int, float]:
    """The most frequent training class and the accuracy of always predicting it on `eval_labels`."""
    train = check_binary_labels(train_labels, what="train_labels")
    evaluated = check_binary_labels(eval_labels, what="eval_labels")
    majority = int(np.bincount(train, minlength=2).argmax())
    return majority, float(np.mean(evaluated == majority))


def confusion_matrix(labels, predicted) -> pd.DataFrame:
    """2x2 table of counts: rows are the true class, columns the predicted class."""
    true = check_binary_labels(labels, what="labels")
    pred = check_binary_labels(predicted, what="predicted")
    checks.same_length("labels", true, "predicted labels", pred)
    counts = np.zeros((2, 2), dtype="int64")
    np.add.at(counts, (true, pred), 1)
    names = ["negative", "positive"]
    return pd.DataFrame(
        counts, index=pd.Index([f"true {n}" for n in names]), columns=pd.Index([f"predicted {n}" for n in names])
    )


def predict_sentiment(model, vectorizer, texts) -> np.ndarray:
    """Probability that each text is positive, from a model trained on `vectorizer`'s output.

    `texts` may be one string or a list of strings; one probability per text comes back.
    """
    single = isinstance(texts, str)
    batch = check_texts([texts] if single else texts)
    # Calling the model on each batch (rather than model.predict) avoids tracing a new
    # predict function for every model and input shape: quicker for a few sentences.
    outputs = [np.asarray(model(ids, training=False)) for ids in make_dataset(vectorizer, batch, batch_size=256)]
    probabilities = np.concatenate(outputs).reshape(len(batch), -1)
    if probabilities.shape[1] != 1:
        raise ValueError(f"expected a model with one sigmoid output, got {probabilities.shape[1]} outputs per text")
    return probabilities[:, 0]


# ---------------------------------------------------------------- what a recipe reads
def names_read_by(function, follow: bool = True) -> dict[str, str]:
    """The global names `function` reads: {name: the function that reads it ('' for itself)}.

    Nested functions, lambdas and comprehensions count. With `follow`, functions of the
    same module (a notebook's own functions) that it reads are followed too, so a name
    read through a helper is found with the helper's name; library code is not followed.
    Lesson 06's decision exercise uses it to check that a training recipe never reads the
    validation or test split: the check hands it the data, and judges on validation itself.
    """
    import dis
    import inspect

    if not inspect.isfunction(function):
        raise TypeError(f"expected a function defined with def, got {type(function).__name__}")
    found: dict[str, str] = {}
    todo, seen = [(function, "")], set()
    while todo:
        current, via = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        codes = [current.__code__]
        while codes:
            code = codes.pop()
            for instruction in dis.get_instructions(code):
                if instruction.opname not in ("LOAD_GLOBAL", "LOAD_NAME"):
                    continue
                name = instruction.argval
                found.setdefault(name, via)
                value = current.__globals__.get(name)
                if (
                    follow
                    and inspect.isfunction(value)
                    and value.__module__ == function.__module__
                    and value not in seen
                ):
                    todo.append((value, value.__name__))
            codes.extend(const for const in code.co_consts if inspect.iscode(const))
    return found
