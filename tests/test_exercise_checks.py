"""Every exercise check rejects plausible wrong answers and accepts the solution.

For each lesson, `tests/wrong_answers/NN_name.py` holds WRONG_ANSWERS = {exercise number:
{"what the student did": "code that replaces the solution region", ...}}, at least three
per exercise. The notebook runs once, in fast mode, in one kernel; at each exercise every
wrong answer runs in place of the solution region and the check cells must fail with
`ExerciseCheckFailed` (not a NameError, not a crash); then the real solution runs and its
checks must pass. Names the solution creates are deleted before each attempt, so one
wrong answer cannot lean on what another one left behind.
"""

from __future__ import annotations

import importlib.util
import json

import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from utils.core.paths import REPO_ROOT
from utils.tools import notebooks as nbtools
from utils.tools.exercise_cells import assigned_names, find_exercises, solution_code, with_answer

LESSONS = nbtools.lesson_notebooks()
WRONG_DIR = REPO_ROOT / "tests" / "wrong_answers"
MIN_WRONG = 3


def wrong_answers_for(notebook) -> dict[int, dict[str, str]]:
    path = WRONG_DIR / f"{notebook.stem}.py"
    assert path.exists(), f"{notebook.name}: no wrong answers in {path.relative_to(REPO_ROOT)}"
    spec = importlib.util.spec_from_file_location(f"wrong_{notebook.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.WRONG_ANSWERS


def run(client, source: str, index: int):
    """Execute `source` as if it were cell `index`; return the error name, or None."""
    cell = nbtools.nbformat.v4.new_code_cell(source)
    try:
        client.execute_cell(cell, index)
    except CellExecutionError as error:
        return error.ename, error.evalue
    return None


def existing(client, names: set[str], index: int) -> set[str]:
    """Which of `names` the kernel already defines."""
    cell = nbtools.nbformat.v4.new_code_cell(f"import json as _j; print(_j.dumps([n for n in {sorted(names)!r} if n in globals()]))")
    client.execute_cell(cell, index)
    text = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
    return set(json.loads(text.strip().splitlines()[-1]))


def forget(client, names: set[str], index: int) -> None:
    if names:
        run(client, f"for _n in {sorted(names)!r}:\n    globals().pop(_n, None)", index)


@pytest.mark.parametrize("notebook", LESSONS, ids=[p.name for p in LESSONS])
def test_every_check_rejects_the_wrong_answers(notebook, exercise_tally):
    nb = nbtools.read(notebook)
    exercises = {ex.solution_index: ex for ex in find_exercises(nb)}
    wrong = wrong_answers_for(notebook)
    numbers = sorted(ex.number for ex in exercises.values())
    assert sorted(wrong) == numbers, f"{notebook.name}: wrong answers for exercises {sorted(wrong)}, notebook has {numbers}"
    for number, answers in wrong.items():
        assert len(answers) >= MIN_WRONG, f"{notebook.name} Exercise {number}: {len(answers)} wrong answers, need {MIN_WRONG}"

    problems, tried, rejected = [], 0, 0
    client = NotebookClient(nb, timeout=900, kernel_name="python3",
                            resources={"metadata": {"path": str(notebook.parent)}})
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            exercise = exercises.get(index)
            if exercise is None:
                if any(index in ex.check_indices for ex in exercises.values()):
                    continue  # checks run right after their solution, below
                client.execute_cell(cell, index)  # raises (and fails the test) if the lesson breaks
                continue
            created = assigned_names(solution_code(cell.source))
            created -= existing(client, created, index)
            for what, answer in wrong[exercise.number].items():
                tried += 1
                forget(client, created, index)
                crashed = run(client, with_answer(cell.source, answer), index)
                if crashed:
                    problems.append(f"Exercise {exercise.number}, {what!r}: the wrong answer itself fails "
                                    f"({crashed[0]}: {crashed[1][:120]}); make it code a student could run")
                    continue
                outcome = None
                for check_index in exercise.check_indices:
                    outcome = run(client, nb.cells[check_index].source, check_index)
                    if outcome:
                        break
                if outcome and outcome[0] == "ExerciseCheckFailed":
                    rejected += 1
                else:
                    problems.append(f"Exercise {exercise.number}, {what!r}: "
                                    + ("the check PASSED it" if outcome is None else
                                       f"the check crashed with {outcome[0]}: {outcome[1][:120]}"))
            forget(client, created, index)
            client.execute_cell(cell, index)
            for check_index in exercise.check_indices:
                failure = run(client, nb.cells[check_index].source, check_index)
                if failure:
                    problems.append(f"Exercise {exercise.number}: the solution fails its check ({failure[0]}: {failure[1][:160]})")
    exercise_tally.append((notebook.name, len(exercises), tried, rejected))
    assert not problems, f"{notebook.name}:\n  " + "\n  ".join(problems)
