"""The environment check: the floor comes from requirements.txt (one source), CI tests that floor,
too-old packages are refused with the exact fix, and the report describes what is installed."""

import importlib.metadata
import os
import re
import subprocess
import sys

import pytest

from utils.core import environment
from utils.core.environment import (
    CHECKED,
    EnvironmentProblem,
    check_versions,
    environment_report,
    minimum_versions,
    parse_version,
    requirement_lines,
)
from utils.core.paths import REPO_ROOT

FLOOR_FILE = REPO_ROOT / "constraints" / "floor.txt"


def floor_pins() -> dict[str, str]:
    """constraints/floor.txt as {pip name: pinned version}."""
    pins = {}
    for line in FLOOR_FILE.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.strip().lower()] = version.strip()
    return pins


FLOOR = {name: ".".join(map(str, version)) for name, version in minimum_versions().items()}


def floor_kwargs(**changes):
    """check_versions' package arguments at exactly the floor, with some changed."""
    versions = {**FLOOR, **changes}
    return dict(
        tensorflow=versions["tensorflow"],
        keras=versions["keras"],
        numpy=versions["numpy"],
        pandas=versions["pandas"],
        matplotlib=versions["matplotlib"],
    )


@pytest.mark.parametrize(
    "text, expected",
    [("2.21.0", (2, 21, 0)), ("2.16.0rc1", (2, 16, 0)), ("3.15.1.dev2026", (3, 15, 1)), ("3.10", (3, 10))],
)
def test_parse_version(text, expected):
    assert parse_version(text) == expected


def test_parse_version_rejects_garbage():
    with pytest.raises(ValueError, match="cannot read a version"):
        parse_version("unknown")


# ---------------------------------------------------------------- one source for the floor
def test_the_floor_is_read_from_requirements_txt(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(
        "# comment >=9\ntensorflow>=2.17.1,<3  # [x]\nKeras >= 3.6.0, <4\nnumpy>=2.0\npandas>=2.2,<4\n"
        'matplotlib>=3.9; python_version >= "3.10"\nai-edge-litert>=2.3\n'
    )
    assert minimum_versions(requirements) == {
        "tensorflow": (2, 17, 1),
        "keras": (3, 6, 0),
        "numpy": (2, 0),
        "pandas": (2, 2),
        "matplotlib": (3, 9),
    }
    assert requirement_lines(requirements)["keras"] == "Keras>=3.6.0,<4"


def test_a_requirement_without_a_floor_is_an_error(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("tensorflow<3\nkeras>=3.5\nnumpy>=1.26\npandas>=2.1\nmatplotlib>=3.8\n")
    with pytest.raises(EnvironmentProblem, match="tensorflow requirement 'tensorflow<3' states no minimum"):
        minimum_versions(requirements)
    requirements.write_text("keras>=3.5\n")
    with pytest.raises(EnvironmentProblem, match="no line for tensorflow, numpy, pandas, matplotlib"):
        minimum_versions(requirements)


def test_ci_installs_exactly_the_floor_of_requirements_txt():
    """constraints/floor.txt pins what requirements.txt calls the minimum, package by package."""
    assert floor_pins() == FLOOR
    assert set(FLOOR) == set(CHECKED)


def test_ci_runs_every_notebook_on_the_floor():
    """After the README's test command, .ci/run installs the floor in a second venv and runs the notebooks."""
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    install = ci.index("-r requirements.txt -c constraints/floor.txt")
    assert ci.index("python -m pytest") < install  # the README's command (newest versions) comes first
    assert re.search(r"python -m pytest\b[^\n]*\bnotebooks/", ci[install:])


@pytest.mark.parametrize("document", ["README.md", "INSTRUCTORS.md"])
def test_docs_state_the_tested_floor(document):
    text = (REPO_ROOT / document).read_text()
    for name, label in CHECKED.items():
        if name != "matplotlib":
            assert f"{label} {FLOOR[name]}" in text, f"{document} should say the floor {label} {FLOOR[name]}"


# ---------------------------------------------------------------- the check
def test_the_floor_itself_passes_and_so_do_newer_versions():
    check_versions("3.10.0", **floor_kwargs())
    check_versions("3.11.7", "2.21.0", "3.15.1", numpy="2.4.6", pandas="3.1.1", matplotlib="3.11.2")


@pytest.mark.parametrize("name", sorted(CHECKED))
def test_each_package_below_its_floor_is_refused_with_the_fix(name):
    floor = minimum_versions()[name]
    below = ".".join(map(str, (*floor[:-1], floor[-1] - 1))) if floor[-1] > 0 else f"{floor[0]}.{floor[1] - 1}.99"
    if name == "keras" and parse_version(below)[0] < 3:
        pytest.skip("a Keras below 3 is legacy Keras 2 (its own message)")
    with pytest.raises(EnvironmentProblem) as problem:
        check_versions("3.11.7", **floor_kwargs(**{name: below}))
    message = str(problem.value)
    assert f"{CHECKED[name]} {below} (the course needs {FLOOR[name]} or newer)" in message
    assert "pip install -r requirements.txt" in message and "restart the kernel" in message


def test_on_colab_the_message_gives_the_exact_pip_line():
    with pytest.raises(EnvironmentProblem) as problem:
        check_versions("3.11.7", **floor_kwargs(keras="3.4.1", pandas="2.0.3"), colab=True)
    message = str(problem.value)
    lines = requirement_lines()
    assert "Keras 3.4.1" in message and "pandas 2.0.3" in message and "TensorFlow" not in message
    assert f'!pip install -q "{lines["keras"]}" "{lines["pandas"]}"' in message
    assert "Runtime -> Restart session" in message and "upgrade_colab()" in message


def test_keras_2_is_refused_with_a_fix():
    with pytest.raises(
        EnvironmentProblem, match=r"legacy Keras 2.*TF_USE_LEGACY_KERAS.*pip install -r requirements.txt"
    ):
        check_versions("3.11.7", "2.15.0", "2.15.0")


def test_old_tensorflow_is_refused():
    with pytest.raises(EnvironmentProblem, match=rf"TensorFlow 2.15.1 \(the course needs {FLOOR['tensorflow']}"):
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


def test_report_gives_the_installed_versions_and_this_machine():
    report = environment_report()
    for name in ("tensorflow", "keras", "numpy", "pandas", "matplotlib"):
        assert report[name] == importlib.metadata.version(name), name  # what pip installed, not a guess
        assert parse_version(report[name]) >= minimum_versions()[name]
    assert report["python"] == ".".join(map(str, sys.version_info[:3]))
    assert report["machine"].startswith("CPU: ") and f"({os.cpu_count()} cores)" in report["machine"]
    assert report["machine"].endswith(f"TensorFlow {report['tensorflow']}")
    assert report["colab"] is False


# ---------------------------------------------------------------- upgrading on Colab
def test_upgrade_colab_refuses_outside_colab():
    with pytest.raises(EnvironmentProblem, match="for Google Colab"):
        environment.upgrade_colab()


def test_upgrade_colab_installs_only_what_is_too_old_then_restarts(monkeypatch):
    calls, kills = [], []
    monkeypatch.setattr(environment, "in_colab", lambda: True)
    monkeypatch.setattr(environment, "imported_versions", lambda: {**floor_pins(), "keras": "3.4.1"})
    monkeypatch.setattr(subprocess, "run", lambda command, check: calls.append(command))
    monkeypatch.setattr(os, "kill", lambda pid, sig: kills.append(pid))
    assert environment.upgrade_colab() == [requirement_lines()["keras"]]
    assert calls == [[sys.executable, "-m", "pip", "install", "-q", requirement_lines()["keras"]]]
    assert kills == [os.getpid()]
    monkeypatch.setattr(environment, "imported_versions", lambda: floor_pins())
    assert environment.upgrade_colab() == [] and len(calls) == 1  # nothing to do: no pip, no restart
