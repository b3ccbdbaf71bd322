"""Loaders for the real datasets shipped in data/ (sources and licences: data/README.md).

Every loader first verifies the file's sha256 against data/SHA256SUMS, so a missing,
truncated or edited file fails loudly with the way to restore it, instead of quietly
giving a lesson different numbers.
"""

from __future__ import annotations

import gzip
import hashlib
import io
from pathlib import Path

import numpy as np
import pandas as pd

from .paths import DATA_DIR

CHECKSUM_FILE = "SHA256SUMS"
SHAKESPEARE_PLAY_MARKER = "<<< "  # each play starts with a line "<<< Title >>>"


class DataFileError(RuntimeError):
    """A shipped data file is missing or does not match its recorded checksum."""


def expected_checksums(data_dir: Path = DATA_DIR) -> dict[str, str]:
    """Read data/SHA256SUMS (the `sha256sum` format: '<hex>  <name>' per line)."""
    path = Path(data_dir) / CHECKSUM_FILE
    if not path.exists():
        raise DataFileError(f"{path} is missing. Restore it with: git checkout -- data/{CHECKSUM_FILE}")
    sums = {}
    for line in path.read_text().splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            sums[name.strip()] = digest
    return sums


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def verified_path(name: str, data_dir: Path = DATA_DIR) -> Path:
    """Return the path of data/<name> after checking that it exists and is intact."""
    data_dir = Path(data_dir)
    sums = expected_checksums(data_dir)
    if name not in sums:
        raise DataFileError(f"{name!r} is not a course dataset; known files: {sorted(sums)}")
    path = data_dir / name
    restore = (
        f"Restore it with `git checkout -- data/{name}` from the course folder "
        f"(or rebuild it with `python data/build_datasets.py`)."
    )
    if not path.exists():
        raise DataFileError(f"Data file {path} is missing. {restore}")
    actual = sha256_of(path)
    if actual != sums[name]:
        raise DataFileError(
            f"Data file {path} is corrupted or was changed: its sha256 is {actual[:12]}..., "
            f"expected {sums[name][:12]}... (data/{CHECKSUM_FILE}). {restore}"
        )
    return path


def load_household_power(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """Hourly mean household power, Dec 2006 - Nov 2010 (lesson 05, lesson 00).

    34,587 rows indexed by an hourly `DatetimeIndex` (no gaps), 7 float columns:
    global_active_power (kW), global_reactive_power (kW), voltage (V),
    global_intensity (A), sub_metering_1..3 (watt-hours per minute, hourly mean).
    """
    path = verified_path("household_power_hourly.csv.gz", data_dir)
    df = pd.read_csv(path, parse_dates=["datetime"], index_col="datetime")
    df.index.freq = "h"  # raises if the index is not a regular hourly grid
    return df


def load_movie_reviews(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """10,568 movie-review sentences with a human sentiment score (lesson 06).

    Columns: id (int), score (mean rating, -4..+4, never 0), label (1 if score > 0
    else 0), text (str).
    """
    path = verified_path("movie_review_sentences.csv.gz", data_dir)
    return pd.read_csv(path, dtype={"id": "int64", "score": "float64", "label": "int64", "text": "str"})


def load_shakespeare(data_dir: Path = DATA_DIR) -> str:
    """Seven Shakespeare tragedies as one string (~990k characters, lesson 07).

    Each play begins with a marker line `<<< Title >>>`; `shakespeare_titles`
    lists them.
    """
    path = verified_path("shakespeare_tragedies.txt.gz", data_dir)
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return f.read()


def shakespeare_titles(text: str) -> list[str]:
    """The play titles from the marker lines of `load_shakespeare()`'s text."""
    return [
        line[len(SHAKESPEARE_PLAY_MARKER) : -len(" >>>")]
        for line in text.splitlines()
        if line.startswith(SHAKESPEARE_PLAY_MARKER) and line.endswith(" >>>")
    ]


def load_stocks(ticker: str | None = None, data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """Daily prices of AAPL, MSFT, IBM (2000-03 to 2013-03) and GOOG (2004-08 to 2013-03).

    Columns: ticker, open, high, low, close, volume, adj_close, indexed by date.
    With `ticker`, only that stock's rows. (Lesson 05's honesty check: prices are a
    random walk for a GRU too.)
    """
    path = verified_path("stocks_daily.csv.gz", data_dir)
    df = pd.read_csv(path, parse_dates=["date"], index_col="date")
    if ticker is None:
        return df
    known = sorted(df["ticker"].unique())
    if ticker not in known:
        raise ValueError(f"unknown ticker {ticker!r}; the shipped ones are {known}")
    return df[df["ticker"] == ticker]


DATE_SPLITS = ("train", "validation", "test")


def load_written_dates(split: str | None = None, data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """40,000 dates and times written in 18 languages and 6 styles, with their ISO form (lesson 08).

    Columns: split ("train", "validation", "test"; each calendar day is in one split
    only), locale (e.g. "de_DE"), style (the CLDR date format: full, long, medium,
    short, yMMMEd, yMd, each followed by the locale's short time), text (what a person
    writes, at most 48 characters; styles whose digits mean different dates in different
    locales start with the locale, as in "en-US: 3/4/21, 2:05 PM") and iso
    ("2021-03-04T14:05"). With `split`, only that split's rows.
    """
    path = verified_path("written_dates.csv.gz", data_dir)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    if split is None:
        return df
    if split not in DATE_SPLITS:
        raise ValueError(f"unknown split {split!r}; choose one of {DATE_SPLITS}")
    return df[df["split"] == split].reset_index(drop=True)


SPOKEN_DIGITS_RATE = 8000  # samples per second


def load_spoken_digits(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """The Free Spoken Digit Dataset: 3,000 recordings of the digits 0-9 (lesson 11).

    6 speakers x 10 digits x 50 repetitions, mono, 8 kHz, trimmed to near-minimal silence,
    0.14 to 2.28 s. One row per recording, sorted by speaker, digit and repetition, with
    the columns digit (int), speaker (str), repetition (0..49, the number in the file name;
    the official test split is repetitions 0-4), accent (the speaker's, from the dataset's
    metadata) and audio (a 1-D int16 NumPy array of samples; divide by 32768 for floats in
    [-1, 1)).
    `frame.attrs["sample_rate"]` is 8000.
    """
    path = verified_path("spoken_digits.npz.gz", data_dir)
    with np.load(io.BytesIO(gzip.decompress(path.read_bytes())), allow_pickle=False) as arrays:
        audio, offsets = arrays["audio"], arrays["offsets"]
        frame = pd.DataFrame(
            {
                "digit": arrays["digit"].astype("int64"),
                "speaker": arrays["speaker"].astype(str),
                "repetition": arrays["repetition"].astype("int64"),
                "accent": arrays["accent"].astype(str),
            }
        )
        rate = int(arrays["sample_rate"])
    if rate != SPOKEN_DIGITS_RATE:
        raise DataFileError(f"spoken_digits.npz.gz says {rate} Hz, expected {SPOKEN_DIGITS_RATE}")
    frame["audio"] = [audio[start:end] for start, end in zip(offsets[:-1], offsets[1:])]
    frame.attrs["sample_rate"] = rate
    return frame
