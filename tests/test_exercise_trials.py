"""The exercise-trial plugin (conftest.py) bites: run on a tiny synthetic lesson.

A notebook with two exercises runs under nbval with the course's conftest.py, in a
temporary folder: a wrong answer that the check passes, one that crashes in the solution
cell, and a likely mistake whose hint lacks its phrase are each reported; a stub that
stops Run All is reported; a correct exercise passes; the tally counts only rejections.
"""

import textwrap

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from utils.core.paths import REPO_ROOT

pytestmark = pytest.mark.slow

SETUP = f"import sys\nsys.path.insert(0, {str(REPO_ROOT)!r})\nfrom utils.core.exercises import check, exercise\nx = 1"
WRONG = textwrap.dedent("""
    WRONG_ANSWERS = {
        1: {"tripled": "y = 3 * x", "added once": "y = x + 0", "doubled the other way": "y = x + x",
            "misspelt": "y = undefined_name"},
        2: {"plus one": "return v + 1", "squared": "return v * v * 3", "negated": "return -v"},
    }
    LIKELY = {1: {"tripled": "double", "added once": "a phrase the hint lacks"},
              2: {"plus one": "twice", "negated": "twice"}}
""")


def lesson(first_region: str = "### BEGIN SOLUTION\ny = 2 * x\n### END SOLUTION") -> nbformat.NotebookNode:
    return new_notebook(
        cells=[
            new_markdown_cell("# 01 · Demo"),
            new_code_cell(SETUP),
            new_markdown_cell("### Exercise 1: double x"),
            new_code_cell(first_region),
            new_code_cell("with exercise(1):\n    check(y == 2, 'double x')"),
            new_markdown_cell("### Exercise 2: twice"),
            new_code_cell("def twice(v):\n    ### BEGIN SOLUTION\n    return 2 * v\n    ### END SOLUTION"),
            new_code_cell("with exercise(2):\n    check(twice(3) == 6, 'return twice the value')"),
            new_markdown_cell("## Summary"),
            new_code_cell("print('the lesson goes on', x)"),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )


@pytest.fixture
def demo(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT))  # the conftest imports utils.tools
    pytester.makeconftest((REPO_ROOT / "conftest.py").read_text())
    (pytester.path / "tests" / "wrong_answers").mkdir(parents=True)
    (pytester.path / "tests" / "wrong_answers" / "01_demo.py").write_text(WRONG)
    return pytester


def run(demo, nb):
    nbformat.write(nb, str(demo.path / "01_demo.ipynb"))
    return demo.runpytest_subprocess("--nbval-lax", "--nbval-current-env", "-p", "no:cacheprovider", "-v", "-rA")


def test_every_kind_of_weak_check_is_reported(demo):
    result = run(demo, lesson())
    out = result.stdout.str()
    result.assert_outcomes(failed=1, passed=7)  # the 6 cells and Exercise 2's trials pass
    assert "Exercise 1: stub and wrong answers FAILED" in out
    assert "Exercise 2: stub and wrong answers PASSED" in out
    assert "'doubled the other way': the check PASSED it" in out
    assert "'misspelt': the wrong answer itself fails in the solution cell (NameError" in out
    assert "'added once' (a likely mistake): the hint does not say 'a phrase the hint lacks'" in out
    assert "exercise checks: 2 exercises, 7 wrong answers, 5 rejected (71%)" in out
    assert "01 Ex 1 * tripled: Not yet: double x" in out  # every hint is printed


def test_a_stub_that_stops_run_all_is_reported(demo):
    result = run(demo, lesson("### BEGIN SOLUTION\ny = 2 * x\n### END SOLUTION\nprint(y)"))
    out = result.stdout.str()
    assert "student stub: the solution cell with its stub raises NameError" in out
