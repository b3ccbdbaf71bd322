"""Where the course is hosted: the Colab/GitHub badges and the shared setup cell.

`python -m utils badges --repo OWNER/NAME` rewrites both from utils/tools/course.json.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat

from .notebooks import read, write

COURSE_CONFIG = Path(__file__).resolve().parent / "course.json"


def course_config() -> dict:
    """{"repo": "OWNER/NAME", "branch": "main"}: where the course is hosted (badges, Colab)."""
    return json.loads(COURSE_CONFIG.read_text())


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
    """The first code cell of every lesson: find `utils` (JupyterLab, nbval, Colab), check.

    Written as `ruff format` leaves it, so formatting the notebooks never changes it.
    """
    return f'''# Setup: find the course's `utils` package (JupyterLab, nbval or Colab), then check the environment.
import subprocess
import sys
from pathlib import Path

COURSE_REPO, COURSE_BRANCH = "{repo}", "{branch}"  # set by `python -m utils badges`
COLAB_COPY = Path("/content/gru-course")
if "google.colab" in sys.modules and not (COLAB_COPY / "utils").is_dir():
    clone = ["git", "clone", "--depth", "1", "--branch", COURSE_BRANCH]
    subprocess.run([*clone, f"https://github.com/{{COURSE_REPO}}", str(COLAB_COPY)], check=True)
candidates = (Path.cwd(), *Path.cwd().parents, COLAB_COPY)
course_root = next((p for p in candidates if (p / "utils" / "__init__.py").is_file()), None)
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
