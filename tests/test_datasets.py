import shutil

import pandas as pd
import pytest

import utils
from utils.core.datasets import DataFileError, expected_checksums, verified_path

DATA_FILES = sorted(expected_checksums())


def test_household_power_shape_and_grid():
    df = utils.load_household_power()
    assert df.shape == (34_587, 7)
    assert list(df.columns) == [
        "global_active_power",
        "global_reactive_power",
        "voltage",
        "global_intensity",
        "sub_metering_1",
        "sub_metering_2",
        "sub_metering_3",
    ]
    assert df.index.freqstr == "h" and df.index.is_monotonic_increasing
    assert str(df.index.min()) == "2006-12-16 18:00:00" and str(df.index.max()) == "2010-11-26 20:00:00"
    assert not df.isna().any().any()
    assert 0 < df["global_active_power"].mean() < 5  # kW, a household


def test_movie_reviews_balanced_and_labelled_by_sign():
    df = utils.load_movie_reviews()
    assert df.shape == (10_568, 4)
    assert list(df.columns) == ["id", "score", "label", "text"]
    assert not df.isna().any().any() and df["id"].is_unique
    assert ((df["score"] > 0) == (df["label"] == 1)).all() and (df["score"] != 0).all()
    assert 0.48 < df["label"].mean() < 0.52
    assert df["score"].between(-4, 4).all()


def test_shakespeare_has_seven_tragedies():
    text = utils.load_shakespeare()
    assert 900_000 < len(text) < 1_100_000
    assert utils.shakespeare_titles(text) == [
        "Hamlet, Prince of Denmark",
        "Macbeth",
        "King Lear",
        "Othello, the Moor of Venice",
        "Romeo and Juliet",
        "Julius Caesar",
        "Antony and Cleopatra",
    ]
    assert "To be, or not to be" in text


def test_stocks_per_ticker():
    df = utils.load_stocks()
    assert sorted(df["ticker"].unique()) == ["AAPL", "GOOG", "IBM", "MSFT"]
    assert not df.isna().any().any()
    aapl = utils.load_stocks("AAPL")
    assert len(aapl) == 3270 and aapl.index.is_monotonic_increasing
    with pytest.raises(ValueError, match=r"unknown ticker 'TSLA'.*AAPL"):
        utils.load_stocks("TSLA")


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(utils.DATA_DIR, target, ignore=shutil.ignore_patterns("*.py", "*.md"))
    return target


@pytest.mark.parametrize("name", DATA_FILES)
def test_one_flipped_byte_gives_the_checksum_error(data_copy, name):
    path = data_copy / name
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(DataFileError, match=rf"{name} is corrupted.*git checkout -- data/{name}"):
        verified_path(name, data_copy)


def test_loader_refuses_a_corrupted_file(data_copy):
    path = data_copy / "movie_review_sentences.csv.gz"
    path.write_bytes(path.read_bytes()[:-10])  # truncated download / bad copy
    with pytest.raises(DataFileError, match="corrupted or was changed"):
        utils.load_movie_reviews(data_copy)


def test_missing_file_says_how_to_restore(data_copy):
    (data_copy / "stocks_daily.csv.gz").unlink()
    with pytest.raises(
        DataFileError, match=r"stocks_daily.csv.gz is missing.*git checkout -- data/stocks_daily.csv.gz"
    ):
        utils.load_stocks(data_dir=data_copy)


def test_missing_checksum_list_and_unknown_name(data_copy):
    with pytest.raises(DataFileError, match="not a course dataset"):
        verified_path("iris.csv", data_copy)
    (data_copy / "SHA256SUMS").unlink()
    with pytest.raises(DataFileError, match="SHA256SUMS is missing"):
        utils.load_household_power(data_copy)


def test_data_readme_lists_every_file_with_its_checksum():
    readme = (utils.DATA_DIR / "README.md").read_text()
    for name, digest in expected_checksums().items():
        assert name in readme and digest in readme, f"data/README.md must list {name} with sha256 {digest}"


def test_intact_files_match_their_checksums():
    for name in DATA_FILES:
        assert verified_path(name).exists()
    assert isinstance(utils.load_household_power().index, pd.DatetimeIndex)


def test_nab_known_cause_file():
    """Lesson 09's NAB series: hourly, gap-free, 5 taxi and 4 machine labels inside their windows."""
    from utils.lessons.lesson09_anomalies import load_nab

    nab = load_nab()
    assert nab.shape == (7_051, 5) and not nab.isna().any().any()
    for series, rows in nab.groupby("series"):
        steps = rows["time"].diff().dropna()
        assert (steps == pd.Timedelta(hours=1)).all(), f"{series} is not one row per hour"
    assert nab.groupby("series")["label"].sum().to_dict() == {"machine_temperature": 4, "nyc_taxi": 5}
    assert (nab.loc[nab["label"] == 1, "window"] == 1).all()
