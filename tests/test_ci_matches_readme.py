"""CI installs the requirements, lints, then runs exactly the README's test command.

The expected commands are written out here, not read from the README: the README, CI
and the pytest configuration are each compared with them.
"""

import re
import shlex

import tomllib
import yaml
from readme_blocks import readme_command

from utils.core.paths import REPO_ROOT

TEST_COMMAND = ". .venv/bin/activate && python -m pytest"
SETUP_COMMAND = (
    "python3 -m venv .venv && . .venv/bin/activate && pip install -r requirements.txt && "
    "jupyter lab --ServerApp.root_dir=. notebooks/00_start_here.ipynb"
)
LINT_COMMAND = "pre-commit run --all-files --show-diff-on-failure"


def ci_lines() -> list[str]:
    """The commands of .ci/run, comments and blank lines dropped."""
    lines = (REPO_ROOT / ".ci" / "run").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


def test_the_readme_gives_the_test_and_setup_commands():
    assert readme_command("**Run the tests**") == TEST_COMMAND
    assert readme_command("**Set up and open the course**") == SETUP_COMMAND


def test_ci_installs_lints_then_runs_the_test_command_once():
    ci = ci_lines()
    assert ci.count(TEST_COMMAND) == 1, f".ci/run must run {TEST_COMMAND!r} exactly once"
    install = ci.index("pip install --progress-bar off -r requirements.txt")
    dev = ci.index("pip install --progress-bar off -r requirements-dev.txt")
    lint = ci.index(LINT_COMMAND)
    assert install < dev < lint < ci.index(TEST_COMMAND)
    assert "set -euo pipefail" in ci, "a failing step must stop CI"


def test_ci_installs_the_browser_before_the_tests():
    ci = ci_lines()
    install = next(i for i, line in enumerate(ci) if "apt-get install" in line and "chromium chromium-driver" in line)
    assert install < ci.index(TEST_COMMAND)


def test_the_test_command_runs_everything():
    """`python -m pytest` with the configuration: unit tests and every notebook under nbval."""
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert config["testpaths"] == ["notebooks", "tests"]
    options = shlex.split(config["addopts"])
    assert "--nbval-lax" in options and "--dist" in options
    assert options[options.index("--dist") + 1] == "loadfile", "a notebook's cells must stay on one worker, in order"
    assert "--no-loadscope-reorder" in options, "xdist must keep conftest.py's order (long files first)"
    for narrowing in ("-m", "-k", "--deselect", "--ignore", "--lf", "-x"):
        assert narrowing not in options, f"addopts must not narrow the test command ({narrowing})"
    assert not (REPO_ROOT / "pytest.ini").exists(), "one pytest configuration: pyproject.toml"


def test_pre_commit_runs_ruff_and_refuses_outputs():
    hooks = [
        hook
        for repo in yaml.safe_load((REPO_ROOT / ".pre-commit-config.yaml").read_text())["repos"]
        for hook in repo["hooks"]
    ]
    entries = {hook["id"]: hook.get("entry", "") for hook in hooks}
    assert entries["ruff"].startswith("ruff check")
    assert entries["ruff-format"].startswith("ruff format --check")
    assert entries["clean-notebooks"] == "python -m utils clean --check"
    dev = (REPO_ROOT / "requirements-dev.txt").read_text()
    assert re.search(r"^ruff==\d", dev, re.M) and re.search(r"^pre-commit==\d", dev, re.M), "pin the lint tools"


def test_setup_command_opens_the_start_notebook_in_the_course_folder():
    lab = shlex.split(SETUP_COMMAND[SETUP_COMMAND.rindex("&& ") + 3 :])
    assert lab[:2] == ["jupyter", "lab"] and lab[-1] == "notebooks/00_start_here.ipynb"
    assert "--ServerApp.root_dir=." in lab, "JupyterLab must serve the course folder, not notebooks/"


def test_requirements_pin_keras_3_and_no_legacy_keras():
    requirements = (REPO_ROOT / "requirements.txt").read_text()
    assert re.search(r"^keras>=3", requirements, re.M)
    assert "tf_keras" not in requirements.replace("(tf_keras)", "")
    for package in ("tensorflow", "jupyterlab", "matplotlib", "pandas", "nbval", "pytest", "pytest-xdist", "nbclient"):
        assert re.search(rf"^{package}\b", requirements, re.M), f"requirements.txt misses {package}"


def test_long_files_run_first_and_each_file_stays_whole():
    """conftest.py's order: the long test files, then the notebooks, then the unit tests."""
    import conftest

    nodeids = [
        "tests/test_checks.py::test_a",
        "notebooks/03_gru_vs_lstm.ipynb::Cell 0",
        "tests/test_grade.py::test_b",
        "notebooks/03_gru_vs_lstm.ipynb::Cell 1",
        "tests/test_browser_smoke.py::test_c",
    ]
    assert sorted(nodeids, key=conftest.run_order) == [
        "tests/test_grade.py::test_b",
        "tests/test_browser_smoke.py::test_c",
        "notebooks/03_gru_vs_lstm.ipynb::Cell 0",
        "notebooks/03_gru_vs_lstm.ipynb::Cell 1",
        "tests/test_checks.py::test_a",
    ]
    for long_file in conftest.LONG_TEST_FILES:
        assert (conftest.REPO_ROOT / long_file).is_file(), f"{long_file} is listed in LONG_TEST_FILES but gone"
