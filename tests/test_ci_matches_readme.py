"""CI must install the requirements and then run exactly the README's test command."""

import re

from utils.core.paths import REPO_ROOT


def readme_command(heading: str) -> str:
    readme = (REPO_ROOT / "README.md").read_text()
    match = re.search(rf"{re.escape(heading)}.*?```bash\n(.+?)\n```", readme, re.S)
    assert match, f"README.md needs a ```bash block after {heading!r}"
    lines = [line for line in match.group(1).splitlines() if line.strip()]
    assert len(lines) == 1, f"the command after {heading!r} must be one line"
    return lines[0]


def test_ci_installs_requirements_then_runs_the_readme_test_command():
    ci = (REPO_ROOT / ".ci" / "run").read_text().splitlines()
    test_command = readme_command("**Run the tests**")
    install = next(i for i, line in enumerate(ci) if "pip install" in line and "-r requirements.txt" in line)
    run = ci.index(test_command)  # ValueError here means .ci/run does not run the README's command
    assert install < run


def test_setup_command_installs_and_opens_the_start_notebook():
    command = readme_command("**Set up and open the course**")
    assert "pip install -r requirements.txt" in command
    assert command.endswith("jupyter lab notebooks/00_start_here.ipynb")


def test_requirements_pin_keras_3_and_no_legacy_keras():
    requirements = (REPO_ROOT / "requirements.txt").read_text()
    assert re.search(r"^keras>=3", requirements, re.M)
    assert "tf_keras" not in requirements.replace("(tf_keras)", "")
    for package in ("tensorflow", "jupyterlab", "matplotlib", "pandas", "nbval", "pytest", "nbclient"):
        assert re.search(rf"^{package}\b", requirements, re.M), f"requirements.txt misses {package}"
