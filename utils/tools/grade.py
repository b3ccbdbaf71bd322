"""Grade students' notebooks: `python -m utils grade SUBMISSION... [--out build/grades]`.

For instructors. A submission is a student copy of a lesson (`python -m utils student`)
with the answers filled in. The lesson is recognised from the notebook's first cell
(`# NN · Title`), not from the file name.

What runs is the LESSON, not the submission: the course's own notebook, cell for cell,
with only each exercise's answer cell (the first code cell under `### Exercise N`) taken
from the submission. Lesson cells and check cells come from the course, whatever the
submission holds there; check cells that were edited or deleted, and exercise headings
that were deleted or renumbered, are reported as problems. The notebook runs headless,
errors allowed, in its own throwaway copy of the course (utils/, data/, notebooks/), in a
child process that is killed, kernel included, past the time limit.

Each restored check cell runs inside a grader cell that, in the kernel:

- loads fresh check functions from the course's utils/core/exercises.py (its text is
  written into the cell, so a changed file on disk does not matter), under a module name
  drawn at random for this run; the check code sees them as `utils.check`, ... whatever
  the submission bound to those names;
- drops builtins the submission shadowed with its own functions (`all = lambda x: True`);
- runs the check and classifies what happened from the exception's real class: the fresh
  ExerciseCheckFailed is "not yet", NotImplementedError or NameError "not attempted",
  anything else (a look-alike ExerciseCheckFailed included) "error";
- looks for tampering: `utils.check` and friends (and the exception class) no longer the
  course's code, module attributes (numpy's, the course's, builtins) replaced by
  functions the notebook defined, IPython hooks registered by an answer cell, a replaced
  sys.stdout;
- prints one verdict line tagged with a random token. The grader reads outcomes from
  those lines only; a missing or doubled line is an error.

Outcomes:

- passed          every check of the exercise passed and no tampering was seen
- not yet         a check failed (ExerciseCheckFailed); the detail is its hint
- not attempted   the answer is still the stub (NotImplementedError, or its names undefined)
- error           the answer cell or a check raised something else, a check did not report,
                  or tampering was detected (the detail says what)
- timed out       the notebook ran past the time limit before the exercise was done

Written to <out>: grades.csv (one row per student and exercise, plus one per problem),
grades.md (one table per lesson and the list of problems) and executed/<student>/ (the
executed grading notebooks, to see a student's tracebacks).

Submissions are untrusted code and Python is not a sandbox: see INSTRUCTORS.md for what
the grader does not protect against. Grade inside a container or a throwaway account.
"""

from __future__ import annotations

import csv
import json
import os
import re
import secrets
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

from ..core.paths import NOTEBOOKS_DIR, REPO_ROOT
from ..core.report import METRICS_ENV
from . import notebooks as nbtools
from .exercise_cells import ANY_HEADING, EXERCISE_HEADING, Exercise, find_exercises
from .student import strip_solutions

COURSE_PARTS = ("utils", "data", "notebooks", "requirements.txt")  # what each throwaway course copy holds
LESSON_HEADING = re.compile(r"^#\s*(\d+)\s*·\s*(.+?)\s*$")
CELLS_RUN = "grade_cells_run"  # notebook metadata: how many cells the child finished
NAME_RULE = (
    "The student's name is the folder directly holding the notebook, or the "
    "file's name when it lies directly in the folder given or is named itself."
)


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
        raise ValueError(
            f"cannot match its lesson {nb.cells[0].source.splitlines()[0]!r} to one of the course's ({known})"
        )
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
    """A throwaway copy of the parts of the course a notebook needs (those that exist)."""
    for part in COURSE_PARTS:
        if (source / part).is_dir():
            shutil.copytree(
                source / part, target / part, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
            )
        elif (source / part).is_file():
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / part, target / part)
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


def run_in_course_copy(nb, lesson_name: str, mode: str, timeout: float, course_root: Path = REPO_ROOT) -> Execution:
    """Execute `nb` as notebooks/<lesson_name> of a fresh course copy, in a child process."""
    with tempfile.TemporaryDirectory(prefix="grade-", ignore_cleanup_errors=True) as tmp:
        course = copy_course(Path(tmp) / "course", course_root)
        notebook = course / "notebooks" / lesson_name
        nbtools.write(nbtools.clean(nb), notebook)  # no stale outputs from the student's run
        executed, kernel_pid, log = (Path(tmp) / name for name in ("executed.ipynb", "kernel.pid", "child.log"))
        env = {**os.environ, "COURSE_MODE": mode}
        env.pop(METRICS_ENV, None)
        with open(log, "w") as log_file:
            child = subprocess.Popen(
                [sys.executable, "-m", "utils.tools.grade", str(notebook), str(executed), str(kernel_pid)],
                cwd=course,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
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
    client = NotebookClient(
        nb,
        timeout=None,
        allow_errors=True,
        kernel_name="python3",
        resources={"metadata": {"path": str(notebook.parent)}},
    )
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


# ---------------------------------------------------------------- the grader's cells
VERDICT_TAG = "[course grader]"  # + a random token per graded file, then one JSON verdict
CHECKS_FILE = Path("utils") / "core" / "exercises.py"

# Runs inside the student's kernel, in a namespace of its own, once before each answer
# cell (STEP "before": a snapshot) and once per restored check cell (STEP "check").
KERNEL_SOURCE = r"""
import builtins, json, sys, types

PUBLIC = ("check", "check_close", "check_written_by_hand", "exercise", "ExerciseCheckFailed")
API = PUBLIC + ("how_far_off", "course_code_used_by")
CHECKS_MODULE = "utils.core.exercises"


def notebook_made(value):
    # a function or class defined by the notebook's own code (cells run in __main__)
    try:
        if type(value) is types.FunctionType or isinstance(value, type):
            return getattr(value, "__module__", None) == "__main__"
    except Exception:
        pass
    return False


def same_function(mine, fresh, module_dict):
    if type(mine) is not types.FunctionType:
        return False
    a, b = mine.__code__, fresh.__code__
    return (a.co_code == b.co_code and a.co_consts == b.co_consts and a.co_names == b.co_names
            and mine.__defaults__ == fresh.__defaults__ and mine.__kwdefaults__ == fresh.__kwdefaults__
            and (module_dict is None or mine.__globals__ is module_dict))


def same_class(mine, fresh, module_dict):
    if not isinstance(mine, type) or mine.__module__ != CHECKS_MODULE or mine.__name__ != fresh.__name__:
        return False
    if [c.__name__ for c in mine.__mro__] != [c.__name__ for c in fresh.__mro__]:
        return False
    own = {k: v for k, v in vars(mine).items() if type(v) is types.FunctionType}
    theirs = {k: v for k, v in vars(fresh).items() if type(v) is types.FunctionType}
    return own.keys() == theirs.keys() and all(same_function(own[k], theirs[k], module_dict) for k in own)


def api_tampering(fresh):
    found = []
    module = sys.modules.get(CHECKS_MODULE)
    module_dict = vars(module) if isinstance(module, types.ModuleType) else None
    path = str(module_dict.get("__file__", "")) if module_dict is not None else ""
    if not path.replace(chr(92), "/").endswith("utils/core/exercises.py"):
        found.append(f"the module {CHECKS_MODULE} is missing or replaced")
        module_dict = None
    places = [("utils", sys.modules.get("utils"), PUBLIC), (CHECKS_MODULE, module, API)]
    if "utils" in USER and USER["utils"] is not sys.modules.get("utils"):
        found.append("the name `utils` is rebound to something other than the course's package")
        places.append(("utils (as the notebook sees it)", USER["utils"], PUBLIC))
    for place, holder, names in places:
        if holder is None:
            continue
        for name in names:
            try:
                mine = getattr(holder, name)
            except Exception:
                found.append(f"{place}.{name} is missing")
                continue
            fresh_value = getattr(fresh, name)
            same = (same_class(mine, fresh_value, module_dict) if isinstance(fresh_value, type)
                    else same_function(mine, fresh_value, module_dict))
            if not same:
                found.append(f"{place}.{name} is not the course's own (rebound or patched)")
    return found


def patched_attributes():
    found = []
    for name, module in list(sys.modules.items()):
        if not isinstance(module, types.ModuleType):
            continue
        try:
            if vars(module) is USER or module is sys.modules.get("__main__"):
                continue  # the notebook's own namespace (also __mp_main__)
            items = list(vars(module).items())
        except Exception:
            continue
        for attr, value in items:
            if name == "builtins" and attr.startswith("_"):
                continue  # _, __, ___: the last results IPython shows
            if notebook_made(value):
                found.append(f"{name}.{attr} is replaced by code from the notebook")
            elif (name == "utils" or name.startswith("utils.")) and isinstance(value, type) \
                    and str(getattr(value, "__module__", "")).startswith("utils"):
                for method, inner in list(vars(value).items()):
                    if notebook_made(inner):
                        found.append(f"{name}.{attr}.{method} is replaced by code from the notebook")
    return found


def shadowed_builtins():
    return sorted(name for name, value in list(USER.items())
                  if not name.startswith("_") and hasattr(builtins, name)
                  and value is not getattr(builtins, name) and notebook_made(value))


def hooks():
    get = getattr(sys.modules.get("IPython"), "get_ipython", None)
    shell = get() if get else None
    if shell is None:
        return {}
    found = {f"events.{k}": len(v) for k, v in shell.events.callbacks.items()}
    for name in ("input_transformers_post", "input_transformers_cleanup", "ast_transformers"):
        found[name] = len(getattr(shell, name, None) or [])
    found["custom_exceptions"] = len(getattr(shell, "custom_exceptions", None) or ())
    return found


def stream_tampering(out):
    kind = type(out)
    if not kind.__module__.startswith("ipykernel") or getattr(kind.write, "__module__", "") != kind.__module__:
        return ["sys.stdout is replaced or patched"]
    return []


def tampering(fresh, out):
    found = api_tampering(fresh) + patched_attributes() + stream_tampering(out)
    found += [f"the builtin `{name}` is shadowed by a function the notebook defines" for name in shadowed_builtins()]
    return found


def describe(error):
    try:
        return f"{type(error).__name__}: {error}"
    except Exception:
        return type(error).__name__


def run_check(fresh):
    namespace = dict(USER)
    for name in shadowed_builtins():
        del namespace[name]
    namespace["__builtins__"] = builtins

    class Utils(types.ModuleType):  # the course's package, with fresh checks in front
        def __getattr__(self, name):
            return getattr(sys.modules["utils"], name)

    state = {}

    class graded_exercise(fresh.exercise):
        def __exit__(self, kind, error, traceback):
            if kind is not None and issubclass(kind, (NotImplementedError, NameError)):
                state["not attempted"] = describe(error)
            return fresh.exercise.__exit__(self, kind, error, traceback)

    proxy = Utils("utils")
    for name in API:
        setattr(proxy, name, getattr(fresh, name))
    proxy.exercise = graded_exercise
    namespace["utils"] = proxy
    extra = []
    try:
        exec(compile(CHECK_SOURCE, f"<the lesson's check of Exercise {EXERCISE}>", "exec"), namespace)
    except BaseException as error:  # classified by its real class, never by its name
        kind = type(error)
        if kind is fresh.ExerciseCheckFailed:
            result = ("not yet", str(error).removeprefix("Not yet: "))
        elif issubclass(kind, (NotImplementedError, NameError)):
            result = ("not attempted", describe(error))
        else:
            if kind.__name__ == "ExerciseCheckFailed":
                extra.append("a look-alike ExerciseCheckFailed (not the course's class) was raised in the check")
            result = ("error", "in the check: " + describe(error))
    else:
        result = ("not attempted", state["not attempted"]) if state else ("passed", "")
    for name, value in namespace.items():  # what the check defined, as Run All would leave it
        if name not in ("utils", "__builtins__") and (name not in USER or USER[name] is not value):
            USER[name] = value
    return result, extra


def main():
    out = sys.stdout
    fresh = types.ModuleType(CHECKS_NAME)
    exec(compile(CHECKS_SOURCE, f"<course checks {TOKEN}>", "exec"), vars(fresh))
    verdict = {"step": STEP, "exercise": EXERCISE, "hooks": hooks(), "tampering": tampering(fresh, out)}
    if STEP == "check":
        (outcome, detail), extra = run_check(fresh)
        verdict.update(outcome=outcome, detail=detail)
        verdict["tampering"] = sorted(set(verdict["tampering"] + extra + tampering(fresh, out)))
    type(out).write(out, "\n" + TAG + " " + TOKEN + " " + json.dumps(verdict) + "\n")
    type(out).flush(out)


main()
"""


def grader_cell(step: str, number: int, token: str, checks_source: str, check_source: str = ""):
    """A code cell that runs KERNEL_SOURCE in the kernel for `step` of exercise `number`."""
    name = f"_grader_{token}"
    what = (
        "snapshot before your answer"
        if step == "before"
        else "the lesson's own check, restored (what the submission holds here is not run)"
    )
    settings = {
        "TAG": VERDICT_TAG,
        "TOKEN": token,
        "STEP": step,
        "EXERCISE": number,
        "CHECK_SOURCE": check_source,
        "CHECKS_SOURCE": checks_source,
        "CHECKS_NAME": f"course_checks_{token}",
    }
    source = "\n".join(
        [
            f"# Course grader, Exercise {number}: {what}.",
            f"import builtins as {name}",
            f"{name}.exec({name}.compile({KERNEL_SOURCE!r}, '<course grader>', 'exec'),",
            f"            {{'__builtins__': {name}, 'USER': {name}.globals(), **{settings!r}}})",
            f"del {name}",
        ]
    )
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["grader"] = {"step": step, "exercise": number}
    return cell


# ---------------------------------------------------------------- the notebook that runs
@dataclass
class Plan:
    """Where one exercise's cells are in the grading notebook."""

    number: int
    before: int = -1  # the grader's snapshot cell
    answer: int = -1  # the student's answer cell
    checks: list[int] = field(default_factory=list)  # the grader's check cells
    found: bool = True  # False: no answer in the submission (the lesson's stub ran)


def loose_exercises(nb) -> dict[int, list]:
    """{number: [code cells under `### Exercise N`]} of any notebook; first heading wins."""
    found, current = {}, None
    for cell in nb.cells:
        if cell.cell_type == "markdown" and ANY_HEADING.search(cell.source):
            match = EXERCISE_HEADING.search(cell.source)
            current = int(match.group(1)) if match else None
            if current is not None:
                current = current if current not in found else -current  # a second heading: ignored
                found.setdefault(current, [])
        elif cell.cell_type == "code" and current is not None:
            found[current].append(cell)
    return {n: cells for n, cells in found.items() if n > 0}


def by_id(nb, cell_id: str | None):
    for cell in nb.cells:
        if cell_id and cell.get("id") == cell_id and cell.cell_type == "code":
            return cell
    return None


def same_source(a: str, b: str) -> bool:
    return a.strip() == b.strip()


def submission_problems(lesson_nb, lesson_exercises: list[Exercise], submission) -> list[str]:
    """Edited, deleted, renumbered: how the submission's exercise cells differ from the lesson's."""
    problems = []
    loose = loose_exercises(submission)
    numbers = [ex.number for ex in lesson_exercises]
    headings = [
        int(m.group(1))
        for cell in submission.cells
        if cell.cell_type == "markdown"
        for m in EXERCISE_HEADING.finditer(cell.source)
    ]
    if headings != numbers:
        problems.append(
            f"the exercise headings differ from the lesson's: found {headings}, the lesson has {numbers}; "
            "answers were matched by cell id, else by heading"
        )
    for ex in lesson_exercises:
        theirs = loose.get(ex.number, [None])[1:]
        for position, index in enumerate(ex.check_indices):
            original = lesson_nb.cells[index]
            copy = by_id(submission, original.get("id"))
            if copy is None and position < len(theirs):
                copy = theirs[position]
            if copy is None:
                problems.append(
                    f"Exercise {ex.number}: a check cell is missing from the submission; the lesson's was run"
                )
            elif not same_source(copy.source, original.source):
                problems.append(
                    f"Exercise {ex.number}: a check cell was edited in the submission; the lesson's own was run"
                )
    return problems


def answer_cell(lesson_nb, ex: Exercise, submission):
    """The submission's answer to `ex` (by cell id, else under its heading), or None."""
    cell = by_id(submission, lesson_nb.cells[ex.solution_index].get("id"))
    if cell is None:
        cells = loose_exercises(submission).get(ex.number, [])
        cell = cells[0] if cells else None
    return cell


def grading_notebook(lesson_nb, submission, token: str, checks_source: str):
    """The lesson's cells with the submission's answers and the grader's cells; (notebook, plans)."""
    exercises = find_exercises(lesson_nb)
    by_solution = {ex.solution_index: ex for ex in exercises}
    by_check = {index: ex for ex in exercises for index in ex.check_indices}
    plans = {ex.number: Plan(ex.number) for ex in exercises}
    cells = []
    for index, cell in enumerate(lesson_nb.cells):
        if index in by_solution:
            ex = by_solution[index]
            plan = plans[ex.number]
            answer = answer_cell(lesson_nb, ex, submission)
            plan.found = answer is not None
            source = answer.source if answer is not None else strip_solutions(cell.source)
            plan.before = len(cells)
            cells.append(grader_cell("before", ex.number, token, checks_source))
            plan.answer = len(cells)
            cells.append(nbformat.v4.new_code_cell(source))
        elif index in by_check:
            ex = by_check[index]
            plans[ex.number].checks.append(len(cells))
            cells.append(grader_cell("check", ex.number, token, checks_source, cell.source))
        else:
            copy = nbformat.from_dict(json.loads(json.dumps(cell)))
            if copy.cell_type == "code":
                copy.outputs, copy.execution_count = [], None
            cells.append(copy)
    nb = nbformat.v4.new_notebook(cells=cells, metadata=json.loads(json.dumps(lesson_nb.metadata)))
    return nb, [plans[ex.number] for ex in exercises]


# ---------------------------------------------------------------- reading the outcomes
def one_line(text, limit: int = 300) -> str:
    return " ".join(str(text).split())[:limit]


def error_in(cell) -> tuple[str, str] | None:
    """(exception name, message) of the error a code cell raised, or None."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return output.get("ename", "Error"), one_line(output.get("evalue", ""))
    return None


def verdicts(cell, token: str) -> list[dict]:
    """The grader's verdict lines printed by `cell` (exactly one when nothing interfered)."""
    text = "".join(
        o.get("text", "")
        for o in cell.get("outputs", [])
        if o.get("output_type") == "stream" and o.get("name") == "stdout"
    )
    prefix = f"{VERDICT_TAG} {token} "
    found = []
    for line in text.splitlines():
        if line.startswith(prefix):
            try:
                found.append(json.loads(line[len(prefix) :]))
            except ValueError:
                found.append({"broken": line})
    return found


def exercise_outcome(nb, plan: Plan, token: str, unreached: tuple[str, str]) -> tuple[str, str, list[str]]:
    """(outcome, detail, tampering seen) of one exercise from the executed grading notebook."""
    cells_run = nb.metadata.get(CELLS_RUN, 0)
    if any(index >= cells_run for index in (plan.before, plan.answer, *plan.checks)):
        return (*unreached, [])
    before = verdicts(nb.cells[plan.before], token)
    checks = [verdicts(nb.cells[index], token) for index in plan.checks]
    if (
        len(before) != 1
        or any(len(found) != 1 for found in checks)
        or any("broken" in v for v in before + [v for found in checks for v in found])
    ):
        detail = "the course's check did not report exactly once (the kernel stopped, or its output was tampered with)"
        return "error", detail, [f"Exercise {plan.number}: {detail}"]
    before, checks = before[0], [found[0] for found in checks]
    seen_before = set(before["tampering"])
    tampering = sorted({item for v in checks for item in v["tampering"]} - seen_before)
    changed = sorted(
        {name for v in checks for name, count in v["hooks"].items() if before["hooks"].get(name) != count}
        | {name for v in checks for name in set(before["hooks"]) - set(v["hooks"])}
    )
    if changed:
        tampering.append(f"the answer cell changed IPython hooks ({', '.join(changed)})")
    error = error_in(nb.cells[plan.answer])
    if not plan.found:
        outcome = ("not attempted", "no answer cell found for it in the submission")
    elif error and error[0] == "NotImplementedError":
        outcome = ("not attempted", "")
    elif error:
        outcome = ("error", f"your answer cell raised {error[0]}: {error[1]}")
    else:
        outcome = next(((v["outcome"], v["detail"]) for v in checks if v["outcome"] != "passed"), ("passed", ""))
    if tampering and outcome[0] == "passed":
        outcome = ("error", "tampering detected: " + "; ".join(tampering))
    return (*outcome, tampering)


def broken_lesson_cell(nb, plans: list[Plan]) -> str:
    """A line on the first lesson cell (not an answer, not the grader's) that raised, or ""."""
    ours = {i for plan in plans for i in (plan.before, plan.answer, *plan.checks)}
    for index, cell in enumerate(nb.cells):
        error = error_in(cell) if cell.cell_type == "code" and index not in ours else None
        if error:
            return f"lesson cell {index} failed ({error[0]}: {error[1]}); exercises after it may fail because of it"
    return ""


def grade_file(
    submission: Submission, lessons: dict, mode: str, timeout: float, executed_dir: Path, course_root: Path = REPO_ROOT
) -> Graded:
    """Grade one file; every problem becomes a line in `problems`, never an exception."""
    graded = Graded(submission.student, str(submission.path))
    try:
        nb = read_submission(submission.path)
        lesson = match_lesson(nb, lessons)
    except ValueError as problem:
        graded.problems.append(str(problem))
        return graded
    graded.lesson = lesson.stem
    lesson_nb = nbtools.read(lesson)
    token = secrets.token_hex(12)
    checks_source = (course_root / CHECKS_FILE).read_text()
    grading, plans = grading_notebook(lesson_nb, nb, token, checks_source)
    graded.problems += submission_problems(lesson_nb, find_exercises(lesson_nb), nb)
    graded.problems += [
        f"Exercise {p.number}: no answer cell found in the submission (heading deleted?); "
        "the lesson's stub ran in its place"
        for p in plans
        if not p.found
    ]
    run = run_in_course_copy(grading, lesson.name, mode, timeout, course_root)
    nbtools.write(run.notebook, executed_dir / submission.student / submission.path.name)
    unreached = ("timed out", "") if run.timed_out else ("error", "not run: the notebook stopped before it")
    seen = set()
    for plan in plans:
        outcome, detail, tampering = exercise_outcome(run.notebook, plan, token, unreached)
        graded.outcomes.append(Outcome(plan.number, outcome, detail))
        for item in tampering:
            if item not in seen:
                seen.add(item)
                graded.problems.append(f"Exercise {plan.number}: tampering: {item}")
    graded.problems += [line for line in (run.failure, broken_lesson_cell(run.notebook, plans)) if line]
    return graded


def grade(
    arguments: list[str],
    mode: str,
    timeout: float,
    executed_dir: Path,
    lessons_folder: Path = NOTEBOOKS_DIR,
    course_root: Path = REPO_ROOT,
) -> list[Graded]:
    """Grade every submission found in `arguments`, one after another, against the lessons in
    `lessons_folder` (the course's by default); executed copies go to executed_dir/<student>/."""
    lessons, results = course_lessons(Path(lessons_folder)), []
    for submission in find_submissions(arguments):
        print(f"grading {submission.student}: {submission.path} ...", flush=True)
        try:
            results.append(grade_file(submission, lessons, mode, timeout, executed_dir, course_root))
        except Exception as error:  # whatever one file does, the batch goes on
            results.append(
                Graded(
                    submission.student,
                    str(submission.path),
                    problems=[f"could not grade it: {type(error).__name__}: {one_line(error)}"],
                )
            )
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
    lines = [
        "| student | " + " | ".join(f"Exercise {n}" for n in numbers) + " | passed |",
        "|---|" + "---|" * (len(numbers) + 1),
    ]
    for r in rows:
        by_number = {o.exercise: o.outcome for o in r.outcomes}
        passed = sum(o.outcome == "passed" for o in r.outcomes)
        lines.append(
            f"| {table_cell(r.student)} | "
            + " | ".join(by_number.get(n, "–") for n in numbers)
            + f" | {passed}/{len(numbers)} |"
        )
    details = [
        f"- {r.student}, Exercise {o.exercise}, {o.outcome}: {o.detail}" for r in rows for o in r.outcomes if o.detail
    ]
    return lines + ([""] + details if details else [])


def grades_markdown(results: list[Graded], mode: str) -> str:
    lines = [
        f"# Grades ({mode} mode)",
        "",
        f"{len(results)} file(s) graded on {time.strftime('%Y-%m-%d %H:%M')}. Outcomes: passed, "
        "not yet (a check failed), not attempted, error, timed out. All details: grades.csv.",
        "",
    ]
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
