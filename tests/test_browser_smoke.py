"""The README's first command, checked in a real browser.

JupyterLab starts exactly as the README's setup command starts it, in a temporary copy
of the course (JupyterLab saves outputs; the committed notebooks stay clean). Debian's
headless chromium, driven by Selenium through Debian's chromedriver (nothing is
downloaded), checks what a learner sees: the start notebook opens with a running kernel,
the file browser reaches the whole course (not only notebooks/), and the browser path
works: the lessons' own setup cell and a figure run from the Run menu (every code cell
ran, the figure rendered), and a cell that raises is shown as an error. The lessons
themselves are executed by nbval in the test command; here only what needs a browser.

Install the browser with `apt-get install chromium chromium-driver` (.ci/run does).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from readme_blocks import readme_command
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.selenium_manager import SeleniumManager
from selenium.webdriver.support.ui import WebDriverWait

from utils.core.paths import REPO_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
COURSE_PARTS = ("README.md", "requirements.txt", "data", "notebooks", "results", "utils")  # if present
START_NOTEBOOK = "notebooks/00_start_here.ipynb"
COURSE_FOLDER_SHOWS = {"README.md", "data", "notebooks", "utils"}
FAILING_CELL = 'raise RuntimeError("the smoke test must report this cell")'
SERVER_START_SECONDS = 60
RUN_ALL_SECONDS = 120

# Read inside the page through window.jupyterapp (LabApp.expose_app_in_browser).
NOTEBOOK_STATE_JS = """
const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
if (!panel || !panel.content || !panel.content.widgets) return null;
const isImage = (output) => Object.keys(output.data || {}).some((mime) => mime.startsWith('image/'));
return {
  path: panel.context.path,
  kernel: panel.sessionContext.kernelDisplayStatus,
  cells: panel.content.widgets.map((cell, index) => {
    const outputs = cell.model.type === 'code' ? cell.model.outputs.toJSON() : [];
    return {
      index: index,
      type: cell.model.type,
      first_line: cell.model.sharedModel.getSource().split('\\n')[0],
      execution_count: cell.model.type === 'code' ? cell.model.executionCount : null,
      running: cell.model.type === 'code' && cell.model.executionState === 'running',
      errors: outputs.filter((o) => o.output_type === 'error').map((o) => o.ename + ': ' + o.evalue),
      image_outputs: outputs.filter(isImage).length,
      images_loaded: [...cell.node.querySelectorAll('.jp-OutputArea-output img')]
        .map((img) => img.complete && img.naturalWidth > 0),
    };
  }),
};
"""


def jupyter_lab_args() -> list[str]:
    """The `jupyter lab ...` part of the README's setup command, as arguments."""
    command = readme_command("**Set up and open the course**")
    start = command.rindex("jupyter lab")
    return shlex.split(command[start:])


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def require_browser() -> None:
    """Skip without Debian's chromium and chromedriver, but fail in CI."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.is_file()]
    if missing:
        message = f"{' and '.join(missing)} missing: `apt-get install chromium chromium-driver`"
        if running_in_ci():
            pytest.fail(message)
        pytest.skip(message)


@dataclass
class LabServer:
    course: Path
    base_url: str
    token: str
    open_url: str  # what the server would open in the learner's browser

    def url_for(self, path: str) -> str:
        return f"{self.base_url}lab/tree/{path}?token={self.token}"


def copy_course(destination: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
    destination.mkdir()
    for part in COURSE_PARTS:
        source = REPO_ROOT / part
        if source.is_dir():
            shutil.copytree(source, destination / part, ignore=ignore)
        elif source.is_file():
            shutil.copy2(source, destination / part)
    return destination


def write_headless_config(config_dir: Path, token: str) -> None:
    """Everything a headless run needs, kept out of the README's command."""
    config_dir.mkdir()
    config = {
        "ServerApp": {"open_browser": False, "port": 0, "allow_root": os.geteuid() == 0},
        "IdentityProvider": {"token": token},
        "LabApp": {
            "expose_app_in_browser": True,
            "news_url": None,
            "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
        },
    }
    (config_dir / "jupyter_server_config.json").write_text(json.dumps(config))


def wait_for_server(process: subprocess.Popen, runtime_dir: Path, log: Path) -> tuple[dict, str]:
    """The server's info file and the page it would open for the README's notebook."""
    info_file = runtime_dir / f"jpserver-{process.pid}.json"
    open_file = runtime_dir / f"jpserver-file-to-run-{process.pid}-open.html"
    deadline = time.monotonic() + SERVER_START_SECONDS
    while not (info_file.is_file() and open_file.is_file()):
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"JupyterLab did not start: {shlex.join(jupyter_lab_args())}\n{log.read_text()[-3000:]}")
        time.sleep(0.2)
    open_url = re.search(r'url=([^"]+)"', open_file.read_text()).group(1)
    return json.loads(info_file.read_text()), open_url


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab started as the README says, in a copy of the course."""
    require_browser()
    tmp = tmp_path_factory.mktemp("browser_smoke")
    course = copy_course(tmp / "course")
    token = secrets.token_hex(16)
    write_headless_config(tmp / "config", token)
    env = dict(
        os.environ,
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        JUPYTER_CONFIG_DIR=str(tmp / "config"),
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
        COURSE_MODE="fast",
    )
    log = tmp / "jupyter.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(jupyter_lab_args(), cwd=course, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        info, open_url = wait_for_server(process, tmp / "runtime", log)
        yield LabServer(course, info["url"], token, open_url)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def refuse_selenium_manager(*args, **kwargs):
    raise AssertionError("Selenium Manager must not run: use Debian's /usr/bin/chromedriver")


@pytest.fixture(scope="module")
def browser(lab):
    """Headless chromium through Debian's chromedriver; Selenium Manager is forbidden."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--window-size=1400,1000",
    ):
        options.add_argument(argument)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SeleniumManager, "binary_paths", refuse_selenium_manager)
        driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
        try:
            yield driver
        finally:
            driver.quit()


def notebook_state(driver) -> dict | None:
    return driver.execute_script(NOTEBOOK_STATE_JS)


def wait_for(driver, condition, seconds: float, explain):
    """condition(driver) once it is true; after `seconds`, fail with explain(driver)."""
    try:
        return WebDriverWait(driver, seconds, poll_frequency=0.5).until(condition)
    except TimeoutException:
        raise AssertionError(explain(driver)) from None


def notebook_ready(driver, path: str) -> bool:
    """The notebook at `path` is in front and its kernel has started (Run All would be lost before)."""
    state = notebook_state(driver) or {}
    return state.get("path") == path and state.get("kernel") == "idle"


def explain_not_ready(driver, path: str) -> str:
    state = notebook_state(driver) or {}
    if state.get("path") != path:
        return f"JupyterLab shows notebook {state.get('path')!r}, not {path!r}: is its root the course folder?"
    return f"the kernel of {path} is {state.get('kernel')!r}, not idle"


def open_notebook(driver, url: str, path: str) -> None:
    driver.get(url)
    wait_for(driver, lambda d: notebook_ready(d, path), 60, lambda d: explain_not_ready(d, path))


def click_run_all_cells(driver) -> None:
    """Run > Run All Cells, as a learner would."""
    run_menu = next(item for item in driver.find_elements(By.CSS_SELECTOR, ".lm-MenuBar-item") if item.text == "Run")
    run_menu.click()
    selector = '.lm-Menu-item[data-command="runmenu:run-all"]'
    wait_for(
        driver, lambda d: d.find_elements(By.CSS_SELECTOR, selector), 10, lambda d: "the Run menu has no Run All Cells"
    )[0].click()


def code_cells(state: dict) -> list[dict]:
    return [cell for cell in state["cells"] if cell["type"] == "code"]


def run_finished(state: dict | None) -> bool:
    """Kernel idle, no cell queued or running, and every code cell ran or one stopped the run."""
    if not state:
        return False
    code = code_cells(state)
    all_ran = all(cell["execution_count"] for cell in code)
    stopped = any(cell["errors"] for cell in code)
    busy = any(cell["running"] for cell in code)
    return state["kernel"] == "idle" and not busy and (all_ran or stopped)


def figures_rendered(cell: dict) -> bool:
    """Every image output of the cell is on the page and loaded."""
    loaded = cell["images_loaded"]
    return len(loaded) >= cell["image_outputs"] and all(loaded)


def run_state(driver) -> str:
    state = notebook_state(driver)
    if not state:
        return "no notebook open"
    counts = [cell["execution_count"] or ("*" if cell["running"] else "-") for cell in code_cells(state)]
    return f"kernel {state['kernel']}, execution counts {counts}"


def run_all_cells(driver, url: str, path: str) -> dict:
    """Open a notebook, run all its cells and return what the page shows."""
    open_notebook(driver, url, path)
    click_run_all_cells(driver)
    wait_for(
        driver,
        lambda d: run_finished(notebook_state(d)),
        RUN_ALL_SECONDS,
        lambda d: f"Run All Cells did not finish in {RUN_ALL_SECONDS} s in {path}: {run_state(d)}",
    )
    try:  # a figure may still be decoding; assert_ran_cleanly reports one that never shows
        WebDriverWait(driver, 10, poll_frequency=0.5).until(
            lambda d: all(figures_rendered(cell) for cell in code_cells(notebook_state(d)))
        )
    except TimeoutException:
        pass
    return notebook_state(driver)


def assert_ran_cleanly(state: dict) -> None:
    code = code_cells(state)
    for cell in code:
        assert not cell["errors"], (
            f"{state['path']} cell {cell['index']} ({cell['first_line']}) shows an error: {cell['errors'][0]}"
        )
    not_run = [cell["index"] for cell in code if not cell["execution_count"]]
    assert not not_run, f"{state['path']}: code cells {not_run} have no execution count"
    figures = [cell for cell in code if cell["image_outputs"]]
    assert figures, f"{state['path']} shows no figure"
    for cell in figures:
        assert figures_rendered(cell), (
            f"{state['path']} cell {cell['index']}: {cell['image_outputs']} figure(s), "
            f"images on the page loaded: {cell['images_loaded']}"
        )


def file_browser_names(driver) -> set[str]:
    script = "return [...document.querySelectorAll('.jp-DirListing-itemName')].map((e) => e.textContent.trim());"
    return set(driver.execute_script(script))  # one read: the listing re-renders while it loads


def assert_file_browser_reaches_the_course(driver) -> None:
    """The file browser's top folder (its home icon, as a learner clicks it) is the course."""
    driver.find_element(By.CSS_SELECTOR, ".jp-BreadCrumbs-home").click()
    wait_for(
        driver,
        lambda d: COURSE_FOLDER_SHOWS <= file_browser_names(d),
        10,
        lambda d: f"the file browser's top folder shows {sorted(file_browser_names(d))}, not the course",
    )


FIGURE_CELL = """import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(4, 3))
ax.plot([0, 1, 4, 9], marker="o")
ax.set_title("the browser path")
plt.show()"""


def browser_path_notebook(course: Path) -> str:
    """A small lesson-like notebook: title, the lessons' setup cell, a figure, a cell that raises."""
    start = nbformat.read(course / START_NOTEBOOK, as_version=4)
    setup = next(cell for cell in start.cells if cell.cell_type == "code")
    cells = [
        nbformat.v4.new_markdown_cell("# Browser path"),
        nbformat.v4.new_code_cell(setup.source),
        nbformat.v4.new_code_cell(FIGURE_CELL),
        nbformat.v4.new_code_cell(FAILING_CELL),
    ]
    path = "notebooks/00_browser_path.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata=start.metadata), course / path)
    return path


def test_the_readme_command_opens_the_start_notebook_in_the_course_folder(lab, browser):
    open_notebook(browser, lab.open_url, START_NOTEBOOK)
    assert_file_browser_reaches_the_course(browser)


def test_the_setup_cell_a_figure_and_an_error_show_as_a_learner_sees_them(lab, browser):
    """One Run All (one kernel): the setup cell and the figure run; the raising cell shows its error."""
    path = browser_path_notebook(lab.course)
    state = run_all_cells(browser, lab.url_for(path), path)
    setup, figure, failing = code_cells(state)
    assert setup["execution_count"] and not setup["errors"], f"the setup cell did not run cleanly: {setup}"
    assert "GRU course | mode: fast" in browser.find_element(By.CSS_SELECTOR, ".jp-OutputArea-output").text
    assert figure["execution_count"] and not figure["errors"] and figure["image_outputs"] == 1
    assert figures_rendered(figure), f"the figure is not on the page: {figure['images_loaded']}"
    with pytest.raises(AssertionError, match=r"cell 3 .* RuntimeError: the smoke test must report"):
        assert_ran_cleanly(state)  # the smoke test's own check reports the raising cell
