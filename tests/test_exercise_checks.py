"""Fast checks of the exercises, before any notebook runs.

The wrong answers themselves run inside nbval's kernel, at each exercise of the one test
execution of every notebook (conftest.py, "Exercise N: stub and wrong answers"). Here,
without a kernel:

- every lesson has tests/wrong_answers/NN_name.py with >= 3 WRONG_ANSWERS per exercise
  and >= 2 LIKELY mistakes per exercise, each naming a wrong answer and a phrase;
- every wrong answer compiles in its solution cell (a syntax error shows in a second,
  not after the notebook has run);
- a student copy can run top to bottom: no lesson cell reads a name only an exercise
  defines, and a top-level solution region only creates new names.
"""

from __future__ import annotations

import importlib.util

import pytest

from utils.core.paths import REPO_ROOT
from utils.tools import notebooks as nbtools
from utils.tools.exercise_cells import exercise_isolation_problems, find_exercises, python_source, with_answer

LESSONS = nbtools.lesson_notebooks()
WRONG_DIR = REPO_ROOT / "tests" / "wrong_answers"
MIN_WRONG, MIN_LIKELY = 3, 2


def wrong_answer_module(notebook):
    path = WRONG_DIR / f"{notebook.stem}.py"
    assert path.exists(), f"{notebook.name}: no wrong answers in {path.relative_to(REPO_ROOT)}"
    spec = importlib.util.spec_from_file_location(f"wrong_{notebook.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(params=LESSONS, ids=[p.name for p in LESSONS])
def lesson(request):
    notebook = request.param
    return notebook, nbtools.read(notebook), wrong_answer_module(notebook)


def test_wrong_answer_files_are_only_for_lessons():
    stems = {p.stem for p in LESSONS}
    strays = sorted(p.name for p in WRONG_DIR.glob("*.py") if p.stem not in stems and p.name != "__init__.py")
    assert not strays, f"wrong-answer files without a lesson: {strays}"


def test_every_exercise_has_enough_wrong_answers(lesson):
    notebook, nb, module = lesson
    numbers = [ex.number for ex in find_exercises(nb)]
    wrong = module.WRONG_ANSWERS
    assert sorted(wrong) == numbers, f"WRONG_ANSWERS covers exercises {sorted(wrong)}, the notebook has {numbers}"
    short = {n: len(answers) for n, answers in wrong.items() if len(answers) < MIN_WRONG}
    assert not short, f"exercises with fewer than {MIN_WRONG} wrong answers: {short}"
    for number, answers in wrong.items():
        for what, code in answers.items():
            assert what.strip() and isinstance(code, str) and code.strip(), f"Exercise {number}: empty entry {what!r}"


def test_the_likely_mistakes_are_marked(lesson):
    notebook, nb, module = lesson
    likely, wrong = getattr(module, "LIKELY", None), module.WRONG_ANSWERS
    assert likely is not None, "no LIKELY = {exercise: {wrong answer: phrase the hint must contain}}"
    problems = []
    for number, answers in wrong.items():
        marked = likely.get(number, {})
        if len(marked) < MIN_LIKELY:
            problems.append(f"Exercise {number}: {len(marked)} likely mistake(s) marked, need {MIN_LIKELY}")
        for what, phrase in marked.items():
            if what not in answers:
                problems.append(f"Exercise {number}: LIKELY names {what!r}, not a key of WRONG_ANSWERS[{number}]")
            if not isinstance(phrase, str) or len(phrase.strip()) < 3:
                problems.append(f"Exercise {number}: LIKELY[{what!r}] must be a phrase the hint contains")
    strays = sorted(set(likely) - set(wrong))
    if strays:
        problems.append(f"LIKELY has exercises {strays} that WRONG_ANSWERS lacks")
    assert not problems, f"{notebook.name}:\n  " + "\n  ".join(problems)


def test_every_wrong_answer_compiles_in_its_cell(lesson):
    notebook, nb, module = lesson
    problems = []
    for ex in find_exercises(nb):
        source = nb.cells[ex.solution_index].source
        for what, answer in module.WRONG_ANSWERS.get(ex.number, {}).items():
            try:
                compile(python_source(with_answer(source, answer)), f"{notebook.name} Exercise {ex.number}", "exec")
            except SyntaxError as error:
                problems.append(f"Exercise {ex.number}, {what!r}: {error.msg} (line {error.lineno}: {error.text!r})")
    assert not problems, f"{notebook.name}:\n  " + "\n  ".join(problems)


def test_a_student_copy_runs_top_to_bottom(lesson):
    notebook, nb, _ = lesson
    problems = exercise_isolation_problems(nb)
    assert not problems, f"{notebook.name}:\n  " + "\n  ".join(problems)


# ---------------------------------------------------------------- the static rules bite
def _notebook(*cells):
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    def markdown(source):
        return source.startswith("##") and not source.startswith("### BEGIN")

    return new_notebook(cells=[new_markdown_cell(c) if markdown(c) else new_code_cell(c) for c in cells])


def test_a_lesson_cell_reading_an_answer_is_caught():
    nb = _notebook(
        "x = 1",
        "### Exercise 1: double",
        "### BEGIN SOLUTION\ny = 2 * x\n### END SOLUTION",
        "with utils.exercise(1):\n    utils.check(y == 2, 'double x')",
        "## Next",
        "print(y)",
    )
    (problem,) = exercise_isolation_problems(nb)
    assert "cell 5" in problem and "'y'" in problem and "Exercise 1" in problem


def test_a_lesson_cell_reading_a_check_cells_name_is_caught():
    nb = _notebook(
        "x = 1",
        "### Exercise 1: double",
        "def f():\n    ### BEGIN SOLUTION\n    return 2\n    ### END SOLUTION",
        "with utils.exercise(1):\n    got = f()",
        "## Next",
        "print(got, f)",
    )
    problems = exercise_isolation_problems(nb)
    assert len(problems) == 2 and all("cell 5" in p for p in problems)


def test_a_region_redefining_a_lesson_name_is_caught_and_own_names_are_fine():
    nb = _notebook(
        "x = 1",
        "### Exercise 1: double",
        "### BEGIN SOLUTION\nx = 2 * x\n### END SOLUTION",
        "with utils.exercise(1):\n    utils.check(x == 2, 'double x')",
    )
    (problem,) = exercise_isolation_problems(nb)
    assert "['x']" in problem and "already defined" in problem
    fine = _notebook(
        "x = 1",
        "### Exercise 1: double",
        "### BEGIN SOLUTION\ny = 2 * x\n### END SOLUTION",
        "with utils.exercise(1):\n    utils.check(y == 2, 'double x')",
        "## Next",
        "y = 3\nprint(y, x)",
        "def g(y):\n    return y",
    )
    assert exercise_isolation_problems(fine) == []
