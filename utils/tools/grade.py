"""Grade students' notebooks: `python -m utils grade SUBMISSION... [--out build/grades]`.

For instructors. A submission is a student copy of a lesson (`python -m utils student`)
with the answers filled in. Each one runs headless, all cells with errors allowed, in
its own throwaway copy of the course (utils/, data/ and notebooks/ copied to a temporary
folder, the submission as notebooks/<lesson>.ipynb), in a child process that is killed,
kernel included, when it runs past the time limit. The lesson is recognised from the
notebook's first cell (`# NN · Title`), not from the file name. Every exercise then gets
an outcome read from the executed cells:

- passed          the solution cell and its check cells ran without an error
- not yet         a check failed (ExerciseCheckFailed); the detail is its hint
- not attempted   the solution cell still raises the stub's NotImplementedError
- error           the solution or a check cell raised something else (the detail says what)
- timed out       the notebook ran past the time limit before the exercise was done

Written to <out>: grades.csv (one row per student and exercise, plus one per problem),
grades.md (one table per lesson and the list of problems) and executed/<student>/ (the
executed notebooks, to see a student's tracebacks).

Submissions are untrusted code. The copy and the time limit protect the course folder
against accidents, not against malice: grade inside a container or under a throwaway
user account.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat.reader import NotJSONError

from . import notebooks as nbtools
from .exercise_cells import Exercise, find_exercises
from ..core.paths import NOTEBOOKS_DIR, REPO_ROOT
from ..core.report import METRICS_ENV

COURSE_PARTS = ("utils", "data", "notebooks")  # what each throwaway course copy holds
LESSON_HEADING = re.compile(r"^#\s*(\d+)\s*·\s*(.+?)\s*$")
CELLS_RUN = "grade_cells_run"  # notebook metadata: how many cells the child finished
NAME_RULE = ("The student's name is the folder directly holding the notebook, or the "
             "file's name when it lies directly in the folder given or is named itself.")


@dataclass
class Submission:
    student: str
    path: Path


@dataclass
class Outcome:
    exercise: int
    outcome: str  # passed, not yet, not attempted, error, timed out
    detail: str = ""


@dataclass
class Graded:
    student: str
    file: str
    lesson: str = ""  # the lesson's file stem, "" when the file could not be matched
    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- finding submissions
def student_name(path: Path, given_folder: Path | None = None) -> str:
    """The folder holding `path`, unless that is the folder given (or none was): the file stem."""
    if given_folder is not None and path.parent != given_folder:
        return path.parent.name
    return path.stem


def find_submissions(arguments: list[str]) -> list[Submission]:
    """Every file named, and every *.ipynb in the folders named (checkpoints skipped)."""
    found = []
    for argument in arguments:
        given = Path(argument)
        if not given.is_dir():
            found.append(Submission(student_name(given), given))
            continue
        for path in sorted(given.rglob("*.ipynb")):
            if not any(part.startswith(".") for part in path.relative_to(given).parts):
                found.append(Submission(student_name(path, given), path))
    return found


# ---------------------------------------------------------------- recognising the lesson
def lesson_heading(nb) -> tuple[str, str] | None:
    """(number, title) of the first cell's `# NN · Title`, the title in lower case; or None."""
    if not nb.cells or nb.cells[0].cell_type != "markdown":
        return None
    match = LESSON_HEADING.match((nb.cells[0].source.strip().splitlines() or [""])[0])
    return (match.group(1), " ".join(match.group(2).split()).casefold()) if match else None


def course_lessons(folder: Path = NOTEBOOKS_DIR) -> dict[tuple[str, str], Path]:
    """The course's lesson notebooks by their heading (see `lesson_heading`)."""
    lessons = {}
    for path in nbtools.lesson_notebooks(folder):
        heading = lesson_heading(nbtools.read(path))
        if heading:
            lessons[heading] = path
    return lessons


def match_lesson(nb, lessons: dict[tuple[str, str], Path]) -> Path:
    """The course lesson `nb` is a copy of; ValueError saying why when there is none."""
    heading = lesson_heading(nb)
    if heading is None:
        raise ValueError("not a course notebook: its first cell is not a `# NN · Title` heading")
    if heading not in lessons:
        known = ", ".join(path.stem for path in lessons.values())
        raise ValueError(f"cannot match its lesson {nb.cells[0].source.splitlines()[0]!r} "
                         f"to one of the course's ({known})")
    return lessons[heading]


def read_submission(path: Path):
    """The notebook at `path`; ValueError saying why when it is not one."""
    if not path.exists():
        raise ValueError("no such file or folder")
    if path.suffix != ".ipynb":
        raise ValueError("not a notebook (only .ipynb files are graded)")
    invalid = {}
    try:
        nb = nbformat.read(str(path), as_version=4, capture_validation_error=invalid)
    except NotJSONError:
        raise ValueError("not a notebook: the file is not valid JSON (corrupted or cut short?)") from None
    except Exception as error:  # not notebook-shaped, unreadable
        raise ValueError(f"not a notebook: cannot read it ({type(error).__name__}: {one_line(error)})") from None
    if invalid:
        error = invalid["ValidationError"]
        raise ValueError(f"not a valid notebook: {one_line(getattr(error, 'message', error))}")
    return nb


# ---------------------------------------------------------------- running one submission
@dataclass
class Execution:
    notebook: nbformat.NotebookNode  # executed as far as it got (CELLS_RUN in its metadata)
    timed_out: bool
    failure: str  # why the run stopped early, "" when it ran to the end


def copy_course(target: Path, source: Path = REPO_ROOT) -> Path:
    """A throwaway copy of the parts of the course a notebook needs."""
    for part in COURSE_PARTS:
        shutil.copytree(source / part, target / part,
                        ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    return target


def stop_process_groups(child_pid: int, kernel_pid_file: Path) -> None:
    """Kill the child's process group and the kernel's (jupyter starts it in its own)."""
    groups = [child_pid]
    if kernel_pid_file.exists() and kernel_pid_file.read_text().strip():
        groups.append(int(kernel_pid_file.read_text()))
    for group in groups:
        try:
            os.killpg(group, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass  # already gone


def run_in_course_copy(nb, lesson_name: str, mode: str, timeout: float) -> Execution:
    """Execute `nb` as notebooks/<lesson_name> of a fresh course copy, in a child process."""
    with tempfile.TemporaryDirectory(prefix="grade-", ignore_cleanup_errors=True) as tmp:
        course = copy_course(Path(tmp) / "course")
        notebook = course / "notebooks" / lesson_name
        nbtools.write(nbtools.clean(nb), notebook)  # no stale outputs from the student's run
        executed, kernel_pid, log = (Path(tmp) / name for name in ("executed.ipynb", "kernel.pid", "child.log"))
        env = {**os.environ, "COURSE_MODE": mode}
        env.pop(METRICS_ENV, None)
        with open(log, "w") as log_file:
            child = subprocess.Popen(
                [sys.executable, "-m", "utils.tools.grade", str(notebook), str(executed), str(kernel_pid)],
                cwd=course, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
            try:
                exit_code = child.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                exit_code = None
            finally:
                stop_process_groups(child.pid, kernel_pid)
                child.wait()
        result = nbtools.read(executed) if executed.exists() else nbtools.clean(nb)
        cells_run = result.metadata.get(CELLS_RUN, 0)
        if exit_code is None:
            failure = f"ran past the {timeout:g} s limit in cell {cells_run}; exercises not reached are 'timed out'"
        elif exit_code != 0:
            last = (log.read_text().strip().splitlines() or ["no message"])[-1]
            failure = f"stopped in cell {cells_run}: {last}"
        else:
            failure = ""
    return Execution(result, exit_code is None, failure)


def execute_saving_each_cell(notebook: Path, executed: Path, kernel_pid: Path) -> None:
    """In the child process: run every cell, errors allowed, saving after each one."""
    from nbclient import NotebookClient

    nb = nbtools.read(notebook)
    client = NotebookClient(nb, timeout=None, allow_errors=True, kernel_name="python3",
                            resources={"metadata": {"path": str(notebook.parent)}})
    with client.setup_kernel():
        kernel_pid.write_text(str(client.km.provisioner.pid))
        for index, cell in enumerate(nb.cells):
            nb.metadata[CELLS_RUN] = index
            save(nb, executed)
            client.execute_cell(cell, index)
        nb.metadata[CELLS_RUN] = len(nb.cells)
        save(nb, executed)


def save(nb, path: Path) -> None:
    """Write `nb` so that a reader never sees half a file (the child may be killed)."""
    partial = path.with_suffix(".partial")
    nbformat.write(nb, str(partial))
    os.replace(partial, path)


# ---------------------------------------------------------------- reading the outcomes
def one_line(text, limit: int = 300) -> str:
    return " ".join(str(text).split())[:limit]


def error_in(cell) -> tuple[str, str] | None:
    """(exception name, message) of the error a code cell raised, or None."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return output.get("ename", "Error"), one_line(output.get("evalue", ""))
    return None


def exercise_outcome(nb, exercise: Exercise, unreached: tuple[str, str]) -> tuple[str, str]:
    """(outcome, detail) of one exercise from the executed cells."""
    cells_run = nb.metadata.get(CELLS_RUN, 0)
    for index in (exercise.solution_index, *exercise.check_indices):
        if index >= cells_run:
            return unreached
        error = error_in(nb.cells[index])
        if error is None:
            continue
        name, message = error
        if index == exercise.solution_index:
            return ("not attempted", "") if name == "NotImplementedError" else ("error", f"{name}: {message}")
        if name == "ExerciseCheckFailed":
            return "not yet", message.removeprefix("Not yet: ")
        return "error", f"in the check: {name}: {message}"
    return "passed", ""


def exercise_outcomes(nb, exercises: list[Exercise], timed_out: bool) -> list[Outcome]:
    """The outcome of every exercise; those not reached are timed out (or errors if the run crashed)."""
    unreached = ("timed out", "") if timed_out else ("error", "not run: the notebook stopped before it")
    return [Outcome(ex.number, *exercise_outcome(nb, ex, unreached)) for ex in exercises]


def broken_lesson_cell(nb, exercises: list[Exercise]) -> str:
    """A line on the first lesson (non-exercise) cell that raised, or ""."""
    in_exercises = {i for ex in exercises for i in (ex.solution_index, *ex.check_indices)}
    for index, cell in enumerate(nb.cells):
        error = error_in(cell) if cell.cell_type == "code" and index not in in_exercises else None
        if error:
            return (f"lesson cell {index} failed ({error[0]}: {error[1]}); "
                    "exercises after it may fail because of it")
    return ""


def grade_file(submission: Submission, lessons: dict, mode: str, timeout: float,
               executed_dir: Path) -> Graded:
    """Grade one file; every problem becomes a line in `problems`, never an exception."""
    graded = Graded(submission.student, str(submission.path))
    try:
        nb = read_submission(submission.path)
        lesson = match_lesson(nb, lessons)
        exercises = find_exercises(nb)
    except ValueError as problem:
        graded.problems.append(str(problem))
        return graded
    graded.lesson = lesson.stem
    run = run_in_course_copy(nb, lesson.name, mode, timeout)
    nbtools.write(run.notebook, executed_dir / submission.student / submission.path.name)
    graded.outcomes = exercise_outcomes(run.notebook, exercises, run.timed_out)
    graded.problems += [line for line in (run.failure, broken_lesson_cell(run.notebook, exercises)) if line]
    return graded


def grade(arguments: list[str], mode: str, timeout: float, executed_dir: Path) -> list[Graded]:
    """Grade every submission found in `arguments`, one after another; executed copies go
    to executed_dir/<student>/."""
    lessons, results = course_lessons(), []
    for submission in find_submissions(arguments):
        print(f"grading {submission.student}: {submission.path} ...", flush=True)
        try:
            results.append(grade_file(submission, lessons, mode, timeout, executed_dir))
        except Exception as error:  # whatever one file does, the batch goes on
            results.append(Graded(submission.student, str(submission.path),
                                  problems=[f"could not grade it: {type(error).__name__}: {one_line(error)}"]))
    return results


# ---------------------------------------------------------------- reports
def write_csv(results: list[Graded], path: Path) -> None:
    """Long form: one row per student and exercise, and one per problem."""
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["student", "file", "lesson", "exercise", "outcome", "detail"])
        for r in results:
            writer.writerows([r.student, r.file, r.lesson, o.exercise, o.outcome, o.detail] for o in r.outcomes)
            writer.writerows([r.student, r.file, r.lesson, "", "problem", p] for p in r.problems)


def table_cell(text: str) -> str:
    return text.replace("|", "\\|")


def lesson_table(rows: list[Graded]) -> list[str]:
    """Markdown lines: students x exercises, then the hints and errors behind the table."""
    numbers = sorted({o.exercise for r in rows for o in r.outcomes})
    lines = ["| student | " + " | ".join(f"Exercise {n}" for n in numbers) + " | passed |",
             "|---|" + "---|" * (len(numbers) + 1)]
    for r in rows:
        by_number = {o.exercise: o.outcome for o in r.outcomes}
        passed = sum(o.outcome == "passed" for o in r.outcomes)
        lines.append(f"| {table_cell(r.student)} | " + " | ".join(by_number.get(n, "–") for n in numbers)
                     + f" | {passed}/{len(numbers)} |")
    details = [f"- {r.student}, Exercise {o.exercise}, {o.outcome}: {o.detail}"
               for r in rows for o in r.outcomes if o.detail]
    return lines + ([""] + details if details else [])


def grades_markdown(results: list[Graded], mode: str) -> str:
    lines = [f"# Grades ({mode} mode)", "",
             f"{len(results)} file(s) graded on {time.strftime('%Y-%m-%d %H:%M')}. Outcomes: passed, "
             "not yet (a check failed), not attempted, error, timed out. All details: grades.csv.", ""]
    for lesson in sorted({r.lesson for r in results if r.lesson}):
        rows = sorted((r for r in results if r.lesson == lesson), key=lambda r: (r.student, r.file))
        lines += [f"## {lesson}", "", *lesson_table(rows), ""]
    problems = [f"- {r.student} (`{r.file}`): {p}" for r in results for p in r.problems]
    lines += ["## Problems", "", *(problems or ["None."])]
    return "\n".join(lines) + "\n"


def write_reports(results: list[Graded], out_dir: Path, mode: str) -> str:
    """Write grades.csv and grades.md to `out_dir`; return the Markdown."""
    out_dir.mkdir(parents=True, exist_ok=True)
    write_csv(results, out_dir / "grades.csv")
    markdown = grades_markdown(results, mode)
    (out_dir / "grades.md").write_text(markdown)
    return markdown


if __name__ == "__main__":  # the child process started by run_in_course_copy
    execute_saving_each_cell(*(Path(arg) for arg in sys.argv[1:]))
