"""Tools over the lesson notebooks: clean metadata, student copies, badges, headless runs.

Used by `python -m utils ...` (see utils/__main__.py) and by the hygiene tests.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import nbformat

from ..core.machine import describe_machine
from ..core.paths import BUILD_DIR, NOTEBOOKS_DIR, REPO_ROOT

COURSE_CONFIG = Path(__file__).resolve().parent / "course.json"
NOTEBOOK_NAME = re.compile(r"^(\d\d)_[a-z0-9]+(?:_[a-z0-9]+)*\.ipynb$")
BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
STUDENT_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
CLEAN_METADATA = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


# ---------------------------------------------------------------- listing and config
def lesson_notebooks(folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The lesson notebooks in course order (NN_name.ipynb)."""
    return sorted(p for p in Path(folder).glob("*.ipynb") if NOTEBOOK_NAME.match(p.name))


def course_config() -> dict:
    """{"repo": "OWNER/NAME", "branch": "main"}: where the course is hosted (badges, Colab)."""
    return json.loads(COURSE_CONFIG.read_text())


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def write(nb: nbformat.NotebookNode, path: Path) -> None:
    nbformat.validate(nb)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


# ---------------------------------------------------------------- clean
def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop outputs, execution counts and editor metadata; keep cell tags."""
    nb.metadata = nbformat.from_dict(CLEAN_METADATA)
    for cell in nb.cells:
        tags = cell.metadata.get("tags")
        cell.metadata = nbformat.from_dict({"tags": tags} if tags else {})
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def hygiene_problems(nb: nbformat.NotebookNode) -> list[str]:
    """What keeps a committed notebook from being clean (empty list when clean)."""
    problems = []
    if nb.metadata.get("kernelspec", {}).get("name") != "python3":
        problems.append("kernelspec is not python3")
    if set(nb.metadata) - set(CLEAN_METADATA):
        problems.append(f"extra notebook metadata {sorted(set(nb.metadata) - set(CLEAN_METADATA))}")
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None):
            problems.append(f"cell {index} has stored outputs or an execution count")
        if set(cell.metadata) - {"tags"}:
            problems.append(f"cell {index} has editor metadata {sorted(cell.metadata)}")
    return problems


# ---------------------------------------------------------------- student copies
def strip_solutions(source: str, where: str = "cell") -> str:
    """Replace each BEGIN/END SOLUTION region by the student stub, keeping its indent."""
    out, inside = [], False
    for line in source.splitlines():
        marker = line.strip()
        if marker == BEGIN_SOLUTION:
            if inside:
                raise ValueError(f"{where}: nested '{BEGIN_SOLUTION}' (close the first region first)")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.extend(indent + stub for stub in STUDENT_STUB)
        elif marker == END_SOLUTION:
            if not inside:
                raise ValueError(f"{where}: '{END_SOLUTION}' without a matching '{BEGIN_SOLUTION}'")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{where}: '{BEGIN_SOLUTION}' is never closed by '{END_SOLUTION}'")
    return "\n".join(out)


def student_copy(nb: nbformat.NotebookNode, name: str = "notebook") -> nbformat.NotebookNode:
    """A clean copy of `nb` with every solution region replaced by the stub."""
    copy = clean(nbformat.from_dict(json.loads(json.dumps(nb))))
    regions = 0
    for index, cell in enumerate(copy.cells):
        if cell.cell_type == "code" and BEGIN_SOLUTION in cell.source:
            regions += cell.source.count(BEGIN_SOLUTION)
            cell.source = strip_solutions(cell.source, where=f"{name}, cell {index}")
    copy.metadata["student_copy"] = {"solution_regions_removed": regions}
    return copy


def leftover_solutions(nb: nbformat.NotebookNode) -> list[int]:
    """Indices of code cells that still hold a solution marker (none in a student copy)."""
    return [
        i for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (BEGIN_SOLUTION in cell.source or END_SOLUTION in cell.source)
    ]


def write_student_copies(out_dir: Path, notebooks: list[Path]) -> list[tuple[Path, int]]:
    """Write student copies; return (path, regions removed) for each notebook."""
    written = []
    for path in notebooks:
        copy = student_copy(read(path), name=path.name)
        left = leftover_solutions(copy)
        if left:
            raise ValueError(f"{path.name}: solution code left in cells {left} of the student copy")
        target = Path(out_dir) / path.name
        write(copy, target)
        written.append((target, copy.metadata["student_copy"]["solution_regions_removed"]))
    return written


# ---------------------------------------------------------------- badges and setup cell
def badge_markdown(notebook_name: str, repo: str, branch: str) -> str:
    """The Colab and GitHub badges of one notebook."""
    path = f"{repo}/blob/{branch}/notebooks/{notebook_name}"
    return (
        f'<a href="https://colab.research.google.com/github/{path}" target="_parent">'
        '<img src="https://colab.research.google.com/assets/colab-badge.svg" alt="Open In Colab"/></a>\n'
        f'<a href="https://github.com/{path}">'
        '<img src="https://img.shields.io/badge/view%20on-GitHub-black?logo=github" alt="View on GitHub"/></a>'
    )


def setup_cell_source(repo: str, branch: str) -> str:
    """The first code cell of every lesson: find `utils` (JupyterLab, nbval, Colab), check."""
    return f'''# Setup: find the course's `utils` package (JupyterLab, nbval or Colab), then check the environment.
import subprocess
import sys
from pathlib import Path

COURSE_REPO, COURSE_BRANCH = "{repo}", "{branch}"  # set by `python -m utils badges`
COLAB_COPY = Path("/content/gru-course")
if "google.colab" in sys.modules and not (COLAB_COPY / "utils").is_dir():
    subprocess.run(["git", "clone", "--depth", "1", "--branch", COURSE_BRANCH,
                    f"https://github.com/{{COURSE_REPO}}", str(COLAB_COPY)], check=True)
course_root = next((p for p in (Path.cwd(), *Path.cwd().parents, COLAB_COPY)
                    if (p / "utils" / "__init__.py").is_file()), None)
if course_root is None:
    raise FileNotFoundError("Cannot find the course's utils/ folder: open this notebook from inside the course folder.")
if str(course_root) not in sys.path:
    sys.path.insert(0, str(course_root))

import utils

utils.setup_notebook()'''


def is_badge_cell(cell) -> bool:
    return cell.cell_type == "markdown" and "colab-badge.svg" in cell.source


def is_setup_cell(cell) -> bool:
    return cell.cell_type == "code" and cell.source.startswith("# Setup: find the course's `utils`")


def apply_course_config(nb: nbformat.NotebookNode, name: str, repo: str, branch: str) -> int:
    """Regenerate the badge and setup cells of `nb` for repo/branch; return cells changed."""
    changed = 0
    for cell in nb.cells:
        if is_badge_cell(cell):
            new = badge_markdown(name, repo, branch)
        elif is_setup_cell(cell):
            new = setup_cell_source(repo, branch)
        else:
            continue
        changed += cell.source != new
        cell.source = new
    return changed


def set_course_repo(repo: str, branch: str, notebooks: list[Path], readme: Path) -> list[str]:
    """Point every badge, Colab clone URL and README link at repo/branch."""
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", repo):
        raise ValueError(f"--repo must look like OWNER/NAME (as on GitHub), got {repo!r}")
    if not re.fullmatch(r"[\w./-]+", branch):
        raise ValueError(f"--branch {branch!r} is not a valid branch name")
    old = course_config()
    report = []
    for path in notebooks:
        nb = read(path)
        changed = apply_course_config(nb, path.name, repo, branch)
        write(nb, path)
        report.append(f"{path.name}: {changed} cell(s) updated")
    text = Path(readme).read_text()
    old_prefix = f"{old['repo']}/blob/{old['branch']}/"
    new_text = text.replace(old_prefix, f"{repo}/blob/{branch}/")
    new_text = new_text.replace(f"github.com/{old['repo']}", f"github.com/{repo}")
    Path(readme).write_text(new_text)
    report.append(f"{Path(readme).name}: {'updated' if new_text != text else 'unchanged'}")
    COURSE_CONFIG.write_text(json.dumps({"repo": repo, "branch": branch}, indent=2) + "\n")
    return report


# ---------------------------------------------------------------- headless runs
def failing_cell(nb: nbformat.NotebookNode) -> str:
    """'cell N: ErrorName: message' for the first cell whose output is an error."""
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return f"cell {index}: {output.get('ename')}: {output.get('evalue', '')[:200]}"
    return "unknown cell"


@contextmanager
def environment(**variables: str):
    """Set environment variables for the duration of a block (kernels inherit them)."""
    saved = {key: os.environ.get(key) for key in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def execute_notebook(path: Path, mode: str, out_dir: Path, timeout: int) -> dict:
    """Run one notebook headless in `mode`; never raises for a failing notebook."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = read(path)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    with tempfile.TemporaryDirectory() as tmp:
        metrics_file = Path(tmp) / "metrics.json"
        start = time.perf_counter()
        with environment(COURSE_MODE=mode, COURSE_METRICS_FILE=str(metrics_file)):
            try:
                client.execute()
                status = "ok"
            except CellExecutionError:
                status = f"FAILED at {failing_cell(nb)}"
            except (CellTimeoutError, DeadKernelError) as error:
                status = f"FAILED: {type(error).__name__}: {error}"[:300]
        seconds = time.perf_counter() - start
        metrics = json.loads(metrics_file.read_text()) if metrics_file.exists() else {}
    write(nb, Path(out_dir) / path.name)
    return {"notebook": path.name, "mode": mode, "status": status,
            "seconds": round(seconds, 1), "metrics": metrics}


def report_markdown(results: list[dict]) -> str:
    lines = [
        f"# Run report ({results[0]['mode'] if results else '?'} mode)",
        "",
        f"Machine: {describe_machine()}. Written {time.strftime('%Y-%m-%d %H:%M')}.",
        "",
        "| notebook | status | seconds | metrics |",
        "|---|---|---:|---|",
    ]
    for r in results:
        shown = ", ".join(
            f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in r["metrics"].items()
        )
        lines.append(f"| {r['notebook']} | {r['status']} | {r['seconds']:.1f} | {shown} |")
    total = sum(r["seconds"] for r in results)
    lines += ["", f"Total: {total:.0f} s for {len(results)} notebook(s)."]
    return "\n".join(lines) + "\n"


def run_environment(mode: str) -> dict:
    """When, where and with which versions a run happens: the top of report.json."""
    from ..core.environment import environment_report

    versions = environment_report()
    return {"mode": mode, "date": time.strftime("%Y-%m-%d"), "machine": versions["machine"],
            "python": versions["python"], "tensorflow": versions["tensorflow"], "keras": versions["keras"]}


def run_notebooks(notebooks: list[Path], mode: str, build_dir: Path = BUILD_DIR,
                  timeout: int = 1800) -> list[dict]:
    """Execute notebooks one after another; write build/report.json and report.md.

    report.json is {mode, date, machine, python, tensorflow, keras, notebooks: [one
    result per notebook]}, the input of `python -m utils results --update-from`.
    """
    results = []
    report = {**run_environment(mode), "notebooks": results}
    Path(build_dir).mkdir(parents=True, exist_ok=True)
    for path in notebooks:
        print(f"running {path.name} ({mode}) ...", flush=True)
        result = execute_notebook(path, mode, Path(build_dir) / "executed" / mode, timeout)
        print(f"  {result['status']} in {result['seconds']:.1f} s", flush=True)
        results.append(result)
        # rewritten after each notebook, so an interrupted run still leaves a report
        (Path(build_dir) / "report.json").write_text(json.dumps(report, indent=2) + "\n")
        (Path(build_dir) / "report.md").write_text(report_markdown(results))
    return results


def relative(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)
