"""CI must install the requirements and then run exactly the README's test command."""

import re
import shlex

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


def test_ci_installs_the_browser_before_the_tests():
    ci = (REPO_ROOT / ".ci" / "run").read_text().splitlines()
    install = next(i for i, line in enumerate(ci) if "apt-get install" in line and "chromium chromium-driver" in line)
    assert install < ci.index(readme_command("**Run the tests**"))


def test_setup_command_installs_and_opens_the_start_notebook_in_the_course_folder():
    command = readme_command("**Set up and open the course**")
    assert "pip install -r requirements.txt" in command
    lab = shlex.split(command[command.rindex("&& ") + 3:])
    assert lab[:2] == ["jupyter", "lab"] and lab[-1] == "notebooks/00_start_here.ipynb"
    assert "--ServerApp.root_dir=." in lab, "JupyterLab must serve the course folder, not notebooks/"


def test_browser_smoke_test_opens_the_course_with_the_readme_command():
    from test_browser_smoke import jupyter_lab_args  # here: that module imports this one

    command = readme_command("**Set up and open the course**")
    assert command.endswith("&& " + shlex.join(jupyter_lab_args()))


def test_requirements_pin_keras_3_and_no_legacy_keras():
    requirements = (REPO_ROOT / "requirements.txt").read_text()
    assert re.search(r"^keras>=3", requirements, re.M)
    assert "tf_keras" not in requirements.replace("(tf_keras)", "")
    for package in ("tensorflow", "jupyterlab", "matplotlib", "pandas", "nbval", "pytest", "nbclient"):
        assert re.search(rf"^{package}\b", requirements, re.M), f"requirements.txt misses {package}"
