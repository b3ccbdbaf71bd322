"""`python -m utils grade`: outcomes per student and exercise, problems per file, forgeries.

One real lesson run (lesson 00, fast mode, an honest solved copy: every exercise passes,
no false alarm on a real lesson), then a tiny synthetic lesson (numpy only, made in a tmp
folder) for everything else, in one batch: solved, unsolved, half done, wrong, and the
forgeries (check cells edited to `pass` or deleted, headings deleted or renumbered, check
functions rebound or patched, NumPy patched, a fake ExerciseCheckFailed, shadowed builtins,
an IPython hook that prints forged verdicts), a hostile notebook, a broken lesson cell and
files that cannot be graded. Then one synthetic notebook that never ends, under a short
time limit. Answers to lesson 00 are derived from the lesson as it is now, never copied.
"""

from __future__ import annotations

import csv
import hashlib
import os
import textwrap
import time
import uuid
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from utils.core.paths import DATA_DIR, NOTEBOOKS_DIR, REPO_ROOT
from utils.tools import grade as grading
from utils.tools import notebooks as nbtools
from utils.tools import student
from utils.tools.cli import main
from utils.tools.exercise_cells import find_exercises, solution_code

LESSON = NOTEBOOKS_DIR / "00_start_here.ipynb"
TIMEOUT = 10  # seconds, for the notebook that never ends (its kernel imports only NumPy)


# ---------------------------------------------------------------- building submissions
def fill_in(source: str, code: str) -> str:
    """A student cell with its `# YOUR CODE HERE` stub replaced by `code` (same indent)."""
    lines = source.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == student.STUDENT_STUB[0])
    stub_lines = 2 if at + 1 < len(lines) and lines[at + 1].strip() == student.STUDENT_STUB[1] else 1
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    body = [indent + line if line.strip() else line for line in textwrap.dedent(code).strip("\n").splitlines()]
    return "\n".join(lines[:at] + body + lines[at + stub_lines :])


def answered(lesson_nb, answers: dict[int, str]):
    """The student copy of `lesson_nb` with the given exercises answered (region code)."""
    nb = student.student_copy(lesson_nb)
    for ex in find_exercises(nb):
        if ex.number in answers:
            cell = nb.cells[ex.solution_index]
            cell.source = fill_in(cell.source, answers[ex.number])
    return nb


def save(nb, path: Path) -> Path:
    nbtools.write(nb, path)
    return path


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


# ---------------------------------------------------------------- one real lesson run
def test_an_honest_solved_copy_of_a_real_lesson_passes_without_false_alarms(tmp_path):
    lesson = nbtools.read(LESSON)
    right = {ex.number: solution_code(lesson.cells[ex.solution_index].source) for ex in find_exercises(lesson)}
    save(answered(lesson, right), tmp_path / "subs" / "solved" / LESSON.name)
    code = main(["grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out")])
    rows = read_grades(tmp_path / "out")["solved"]
    assert code == 0
    assert outcomes(rows) == ["passed"] * len(right), rows
    assert problems(rows) == []
    executed = nbtools.read(tmp_path / "out" / "executed" / "solved" / LESSON.name)
    assert sum("Check passed" in str(cell.get("outputs", "")) for cell in executed.cells) >= len(right)


# ---------------------------------------------------------------- the synthetic lesson
SYNTHETIC = "97_synthetic.ipynb"
SETUP = "import sys\nsys.path.insert(0, '..')  # the course copy's utils\nimport numpy as np\nimport utils"
RIGHT = {1: "mean_value = float(np.mean(data))", 2: "return 2 * x"}
WRONG = {1: "mean_value = float(np.median(data)) + 1", 2: "return 2 * x + 1"}
REBIND = """
utils.check = utils.check_close = utils.check_written_by_hand = lambda *args, **kwargs: None
class exercise:
    def __init__(self, number): pass
    def __enter__(self): return self
    def __exit__(self, *error): return True
utils.exercise = exercise
"""
PATCH = """
import utils.core.exercises as course_checks
course_checks.check_close.__code__ = (lambda actual, expected, what, rtol=0, atol=0: None).__code__
np.allclose = lambda *args, **kwargs: True
"""
FAKE_EXCEPTION = """
class ExerciseCheckFailed(AssertionError):
    pass
utils.ExerciseCheckFailed = ExerciseCheckFailed
import utils.core.exercises as course_checks
course_checks.ExerciseCheckFailed = ExerciseCheckFailed
"""
FORGE = """
import json, re
def forge(result):
    token = re.search(r"'TOKEN': '([0-9a-f]+)'", result.info.raw_cell or "")
    if token:
        verdict = {"step": "check", "exercise": 1, "hooks": {}, "tampering": [], "outcome": "passed", "detail": ""}
        print("[course grader]", token.group(1), json.dumps(verdict))
get_ipython().events.register("post_run_cell", forge)
"""
HOSTILE = f"""import shutil
from pathlib import Path

course = Path.cwd().parent
if course.resolve() != Path({str(REPO_ROOT.resolve())!r}):  # this test's own safety net
    for part in ("utils", "data"):
        shutil.rmtree(course / part)
    print("deleted", course / "utils", "and", course / "data")"""


def synthetic_lesson():
    return new_notebook(
        cells=[
            new_markdown_cell("# 97 · Synthetic lesson\n\nA tiny lesson for the grader's tests."),
            new_markdown_cell("## Setup"),
            new_code_cell(SETUP),
            new_markdown_cell("## Lesson"),
            new_code_cell("data = np.arange(10.0)\nprint(data.mean())"),
            new_markdown_cell("### Exercise 1: the mean"),
            new_code_cell("### BEGIN SOLUTION\nmean_value = float(np.mean(data))\n### END SOLUTION"),
            new_code_cell(
                "with utils.exercise(1):\n    utils.check_close(float(mean_value), data.sum() / len(data), 'the mean')"
            ),
            new_markdown_cell("## More lesson"),
            new_code_cell("spread = float(data.std())\nprint(spread)"),
            new_markdown_cell("### Exercise 2: double"),
            new_code_cell("def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION"),
            new_code_cell(
                "with utils.exercise(2):\n    utils.check_written_by_hand(double, 'double')\n"
                "    utils.check(all(float(double(x)) == 2.0 * x for x in range(5)), 'twice the input')"
            ),
        ]
    )


def cells_of(nb, number: int) -> list[int]:
    ex = next(ex for ex in find_exercises(nb) if ex.number == number)
    return [ex.solution_index, *ex.check_indices]


def heading_index(nb, number: int) -> int:
    return cells_of(nb, number)[0] - 1


def prepend(nb, number: int, code: str):
    """Hostile code at the top of the answer cell of exercise `number`."""
    cell = nb.cells[cells_of(nb, number)[0]]
    cell.source = textwrap.dedent(code).strip("\n") + "\n" + cell.source
    return nb


def submissions(lesson) -> dict[str, object]:
    """Every synthetic case by student name; the forgeries two to a notebook (one per exercise)
    to keep the kernels few."""
    cases = {"solved": answered(lesson, RIGHT), "wrong_then_unsolved": answered(lesson, {1: WRONG[1]})}

    edited = answered(lesson, WRONG)  # same cells as the lesson: its indices hold
    edited.cells[cells_of(lesson, 1)[1]].source = "pass"
    edited.cells[heading_index(lesson, 1)].source = "Some notes of mine."
    del edited.cells[cells_of(lesson, 2)[1]]
    cases["edited_checks"] = edited

    renumbered = answered(lesson, RIGHT)
    one, two = heading_index(renumbered, 1), heading_index(renumbered, 2)
    renumbered.cells[one].source, renumbered.cells[two].source = (
        renumbered.cells[two].source,
        renumbered.cells[one].source,
    )
    for cell in renumbered.cells:
        cell.id = uuid.uuid4().hex[:8]  # a notebook rebuilt by hand: no cell matches the lesson's ids
    double_cell = renumbered.cells[cells_of(lesson, 2)[0]]  # now graded as the answer to Exercise 1
    double_cell.source = "del data  # breaks the lesson cell after Exercise 1\n" + double_cell.source
    cases["renumbered_and_broken"] = renumbered

    rebound = prepend(answered(lesson, WRONG), 1, REBIND)
    rebound.cells[cells_of(rebound, 2)[0]].source = (
        FAKE_EXCEPTION + "\n\ndef double(x):\n    raise ExerciseCheckFailed('Not yet: fine')"
    )
    cases["rebound_and_fake_exception"] = rebound
    patched = prepend(answered(lesson, WRONG), 1, PATCH)
    patched.cells[cells_of(patched, 2)[0]].source += "\n\n\ndef all(values):\n    return True"
    cases["patched_and_shadowed"] = patched
    cases["forged_and_hostile"] = prepend(prepend(answered(lesson, {2: RIGHT[2]}), 1, FORGE), 2, HOSTILE)
    return cases


def instructor_files() -> dict[str, str]:
    """The real course's data files (content) and utils/notebooks files (existence)."""
    files = {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in DATA_DIR.rglob("*") if p.is_file()}
    for folder in (REPO_ROOT / "utils", NOTEBOOKS_DIR):
        files.update({str(p): "exists" for p in folder.rglob("*.py")})
        files.update({str(p): "exists" for p in folder.glob("*.ipynb")})
    return files


def still_there(files: dict[str, str]) -> dict[str, str]:
    return {
        name: ("exists" if kind == "exists" else hashlib.sha256(Path(name).read_bytes()).hexdigest())
        if Path(name).is_file()
        else "missing"
        for name, kind in files.items()
    }


@pytest.fixture(scope="module")
def lessons(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lessons")
    save(synthetic_lesson(), folder / SYNTHETIC)
    return folder


@pytest.fixture(scope="module")
def batch(tmp_path_factory, lessons):
    root = tmp_path_factory.mktemp("grade")
    subs, out = root / "submissions", root / "out"
    lesson = nbtools.read(lessons / SYNTHETIC)
    for name, nb in submissions(lesson).items():
        save(nb, subs / name / ("my_lesson.ipynb" if "hostile" in name else SYNTHETIC))  # matched by content
    solved = subs / "solved" / SYNTHETIC
    save(nbtools.read(solved), subs / "solved" / ".ipynb_checkpoints" / "97_synthetic-checkpoint.ipynb")
    stranger = answered(lesson, RIGHT)
    stranger.cells[0].source = "# 42 · Quantum GRUs\n\nA lesson from another course."
    save(stranger, subs / "stranger" / SYNTHETIC)
    save(new_notebook(cells=[new_code_cell("print('hello')")]), subs / "random" / "scratch.ipynb")
    (subs / "corrupted.ipynb").write_text(solved.read_text()[:500])
    (subs / "readme.txt").write_text("ignored: not a notebook, in a folder")
    notes = root / "notes.txt"
    notes.write_text("named on the command line, so it gets a line")

    before = instructor_files()
    results = grading.grade([str(subs), str(notes)], "fast", 120, out / "executed", lessons_folder=lessons)
    markdown = grading.write_reports(results, out, "fast")
    return {
        "out": out,
        "lesson": lesson,
        "before": before,
        "after": still_there(before),
        "grades": read_grades(out),
        "markdown": markdown,
    }


def test_one_entry_per_file_and_checkpoints_skipped(batch):
    assert sorted(batch["grades"]) == sorted(
        [*submissions(batch["lesson"]), "corrupted", "notes", "random", "stranger"]
    )
    assert len(batch["grades"]["solved"]) == 2


@pytest.mark.parametrize(
    "name, expected",
    [
        ("solved", ["passed", "passed"]),
        ("wrong_then_unsolved", ["not yet", "not attempted"]),
    ],
)
def test_honest_submissions_get_what_they_earned_and_no_problem(batch, name, expected):
    rows = batch["grades"][name]
    assert outcomes(rows) == expected
    assert problems(rows) == []


def test_wrong_answers_are_not_yet_with_the_checks_hint(batch):
    row = batch["grades"]["wrong_then_unsolved"][0]
    assert row["detail"] == "the mean is far from (more than 10% off) the expected value."
    assert f"- wrong_then_unsolved, Exercise 1, not yet: {row['detail']}" in batch["markdown"]
    assert "| wrong_then_unsolved | not yet | not attempted | 0/2 |" in batch["markdown"]


@pytest.mark.parametrize(
    "name, expected_outcomes, expected_problems",
    [
        (
            "edited_checks",
            ["not yet", "not yet"],
            [
                "the exercise headings differ from the lesson's: found [2], the lesson has [1, 2]",
                "Exercise 1: a check cell was edited in the submission",
                "Exercise 2: a check cell is missing from the submission",
            ],
        ),
        (
            "renumbered_and_broken",
            ["not attempted", "error"],
            ["the exercise headings differ from the lesson's: found [2, 1], the lesson has [1, 2]"],
        ),
        (
            "rebound_and_fake_exception",
            ["not yet", "not yet"],
            [
                "Exercise 1: tampering: utils.check is not the course's own",
                "Exercise 1: tampering: utils.exercise is not the course's own",
                "Exercise 2: tampering: utils.ExerciseCheckFailed is not the course's own",
                "Exercise 2: tampering: utils.core.exercises.ExerciseCheckFailed is not the course's own",
            ],
        ),
        (
            "patched_and_shadowed",
            ["error", "not yet"],
            [
                "Exercise 1: tampering: utils.core.exercises.check_close is not the course's own",
                "Exercise 1: tampering: numpy.allclose is replaced by code from the notebook",
                "Exercise 2: tampering: the builtin `all` is shadowed by a function the notebook defines",
            ],
        ),
        ("forged_and_hostile", ["error", "error"], ["Exercise 1: the course's check did not report exactly once"]),
    ],
)
def test_no_forgery_is_graded_passed_and_each_is_reported(batch, name, expected_outcomes, expected_problems):
    rows = batch["grades"][name]
    assert outcomes(rows) == expected_outcomes, rows
    for expected in expected_problems:
        assert any(expected in problem for problem in problems(rows)), (expected, problems(rows))


def test_a_check_that_passes_under_patched_numpy_is_an_error_naming_the_tampering(batch):
    detail = batch["grades"]["patched_and_shadowed"][0]["detail"]
    assert detail.startswith("tampering detected: ") and "numpy.allclose" in detail


def test_a_hostile_notebook_only_harms_its_own_copy(batch):
    assert batch["after"] == batch["before"]
    executed = nbtools.read(batch["out"] / "executed" / "forged_and_hostile" / "my_lesson.ipynb")
    printed = "".join(o.get("text", "") for cell in executed.cells for o in cell.get("outputs", []))
    assert "deleted " in printed and str(REPO_ROOT) not in printed


def test_a_broken_lesson_cell_is_reported_and_the_exercises_still_graded(batch):
    rows = batch["grades"]["renumbered_and_broken"]
    assert any(p.startswith("lesson cell ") and "(NameError: name 'data' is not defined)" in p for p in problems(rows))


@pytest.mark.parametrize(
    "name, problem",
    [
        ("corrupted", "not a notebook: the file is not valid JSON"),
        ("notes", "not a notebook (only .ipynb files are graded)"),
        ("stranger", "cannot match its lesson '# 42 · Quantum GRUs'"),
        ("random", "not a course notebook"),
    ],
)
def test_files_that_cannot_be_graded_get_one_clear_line(batch, name, problem):
    rows = batch["grades"][name]
    assert outcomes(rows) == [] and len(problems(rows)) == 1
    assert problems(rows)[0].startswith(problem)
    assert f"- {name} (`" in batch["markdown"] and problems(rows)[0][:60] in batch["markdown"]


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


def test_a_notebook_that_never_ends_is_killed_kernel_included(tmp_path):
    pid_file = tmp_path / "kernel.pid"
    lesson = synthetic_lesson()
    lesson.cells[2].source = (
        f"import os\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
        "import numpy as np  # no utils: the kernel is up in seconds"
    )
    save(lesson, tmp_path / "lessons" / SYNTHETIC)
    nb = prepend(answered(lesson, {}), 1, "while True:\n    pass")
    save(nb, tmp_path / "subs" / "looper" / SYNTHETIC)
    started = time.monotonic()
    results = grading.grade(
        [str(tmp_path / "subs")], "fast", TIMEOUT, tmp_path / "executed", lessons_folder=tmp_path / "lessons"
    )
    assert time.monotonic() - started < TIMEOUT + 30
    (looper,) = results
    assert [o.outcome for o in looper.outcomes] == ["timed out"] * 2
    assert looper.problems[0].startswith(f"ran past the {TIMEOUT} s limit")
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
    assert [(s.student, s.path.name) for s in found] == [
        ("alice", "00.ipynb"),
        ("bob", "bob.ipynb"),
        ("notes", "notes.txt"),
    ]


def test_the_lesson_is_matched_from_the_first_cells_heading():
    lessons = grading.course_lessons()
    heading = nbtools.read(LESSON).cells[0].source.splitlines()[0]
    loose = heading.replace(" · ", "  ·   ").upper()  # spacing and case do not matter
    assert grading.match_lesson(new_notebook(cells=[new_markdown_cell(loose)]), lessons) == LESSON
    with pytest.raises(ValueError, match="cannot match its lesson '# 99 · Nothing'"):
        grading.match_lesson(new_notebook(cells=[new_markdown_cell("# 99 · Nothing")]), lessons)
    with pytest.raises(ValueError, match="not a course notebook"):
        grading.match_lesson(new_notebook(cells=[new_code_cell(heading)]), lessons)


def test_the_grading_notebook_is_the_lesson_with_only_the_answers_taken_from_the_submission():
    lesson = synthetic_lesson()
    submission = answered(lesson, WRONG)
    submission.cells[4].source = "data = np.zeros(10)  # a lesson cell changed by the student"
    submission.cells.append(new_code_cell("print('an extra cell of the student')"))
    nb, plans = grading.grading_notebook(lesson, submission, "cafe", "# the checks' source")
    sources = [cell.source for cell in nb.cells]
    assert "data = np.arange(10.0)\nprint(data.mean())" in sources  # the lesson's own cell
    assert not any("np.zeros" in s or "an extra cell" in s for s in sources)
    assert [nb.cells[p.answer].source for p in plans] == [
        fill_in(student.student_copy(lesson).cells[i].source, WRONG[n]) for n, i in ((1, 6), (2, 11))
    ]
    for plan in plans:
        assert "'STEP': 'before'" in nb.cells[plan.before].source
        assert all(
            "'STEP': 'check'" in nb.cells[i].source and "'TOKEN': 'cafe'" in nb.cells[i].source for i in plan.checks
        )


def verdict_cell(token: str, *verdicts: dict, error=None):
    lines = "".join(f"\n{grading.VERDICT_TAG} {token} {grading.json.dumps(v)}\n" for v in verdicts)
    cell = new_code_cell("grader")
    cell.outputs = [new_output("stream", name="stdout", text=lines)] if lines else []
    if error:
        cell.outputs.append(new_output("error", ename=error[0], evalue=error[1], traceback=[]))
    return cell


def test_outcomes_are_read_from_the_verdict_lines_only():
    token = "beef"
    before = {"step": "before", "exercise": 1, "hooks": {"events.post_run_cell": 1}, "tampering": []}

    def check(outcome, detail="", tampering=(), hooks=None):
        return {
            "step": "check",
            "exercise": 1,
            "hooks": hooks or before["hooks"],
            "tampering": list(tampering),
            "outcome": outcome,
            "detail": detail,
        }

    def outcome_of(answer_error=None, *check_cells, found=True, cells_run=None):
        cells = [verdict_cell(token, before), verdict_cell(token, error=answer_error), *check_cells]
        nb = new_notebook(cells=cells)
        nb.metadata[grading.CELLS_RUN] = len(cells) if cells_run is None else cells_run
        plan = grading.Plan(1, before=0, answer=1, checks=list(range(2, len(cells))), found=found)
        return grading.exercise_outcome(nb, plan, token, ("timed out", ""))

    assert outcome_of(None, verdict_cell(token, check("passed"))) == ("passed", "", [])
    assert outcome_of(
        None, verdict_cell(token, check("passed")), verdict_cell(token, check("not yet", "use the mean."))
    )[:2] == ("not yet", "use the mean.")
    assert outcome_of(("NotImplementedError", ""), verdict_cell(token, check("not attempted")))[:2] == (
        "not attempted",
        "",
    )
    assert outcome_of(("ValueError", "bad"), verdict_cell(token, check("passed")))[:2] == (
        "error",
        "your answer cell raised ValueError: bad",
    )
    assert outcome_of(None, verdict_cell(token, check("passed")), found=False)[0] == "not attempted"
    assert outcome_of(None, verdict_cell(token, check("passed")), cells_run=2)[:2] == ("timed out", "")
    # forged: a line printed with another token is ignored, two lines with ours are an error
    assert outcome_of(None, verdict_cell("other", check("passed")))[0] == "error"
    assert outcome_of(None, verdict_cell(token, check("passed"), check("passed")))[0] == "error"
    # tampering seen only after the answer cell ran: a pass becomes an error, a fail stays
    tampered = outcome_of(None, verdict_cell(token, check("passed", tampering=["utils.check is not the course's own"])))
    assert tampered[0] == "error" and tampered[2] == ["utils.check is not the course's own"]
    hooked = outcome_of(None, verdict_cell(token, check("not yet", "x", hooks={"events.post_run_cell": 2})))
    assert hooked[:2] == ("not yet", "x") and "changed IPython hooks (events.post_run_cell)" in hooked[2][0]


def test_reports_hold_a_table_per_lesson_and_the_problems(tmp_path):
    results = [
        grading.Graded(
            "bob",
            "subs/bob/a.ipynb",
            "00_start_here",
            [grading.Outcome(1, "passed"), grading.Outcome(2, "not yet", "use the mean.")],
        ),
        grading.Graded(
            "alice",
            "subs/alice/a.ipynb",
            "00_start_here",
            [grading.Outcome(1, "timed out")],
            ["ran past the 600 s limit in cell 30"],
        ),
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
