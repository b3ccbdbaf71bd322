import pytest

from utils.core.machine import describe_machine
from utils.core.environment import EnvironmentProblem, check_versions, environment_report, parse_version


@pytest.mark.parametrize(
    "text, expected",
    [("2.21.0", (2, 21, 0)), ("2.16.0rc1", (2, 16, 0)), ("3.15.1.dev2026", (3, 15, 1)), ("3.10", (3, 10))],
)
def test_parse_version(text, expected):
    assert parse_version(text) == expected


def test_parse_version_rejects_garbage():
    with pytest.raises(ValueError, match="cannot read a version"):
        parse_version("unknown")


def test_current_versions_pass():
    check_versions("3.11.7", "2.21.0", "3.15.1")


def test_keras_2_is_refused_with_a_fix():
    with pytest.raises(EnvironmentProblem, match=r"legacy Keras 2.*TF_USE_LEGACY_KERAS.*pip install -r requirements.txt"):
        check_versions("3.11.7", "2.15.0", "2.15.0")


def test_old_tensorflow_is_refused():
    with pytest.raises(EnvironmentProblem, match=r"TensorFlow 2.15.1 is too old.*2.16"):
        check_versions("3.11.7", "2.15.1", "3.5.0")


def test_old_python_and_other_backend_are_refused():
    with pytest.raises(EnvironmentProblem, match="Python 3.9.18 is too old"):
        check_versions("3.9.18", "2.21.0", "3.15.1")
    with pytest.raises(EnvironmentProblem, match="KERAS_BACKEND=tensorflow"):
        check_versions("3.11.7", "2.21.0", "3.15.1", backend="jax")


def test_legacy_keras_switch_is_refused(monkeypatch):
    monkeypatch.setenv("TF_USE_LEGACY_KERAS", "1")
    with pytest.raises(EnvironmentProblem, match="unset TF_USE_LEGACY_KERAS"):
        environment_report()


def test_report_describes_this_machine():
    report = environment_report()
    assert report["keras"].startswith("3.")
    assert report["machine"] == describe_machine()
    assert report["colab"] is False
