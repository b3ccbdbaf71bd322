import json
import shutil
import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from utils.core.paths import NOTEBOOKS_DIR, REPO_ROOT
from utils.tools import badges, run, student
from utils.tools import notebooks as nbtools
from utils.tools.cli import main

SOLVED = """x = 1
### BEGIN SOLUTION
answer = x + 41
### END SOLUTION
print(answer)"""


def test_strip_solutions_keeps_the_rest_and_indentation():
    assert student.strip_solutions(SOLVED) == (
        "x = 1\n# YOUR CODE HERE\nprint(answer)"  # at top level a comment only: Run All goes on
    )
    indented = "def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION"
    assert student.strip_solutions(indented) == ("def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()")


@pytest.mark.parametrize(
    "source, message",
    [
        ("### BEGIN SOLUTION\nx = 1", "never closed"),
        ("x = 1\n### END SOLUTION", "without a matching"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "nested"),
    ],
)
def test_unbalanced_markers_are_clear_errors(source, message):
    with pytest.raises(ValueError, match=rf"lesson.ipynb, cell 3: .*{message}"):
        student.strip_solutions(source, where="lesson.ipynb, cell 3")


def test_student_copy_removes_every_region_and_outputs():
    nb = new_notebook(cells=[new_markdown_cell("# 99 · Demo"), new_code_cell(SOLVED), new_code_cell(SOLVED)])
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="42")]
    copy = student.student_copy(nb, "demo.ipynb")
    assert copy.metadata["student_copy"]["solution_regions_removed"] == 2
    assert student.leftover_solutions(copy) == []
    assert all("answer = x + 41" not in cell.source for cell in copy.cells)
    assert copy.cells[1].outputs == []
    assert "answer = x + 41" in nb.cells[1].source  # the original is untouched


def test_leftover_solution_code_is_detected():
    nb = new_notebook(
        cells=[
            new_code_cell("ok = 1"),
            new_code_cell("### END SOLUTION"),
            new_markdown_cell("Answers go between `### BEGIN SOLUTION` and ..."),
        ]
    )
    assert student.leftover_solutions(nb) == [1]  # markers quoted in prose are fine


def test_student_command_writes_valid_copies_of_every_lesson(tmp_path):
    assert main(["student", "--out", str(tmp_path)]) == 0
    lessons = nbtools.lesson_notebooks()
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == [p.name for p in lessons]
    for original in lessons:
        copy = nbformat.read(str(tmp_path / original.name), as_version=4)
        nbformat.validate(copy)
        assert student.leftover_solutions(copy) == []
        solution_lines, other_lines = set(), set()
        for cell in nbtools.read(original).cells:
            inside = False
            for line in cell.source.splitlines():
                if line.strip() in (student.BEGIN_SOLUTION, student.END_SOLUTION):
                    inside = line.strip() == student.BEGIN_SOLUTION
                elif line.strip():
                    (solution_lines if inside else other_lines).add(line)
        copy_lines = {line for cell in copy.cells for line in cell.source.splitlines()}
        # a solution line may also appear in the lesson itself (e.g. the same formula); only
        # lines found nowhere but in solutions must be gone from the copy
        leaked = sorted((solution_lines - other_lines) & copy_lines)
        assert copy.metadata["student_copy"]["solution_regions_removed"] >= 3, original.name
        assert sum(cell.source.count("# YOUR CODE HERE") for cell in copy.cells) >= 3, original.name
        assert not leaked, f"{original.name}: solution lines left in the student copy: {leaked[:3]}"


def test_clean_strips_outputs_and_metadata():
    nb = new_notebook(cells=[new_code_cell("1 + 1")])
    nb.cells[0].execution_count = 3
    nb.cells[0].outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "2"}, execution_count=3)]
    nb.cells[0].metadata = {"collapsed": True, "tags": ["keep"]}
    nb.metadata["widgets"] = {}
    assert nbtools.hygiene_problems(nb)
    cleaned = nbtools.clean(nb)
    assert nbtools.hygiene_problems(cleaned) == []
    assert cleaned.cells[0].metadata == {"tags": ["keep"]}


@pytest.fixture
def course_copy(tmp_path, monkeypatch):
    """A copy of the notebooks, README and course.json to run `badges` on."""
    shutil.copytree(NOTEBOOKS_DIR, tmp_path / "notebooks")
    shutil.copy(REPO_ROOT / "README.md", tmp_path / "README.md")
    shutil.copy(badges.COURSE_CONFIG, tmp_path / "course.json")
    monkeypatch.setattr(badges, "COURSE_CONFIG", tmp_path / "course.json")
    return tmp_path


def test_badges_rewrite_every_link_from_one_value(course_copy):
    old = badges.course_config()
    notebooks = nbtools.lesson_notebooks(course_copy / "notebooks")
    badges.set_course_repo("teacher/gru-class", "spring", notebooks, course_copy / "README.md")
    assert json.loads((course_copy / "course.json").read_text()) == {"repo": "teacher/gru-class", "branch": "spring"}
    for path in notebooks:
        nb = nbtools.read(path)
        badge = next(cell for cell in nb.cells if badges.is_badge_cell(cell))
        setup = next(cell for cell in nb.cells if badges.is_setup_cell(cell))
        assert f"colab.research.google.com/github/teacher/gru-class/blob/spring/notebooks/{path.name}" in badge.source
        assert 'COURSE_REPO, COURSE_BRANCH = "teacher/gru-class", "spring"' in setup.source
        assert old["repo"] not in path.read_text()
    readme = (course_copy / "README.md").read_text()
    assert "teacher/gru-class/blob/spring/notebooks/" in readme and old["repo"] not in readme


@pytest.mark.parametrize("repo", ["no-slash", "a/b/c", "https://github.com/a/b"])
def test_badges_refuse_a_malformed_repo(course_copy, repo):
    with pytest.raises(ValueError, match="OWNER/NAME"):
        badges.set_course_repo(repo, "main", [], course_copy / "README.md")


def test_run_reports_metrics_and_the_failing_cell(tmp_path):
    good = new_notebook(
        cells=[
            new_code_cell(
                f"import sys; sys.path.insert(0, {str(REPO_ROOT)!r})\nimport utils\n"
                "utils.record(answer=42, mode=utils.current_mode())"
            )
        ]
    )
    bad = new_notebook(cells=[new_code_cell("x = 1"), new_code_cell("1 / 0"), new_code_cell("never = 1")])
    for name, nb in (("01_good.ipynb", good), ("02_bad.ipynb", bad)):
        nbformat.write(nb, str(tmp_path / name))
    results = run.run_notebooks(
        [tmp_path / "02_bad.ipynb", tmp_path / "01_good.ipynb"], "fast", build_dir=tmp_path / "build", timeout=120
    )
    assert results[0]["status"].startswith("FAILED at cell 1: ZeroDivisionError")
    assert results[1]["status"] == "ok"  # the run went on after the failure
    assert results[1]["metrics"] == {"answer": 42, "mode": "fast"}
    report = json.loads((tmp_path / "build" / "report.json").read_text())
    assert report["mode"] == "fast" and {"date", "machine", "python", "tensorflow", "keras"} <= set(report)
    assert [set(r) for r in report["notebooks"]] == [{"notebook", "mode", "status", "seconds", "metrics"}] * 2
    assert "| 01_good.ipynb | ok |" in (tmp_path / "build" / "report.md").read_text()
    assert (tmp_path / "build" / "executed" / "fast" / "02_bad.ipynb").exists()
    assert nbtools.read(tmp_path / "01_good.ipynb").cells[0].outputs == []  # sources untouched


def test_the_tools_skip_jsonschemas_iri_grammar_and_still_validate_notebooks():
    """Each graded submission starts a process that imports the tools: no 0.9 s grammar build there."""
    script = (
        "import sys\nimport utils.tools.notebooks as nbtools\nimport nbformat\n"
        "assert sys.modules.get('rfc3987_syntax', None) is None, 'the IRI grammar was imported'\n"
        "nb = nbtools.read(sys.argv[1])\n"
        "nbformat.validate(nb)\n"
        "bad = nbformat.from_dict({**nb, 'cells': [{'cell_type': 'code', 'source': 'x'}]})\n"
        "try:\n"
        "    nbformat.validate(bad)\n"
        "except nbformat.ValidationError:\n"
        "    print('invalid notebook refused')\n"
    )
    first_lesson = nbtools.lesson_notebooks()[0]
    done = subprocess.run(
        [sys.executable, "-c", script, str(first_lesson)], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-800:]
    assert done.stdout.strip() == "invalid notebook refused"
