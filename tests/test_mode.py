import pytest

from utils import by_mode, current_mode, is_fast


@pytest.mark.parametrize(
    "env, expected",
    [
        ({}, "full"),
        ({"COURSE_MODE": "fast"}, "fast"),
        ({"COURSE_MODE": " FULL "}, "full"),
        ({"CI": "true"}, "fast"),
        ({"CI": "1"}, "fast"),
        ({"CI": "false"}, "full"),
        ({"CI": "true", "COURSE_MODE": "full"}, "full"),  # an explicit mode wins over CI
    ],
)
def test_mode_from_environment(monkeypatch, env, expected):
    monkeypatch.delenv("COURSE_MODE", raising=False)
    monkeypatch.delenv("CI", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert current_mode() == expected
    assert is_fast() == (expected == "fast")
    assert by_mode(full="F", fast="f") == ("f" if expected == "fast" else "F")


def test_unknown_mode_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("COURSE_MODE", "quick")
    with pytest.raises(ValueError, match=r"COURSE_MODE='quick' is not a mode.*full.*fast"):
        current_mode()
    with pytest.raises(ValueError):
        by_mode(full=1, fast=2)


def test_by_mode_needs_keywords():
    with pytest.raises(TypeError):
        by_mode(10, 1)
