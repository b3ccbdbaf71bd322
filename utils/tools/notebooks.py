"""The lesson notebook files: list them in course order, read, write, clean.

The other jobs over notebooks live in their own modules: student copies in
utils/tools/student.py, badges and the setup cell in badges.py, headless runs in run.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from ..core.paths import NOTEBOOKS_DIR, REPO_ROOT

NOTEBOOK_NAME = re.compile(r"^(\d\d)_[a-z0-9]+(?:_[a-z0-9]+)*\.ipynb$")
COURSE_KEY = "course"  # notebook metadata the lesson owns: {"summary": ..., "headline": ...}
CLEAN_METADATA = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


# ---------------------------------------------------------------- listing, reading, writing
def lesson_notebooks(folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The lesson notebooks in course order (NN_name.ipynb)."""
    return sorted(p for p in Path(folder).glob("*.ipynb") if NOTEBOOK_NAME.match(p.name))


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def notebook_text(nb: nbformat.NotebookNode) -> str:
    """A notebook as `write` stores it."""
    return nbformat.writes(nb) + "\n"


def write(nb: nbformat.NotebookNode, path: Path) -> None:
    nbformat.validate(nb)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


def relative(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------- clean
def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop outputs, execution counts and editor metadata; keep cell tags and the lesson's
    own `course` metadata (its summary for the course map, its headline template)."""
    course = nb.metadata.get(COURSE_KEY)
    nb.metadata = nbformat.from_dict(CLEAN_METADATA)
    if course is not None:
        nb.metadata[COURSE_KEY] = course
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
    if set(nb.metadata) - set(CLEAN_METADATA) - {COURSE_KEY}:
        problems.append(f"extra notebook metadata {sorted(set(nb.metadata) - set(CLEAN_METADATA) - {COURSE_KEY})}")
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None):
            problems.append(f"cell {index} has stored outputs or an execution count")
        if set(cell.metadata) - {"tags"}:
            problems.append(f"cell {index} has editor metadata {sorted(cell.metadata)}")
    return problems
