import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from utils import ExerciseCheckFailed, check, check_close, plot_histories, plot_history


def test_plot_history_draws_training_and_validation():
    ax = plot_history({"loss": [3, 2, 1], "val_loss": [3, 2.5, 2.4]}, "loss")
    assert [line.get_label() for line in ax.get_lines()] == ["training loss", "validation loss"]
    assert list(ax.get_lines()[1].get_ydata()) == [3, 2.5, 2.4]


def test_plot_history_names_missing_metric():
    with pytest.raises(KeyError, match=r"'mae' was not recorded; available: \['loss'\]"):
        plot_history({"loss": [1.0]}, "mae")
    with pytest.raises(TypeError, match="keras History"):
        plot_history([1, 2, 3])


def test_plot_histories_one_line_per_run():
    ax = plot_histories({"GRU": {"val_loss": [2, 1]}, "LSTM": {"val_loss": [2, 1.5, 1.2]}})
    assert [line.get_label() for line in ax.get_lines()] == ["GRU", "LSTM"]
    with pytest.raises(KeyError, match="run 'X' did not record 'val_loss'"):
        plot_histories({"X": {"loss": [1]}})


def test_check_passes_and_fails_with_hint(capsys):
    check(1 + 1 == 2, "unused")
    assert "Check passed" in capsys.readouterr().out
    with pytest.raises(ExerciseCheckFailed, match="Not yet: add the numbers"):
        check(False, "add the numbers")


def test_check_close():
    check_close([1.0, 2.0], np.array([1.0, 2.0 + 1e-9]), "the vector")
    with pytest.raises(ExerciseCheckFailed, match="far from"):
        check_close([1.0, 2.5], [1.0, 2.0], "the vector")
    with pytest.raises(ExerciseCheckFailed, match=r"shape \(3,\), expected \(2,\)"):
        check_close([1.0, 2.0, 3.0], [1.0, 2.0], "the vector")


def test_check_close_never_shows_the_expected_value():
    expected = np.array([0.64883, 1.23456])
    for actual, words in [
        ([0.1, 0.2], "far from"),
        ([0.66, 1.25], "within 10% of"),
        ([0.6499, 1.2349], "within 1% of"),
        ([np.nan, 1.0], "NaN or inf"),
    ]:
        with pytest.raises(ExerciseCheckFailed, match=words) as failure:
            check_close(actual, expected, "the MAE", rtol=1e-5)
        assert "0.648" not in str(failure.value) and "1.23" not in str(failure.value)


# Module-level, like a notebook's top-level names: the cheats see the course code as globals.
import utils  # noqa: E402
from utils.lessons import lesson01_gradients as gradients  # noqa: E402
from utils.lessons.lesson01_gradients import clip_by_norm  # noqa: E402


def via_module(g, c):
    return gradients.clip_by_norm(g, c)


def via_name(g, c):
    return clip_by_norm(g, c)


def via_package(g, c):
    return utils.lessons.lesson01_gradients.clip_by_norm(g, c)


def via_import(g, c):
    from utils.lessons.lesson01_gradients import clip_by_norm as mine

    return mine(g, c)


def via_lambda(g, c):
    return (lambda: clip_by_norm(g, c))()


@pytest.mark.parametrize("cheat", [clip_by_norm, via_module, via_name, via_package, via_import, via_lambda])
def test_written_by_hand_catches_every_way_to_call_the_course_code(cheat):
    with pytest.raises(ExerciseCheckFailed):
        utils.check_written_by_hand(cheat, "clip")


def test_written_by_hand_accepts_own_code_that_reads_course_data():
    import pandas as pd

    from utils import check_written_by_hand
    from utils.lessons.lesson07_chars import CharVocabulary

    frame = pd.DataFrame({"text": ["a b"]})
    vocab = CharVocabulary.from_text("abc")

    def own(g, c):
        norm = np.sqrt(np.sum(np.square(g)))
        return g * min(1.0, c / norm), frame.text, len(vocab)

    check_written_by_hand(own, "clip")
