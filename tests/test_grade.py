"""`python -m utils grade`: outcomes per student and exercise, problems per file.

The end-to-end tests grade lesson 00 twice: one batch folder holding every case (solved,
wrong answers, half done and hostile, a broken lesson cell, files that cannot be graded),
and one notebook that never ends, under a short time limit. Answers are derived from the
lesson and tests/wrong_answers/00_start_here.py as they are now, never copied here.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import os
import textwrap
import time
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from utils.core.paths import DATA_DIR, NOTEBOOKS_DIR, REPO_ROOT
from utils.tools import grade as grading
from utils.tools import notebooks as nbtools
from utils.tools.cli import main
from utils.tools.exercise_cells import find_exercises, solution_code

LESSON = NOTEBOOKS_DIR / "00_start_here.ipynb"
WRONG_ANSWERS = REPO_ROOT / "tests" / "wrong_answers" / "00_start_here.py"
TIMEOUT = 15  # seconds, for the notebook that never ends


# ---------------------------------------------------------------- building submissions
def solutions() -> dict[int, str]:
    nb = nbtools.read(LESSON)
    return {ex.number: solution_code(nb.cells[ex.solution_index].source) for ex in find_exercises(nb)}


def first_wrong_answers() -> dict[int, str]:
    spec = importlib.util.spec_from_file_location("wrong_00", WRONG_ANSWERS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {number: next(iter(answers.values())) for number, answers in module.WRONG_ANSWERS.items()}


def fill_in(source: str, code: str) -> str:
    """A student cell with its `# YOUR CODE HERE` stub replaced by `code` (same indent)."""
    lines = source.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == nbtools.STUDENT_STUB[0])
    assert lines[at + 1].strip() == nbtools.STUDENT_STUB[1]
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    body = [indent + line if line.strip() else line for line in textwrap.dedent(code).strip("\n").splitlines()]
    return "\n".join(lines[:at] + body + lines[at + 2:])


def student_copy(folder: Path, answers: dict[int, str]):
    """The real student copy of lesson 00 with the given exercises answered."""
    (path, _), = nbtools.write_student_copies(folder, [LESSON])
    nb = nbtools.read(path)
    path.unlink()
    for ex in find_exercises(nb):
        if ex.number in answers:
            cell = nb.cells[ex.solution_index]
            cell.source = fill_in(cell.source, answers[ex.number])
    return nb


def code_cell_indices(nb) -> list[int]:
    return [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]


def save(nb, path: Path) -> Path:
    nbtools.write(nb, path)
    return path


HOSTILE = f"""import shutil
from pathlib import Path

course = Path.cwd().parent
if course.resolve() != Path({str(REPO_ROOT.resolve())!r}):  # this test's own safety net
    for part in ("utils", "data"):
        shutil.rmtree(course / part)
    print("deleted", course / "utils", "and", course / "data")"""


def instructor_files() -> dict[str, str]:
    """The real course's data files (content) and utils/notebooks files (existence)."""
    files = {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in DATA_DIR.rglob("*") if p.is_file()}
    for folder in (REPO_ROOT / "utils", NOTEBOOKS_DIR):
        files.update({str(p): "exists" for p in folder.rglob("*.py")})
        files.update({str(p): "exists" for p in folder.glob("*.ipynb")})
    return files


def still_there(files: dict[str, str]) -> dict[str, str]:
    return {name: ("exists" if kind == "exists" else hashlib.sha256(Path(name).read_bytes()).hexdigest())
            if Path(name).is_file() else "missing" for name, kind in files.items()}


def read_grades(out: Path) -> dict[str, list[dict]]:
    with open(out / "grades.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    by_student = {}
    for row in rows:
        by_student.setdefault(row["student"], []).append(row)
    return by_student


def outcomes(rows: list[dict]) -> list[str]:
    return [row["outcome"] for row in rows if row["outcome"] != "problem"]


def problems(rows: list[dict]) -> list[str]:
    return [row["detail"] for row in rows if row["outcome"] == "problem"]


# ---------------------------------------------------------------- end to end: one batch
@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("grade")
    subs, out = root / "submissions", root / "out"
    right, wrong = solutions(), first_wrong_answers()
    numbers = sorted(right)
    half = numbers[: len(numbers) // 2]

    solved = save(student_copy(root, right), subs / "solved" / LESSON.name)
    save(student_copy(root, right), subs / "solved" / ".ipynb_checkpoints" / "00_start_here-checkpoint.ipynb")
    save(student_copy(root, wrong), subs / "wrong" / LESSON.name)

    hostile = student_copy(root, {n: right[n] for n in half})
    hostile.cells += [new_markdown_cell("## Tidying up"), new_code_cell(HOSTILE)]
    save(hostile, subs / "hostile" / "my_lesson.ipynb")  # matched by content, not by name

    broken = student_copy(root, right)
    broken_index = code_cell_indices(broken)[1]  # the first lesson cell after the setup cell
    broken.cells[broken_index].source = 'raise RuntimeError("a broken lesson cell")\n' + broken.cells[broken_index].source
    save(broken, subs / "broken" / LESSON.name)

    stranger = student_copy(root, right)
    stranger.cells[0].source = "# 42 · Quantum GRUs\n\nA lesson from another course."
    save(stranger, subs / "stranger" / LESSON.name)
    save(new_notebook(cells=[new_code_cell("print('hello')")]), subs / "random" / "scratch.ipynb")
    (subs / "corrupted.ipynb").write_text(solved.read_text()[:500])
    (subs / "readme.txt").write_text("ignored: not a notebook, in a folder")
    notes = root / "notes.txt"
    notes.write_text("named on the command line, so it gets a line")

    before = instructor_files()
    code = main(["grade", str(subs), str(notes), "--out", str(out)])
    return {"code": code, "out": out, "broken_index": broken_index, "numbers": numbers, "half": half,
            "before": before, "after": still_there(before), "grades": read_grades(out),
            "markdown": (out / "grades.md").read_text()}


def test_grading_finishes_with_exit_code_0_and_one_entry_per_file(batch):
    assert batch["code"] == 0
    assert sorted(batch["grades"]) == ["broken", "corrupted", "hostile", "notes", "random", "solved",
                                       "stranger", "wrong"]  # no checkpoint, no readme.txt
    assert len(batch["grades"]["solved"]) == len(batch["numbers"])


def test_a_solved_copy_passes_everything(batch):
    assert outcomes(batch["grades"]["solved"]) == ["passed"] * len(batch["numbers"])
    assert problems(batch["grades"]["solved"]) == []


def test_wrong_answers_are_not_yet_with_the_checks_hint(batch):
    rows = batch["grades"]["wrong"]
    assert outcomes(rows) == ["not yet"] * len(batch["numbers"])
    assert all(row["detail"] and not row["detail"].startswith("Not yet") for row in rows)
    assert all(f"wrong, Exercise {row['exercise']}, not yet: {row['detail']}" in batch["markdown"] for row in rows)


def test_half_done_is_passed_then_not_attempted(batch):
    expected = ["passed" if n in batch["half"] else "not attempted" for n in batch["numbers"]]
    assert outcomes(batch["grades"]["hostile"]) == expected
    row = f"| hostile | {' | '.join(expected)} | {len(batch['half'])}/{len(expected)} |"
    assert row in batch["markdown"]


def test_a_hostile_notebook_only_harms_its_own_copy(batch):
    assert batch["after"] == batch["before"]
    executed = nbtools.read(batch["out"] / "executed" / "hostile" / "my_lesson.ipynb")
    printed = "".join(o.get("text", "") for o in executed.cells[-1].outputs)
    assert printed.startswith("deleted ") and str(REPO_ROOT) not in printed
    assert problems(batch["grades"]["hostile"]) == []
    # graded after it, in a fresh copy: the batch went on
    assert outcomes(batch["grades"]["solved"]) == ["passed"] * len(batch["numbers"])


def test_a_broken_lesson_cell_is_reported_and_the_exercises_still_graded(batch):
    rows = batch["grades"]["broken"]
    assert problems(rows) == [f"lesson cell {batch['broken_index']} failed (RuntimeError: a broken lesson cell); "
                              "exercises after it may fail because of it"]
    assert len(outcomes(rows)) == len(batch["numbers"])


@pytest.mark.parametrize("student, problem", [
    ("corrupted", "not a notebook: the file is not valid JSON"),
    ("notes", "not a notebook (only .ipynb files are graded)"),
    ("stranger", "cannot match its lesson '# 42 · Quantum GRUs'"),
    ("random", "not a course notebook"),
])
def test_files_that_cannot_be_graded_get_one_clear_line(batch, student, problem):
    rows = batch["grades"][student]
    assert outcomes(rows) == [] and len(problems(rows)) == 1
    assert problems(rows)[0].startswith(problem)
    assert f"- {student} (`" in batch["markdown"] and problems(rows)[0][:60] in batch["markdown"]


def process_gone(pid: int, wait: float = 10) -> bool:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        stat = Path(f"/proc/{pid}/stat")
        if stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z":
            return True  # killed, waiting to be reaped
        time.sleep(0.2)
    return False


# ---------------------------------------------------------------- end to end: the time limit
def test_a_notebook_that_never_ends_is_killed_kernel_included(tmp_path):
    pid_file = tmp_path / "kernel.pid"
    nb = student_copy(tmp_path, {1: "while True:\n    pass"})
    nb.cells.insert(1, new_code_cell(f"import os\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))"))
    save(nb, tmp_path / "subs" / "looper" / LESSON.name)
    started = time.monotonic()
    code = main(["grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out"), "--timeout", str(TIMEOUT)])
    assert code == 0 and time.monotonic() - started < TIMEOUT + 30
    rows = read_grades(tmp_path / "out")["looper"]
    assert outcomes(rows) == ["timed out"] * len(solutions())
    assert problems(rows)[0].startswith(f"ran past the {TIMEOUT} s limit")
    assert process_gone(int(pid_file.read_text())), "the kernel still runs after the time limit"


# ---------------------------------------------------------------- parts that need no kernel
def test_student_name_is_the_folder_holding_the_file_else_its_stem():
    given = Path("submissions")
    assert grading.student_name(given / "alice" / "00_start_here.ipynb", given) == "alice"
    assert grading.student_name(given / "class_a" / "bob" / "lesson.ipynb", given) == "bob"
    assert grading.student_name(given / "carol.ipynb", given) == "carol"
    assert grading.student_name(Path("elsewhere/dave.ipynb")) == "dave"  # a file named itself


def test_folders_are_searched_for_notebooks_only(tmp_path):
    for name in ("alice/00.ipynb", "alice/.ipynb_checkpoints/00-checkpoint.ipynb", "alice/notes.txt", "bob.ipynb"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}")
    found = grading.find_submissions([str(tmp_path), str(tmp_path / "alice" / "notes.txt")])
    assert [(s.student, s.path.name) for s in found] == [("alice", "00.ipynb"), ("bob", "bob.ipynb"),
                                                         ("notes", "notes.txt")]


def test_the_lesson_is_matched_from_the_first_cells_heading():
    lessons = grading.course_lessons()
    heading = nbtools.read(LESSON).cells[0].source.splitlines()[0]
    loose = heading.replace(" · ", "  ·   ").upper()  # spacing and case do not matter
    assert grading.match_lesson(new_notebook(cells=[new_markdown_cell(loose)]), lessons) == LESSON
    with pytest.raises(ValueError, match="cannot match its lesson '# 99 · Nothing'"):
        grading.match_lesson(new_notebook(cells=[new_markdown_cell("# 99 · Nothing")]), lessons)
    with pytest.raises(ValueError, match="not a course notebook"):
        grading.match_lesson(new_notebook(cells=[new_code_cell(heading)]), lessons)


def executed_exercise(number: int, solution_error=None, check_error=None) -> list:
    """An exercise's cells as if executed: a solution cell and a check cell, with errors."""
    cells = [new_markdown_cell(f"### Exercise {number}: case {number}"), new_code_cell("answer"),
             new_code_cell("utils.check(...)")]
    for cell, error in zip(cells[1:], (solution_error, check_error)):
        if error:
            cell.outputs = [new_output("error", ename=error[0], evalue=error[1], traceback=[])]
    return cells


def test_outcomes_are_read_from_the_executed_cells():
    cells = [new_markdown_cell("# 00 · Demo"), new_code_cell("lesson = 1")]
    cells += executed_exercise(1)
    cells += executed_exercise(2, check_error=("ExerciseCheckFailed", "Not yet: use the mean."))
    cells += executed_exercise(3, solution_error=("NotImplementedError", ""))
    cells += executed_exercise(4, solution_error=("ValueError", "bad shape"))
    cells += executed_exercise(5, check_error=("NameError", "name 'x' is not defined"))
    cells += executed_exercise(6)
    nb = new_notebook(cells=cells)
    nb.metadata[grading.CELLS_RUN] = len(cells) - 2  # stopped before exercise 6's check
    exercises = find_exercises(nb)
    expected = [("passed", ""), ("not yet", "use the mean."), ("not attempted", ""),
                ("error", "ValueError: bad shape"), ("error", "in the check: NameError: name 'x' is not defined")]
    got = grading.exercise_outcomes(nb, exercises, timed_out=True)
    assert [(o.outcome, o.detail) for o in got] == expected + [("timed out", "")]
    crashed = grading.exercise_outcomes(nb, exercises, timed_out=False)[-1]
    assert (crashed.outcome, crashed.detail) == ("error", "not run: the notebook stopped before it")
    assert grading.broken_lesson_cell(nb, exercises) == ""
    nb.cells[1].outputs = [new_output("error", ename="KeyError", evalue="'kw'", traceback=[])]
    assert grading.broken_lesson_cell(nb, exercises).startswith("lesson cell 1 failed (KeyError: 'kw')")


def test_reports_hold_a_table_per_lesson_and_the_problems(tmp_path):
    results = [
        grading.Graded("bob", "subs/bob/a.ipynb", "00_start_here",
                       [grading.Outcome(1, "passed"), grading.Outcome(2, "not yet", "use the mean.")]),
        grading.Graded("alice", "subs/alice/a.ipynb", "00_start_here", [grading.Outcome(1, "timed out")],
                       ["ran past the 600 s limit in cell 30"]),
        grading.Graded("carol", "subs/carol.txt", problems=["not a notebook"]),
    ]
    markdown = grading.write_reports(results, tmp_path, "fast")
    assert markdown == (tmp_path / "grades.md").read_text()
    assert "| student | Exercise 1 | Exercise 2 | passed |" in markdown
    assert markdown.index("| alice | timed out | – | 0/2 |") < markdown.index("| bob | passed | not yet | 1/2 |")
    assert "- bob, Exercise 2, not yet: use the mean." in markdown
    assert "- carol (`subs/carol.txt`): not a notebook" in markdown
    rows = list(csv.reader((tmp_path / "grades.csv").open()))
    assert rows[0] == ["student", "file", "lesson", "exercise", "outcome", "detail"]
    assert ["bob", "subs/bob/a.ipynb", "00_start_here", "2", "not yet", "use the mean."] in rows
    assert ["carol", "subs/carol.txt", "", "", "problem", "not a notebook"] in rows
