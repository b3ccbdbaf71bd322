"""Every lesson notebook follows the course conventions (CONTRIBUTING.md)."""

import ast
import re

import pytest

from utils.core.paths import NOTEBOOKS_DIR, REPO_ROOT
from utils.tools import badges
from utils.tools import notebooks as nbtools
from utils.tools.exercise_cells import BEGIN_SOLUTION, find_exercises, python_source, solution_region

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
            body = ast.parse(python_source(nb.cells[index].source)).body
            expected = f"utils.exercise({ex.number})"
            assert (
                len(body) == 1
                and isinstance(body[0], ast.With)
                and [ast.unparse(item.context_expr) for item in body[0].items] == [expected]
            ), (
                f"{ex.name}: cell {index} follows the solution, so it is a check cell: "
                f"`with {expected}:` and the check code inside it, nothing else"
            )
    inside = {ex.solution_index for ex in exercises}
    stray = [
        i for i, c in enumerate(nb.cells) if c.cell_type == "code" and BEGIN_SOLUTION in c.source and i not in inside
    ]
    assert not stray, f"solution regions outside an exercise's solution cell: cells {stray}"


def by_mode_names(tree) -> set[str]:
    """Names set by the mode switch: from `utils.by_mode(...)`, or computed from such names."""

    def switched_by(value, names) -> bool:
        return any(
            (isinstance(n, ast.Call) and ast.unparse(n.func) in ("utils.by_mode", "by_mode"))
            or (isinstance(n, ast.Name) and n.id in names)
            for n in ast.walk(value)
        )

    names: set[str] = set()
    for node in ast.walk(tree):  # module order: a name is switched once its value is
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                pairs = zip(target.elts, node.value.elts)
            else:
                pairs = [(target, node.value)]
            for one_target, value in pairs:
                if switched_by(value, names):
                    names.update(n.id for n in ast.walk(one_target) if isinstance(n, ast.Name))
    return names


def training_lengths(tree):
    """(source, value) of every `epochs=` argument."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "epochs":
                    yield ast.unparse(node)[:80], keyword.value


def test_sizes_come_from_the_mode_switch_not_ci(lesson):
    """Training lengths come from utils.by_mode: no literal epochs, no constant that bypasses it."""
    path, nb = lesson
    code = "\n".join(python_source(c.source) for c in nb.cells if c.cell_type == "code")
    assert not re.search(r"""environ[^\n]*["'](CI|COURSE_MODE)["']""", code), "use utils.by_mode, not the environment"
    tree = ast.parse(code)
    switched = by_mode_names(tree)
    problems, trainings = [], 0
    for call, value in training_lengths(tree):
        trainings += 1
        names = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}
        constants = [n for n in ast.walk(value) if isinstance(n, ast.Constant) and isinstance(n.value, int)]
        by_mode_call = any(isinstance(n, ast.Call) and ast.unparse(n.func).endswith("by_mode") for n in ast.walk(value))
        if by_mode_call:
            continue
        if constants and not names:
            problems.append(f"{call}: epochs is a number; use a size from utils.by_mode(full=..., fast=...)")
        for name in sorted(n for n in names if n.isupper() and n not in switched):
            problems.append(f"{call}: {name} is not set by utils.by_mode(...)")
    assert not problems, "\n".join(problems)
    if path.name != "00_start_here.ipynb" or trainings:
        assert switched, "the lesson sizes nothing with utils.by_mode(...)"
    if trainings:
        assert any(name in code for name in switched), "no training length comes from utils.by_mode"


def test_the_mode_rule_bites():
    """A literal `epochs=20`, or a constant set without by_mode, is caught."""
    literal = ast.parse("model.fit(x, y, epochs=20)")
    ((call, value),) = training_lengths(literal)
    assert isinstance(value, ast.Constant)
    bypass = ast.parse("EPOCHS = 20\nFAST = utils.by_mode(full=5, fast=1)\nmodel.fit(x, y, epochs=EPOCHS)")
    assert by_mode_names(bypass) == {"FAST"}
    derived = ast.parse("LENGTH, STEPS = 50, utils.by_mode(full=3, fast=1)\nHALF = STEPS // 2\nOTHER = 7")
    assert by_mode_names(derived) == {"STEPS", "HALF"}


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


# ---------------------------------------------------------------- one source for each fact
def test_the_course_and_module_maps_match_their_sources(capsys):
    """README's course map and 00's come from the notebooks; README's module map from utils/__init__.py."""
    from utils.tools import course_map

    assert course_map.module_map_problems() == []
    assert course_map.run_command(check=True) == 0, capsys.readouterr().out


def test_every_lesson_owns_a_summary_and_a_headline(lesson):
    path, nb = lesson
    course = nb.metadata.get("course", {})
    for key in ("summary", "headline"):
        assert isinstance(course.get(key), str) and course[key].strip(), (
            f'{path.name}: notebook metadata "course" needs a {key!r} (see CONTRIBUTING.md)'
        )


def test_the_instructor_guide_has_one_section_per_lesson():
    text = (REPO_ROOT / "INSTRUCTORS.md").read_text()
    numbers = re.findall(r"^### (\d\d) · ", text, re.M)
    assert numbers == [p.name[:2] for p in LESSONS], f"INSTRUCTORS.md lesson sections {numbers}"


DOCS = ("README.md", "CONTRIBUTING.md", "INSTRUCTORS.md")
TOP_LEVEL = {p.name for p in REPO_ROOT.iterdir() if p.name not in (".git", ".venv", "build")}


def paths_named_in(text: str) -> list[str]:
    """Repository paths a document names in `code` or as a link target.

    A path counts when its first part is in the repository's top folder (utils/..., tests/...,
    .ci/run), or it is a bare file name of a root document or a lesson; generated build/
    paths, URLs and placeholders do not.
    """
    found = set(re.findall(r"`([^`\s]+)`", text)) | set(re.findall(r"\]\(([^)\s]+)\)", text))
    paths = []
    for candidate in sorted(found):
        path = candidate.split("#")[0].rstrip("/")
        if not path or re.search(r"[<>{}*$]|OWNER|NN|\.\.\.|://", path):
            continue
        if "/" in path and path.split("/")[0] in TOP_LEVEL:
            paths.append(path)
        elif "/" not in path and re.fullmatch(r"[A-Z][A-Za-z_-]*\.(md|txt|cff)|\d\d_[a-z0-9_]+\.ipynb", path):
            paths.append(path)
    return paths


def exists(path: str) -> bool:
    return (REPO_ROOT / path).exists() or (path.endswith(".ipynb") and (REPO_ROOT / "notebooks" / path).exists())


@pytest.mark.parametrize("doc", DOCS)
def test_paths_in_the_docs_exist(doc):
    missing = [p for p in paths_named_in((REPO_ROOT / doc).read_text()) if not exists(p)]
    assert not missing, f"{doc} names paths that do not exist: {missing}"


def test_the_path_check_bites():
    named = paths_named_in(
        "One switch (`utils/mode.py`), see [the guide](INSTRUCTORS.md), `build/x`, `keras/src/x.py`."
    )
    assert named == ["INSTRUCTORS.md", "utils/mode.py"]
    assert not exists("utils/mode.py") and exists("utils/core/mode.py") and exists("00_start_here.ipynb")
