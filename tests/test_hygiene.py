"""Every lesson notebook follows the course conventions (CONTRIBUTING.md)."""

import re

import pytest

from utils.tools import badges
from utils.tools import notebooks as nbtools
from utils.tools.exercise_cells import BEGIN_SOLUTION
from utils.tools.exercise_cells import find_exercises, solution_region
from utils.core.paths import NOTEBOOKS_DIR, REPO_ROOT

LESSONS = nbtools.lesson_notebooks()
CONFIG = badges.course_config()


def test_lessons_are_numbered_contiguously_from_00():
    assert LESSONS, "no lesson notebooks found in notebooks/"
    numbers = [int(p.name[:2]) for p in LESSONS]
    assert numbers == list(range(len(LESSONS))), f"lesson numbers must be 00, 01, ... without gaps: {numbers}"
    strays = sorted(p.name for p in NOTEBOOKS_DIR.glob("*.ipynb") if p not in LESSONS)
    assert not strays, f"notebooks not named NN_snake_case.ipynb: {strays}"


def test_first_lesson_is_start_here():
    assert LESSONS[0].name == "00_start_here.ipynb"


@pytest.fixture(params=LESSONS, ids=[p.name for p in LESSONS])
def lesson(request):
    return request.param, nbtools.read(request.param)


def test_committed_without_outputs_and_with_clean_metadata(lesson):
    path, nb = lesson
    assert nbtools.hygiene_problems(nb) == [], f"run `python -m utils clean {path.name}`"


def test_skeleton(lesson):
    path, nb = lesson
    cells = nb.cells
    assert re.match(rf"# {path.name[:2]} · \S", cells[0].source), "first cell: '# NN · Title' + a paragraph"
    assert len(cells[0].source.splitlines()) >= 3, "the title cell also says what the lesson builds and why"
    assert cells[1].source == badges.badge_markdown(path.name, **CONFIG), "second cell: the badges"
    text = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    for heading in ("## Learning goals", "## Setup", "## Summary", "## Exercises"):
        assert heading in text, f"missing section {heading!r}"
    assert re.search(r"Estimated time: \d+ min", text), "missing 'Estimated time: N min'"
    first_code = next(c for c in cells if c.cell_type == "code")
    assert first_code.source == badges.setup_cell_source(**CONFIG), (
        "the first code cell must be the shared setup cell (utils.tools.badges.setup_cell_source)"
    )


def test_exercises_have_one_solution_region_then_checks(lesson):
    path, nb = lesson
    exercises = find_exercises(nb)  # raises on a malformed exercise section
    assert len(exercises) >= 3, "at least three exercises"
    for ex in exercises:
        solution_region(nb.cells[ex.solution_index].source)  # exactly one region
        for index in ex.check_indices:
            assert "utils.check" in nb.cells[index].source, (
                f"{ex.name}: cell {index} follows the solution, so it must be a check (utils.check*)"
            )
    inside = {ex.solution_index for ex in exercises}
    stray = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and BEGIN_SOLUTION in c.source and i not in inside]
    assert not stray, f"solution regions outside an exercise's solution cell: cells {stray}"


def test_sizes_come_from_the_mode_switch_not_ci(lesson):
    path, nb = lesson
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert not re.search(r"""environ[^\n]*["'](CI|COURSE_MODE)["']""", code), "use utils.by_mode, not the environment"
    if path.name != "00_start_here.ipynb":
        assert "utils.by_mode(" in code


def test_no_absolute_paths_or_downloads(lesson):
    path, nb = lesson
    setup = badges.setup_cell_source(**CONFIG)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code" and c.source != setup)
    assert not re.search(r"""["'](/home/|/work/|/Users/|[A-Z]:\\\\)""", code), "no absolute paths"
    assert not re.search(r"https?://|urlopen|get_file\(|\.load_data\(", code), "nothing downloads at run time"


def test_every_lesson_is_in_the_readme_and_the_start_here_map():
    readme = (REPO_ROOT / "README.md").read_text()
    start_here = "\n".join(c.source for c in nbtools.read(LESSONS[0]).cells)
    for path in LESSONS:
        assert f"notebooks/{path.name}" in readme, f"README.md does not list {path.name}"
        assert f"({path.name})" in start_here, f"00_start_here's map does not link {path.name}"
    for link in re.findall(r"\((\d\d_[a-z0-9_]+\.ipynb)\)", start_here):
        assert (NOTEBOOKS_DIR / link).exists(), f"00_start_here links to a missing notebook {link}"
